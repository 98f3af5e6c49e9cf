import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { isFloating } from "../../dtype.js";
import { DTypeError, ValueError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { Generator, uniformLike } from "../../ops/random.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface RreluOptions {
  lower?: number;
  upper?: number;
  training?: boolean;
  inplace?: false;
  /** The generator of the random slopes (default: tg's, seeded by `tg.manualSeed`). */
  generator?: Generator | null;
}

const RRELU = signature("rrelu", {
  input: required(is.tensor),
  lower: arg(is.number, 1 / 8),
  upper: arg(is.number, 1 / 3),
  training: arg(is.boolean, false),
  inplace: arg(is.only(false, "in-place rrelu is not implemented"), false),
  generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
});

/**
 * Randomized leaky ReLU (Xu et al. 2015), as PyTorch's: x where x > 0, else a·x. While `training` each element's slope
 * a is drawn from U(lower, upper) (and is its gradient too); otherwise a = (lower + upper)/2, a leaky ReLU. As in
 * PyTorch, `training` defaults to false for the function (nn.RReLU passes its mode).
 *
 * @example
 * F.rrelu(x, 1 / 8, 1 / 3, true); // random slopes in [1/8, 1/3)
 */
export function rrelu(x: Tensor, ...rest: Args<[lower: number, upper: number, training: boolean, inplace: false], RreluOptions>): Tensor {
  const { lower, upper, training, generator } = RRELU.parse([x, ...rest]);
  if (!(lower <= upper)) throw new ValueError(`rrelu: lower (${lower}) should be less than or equal to upper (${upper})`);
  if (!isFloating(x.dtype)) throw new DTypeError(`rrelu: expected a floating input, got ${x.dtype}`);
  // PyTorch's rrelu_with_noise: the slope applies where x ≤ 0, so the gradient at 0 is the slope.
  if (!training) return where(x.gt(0), x, x.mul((lower + upper) / 2));
  return x.mul(where(x.le(0), uniformLike(x, lower, upper, generator ?? undefined), 1));
}
