import { type Args, arg, is, required, signature } from "../../args.js";
import type { DeviceType } from "../../backend/backend.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fromTyped } from "../../ops/creation.js";
import { pad } from "../../ops/join.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { maxPoolFast, maxPoolFastApplies } from "./max_pool_fast.js";
import { outSize, pair, type Size2, unfold } from "./unfold.js";

export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
}

const size2 = is.size(2);
const ceilMode = arg(is.only(false, "ceilMode is not implemented"), false);
const MAX_POOL = signature("maxPool2d", {
  input: required(is.tensor),
  kernelSize: required(size2),
  stride: arg(is.nullable(size2), null),
  padding: arg(size2, 0 as Size2),
  dilation: arg(size2, 1 as Size2),
  ceilMode: arg(is.boolean, false),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
});
const AVG_POOL = signature("avgPool2d", {
  input: required(is.tensor),
  kernelSize: required(size2),
  stride: arg(is.nullable(size2), null),
  padding: arg(size2, 0 as Size2),
  ceilMode,
  countIncludePad: arg(is.only(true, "countIncludePad: false is not implemented"), true),
  divisorOverride: arg(is.only(null, "divisorOverride is not implemented"), null),
});
const ADAPTIVE_AVG = signature("adaptiveAvgPool2d", { input: required(is.tensor), outputSize: required(size2) });

/** The window options of a parsed call, a null stride meaning the kernel size. */
const windowOptions = (a: { stride: unknown; padding: unknown; dilation?: unknown }): Pool2dOptions => ({
  ...(a.stride !== null ? { stride: a.stride as Size2 } : {}),
  padding: a.padding as Size2,
  dilation: (a.dilation ?? 1) as Size2,
});

/**
 * The extra bottom/right padding that ceil mode needs: PyTorch's output size ceil((L + 2p − d(k − 1) − 1)/s) + 1,
 * less one where the last window would start in the right padding.
 */
function ceilExtra(size: number, k: number, s: number, p: number, d: number): number {
  const span = d * (k - 1) + 1;
  let out = Math.ceil((size + 2 * p - span) / s) + 1;
  if ((out - 1) * s >= size + p) out -= 1;
  return Math.max((out - 1) * s + span - (size + 2 * p), 0);
}

function windows(x: Tensor, kernel: Size2, options: Pool2dOptions, padValue: number, op: string, ceil = false) {
  if (x.ndim !== 4 && x.ndim !== 3) throw new ShapeError(`${op}: expected a 3-D or 4-D input ([N,] C, H, W), got shape ${fmt(x.shape)}`);
  let input = x.ndim === 3 ? x.unsqueeze(0) : x;
  const k = pair(kernel, `${op} kernel`);
  const geometry = {
    kernel: k,
    stride: pair(options.stride ?? k, `${op} stride`),
    padding: pair(options.padding ?? 0, `${op} padding`),
    dilation: pair(options.dilation ?? 1, `${op} dilation`),
  };
  if (geometry.padding[0] * 2 > k[0] || geometry.padding[1] * 2 > k[1]) {
    throw new ValueError(`${op}: padding should be at most half of the kernel size, got padding ${geometry.padding} for kernel ${k}`);
  }
  if (ceil) {
    const [, , ih, iw] = input.shape as [number, number, number, number];
    const { kernel: kk, stride: ss, padding: pp, dilation: dd } = geometry;
    const eh = ceilExtra(ih, kk[0], ss[0], pp[0], dd[0]);
    const ew = ceilExtra(iw, kk[1], ss[1], pp[1], dd[1]);
    if (eh > 0 || ew > 0) input = pad(input, [0, ew, 0, eh], padValue);
  }
  const [n, c, h, w] = input.shape;
  // Channels go into the batch so each window covers one channel: [N·C, 1, H, W] → [N·C, kh·kw, L].
  const { cols, oh, ow } = unfold(input.reshape([n * c, 1, h, w]), geometry, padValue);
  const finish = (pooled: Tensor) => {
    const out = pooled.reshape([n, c, oh, ow]);
    return x.ndim === 3 ? out.squeeze(0) : out;
  };
  return { cols, finish, area: k[0] * k[1] };
}

