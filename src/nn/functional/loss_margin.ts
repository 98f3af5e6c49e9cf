import type { Args } from "../../args.js";
import { DTypeError, IndexError, ShapeError, ValueError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { oneHot } from "../../ops/join.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { logsigmoid } from "./activation_extra.js";
import type { Reduction, ReductionOptions } from "./loss.js";
import { checkBroadcast, checkBroadcastsTo, reduceLoss, requireFloat } from "./loss_common.js";
import {
  HINGE_EMBEDDING_LOSS,
  MARGIN_RANKING_LOSS,
  MULTI_MARGIN_LOSS,
  MULTILABEL_SOFT_MARGIN_LOSS,
  SOFT_MARGIN_LOSS,
} from "./loss_extra_args.js";

// Margin losses, composed of tensor ops so that autograd gives their gradients. Where PyTorch broadcasts the
// inputs and the target (these losses do so without a warning), so do they.

type Legacy = [sizeAverage: null, reduce: null];

export interface MarginLossOptions extends ReductionOptions {
  /** The margin. Default 0 for marginRankingLoss and cosineEmbeddingLoss, 1 for hingeEmbeddingLoss. */
  margin?: number;
}

export interface MultilabelSoftMarginLossOptions extends ReductionOptions {
  /** A weight per class, broadcast along the last dim (shape [C]). */
  weight?: Tensor | null;
}

export interface MultiMarginLossOptions extends ReductionOptions {
  /** 1 (the default) for the hinge, 2 for the squared hinge. */
  p?: 1 | 2;
  /** The margin. Default 1. */
  margin?: number;
  /** A weight per class, shape [C]: each sample's terms are scaled by the weight of its target class. */
  weight?: Tensor | null;
}

/**
 * Margin ranking loss: max(0, −y·(x1 − x2) + margin), with y = 1 where x1 should rank higher and −1 where x2
 * should, as `torch.nn.functional.margin_ranking_loss`. The three tensors must have the same number of dims and
 * broadcast together.
 *
 * @example
 * F.marginRankingLoss(scoresA, scoresB, tg.tensor([1, -1, 1]), { margin: 0.5 });
 */
export function marginRankingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  ...rest: Args<[margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>
): Tensor {
  const a = MARGIN_RANKING_LOSS.parse([input1, input2, target, ...rest]);
  const op = "marginRankingLoss";
  requireFloat(op, "input1", input1);
  requireFloat(op, "input2", input2);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new ShapeError(
      `${op}: input1, input2 and target must have the same number of dims, got ${fmt(input1.shape)}, ${fmt(input2.shape)} and ${fmt(target.shape)}`,
    );
  }
  checkBroadcast(op, { input1, input2, target });
  const loss = target.neg().mul(input1.sub(input2)).add(a.margin).clamp(0);
  return reduceLoss(loss, a.reduction);
}

/**
 * Hinge embedding loss: x where y = 1, max(0, margin − x) where y = −1 (for other target values both terms
 * are added, as PyTorch computes it), as `torch.nn.functional.hinge_embedding_loss`. `input` is typically a
 * distance; input and target broadcast together.
 *
 * @example
 * F.hingeEmbeddingLoss(distances, tg.tensor([1, -1, -1]), { margin: 2 });
 */
export function hingeEmbeddingLoss(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>
): Tensor {
  const a = HINGE_EMBEDDING_LOSS.parse([input, target, ...rest]);
  const op = "hingeEmbeddingLoss";
  requireFloat(op, "input", input);
  checkBroadcast(op, { input, target });
  const marginTerm = where(target.ne(1), input.neg().add(a.margin).clamp(0), 0);
  const selfTerm = where(target.ne(-1), input, 0);
  return reduceLoss(marginTerm.add(selfTerm), a.reduction);
}

/**
 * Soft margin loss, the logistic loss of a two-class problem with targets ±1: ln(1 + e^(−y·x)), as
 * `torch.nn.functional.soft_margin_loss` (computed without overflow: finite where PyTorch's e^(−y·x) overflows).
 *
 * @example
 * F.softMarginLoss(scores, tg.tensor([1, -1, 1]));
 */
export function softMarginLoss(input: Tensor, target: Tensor, ...rest: Args<[...Legacy, reduction: Reduction], ReductionOptions>): Tensor {
  const a = SOFT_MARGIN_LOSS.parse([input, target, ...rest]);
  const op = "softMarginLoss";
  requireFloat(op, "input", input);
  checkBroadcast(op, { input, target });
  const z = input.mul(target).neg();
  const pos = z.gt(0);
  // ln(1 + e^z) = max(z, 0) + ln(1 + e^−|z|), from `where` so that the gradient at 0 is ½.
  const loss = where(pos, z, 0).add(where(pos, z.neg(), z).exp().log1p());
  return reduceLoss(loss, a.reduction);
}

