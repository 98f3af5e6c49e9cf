import type { Args } from "../../args.js";
import { type AnyOptimizer, checkFinite, LRScheduler } from "./base.js";
import { EXPONENTIAL_LR } from "./signatures.js";

/**
 * Multiplies each group's learning rate by `gamma` every epoch, as `torch.optim.lr_scheduler.ExponentialLR`:
 * `lr = baseLr · gamma^epoch`.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new tg.optim.lrScheduler.ExponentialLR(opt, 0.9);
 * sched.step(); // lr = 0.09
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, ...args: Args<[gamma: number, lastEpoch: number], { gamma?: number; lastEpoch?: number }>) {
    const { gamma, lastEpoch } = EXPONENTIAL_LR.parse(args);
    checkFinite("gamma", "ExponentialLR", gamma);
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
}
