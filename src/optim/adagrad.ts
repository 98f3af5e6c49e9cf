import { type Args, arg, is, signature } from "../args.js";
import { ValueError } from "../errors.js";
import type { SparseGrad } from "../nn/sparse_grad.js";
import { fullLike } from "../ops/creation.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { maximize, params as paramsArg } from "./args.js";
import { addcmul_, check } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";
import { adagradRows_ } from "./sparse_rows.js";

/** Hyperparameters of `Adagrad` (torch.optim.Adagrad). */
export interface AdagradOptions {
  lr: number;
  /** The learning rate at step t is lr / (1 + (t − 1) · lrDecay). */
  lrDecay: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Starting value of the sum of squared gradients. */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const ADAGRAD_ARGS = signature("Adagrad", {
  params: paramsArg,
  lr: arg(is.number, 1e-2),
  lrDecay: arg(is.number, 0),
  weightDecay: arg(is.number, 0),
  initialAccumulatorValue: arg(is.number, 0),
  eps: arg(is.number, 1e-10),
  maximize,
});

/**
 * Adagrad, as `torch.optim.Adagrad`: divides the gradient by the root of the sum of all squared
 * gradients so far. The state is created for every parameter up front, as in PyTorch. Sparse gradients (of
 * `sparse: true` embeddings) update only their rows (weight decay with them throws, as in PyTorch).
 *
 * @example
 * const opt = new tg.optim.Adagrad(model.parameters(), { lr: 0.1 });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /** PyTorch's `Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, *, maximize=False)`. */
  constructor(
    params: ParamsInput<AdagradOptions>,
    ...rest: Args<[lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number], Partial<AdagradOptions>>
  ) {
    const { params: _, ...o } = ADAGRAD_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.lrDecay >= 0, "lrDecay value", o.lrDecay);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    check(o.initialAccumulatorValue >= 0, "initialAccumulatorValue value", o.initialAccumulatorValue);
    check(o.eps >= 0, "epsilon value", o.eps);
    super(params, o);
    for (const group of this.paramGroups) {
      for (const p of group.params) this.state.set(p, initState(p, group.initialAccumulatorValue));
    }
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = group;
    if (state.step === undefined) Object.assign(state, initState(param, initialAccumulatorValue));
    const step = (state.step as number) + 1;
    state.step = step;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
    const clr = lr / (1 + (step - 1) * lrDecay);
    const sum = addcmul_(state.sum as Tensor, g, g);
    param.add_(g.div(sum.sqrt().add_(eps)), { alpha: -clr });
  }

  protected override updateSparse(param: Tensor, grad: SparseGrad, state: ParamState, group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = group;
    if (weightDecay !== 0) {
      throw new ValueError(
        `Adagrad: weightDecay (${weightDecay}) is not compatible with sparse gradients (a parameter of shape ${fmt(param.shape)}), as in PyTorch`,
      );
    }
    if (state.step === undefined) Object.assign(state, initState(param, initialAccumulatorValue));
    const step = (state.step as number) + 1;
    state.step = step;
    const clr = lr / (1 + (step - 1) * lrDecay);
    // The update is not linear in the gradient, so repeated rows are summed first (PyTorch's coalesce()).
    adagradRows_(param, state.sum as Tensor, grad.coalesce(), clr, eps, maximize ? -1 : 1);
  }
}

function initState(param: Tensor, initialAccumulatorValue: number): ParamState {
  return { step: 0, sum: fullLike(param, initialAccumulatorValue) };
}
