import { ShapeError, ValueError } from "../../errors.js";
import { fromTyped } from "../../ops/creation.js";
import { pad } from "../../ops/join.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

/** A size given once for both spatial dims or as [height, width]. */
export type Size2 = number | readonly [number, number];

export const pair = (v: Size2, name: string): [number, number] => {
  const [a, b] = typeof v === "number" ? [v, v] : v;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0)
    throw new ValueError(`${name} must be non-negative integers, got ${String(v)}`);
  return [a, b];
};

/** A Size2 as modules print it: `3` or `[3, 1]` (not `3,1`, which reads as two settings). */
export const showSize2 = (v: Size2): string => (typeof v === "number" ? String(v) : `[${v.join(", ")}]`);

export interface WindowGeometry {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** Output size of a sliding window along one dim (floor mode, as PyTorch's default). */
export function outSize(size: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

// The gather indices of an unfold depend only on the geometry, so they are built once and reused.
const indexCache = new Map<string, Tensor>();
const CACHE_LIMIT = 64;

/** For each (channel, ky, kx, oy, ox): the flat position in a padded [C, Hp, Wp] image. */
function unfoldIndex(c: number, hp: number, wp: number, oh: number, ow: number, g: WindowGeometry): Tensor {
  const key = [c, hp, wp, oh, ow, ...g.kernel, ...g.stride, ...g.dilation].join(",");
  const hit = indexCache.get(key);
  if (hit) return hit;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const idx = new Int32Array(c * kh * kw * oh * ow);
  let k = 0;
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) idx[k++] = ch * hp * wp + (y * sh + i * dh) * wp + (x * sw + j * dw);
  const t = fromTyped(idx, [1, idx.length]);
  if (indexCache.size >= CACHE_LIMIT) indexCache.delete(indexCache.keys().next().value as string);
  indexCache.set(key, t);
  return t;
}

/**
 * im2col: the sliding windows of a [N, C, H, W] input as columns, [N, C·kh·kw, OH·OW] (torch.nn.functional.unfold).
 * Built from `gather`, so its gradient (a scatter-add of overlapping windows) comes from gather's.
 */
export function unfold(x: Tensor, geometry: WindowGeometry, padValue = 0): { cols: Tensor; oh: number; ow: number } {
  if (x.ndim !== 4) throw new ShapeError(`unfold: expected a 4-D input [N, C, H, W], got shape ${fmt(x.shape)}`);
  const [n, c, h, w] = x.shape;
  const [kh, kw] = geometry.kernel;
  const [ph, pw] = geometry.padding;
  const oh = outSize(h, kh, geometry.stride[0], ph, geometry.dilation[0]);
  const ow = outSize(w, kw, geometry.stride[1], pw, geometry.dilation[1]);
  if (oh <= 0 || ow <= 0) {
    throw new ShapeError(`unfold: input of shape ${fmt(x.shape)} is too small for a ${kh}x${kw} window (with padding ${ph},${pw})`);
  }
  const xp = ph || pw ? pad(x, [pw, pw, ph, ph], padValue) : x;
  const [hp, wp] = [h + 2 * ph, w + 2 * pw];
  const index = unfoldIndex(c, hp, wp, oh, ow, geometry).expand([n, -1]);
  const cols = xp
    .reshape([n, c * hp * wp])
    .gather(1, index)
    .reshape([n, c * kh * kw, oh * ow]);
  return { cols, oh, ow };
}
