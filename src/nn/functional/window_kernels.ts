/**
 * im2col and its adjoint (col2im) as direct loops over typed arrays, for the CPU backends' float buffers: the sliding
 * windows of a contiguous padded [N, C, Hp, Wp] input copied out as columns [N, C·kh·kw, OH·OW], and such columns added
 * back into a [N, C, Hp, Wp] buffer. They replace a generic strided copy and kh·kw strided adds (whose per-run
 * bookkeeping cost more than the arithmetic) and give the same numbers: col2im adds the kernel offsets into each input
 * element in the same order (i, then j) as those strided adds did.
 */
import type { WindowGeometry } from "./unfold.js";

export type FloatArray = Float32Array | Float64Array;

/** The float typed array behind a backend buffer, or null when the buffer is something else (GPU memory, integers). */
export function floatArray(buffer: object): FloatArray | null {
  return buffer instanceof Float32Array || buffer instanceof Float64Array ? buffer : null;
}

/** Dimensions of one im2col/col2im: batch, channels, padded height and width, output height and width. */
export interface WindowDims {
  n: number;
  c: number;
  hp: number;
  wp: number;
  oh: number;
  ow: number;
}

/** Writes the columns of `src` (contiguous [N, C, Hp, Wp] from `srcOff`) into `dst` from `dstOff`. */
export function im2colInto(src: FloatArray, srcOff: number, dst: FloatArray, dstOff: number, d: WindowDims, g: WindowGeometry): void {
  const { n, c, hp, wp, oh, ow } = d;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  let o = dstOff;
  for (let b = 0; b < n * c; b++) {
    const plane = srcOff + b * hp * wp;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let y = 0; y < oh; y++) {
          let s = plane + (y * sh + i * dh) * wp + j * dw;
          if (sw === 1) {
            for (let x = 0; x < ow; x++) dst[o++] = src[s++];
          } else {
            for (let x = 0; x < ow; x++, s += sw) dst[o++] = src[s];
          }
        }
      }
    }
  }
}

/** Adds the columns `cols` (contiguous [N, C·kh·kw, OH·OW] from `colsOff`) into `dst` ([N, C, Hp, Wp] from `dstOff`). */
export function col2imAdd(cols: FloatArray, colsOff: number, dst: FloatArray, dstOff: number, d: WindowDims, g: WindowGeometry): void {
  const { n, c, hp, wp, oh, ow } = d;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  let s = colsOff;
  for (let b = 0; b < n * c; b++) {
    const plane = dstOff + b * hp * wp;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let y = 0; y < oh; y++) {
          let t = plane + (y * sh + i * dh) * wp + j * dw;
          if (sw === 1) {
            for (let x = 0; x < ow; x++) dst[t++] += cols[s++];
          } else {
            for (let x = 0; x < ow; x++, t += sw) dst[t] += cols[s++];
          }
        }
      }
    }
  }
}
