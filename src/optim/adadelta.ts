import { type Args, arg, is, signature } from "../args.js";
import type { AdadeltaHyper } from "../backend/backend.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { maximize, params as paramsArg } from "./args.js";
import { addcmul_, check } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `Adadelta` (torch.optim.Adadelta). */
export interface AdadeltaOptions {
  /** Scales the update (PyTorch's default 1.0: Adadelta's step sizes come from its own running averages). */
  lr: number;
  /** Decay of the running averages of the squared gradient and of the squared update. */
  rho: number;
  /** Added inside both square roots for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const ADADELTA_ARGS = signature("Adadelta", {
  params: paramsArg,
  lr: arg(is.number, 1),
  rho: arg(is.number, 0.9),
  eps: arg(is.number, 1e-6),
  weightDecay: arg(is.number, 0),
  maximize,
});

/**
 * Adadelta (Zeiler 2012), as `torch.optim.Adadelta` (the optimizer of PyTorch's MNIST example): the update is the
 * gradient scaled by √(E[Δ²] + eps) / √(E[g²] + eps), both running averages with decay `rho`.
 *
 * @example
 * const opt = new tg.optim.Adadelta(model.parameters(), 1.0); // lr=1.0, as examples/mnist/main.py
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  /** PyTorch's `Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False)`. */
  constructor(
    params: ParamsInput<AdadeltaOptions>,
    ...rest: Args<[lr: number, rho: number, eps: number, weightDecay: number], Partial<AdadeltaOptions>>
  ) {
    const { params: _, ...o } = ADADELTA_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.rho >= 0 && o.rho <= 1, "rho value", o.rho);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.weightDecay >= 0, "weightDecay value", o.weightDecay);
    super(params, o);
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = zerosLike(param);
      state.accDelta = zerosLike(param);
    }
    state.step = (state.step as number) + 1;
    // One pass over the elements on the backend's kernel where it has one (the same numbers as the ops below).
    if (weightDecay === 0 && fusedStep(param, grad, state.squareAvg as Tensor, state.accDelta as Tensor, group)) return;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param, { alpha: weightDecay });
    const squareAvg = addcmul_((state.squareAvg as Tensor).mul_(rho), g, g, 1 - rho);
    const std = squareAvg.add(eps).sqrt_();
    const accDelta = state.accDelta as Tensor;
    const delta = accDelta.add(eps).sqrt_().div_(std).mul_(g);
    addcmul_(accDelta.mul_(rho), delta, delta, 1 - rho);
    param.add_(delta, { alpha: -lr });
  }
}

/** Backend.adadelta over the four tensors (one dtype, one backend), bumping the versions it writes; false where it can't. */
function fusedStep(param: Tensor, grad: Tensor, squareAvg: Tensor, accDelta: Tensor, o: AdadeltaHyper): boolean {
  const backend = param._backend;
  const others = [grad, squareAvg, accDelta];
  if (others.some((t) => t._backend !== backend || t.dtype !== param.dtype)) return false;
  if (!backend.adadelta?.(param._view, grad._view, squareAvg._view, accDelta._view, o)) return false;
  for (const t of [param, squareAvg, accDelta]) t.storage.version++;
  return true;
}
