import { type Args, arg, is, signature } from "../args.js";
import { ValueError } from "../errors.js";
import type { SparseGrad } from "../nn/sparse_grad.js";
import { zerosLike } from "../ops/creation.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { maximize, params as paramsArg } from "./args.js";
import { check } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";
import { addRows_ } from "./sparse_rows.js";

/** Hyperparameters of `SGD` (torch.optim.SGD). */
export interface SGDOptions {
  lr: number;
  /** Momentum factor (0 disables momentum). */
  momentum: number;
  /** Dampening for momentum: the buffer takes (1 − dampening) of each new gradient after the first. */
  dampening: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and zero dampening). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const SGD_ARGS = signature("SGD", {
  params: paramsArg,
  lr: arg(is.number, 1e-3),
  momentum: arg(is.number, 0),
  dampening: arg(is.number, 0),
  weightDecay: arg(is.number, 0),
  nesterov: arg(is.boolean, false),
  maximize,
});

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum and weight decay, as `torch.optim.SGD`.
 * The momentum buffer starts as the first gradient (no dampening on the first step). Sparse gradients (of
 * `sparse: true` embeddings) update only their rows when momentum is 0; with momentum the (dense) buffer moves every
 * row it has reached, as PyTorch's does; weight decay with them throws, as in PyTorch.
 *
 * @example
 * const opt = new tg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * new tg.optim.SGD(model.parameters(), 0.1, 0.9); // PyTorch's positional form
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  /** PyTorch's `SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False)`. */
  constructor(
    params: ParamsInput<SGDOptions>,
    ...rest: Args<[lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean], Partial<SGDOptions>>
  ) {
    const { params: _, ...o } = SGD_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.momentum >= 0, "momentum value", o.momentum);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError("Nesterov momentum requires a momentum and zero dampening");
    }
    super(params, o);
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
    if (momentum !== 0) {
      let buf = state.momentumBuffer as Tensor | undefined;
      if (buf === undefined) {
        buf = g.clone();
        state.momentumBuffer = buf;
      } else {
        buf.mul_(momentum).add_(g, { alpha: 1 - dampening });
      }
      g = nesterov ? g.add(buf, { alpha: momentum }) : buf;
    }
    param.add_(g, { alpha: -lr });
  }

  protected override updateSparse(param: Tensor, grad: SparseGrad, state: ParamState, group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    if (weightDecay !== 0) {
      throw new ValueError(
        `SGD: weightDecay (${weightDecay}) is not supported with sparse gradients (a parameter of shape ${fmt(param.shape)}), as in PyTorch`,
      );
    }
    const sign = maximize ? -1 : 1;
    if (momentum === 0) {
      addRows_(param, grad, -lr * sign);
      return;
    }
    let buf = state.momentumBuffer as Tensor | undefined;
    if (buf === undefined) {
      buf = zerosLike(param);
      addRows_(buf, grad, sign);
      state.momentumBuffer = buf;
    } else {
      buf.mul_(momentum);
      addRows_(buf, grad, sign * (1 - dampening));
    }
    param.add_(buf, { alpha: nesterov ? -lr * momentum : -lr });
    if (nesterov) addRows_(param, grad, -lr * sign);
  }
}
