/**
 * conv2d one image at a time for the CPU backends' float buffers (groups 1): each image's windows are copied into one
 * reused scratch buffer of [C·kh·kw, OH·OW] columns (with the padding read as zeros, no padded copy) and multiplied by
 * the weight on the backend's GEMM. The batch's whole im2col matrix (N times that) is never made, in the forward or in
 * either backward pass: the input gradient is Wᵀ·dY per image folded back (col2im) into its image, the weight gradient
 * dY·colsᵀ per image, summed over the batch. A backend with conv2d kernels (the WASM one) runs all three there instead.
 * With create_graph the backward is built from differentiable ops instead.
 */
import { isGradEnabled } from "../../autograd/grad_mode.js";
import { record1 } from "../../autograd/node.js";
import type { Backend, ConvGeometry, View } from "../../backend/backend.js";
import { fromBuffer } from "../../ops/util.js";
import type { Tensor } from "../../tensor/tensor.js";
import { col2im, unfold, type WindowGeometry } from "./unfold.js";
import { type FloatArray, floatArray } from "./window_kernels.js";

/** One image's geometry: channels, input size, output size. */
interface ImageDims {
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

/** The output columns [x0, x1) whose input column x·sw − pw + j·dw lies inside [0, w). */
function inside(ow: number, sw: number, off: number, w: number): [number, number] {
  const x0 = off >= 0 ? 0 : Math.min(ow, Math.ceil(-off / sw));
  const x1 = Math.max(x0, Math.min(ow, Math.floor((w - 1 - off) / sw) + 1));
  return [x0, x1];
}

/** Writes image `src` (contiguous [C, H, W] from `at`) as columns [C·kh·kw, OH·OW] into `cols`, padding as zeros. */
export function im2colImage(src: FloatArray, at: number, cols: FloatArray, d: ImageDims, g: WindowGeometry): void {
  const { c, h, w, oh, ow } = d;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  let o = 0;
  for (let ci = 0; ci < c; ci++) {
    const plane = at + ci * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = j * dw - pw;
        const [x0, x1] = inside(ow, sw, off, w);
        for (let y = 0; y < oh; y++) {
          const hh = y * sh - ph + i * dh;
          if (hh < 0 || hh >= h) {
            cols.fill(0, o, o + ow);
            o += ow;
            continue;
          }
          const row = plane + hh * w + off;
          for (let x = 0; x < x0; x++) cols[o++] = 0;
          if (sw === 1) for (let x = x0; x < x1; x++) cols[o++] = src[row + x];
          else for (let x = x0; x < x1; x++) cols[o++] = src[row + x * sw];
          for (let x = x1; x < ow; x++) cols[o++] = 0;
        }
      }
    }
  }
}

/** Adds columns `cols` ([C·kh·kw, OH·OW]) back into image `dst` ([C, H, W] from `at`); padded positions are dropped. */
export function col2imImage(cols: FloatArray, dst: FloatArray, at: number, d: ImageDims, g: WindowGeometry): void {
  const { c, h, w, oh, ow } = d;
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  let s = 0;
  for (let ci = 0; ci < c; ci++) {
    const plane = at + ci * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = j * dw - pw;
        const [x0, x1] = inside(ow, sw, off, w);
        for (let y = 0; y < oh; y++, s += ow) {
          const hh = y * sh - ph + i * dh;
          if (hh < 0 || hh >= h) continue;
          const row = plane + hh * w + off;
          if (sw === 1) for (let x = x0; x < x1; x++) dst[row + x] += cols[s + x];
          else for (let x = x0; x < x1; x++) dst[row + x * sw] += cols[s + x];
        }
      }
    }
  }
}

const view = (buffer: FloatArray, dtype: "float32" | "float64", shape: number[], strides: number[], offset = 0): View => ({
  buffer,
  dtype,
  shape,
  strides,
  offset,
});

/** The typed array of a backend buffer returned by a CPU backend's matmul. */
const asFloat = (b: object): FloatArray => {
  const f = floatArray(b);
  if (f === null) throw new Error("conv2d: the backend's matmul returned a non-float buffer");
  return f;
};

/**
 * Whether conv2d of `x` and `weight` can run image by image here: groups 1, both float32 or both float64, on a backend
 * whose buffers are typed arrays.
 */
export function convImageApplies(x: Tensor, weight: Tensor, groups: number): boolean {
  return (
    groups === 1 &&
    x.dtype === weight.dtype &&
    (x.dtype === "float32" || x.dtype === "float64") &&
    x._backend === weight._backend &&
    floatArray(x._view.buffer) !== null &&
    floatArray(weight._view.buffer) !== null
  );
}

/**
 * conv2d of [N, C, H, W] by [O, C, kh, kw] into [N, O, OH, OW], image by image (see the file's header), plus `bias` [O]:
 * in the kernel where it has the input's dtype and backend (rounded once, as the separate add it replaces), else added after.
 */
