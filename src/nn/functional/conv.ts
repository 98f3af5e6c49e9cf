import { type Args, arg, is, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { convImage, convImageApplies } from "./conv_image.js";
import { outSize, pair, type Size2, unfold } from "./unfold.js";

export interface Conv2dOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  groups?: number;
}

const convFn = (fn: string, dims: number) =>
  signature(fn, {
    input: required(is.tensor),
    weight: required(is.tensor),
    bias: arg(is.nullable(is.tensor), null),
    stride: arg(is.size(dims), 1 as Size2),
    padding: arg(is.size(dims), 0 as Size2),
    dilation: arg(is.size(dims), 1 as Size2),
    groups: arg(is.posInt, 1),
  });
const CONV1D = convFn("conv1d", 1);
const CONV2D = convFn("conv2d", 2);

/**
 * 2-D convolution (cross-correlation, as in PyTorch) of [N, C, H, W] with weight [O, C/groups, kh, kw]:
 * im2col followed by one batched matmul per group.
 *
 * @example
 * F.conv2d(images, weight, bias, { padding: 1 });
 * F.conv2d(images, weight, bias, 1, 1); // stride 1, padding 1, as PyTorch's positional form
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  ...rest: Args<
    [bias: Tensor | null, stride: Size2, padding: Size2, dilation: Size2, groups: number],
    Conv2dOptions & { bias?: Tensor | null }
  >
): Tensor {
  const a = CONV2D.parse([x, weight, ...rest]);
  const { bias, groups } = a;
  // PyTorch's unbatched form: [C, H, W] in, [O, oh, ow] out.
  if (x.ndim === 3)
    return conv2d(x.unsqueeze(0), weight, bias, a.stride as Size2, a.padding as Size2, a.dilation as Size2, groups).squeeze(0);
  const options = { stride: a.stride as Size2, padding: a.padding as Size2, dilation: a.dilation as Size2 };
  if (x.ndim !== 4) throw new ShapeError(`conv2d: expected a 3-D or 4-D input ([N,] C, H, W), got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 4) throw new ShapeError(`conv2d: expected a 4-D weight [O, C/groups, kh, kw], got shape ${fmt(weight.shape)}`);
  const [n, c] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0) {
    throw new ValueError(`conv2d: groups=${groups} must divide both the input channels (${c}) and the output channels (${o})`);
  }
  if (cg !== c / groups) {
    throw new ShapeError(
      `conv2d: weight of shape ${fmt(weight.shape)} expects ${cg * groups} input channels, but the input has shape ${fmt(x.shape)}`,
    );
  }
  const geometry = {
    kernel: [kh, kw] as [number, number],
    stride: pair(options.stride ?? 1, "conv2d stride"),
    padding: pair(options.padding ?? 0, "conv2d padding"),
    dilation: pair(options.dilation ?? 1, "conv2d dilation"),
  };
  if (geometry.stride[0] === 0 || geometry.stride[1] === 0) throw new ValueError("conv2d: stride must be positive");
  const [sh, sw] = geometry.stride;
  const oh = outSize(x.shape[2], kh, sh, geometry.padding[0], geometry.dilation[0]);
  const ow = outSize(x.shape[3], kw, sw, geometry.padding[1], geometry.dilation[1]);
  if (oh > 0 && ow > 0 && convImageApplies(x, weight, groups)) {
    // Image by image into a reused scratch buffer (conv_image.ts): no im2col matrix of the whole batch; the bias added there.
    return convImage(x, weight, geometry, oh, ow, bias);
  }
  const { cols } = unfold(x, geometry);
  // [N, groups, C/g·kh·kw, L] with weights [groups, O/g, C/g·kh·kw] → [N, groups, O/g, L].
  const grouped = cols.reshape([n, groups, cg * kh * kw, oh * ow]);
  const w = weight.reshape([groups, o / groups, cg * kh * kw]);
  let out = w.matmul(grouped).reshape([n, o, oh, ow]);
  if (bias) out = out.add(bias.reshape([o, 1, 1]));
  return out;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}

/** 1-D convolution of [N, C, L] with weight [O, C/groups, k], as a 2-D convolution of height 1. */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  ...rest: Args<
    [bias: Tensor | null, stride: number, padding: number, dilation: number, groups: number],
    Conv1dOptions & { bias?: Tensor | null }
  >
): Tensor {
  const a = CONV1D.parse([x, weight, ...rest]);
  const { bias } = a;
  // Unbatched: [C, L] in, [O, oL] out.
  if (x.ndim === 2)
    return conv1d(x.unsqueeze(0), weight, bias, a.stride as number, a.padding as number, a.dilation as number, a.groups).squeeze(0);
  if (x.ndim !== 3) throw new ShapeError(`conv1d: expected a 2-D or 3-D input ([N,] C, L), got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`conv1d: expected a 3-D weight [O, C/groups, k], got shape ${fmt(weight.shape)}`);
  const out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: [1, a.stride as number],
    padding: [0, a.padding as number],
    dilation: [1, a.dilation as number],
    groups: a.groups,
  });
  return out.squeeze(2);
}
