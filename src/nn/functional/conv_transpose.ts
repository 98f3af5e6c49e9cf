import { type Args, arg, is, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { col2im, pair, type Size2 } from "./unfold.js";

// Transposed convolution, the gradient of conv with respect to its input: one batched matmul per group gives each
// input pixel's kernel-sized patch of outputs (columns), and col2im (fold) adds the overlapping patches into place.

export interface ConvTranspose2dOptions {
  stride?: Size2;
  padding?: Size2;
  outputPadding?: Size2;
  groups?: number;
  dilation?: Size2;
}

export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  groups?: number;
  dilation?: number;
}

const convTransposeFn = (fn: string, dims: number) =>
  signature(fn, {
    input: required(is.tensor),
    weight: required(is.tensor),
    bias: arg(is.nullable(is.tensor), null),
    stride: arg(is.size(dims), 1 as Size2),
    padding: arg(is.size(dims), 0 as Size2),
    outputPadding: arg(is.size(dims), 0 as Size2),
    groups: arg(is.posInt, 1),
    dilation: arg(is.size(dims), 1 as Size2),
  });
const CONV_T1D = convTransposeFn("convTranspose1d", 1);
const CONV_T2D = convTransposeFn("convTranspose2d", 2);

function convTranspose2dImpl(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  o: { stride: Size2; padding: Size2; outputPadding: Size2; groups: number; dilation: Size2 },
): Tensor {
  // PyTorch's unbatched form: [C, H, W] in, [O, oh, ow] out.
  if (x.ndim === 3) return convTranspose2dImpl(op, x.unsqueeze(0), weight, bias, o).squeeze(0);
  if (x.ndim !== 4) throw new ShapeError(`${op}: expected a 3-D or 4-D input ([N,] C, H, W), got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 4) throw new ShapeError(`${op}: expected a 4-D weight [C, O/groups, kh, kw], got shape ${fmt(weight.shape)}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [wc, og, kh, kw] = weight.shape as [number, number, number, number];
  const groups = o.groups;
  if (wc !== c || c % groups !== 0) {
    throw new ShapeError(
      `${op}: weight of shape ${fmt(weight.shape)} (groups=${groups}) does not fit the ${c} channels of input shape ${fmt(x.shape)}`,
    );
  }
  const stride = pair(o.stride, `${op} stride`);
  const padding = pair(o.padding, `${op} padding`);
  const outputPadding = pair(o.outputPadding, `${op} outputPadding`);
  const dilation = pair(o.dilation, `${op} dilation`);
  if (stride[0] < 1 || stride[1] < 1 || dilation[0] < 1 || dilation[1] < 1)
    throw new ValueError(`${op}: stride and dilation must be positive`);
  for (let i = 0; i < 2; i++) {
    if ((outputPadding[i] as number) >= Math.max(stride[i] as number, dilation[i] as number))
      throw new ValueError(
        `${op}: outputPadding must be smaller than either stride or dilation, got outputPadding ${outputPadding}, stride ${stride}, dilation ${dilation}`,
      );
  }
  const oc = og * groups;
  // The uncropped output: each input pixel's patch starts at stride · index.
  const hp = (h - 1) * stride[0] + dilation[0] * (kh - 1) + 1 + outputPadding[0];
  const wp = (w - 1) * stride[1] + dilation[1] * (kw - 1) + 1 + outputPadding[1];
  const [oh, ow] = [hp - 2 * padding[0], wp - 2 * padding[1]];
  if (oh <= 0 || ow <= 0)
    throw new ShapeError(`${op}: output size [${oh}, ${ow}] of input shape ${fmt(x.shape)} is not positive (padding ${padding})`);
  // [groups, O/g·kh·kw, C/g] · [N, groups, C/g, H·W] → [N, groups, O/g·kh·kw, H·W] = columns [N, O·kh·kw, H·W].
  const wT = weight.reshape([groups, c / groups, og * kh * kw]).mT;
  const cols = wT.matmul(x.reshape([n, groups, c / groups, h * w])).reshape([n, oc * kh * kw, h * w]);
  const geometry = { kernel: [kh, kw] as [number, number], stride, padding: [0, 0] as [number, number], dilation };
  let out = col2im(cols, [n, oc, hp, wp], geometry, h, w);
  if (padding[0] > 0 || padding[1] > 0) out = out.narrow(2, padding[0], oh).narrow(3, padding[1], ow);
  if (bias) out = out.add(bias.reshape([oc, 1, 1]));
  return out;
}

/**
 * 2-D transposed convolution of [N, C, H, W] with weight [C, O/groups, kh, kw], as torch.nn.functional.conv_transpose2d:
 * the output size is (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1.
 *
 * @example
 * F.convTranspose2d(x, weight, null, { stride: 2, padding: 1, outputPadding: 1 }); // doubles H and W for a 3x3 kernel
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  ...rest: Args<
    [bias: Tensor | null, stride: Size2, padding: Size2, outputPadding: Size2, groups: number, dilation: Size2],
    ConvTranspose2dOptions & { bias?: Tensor | null }
  >
): Tensor {
  const a = CONV_T2D.parse([x, weight, ...rest]);
  return convTranspose2dImpl("convTranspose2d", x, weight, a.bias, {
    stride: a.stride as Size2,
    padding: a.padding as Size2,
    outputPadding: a.outputPadding as Size2,
    groups: a.groups,
    dilation: a.dilation as Size2,
  });
}

/** 1-D transposed convolution of [N, C, L] with weight [C, O/groups, k], as a 2-D one of height 1. */
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  ...rest: Args<
    [bias: Tensor | null, stride: number, padding: number, outputPadding: number, groups: number, dilation: number],
    ConvTranspose1dOptions & { bias?: Tensor | null }
  >
): Tensor {
  const a = CONV_T1D.parse([x, weight, ...rest]);
  if (x.ndim === 2)
    return convTranspose1d(
      x.unsqueeze(0),
      weight,
      a.bias,
      a.stride as number,
      a.padding as number,
      a.outputPadding as number,
      a.groups,
      a.dilation as number,
    ).squeeze(0);
  if (x.ndim !== 3) throw new ShapeError(`convTranspose1d: expected a 2-D or 3-D input ([N,] C, L), got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError(`convTranspose1d: expected a 3-D weight [C, O/groups, k], got shape ${fmt(weight.shape)}`);
  const out = convTranspose2dImpl("convTranspose1d", x.unsqueeze(2), weight.unsqueeze(2), a.bias, {
    stride: [1, a.stride as number],
    padding: [0, a.padding as number],
    outputPadding: [0, a.outputPadding as number],
    groups: a.groups,
    dilation: [1, a.dilation as number],
  });
  return out.squeeze(2);
}
