import type { Args } from "../../args.js";
import { isFloating } from "../../dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { fmt, shapesEqual } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { logSoftmax } from "./activation.js";
import { BCE, BCE_WITH_LOGITS, CROSS_ENTROPY, HUBER_LOSS, KL_DIV, L1_LOSS, MSE_LOSS, NLL_LOSS, SMOOTH_L1_LOSS } from "./loss_args.js";

/** PyTorch's deprecated positional sizeAverage and reduce: only null is accepted. */
type Legacy = [sizeAverage: null, reduce: null];

// Every loss is a composition of core ops, so gradients (and second derivatives) come from autograd.

/** How a loss reduces its per-element values: their mean, their sum, or none (the unreduced tensor). */
export type Reduction = "mean" | "sum" | "none";

/** `Reduction` plus KL divergence's "batchmean": the sum divided by the batch size (input.shape[0]). */
export type KLDivReduction = Reduction | "batchmean";

export interface ReductionOptions {
  /** "mean" (the default), "sum" or "none". */
  reduction?: Reduction;
}

export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear; must be positive. Default 1. */
  delta?: number;
}

export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear; must be non-negative (0 is the L1 loss). Default 1. */
  beta?: number;
}

export interface NLLLossOptions extends ReductionOptions {
  /** A weight per class, shape [C]. */
  weight?: Tensor | null;
  /** A target value that contributes neither to the loss nor to the mean's denominator. Default −100. */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·target + ε/C (uniform over the classes). Default 0. */
  labelSmoothing?: number;
}

