import type { Args } from "../../args.js";
import { noGrad } from "../../autograd/grad_mode.js";
import { ones, tensor, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { batchNorm } from "../functional/normalization.js";
import { ones_, zeros_ } from "../init.js";
import { badInput, Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { type NormRest, parseNormArgs } from "./norm_args.js";

export interface BatchNormModuleOptions {
  /** Added to the variance before the square root; default 1e-5. */
  eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1); null keeps a cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel weight (ones) and bias (zeros); default true. */
  affine?: boolean;
  /** Keep running statistics for eval mode; default true. Without them eval mode uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: "float32" | "float64";
}

/**
 * What BatchNorm, InstanceNorm and their kin share (PyTorch's `_NormBase`): the affine parameters and
 * the running-statistics buffers `runningMean`, `runningVar` and `numBatchesTracked`.
 *
 * @example
 * const norms = model.modules().filter((m) => m instanceof tg.nn.NormBase);
 */
export abstract class NormBase extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;

  constructor(
    readonly numFeatures: number,
    options: BatchNormModuleOptions,
    defaults: { affine: boolean; trackRunningStats: boolean },
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? defaults.affine;
    this.trackRunningStats = options.trackRunningStats ?? defaults.trackRunningStats;
    const dtype = options.dtype ?? "float32";
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer("runningMean", track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer("runningVar", track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer("numBatchesTracked", track ? tensor(0, { dtype: "int32" }) : null);
  }

  /** Running mean to 0, running variance to 1, batch count to 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /** Resets the running statistics, weight to ones and bias to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** The forward shared by BatchNorm1d/2d; subclasses only check the input's rank. */
abstract class BatchNormBase extends NormBase {
  constructor(numFeatures: number, ...rest: Args<NormRest, BatchNormModuleOptions>) {
    const defaults = { affine: true, trackRunningStats: true };
    const a = parseNormArgs(new.target.name, [numFeatures, ...rest], defaults);
    super(a.numFeatures, a.options, defaults);
  }

  /** Throws a ShapeError unless `x` is a valid input for this layer. */
  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    let factor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      const tracked = this.numBatchesTracked;
      noGrad(() => tracked.add_(1));
      // momentum null: the running stats are the plain average of every batch seen so far. A device read only
      // asynchronously takes 1/n as a tensor op (in the running stats' dtype) instead of reading n.
      if (this.momentum !== null) factor = this.momentum;
      else factor = tracked._backend.asyncOnly ? tracked.to(this.runningMean?.dtype ?? x.dtype).reciprocal() : 1 / tracked.item();
    }
    // Without tracked statistics, eval mode has nothing else to normalize with than the batch.
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? this.runningMean : null, track ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/**
 * Batch normalization over [N, C] or [N, C, L] inputs, as `torch.nn.BatchNorm1d`: y = (x − E[x])/√(Var[x] + eps)·γ + β
 * per channel, with batch statistics in training mode (updating the running ones) and running statistics in eval mode.
 *
 * @example
 * const bn = new tg.nn.BatchNorm1d(16);
 * bn(tg.randn([32, 16])).shape; // [32, 16]
 * bn.eval(); // now normalizes with bn.runningMean and bn.runningVar
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      badInput(`BatchNorm1d(${this.numFeatures})`, `[N, ${this.numFeatures}] or [N, ${this.numFeatures}, L]`, x.shape);
    }
  }
}

/**
 * Batch normalization over the channels of [N, C, H, W] inputs, as `torch.nn.BatchNorm2d`.
 *
 * @example
 * const bn = new tg.nn.BatchNorm2d(8);
 * bn(tg.randn([4, 8, 5, 5])).shape; // [4, 8, 5, 5]
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      badInput(`BatchNorm2d(${this.numFeatures})`, `[N, ${this.numFeatures}, H, W]`, x.shape);
    }
  }
}