export function convImage(x: Tensor, weight: Tensor, g: WindowGeometry, oh: number, ow: number, bias: Tensor | null = null): Tensor {
  const xc = x.contiguous();
  const wc = weight.contiguous();
  const [n, c, h, w] = xc.shape;
  const o = wc.shape[0];
  const ckk = c * g.kernel[0] * g.kernel[1];
  const l = oh * ow;
  const dtype = xc.dtype as "float32" | "float64";
  const backend: Backend = xc._backend;
  const xd = floatArray(xc._view.buffer) as FloatArray;
  const wd = floatArray(wc._view.buffer) as FloatArray;
  const Ctor = dtype === "float32" ? Float32Array : Float64Array;
  const d = { c, h, w, oh, ow };
  const geometry: ConvGeometry = { ...g, oh, ow };
  const fused =
    bias !== null && bias.dtype === dtype && bias._backend === backend && bias.ndim === 1 && bias.shape[0] === o ? bias.contiguous() : null;
  const bd = fused === null ? null : (floatArray(fused._view.buffer) as FloatArray | null);
  let out = backend.conv2d?.(xc._view, wc._view, geometry, bd === null ? null : fused?._view) ?? null;
  if (out === null) {
    const cols = new Ctor(ckk * l);
    const dense = new Ctor(n * o * l);
    const wView = view(wd, dtype, [o, ckk], [ckk, 1], wc.offset);
    const colsView = view(cols, dtype, [ckk, l], [l, 1]);
    for (let b = 0; b < n; b++) {
      im2colImage(xd, xc.offset + b * c * h * w, cols, d, g);
      dense.set(asFloat(backend.matmul(wView, colsView, dtype)), b * o * l);
    }
    if (bd !== null && fused !== null) {
      for (let b = 0, i = 0; b < n; b++) for (let q = 0; q < o; q++) for (let k = 0; k < l; k++, i++) dense[i] += bd[fused.offset + q];
    }
    out = dense;
  }
  const result = fromBuffer(out, [n, o, oh, ow], dtype, backend);
  const withBias = bd === null ? null : bias;
  const recorded = record1(
    "ConvolutionBackward0",
    result,
    [x, weight, withBias],
    (gy, saved, needs) => {
      const [xs, ws] = saved;
      const gyc = gy.contiguous();
      // The bias's gradient as the separate add's backward gives it (sumToShape: a sum over dims 0, 2 and 3).
      const gb = needs[2] ? gyc.sum([0, 2, 3]) : null;
      if (isGradEnabled() || floatArray(gyc._view.buffer) === null || gyc.dtype !== dtype)
        return [...composedBackward(gyc, xs, ws, g, oh, ow, needs), gb];
      const gd = floatArray(gyc._view.buffer) as FloatArray;
      const gView = (b: number) => view(gd, dtype, [o, l], [l, 1], gyc.offset + b * o * l);
      let gx: Tensor | null = null;
      const wsc = ws.contiguous();
      const xsc = xs.contiguous();
      if (needs[0]) {
        const fast = backend.conv2dInputGrad?.(gyc._view, wsc._view, geometry, [n, c, h, w]) ?? null;
        if (fast !== null) gx = fromBuffer(fast, [n, c, h, w], dtype, backend);
      }
      if (needs[0] && gx === null) {
        const gxd = new Ctor(n * c * h * w);
        // Wᵀ as a strided view of W: [ckk, o].
        const wt = view(floatArray(wsc._view.buffer) as FloatArray, dtype, [ckk, o], [1, ckk], wsc.offset);
        for (let b = 0; b < n; b++) col2imImage(asFloat(backend.matmul(wt, gView(b), dtype)), gxd, b * c * h * w, d, g);
        gx = fromBuffer(gxd, [n, c, h, w], dtype, backend);
      }
      let gw: Tensor | null = null;
      if (needs[1]) {
        const fast = backend.conv2dWeightGrad?.(gyc._view, xsc._view, geometry, ws.shape) ?? null;
        if (fast !== null) gw = fromBuffer(fast, ws.shape, dtype, backend);
      }
      if (needs[1] && gw === null) {
        const xsd = floatArray(xsc._view.buffer) as FloatArray;
        const gwd = new Ctor(o * ckk);
        const scratch = new Ctor(ckk * l);
        const colsT = view(scratch, dtype, [l, ckk], [1, l]);
        for (let b = 0; b < n; b++) {
          im2colImage(xsd, xsc.offset + b * c * h * w, scratch, d, g);
          const p = asFloat(backend.matmul(gView(b), colsT, dtype));
          for (let k = 0; k < gwd.length; k++) gwd[k] += p[k];
        }
        gw = fromBuffer(gwd, ws.shape, dtype, backend);
      }
      return [gx, gw, gb];
    },
    [x, weight],
  );
  return bias !== null && withBias === null ? recorded.add(bias.reshape([o, 1, 1])) : recorded;
}

/** The backward from differentiable ops (unfold, matmul, col2im), for create_graph and for gradients that aren't plain arrays. */
function composedBackward(
  gy: Tensor,
  x: Tensor,
  weight: Tensor,
  g: WindowGeometry,
  oh: number,
  ow: number,
  needs: readonly boolean[],
): (Tensor | null)[] {
  const [n, c, h, w] = x.shape;
  const o = weight.shape[0];
  const ckk = c * g.kernel[0] * g.kernel[1];
  const g3 = gy.reshape([n, o, oh * ow]);
  const w2 = weight.reshape([o, ckk]);
  let gx: Tensor | null = null;
  if (needs[0]) {
    const [ph, pw] = g.padding;
    const gxp = col2im(w2.transpose(0, 1).matmul(g3), [n, c, h + 2 * ph, w + 2 * pw], g, oh, ow);
    gx = gxp.narrow(2, ph, h).narrow(3, pw, w);
  }
  const gw = needs[1] ? g3.matmul(unfold(x, g).cols.transpose(1, 2)).sum(0).reshape(weight.shape) : null;
  return [gx, gw];
}
