import { type Args, arg, is, kw, signature } from "../args.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { betas, capturableType, differentiableType, foreachType, maximize, params as paramsArg } from "./args.js";
import { check, lerp_ } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `Adamax` (torch.optim.Adamax). */
export interface AdamaxOptions {
  lr: number;
  /** Decay rates of the running average of the gradient and of the infinity norm. */
  betas: [number, number];
  /** Added to |gradient| before the running maximum, for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const ADAMAX_ARGS = signature("Adamax", {
  params: paramsArg,
  lr: arg(is.number, 2e-3),
  betas: betas([0.9, 0.999]),
  eps: arg(is.number, 1e-8),
  weightDecay: arg(is.number, 0),
  foreach: arg(foreachType, null),
  maximize,
  differentiable: kw(differentiableType, false),
  capturable: kw(capturableType, false),
});

/**
 * Adamax, as `torch.optim.Adamax`: Adam with the second moment replaced by an exponentially weighted infinity norm
 * (`expInf = max(beta2 · expInf, |g| + eps)`); the step is `lr / (1 − beta1^t) · expAvg / expInf`.
 *
 * @example
 * const opt = new tg.optim.Adamax(model.parameters(), { lr: 2e-3 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  /**
   * PyTorch's `Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False,
   * differentiable=False, capturable=False)`; foreach, differentiable and capturable take only their defaults.
   */
  constructor(
    params: ParamsInput<AdamaxOptions>,
    ...rest: Args<
      [lr: number, betas: [number, number], eps: number, weightDecay: number, foreach: null | false],
      Partial<AdamaxOptions> & { foreach?: null | false; differentiable?: false; capturable?: false }
    >
  ) {
    const { params: _, foreach: _f, differentiable: _d, capturable: _c, ...o } = ADAMAX_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.betas[0] >= 0 && o.betas[0] < 1, "beta parameter at index 0", o.betas[0]);
    check(o.betas[1] >= 0 && o.betas[1] < 1, "beta parameter at index 1", o.betas[1]);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    super(params, { ...o, betas: [o.betas[0], o.betas[1]] });
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamaxOptions>): void {
    const { lr, betas, eps, weightDecay, maximize } = group;
    const [beta1, beta2] = betas;
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = zerosLike(param);
      state.expInf = zerosLike(param);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
    const expAvg = lerp_(state.expAvg as Tensor, g, 1 - beta1);
    const expInf = state.expInf as Tensor;
    expInf.copy_(expInf.mul_(beta2).maximum(g.abs().add_(eps)));
    param.add_(expAvg.div(expInf), { alpha: -lr / (1 - beta1 ** step) });
  }
}
