import { arg, is, kw, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";

// The signatures of the margin, embedding, Poisson/Gaussian NLL and CTC losses in PyTorch's order
// (torch.nn.functional); the loss modules read them without their tensor inputs. PyTorch's deprecated sizeAverage
// and reduce keep their places and accept only null: use `reduction`.

const t = required(is.tensor);
const legacy = (name: string) => arg(is.only(null, `${name} is deprecated in PyTorch; use reduction`), null);
const sizeAverage = legacy("sizeAverage");
const reduce = legacy("reduce");
const reduction = arg(is.oneOf("mean", "sum", "none"), "mean");
const weight = arg(is.nullable(is.tensor), null as Tensor | null);

export const MARGIN_RANKING_LOSS = signature("marginRankingLoss", {
  input1: t,
  input2: t,
  target: t,
  margin: arg(is.number, 0),
  sizeAverage,
  reduce,
  reduction,
});
export const HINGE_EMBEDDING_LOSS = signature("hingeEmbeddingLoss", {
  input: t,
  target: t,
  margin: arg(is.number, 1),
  sizeAverage,
  reduce,
  reduction,
});
export const COSINE_EMBEDDING_LOSS = signature("cosineEmbeddingLoss", {
  input1: t,
  input2: t,
  target: t,
  margin: arg(is.number, 0),
  sizeAverage,
  reduce,
  reduction,
});
export const TRIPLET_MARGIN_LOSS = signature("tripletMarginLoss", {
  anchor: t,
  positive: t,
  negative: t,
  margin: arg(is.number, 1),
  p: arg(is.number, 2),
  eps: arg(is.number, 1e-6),
  swap: arg(is.boolean, false),
  sizeAverage,
  reduce,
  reduction,
});
export const POISSON_NLL_LOSS = signature("poissonNllLoss", {
  input: t,
  target: t,
  logInput: arg(is.boolean, true),
  full: arg(is.boolean, false),
  sizeAverage,
  eps: arg(is.number, 1e-8),
  reduce,
  reduction,
});
export const GAUSSIAN_NLL_LOSS = signature("gaussianNllLoss", {
  input: t,
  target: t,
  var: t,
  full: arg(is.boolean, false),
  eps: arg(is.number, 1e-6),
  reduction,
});
/** nn.GaussianNLLLoss takes its options keyword-only (PyTorch's `*`). */
export const GAUSSIAN_NLL_LOSS_MODULE = signature("GaussianNLLLoss", {
  full: kw(is.boolean, false),
  eps: kw(is.number, 1e-6),
  reduction: kw(is.oneOf("mean", "sum", "none"), "mean"),
});
export const SOFT_MARGIN_LOSS = signature("softMarginLoss", { input: t, target: t, sizeAverage, reduce, reduction });
export const MULTILABEL_SOFT_MARGIN_LOSS = signature("multilabelSoftMarginLoss", {
  input: t,
  target: t,
  weight,
  sizeAverage,
  reduce,
  reduction,
});
export const MULTI_MARGIN_LOSS = signature("multiMarginLoss", {
  input: t,
  target: t,
  p: arg(is.oneOf(1, 2), 1),
  margin: arg(is.number, 1),
  weight,
  sizeAverage,
  reduce,
  reduction,
});

/** Sequence lengths: an array of non-negative integers, or an int32 tensor (0-dim or 1-dim). */
const lengths = required(
  is.where<readonly number[] | Tensor>(
    "an array of non-negative integers or an int32 tensor",
    (v) => (Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0)) || (is.tensor.test(v) && (v as Tensor).dtype === "int32"),
  ),
);
export const CTC_LOSS = signature("ctcLoss", {
  logProbs: t,
  targets: t,
  inputLengths: lengths,
  targetLengths: lengths,
  blank: arg(is.nonNegInt, 0),
  reduction,
  zeroInfinity: arg(is.boolean, false),
});
