// conv2d (groups 1) over a batch of images in this module's memory, a range of images (or of weight-gradient rows) per
// call, so that threads can each take a range: every image's windows are copied (im2col) into the calling thread's
// scratch and multiplied on the GEMM there; the batch's im2col matrix is never made. The geometry and the operands'
// pointers are read from an int32 block (layout below) written by the JS side (src/backend/wasm/conv.ts).

import { gemm, gemmWorkSize } from "./matmul";

// Words of the geometry block.
const C = 0;
const H = 1;
const W = 2;
const O = 3;
const KH = 4;
const KW = 5;
const SH = 6;
const SW = 7;
const PH = 8;
const PW = 9;
const DH = 10;
const DW = 11;
const OH = 12;
const OW = 13;
/** The input images [N, C, H, W] (forward, weight gradient) or the output gradient [N, O, OH, OW] (input gradient). */
const X = 14;
/** The weight [O, C·kh·kw]. */
const WT = 15;
/** The output gradient [N, O, OH, OW] (weight gradient). */
const GY = 16;
/** The result: [N, O, OH, OW] (forward), [N, C, H, W] (input gradient), [O, C·kh·kw] (weight gradient). */
const OUT = 17;
/** The scratch of thread 0 (columns, then a GEMM result, then the GEMM's packing area); thread t's is t·SCRATCH later. */
const SCRATCH = 18;
const SCRATCH_BYTES = 19;
const N = 20;
/** The bias [O] added to the forward's output, or 0 for none. */
const BIAS = 21;

const MR = 4;
const NR = 8;

// @ts-ignore: decorator
@inline function word(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, m: i32): i32 {
  return ((x + m - 1) / m) * m;
}

/** The first output column whose input column x·sw + off is ≥ 0. */
// @ts-ignore: decorator
@inline function firstInside(ow: i32, sw: i32, off: i32): i32 {
  return off >= 0 ? 0 : min(ow, (-off + sw - 1) / sw);
}

/** One past the last output column whose input column x·sw + off is < w (at least x0). */
// @ts-ignore: decorator
@inline function endInside(ow: i32, sw: i32, off: i32, w: i32, x0: i32): i32 {
  const last = w - 1 - off;
  return last < 0 ? x0 : max(x0, min(ow, last / sw + 1));
}

/** Copies n floats (a short run: a loop, not a call to the engine's memory.copy). */
// @ts-ignore: decorator
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** Zeroes n floats (a short run). */
// @ts-ignore: decorator
@inline function zeroRun(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), i32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** Floats of one thread's scratch for this geometry: columns [C·kh·kw, L], a GEMM result, the GEMM's packing area. */
export function convScratchFloats(g: usize): i32 {
  const ckk = word(g, C) * word(g, KH) * word(g, KW);
  const l = word(g, OH) * word(g, OW);
  const o = word(g, O);
  const result = max(roundUp(o, MR) * roundUp(l, NR), max(roundUp(ckk, MR) * roundUp(l, NR), roundUp(ckk, MR) * roundUp(o, NR)));
  return roundUp(ckk * l, 16) + roundUp(result, 16) + gemmWorkSize();
}

/** Writes rows [r0, r1) of the columns of image `src` ([C, H, W]) into `cols` (leading dimension L), padding as zeros. */
function im2colRows(g: usize, src: usize, cols: usize, r0: i32, r1: i32): void {
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
  let o = cols;
  for (let r = r0; r < r1; r++) {
    const ci = r / (kh * kw);
    const i = (r / kw) % kh;
    const j = r % kw;
    const plane = src + (<usize>(ci * h * w) << 2);
    const off = j * dw - pw;
    const x0 = firstInside(ow, sw, off);
    const x1 = endInside(ow, sw, off, w, x0);
    for (let y = 0; y < oh; y++) {
      const hh = y * sh - ph + i * dh;
      if (hh < 0 || hh >= h) {
        zeroRun(o, ow);
        o += <usize>ow << 2;
        continue;
      }
      const row = plane + (<usize>(hh * w + off) << 2);
      zeroRun(o, x0);
      if (sw == 1) {
        copyRun(o + (<usize>x0 << 2), row + (<usize>x0 << 2), x1 - x0);
      } else {
        for (let x = x0; x < x1; x++) store<f32>(o + (<usize>x << 2), load<f32>(row + (<usize>(x * sw) << 2)));
      }
      zeroRun(o + (<usize>x1 << 2), ow - x1);
      o += <usize>ow << 2;
    }
  }
}

/** Adds columns [C·kh·kw, L] (at `cols`, leading dimension ld) back into image `dst` ([C, H, W]); padding is dropped. */
function col2im(g: usize, cols: usize, ld: i32, dst: usize): void {
  const c = word(g, C);
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
  let r = 0;
  for (let ci = 0; ci < c; ci++) {
    const plane = dst + (<usize>(ci * h * w) << 2);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, r++) {
        const off = j * dw - pw;
        const x0 = firstInside(ow, sw, off);
        const x1 = endInside(ow, sw, off, w, x0);
        const src = cols + (<usize>(r * ld) << 2);
        for (let y = 0; y < oh; y++) {
          const hh = y * sh - ph + i * dh;
          if (hh < 0 || hh >= h) continue;
          const row = plane + (<usize>(hh * w + off) << 2);
          const s = src + (<usize>(y * ow) << 2);
          if (sw == 1) {
            let x = x0;
            for (; x + 4 <= x1; x += 4) {
              const at = row + (<usize>x << 2);
              v128.store(at, f32x4.add(v128.load(at), v128.load(s + (<usize>x << 2))));
            }
            for (; x < x1; x++) {
              const at = row + (<usize>x << 2);
              store<f32>(at, load<f32>(at) + load<f32>(s + (<usize>x << 2)));
            }
          } else {
            for (let x = x0; x < x1; x++) {
              const at = row + (<usize>(x * sw) << 2);
              store<f32>(at, load<f32>(at) + load<f32>(s + (<usize>x << 2)));
            }
          }
        }
      }
    }
  }
}

