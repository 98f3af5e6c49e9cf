import { type Args, arg, is, signature } from "../args.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { maximize, params as paramsArg } from "./args.js";
import { addcmul_, check, lerp_ } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `RMSprop` (torch.optim.RMSprop). */
export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the running average of the squared gradient. */
  alpha: number;
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Momentum factor (0 disables momentum). */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance (subtracting the squared running mean). */
  centered: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const RMSPROP_ARGS = signature("RMSprop", {
  params: paramsArg,
  lr: arg(is.number, 1e-2),
  alpha: arg(is.number, 0.99),
  eps: arg(is.number, 1e-8),
  weightDecay: arg(is.number, 0),
  momentum: arg(is.number, 0),
  centered: arg(is.boolean, false),
  maximize,
});

/**
 * RMSprop, as `torch.optim.RMSprop`: divides the gradient by the root of a running average of its
 * square, optionally centered and with momentum.
 *
 * @example
 * const opt = new tg.optim.RMSprop(model.parameters(), { lr: 1e-2, momentum: 0.9 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /** PyTorch's `RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *, maximize=False)`. */
  constructor(
    params: ParamsInput<RMSpropOptions>,
    ...rest: Args<
      [lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean],
      Partial<RMSpropOptions>
    >
  ) {
    const { params: _, ...o } = RMSPROP_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.momentum >= 0, "momentum value", o.momentum);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    check(o.alpha >= 0, "alpha value", o.alpha);
    super(params, o);
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = zerosLike(param);
    }
    if (momentum > 0 && state.momentumBuffer === undefined) state.momentumBuffer = zerosLike(param);
    if (centered && state.gradAvg === undefined) state.gradAvg = zerosLike(param);
    state.step = (state.step as number) + 1;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
    const squareAvg = addcmul_((state.squareAvg as Tensor).mul_(alpha), g, g, 1 - alpha);
    let avg: Tensor;
    if (centered) {
      const gradAvg = lerp_(state.gradAvg as Tensor, g, 1 - alpha);
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt_();
    } else {
      avg = squareAvg.sqrt();
    }
    avg.add_(eps);
    if (momentum > 0) {
      const buf = (state.momentumBuffer as Tensor).mul_(momentum).add_(g.div(avg));
      param.add_(buf, { alpha: -lr });
    } else {
      param.add_(g.div(avg), { alpha: -lr });
    }
  }
}
