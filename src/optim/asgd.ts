import { type Args, arg, is, signature } from "../args.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { capturableType, differentiableType, foreachType, params as paramsArg } from "./args.js";
import { check } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `ASGD` (torch.optim.ASGD). */
export interface ASGDOptions {
  lr: number;
  /** Decay term: each step shrinks the weights by (1 − lambd · eta). */
  lambd: number;
  /** Power of the learning-rate decay eta_t = lr / (1 + lambd · lr · t)^alpha. */
  alpha: number;
  /** The step at which averaging starts (before it, `ax` is a copy of the weights). */
  t0: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const ASGD_ARGS = signature("ASGD", {
  params: paramsArg,
  lr: arg(is.number, 1e-2),
  lambd: arg(is.number, 1e-4),
  alpha: arg(is.number, 0.75),
  t0: arg(is.number, 1e6),
  weightDecay: arg(is.number, 0),
  foreach: arg(foreachType, null),
  maximize: arg(is.boolean, false),
  differentiable: arg(differentiableType, false),
  capturable: arg(capturableType, false),
});

/**
 * Averaged SGD (Polyak and Juditsky 1992), as `torch.optim.ASGD`: SGD with a decaying step size eta_t and weight
 * shrinkage, keeping in `state.ax` the running average of the weights from step t0 on (the averaged model; copy it
 * into the parameters to evaluate it).
 *
 * @example
 * const opt = new tg.optim.ASGD(model.parameters(), { lr: 0.01, t0: 100 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class ASGD extends Optimizer<ASGDOptions> {
  /**
   * PyTorch's `ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False,
   * differentiable=False, capturable=False)`; foreach, differentiable and capturable take only their defaults.
   */
  constructor(
    params: ParamsInput<ASGDOptions>,
    ...rest: Args<
      [
        lr: number,
        lambd: number,
        alpha: number,
        t0: number,
        weightDecay: number,
        foreach: null | false,
        maximize: boolean,
        differentiable: false,
        capturable: false,
      ],
      Partial<ASGDOptions> & { foreach?: null | false; differentiable?: false; capturable?: false }
    >
  ) {
    const { params: _, foreach: _f, differentiable: _d, capturable: _c, ...o } = ASGD_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    super(params, o);
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<ASGDOptions>): void {
    const { lr, lambd, alpha, t0, weightDecay, maximize } = group;
    if (state.step === undefined) {
      state.step = 0;
      state.eta = lr;
      state.mu = 1;
      state.ax = zerosLike(param);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
    const eta = state.eta as number;
    const mu = state.mu as number;
    param.mul_(1 - lambd * eta).add_(g, { alpha: -eta });
    const ax = state.ax as Tensor;
    if (mu !== 1) ax.add_(param.sub(ax).mul_(mu));
    else ax.copy_(param);
    state.eta = lr / (1 + lambd * lr * step) ** alpha;
    state.mu = 1 / Math.max(1, step - t0);
  }
}
