import type { Args } from "../../args.js";
import { type AnyOptimizer, checkFinite, checkInt, LRScheduler } from "./base.js";
import { STEP_LR } from "./signatures.js";

/** StepLR's arguments by name. */
export interface StepLROptions {
  stepSize?: number;
  gamma?: number;
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` epochs, as `torch.optim.lr_scheduler.StepLR`:
 * `lr = baseLr · gamma^floor(epoch / stepSize)`.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const sched = new tg.optim.lrScheduler.StepLR(opt, 30, 0.1);
 * // lr = 0.05 for epochs 0–29, 0.005 for 30–59, 0.0005 for 60–89...
 * sched.step();
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, ...args: Args<[stepSize: number, gamma: number, lastEpoch: number], StepLROptions>) {
    const { stepSize, gamma, lastEpoch } = STEP_LR.parse(args);
    checkInt("stepSize", "StepLR", stepSize, 1);
    checkFinite("gamma", "StepLR", gamma);
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
