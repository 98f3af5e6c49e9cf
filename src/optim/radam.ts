import { type Args, arg, is, kw, signature } from "../args.js";
import { div } from "../ops/binary.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { betas, capturableType, differentiableType, foreachType, maximize, params as paramsArg } from "./args.js";
import { addcmul_, check, lerp_ } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `RAdam` (torch.optim.RAdam). */
export interface RAdamOptions {
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient, or (with `decoupledWeightDecay`) decay of the weights by lr · weightDecay. */
  weightDecay: number;
  /** Shrink the weights directly (as AdamW) instead of adding the L2 term to the gradient. */
  decoupledWeightDecay: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const RADAM_ARGS = signature("RAdam", {
  params: paramsArg,
  lr: arg(is.number, 1e-3),
  betas: betas([0.9, 0.999]),
  eps: arg(is.number, 1e-8),
  weightDecay: arg(is.number, 0),
  decoupledWeightDecay: arg(is.boolean, false),
  foreach: kw(foreachType, null),
  maximize,
  capturable: kw(capturableType, false),
  differentiable: kw(differentiableType, false),
});

/**
 * RAdam (rectified Adam, Liu et al. 2019), as `torch.optim.RAdam`: while the variance of the adaptive learning rate is
 * intractable (ρ_t ≤ 5, the first steps) it takes bias-corrected momentum steps; after that, Adam steps scaled by the
 * rectification term.
 *
 * @example
 * const opt = new tg.optim.RAdam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class RAdam extends Optimizer<RAdamOptions> {
  /**
   * PyTorch's `RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False, *,
   * foreach=None, maximize=False, capturable=False, differentiable=False)`; foreach, capturable and differentiable take
   * only their defaults.
   */
  constructor(
    params: ParamsInput<RAdamOptions>,
    ...rest: Args<
      [lr: number, betas: [number, number], eps: number, weightDecay: number, decoupledWeightDecay: boolean],
      Partial<RAdamOptions> & { foreach?: null | false; capturable?: false; differentiable?: false }
    >
  ) {
    const { params: _, foreach: _f, capturable: _c, differentiable: _d, ...o } = RADAM_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.betas[0] >= 0 && o.betas[0] < 1, "beta parameter at index 0", o.betas[0]);
    check(o.betas[1] >= 0 && o.betas[1] < 1, "beta parameter at index 1", o.betas[1]);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    super(params, { ...o, betas: [o.betas[0], o.betas[1]] });
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RAdamOptions>): void {
    const { lr, betas, eps, weightDecay, decoupledWeightDecay, maximize } = group;
    const [beta1, beta2] = betas;
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = zerosLike(param);
      state.expAvgSq = zerosLike(param);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) {
      if (decoupledWeightDecay) param.mul_(1 - lr * weightDecay);
      else g = g.add(param, { alpha: weightDecay });
    }
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const expAvg = lerp_(state.expAvg as Tensor, g, 1 - beta1);
    const expAvgSq = addcmul_((state.expAvgSq as Tensor).mul_(beta2), g, g, 1 - beta2);
    const corrected = expAvg.div(biasCorrection1);
    // ρ∞ is the maximum length of the approximated simple moving average, ρ_t its length at this step.
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
    if (rhoT > 5) {
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      const adaptiveLr = div(Math.sqrt(biasCorrection2), expAvgSq.sqrt().add_(eps));
      param.sub_(corrected.mul(lr).mul_(adaptiveLr).mul_(rect));
    } else {
      param.sub_(corrected.mul(lr));
    }
  }
}
