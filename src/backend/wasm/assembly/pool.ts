// max_pool2d's forward over planes [P, H, W] in this module's memory: each window's maximum and the in-plane index of
// its first maximum (a NaN wins, and a later NaN over an earlier one), windows clipped to the input. Four adjacent outputs
// of a row whose windows lie inside the input are computed at once, without branches; the rest one by one.

// Words of the geometry block.
const P = 0;
const H = 1;
const W = 2;
const KH = 3;
const KW = 4;
const SH = 5;
const SW = 6;
const PH = 7;
const PW = 8;
const DH = 9;
const DW = 10;
const OH = 11;
const OW = 12;

// @ts-ignore: decorator
@inline function word(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/** Four floats at `at`, `at` + s, + 2s, + 3s (elements). */
// @ts-ignore: decorator
@inline function gather(at: usize, s: i32): v128 {
  if (s == 1) return v128.load(at);
  if (s == 2) return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6);
  const step = <usize>s << 2;
  let v = f32x4.splat(load<f32>(at));
  v = f32x4.replace_lane(v, 1, load<f32>(at + step));
  v = f32x4.replace_lane(v, 2, load<f32>(at + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(at + 3 * step));
}

/** The planes at `src` (geometry block at `g`) pooled into `out` (float32) and `idx` (int32), [P, OH, OW] each. */
export function maxPoolPlanes(g: usize, src: usize, out: usize, idx: usize): void {
  const p = word(g, P);
  const h = word(g, H);
  const w = word(g, W);
  const kh = word(g, KH);
  const kw = word(g, KW);
  const sh = word(g, SH);
  const sw = word(g, SW);
  const ph = word(g, PH);
  const pw = word(g, PW);
  const dh = word(g, DH);
  const dw = word(g, DW);
  const oh = word(g, OH);
  const ow = word(g, OW);
  // Output columns [xa, xb) have every kernel column inside the input.
  let xa = pw > 0 ? (pw + sw - 1) / sw : 0;
  let xb = (w - 1 - (kw - 1) * dw + pw) / sw + 1;
  if (w - 1 - (kw - 1) * dw + pw < 0) xb = 0;
  xa = min(xa, ow);
  xb = max(xa, min(xb, ow));
  const lanes = i32x4(0, sw, 2 * sw, 3 * sw);
  let o: usize = 0;
  for (let q = 0; q < p; q++) {
    const plane = src + (<usize>(q * h * w) << 2);
    for (let y = 0; y < oh; y++) {
      const y0 = y * sh - ph;
      let i0 = 0;
      while (i0 < kh && y0 + i0 * dh < 0) i0++;
      let i1 = i0;
      while (i1 < kh && y0 + i1 * dh < h) i1++;
      let x = 0;
      while (x < ow) {
        if (x >= xa && x + 4 <= xb && i0 < i1) {
          const x0 = x * sw - pw;
          let first = (y0 + i0 * dh) * w + x0;
          let best = gather(plane + (<usize>first << 2), sw);
          let bi = i32x4.add(i32x4.splat(first), lanes);
          for (let i = i0; i < i1; i++) {
            const row = (y0 + i * dh) * w + x0;
            for (let j = i == i0 ? 1 : 0; j < kw; j++) {
              const at = row + j * dw;
              const v = gather(plane + (<usize>at << 2), sw);
              const wins = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
              best = v128.bitselect(v, best, wins);
              bi = v128.bitselect(i32x4.add(i32x4.splat(at), lanes), bi, wins);
            }
          }
          v128.store(out + (o << 2), best);
          v128.store(idx + (o << 2), bi);
          x += 4;
          o += 4;
          continue;
        }
        const x0 = x * sw - pw;
        let best = -Infinity as f32;
        let bi = -1;
        for (let i = i0; i < i1; i++) {
          const hh = y0 + i * dh;
          for (let j = 0; j < kw; j++) {
            const ww = x0 + j * dw;
            if (ww < 0 || ww >= w) continue;
            const at = hh * w + ww;
            const v = load<f32>(plane + (<usize>at << 2));
            if (bi < 0 || v > best || v != v) {
              best = v;
              bi = at;
            }
          }
        }
        store<f32>(out + (o << 2), best);
        store<i32>(idx + (o << 2), bi);
        x++;
        o++;
      }
    }
  }
}

/**
 * max_pool2d's backward: `gx` ([P, H·W], zeroed here) gets each output gradient of `gy` ([P, L]) added at its window's
 * index in `idx` ([P, L], in-plane), in order.
 */
export function maxPoolBackward(gy: usize, idx: usize, gx: usize, p: i32, l: i32, hw: i32): void {
  memory.fill(gx, 0, <usize>(p * hw) << 2);
  let o: usize = 0;
  for (let q = 0; q < p; q++) {
    const plane = gx + (<usize>(q * hw) << 2);
    for (let k = 0; k < l; k++, o++) {
      const i = load<i32>(idx + (o << 2));
      if (i < 0) continue; // an empty window (not made by valid arguments)
      const at = plane + (<usize>i << 2);
      store<f32>(at, load<f32>(at) + load<f32>(gy + (o << 2)));
    }
  }
}
