import { type Args, arg, is, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { stack } from "../../ops/join.js";
import { pad } from "../../ops/pad.js";
import { sliceDim } from "../../ops/views.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { conv2d } from "./conv.js";

/** A size given once for all three spatial dims or as [depth, height, width]. */
export type Size3 = number | readonly [number, number, number];

/** PyTorch's padding of a convolution: a size, or "valid" (none) or "same" (the output as large as the input). */
export type ConvPadding3 = Size3 | "valid" | "same";

export interface Conv3dOptions {
  stride?: Size3;
  padding?: ConvPadding3;
  dilation?: Size3;
  groups?: number;
}

/** A padding argument of a 3-D convolution: sizes, "valid" or "same". */
export const padding3 = is.or(is.size(3), is.oneOf("valid", "same"));

const CONV3D = signature("conv3d", {
  input: required(is.tensor),
  weight: required(is.tensor),
  bias: arg(is.nullable(is.tensor), null),
  stride: arg(is.size(3), 1 as Size3),
  padding: arg(padding3, 0 as ConvPadding3),
  dilation: arg(is.size(3), 1 as Size3),
  groups: arg(is.posInt, 1),
});

/** [d, h, w] of a size given once or per dim. */
export const triple = (v: Size3): [number, number, number] => (typeof v === "number" ? [v, v, v] : [v[0], v[1], v[2]]);

/**
 * The (before, after) zero padding of each spatial dim: the sizes as given, none for "valid", and for "same" PyTorch's
 * split of dilation·(k − 1), the odd one out after (only for stride 1, as PyTorch).
 */
export function convPadding3(
  fn: string,
  padding: ConvPadding3,
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): [number, number][] {
  if (padding === "valid") return [0, 0, 0].map(() => [0, 0]);
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new ValueError(`${fn}: padding="same" is not supported for strided convolutions`);
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  return triple(padding).map((p) => [p, p]);
}

/**
 * 3-D convolution (cross-correlation, as in PyTorch) of [N, C, D, H, W] (or unbatched [C, D, H, W]) with weight
 * [O, C/groups, kd, kh, kw]: the kd depth taps of each output plane are stacked as channels, so the whole convolution
 * is one 2-D convolution (im2col and a batched matmul) over N·D_out planes. `padding` is a size, "valid" or "same".
 *
 * @example
 * F.conv3d(volumes, weight, bias, { padding: 1 });
 * F.conv3d(volumes, weight, bias, 2, "valid"); // stride 2, no padding, as PyTorch's positional form
 */
export function conv3d(
  x: Tensor,
  weight: Tensor,
  ...rest: Args<
    [bias: Tensor | null, stride: Size3, padding: ConvPadding3, dilation: Size3, groups: number],
    Conv3dOptions & { bias?: Tensor | null }
  >
): Tensor {
  const a = CONV3D.parse([x, weight, ...rest]);
  const { bias, groups } = a;
  if (x.ndim === 4) {
    const options = { bias, stride: a.stride as Size3, padding: a.padding as ConvPadding3, dilation: a.dilation as Size3, groups };
    return conv3d(x.unsqueeze(0), weight, options).squeeze(0);
  }
  if (x.ndim !== 5) throw new ShapeError(`conv3d: expected a 5-D input [N, C, D, H, W] (or 4-D unbatched), got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 5) {
    throw new ShapeError(`conv3d: expected a 5-D weight [O, C/groups, kd, kh, kw], got shape ${fmt(weight.shape)}`);
  }
  const [n, c] = x.shape;
  const [o, cg, kd, kh, kw] = weight.shape;
  if (c % groups !== 0 || o % groups !== 0) {
    throw new ValueError(`conv3d: groups=${groups} must divide both the input channels (${c}) and the output channels (${o})`);
  }
  if (cg * groups !== c) {
    throw new ShapeError(
      `conv3d: weight of shape ${fmt(weight.shape)} expects ${cg * groups} input channels, but the input has shape ${fmt(x.shape)}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(`conv3d: bias of shape ${fmt(bias.shape)} does not match the ${o} output channels`);
  }
  const stride = triple(a.stride as Size3);
  const dilation = triple(a.dilation as Size3);
  if (stride.some((s) => s === 0)) throw new ValueError("conv3d: stride must be positive");
  if (dilation.some((d) => d === 0)) throw new ValueError("conv3d: dilation must be positive");
  const pads = convPadding3("conv3d", a.padding as ConvPadding3, [kd, kh, kw], stride, dilation);
  // Depth padding (and uneven "same" padding) is done here; even height/width padding is left to conv2d's im2col.
  const planar = pads[1][0] === pads[1][1] && pads[2][0] === pads[2][1];
  const before = planar ? [0, 0, 0, 0] : [pads[2][0], pads[2][1], pads[1][0], pads[1][1]];
  const xp = pads.some(([l, r], i) => (i === 0 || !planar) && l + r > 0) ? pad(x, [...before, pads[0][0], pads[0][1]]) : x;
  const dp = xp.shape[2];
  const od = Math.floor((dp - dilation[0] * (kd - 1) - 1) / stride[0]) + 1;
  if (od < 1) {
    throw new ShapeError(
      `conv3d: the padded input depth (${dp}) is smaller than the dilated kernel depth (${dilation[0] * (kd - 1) + 1}); input shape ${fmt(x.shape)}, weight shape ${fmt(weight.shape)}`,
    );
  }
  // taps[j] is the depth plane each output plane reads with kernel tap j: [N, C, D_out, H, W].
  const taps: Tensor[] = [];
  for (let j = 0; j < kd; j++) taps.push(sliceDim(xp, 2, j * dilation[0], od, stride[0]));
  const [hp, wp] = [xp.shape[3], xp.shape[4]];
  // [N, C, kd, D_out, H, W] → [N·D_out, C·kd, H, W]: channel c·kd + j, so each group's channels stay contiguous.
  const planes = stack(taps, 2)
    .permute([0, 3, 1, 2, 4, 5])
    .reshape([n * od, c * kd, hp, wp]);
  const out2 = conv2d(planes, weight.reshape([o, cg * kd, kh, kw]), null, {
    stride: [stride[1], stride[2]],
    padding: planar ? [pads[1][0], pads[2][0]] : 0,
    dilation: [dilation[1], dilation[2]],
    groups,
  });
  const [oh, ow] = [out2.shape[2], out2.shape[3]];
  const out = out2.reshape([n, od, o, oh, ow]).permute([0, 2, 1, 3, 4]);
  return bias ? out.add(bias.reshape([o, 1, 1, 1])) : out;
}
