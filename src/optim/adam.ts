import { type Args, arg, is, signature } from "../args.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { betas, maximize, params as paramsArg } from "./args.js";
import { addcmul_, check, lerp_ } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `Adam` and `AdamW` (torch.optim.Adam / AdamW). */
export interface AdamOptions {
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient (Adam) or decoupled decay of the weights (AdamW). */
  weightDecay: number;
  /** Use the maximum of past squared-gradient averages (the AMSGrad variant). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/** Adam's and AdamW's signature (they differ in the weightDecay default). */
export const adamSignature = (fn: string, weightDecay: number) =>
  signature(fn, {
    params: paramsArg,
    lr: arg(is.number, 1e-3),
    betas: betas([0.9, 0.999]),
    eps: arg(is.number, 1e-8),
    weightDecay: arg(is.number, weightDecay),
    amsgrad: arg(is.boolean, false),
    maximize,
  });
const ADAM_ARGS = adamSignature("Adam", 0);

/** Adam's positional parameters after `params`, in PyTorch's order. */
export type AdamRest = Args<
  [lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean],
  Partial<AdamOptions>
>;

/** Checks Adam's options as PyTorch does, and returns them. */
function checkAdamOptions(o: AdamOptions): AdamOptions {
  check(o.lr >= 0, "learning rate", o.lr);
  check(o.eps >= 0, "epsilon value", o.eps);
  check(o.betas[0] >= 0 && o.betas[0] < 1, "beta parameter at index 0", o.betas[0]);
  check(o.betas[1] >= 0 && o.betas[1] < 1, "beta parameter at index 1", o.betas[1]);
  check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
  return o;
}

/**
 * Adam, as `torch.optim.Adam`: running averages of the gradient and its square, with bias corrections;
 * `weightDecay` adds an L2 term to the gradient (see `AdamW` for decoupled decay).
 *
 * @example
 * const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class Adam extends Optimizer<AdamOptions> {
  /** The constructor's signature (AdamW's differs in its weightDecay default). */
  static readonly signature = ADAM_ARGS;

  /** PyTorch's `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, maximize=False)`. */
  constructor(params: ParamsInput<AdamOptions>, ...rest: AdamRest) {
    const { params: _, ...o } = (new.target as typeof Adam).signature.parse([params, ...rest]);
    super(params, checkAdamOptions({ ...o, betas: [o.betas[0], o.betas[1]] }));
  }

  /** Whether weight decay shrinks the weights directly (AdamW) instead of adding to the gradient. */
  protected get decoupledWeightDecay(): boolean {
    return false;
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdamOptions>): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = betas;
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = zerosLike(param);
      state.expAvgSq = zerosLike(param);
    }
    if (amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = zerosLike(param);
    const expAvg = state.expAvg as Tensor;
    const expAvgSq = state.expAvgSq as Tensor;
    const step = (state.step as number) + 1;
    state.step = step;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) {
      if (this.decoupledWeightDecay) param.mul_(1 - lr * weightDecay);
      else g = g.add(param, { alpha: weightDecay });
    }
    lerp_(expAvg, g, 1 - beta1);
    addcmul_(expAvgSq.mul_(beta2), g, g, 1 - beta2);
    const stepSize = lr / (1 - beta1 ** step);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
    // AMSGrad keeps the running maximum of the second moment and normalizes by that.
    const second = amsgrad ? (state.maxExpAvgSq as Tensor).copy_((state.maxExpAvgSq as Tensor).maximum(expAvgSq)) : expAvgSq;
    const denom = second.sqrt().div(bias2Sqrt).add_(eps);
    param.add_(expAvg.div(denom), { alpha: -stepSize });
  }
}
