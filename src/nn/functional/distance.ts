import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { DTypeError, ShapeError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { fromTyped, zerosLike } from "../../ops/creation.js";
import { defaultGenerator, Generator } from "../../ops/random.js";
import { broadcastShapes, fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// Distances and similarities between vectors, and the Gumbel-softmax sample, composed from tensor ops.

const pNorm = is.numberWhere("a number (Infinity for the max norm)", (v) => !Number.isNaN(v));
const NORMALIZE = signature("normalize", {
  input: required(is.tensor),
  p: arg(pNorm, 2),
  dim: arg(is.int, 1),
  eps: arg(is.number, 1e-12),
});
const COSINE_SIMILARITY = signature("cosineSimilarity", {
  x1: required(is.tensor),
  x2: required(is.tensor),
  dim: arg(is.int, 1),
  eps: arg(is.number, 1e-8),
});
const PAIRWISE_DISTANCE = signature("pairwiseDistance", {
  x1: required(is.tensor),
  x2: required(is.tensor),
  p: arg(pNorm, 2),
  eps: arg(is.number, 1e-6),
  keepdim: arg(is.boolean, false),
});
const GUMBEL_SOFTMAX = signature("gumbelSoftmax", {
  logits: required(is.tensor),
  tau: arg(
    is.numberWhere("a positive number", (v) => v > 0),
    1,
  ),
  hard: arg(is.boolean, false),
  eps: arg(is.only(1e-10, "deprecated and unused in PyTorch"), 1e-10),
  dim: arg(is.int, -1),
  generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
});

function requireFloat(fn: string, ...ts: Tensor[]): void {
  for (const t of ts) {
    if (t.dtype !== "float32" && t.dtype !== "float64") throw new DTypeError(`${fn}: expected floating inputs, got ${t.dtype}`);
  }
}

function checkDim(fn: string, dim: number, shape: readonly number[]): number {
  const n = shape.length;
  if (dim < -Math.max(n, 1) || dim >= Math.max(n, 1)) {
    throw new ShapeError(`${fn}: dim ${dim} is out of range for shape ${fmt(shape)} (expected [${-n}, ${n - 1}])`);
  }
  return dim < 0 ? dim + n : dim;
}

export interface NormalizeOptions {
  /** The norm's exponent (default 2; Infinity for the max norm). */
  p?: number;
  /** The dim whose vectors get unit norm (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-12), so zero vectors stay zero. */
  eps?: number;
}

/**
 * x / max(‖x‖_p, eps) along `dim`, as torch.nn.functional.normalize (unit vectors; zero vectors stay zero).
 *
 * @example
 * F.normalize(embeddings, { dim: -1 }); // rows of unit length
 * F.normalize(x, 1, 0);                 // p = 1, dim 0
 */
export function normalize(input: Tensor, ...rest: Args<[p: number, dim: number, eps: number], NormalizeOptions>): Tensor {
  const a = NORMALIZE.parse([input, ...rest]);
  requireFloat("normalize", input);
  const dim = checkDim("normalize", a.dim, input.shape);
  const denom = input.norm(a.p, input.ndim === 0 ? undefined : dim, true).clamp(a.eps);
  return input.div(denom);
}

/**
 * max(‖x‖₂, eps) along `dim` as PyTorch's cosine_similarity takes it: the clamp is applied without recording, so below
 * eps the value is eps and the gradient x / eps (the norm's formula with the clamped value); above, the plain norm.
 */
function clampedNorm(x: Tensor, dim: number, eps: number): Tensor {
  const n = x.norm(2, dim, true);
  const sq = x.square().sum(dim, true);
  // Value eps, derivative (2x)/(2·eps) = x/eps.
  const small = sq
    .sub(sq.detach())
    .div(2 * eps)
    .add(eps);
  return where(n.detach().lt(eps), small, n);
}

export interface CosineSimilarityOptions {
  /** The dim of the vectors (default 1), counted in the broadcast shape. */
  dim?: number;
  /** The smallest norm each vector is divided by (default 1e-8). */
  eps?: number;
}

/**
 * The cosine of the angle between `x1` and `x2` along `dim`, as torch.nn.functional.cosine_similarity:
 * Σ (x1 / max(‖x1‖, eps)) · (x2 / max(‖x2‖, eps)). The inputs broadcast against each other first; `dim` is removed.
 *
 * @example
 * F.cosineSimilarity(a, b);                   // [N, D], [N, D] -> [N]
 * F.cosineSimilarity(q.unsqueeze(1), keys.unsqueeze(0), { dim: -1 }); // [N, M] similarities
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, ...rest: Args<[dim: number, eps: number], CosineSimilarityOptions>): Tensor {
  const a = COSINE_SIMILARITY.parse([x1, x2, ...rest]);
  requireFloat("cosineSimilarity", x1, x2);
  const shape = broadcastShapes("cosineSimilarity", x1.shape, x2.shape);
  if (shape.length === 0) throw new ShapeError("cosineSimilarity: expected inputs with at least one dim, got two scalars");
  const dim = checkDim("cosineSimilarity", a.dim, shape);
  const [b1, b2] = [x1.expand(shape), x2.expand(shape)];
  return b1
    .div(clampedNorm(b1, dim, a.eps))
    .mul(b2.div(clampedNorm(b2, dim, a.eps)))
    .sum(dim);
}

export interface PairwiseDistanceOptions {
  /** The norm's exponent (default 2; 0 counts differences, Infinity is the largest). */
  p?: number;
  /** Added to the difference before the norm (default 1e-6), as PyTorch does. */
  eps?: number;
  /** Keep the last dim with size 1. */
  keepdim?: boolean;
}

/**
 * ‖x1 − x2 + eps‖_p over the last dim, as torch.nn.functional.pairwise_distance (the inputs broadcast).
 *
 * @example
 * F.pairwiseDistance(anchor, positive);     // [N, D], [N, D] -> [N]
 * F.pairwiseDistance(a, b, 1, { keepdim: true }); // [N, 1]
 */
export function pairwiseDistance(
  x1: Tensor,
  x2: Tensor,
  ...rest: Args<[p: number, eps: number, keepdim: boolean], PairwiseDistanceOptions>
): Tensor {
  const a = PAIRWISE_DISTANCE.parse([x1, x2, ...rest]);
  requireFloat("pairwiseDistance", x1, x2);
  if (x1.ndim === 0 && x2.ndim === 0) throw new ShapeError("pairwiseDistance: expected inputs with at least one dim, got two scalars");
  const diff = x1.sub(x2).add(a.eps);
  return diff.norm(a.p, -1, a.keepdim);
}

export interface GumbelSoftmaxOptions {
  /** Temperature (default 1): lower is closer to one-hot. */
  tau?: number;
  /** One-hot samples whose gradient is the soft sample's (the straight-through estimator). */
  hard?: boolean;
  /** Deprecated and unused in PyTorch; only its default 1e-10 is accepted. */
  eps?: 1e-10;
  /** The dim of the categories (default −1). */
  dim?: number;
  /** The random generator (default: the one `tg.manualSeed` seeds). */
  generator?: Generator | null;
}

/**
 * A sample from the Gumbel-softmax (Concrete) distribution over `dim`, as torch.nn.functional.gumbel_softmax:
 * softmax((logits + g) / tau) with g ~ Gumbel(0, 1); with `hard`, the one-hot of its argmax, differentiated as the
 * soft sample. The noise comes from tensorgrad's generator, so the numbers differ from PyTorch's for the same seed.
 *
 * @example
 * tg.manualSeed(0);
 * const y = F.gumbelSoftmax(logits, { tau: 0.5, hard: true }); // one-hot rows, gradients to logits
 */
export function gumbelSoftmax(
  logits: Tensor,
  ...rest: Args<[tau: number, hard: boolean, eps: 1e-10, dim: number], GumbelSoftmaxOptions>
): Tensor {
  const a = GUMBEL_SOFTMAX.parse([logits, ...rest]);
  requireFloat("gumbelSoftmax", logits);
  const dim = checkDim("gumbelSoftmax", a.dim, logits.shape);
  const g = a.generator ?? defaultGenerator;
  const noise = new Float64Array(logits.numel());
  for (let i = 0; i < noise.length; i++) {
    // −log(E) with E ~ Exp(1) = −log(1 − U); E = 0 (U = 0) is drawn again, as it would give an infinite sample.
    let e = 0;
    while (e === 0) e = -Math.log(1 - g.random());
    noise[i] = -Math.log(e);
  }
  const gumbels = fromTyped(noise, logits.shape, { device: logits.device }).to(logits.dtype).add(logits).div(a.tau);
  const ySoft = gumbels.softmax(logits.ndim === 0 ? 0 : dim);
  if (!a.hard) return ySoft;
  const index = ySoft.argmax(dim, true);
  const yHard = zerosLike(logits).scatter(dim, index, 1);
  return yHard.sub(ySoft.detach()).add(ySoft);
}
