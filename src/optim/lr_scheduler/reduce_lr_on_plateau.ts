import type { Args } from "../../args.js";
import { installCallForms } from "../../arity.js";
import { ValueError } from "../../errors.js";
import { Tensor } from "../../tensor/tensor.js";
import { type AnyOptimizer, checkInt, checkOptimizer, type SchedulerStateDict, type SchedulerStateValue } from "./base.js";
import { REDUCE_LR_ON_PLATEAU } from "./signatures.js";

/** Options of `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauOptions {
  /** "min" (default): the metric should go down, as a loss; "max": up, as an accuracy. */
  mode?: "min" | "max";
  /** The factor the learning rate is multiplied by on a plateau (default 0.1); must be below 1. */
  factor?: number;
  /** How many epochs without improvement to tolerate before reducing (default 10). */
  patience?: number;
  /** How much better a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** "rel" (default): better than `best · (1 ∓ threshold)`; "abs": better than `best ∓ threshold`. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** The lowest learning rate, for every group or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A reduction smaller than this is skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the learning rate when a metric stops improving, as `torch.optim.lr_scheduler.ReduceLROnPlateau`:
 * after more than `patience` epochs without an improvement, every group's `lr` becomes
 * `max(lr · factor, minLr)`. Call `step(metric)` once per epoch with the validation metric.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new tg.optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
 * for (const valLoss of [1, 0.9, 0.9, 0.9, 0.9]) sched.step(valLoss);
 * sched.getLastLr(); // [0.05]
 */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  eps: number;
  /** One minimum per group. */
  minLrs: number[];
  /** The single `minLr` given, used for groups added later; null when one per group was given. */
  defaultMinLr: number | null;
  /** The best metric so far (±Infinity before the first). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** The number of `step` calls. */
  lastEpoch = 0;
  /** The metric value every metric beats: +Infinity in "min" mode, -Infinity in "max". */
  protected modeWorse: number;
  protected lastLr: number[];

  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<
      [
        mode: "min" | "max",
        factor: number,
        patience: number,
        threshold: number,
        thresholdMode: "rel" | "abs",
        cooldown: number,
        minLr: number | readonly number[],
        eps?: number,
      ],
      ReduceLROnPlateauOptions
    >
  ) {
    const where = "ReduceLROnPlateau";
    checkOptimizer(where, optimizer);
    const { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps } = REDUCE_LR_ON_PLATEAU.parse(args);
    if (typeof factor !== "number" || !(factor >= 0 && factor < 1))
      throw new ValueError(`${where}: factor should be in [0, 1), got ${String(factor)}`);
    checkInt("patience", where, patience, 0);
    checkInt("cooldown", where, cooldown, 0);
    if (typeof threshold !== "number" || !(threshold >= 0))
      throw new ValueError(`${where}: threshold must be >= 0, got ${String(threshold)}`);
    if (typeof eps !== "number" || !(eps >= 0)) throw new ValueError(`${where}: eps must be >= 0, got ${String(eps)}`);
    const n = optimizer.paramGroups.length;
    if (typeof minLr === "number") {
      this.defaultMinLr = minLr;
      this.minLrs = new Array<number>(n).fill(minLr);
    } else {
      if (!Array.isArray(minLr) || minLr.length !== n) {
        throw new ValueError(`${where}: expected ${n} minLrs, got ${Array.isArray(minLr) ? minLr.length : String(minLr)}`);
      }
      this.defaultMinLr = null;
      this.minLrs = [...minLr];
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.modeWorse = this.initIsBetter();
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Checks `mode` and `thresholdMode` and returns the worst value for the mode. */
  private initIsBetter(): number {
    if (this.mode !== "min" && this.mode !== "max") throw new ValueError(`ReduceLROnPlateau: mode '${String(this.mode)}' is unknown`);
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") {
      throw new ValueError(`ReduceLROnPlateau: threshold mode '${String(this.thresholdMode)}' is unknown`);
    }
    return this.mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Whether the scheduler is cooling down after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === "rel" ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the learning rate on a plateau. */
  step(metric: number | Tensor): void {
    let current: number;
    if (metric instanceof Tensor) {
      if (metric.numel() !== 1)
        throw new ValueError(`ReduceLROnPlateau.step: the metric must have one element, got shape [${metric.shape.join(", ")}]`);
      current = Number(metric.item());
    } else if (typeof metric === "number") {
      current = metric;
    } else {
      throw new ValueError(`ReduceLROnPlateau.step: expected a number metric, got ${String(metric)}`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown don't count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new ValueError(
          `ReduceLROnPlateau: the optimizer has ${groups.length} parameter groups but minLrs has ${this.minLrs.length} (a group was added); set minLrs to match`,
        );
      }
      this.minLrs = new Array<number>(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((g, i) => {
      const old = g.lr;
      const next = Math.max(old * this.factor, this.minLrs[i]);
      if (old - next > this.eps) g.lr = next;
    });
  }

  /** The learning rates after the latest step (the groups' rates at construction before any). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** A copy of the scheduler's fields, except the optimizer. `best` is ±Infinity until the first step. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (key === "optimizer") continue;
      out[key] = structuredClone(value) as SchedulerStateValue;
    }
    return out;
  }

  /**
   * Restores the fields saved by `stateDict`. A `best` of null (what JSON makes of ±Infinity) means no
   * metric seen yet.
   */
  loadStateDict(state: SchedulerStateDict): void {
    if (typeof state !== "object" || state === null) throw new ValueError("ReduceLROnPlateau.loadStateDict: expected an object");
    for (const [key, value] of Object.entries(state)) {
      if (key === "optimizer") continue;
      Object.assign(this, { [key]: structuredClone(value) });
    }
    this.modeWorse = this.initIsBetter();
    if (this.best === null) this.best = this.modeWorse;
  }
}

// step(metrics): PyTorch's deprecated second argument, epoch, is refused like any extra one (src/arity.ts).
installCallForms(ReduceLROnPlateau.prototype, {
  step: "metrics",
  isBetter: "a, best",
  getLastLr: "",
  stateDict: "",
  loadStateDict: "stateDict",
});
