import { type Args, arg, is, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { cat } from "../../ops/join.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from "./pooling.js";
import { pair, type Size2 } from "./unfold.js";

// One-dimensional pooling ([N,] C, L) as the 2-D pooling of a height-1 image, and adaptive max pooling (1-D and 2-D)
// as a max over each adaptive window, composed from slices, max and cat.

export interface Pool1dOptions {
  /** Defaults to the kernel size. */
  stride?: number | null;
  padding?: number;
  dilation?: number;
}

const size1 = is.size(1);
const MAX_POOL1D = signature("maxPool1d", {
  input: required(is.tensor),
  kernelSize: required(size1),
  stride: arg(is.nullable(size1), null),
  padding: arg(size1, 0),
  dilation: arg(size1, 1),
  ceilMode: arg(is.boolean, false),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
});
const AVG_POOL1D = signature("avgPool1d", {
  input: required(is.tensor),
  kernelSize: required(size1),
  stride: arg(is.nullable(size1), null),
  padding: arg(size1, 0),
  ceilMode: arg(is.only(false, "ceilMode is not implemented"), false),
  countIncludePad: arg(is.only(true, "countIncludePad: false is not implemented"), true),
});
const ADAPTIVE_AVG1D = signature("adaptiveAvgPool1d", { input: required(is.tensor), outputSize: required(size1) });
const ADAPTIVE_MAX1D = signature("adaptiveMaxPool1d", {
  input: required(is.tensor),
  outputSize: required(size1),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
});
const ADAPTIVE_MAX2D = signature("adaptiveMaxPool2d", {
  input: required(is.tensor),
  outputSize: required(is.size(2)),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
});

/** Checks a ([N,] C, L) input and a 1-D window, so errors name the 1-D op and its shapes. */
function check1d(op: string, x: Tensor, kernel: number, stride: number, padding: number, dilation: number): void {
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`${op}: expected a 2-D or 3-D input ([N,] C, L), got shape ${fmt(x.shape)}`);
  if (kernel < 1 || stride < 1 || dilation < 1)
    throw new ValueError(`${op}: kernelSize, stride and dilation must be positive, got ${kernel}, ${stride}, ${dilation}`);
  if (padding * 2 > kernel)
    throw new ValueError(`${op}: padding should be at most half of the kernel size, got padding ${padding} for kernel ${kernel}`);
  const span = dilation * (kernel - 1) + 1;
  const l = x.shape[x.ndim - 1] as number;
  if (l + 2 * padding < span)
    throw new ShapeError(
      `${op}: input of shape ${fmt(x.shape)} is too small for a window of ${span} (kernel ${kernel}, dilation ${dilation}, padding ${padding})`,
    );
}

/**
 * Max over each window of the last dim, as torch.nn.functional.max_pool1d; the gradient goes to the (first) maximum.
 *
 * @example
 * F.maxPool1d(x, 2); // halves the length
 */
export function maxPool1d(
  x: Tensor,
  kernel: number,
  ...rest: Args<
    [stride: number | null, padding: number, dilation: number, ceilMode: boolean, returnIndices: false],
    Pool1dOptions & { ceilMode?: boolean; returnIndices?: false }
  >
): Tensor {
  const a = MAX_POOL1D.parse([x, kernel, ...rest]);
  const k = a.kernelSize as number;
  const s = (a.stride ?? k) as number;
  const p = a.padding as number;
  const d = a.dilation as number;
  check1d("maxPool1d", x, k, s, p, d);
  return maxPool2d(x.unsqueeze(-2), [1, k], { stride: [1, s], padding: [0, p], dilation: [1, d], ceilMode: a.ceilMode }).squeeze(-2);
}

/** Mean over each window of the last dim (zero padding counted, PyTorch's default countIncludePad). */
export function avgPool1d(
  x: Tensor,
  kernel: number,
  ...rest: Args<
    [stride: number | null, padding: number, ceilMode: false, countIncludePad: true],
    Omit<Pool1dOptions, "dilation"> & { ceilMode?: false; countIncludePad?: true }
  >
): Tensor {
  const a = AVG_POOL1D.parse([x, kernel, ...rest]);
  const k = a.kernelSize as number;
  const s = (a.stride ?? k) as number;
  const p = a.padding as number;
  check1d("avgPool1d", x, k, s, p, 1);
  return avgPool2d(x.unsqueeze(-2), [1, k], { stride: [1, s], padding: [0, p] }).squeeze(-2);
}

/** Averages the last dim into `outputSize` windows, as torch's adaptive_avg_pool1d. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number, ...rest: [] | [options: Record<string, never>]): Tensor {
  const a = ADAPTIVE_AVG1D.parse([x, outputSize, ...rest]);
  if (x.ndim !== 2 && x.ndim !== 3)
    throw new ShapeError(`adaptiveAvgPool1d: expected a 2-D or 3-D input ([N,] C, L), got shape ${fmt(x.shape)}`);
  return adaptiveAvgPool2d(x.unsqueeze(-2), [1, a.outputSize as number]).squeeze(-2);
}

/** Max over the adaptive windows floor(i·size/out) .. ceil((i+1)·size/out) of one dim. */
function adaptiveMaxAlong(x: Tensor, dim: number, out: number, op: string): Tensor {
  const size = x.shape[dim] as number;
  if (out < 1) throw new ValueError(`${op}: outputSize must be positive, got ${out}`);
  if (size < 1) throw new ShapeError(`${op}: input of shape ${fmt(x.shape)} has an empty pooled dim`);
  const parts: Tensor[] = [];
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    parts.push(x.narrow(dim, start, end - start).max(dim, true).values);
  }
  return parts.length === 1 ? (parts[0] as Tensor) : cat(parts, dim);
}

/**
 * Max over `outputSize` adaptive windows of the last dim, as torch's adaptive_max_pool1d.
 *
 * @example
 * F.adaptiveMaxPool1d(x, 1); // global max pooling over the length
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, ...rest: Args<[returnIndices: false], { returnIndices?: false }>): Tensor {
  const a = ADAPTIVE_MAX1D.parse([x, outputSize, ...rest]);
  if (x.ndim !== 2 && x.ndim !== 3)
    throw new ShapeError(`adaptiveMaxPool1d: expected a 2-D or 3-D input ([N,] C, L), got shape ${fmt(x.shape)}`);
  return adaptiveMaxAlong(x, x.ndim - 1, a.outputSize as number, "adaptiveMaxPool1d");
}

/**
 * Max over adaptive windows of the last two dims, as torch's adaptive_max_pool2d (max is separable: rows, then columns).
 *
 * @example
 * F.adaptiveMaxPool2d(features, 1); // global max pooling
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2, ...rest: Args<[returnIndices: false], { returnIndices?: false }>): Tensor {
  const a = ADAPTIVE_MAX2D.parse([x, outputSize, ...rest]);
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new ShapeError(`adaptiveMaxPool2d: expected a 3-D or 4-D input ([N,] C, H, W), got shape ${fmt(x.shape)}`);
  const [oh, ow] = pair(a.outputSize as Size2, "adaptiveMaxPool2d outputSize");
  const cols = adaptiveMaxAlong(x, x.ndim - 1, ow, "adaptiveMaxPool2d");
  return adaptiveMaxAlong(cols, x.ndim - 2, oh, "adaptiveMaxPool2d");
}
