import type { Args } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { instanceNorm } from "../functional/normalization.js";
import { badInput } from "../module.js";
import { type BatchNormModuleOptions, NormBase } from "./batchnorm.js";
import { type NormRest, parseNormArgs } from "./norm_args.js";

/** InstanceNorm options: as BatchNorm's, but affine and trackRunningStats default to false. */
export type InstanceNormModuleOptions = BatchNormModuleOptions;

/** The forward shared by InstanceNorm1d/2d: batched [N, C, *] or unbatched [C, *] inputs. */
abstract class InstanceNormBase extends NormBase {
  constructor(numFeatures: number, ...rest: Args<NormRest, InstanceNormModuleOptions>) {
    const defaults = { affine: false, trackRunningStats: false };
    const a = parseNormArgs(new.target.name, [numFeatures, ...rest], defaults);
    super(a.numFeatures, a.options, defaults);
  }

  /** The layer's name for error messages. */
  protected abstract readonly layer: string;
  /** Spatial dims the input has (1 for [N, C, L], 2 for [N, C, H, W]). */
  protected abstract readonly spatialDims: number;

  forward(x: Tensor): Tensor {
    const batchedRank = this.spatialDims + 2;
    const spatial = this.spatialDims === 1 ? "L" : "H, W";
    const expected = `[N, ${this.numFeatures}, ${spatial}] or [${this.numFeatures}, ${spatial}]`;
    if (x.ndim !== batchedRank && x.ndim !== batchedRank - 1) badInput(`${this.layer}(${this.numFeatures})`, expected, x.shape);
    // An unbatched input is a batch of one.
    const batched = x.ndim === batchedRank ? x : x.unsqueeze(0);
    // Like PyTorch, a channel count other than numFeatures only matters when there is something per channel.
    if ((this.affine || this.trackRunningStats) && batched.shape[1] !== this.numFeatures) {
      badInput(`${this.layer}(${this.numFeatures})`, expected, x.shape);
    }
    const out = instanceNorm(batched, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      // PyTorch's InstanceNorm has no cumulative mode: a null momentum means the running stats stay put.
      momentum: this.momentum ?? 0,
      eps: this.eps,
    });
    return x.ndim === batchedRank ? out : out.squeeze(0);
  }
}

/**
 * Instance normalization over [N, C, L] (or unbatched [C, L]) inputs, as `torch.nn.InstanceNorm1d`: each
 * sample's channel is normalized over its length. No affine parameters or running stats by default.
 *
 * @example
 * const norm = new tg.nn.InstanceNorm1d(4);
 * norm(tg.randn([2, 4, 10])).shape; // [2, 4, 10]
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly layer = "InstanceNorm1d";
  protected readonly spatialDims = 1;
}

/**
 * Instance normalization over [N, C, H, W] (or unbatched [C, H, W]) inputs, as `torch.nn.InstanceNorm2d`.
 *
 * @example
 * const norm = new tg.nn.InstanceNorm2d(3, { affine: true });
 * norm(tg.randn([2, 3, 8, 8])).shape; // [2, 3, 8, 8]
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly layer = "InstanceNorm2d";
  protected readonly spatialDims = 2;
}
