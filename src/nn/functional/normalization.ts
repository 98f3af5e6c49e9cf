import { type Args, arg, is, required, signature } from "../../args.js";
import { noGrad } from "../../autograd/grad_mode.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// Every normalization here is composed of core ops (mean, square, rsqrt...), so first and second
// derivatives come from autograd; only the running-statistics bookkeeping happens outside the graph.

export interface BatchNormOptions {
  /** Per-channel scale γ, shape [C]. */
  weight?: Tensor | null;
  /** Per-channel shift β, shape [C]. */
  bias?: Tensor | null;
  /** Normalize with the batch's statistics (and update the running ones); default false, as PyTorch. */
  training?: boolean;
  /**
   * Weight of the new batch in running = (1 − momentum)·running + momentum·batch; default 0.1. A 0-dim tensor on the
   * input's device also works (BatchNorm's cumulative average on a device that is only read asynchronously).
   */
  momentum?: number | Tensor;
  /** Added to the variance before the square root; default 1e-5. */
  eps?: number;
}

export interface LayerNormOptions {
  /** Elementwise scale, shaped like `normalizedShape`. */
  weight?: Tensor | null;
  /** Elementwise shift, shaped like `normalizedShape`. */
  bias?: Tensor | null;
  eps?: number;
}

export interface GroupNormOptions {
  /** Per-channel scale, shape [C]. */
  weight?: Tensor | null;
  /** Per-channel shift, shape [C]. */
  bias?: Tensor | null;
  eps?: number;
}

export interface InstanceNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Per-channel scale, shape [C]. */
  weight?: Tensor | null;
  /** Per-channel shift, shape [C]. */
  bias?: Tensor | null;
  /** Normalize with each instance's own statistics (default); false uses the running ones. */
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}

const tensorOrNull = arg(is.nullable(is.tensor), null as Tensor | null);
const eps = arg(
  is.numberWhere("a non-negative number", (v) => v >= 0),
  1e-5,
);
const momentum = arg(is.or(is.number, is.tensor), 0.1 as number | Tensor);
const BATCH_NORM = signature("batchNorm", {
  input: required(is.tensor),
  runningMean: tensorOrNull,
  runningVar: tensorOrNull,
  weight: tensorOrNull,
  bias: tensorOrNull,
  training: arg(is.boolean, false),
  momentum,
  eps,
});
const LAYER_NORM = signature("layerNorm", {
  input: required(is.tensor),
  normalizedShape: required(is.or(is.nonNegInt, is.ints)),
  weight: tensorOrNull,
  bias: tensorOrNull,
  eps,
});
const GROUP_NORM = signature("groupNorm", {
  input: required(is.tensor),
  numGroups: required(is.posInt),
  weight: tensorOrNull,
  bias: tensorOrNull,
  eps,
});
const INSTANCE_NORM = signature("instanceNorm", {
  input: required(is.tensor),
  runningMean: tensorOrNull,
  runningVar: tensorOrNull,
  weight: tensorOrNull,
  bias: tensorOrNull,
  useInputStats: arg(is.boolean, true),
  momentum,
  eps,
});

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** [1, C, 1, ...]: a per-channel vector shaped to broadcast against [N, C, *]. */
const channelShape = (x: Tensor): number[] => x.shape.map((s, i) => (i === 1 ? s : 1));

function checkChannelVector(t: Tensor | null | undefined, channels: number, what: string, op: string): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
    throw new ShapeError(`${op}: expected ${what} of shape [${channels}], got ${fmt(t.shape)}`);
  }
}

/** (x − mean)/√(var + eps) over `dims`, with the biased (population) variance; the stats are kept dims. */
function standardize(x: Tensor, dims: readonly number[], eps: number): { out: Tensor; mean: Tensor; var: Tensor } {
  const mean = x.mean(dims, true);
  const centered = x.sub(mean);
  const v = centered.square().mean(dims, true);
  return { out: centered.mul(v.add(eps).rsqrt()), mean, var: v };
}

