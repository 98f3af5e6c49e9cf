import type { Args } from "../../args.js";
import { ValueError } from "../../errors.js";
import { type AnyOptimizer, asRecord, checkOptimizer, groupNumber, LRScheduler, perGroup } from "./base.js";
import { ONE_CYCLE_LR } from "./signatures.js";

/** How `OneCycleLR` moves between two values within a phase. */
export type AnnealStrategy = "cos" | "linear";

/** Options of `OneCycleLR`; give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions {
  /** The number of steps in the cycle. */
  totalSteps?: number;
  /** With `stepsPerEpoch`, sets `totalSteps = epochs · stepsPerEpoch`. */
  epochs?: number;
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent raising the learning rate (default 0.3). */
  pctStart?: number;
  /** "cos" (default) or "linear". */
  annealStrategy?: AnnealStrategy;
  /**
   * Cycle momentum (or Adam's beta1) inversely to the learning rate. Default: when the optimizer's defaults
   * have `momentum` or `betas`; `true` on an optimizer with neither is an error, as in PyTorch.
   */
  cycleMomentum?: boolean;
  /** The lowest momentum, reached at the peak learning rate (default 0.85); one value or one per group. */
  baseMomentum?: number | readonly number[];
  /** The highest momentum, at the start and end (default 0.95); one value or one per group. */
  maxMomentum?: number | readonly number[];
  /** `initialLr = maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** `minLr = initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, back down to `initialLr`, then down to `minLr`) instead of two (default false). */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy, as `torch.optim.lr_scheduler.OneCycleLR`: the learning rate rises from
 * `maxLr / divFactor` to `maxLr` over the first `pctStart` of the cycle, then anneals to
 * `maxLr / (divFactor · finalDivFactor)`; momentum (or beta1) moves the opposite way between
 * `maxMomentum` and `baseMomentum`. Step it after every batch, `totalSteps` times at most.
 *
 * It writes `initialLr`, `maxLr`, `minLr` (and `maxMomentum`, `baseMomentum`) into each parameter group,
 * as PyTorch does, and sets the group's `momentum` or `betas[0]` while cycling.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const sched = new tg.optim.lrScheduler.OneCycleLR(opt, 0.1, { epochs: 10, stepsPerEpoch: 100 });
 * for (let i = 0; i < 1000; i++) {
 *   // ...train one batch: opt.step();
 *   sched.step();
 * }
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: AnnealStrategy;
  cycleMomentum: boolean;
  /** Whether momentum lives in `betas[0]` (Adam-like) rather than `momentum`. */
  useBeta1: boolean;
  private readonly phases: Phase[];

  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<
      [
        maxLr: number | readonly number[],
        totalSteps: number | null,
        epochs: number | null,
        stepsPerEpoch: number | null,
        pctStart: number,
        annealStrategy: AnnealStrategy,
        cycleMomentum: boolean,
        baseMomentum: number | readonly number[],
        maxMomentum: number | readonly number[],
        divFactor: number,
        finalDivFactor: number,
        threePhase: boolean,
        lastEpoch: number,
      ],
      OneCycleLROptions & { maxLr?: number | readonly number[] }
    >
  ) {
    const where = "OneCycleLR";
    checkOptimizer(where, optimizer);
    const options = ONE_CYCLE_LR.parse(args);
    const { maxLr, pctStart, annealStrategy, threePhase, lastEpoch, divFactor, finalDivFactor, baseMomentum, maxMomentum } = options;
    const totalSteps = options.totalSteps ?? undefined;
    const epochs = options.epochs ?? undefined;
    const stepsPerEpoch = options.stepsPerEpoch ?? undefined;
    const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
    let total: number;
    if (totalSteps !== undefined) {
      if (!positiveInt(totalSteps)) throw new ValueError(`${where}: expected a positive integer totalSteps, got ${totalSteps}`);
      total = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      if (!positiveInt(epochs)) throw new ValueError(`${where}: expected a positive integer epochs, got ${epochs}`);
      if (!positiveInt(stepsPerEpoch)) throw new ValueError(`${where}: expected a positive integer stepsPerEpoch, got ${stepsPerEpoch}`);
      total = epochs * stepsPerEpoch;
    } else {
      throw new ValueError(`${where}: you must define either totalSteps or (epochs and stepsPerEpoch)`);
    }
    if (typeof pctStart !== "number" || !(pctStart >= 0 && pctStart <= 1)) {
      throw new ValueError(`${where}: expected pctStart between 0 and 1, got ${String(pctStart)}`);
    }
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new ValueError(`${where}: annealStrategy must be 'cos' or 'linear', got '${String(annealStrategy)}'`);
    }
    if (!(divFactor > 0) || !(finalDivFactor > 0)) {
      throw new ValueError(`${where}: divFactor and finalDivFactor must be positive, got ${divFactor} and ${finalDivFactor}`);
    }
    const maxLrs = perGroup(where, "maxLr", optimizer, maxLr);
    const defaults = optimizer.defaults as unknown as Record<string, unknown>;
    const hasMomentum = "momentum" in defaults || "betas" in defaults;
    const cycle = options.cycleMomentum ?? hasMomentum;
    if (cycle && !hasMomentum)
      throw new ValueError(`${where}: the optimizer must support momentum or beta1 with the cycleMomentum option enabled`);
    const maxMomentums = cycle ? perGroup(where, "maxMomentum", optimizer, maxMomentum) : [];
    const baseMomentums = cycle ? perGroup(where, "baseMomentum", optimizer, baseMomentum) : [];
    const useBeta1 = "betas" in defaults;

    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        const g = asRecord(group);
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
        if (cycle) {
          setMomentum(g, useBeta1, maxMomentums[i], i);
          g.maxMomentum = maxMomentums[i];
          g.baseMomentum = baseMomentums[i];
        }
      });
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycle;
    this.useBeta1 = useBeta1;
    this.phases = threePhase
      ? [
          {
            endStep: pctStart * total - 1,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          {
            endStep: 2 * pctStart * total - 2,
            startLr: "maxLr",
            endLr: "initialLr",
            startMomentum: "baseMomentum",
            endMomentum: "maxMomentum",
          },
          { endStep: total - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
        ]
      : [
          {
            endStep: pctStart * total - 1,
            startLr: "initialLr",
            endLr: "maxLr",
            startMomentum: "maxMomentum",
            endMomentum: "baseMomentum",
          },
          { endStep: total - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "cos") return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected override getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(`OneCycleLR: tried to step ${stepNum} times; the specified number of total steps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((group, gi) => {
      let startStep = 0;
      let lr = Number.NaN;
      let momentum = Number.NaN;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          lr = this.anneal(groupNumber(group, phase.startLr, gi), groupNumber(group, phase.endLr, gi), pct);
          if (this.cycleMomentum) {
            momentum = this.anneal(groupNumber(group, phase.startMomentum, gi), groupNumber(group, phase.endMomentum, gi), pct);
          }
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) setMomentum(asRecord(group), this.useBeta1, momentum, gi);
      return lr;
    });
  }
}

/** Sets a group's `momentum`, or the first of its `betas` (a new tuple, as PyTorch does). */
function setMomentum(group: Record<string, unknown>, useBeta1: boolean, value: number, index: number): void {
  if (!useBeta1) {
    group.momentum = value;
    return;
  }
  const betas = group.betas;
  if (!Array.isArray(betas)) throw new ValueError(`OneCycleLR: parameter group ${index} has no 'betas'`);
  group.betas = [value, ...betas.slice(1)];
}