export interface BCELossOptions extends ReductionOptions {
  /** A weight per element, broadcast to the input's shape. */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BCELossOptions {
  /** A weight for the positive term, per class (broadcast along the last dim). */
  posWeight?: Tensor | null;
}

export interface KLDivOptions {
  /** "mean" (the default, over all elements), "sum", "none" or "batchmean" (the mathematically correct KL). */
  reduction?: KLDivReduction;
  /** Whether the target is given as log-probabilities. Default false. */
  logTarget?: boolean;
}

const REDUCTIONS: readonly string[] = ["mean", "sum", "none"];

function checkReduction(op: string, reduction: string, allowed: readonly string[] = REDUCTIONS): void {
  if (!allowed.includes(reduction)) {
    throw new ValueError(`${op}: reduction must be one of ${allowed.map((r) => `"${r}"`).join(", ")}, got "${reduction}"`);
  }
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  return loss;
}

function requireFloatInput(op: string, name: string, x: Tensor): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating-point ${name}, got dtype ${x.dtype}`);
}

/** Inputs and targets of the elementwise losses must have the same shape (PyTorch only warns and broadcasts). */
function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(`${op}: target shape ${fmt(target.shape)} must match input shape ${fmt(input.shape)}`);
  }
}

function elementwise(op: string, input: Tensor, target: Tensor, reduction: Reduction, f: (diff: Tensor) => Tensor): Tensor {
  checkReduction(op, reduction);
  requireFloatInput(op, "input", input);
  checkSameShape(op, input, target);
  return reduce(f(input.sub(target)), reduction);
}

/**
 * Mean squared error: (input − target)², reduced.
 *
 * @example
 * F.mseLoss(pred, y); // scalar
 * F.mseLoss(pred, y, { reduction: "none" }); // per element
 */
export function mseLoss(input: Tensor, target: Tensor, ...rest: Args<[...Legacy, reduction: Reduction], ReductionOptions>): Tensor {
  const options = MSE_LOSS.parse([input, target, ...rest]);
  return elementwise("mseLoss", input, target, options.reduction ?? "mean", (d) => d.square());
}

/**
 * Mean absolute error: |input − target|, reduced.
 *
 * @example
 * F.l1Loss(pred, y, { reduction: "sum" });
 */
export function l1Loss(input: Tensor, target: Tensor, ...rest: Args<[...Legacy, reduction: Reduction], ReductionOptions>): Tensor {
  const options = L1_LOSS.parse([input, target, ...rest]);
  return elementwise("l1Loss", input, target, options.reduction ?? "mean", (d) => d.abs());
}

/**
 * Huber loss: ½d² where |d| < delta, else delta·(|d| − ½·delta), with d = input − target.
 *
 * @example
 * F.huberLoss(pred, y, { delta: 0.5 });
 */
export function huberLoss(input: Tensor, target: Tensor, ...rest: Args<[reduction: Reduction, delta: number], HuberLossOptions>): Tensor {
  const options = HUBER_LOSS.parse([input, target, ...rest]);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ValueError(`huberLoss: delta must be positive, got ${delta}`);
  return elementwise("huberLoss", input, target, options.reduction ?? "mean", (d) => {
    const a = d.abs();
    return where(a.lt(delta), d.square().mul(0.5), a.sub(0.5 * delta).mul(delta));
  });
}

/**
 * Smooth L1 loss: ½d²/beta where |d| < beta, else |d| − ½·beta (the Huber loss divided by beta); beta = 0
 * is the L1 loss.
 *
 * @example
 * F.smoothL1Loss(boxes, targetBoxes, { beta: 1 / 9 });
 */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[...Legacy, reduction: Reduction, beta: number], SmoothL1LossOptions>
): Tensor {
  const options = SMOOTH_L1_LOSS.parse([input, target, ...rest]);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new ValueError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  return elementwise("smoothL1Loss", input, target, options.reduction ?? "mean", (d) => {
    const a = d.abs();
    if (beta === 0) return a;
    return where(a.lt(beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta));
  });
}

/** The class dim of a classification input: 0 for an unbatched [C] input, else 1 ([N, C, d1, ...]). */
const classDimOf = (input: Tensor): number => (input.ndim === 1 ? 0 : 1);

function checkClassInput(op: string, input: Tensor): void {
  requireFloatInput(op, "input", input);
  if (input.ndim === 0) throw new ShapeError(`${op}: input must be [C], [N, C] or [N, C, d1, ...], got a 0-dim tensor`);
}

function checkWeight(op: string, weight: Tensor | null | undefined, numClasses: number): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== numClasses)) {
    throw new ShapeError(`${op}: weight must have one entry per class, shape [${numClasses}], got ${fmt(weight.shape)}`);
  }
}

/** Checks class-index targets: int32, shaped like the input without its class dim, each in [0, C) or ignoreIndex. */
function checkIndexTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  if (target.dtype !== "int32") {
    throw new DTypeError(`${op}: class-index targets must have dtype int32, got ${target.dtype} of shape ${fmt(target.shape)}`);
  }
  const classDim = classDimOf(input);
  const expected = input.shape.filter((_, d) => d !== classDim);
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(
      `${op}: target shape ${fmt(target.shape)} does not fit input shape ${fmt(input.shape)}; expected target shape ${fmt(expected)}`,
    );
  }
  // The range is checked on the host; a device read only asynchronously reports a bad index at the next read.
  if (target._backend.asyncOnly) return;
  const numClasses = input.shape[classDim];
  for (const v of target.toArray() as Int32Array) {
    if (v !== ignoreIndex && (v < 0 || v >= numClasses)) {
      throw new IndexError(
        `${op}: target class index ${v} is out of bounds for ${numClasses} classes (valid: 0 to ${numClasses - 1}, or ignoreIndex ${ignoreIndex})`,
      );
    }
  }
}

/** The class weight of each target, 0 where the target is ignored (shape of the target), and the safe targets. */
function targetWeights(input: Tensor, target: Tensor, weight: Tensor | null | undefined, ignoreIndex: number): { w: Tensor; safe: Tensor } {
  const keep = target.ne(ignoreIndex);
  const safe = where(keep, target, 0);
  const keepF = keep.to(input.dtype);
  const w = weight
    ? weight
        .to(input.dtype)
        .indexSelect(0, safe.reshape([-1]))
        .reshape([...target.shape])
        .mul(keepF)
    : keepF;
  return { w, safe };
}

function nllCore(input: Tensor, target: Tensor, options: NLLLossOptions): Tensor {
  const reduction = options.reduction ?? "mean";
  const ignoreIndex = options.ignoreIndex ?? -100;
  const classDim = classDimOf(input);
  const { w, safe } = targetWeights(input, target, options.weight, ignoreIndex);
  const picked = input.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
  const loss = picked.mul(w).neg();
  if (reduction === "none") return loss;
  if (reduction === "sum") return loss.sum();
  return loss.sum().div(w.sum());
}

/**
 * Negative log-likelihood of class indices under log-probabilities `input` ([N, C], [N, C, d1, ...] or an
 * unbatched [C] with a 0-dim target): −weight[y]·input[y] per target, ignored targets giving 0; "mean"
 * divides by the sum of the weights of the targets not ignored.
 *
 * @example
 * F.nllLoss(F.logSoftmax(logits, 1), tg.tensor([0, 2], { dtype: "int32" }));
 */
export function nllLoss(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: Reduction], NLLLossOptions>
): Tensor {
  const options = NLL_LOSS.parse([input, target, ...rest]);
  checkReduction("nllLoss", options.reduction ?? "mean");
  checkClassInput("nllLoss", input);
  checkIndexTarget("nllLoss", input, target, options.ignoreIndex ?? -100);
  checkWeight("nllLoss", options.weight, input.shape[classDimOf(input)]);
  return nllCore(input, target, options);
}

/**
 * Cross-entropy between logits `input` (class dim 1, or 0 for an unbatched [C] input) and either class
 * indices (int32, the input's shape without the class dim) or class probabilities (float, the input's shape),
 * as `torch.nn.functional.cross_entropy`: weights per class, `ignoreIndex` and "mean" dividing by the
 * weight sum for index targets; label smoothing (1 − ε)·nll + ε/C·Σ_c −weight_c·logp_c. Stable for large
 * logits (log-softmax via logsumexp).
 *
 * @example
 * F.crossEntropy(logits, tg.tensor([1, 0, 3], { dtype: "int32" }));
 * F.crossEntropy(logits, labels, { labelSmoothing: 0.1, ignoreIndex: 0 });
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  ...rest: Args<
    [weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: Reduction, labelSmoothing: number],
    CrossEntropyOptions
  >
): Tensor {
  const options = CROSS_ENTROPY.parse([input, target, ...rest]);
  const op = "crossEntropy";
  const reduction = options.reduction ?? "mean";
  const ignoreIndex = options.ignoreIndex ?? -100;
  const eps = options.labelSmoothing ?? 0;
  checkReduction(op, reduction);
  checkClassInput(op, input);
  if (!(eps >= 0 && eps <= 1)) throw new ValueError(`${op}: labelSmoothing must be within [0, 1], got ${eps}`);
  const classDim = classDimOf(input);
  const numClasses = input.shape[classDim];
  const weight = options.weight ? options.weight.to(input.dtype) : null;
  checkWeight(op, weight, numClasses);
  // The class weights shaped to broadcast along the class dim.
  const weightB = weight ? weight.reshape(input.shape.map((s, d) => (d === classDim ? s : 1))) : null;

  if (isFloating(target.dtype)) {
    if (!shapesEqual(target.shape, input.shape)) {
      throw new DTypeError(
        `${op}: a floating-point target holds class probabilities and must have the input's shape ${fmt(input.shape)}, ` +
          `got ${fmt(target.shape)}; class-index targets must have dtype int32`,
      );
    }
    const probs = eps > 0 ? target.mul(1 - eps).add(eps / numClasses) : target;
    const logp = logSoftmax(input, classDim);
    const terms = weightB ? logp.mul(probs).mul(weightB) : logp.mul(probs);
    if (reduction === "none") return terms.sum(classDim).neg();
    if (reduction === "sum") return terms.sum().neg();
    return terms
      .sum()
      .neg()
      .div(input.numel() / numClasses);
  }

  checkIndexTarget(op, input, target, ignoreIndex);
  const logp = logSoftmax(input, classDim);
  const nll = nllCore(logp, target, { weight, ignoreIndex, reduction });
  if (eps === 0) return nll;
  const keep = target.ne(ignoreIndex).to(input.dtype);
  const smooth = (weightB ? logp.mul(weightB) : logp).sum(classDim).neg().mul(keep);
  let smoothReduced: Tensor;
  if (reduction === "none") smoothReduced = smooth;
  else if (reduction === "sum") smoothReduced = smooth.sum();
  else smoothReduced = smooth.sum().div(targetWeights(input, target, weight, ignoreIndex).w.sum());
  return nll.mul(1 - eps).add(smoothReduced.mul(eps / numClasses));
}