/** y·γ + β with γ and β per channel (dim 1). */
function affineChannels(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined): Tensor {
  const shape = channelShape(y);
  let out = y;
  if (weight) out = out.mul(weight.reshape(shape));
  if (bias) out = out.add(bias.reshape(shape));
  return out;
}

/** running ← (1 − momentum)·running + momentum·value, in place (call under noGrad). */
function updateRunning(running: Tensor, value: Tensor, momentum: number | Tensor): void {
  const keep = typeof momentum === "number" ? 1 - momentum : momentum.neg().add(1);
  running.copy_(running.mul(keep).add(value.reshape([...running.shape]).mul(momentum)));
}

/**
 * Batch normalization over the channel dim of [N, C], [N, C, L] or [N, C, H, W] inputs, as
 * `torch.nn.functional.batch_norm`: statistics are taken over every dim but 1. With `training`, the
 * batch's mean and biased variance normalize the input, and `runningMean`/`runningVar` (when given) are
 * updated in place with the batch mean and the unbiased variance; otherwise the running statistics are used.
 *
 * @example
 * const rm = tg.zeros([3]), rv = tg.ones([3]);
 * const y = F.batchNorm(tg.randn([8, 3]), rm, rv, { training: true }); // rm, rv updated
 */
export function batchNorm(
  x: Tensor,
  runningMean?: Tensor | null,
  runningVar?: Tensor | null,
  ...rest: Args<[weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number | Tensor, eps: number], BatchNormOptions>
): Tensor {
  const { weight, bias, training, momentum, eps } = BATCH_NORM.parse([x, runningMean, runningVar, ...rest]);
  if (x.ndim < 2) throw new ShapeError(`batchNorm: expected an input of shape [N, C, *], got ${fmt(x.shape)}`);
  const channels = x.shape[1];
  checkChannelVector(weight, channels, "weight", "batchNorm");
  checkChannelVector(bias, channels, "bias", "batchNorm");
  checkChannelVector(runningMean, channels, "runningMean", "batchNorm");
  checkChannelVector(runningVar, channels, "runningVar", "batchNorm");
  const shape = channelShape(x);
  if (!training) {
    if (!runningMean || !runningVar) throw new ValueError("batchNorm: runningMean and runningVar must be given in evaluation mode");
    const y = x.sub(runningMean.reshape(shape)).mul(runningVar.reshape(shape).add(eps).rsqrt());
    return affineChannels(y, weight, bias);
  }
  const count = x.numel() / channels;
  if (count === 1)
    throw new ValueError(`batchNorm: expected more than 1 value per channel when training, got input of shape ${fmt(x.shape)}`);
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const { out, mean, var: v } = standardize(x, dims, eps);
  noGrad(() => {
    if (runningMean) updateRunning(runningMean, mean, momentum);
    // The running variance estimates the population's, so it takes Bessel's correction.
    if (runningVar) updateRunning(runningVar, v.mul(count / (count - 1)), momentum);
  });
  return affineChannels(out, weight, bias);
}