/**
 * Multi-label soft margin loss: the binary cross-entropy of each class's logit against the 0/1 target,
 * −(y·ln σ(x) + (1 − y)·ln σ(−x)), optionally weighted per class, averaged over the classes (the last dim),
 * then reduced over the samples, as `torch.nn.functional.multilabel_soft_margin_loss`. `target` and `weight`
 * broadcast to the input's shape ([N, C] or [C]).
 *
 * @example
 * F.multilabelSoftMarginLoss(logits, tg.tensor([[1, 0, 1], [0, 1, 0]]));
 */
export function multilabelSoftMarginLoss(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[weight: Tensor | null, ...Legacy, reduction: Reduction], MultilabelSoftMarginLossOptions>
): Tensor {
  const a = MULTILABEL_SOFT_MARGIN_LOSS.parse([input, target, ...rest]);
  const op = "multilabelSoftMarginLoss";
  requireFloat(op, "input", input);
  if (input.ndim === 0) throw new ShapeError(`${op}: input must have a class dim ([C] or [N, C]), got a 0-dim tensor`);
  checkBroadcastsTo(op, "target", target, input);
  let loss = target
    .mul(logsigmoid(input))
    .add(target.neg().add(1).mul(logsigmoid(input.neg())))
    .neg();
  if (a.weight) {
    checkBroadcastsTo(op, "weight", a.weight, input);
    loss = loss.mul(a.weight);
  }
  const numClasses = input.shape[input.ndim - 1];
  return reduceLoss(loss.sum(-1).div(numClasses), a.reduction);
}

/**
 * Multi-class margin loss: for each sample with target class y, Σ_{i≠y} max(0, margin − x[y] + x[i])^p · w[y] / C,
 * then reduced over the samples, as `torch.nn.functional.multi_margin_loss`. `input` is [N, C] with an int32
 * target [N], or a single sample [C] with a 0-dim or [1] target; p is 1 or 2.
 *
 * @example
 * F.multiMarginLoss(scores, tg.tensor([2, 0], { dtype: "int32" }), { margin: 0.5 });
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor,
  ...rest: Args<[p: 1 | 2, margin: number, weight: Tensor | null, ...Legacy, reduction: Reduction], MultiMarginLossOptions>
): Tensor {
  const a = MULTI_MARGIN_LOSS.parse([input, target, ...rest]);
  const op = "multiMarginLoss";
  requireFloat(op, "input", input);
  if (input.ndim > 2 || (input.ndim > 0 && input.shape[input.ndim - 1] === 0)) {
    throw new ShapeError(`${op}: expected a non-empty [C] vector or [N, C] matrix as input, got ${fmt(input.shape)}`);
  }
  const numClasses = input.ndim === 0 ? 1 : input.shape[input.ndim - 1];
  const n = input.ndim === 2 ? input.shape[0] : 1;
  if (target.dtype !== "int32")
    throw new DTypeError(`${op}: the target holds class indices and must have dtype int32, got ${target.dtype}`);
  if (target.ndim > 1 || target.numel() !== n) {
    throw new ShapeError(
      `${op}: target must hold one class index per sample, ${n} for input ${fmt(input.shape)}, got shape ${fmt(target.shape)}`,
    );
  }
  if (!target._backend.asyncOnly) {
    for (const v of target.toArray() as Int32Array) {
      if (v < 0 || v >= numClasses) throw new IndexError(`${op}: target class index ${v} is out of range for ${numClasses} classes`);
    }
  }
  const weight = a.weight;
  if (weight && weight.ndim !== 1) throw new ValueError(`${op}: weight must be one-dimensional, got shape ${fmt(weight.shape)}`);
  if (weight && weight.shape[0] !== numClasses) {
    throw new ShapeError(`${op}: weight must have one entry per class, shape [${numClasses}], got ${fmt(weight.shape)}`);
  }
  const x = input.reshape([n, numClasses]);
  const y = target.reshape([n, 1]);
  let z = x.sub(x.gather(1, y)).add(a.margin).relu();
  if (a.p === 2) z = z.square();
  if (weight)
    z = z.mul(
      weight
        .to(input.dtype)
        .indexSelect(0, y.reshape([-1]))
        .reshape([n, 1]),
    );
  const isTarget = oneHot(y.reshape([-1]), numClasses).gt(0);
  const loss = where(isTarget, 0, z).sum(1).div(numClasses);
  return reduceLoss(target.ndim === 0 ? loss.reshape([]) : loss, a.reduction);
}
