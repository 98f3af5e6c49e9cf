import type { Args } from "../../args.js";
import { installCallForms } from "../../arity.js";
import { ValueError } from "../../errors.js";
import { type AnyOptimizer, asRecord, checkInt, checkOptimizer, LRScheduler, type SchedulerStateDict } from "./base.js";
import { SEQUENTIAL_LR } from "./signatures.js";

/**
 * Runs schedulers one after another, as `torch.optim.lr_scheduler.SequentialLR`: `schedulers[0]` until
 * `milestones[0]`, then `schedulers[1]` (restarted at its epoch 0) until `milestones[1]`, and so on.
 * Every scheduler must drive `optimizer`; construct them first, then hand them over.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const { LinearLR, CosineAnnealingLR, SequentialLR } = tg.optim.lrScheduler;
 * const opt = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1 });
 * const warmup = new LinearLR(opt, 0.1, 1, 5);
 * const cosine = new CosineAnnealingLR(opt, 95);
 * const sched = new SequentialLR(opt, [warmup, cosine], [5]); // 5 warm-up epochs, then cosine
 * sched.step();
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  milestones: number[];

  constructor(
    optimizer: AnyOptimizer,
    ...args: Args<
      [schedulers: readonly LRScheduler[], milestones: readonly number[], lastEpoch: number],
      { schedulers?: readonly LRScheduler[]; milestones?: readonly number[]; lastEpoch?: number }
    >
  ) {
    const { schedulers, milestones, lastEpoch } = SEQUENTIAL_LR.parse(args);
    const where = "SequentialLR";
    checkOptimizer(where, optimizer);
    if (!Array.isArray(schedulers) || schedulers.length < 1) throw new ValueError(`${where}: expects at least one scheduler, got none`);
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) {
        throw new ValueError(`${where}: schedulers[${i}] is not an LRScheduler (ReduceLROnPlateau and other objects are not supported)`);
      }
      if (s.optimizer !== optimizer) {
        throw new ValueError(`${where}: all schedulers must belong to the same optimizer, but schedulers[${i}] drives a different one`);
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `${where}: expects one fewer milestone than schedulers, got ${schedulers.length} schedulers and ${Array.isArray(milestones) ? milestones.length : String(milestones)} milestones`,
      );
    }
    for (const m of milestones) checkInt("milestones", where, m, 0);
    for (let i = 1; i < milestones.length; i++) {
      if (milestones[i] < milestones[i - 1]) throw new ValueError(`${where}: milestones must be sorted, got [${milestones.join(", ")}]`);
    }
    super(optimizer, lastEpoch);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Reset the learning rates to their initial values, undo the step each scheduler took on construction,
    // and take the first scheduler's initial step again.
    optimizer.paramGroups.forEach((g) => {
      g.lr = asRecord(g).initialLr as number;
    });
    for (const s of this.schedulers) undo(s);
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  protected override getLr(): number[] {
    return this.groupLrs();
  }

  /** Advances one epoch with the scheduler whose span holds it; a scheduler starts at its epoch 0 on its milestone. */
  override step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  protected override excludedStateKeys(): string[] {
    return [...super.excludedStateKeys(), "schedulers"];
  }

  /** Its own fields plus each scheduler's state dict, under `schedulers`. */
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: SchedulerStateDict): void {
    super.loadStateDict(state);
    const saved = state.schedulers;
    if (!Array.isArray(saved) || saved.length !== this.schedulers.length) {
      throw new ValueError(`SequentialLR.loadStateDict: expected ${this.schedulers.length} scheduler states`);
    }
    saved.forEach((s, i) => {
      if (typeof s !== "object" || s === null || Array.isArray(s))
        throw new ValueError(`SequentialLR.loadStateDict: scheduler state ${i} is not an object`);
      this.schedulers[i].loadStateDict(s);
    });
  }
}

/** Undoes the construction step of a scheduler, recursing into nested `SequentialLR`s (PyTorch's `recursive_undo`). */
function undo(s: LRScheduler): void {
  if (s instanceof SequentialLR) for (const child of s.schedulers) undo(child);
  else s.lastEpoch -= 1;
}

installCallForms(SequentialLR.prototype, { step: "", stateDict: "", loadStateDict: "stateDict" });
