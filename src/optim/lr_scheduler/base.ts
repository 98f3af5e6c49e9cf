import { installCallForms } from "../../arity.js";
import { ValueError } from "../../errors.js";
import { Optimizer, type ParamGroup } from "../optimizer.js";

/** Any optimizer: schedulers only read and write the `lr` (and momentum options) of its parameter groups. */
export type AnyOptimizer = Optimizer<{ lr: number }>;

/** A value a scheduler's state dict can hold: plain data, so it survives `structuredClone` and JSON. */
export type SchedulerStateValue = number | string | boolean | null | SchedulerStateValue[] | { [key: string]: SchedulerStateValue };

/** A scheduler's state: its own fields (not the optimizer, not functions), by name. */
export type SchedulerStateDict = { [key: string]: SchedulerStateValue };

/** A parameter group seen as a bag of options, for the keys schedulers add (`initialLr`, `maxLr`...). */
export type GroupRecord = Record<string, unknown>;

/** The group as a record, to read and write the options schedulers add to it. */
export function asRecord(group: ParamGroup<{ lr: number }>): GroupRecord {
  return group as unknown as GroupRecord;
}

/** Reads a numeric option of a parameter group, with a clear error when it is missing. */
export function groupNumber(group: ParamGroup<{ lr: number }>, key: string, index: number): number {
  const v = asRecord(group)[key];
  if (typeof v !== "number") throw new ValueError(`parameter group ${index} has no numeric '${key}'`);
  return v;
}

/** Python's `%`: the result has the sign of the divisor. */
export function pyMod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Throws unless `v` is a finite number. */
export function checkFinite(name: string, where: string, v: unknown): asserts v is number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ValueError(`${where}: ${name} must be a finite number, got ${String(v)}`);
}

/** Throws unless `v` is an integer at least `min`. */
export function checkInt(name: string, where: string, v: unknown, min: number): asserts v is number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new ValueError(`${where}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
}

/** Accepts one value for every group or one per group (PyTorch's `_format_param`). */
export function perGroup(where: string, name: string, optimizer: AnyOptimizer, value: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (typeof value === "number") return new Array<number>(n).fill(value);
  if (value.length !== n) throw new ValueError(`${where}: expected ${n} values for ${name}, got ${value.length}`);
  return [...value];
}

/** Throws unless `optimizer` is an `Optimizer`. */
export function checkOptimizer(where: string, optimizer: unknown): asserts optimizer is AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new ValueError(`${where}: expected an Optimizer, got ${String(optimizer)}`);
}

/**
 * The base of the epoch-based learning-rate schedulers, as `torch.optim.lr_scheduler.LRScheduler`.
 *
 * On construction with `lastEpoch = -1` it records each group's current `lr` as the group's `initialLr`
 * (unless a scheduler already did: schedulers chain), takes those as `baseLrs`, and steps once, so
 * `lastEpoch` becomes 0 and the optimizer holds the epoch-0 learning rate. Resuming with
 * `lastEpoch >= 0` needs `initialLr` in every group already (from a restored optimizer state dict).
 *
 * `step()` advances one epoch with the scheduler's recursive ("chainable") rule, which multiplies the
 * group's current `lr`, so several schedulers can drive one optimizer together; `step(epoch)` jumps to
 * `epoch` with the closed form where the scheduler has one (deprecated in PyTorch, kept for `SequentialLR`).
 *
 * Subclasses set their fields, then call `initialStep()` at the end of their constructor, and implement
 * `getLr()` (and `closedFormLr()` where a closed form exists).
 *
 * @example
 * import * as tg from "tensorgrad";
 * const w = tg.zeros([3], { requiresGrad: true });
 * const opt = new tg.optim.SGD([w], { lr: 0.1 });
 * const sched = new tg.optim.lrScheduler.StepLR(opt, 30, 0.1);
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   // ...train: opt.zeroGrad(); loss.backward(); opt.step();
 *   sched.step();
 * }
 * sched.getLastLr(); // [0.0001]
 */
export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** The epoch of the learning rate now set: 0 right after construction. */
  lastEpoch: number;
  /** Each group's `initialLr`, the base the schedules multiply. */
  baseLrs: number[];
  /** How many times `step` has run, counting the one in the constructor. */
  protected stepCount = 0;
  /** The learning rates set by the latest step. */
  protected lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    const where = new.target.name;
    checkOptimizer(where, optimizer);
    checkInt("lastEpoch", where, lastEpoch, -1);
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      const g = asRecord(group);
      if (lastEpoch === -1) {
        if (g.initialLr === undefined) g.initialLr = group.lr;
      } else if (g.initialLr === undefined) {
        throw new ValueError(`${where}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g, i) => groupNumber(g, "initialLr", i));
    this.lastEpoch = lastEpoch;
  }

  /** The constructor's first step (PyTorch's `_initial_step`): resets the step count and steps once. */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rates of the next epoch, from the groups' current ones (the chainable form). */
  protected abstract getLr(): number[];

  /** The learning rates at `lastEpoch` straight from `baseLrs`, or null where the schedule has no closed form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Each group's current learning rate. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * Advances one epoch and sets each group's `lr`. With `epoch` (deprecated, as in PyTorch), jumps to
   * that epoch instead, with the closed form where there is one.
   */
  step(epoch?: number): void {
    const previous = { lastEpoch: this.lastEpoch, stepCount: this.stepCount };
    if (epoch !== undefined) checkInt("epoch", `${this.constructor.name}.step`, epoch, 0);
    this.stepCount += 1;
    let values: number[];
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.closedFormLr() ?? this.getLr();
      }
    } catch (e) {
      this.lastEpoch = previous.lastEpoch;
      this.stepCount = previous.stepCount;
      throw e;
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.groupLrs();
  }

  /** The learning rates the latest step set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The names of fields left out of the state dict (the optimizer, functions, child schedulers). */
  protected excludedStateKeys(): string[] {
    return ["optimizer"];
  }

  /** A copy of the scheduler's own fields (hyperparameters and progress), as PyTorch's `state_dict`. */
  stateDict(): SchedulerStateDict {
    const excluded = new Set(this.excludedStateKeys());
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (excluded.has(key) || typeof value === "function") continue;
      out[key] = structuredClone(value) as SchedulerStateValue;
    }
    return out;
  }

  /** Restores the fields saved by `stateDict`; the next `step` continues the saved sequence. */
  loadStateDict(state: SchedulerStateDict): void {
    if (typeof state !== "object" || state === null) throw new ValueError(`${this.constructor.name}.loadStateDict: expected an object`);
    const excluded = new Set(this.excludedStateKeys());
    for (const [key, value] of Object.entries(state)) {
      if (excluded.has(key)) continue;
      Object.assign(this, { [key]: structuredClone(value) });
    }
  }
}

// A scheduler's methods refuse an extra positional argument (src/arity.ts); subclasses that override one install
// its form too (SequentialLR).
installCallForms(LRScheduler.prototype, { step: "epoch", getLastLr: "", stateDict: "", loadStateDict: "stateDict" });