/**
 * Layer normalization over the last `normalizedShape.length` dims, as `torch.nn.functional.layer_norm`,
 * then an elementwise `weight` and `bias` shaped like `normalizedShape`.
 *
 * @example
 * F.layerNorm(tg.randn([2, 5, 16]), [16]); // each [16] row has mean 0 and variance ~1
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  ...rest: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], LayerNormOptions>
): Tensor {
  const { weight, bias, eps } = LAYER_NORM.parse([x, normalizedShape, ...rest]);
  const norm = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const k = norm.length;
  if (k === 0 || x.ndim < k || norm.some((s, i) => x.shape[x.ndim - k + i] !== s)) {
    throw new ShapeError(
      `layerNorm: given normalizedShape ${fmt(norm)}, expected an input of shape [*, ${norm.join(", ")}], got ${fmt(x.shape)}`,
    );
  }
  for (const [t, what] of [
    [weight, "weight"],
    [bias, "bias"],
  ] as const) {
    if (t && (t.ndim !== k || t.shape.some((s, i) => s !== norm[i]))) {
      throw new ShapeError(`layerNorm: expected ${what} of shape ${fmt(norm)}, got ${fmt(t.shape)}`);
    }
  }
  const dims = norm.map((_, i) => x.ndim - k + i);
  let out = standardize(x, dims, eps).out;
  if (weight) out = out.mul(weight);
  if (bias) out = out.add(bias);
  return out;
}

/**
 * Group normalization, as `torch.nn.functional.group_norm`: the C channels of an [N, C, *] input are split
 * into `numGroups` groups, each sample's group is normalized on its own, then per-channel affine.
 *
 * @example
 * F.groupNorm(tg.randn([2, 6, 4, 4]), 3); // 3 groups of 2 channels
 */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  ...rest: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], GroupNormOptions>
): Tensor {
  const { weight, bias, eps } = GROUP_NORM.parse([x, numGroups, ...rest]);
  if (x.ndim < 2) throw new ShapeError(`groupNorm: expected an input of shape [N, C, *], got ${fmt(x.shape)}`);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0) {
    throw new ShapeError(
      `groupNorm: expected the number of channels to be divisible by numGroups, got input of shape ${fmt(x.shape)} and numGroups=${numGroups}`,
    );
  }
  checkChannelVector(weight, c, "weight", "groupNorm");
  checkChannelVector(bias, c, "bias", "groupNorm");
  const perGroup = (c / numGroups) * product(x.shape.slice(2));
  const grouped = standardize(x.reshape([n, numGroups, perGroup]), [2], eps).out;
  return affineChannels(grouped.reshape([...x.shape]), weight, bias);
}

/**
 * Instance normalization, as `torch.nn.functional.instance_norm`: each sample's channel of an [N, C, *]
 * input is normalized over its spatial dims. With running statistics and `useInputStats`, these are
 * updated with the batch average of the per-instance mean and unbiased variance; with
 * `useInputStats: false` the running statistics normalize instead.
 *
 * @example
 * F.instanceNorm(tg.randn([2, 3, 10])); // every [10] row has mean 0
 */
export function instanceNorm(
  x: Tensor,
  ...rest: Args<
    [
      runningMean: Tensor | null,
      runningVar: Tensor | null,
      weight: Tensor | null,
      bias: Tensor | null,
      useInputStats: boolean,
      momentum: number | Tensor,
      eps: number,
    ],
    InstanceNormOptions
  >
): Tensor {
  const { runningMean, runningVar, weight, bias, useInputStats, momentum, eps } = INSTANCE_NORM.parse([x, ...rest]);
  if (x.ndim < 3) throw new ShapeError(`instanceNorm: expected an input of shape [N, C, *] with spatial dims, got ${fmt(x.shape)}`);
  const channels = x.shape[1];
  checkChannelVector(weight, channels, "weight", "instanceNorm");
  checkChannelVector(bias, channels, "bias", "instanceNorm");
  checkChannelVector(runningMean, channels, "runningMean", "instanceNorm");
  checkChannelVector(runningVar, channels, "runningVar", "instanceNorm");
  if (!useInputStats) {
    if (!runningMean || !runningVar)
      throw new ValueError("instanceNorm: runningMean and runningVar must be given when useInputStats is false");
    return batchNorm(x, runningMean, runningVar, { weight, bias, training: false, eps });
  }
  const count = product(x.shape.slice(2));
  if (count === 1)
    throw new ValueError(`instanceNorm: expected more than 1 spatial element when training, got input of shape ${fmt(x.shape)}`);
  const dims = x.shape.map((_, i) => i).filter((i) => i >= 2);
  const { out, mean, var: v } = standardize(x, dims, eps);
  // PyTorch updates one running copy per sample and then averages them, which is the same as this.
  noGrad(() => {
    if (runningMean) updateRunning(runningMean, mean.mean(0), momentum);
    if (runningVar) updateRunning(runningVar, v.mul(count / (count - 1)).mean(0), momentum);
  });
  return affineChannels(out, weight, bias);
}
