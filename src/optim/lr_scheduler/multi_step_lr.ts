import type { Args } from "../../args.js";
import { ValueError } from "../../errors.js";
import { type AnyOptimizer, checkFinite, LRScheduler } from "./base.js";
import { MULTI_STEP_LR } from "./signatures.js";

/** MultiStepLR's arguments by name. */
export interface MultiStepLROptions {
  milestones?: Iterable<number>;
  gamma?: number;
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` at every milestone epoch, as
 * `torch.optim.lr_scheduler.MultiStepLR`: `lr = baseLr · gamma^(milestones ≤ epoch)`. A milestone listed
 * twice applies `gamma` twice.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const sched = new tg.optim.lrScheduler.MultiStepLR(opt, [30, 80], 0.1);
 * // lr = 0.05 for epochs 0–29, 0.005 for 30–79, 0.0005 from 80
 * sched.step();
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted (repeats kept). */
  milestones: number[];
  gamma: number;

  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<[milestones: Iterable<number>, gamma: number, lastEpoch: number], MultiStepLROptions>
  ) {
    const { milestones, gamma, lastEpoch } = MULTI_STEP_LR.parse(args);
    const list = [...milestones];
    for (const m of list) {
      if (typeof m !== "number" || !Number.isInteger(m) || m < 0) {
        throw new ValueError(`MultiStepLR: milestones must be non-negative integers, got ${String(m)}`);
      }
    }
    checkFinite("gamma", "MultiStepLR", gamma);
    super(optimizer, lastEpoch);
    this.milestones = list.sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const lrs = this.groupLrs();
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return lrs;
    return lrs.map((lr) => lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    // bisect_right: the number of milestones <= lastEpoch.
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
}
