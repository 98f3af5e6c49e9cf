import { type Args, arg, is, kw, signature } from "../args.js";
import { ValueError } from "../errors.js";
import { fullLike, zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { capturableType, differentiableType, foreachType, maximize, pair, params as paramsArg } from "./args.js";
import { check } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `Rprop` (torch.optim.Rprop). */
export interface RpropOptions {
  /** The initial step size of every element. */
  lr: number;
  /** [etaminus, etaplus]: the factors a step size shrinks by when the gradient's sign flips, and grows by when it holds. */
  etas: [number, number];
  /** [min, max]: the bounds of the step sizes. */
  stepSizes: [number, number];
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const RPROP_ARGS = signature("Rprop", {
  params: paramsArg,
  lr: arg(is.number, 1e-2),
  etas: pair("[etaminus, etaplus]", [0.5, 1.2]),
  stepSizes: pair("[min, max]", [1e-6, 50]),
  capturable: kw(capturableType, false),
  foreach: kw(foreachType, null),
  maximize,
  differentiable: kw(differentiableType, false),
});

/**
 * Rprop (resilient backpropagation), as `torch.optim.Rprop`: each element moves by its own step size against the sign
 * of its gradient; the step size grows by etaplus while the sign holds and shrinks by etaminus when it flips (and
 * that element then waits one step). Meant for full-batch training.
 *
 * @example
 * const opt = new tg.optim.Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 * opt.zeroGrad();
 * lossFn(model(x), y).backward();
 * opt.step();
 */
export class Rprop extends Optimizer<RpropOptions> {
  /**
   * PyTorch's `Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
   * maximize=False, differentiable=False)`; capturable, foreach and differentiable take only their defaults.
   */
  constructor(
    params: ParamsInput<RpropOptions>,
    ...rest: Args<
      [lr: number, etas: [number, number], stepSizes: [number, number]],
      Partial<RpropOptions> & { capturable?: false; foreach?: null | false; differentiable?: false }
    >
  ) {
    const { params: _, capturable: _c, foreach: _f, differentiable: _d, ...o } = RPROP_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    const [etaminus, etaplus] = o.etas;
    if (!(0 < etaminus && etaminus < 1 && 1 < etaplus)) throw new ValueError(`Invalid eta values: ${etaminus}, ${etaplus}`);
    super(params, { ...o, etas: [etaminus, etaplus], stepSizes: [o.stepSizes[0], o.stepSizes[1]] });
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<RpropOptions>): void {
    const { lr, etas, stepSizes, maximize } = group;
    const [etaminus, etaplus] = etas;
    if (state.step === undefined) {
      state.step = 0;
      state.prev = zerosLike(param);
      state.stepSize = fullLike(param, lr);
    }
    state.step = (state.step as number) + 1;
    const g = maximize ? grad.neg() : grad;
    const prev = state.prev as Tensor;
    const sign = g.mul(prev).sign();
    const grew = sign.gt(0);
    const flipped = sign.lt(0);
    const factor = sign.maskedFill(grew, etaplus).maskedFill(flipped, etaminus).maskedFill(sign.eq(0), 1);
    const stepSize = (state.stepSize as Tensor).mul_(factor).clamp_(stepSizes[0], stepSizes[1]);
    // Where the sign flipped, the element does not move this step, and the next step sees no previous gradient.
    const kept = g.maskedFill(flipped, 0);
    param.sub_(kept.sign().mul(stepSize));
    prev.copy_(kept);
  }
}
