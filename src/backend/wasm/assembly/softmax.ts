// Log-softmax over contiguous float32 rows: x − (log Σ e^(x − m) + m) per row, with m the row's max (0 where that is
// infinite, as the composed form does), so that cross-entropy's forward is one pass to find m, one to sum, one to write.

import { expv, splat } from "./simd_math";

export function logSoftmaxRows(x: usize, o: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    const out = o + (<usize>(r * cols) << 2);
    // The max; any NaN makes the row NaN.
    let vmax = f32x4.splat(-Infinity);
    let vnan = i32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      vmax = f32x4.pmax(vmax, v);
      vnan = v128.or(vnan, f32x4.ne(v, v));
    }
    let top = max<f32>(max<f32>(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), max<f32>(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
    let nan = v128.any_true(vnan);
    for (; j < cols; j++) {
      const v = load<f32>(row + (<usize>j << 2));
      if (v > top) top = v;
      else if (v != v) nan = true;
    }
    const shift: f32 = isFinite<f32>(top) ? top : 0;
    // Σ e^(x − shift), in float64 lanes.
    const vs = f32x4.splat(shift);
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const e = expv(f32x4.sub(v128.load(row + (<usize>j << 2)), vs));
      acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(e));
      acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 0, 1)));
    }
    let sum = f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
    for (; j < cols; j++) sum += <f64>f32x4.extract_lane(expv(f32x4.splat(load<f32>(row + (<usize>j << 2)) - shift)), 0);
    const lse: f32 = nan ? NaN : <f32>(Math.log(sum) + <f64>shift);
    const vl = splat(lse);
    j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(out + (<usize>j << 2), f32x4.sub(v128.load(row + (<usize>j << 2)), vl));
    for (; j < cols; j++) store<f32>(out + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) - lse);
  }
}
