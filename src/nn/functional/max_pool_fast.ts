/**
 * max_pool2d for the CPU backends' float buffers, without im2col: one pass over each window keeps its maximum and the
 * position of its first maximum (a NaN counts as the maximum, the last NaN as in PyTorch's CPU kernel); the backward adds each output gradient at
 * that position (scatter_add over the flattened planes, so that it is itself differentiable).
 */
import { isGradEnabled } from "../../autograd/grad_mode.js";
import { record1 } from "../../autograd/node.js";
import { zeros } from "../../ops/creation.js";
import { fromBuffer } from "../../ops/util.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { WindowGeometry } from "./unfold.js";
import { type FloatArray, floatArray } from "./window_kernels.js";

/** Whether `maxPoolFast` handles `x`: float32 or float64 in a typed array. */
export const maxPoolFastApplies = (x: Tensor): boolean =>
  (x.dtype === "float32" || x.dtype === "float64") && floatArray(x._view.buffer) !== null;

/**
 * Max over each window of planes `src` ([P, H, W] from `at`) into `out` ([P, OH, OW]) and the flat in-plane index of each
 * window's first maximum into `idx`. Windows are clipped to the input (padding never wins).
 */
export function maxPoolPlanes(
  src: FloatArray,
  at: number,
  p: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
  g: WindowGeometry,
  out: FloatArray,
  idx: Int32Array,
): void {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  let o = 0;
  for (let q = 0; q < p; q++) {
    const plane = at + q * h * w;
    for (let y = 0; y < oh; y++) {
      const y0 = y * sh - ph;
      for (let x = 0; x < ow; x++, o++) {
        const x0 = x * sw - pw;
        let best = Number.NEGATIVE_INFINITY;
        let bi = -1;
        for (let i = 0; i < kh; i++) {
          const hh = y0 + i * dh;
          if (hh < 0 || hh >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ww = x0 + j * dw;
            if (ww < 0 || ww >= w) continue;
            const v = src[plane + hh * w + ww];
            if (bi < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bi = hh * w + ww;
            }
          }
        }
        out[o] = best;
        idx[o] = bi;
      }
    }
  }
}

/** max_pool2d of [N, C, H, W] into [N, C, OH, OW] (see the file's header). */
export function maxPoolFast(x: Tensor, g: WindowGeometry, oh: number, ow: number): Tensor {
  const xc = x.contiguous();
  const [n, c, h, w] = xc.shape;
  const dtype = xc.dtype;
  const Ctor = dtype === "float32" ? Float32Array : Float64Array;
  const backend = xc._backend;
  // The backend's kernel where it has one (the WASM one: float32), else the loops above.
  const fast = backend.maxPool2d?.(xc._view, { ...g, oh, ow }) ?? null;
  const out = (fast?.out as FloatArray | undefined) ?? new Ctor(n * c * oh * ow);
  const idx = fast?.idx ?? new Int32Array(n * c * oh * ow);
  if (fast === null) maxPoolPlanes(floatArray(xc._view.buffer) as FloatArray, xc.offset, n * c, h, w, oh, ow, g, out, idx);
  const result = fromBuffer(out, [n, c, oh, ow], dtype, backend);
  return record1("MaxPool2DWithIndicesBackward0", result, [x], (gy) => {
    const gyc = gy.contiguous();
    const gd = floatArray(gyc._view.buffer);
    if (isGradEnabled() || gd === null || gyc.dtype !== dtype) {
      const index = fromBuffer(idx, [n * c, oh * ow], "int32", backend).to(gy.device);
      const base = zeros([n * c, h * w], { dtype: gy.dtype, device: gy.device });
      return [base.scatterAdd(1, index, gy.reshape([n * c, oh * ow])).reshape([n, c, h, w])];
    }
    const fastGx = backend.maxPool2dBackward?.(gyc._view, idx, [n, c, h, w]) ?? null;
    if (fastGx !== null) return [fromBuffer(fastGx, [n, c, h, w], dtype, backend)];
    const gx = new Ctor(n * c * h * w);
    const l = oh * ow;
    for (let q = 0, o = 0; q < n * c; q++) {
      const plane = q * h * w;
      for (let k = 0; k < l; k++, o++) gx[plane + idx[o]] += gd[gyc.offset + o];
    }
    return [fromBuffer(gx, [n, c, h, w], dtype, backend)];
  });
}
