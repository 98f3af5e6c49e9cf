import { type Args, arg, is, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { pad } from "../../ops/pad.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as C from "./conv.js";
import type { Size2 } from "./unfold.js";

// PyTorch's string paddings of conv1d/conv2d, "valid" (none) and "same" (the output as long as the input, stride 1
// only), resolved at the entry into explicit sizes: the kernels only ever see numbers. For "same", dilation·(k − 1)
// is split in two with the odd one out after (right/bottom), as ATen's _convolution_mode: when a dim's split is
// uneven, the input gets that one extra zero on the right by `pad` first.

/** A convolution's padding: a size (per spatial dim or one for all), "valid" or "same". */
export type ConvPadding<S> = S | "valid" | "same";

export interface Conv2dPaddingOptions extends Omit<C.Conv2dOptions, "padding"> {
  padding?: ConvPadding<Size2>;
}
export interface Conv1dPaddingOptions extends Omit<C.Conv1dOptions, "padding"> {
  padding?: ConvPadding<number>;
}

/** A padding argument of an n-D convolution: sizes, "valid" or "same". */
export const convPaddingArg = (dims: number) => is.or(is.size(dims), is.oneOf("valid", "same"));

/**
 * The (before, after) padding of each spatial dim: the sizes as given, none for "valid", PyTorch's split of
 * dilation·(k − 1) for "same" (which throws, as PyTorch, for a stride other than 1).
 */
export function convPaddingPairs(
  fn: string,
  padding: ConvPadding<number | readonly number[]>,
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): [number, number][] {
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new ValueError(`${fn}: padding="same" is not supported for strided convolutions`);
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  return kernel.map((_, i) => {
    const p = typeof padding === "number" ? padding : padding[i];
    return [p, p];
  });
}

/** `pad`'s widths (last dim first) for the part of `pairs` beyond the symmetric before-padding, or null if none. */
function extraAfter(pairs: readonly [number, number][]): number[] | null {
  if (pairs.every(([l, r]) => l === r)) return null;
  return [...pairs].reverse().flatMap(([l, r]) => [0, r - l]);
}

const each = (v: number | readonly number[], n: number): number[] => (typeof v === "number" ? Array(n).fill(v) : [...v]);

const convFn = (fn: string, dims: number) =>
  signature(fn, {
    input: required(is.tensor),
    weight: required(is.tensor),
    bias: arg(is.nullable(is.tensor), null),
    stride: arg(is.size(dims), 1 as number | readonly number[]),
    padding: arg(convPaddingArg(dims), 0 as ConvPadding<number | readonly number[]>),
    dilation: arg(is.size(dims), 1 as number | readonly number[]),
    groups: arg(is.posInt, 1),
  });
const CONV1D = convFn("conv1d", 1);
const CONV2D = convFn("conv2d", 2);

/** Resolves a string padding into sizes (and an input padded on the right where "same" is uneven). */
function resolve(
  fn: string,
  dims: number,
  x: Tensor,
  weight: Tensor,
  a: { stride: number | readonly number[]; padding: ConvPadding<number | readonly number[]>; dilation: number | readonly number[] },
): { input: Tensor; padding: number[] } {
  if (weight.ndim !== dims + 2) {
    throw new ShapeError(`${fn}: expected a ${dims + 2}-D weight, got shape ${fmt(weight.shape)}`);
  }
  const pairs = convPaddingPairs(fn, a.padding, weight.shape.slice(2), each(a.stride, dims), each(a.dilation, dims));
  const extra = extraAfter(pairs);
  return { input: extra ? pad(x, extra) : x, padding: pairs.map(([l]) => l) };
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch) of [N, C, H, W] with weight [O, C/groups, kh, kw], as
 * `torch.nn.functional.conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)`: `padding` is
 * a size, "valid" or "same".
 *
 * @example
 * F.conv2d(images, weight, bias, { padding: 1 });
 * F.conv2d(images, weight, bias, 1, "same"); // output as large as the input, as PyTorch's positional form
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  ...rest: Args<
    [bias: Tensor | null, stride: Size2, padding: ConvPadding<Size2>, dilation: Size2, groups: number],
    Conv2dPaddingOptions & { bias?: Tensor | null }
  >
): Tensor {
  const a = CONV2D.parse([x, weight, ...rest]);
  const stride = a.stride as Size2;
  const dilation = a.dilation as Size2;
  if (typeof a.padding !== "string") return C.conv2d(x, weight, a.bias, stride, a.padding as Size2, dilation, a.groups);
  const r = resolve("conv2d", 2, x, weight, a);
  return C.conv2d(r.input, weight, a.bias, stride, r.padding as [number, number], dilation, a.groups);
}

/**
 * 1-D convolution of [N, C, L] with weight [O, C/groups, k], as `torch.nn.functional.conv1d(input, weight,
 * bias=None, stride=1, padding=0, dilation=1, groups=1)`: `padding` is a size, "valid" or "same".
 *
 * @example
 * F.conv1d(signals, weight, null, 1, "same");
 */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  ...rest: Args<
    [bias: Tensor | null, stride: number, padding: ConvPadding<number>, dilation: number, groups: number],
    Conv1dPaddingOptions & { bias?: Tensor | null }
  >
): Tensor {
  const a = CONV1D.parse([x, weight, ...rest]);
  const stride = a.stride as number;
  const dilation = a.dilation as number;
  if (typeof a.padding !== "string") return C.conv1d(x, weight, a.bias, stride, a.padding as number, dilation, a.groups);
  const r = resolve("conv1d", 1, x, weight, a);
  return C.conv1d(r.input, weight, a.bias, stride, r.padding[0], dilation, a.groups);
}