/** Copies rows × cols floats from `src` (leading dimension ld) to dense `dst`. */
function copyRows(src: usize, ld: i32, dst: usize, rows: i32, cols: i32): void {
  if (ld == cols) {
    memory.copy(dst, src, <usize>(rows * cols) << 2);
    return;
  }
  for (let r = 0; r < rows; r++) memory.copy(dst + (<usize>(r * cols) << 2), src + (<usize>(r * ld) << 2), <usize>cols << 2);
}

/** Copies rows × cols floats from `src` (leading dimension ld) to dense `dst`, adding bias[r] to row r. */
function copyRowsBias(src: usize, ld: i32, dst: usize, rows: i32, cols: i32, bias: usize): void {
  for (let r = 0; r < rows; r++) {
    const b = load<f32>(bias + (<usize>r << 2));
    const vb = f32x4.splat(b);
    const s = src + (<usize>(r * ld) << 2);
    const d = dst + (<usize>(r * cols) << 2);
    let i = 0;
    for (; i + 4 <= cols; i += 4) v128.store(d + (<usize>i << 2), f32x4.add(v128.load(s + (<usize>i << 2)), vb));
    for (; i < cols; i++) store<f32>(d + (<usize>i << 2), load<f32>(s + (<usize>i << 2)) + b);
  }
}

/**
 * One block of a conv2d job (geometry block at `g`) on thread `t`: `op` 0 is the forward of images [b0, b1) (plus the
 * bias, if any), 1 the input
 * gradient of images [b0, b1), 2 rows [b0, b1) of the weight gradient (columns of [O, C·kh·kw], summed over the batch).
 */
export function convBlock(op: i32, g: usize, b0: i32, b1: i32, t: i32): void {
  const c = word(g, C);
  const o = word(g, O);
  const ckk = c * word(g, KH) * word(g, KW);
  const l = word(g, OH) * word(g, OW);
  const hw = word(g, H) * word(g, W);
  const scratch = <usize>word(g, SCRATCH) + <usize>(t * word(g, SCRATCH_BYTES));
  const cols = scratch;
  const res = cols + (<usize>roundUp(ckk * l, 16) << 2);
  const ldl = roundUp(l, NR);
  const result = max(roundUp(o, MR) * ldl, max(roundUp(ckk, MR) * ldl, roundUp(ckk, MR) * roundUp(o, NR)));
  const work = res + (<usize>roundUp(result, 16) << 2);
  const x = <usize>word(g, X);
  const wt = <usize>word(g, WT);
  const out = <usize>word(g, OUT);
  if (op == 0) {
    const bias = <usize>word(g, BIAS);
    for (let b = b0; b < b1; b++) {
      im2colRows(g, x + (<usize>(b * c * hw) << 2), cols, 0, ckk);
      gemm(wt, ckk, 1, cols, l, 1, res, ldl, o, l, ckk, work);
      if (bias == 0) copyRows(res, ldl, out + (<usize>(b * o * l) << 2), o, l);
      else copyRowsBias(res, ldl, out + (<usize>(b * o * l) << 2), o, l, bias);
    }
  } else if (op == 1) {
    for (let b = b0; b < b1; b++) {
      // Wᵀ·dY: [C·kh·kw, O] (W read transposed) by [O, L], folded back into the image.
      gemm(wt, 1, ckk, x + (<usize>(b * o * l) << 2), l, 1, res, ldl, ckk, l, o, work);
      const dst = out + (<usize>(b * c * hw) << 2);
      memory.fill(dst, 0, <usize>(c * hw) << 2);
      col2im(g, res, ldl, dst);
    }
  } else {
    // Columns [b0, b1) of the weight gradient dY·colsᵀ, image by image, computed transposed as cols·dYᵀ ([rows, L] by
    // [L, O]: the columns are packed as the GEMM's row-major A and the smaller dY as its transposed B) and added
    // transposed into those columns. Each element is the same chain of multiply-adds as in dY·colsᵀ.
    const n = word(g, N);
    const gy = <usize>word(g, GY);
    const rows = b1 - b0;
    const ld = roundUp(o, NR);
    for (let r = 0; r < o; r++) memory.fill(out + (<usize>(r * ckk + b0) << 2), 0, <usize>rows << 2);
    for (let b = 0; b < n; b++) {
      im2colRows(g, x + (<usize>(b * c * hw) << 2), cols, b0, b1);
      gemm(cols, l, 1, gy + (<usize>(b * o * l) << 2), 1, l, res, ld, rows, o, l, work);
      for (let q = 0; q < rows; q++) {
        const s = res + (<usize>(q * ld) << 2);
        const d = out + (<usize>(b0 + q) << 2);
        for (let r = 0; r < o; r++) {
          const at = d + (<usize>(r * ckk) << 2);
          store<f32>(at, load<f32>(at) + load<f32>(s + (<usize>r << 2)));
        }
      }
    }
  }
}
