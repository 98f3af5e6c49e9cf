import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { pad } from "../../ops/join.js";
import { bernoulli, Generator } from "../../ops/random.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { checkP, type DropoutOptions } from "./dropout.js";

// RMS normalization, local response normalization and alpha dropout, composed from tensor ops.

const RMS_NORM = signature("rmsNorm", {
  input: required(is.tensor),
  normalizedShape: required(is.intOrInts),
  weight: arg(is.nullable(is.tensor), null),
  eps: arg(is.nullable(is.numberWhere("a non-negative number", (v) => v >= 0)), null),
});
const LRN = signature("localResponseNorm", {
  input: required(is.tensor),
  size: required(is.posInt),
  alpha: arg(is.number, 1e-4),
  beta: arg(is.number, 0.75),
  k: arg(is.number, 1),
});
const ALPHA_DROPOUT = signature("alphaDropout", {
  input: required(is.tensor),
  p: arg(is.number, 0.5),
  training: arg(is.boolean, false),
  inplace: arg(is.only(false, "in-place dropout is not implemented"), false),
  generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
});

/** torch.finfo(dtype).eps, RMSNorm's default eps. */
const machineEps = (dtype: string): number => (dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7);

export interface RmsNormOptions {
  weight?: Tensor | null;
  /** Added to the mean square; default torch.finfo(dtype).eps. */
  eps?: number | null;
}

/**
 * x / sqrt(mean(x²) + eps) over the last dims (`normalizedShape`), times `weight`, as torch.nn.functional.rms_norm.
 *
 * @example
 * F.rmsNorm(h, [512], { weight: gamma });
 */
export function rmsNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  ...rest: Args<[weight: Tensor | null, eps: number | null], RmsNormOptions>
): Tensor {
  const a = RMS_NORM.parse([x, normalizedShape, ...rest]);
  const shape = typeof a.normalizedShape === "number" ? [a.normalizedShape] : [...a.normalizedShape];
  const k = shape.length;
  if (x.ndim < k || shape.some((s, i) => x.shape[x.ndim - k + i] !== s)) {
    throw new ShapeError(`rmsNorm: normalizedShape [${shape.join(", ")}] does not match the last dims of input shape ${fmt(x.shape)}`);
  }
  if (a.weight && (a.weight.ndim !== k || shape.some((s, i) => a.weight?.shape[i] !== s))) {
    throw new ShapeError(`rmsNorm: weight of shape ${fmt(a.weight.shape)} does not match normalizedShape [${shape.join(", ")}]`);
  }
  const dims = shape.map((_, i) => x.ndim - k + i);
  const eps = a.eps ?? machineEps(x.dtype);
  const out = x.mul(x.square().mean(dims, true).add(eps).rsqrt());
  return a.weight ? out.mul(a.weight) : out;
}

export interface LocalResponseNormOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * x / (k + alpha · mean of x² over `size` neighbouring channels)^beta, as torch.nn.functional.local_response_norm
 * (the window is zero-padded, size/2 channels before and (size − 1)/2 after, and always divided by `size`).
 */
export function localResponseNorm(
  x: Tensor,
  size: number,
  ...rest: Args<[alpha: number, beta: number, k: number], LocalResponseNormOptions>
): Tensor {
  const a = LRN.parse([x, size, ...rest]);
  if (x.ndim < 3) throw new ShapeError(`localResponseNorm: expected a 3-D or higher input [N, C, ...], got shape ${fmt(x.shape)}`);
  const c = x.shape[1] as number;
  const n = a.size;
  // Zero-pad the channel dim of x² and sum `size` shifted slices.
  const padding = new Array<number>(2 * (x.ndim - 1)).fill(0);
  padding[padding.length - 2] = Math.floor(n / 2);
  padding[padding.length - 1] = Math.floor((n - 1) / 2);
  const sq = pad(x.square(), padding, 0);
  let sum = sq.narrow(1, 0, c);
  for (let j = 1; j < n; j++) sum = sum.add(sq.narrow(1, j, c));
  const div = sum
    .mul(a.alpha / n)
    .add(a.k)
    .pow(a.beta);
  return x.div(div);
}

/** The SELU constants' alpha · scale: the value alpha dropout sets dropped units to (before the affine fix). */
const ALPHA_PRIME = 1.7580993408473766;

/**
 * Dropout that keeps a SELU network's zero mean and unit variance, as torch.nn.functional.alpha_dropout: dropped units
 * become −alpha·scale, then an affine map a·x + b restores the mean and variance. Off unless `training` (PyTorch's
 * default for the function is false).
 */
export function alphaDropout(x: Tensor, ...rest: Args<[p: number, training: boolean, inplace: false], DropoutOptions>): Tensor {
  const a = ALPHA_DROPOUT.parse([x, ...rest]);
  checkP(a.p, "alphaDropout");
  if (!a.training || a.p === 0) return x;
  if (a.p === 1) return x.mul(0);
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new ValueError(`alphaDropout: expected a float tensor, got ${x.dtype}`);
  const p = a.p;
  const keep = bernoulli(1 - p, x.shape, { dtype: x.dtype, device: x._backend.device, generator: a.generator ?? undefined });
  const scale = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p));
  // b = (keep − 1)·alpha'·a + alpha'·a·p; out = x·keep·a + b.
  const b = keep
    .sub(1)
    .mul(ALPHA_PRIME * scale)
    .add(ALPHA_PRIME * scale * p);
  return x.mul(keep).mul(scale).add(b);
}
