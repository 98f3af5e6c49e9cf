// The LSTM and GRU cells' gate math over dense float32 rows, one pass per step (the forward halves of the Backend's
// lstmCell and gruCell kernels; the backwards are plain arithmetic and stay in JS). Each product and sum is rounded as
// the composed ops (mul, add, sigmoid, tanh) would round it, so both paths give the same floats.

import { sigmoidv, tanhv } from "./simd_math";

/** Four lanes at `p` + 4·j, or (`one`) the element there in every lane. */
// @ts-ignore: decorator
@inline function ld(p: usize, j: i32, one: bool): v128 {
  return one ? f32x4.splat(load<f32>(p + (<usize>j << 2))) : v128.load(p + (<usize>j << 2));
}

// @ts-ignore: decorator
@inline function st(p: usize, j: i32, v: v128, one: bool): void {
  if (one) store<f32>(p + (<usize>j << 2), f32x4.extract_lane(v, 0));
  else v128.store(p + (<usize>j << 2), v);
}

/** Columns j..j+3 (or j alone) of one LSTM row: gates at gx, gh (4H each), state at c; h', c' and act (5H) written. */
// @ts-ignore: decorator
@inline function lstm4(gx: usize, gh: usize, c: usize, ho: usize, co: usize, a: usize, j: i32, H: i32, one: bool): void {
  const i = sigmoidv(f32x4.add(ld(gx, j, one), ld(gh, j, one)));
  const f = sigmoidv(f32x4.add(ld(gx, j + H, one), ld(gh, j + H, one)));
  const g = tanhv(f32x4.add(ld(gx, j + 2 * H, one), ld(gh, j + 2 * H, one)));
  const o = sigmoidv(f32x4.add(ld(gx, j + 3 * H, one), ld(gh, j + 3 * H, one)));
  const c2 = f32x4.add(f32x4.mul(f, ld(c, j, one)), f32x4.mul(i, g));
  const tc = tanhv(c2);
  st(co, j, c2, one);
  st(ho, j, f32x4.mul(o, tc), one);
  st(a, j, i, one);
  st(a, j + H, f, one);
  st(a, j + 2 * H, g, one);
  st(a, j + 3 * H, o, one);
  st(a, j + 4 * H, tc, one);
}

/** One LSTM step for `rows` rows: xg, hg [rows, 4H] (i, f, g, o), c [rows, H] → h, c' [rows, H] and act [rows, 5H]. */
export function lstmCellRows(xg: usize, hg: usize, c: usize, hOut: usize, cOut: usize, act: usize, rows: i32, H: i32): void {
  for (let r = 0; r < rows; r++) {
    const g4 = <usize>(r * 4 * H) << 2;
    const s = <usize>(r * H) << 2;
    const a5 = <usize>(r * 5 * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) lstm4(xg + g4, hg + g4, c + s, hOut + s, cOut + s, act + a5, j, H, false);
    for (; j < H; j++) lstm4(xg + g4, hg + g4, c + s, hOut + s, cOut + s, act + a5, j, H, true);
  }
}

/** Columns j..j+3 (or j alone) of one GRU row: gates at gx, gh (3H each), state at h; h' and act (3H) written. */
// @ts-ignore: decorator
@inline function gru4(gx: usize, gh: usize, h: usize, ho: usize, a: usize, j: i32, H: i32, one: bool): void {
  const r = sigmoidv(f32x4.add(ld(gx, j, one), ld(gh, j, one)));
  const z = sigmoidv(f32x4.add(ld(gx, j + H, one), ld(gh, j + H, one)));
  const n = tanhv(f32x4.add(ld(gx, j + 2 * H, one), f32x4.mul(r, ld(gh, j + 2 * H, one))));
  st(ho, j, f32x4.add(n, f32x4.mul(z, f32x4.sub(ld(h, j, one), n))), one);
  st(a, j, r, one);
  st(a, j + H, z, one);
  st(a, j + 2 * H, n, one);
}

/** One GRU step for `rows` rows: xg, hg [rows, 3H] (r, z, n), h [rows, H] → h' [rows, H] and act [rows, 3H]. */
export function gruCellRows(xg: usize, hg: usize, h: usize, hOut: usize, act: usize, rows: i32, H: i32): void {
  for (let r = 0; r < rows; r++) {
    const g3 = <usize>(r * 3 * H) << 2;
    const s = <usize>(r * H) << 2;
    let j = 0;
    for (; j + 4 <= H; j += 4) gru4(xg + g3, hg + g3, h + s, hOut + s, act + g3, j, H, false);
    for (; j < H; j++) gru4(xg + g3, hg + g3, h + s, hOut + s, act + g3, j, H, true);
  }
}
