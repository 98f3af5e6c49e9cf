// Float32 reductions of a contiguous [outer, inner] block: over each row (the last dims) or over each column (the leading
// dims). Sums accumulate in float64, like the CPU reference backend, so results round once.

export const SUM = 0;
export const MAX = 1;
export const MIN = 2;

/** out[r] = op over c of x[r·inner + c]. */
export function reduceRows(op: i32, x: usize, o: usize, outer: i32, inner: i32): void {
  for (let r = 0; r < outer; r++) {
    const p = x + (<usize>(r * inner) << 2);
    let i = 0;
    let res: f32;
    if (op == SUM) {
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      for (; i + 4 <= inner; i += 4) {
        const v = v128.load(p + (<usize>i << 2));
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      const s = f64x2.add(a0, a1);
      let acc = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
      for (; i < inner; i++) acc += <f64>load<f32>(p + (<usize>i << 2));
      res = <f32>acc;
    } else {
      let a = f32x4.splat(op == MAX ? -Infinity : Infinity);
      for (; i + 4 <= inner; i += 4) {
        const v = v128.load(p + (<usize>i << 2));
        // f32x4.max/min propagate NaN, as the reference does.
        a = op == MAX ? f32x4.max(a, v) : f32x4.min(a, v);
      }
      // Fold the four lanes: (0,1,2,3) with (2,3,0,1), then with (1,0,3,2).
      a = op == MAX ? f32x4.max(a, i32x4.shuffle(a, a, 2, 3, 0, 1)) : f32x4.min(a, i32x4.shuffle(a, a, 2, 3, 0, 1));
      a = op == MAX ? f32x4.max(a, i32x4.shuffle(a, a, 1, 0, 3, 2)) : f32x4.min(a, i32x4.shuffle(a, a, 1, 0, 3, 2));
      let acc = f32x4.extract_lane(a, 0);
      for (; i < inner; i++) {
        const v = load<f32>(p + (<usize>i << 2));
        acc = op == MAX ? max<f32>(acc, v) : min<f32>(acc, v);
      }
      res = acc;
    }
    store<f32>(o + (<usize>r << 2), res);
  }
}

/** out[c] = op over r of x[r·inner + c]; `work` holds `inner` float64 accumulators for sums. */
export function reduceCols(op: i32, x: usize, o: usize, outer: i32, inner: i32, work: usize): void {
  if (op == SUM) {
    memory.fill(work, 0, <usize>inner << 3);
    for (let r = 0; r < outer; r++) {
      const p = x + (<usize>(r * inner) << 2);
      let c = 0;
      for (; c + 4 <= inner; c += 4) {
        const v = v128.load(p + (<usize>c << 2));
        const w = work + (<usize>c << 3);
        v128.store(w, f64x2.add(v128.load(w), f64x2.promote_low_f32x4(v)));
        v128.store(w, f64x2.add(v128.load(w, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
      }
      for (; c < inner; c++) {
        const w = work + (<usize>c << 3);
        store<f64>(w, load<f64>(w) + <f64>load<f32>(p + (<usize>c << 2)));
      }
    }
    for (let c = 0; c < inner; c++) store<f32>(o + (<usize>c << 2), <f32>load<f64>(work + (<usize>c << 3)));
    return;
  }
  memory.copy(o, x, <usize>inner << 2);
  for (let r = 1; r < outer; r++) {
    const p = x + (<usize>(r * inner) << 2);
    let c = 0;
    for (; c + 4 <= inner; c += 4) {
      const q = o + (<usize>c << 2);
      const v = v128.load(p + (<usize>c << 2));
      v128.store(q, op == MAX ? f32x4.max(v128.load(q), v) : f32x4.min(v128.load(q), v));
    }
    for (; c < inner; c++) {
      const q = o + (<usize>c << 2);
      const v = load<f32>(p + (<usize>c << 2));
      store<f32>(q, op == MAX ? max<f32>(load<f32>(q), v) : min<f32>(load<f32>(q), v));
    }
  }
}
