import { type Args, arg, is, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { col2im, unfold as im2col, outSize, pair, type Size2, type WindowGeometry } from "./unfold.js";

// torch.nn.functional.unfold / fold: sliding local blocks as columns and back, over im2col and its adjoint col2im.

export interface FoldOptions {
  dilation?: Size2;
  padding?: Size2;
  stride?: Size2;
}

const size2 = is.size(2);
const windowParams = {
  dilation: arg(size2, 1 as Size2),
  padding: arg(size2, 0 as Size2),
  stride: arg(size2, 1 as Size2),
};
const UNFOLD = signature("unfold", { input: required(is.tensor), kernelSize: required(size2), ...windowParams });
const FOLD = signature("fold", { input: required(is.tensor), outputSize: required(size2), kernelSize: required(size2), ...windowParams });

function geometry(op: string, kernel: Size2, a: { dilation: unknown; padding: unknown; stride: unknown }): WindowGeometry {
  const g = {
    kernel: pair(kernel, `${op} kernelSize`),
    stride: pair(a.stride as Size2, `${op} stride`),
    padding: pair(a.padding as Size2, `${op} padding`),
    dilation: pair(a.dilation as Size2, `${op} dilation`),
  };
  if ([...g.kernel, ...g.stride, ...g.dilation].some((v) => v < 1))
    throw new ValueError(`${op}: kernelSize, stride and dilation must be positive`);
  return g;
}

/**
 * The sliding blocks of a (N, C, H, W) or (C, H, W) input as columns (N, C·kh·kw, L), as torch.nn.functional.unfold.
 *
 * @example
 * F.unfold(tg.randn([1, 3, 8, 8]), 3, { padding: 1 }).shape; // [1, 27, 64]
 */
export function unfold(x: Tensor, kernelSize: Size2, ...rest: Args<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>): Tensor {
  const a = UNFOLD.parse([x, kernelSize, ...rest]);
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`unfold: expected a 3-D or 4-D input ([N,] C, H, W), got shape ${fmt(x.shape)}`);
  const input = x.ndim === 3 ? x.unsqueeze(0) : x;
  const { cols } = im2col(input, geometry("unfold", a.kernelSize as Size2, a));
  return x.ndim === 3 ? cols.squeeze(0) : cols;
}

/**
 * Sums columns (N, C·kh·kw, L) or (C·kh·kw, L) back into a (N, C, H, W) image of `outputSize`, overlapping blocks
 * adding up, as torch.nn.functional.fold (the adjoint of unfold).
 */
export function fold(
  x: Tensor,
  outputSize: Size2,
  kernelSize: Size2,
  ...rest: Args<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>
): Tensor {
  const a = FOLD.parse([x, outputSize, kernelSize, ...rest]);
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`fold: expected a 2-D or 3-D input ([N,] C·kh·kw, L), got shape ${fmt(x.shape)}`);
  const g = geometry("fold", a.kernelSize as Size2, a);
  const [h, w] = pair(a.outputSize as Size2, "fold outputSize");
  const input = x.ndim === 2 ? x.unsqueeze(0) : x;
  const [n, ck, l] = input.shape as [number, number, number];
  const area = g.kernel[0] * g.kernel[1];
  if (ck % area !== 0)
    throw new ShapeError(`fold: the size of dim 1 of input shape ${fmt(x.shape)} must be divisible by the kernel area (${area})`);
  const oh = outSize(h, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0]);
  const ow = outSize(w, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1]);
  if (oh < 1 || ow < 1 || oh * ow !== l) {
    throw new ShapeError(
      `fold: input of shape ${fmt(x.shape)} has ${l} blocks, but outputSize [${h}, ${w}] with these kernel, stride, padding and dilation gives ${Math.max(oh, 0) * Math.max(ow, 0)}`,
    );
  }
  const [hp, wp] = [h + 2 * g.padding[0], w + 2 * g.padding[1]];
  let out = col2im(input, [n, ck / area, hp, wp], g, oh, ow);
  if (g.padding[0] > 0 || g.padding[1] > 0) out = out.narrow(2, g.padding[0], h).narrow(3, g.padding[1], w);
  return x.ndim === 2 ? out.squeeze(0) : out;
}
