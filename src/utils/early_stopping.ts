import { ValueError } from "../errors.js";
import type { LoadResult, StateDict } from "../nn/module.js";

/** What early stopping needs from a model to keep and restore its best weights: `nn.Module` has both. */
export interface WeightsModel {
  stateDict(): StateDict;
  loadStateDict(state: StateDict, options?: { strict?: boolean }): LoadResult;
}

export interface EarlyStoppingOptions {
  /** Stop after this many epochs in a row without improvement (default 5), as Keras and Lightning count. */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** "min" when lower is better (a loss, the default), "max" when higher is better (an accuracy). */
  mode?: "min" | "max";
  /** Keep a copy of the best weights and load them back into the model when stopping (default true). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training once a validation metric has not improved for `patience` epochs, and puts the best weights
 * back into the model (as Keras' `EarlyStopping`). Call `step` once per epoch.
 *
 * @example
 * const stopper = new tg.utils.EarlyStopping({ patience: 3 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   trainOneEpoch();
 *   if (stopper.step(validationLoss(), model)) break; // the model now holds the weights of stopper.bestEpoch
 * }
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: "min" | "max";
  readonly restoreBestWeights: boolean;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** The epoch (0-based count of `step` calls) of the best metric; -1 before the first step. */
  bestEpoch = -1;
  /** The epoch of the latest `step`. */
  epoch = -1;
  /** Epochs in a row without improvement. */
  numBadEpochs = 0;
  /** Whether `step` has said to stop. */
  stopped = false;
  private bestWeights: StateDict | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    const { patience = 5, minDelta = 0, mode = "min", restoreBestWeights = true } = options;
    if (!Number.isInteger(patience) || patience < 0)
      throw new ValueError(`EarlyStopping: patience must be a non-negative integer, got ${patience}`);
    if (!(minDelta >= 0)) throw new ValueError(`EarlyStopping: minDelta must be >= 0, got ${minDelta}`);
    if (mode !== "min" && mode !== "max") throw new ValueError(`EarlyStopping: mode must be "min" or "max", got ${String(mode)}`);
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode;
    this.restoreBestWeights = restoreBestWeights;
    this.best = mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** Whether `metric` beats the best by more than `minDelta` (NaN never does). */
  isImprovement(metric: number): boolean {
    return this.mode === "min" ? metric < this.best - this.minDelta : metric > this.best + this.minDelta;
  }

  /**
   * Records one epoch's metric; returns true when training should stop. With `restoreBestWeights`, pass the model:
   * its weights are copied at each improvement and loaded back when this returns true.
   */
  step(metric: number, model?: WeightsModel): boolean {
    this.epoch++;
    if (this.isImprovement(metric)) {
      this.best = metric;
      this.bestEpoch = this.epoch;
      this.numBadEpochs = 0;
      if (this.restoreBestWeights && model) {
        this.bestWeights = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
      }
      return this.stopped;
    }
    this.numBadEpochs++;
    if (!this.stopped && this.numBadEpochs >= this.patience) {
      this.stopped = true;
      if (this.restoreBestWeights && model) this.restore(model);
    }
    return this.stopped;
  }

  /** Loads the best weights seen into `model`; returns false when there are none (no improvement recorded with a model). */
  restore(model: WeightsModel): boolean {
    if (!this.bestWeights) return false;
    model.loadStateDict(this.bestWeights);
    return true;
  }

  /** Forgets everything, to start a new run. */
  reset(): void {
    this.best = this.mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.bestEpoch = -1;
    this.epoch = -1;
    this.numBadEpochs = 0;
    this.stopped = false;
    this.bestWeights = null;
  }
}
