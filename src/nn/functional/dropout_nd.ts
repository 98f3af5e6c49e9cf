import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ShapeError } from "../../errors.js";
import { bernoulli, Generator } from "../../ops/random.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { checkP, type DropoutOptions } from "./dropout.js";

// torch.nn.functional.dropout1d / dropout2d / dropout3d: whole channels zeroed with probability p (the survivors
// scaled by 1/(1 − p)) while training. A batch is [N, C, *spatial]; without the batch dim (dropout1d on [C, L],
// dropout3d on [C, D, H, W]) each channel is one unit, as PyTorch's unsqueeze(0) then feature dropout.

const sig = (fn: string) =>
  signature(fn, {
    input: required(is.tensor),
    p: arg(is.number, 0.5),
    training: arg(is.boolean, true),
    inplace: arg(is.only(false, "in-place dropout is not implemented"), false),
    generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
  });
const DROPOUT1D = sig("dropout1d");
const DROPOUT2D = sig("dropout2d");
const DROPOUT3D = sig("dropout3d");

type Rest = Args<[p: number, training: boolean, inplace: false], DropoutOptions>;

/** Channel dropout with `units` leading dims drawn (N and C, or C alone for an unbatched input). */
function featureDropout(x: Tensor, units: number, a: { p: number; training: boolean; generator: Generator | null }, fn: string): Tensor {
  checkP(a.p, fn);
  if (!a.training || a.p === 0) return x;
  if (a.p === 1) return x.mul(0);
  const shape = x.shape.map((s, i) => (i < units ? s : 1));
  const keep = bernoulli(1 - a.p, shape, { dtype: x.dtype, device: x._backend.device, generator: a.generator ?? undefined });
  return x.mul(keep).div(1 - a.p);
}

/**
 * Zeroes whole channels of [N, C, L] (or unbatched [C, L]) inputs with probability `p` while training
 * (`torch.nn.functional.dropout1d(input, p=0.5, training=True, inplace=False)`).
 *
 * @example
 * F.dropout1d(signals, 0.2, model.training);
 */
export function dropout1d(x: Tensor, ...rest: Rest): Tensor {
  const a = DROPOUT1D.parse([x, ...rest]);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(`dropout1d: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape ${fmt(x.shape)}`);
  }
  return featureDropout(x, x.ndim - 1, a, "dropout1d");
}

/**
 * Zeroes whole channels of [N, C, H, W] inputs with probability `p` while training
 * (`torch.nn.functional.dropout2d`); a 3-D input is taken as [N, C, L], as PyTorch 1.13 does.
 */
export function dropout2d(x: Tensor, ...rest: Rest): Tensor {
  const a = DROPOUT2D.parse([x, ...rest]);
  if (x.ndim < 2) throw new ShapeError(`dropout2d: expected an [N, C, H, W] input, got shape ${fmt(x.shape)}`);
  return featureDropout(x, 2, a, "dropout2d");
}

/**
 * Zeroes whole channels of [N, C, D, H, W] (or unbatched [C, D, H, W]) inputs with probability `p` while training
 * (`torch.nn.functional.dropout3d`).
 */
export function dropout3d(x: Tensor, ...rest: Rest): Tensor {
  const a = DROPOUT3D.parse([x, ...rest]);
  if (x.ndim < 2) throw new ShapeError(`dropout3d: expected an [N, C, D, H, W] input, got shape ${fmt(x.shape)}`);
  return featureDropout(x, x.ndim === 4 ? 1 : 2, a, "dropout3d");
}
