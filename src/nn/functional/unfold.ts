import { record1 } from "../../autograd/node.js";
import { ShapeError, ValueError } from "../../errors.js";
import { pad } from "../../ops/join.js";
import { fromBuffer } from "../../ops/util.js";
import { rawView } from "../../ops/views.js";
import { contiguousStrides, fmt, numel } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { col2imAdd, floatArray, im2colInto } from "./window_kernels.js";

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

/** The [N, C, kh, kw, OH, OW] window view of a contiguous padded input: overlapping windows, no copy. */
function windowView(xp: Tensor, g: WindowGeometry, oh: number, ow: number): Tensor {
  const [n, c, hp, wp] = xp.shape;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  return rawView(xp, [n, c, kh, kw, oh, ow], [c * hp * wp, hp * wp, dh * wp, dw, sh * wp, sw], xp.offset);
}

/** Copies the windows out as columns [N, C·kh·kw, OH·OW]; d/dxp folds the columns back, adding overlaps. */
function im2col(xp: Tensor, g: WindowGeometry, oh: number, ow: number): Tensor {
  const [n, c] = xp.shape;
  const shape = [n, c * g.kernel[0] * g.kernel[1], oh * ow];
  const out = fromBuffer(xp._backend.alloc(xp.dtype, numel(shape)), shape, xp.dtype, xp._backend);
  const src = floatArray(xp._view.buffer);
  const dst = floatArray(out._view.buffer);
  if (src && dst && src.constructor === dst.constructor) {
    im2colInto(src, xp.offset, dst, out.offset, { n, c, hp: xp.shape[2], wp: xp.shape[3], oh, ow }, g);
  } else {
    xp._backend.copy(
      {
        ...out._view,
        shape: [n, c, g.kernel[0], g.kernel[1], oh, ow],
        strides: contiguousStrides([n, c, g.kernel[0], g.kernel[1], oh, ow]),
      },
      windowView(xp, g, oh, ow)._view,
    );
  }
  const xpShape = xp.shape;
  return record1("Im2ColBackward0", out, [xp], (grad) => [col2im(grad, xpShape, g, oh, ow)]);
}

/** The adjoint of im2col: each column entry is added back where its window took it from (fold; used by convTranspose2d). */
export function col2im(cols: Tensor, xpShape: readonly number[], g: WindowGeometry, oh: number, ow: number): Tensor {
  const [n, c, hp, wp] = xpShape;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const src = cols.contiguous();
  const backend = src._backend;
  const out = fromBuffer(backend.alloc(src.dtype, numel(xpShape)), xpShape, src.dtype, backend);
  const l = oh * ow;
  const colsData = floatArray(src._view.buffer);
  const outData = floatArray(out._view.buffer);
  if (colsData && outData && colsData.constructor === outData.constructor) {
    col2imAdd(colsData, src.offset, outData, out.offset, { n, c, hp, wp, oh, ow }, g);
    return record1("Col2ImBackward0", out, [cols], (grad) => [im2col(grad.contiguous(), g, oh, ow)]);
  }
  // Within one kernel offset (i, j) the windows do not overlap, so each offset is one strided add (in place where the
  // backend has axpy).
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const dst = { ...out._view, shape: [n, c, oh, ow], strides: [c * hp * wp, hp * wp, sh * wp, sw], offset: i * dh * wp + j * dw };
      const part = {
        ...src._view,
        shape: [n, c, oh, ow],
        strides: [c * kh * kw * l, kh * kw * l, ow, 1],
        offset: src.offset + (i * kw + j) * l,
      };
      if (backend.axpy?.(dst, part, 1)) continue;
      const sum = backend.binary("add", dst, part, src.dtype);
      backend.copy(dst, { buffer: sum, dtype: src.dtype, shape: dst.shape, strides: contiguousStrides(dst.shape), offset: 0 });
    }
  }
  return record1("Col2ImBackward0", out, [cols], (grad) => [im2col(grad.contiguous(), g, oh, ow)]);
}

/**
 * im2col: the sliding windows of a [N, C, H, W] input as columns, [N, C·kh·kw, OH·OW] (torch.nn.functional.unfold).
 * A copy of a strided window view; its gradient folds the columns back, adding where windows overlap.
 */
export function unfold(x: Tensor, geometry: WindowGeometry, padValue = 0): { cols: Tensor; oh: number; ow: number } {
  if (x.ndim !== 4) throw new ShapeError(`unfold: expected a 4-D input [N, C, H, W], got shape ${fmt(x.shape)}`);
  const [, , h, w] = x.shape;
  const [kh, kw] = geometry.kernel;
  const [ph, pw] = geometry.padding;
  const oh = outSize(h, kh, geometry.stride[0], ph, geometry.dilation[0]);
  const ow = outSize(w, kw, geometry.stride[1], pw, geometry.dilation[1]);
  if (oh <= 0 || ow <= 0) {
    throw new ShapeError(`unfold: input of shape ${fmt(x.shape)} is too small for a ${kh}x${kw} window (with padding ${ph},${pw})`);
  }
  const xp = ph || pw ? pad(x, [pw, pw, ph, ph], padValue) : x;
  return { cols: im2col(xp.contiguous(), geometry, oh, ow), oh, ow };
}
