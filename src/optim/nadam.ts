import { type Args, arg, is, kw, signature } from "../args.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { betas, capturableType, differentiableType, foreachType, maximize, params as paramsArg } from "./args.js";
import { addcmul_, check, lerp_ } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `NAdam` (torch.optim.NAdam). */
export interface NAdamOptions {
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient, or (with `decoupledWeightDecay`) decay of the weights by lr · weightDecay. */
  weightDecay: number;
  /** ψ: how fast the momentum schedule μ_t = beta1 · (1 − ½ · 0.96^(t·ψ)) approaches beta1. */
  momentumDecay: number;
  /** Shrink the weights directly (as AdamW) instead of adding the L2 term to the gradient. */
  decoupledWeightDecay: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const NADAM_ARGS = signature("NAdam", {
  params: paramsArg,
  lr: arg(is.number, 2e-3),
  betas: betas([0.9, 0.999]),
  eps: arg(is.number, 1e-8),
  weightDecay: arg(is.number, 0),
  momentumDecay: arg(is.number, 4e-3),
  decoupledWeightDecay: arg(is.boolean, false),
  foreach: kw(foreachType, null),
  maximize,
  capturable: kw(capturableType, false),
  differentiable: kw(differentiableType, false),
});

/**
 * NAdam (Adam with Nesterov momentum, Dozat 2016), as `torch.optim.NAdam`: the momentum coefficient follows the
 * schedule μ_t, and the step mixes the current gradient and the running average with their bias corrections
 * (the product of the μ's, kept per parameter as `muProduct`).
 *
 * @example
 * const opt = new tg.optim.NAdam(model.parameters(), { lr: 2e-3 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class NAdam extends Optimizer<NAdamOptions> {
  /**
   * PyTorch's `NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
   * decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False, differentiable=False)`;
   * foreach, capturable and differentiable take only their defaults.
   */
  constructor(
    params: ParamsInput<NAdamOptions>,
    ...rest: Args<
      [lr: number, betas: [number, number], eps: number, weightDecay: number, momentumDecay: number, decoupledWeightDecay: boolean],
      Partial<NAdamOptions> & { foreach?: null | false; capturable?: false; differentiable?: false }
    >
  ) {
    const { params: _, foreach: _f, capturable: _c, differentiable: _d, ...o } = NADAM_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.betas[0] >= 0 && o.betas[0] < 1, "beta parameter at index 0", o.betas[0]);
    check(o.betas[1] >= 0 && o.betas[1] < 1, "beta parameter at index 1", o.betas[1]);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    check(o.momentumDecay >= 0, "momentumDecay value", o.momentumDecay);
    super(params, { ...o, betas: [o.betas[0], o.betas[1]] });
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<NAdamOptions>): void {
    const { lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize } = group;
    const [beta1, beta2] = betas;
    if (state.step === undefined) {
      state.step = 0;
      state.muProduct = 1;
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
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
    const muProduct = (state.muProduct as number) * mu;
    state.muProduct = muProduct;
    const muProductNext = muProduct * muNext;
    const expAvg = lerp_(state.expAvg as Tensor, g, 1 - beta1);
    const expAvgSq = addcmul_((state.expAvgSq as Tensor).mul_(beta2), g, g, 1 - beta2);
    const denom = expAvgSq
      .div(1 - beta2 ** step)
      .sqrt_()
      .add_(eps);
    param.add_(g.div(denom), { alpha: (-lr * (1 - mu)) / (1 - muProduct) });
    param.add_(expAvg.div(denom), { alpha: (-lr * muNext) / (1 - muProductNext) });
  }
}
