import { ShapeError, ValueError } from "../../errors.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { pair, type Size2, unfold } from "./unfold.js";

export interface Conv2dOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch) of [N, C, H, W] with weight [O, C/groups, kh, kw]:
 * im2col followed by one batched matmul per group.
 *
 * @example
 * F.conv2d(images, weight, bias, { padding: 1 });
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const groups = options.groups ?? 1;
  if (x.ndim !== 4) throw new ShapeError(`conv2d: expected a 4-D input [N, C, H, W], got shape ${fmt(x.shape)}`);
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
  const { cols, oh, ow } = unfold(x, geometry);
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
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  if (x.ndim !== 3) throw new ShapeError(`conv1d: expected a 3-D input [N, C, L], got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`conv1d: expected a 3-D weight [O, C/groups, k], got shape ${fmt(weight.shape)}`);
  const out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: [1, options.stride ?? 1],
    padding: [0, options.padding ?? 0],
    dilation: [1, options.dilation ?? 1],
    groups: options.groups ?? 1,
  });
  return out.squeeze(2);
}
