import type { Args } from "../../args.js";
import { type AnyOptimizer, checkFinite, checkInt, LRScheduler, pyMod } from "./base.js";
import { COSINE_ANNEALING_LR } from "./signatures.js";

/**
 * Cosine annealing from each group's base learning rate down to `etaMin` over `tMax` epochs, as
 * `torch.optim.lr_scheduler.CosineAnnealingLR`: `lr = etaMin + (baseLr − etaMin)(1 + cos(π·epoch/tMax))/2`.
 * Past `tMax` it climbs back up and repeats with period `2·tMax`, as PyTorch's does. Steps use PyTorch's
 * recursive form, so it chains with other schedulers.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new tg.optim.lrScheduler.CosineAnnealingLR(opt, 100, 1e-4);
 * for (let epoch = 0; epoch < 100; epoch++) sched.step(); // lr reaches 1e-4 at epoch 100
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<[tMax: number, etaMin: number, lastEpoch: number], { tMax?: number; etaMin?: number; lastEpoch?: number }>
  ) {
    const { tMax, etaMin, lastEpoch } = COSINE_ANNEALING_LR.parse(args);
    checkInt("tMax", "CosineAnnealingLR", tMax, 1);
    checkFinite("etaMin", "CosineAnnealingLR", etaMin);
    super(optimizer, lastEpoch);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const lrs = this.groupLrs();
    if (t === 0) return lrs;
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    }
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2);
  }
}