/**
 * ln σ(x) and ln(1 − σ(x)) need ln(1 + e^z); this form never overflows, and (built from `where`, not
 * relu/abs) has the right gradient σ(z) everywhere, including z = 0.
 */
function log1pExp(z: Tensor): Tensor {
  const pos = z.gt(0);
  return where(pos, z, 0).add(where(pos, z.neg(), z).exp().log1p());
}

/** ln(x) clamped to ≥ −100 (as PyTorch's BCE), without a NaN gradient at x = 0. */
function clampedLog(x: Tensor): Tensor {
  const positive = x.gt(0);
  const log = where(positive, x, 1).log();
  return where(positive, log.clamp(-100), -100);
}

/**
 * Binary cross-entropy of probabilities `input` in [0, 1]: −weight·(y·ln x + (1 − y)·ln(1 − x)), each log
 * clamped to ≥ −100 as PyTorch does (so x = 0 or 1 gives a finite loss). Prefer
 * `binaryCrossEntropyWithLogits` on raw scores: it is stable.
 *
 * @example
 * F.binaryCrossEntropy(probs, tg.tensor([1, 0, 1]));
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[weight: Tensor | null, ...Legacy, reduction: Reduction], BCELossOptions>
): Tensor {
  const options = BCE.parse([input, target, ...rest]);
  const op = "binaryCrossEntropy";
  const reduction = options.reduction ?? "mean";
  checkReduction(op, reduction);
  requireFloatInput(op, "input", input);
  checkSameShape(op, input, target);
  if (!input._backend.asyncOnly && !input.ge(0).logicalAnd(input.le(1)).all().item()) {
    throw new ValueError(`${op}: all elements of input should be between 0 and 1`);
  }
  let loss = target
    .mul(clampedLog(input))
    .add(
      target
        .neg()
        .add(1)
        .mul(clampedLog(input.neg().add(1))),
    )
    .neg();
  if (options.weight) loss = loss.mul(options.weight);
  checkBroadcastWeight(op, "weight", loss, input);
  return reduce(loss, reduction);
}

function checkBroadcastWeight(op: string, name: string, loss: Tensor, input: Tensor): void {
  if (!shapesEqual(loss.shape, input.shape)) {
    throw new ShapeError(`${op}: ${name} must broadcast to the input's shape ${fmt(input.shape)}; the loss came out ${fmt(loss.shape)}`);
  }
}

/**
 * Binary cross-entropy on logits: −weight·(posWeight·y·ln σ(x) + (1 − y)·ln(1 − σ(x))), computed stably as
 * weight·(posWeight·y·softplus(−x) + (1 − y)·softplus(x)), finite even for logits like ±1000.
 *
 * @example
 * F.binaryCrossEntropyWithLogits(logits, labels, { posWeight: tg.tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[weight: Tensor | null, ...Legacy, reduction: Reduction, posWeight: Tensor | null], BCEWithLogitsOptions>
): Tensor {
  const options = BCE_WITH_LOGITS.parse([input, target, ...rest]);
  const op = "binaryCrossEntropyWithLogits";
  const reduction = options.reduction ?? "mean";
  checkReduction(op, reduction);
  requireFloatInput(op, "input", input);
  checkSameShape(op, input, target);
  const positive = log1pExp(input.neg()).mul(target);
  const negative = log1pExp(input).mul(target.neg().add(1));
  let loss = (options.posWeight ? positive.mul(options.posWeight) : positive).add(negative);
  if (options.weight) loss = loss.mul(options.weight);
  checkBroadcastWeight(op, "weight and posWeight", loss, input);
  return reduce(loss, reduction);
}

/**
 * Kullback–Leibler divergence KL(target ‖ input) pointwise, with `input` log-probabilities:
 * target·(ln target − input) (0 where target = 0), or e^target·(target − input) with `logTarget`.
 * "batchmean" divides the sum by the batch size, which gives the true KL; "mean" (the default, as
 * PyTorch) divides by the number of elements.
 *
 * @example
 * F.klDiv(F.logSoftmax(student, 1), F.softmax(teacher, 1), { reduction: "batchmean" });
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[...Legacy, reduction: KLDivReduction, logTarget: boolean], KLDivOptions>
): Tensor {
  const options = KL_DIV.parse([input, target, ...rest]);
  const op = "klDiv";
  const reduction = options.reduction ?? "mean";
  checkReduction(op, reduction, [...REDUCTIONS, "batchmean"]);
  requireFloatInput(op, "input", input);
  requireFloatInput(op, "target", target);
  checkSameShape(op, input, target);
  let loss: Tensor;
  if (options.logTarget) {
    loss = target.exp().mul(target.sub(input));
  } else {
    // xlogy(t, t) − t·input, with 0·ln 0 = 0.
    const zero = target.eq(0);
    loss = target.mul(where(zero, 1, target).log()).sub(target.mul(input));
  }
  if (reduction === "batchmean") return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, reduction);
}