/**
 * Max over each window; the gradient goes to the (first) maximum of each window, as in PyTorch.
 *
 * @example
 * F.maxPool2d(x, 2); // halves height and width
 */
export function maxPool2d(
  x: Tensor,
  kernel: Size2,
  ...rest: Args<
    [stride: Size2 | null, padding: Size2, dilation: Size2, ceilMode: boolean, returnIndices: false],
    Pool2dOptions & { stride?: Size2 | null; ceilMode?: boolean; returnIndices?: false }
  >
): Tensor {
  const a = MAX_POOL.parse([x, kernel, ...rest]);
  const options = windowOptions(a);
  if (!a.ceilMode && x.ndim === 4 && maxPoolFastApplies(x)) {
    // One pass over the windows, no im2col (max_pool_fast.ts); sizes it refuses fall through to windows(), which names them.
    const k = pair(kernel, "maxPool2d kernel");
    const g = {
      kernel: k,
      stride: pair(options.stride ?? k, "maxPool2d stride"),
      padding: pair(options.padding ?? 0, "maxPool2d padding"),
      dilation: pair(options.dilation ?? 1, "maxPool2d dilation"),
    };
    const oh = outSize(x.shape[2], k[0], g.stride[0], g.padding[0], g.dilation[0]);
    const ow = outSize(x.shape[3], k[1], g.stride[1], g.padding[1], g.dilation[1]);
    const valid = g.stride[0] > 0 && g.stride[1] > 0 && g.padding[0] * 2 <= k[0] && g.padding[1] * 2 <= k[1] && oh > 0 && ow > 0;
    if (valid) return maxPoolFast(x, g, oh, ow);
  }
  const { cols, finish } = windows(x, kernel, options, Number.NEGATIVE_INFINITY, "maxPool2d", a.ceilMode);
  return finish(cols.max(1).values);
}

/** Mean over each window (zero padding counted in the mean, PyTorch's default countIncludePad). */
export function avgPool2d(
  x: Tensor,
  kernel: Size2,
  ...rest: Args<
    [stride: Size2 | null, padding: Size2, ceilMode: false, countIncludePad: true, divisorOverride: null],
    Omit<Pool2dOptions, "dilation"> & { stride?: Size2 | null; ceilMode?: false; countIncludePad?: true; divisorOverride?: null }
  >
): Tensor {
  const options = windowOptions(AVG_POOL.parse([x, kernel, ...rest]));
  const { cols, finish } = windows(x, kernel, options, 0, "avgPool2d");
  return finish(cols.mean(1));
}

/** The averaging matrix [out, size] of adaptive pooling: row i covers floor(i·size/out) .. ceil((i+1)·size/out). */
function adaptiveMatrix(size: number, out: number, dtype: "float32" | "float64", device: DeviceType): Tensor {
  const data = dtype === "float64" ? new Float64Array(out * size) : new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) data[i * size + j] = 1 / (end - start);
  }
  return fromTyped(data, [out, size], { device });
}

/**
 * Averages into a fixed output size whatever the input size, as torch's adaptive_avg_pool2d. The windows
 * are separable, so this is P_h · x · P_wᵀ with two small averaging matrices.
 *
 * @example
 * F.adaptiveAvgPool2d(features, 1); // global average pooling
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Size2, ...rest: [] | [options: Record<string, never>]): Tensor {
  ADAPTIVE_AVG.parse([x, outputSize, ...rest]);
  if (x.ndim !== 4 && x.ndim !== 3) throw new ShapeError(`adaptiveAvgPool2d: expected a 3-D or 4-D input, got shape ${fmt(x.shape)}`);
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new ValueError(`adaptiveAvgPool2d: expected a float tensor, got ${x.dtype}`);
  const [oh, ow] = pair(outputSize, "adaptiveAvgPool2d outputSize");
  const [h, w] = x.shape.slice(-2);
  const ph = adaptiveMatrix(h, oh, x.dtype, x._backend.device);
  const pw = adaptiveMatrix(w, ow, x.dtype, x._backend.device);
  return ph.matmul(x).matmul(pw.mT);
}
