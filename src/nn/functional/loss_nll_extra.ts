import type { Args } from "../../args.js";
import { ValueError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { fmt, shapesEqual } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Reduction, ReductionOptions } from "./loss.js";
import { checkBroadcast, reduceLoss, requireFloat } from "./loss_common.js";
import { GAUSSIAN_NLL_LOSS, POISSON_NLL_LOSS } from "./loss_extra_args.js";

// Negative log-likelihoods of Poisson and Gaussian targets, composed of tensor ops (autograd gives the gradients).

export interface PoissonNLLLossOptions extends ReductionOptions {
  /** The input is the log of the rate (the default, true) or the rate itself (false). */
  logInput?: boolean;
  /** Add Stirling's approximation of ln(y!) where y > 1. Default false. */
  full?: boolean;
  /** Added to the rate before its log when `logInput` is false. Default 1e-8. */
  eps?: number;
}

export interface GaussianNLLLossOptions extends ReductionOptions {
  /** Add the constant ½·ln(2π). Default false. */
  full?: boolean;
  /** The variance is clamped to at least eps (without changing its gradient, as PyTorch). Default 1e-6. */
  eps?: number;
}

/**
 * Poisson negative log-likelihood: e^x − y·x for a log-rate x (`logInput`, the default), or x − y·ln(x + eps)
 * for a rate x; `full` adds Stirling's y·ln y − y + ½·ln(2πy) where y > 1, as
 * `torch.nn.functional.poisson_nll_loss`. Input and target broadcast together.
 *
 * @example
 * F.poissonNllLoss(logRates, counts);
 * F.poissonNllLoss(rates, counts, { logInput: false, full: true });
 */
export function poissonNllLoss(
  input: Tensor,
  target: Tensor,
  ...rest: Args<
    [logInput: boolean, full: boolean, sizeAverage: null, eps: number, reduce: null, reduction: Reduction],
    PoissonNLLLossOptions
  >
): Tensor {
  const a = POISSON_NLL_LOSS.parse([input, target, ...rest]);
  const op = "poissonNllLoss";
  requireFloat(op, "input", input);
  checkBroadcast(op, { input, target });
  let loss = a.logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(a.eps).log()));
  if (a.full) {
    const big = target.gt(1);
    // Computed on a target that is > 1 everywhere, so that ln 0 cannot reach the gradient through `where`.
    const y = where(big, target, 2).to(loss.dtype);
    const stirling = y
      .mul(y.log())
      .sub(y)
      .add(
        y
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(where(big, stirling, 0));
  }
  return reduceLoss(loss, a.reduction);
}

/**
 * Gaussian negative log-likelihood: ½·(ln var + (input − target)²/var), plus ½·ln(2π) with `full`, as
 * `torch.nn.functional.gaussian_nll_loss`. `var` has the input's shape, or the input's shape without its last dim,
 * or with a last dim of 1 (one variance per sample); it must be non-negative and is clamped to at least `eps` for
 * the value while its gradient passes through unchanged (as PyTorch's clamp under no_grad).
 *
 * @example
 * F.gaussianNllLoss(mean, y, variance, { full: true });
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  ...rest: Args<[full: boolean, eps: number, reduction: Reduction], GaussianNLLLossOptions>
): Tensor {
  const a = GAUSSIAN_NLL_LOSS.parse([input, target, variance, ...rest]);
  const op = "gaussianNllLoss";
  requireFloat(op, "input", input);
  requireFloat(op, "var", variance);
  let v = variance;
  if (!shapesEqual(v.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    if (shapesEqual(v.shape, lead)) v = v.unsqueeze(-1);
    else if (!(v.ndim > 0 && shapesEqual(v.shape.slice(0, -1), lead) && v.shape[v.ndim - 1] === 1)) {
      throw new ValueError(
        `${op}: var of shape ${fmt(v.shape)} does not fit input ${fmt(input.shape)}: give it the input's shape, the input's shape without its last dim, or with a last dim of 1`,
      );
    }
  }
  checkBroadcast(op, { input, target, var: v });
  if (!v._backend.asyncOnly && v.lt(0).any().item()) throw new ValueError(`${op}: var has negative entries`);
  // The clamp is a constant shift: the value is max(var, eps), the gradient flows to var unchanged.
  const clamped = v.add(v.detach().clamp(a.eps).sub(v.detach()));
  let loss = clamped.log().add(input.sub(target).square().div(clamped)).mul(0.5);
  if (a.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduceLoss(loss, a.reduction);
}
