import type { Args } from "../../args.js";
import { ValueError } from "../../errors.js";
import { type AnyOptimizer, checkInt, LRScheduler } from "./base.js";
import { LINEAR_LR } from "./signatures.js";

/**
 * Scales each group's learning rate by a factor that moves linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs, then stays, as `torch.optim.lr_scheduler.LinearLR` (the usual warm-up):
 * `lr = baseLr · (startFactor + (endFactor − startFactor) · min(epoch, totalIters) / totalIters)`.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.05 });
 * const sched = new tg.optim.lrScheduler.LinearLR(opt, 0.5, 1, 4);
 * // lr = 0.025, 0.03125, 0.0375, 0.04375, then 0.05 from epoch 4
 * sched.step();
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<
      [startFactor: number, endFactor: number, totalIters: number, lastEpoch: number],
      { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number }
    >
  ) {
    const { startFactor, endFactor, totalIters, lastEpoch } = LINEAR_LR.parse(args);
    if (typeof startFactor !== "number" || !(startFactor > 0 && startFactor <= 1)) {
      throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${String(startFactor)}`);
    }
    if (typeof endFactor !== "number" || !(endFactor >= 0 && endFactor <= 1)) {
      throw new ValueError(`LinearLR: endFactor must be in [0, 1], got ${String(endFactor)}`);
    }
    checkInt("totalIters", "LinearLR", totalIters, 1);
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    const lrs = this.groupLrs();
    if (t === 0) return lrs.map((lr) => lr * s);
    if (t > n) return lrs;
    return lrs.map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
