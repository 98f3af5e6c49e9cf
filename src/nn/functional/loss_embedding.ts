import type { Args } from "../../args.js";
import { ShapeError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Reduction } from "./loss.js";
import { checkBroadcast, reduceLoss, requireFloat } from "./loss_common.js";
import { COSINE_EMBEDDING_LOSS, TRIPLET_MARGIN_LOSS } from "./loss_extra_args.js";
import type { MarginLossOptions } from "./loss_margin.js";

// Losses on pairs and triplets of embeddings, composed of tensor ops (autograd gives their gradients).

type Legacy = [sizeAverage: null, reduce: null];

export interface TripletMarginLossOptions extends MarginLossOptions {
  /** The norm's order for the pairwise distances. Default 2. */
  p?: number;
  /** Added to the differences before the norm, as `pairwiseDistance`. Default 1e-6. */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (the "distance swap"). Default false. */
  swap?: boolean;
}

/** PyTorch's ε in the cosine's denominator √((Σx1² + ε)(Σx2² + ε)). */
const COSINE_EPS = 1e-12;

/**
 * Cosine embedding loss: 1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1 (0 for other
 * target values), as `torch.nn.functional.cosine_embedding_loss`. Inputs [N, D] with a target [N], or [D] with a
 * 0-dim target; the cosine is Σx1·x2 / √((Σx1² + 1e-12)(Σx2² + 1e-12)).
 *
 * @example
 * F.cosineEmbeddingLoss(a, b, tg.tensor([1, -1]), { margin: 0.2 });
 */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  ...rest: Args<[margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>
): Tensor {
  const a = COSINE_EMBEDDING_LOSS.parse([input1, input2, target, ...rest]);
  const op = "cosineEmbeddingLoss";
  requireFloat(op, "input1", input1);
  requireFloat(op, "input2", input2);
  if (target.ndim > 1) throw new ShapeError(`${op}: expected a 0-dim or 1-dim target (one per pair), got ${fmt(target.shape)}`);
  const want = target.ndim + 1;
  if (input1.ndim !== want || input2.ndim !== want) {
    throw new ShapeError(
      `${op}: a ${target.ndim}-dim target expects ${want}-dim inputs, got input1 ${fmt(input1.shape)} and input2 ${fmt(input2.shape)}`,
    );
  }
  checkBroadcast(op, { input1, input2 });
  const dim = target.ndim;
  const dot = input1.mul(input2).sum(dim);
  const mag1 = input1.square().sum(dim).add(COSINE_EPS);
  const mag2 = input2.square().sum(dim).add(COSINE_EPS);
  const cos = dot.div(mag1.mul(mag2).sqrt());
  checkBroadcast(op, { cosine: cos, target });
  const pos = where(target.eq(1), cos.neg().add(1), 0);
  const neg = where(target.eq(-1), cos.sub(a.margin).clamp(0), 0);
  return reduceLoss(pos.add(neg), a.reduction);
}

/** PyTorch's pairwise_distance: the p-norm of x1 − x2 + eps over the last dim. */
function pairwiseDistance(x1: Tensor, x2: Tensor, p: number, eps: number): Tensor {
  return x1.sub(x2).add(eps).norm(p, -1);
}

/**
 * Triplet margin loss: max(0, margin + d(a, p) − d(a, n)) with d the p-norm distance of `pairwiseDistance`
 * (‖x1 − x2 + eps‖_p over the last dim); `swap` takes min(d(a, n), d(p, n)) as the negative distance, as
 * `torch.nn.functional.triplet_margin_loss`. The three tensors must have the same number of dims and broadcast
 * together.
 *
 * @example
 * F.tripletMarginLoss(anchor, positive, negative, { margin: 0.5, swap: true });
 */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  ...rest: Args<[margin: number, p: number, eps: number, swap: boolean, ...Legacy, reduction: Reduction], TripletMarginLossOptions>
): Tensor {
  const a = TRIPLET_MARGIN_LOSS.parse([anchor, positive, negative, ...rest]);
  const op = "tripletMarginLoss";
  requireFloat(op, "anchor", anchor);
  requireFloat(op, "positive", positive);
  requireFloat(op, "negative", negative);
  if (anchor.ndim !== positive.ndim || anchor.ndim !== negative.ndim || anchor.ndim === 0) {
    throw new ShapeError(
      `${op}: anchor, positive and negative must have the same number of dims (at least 1), got ${fmt(anchor.shape)}, ${fmt(positive.shape)} and ${fmt(negative.shape)}`,
    );
  }
  checkBroadcast(op, { anchor, positive, negative });
  const dPos = pairwiseDistance(anchor, positive, a.p, a.eps);
  let dNeg = pairwiseDistance(anchor, negative, a.p, a.eps);
  if (a.swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, a.p, a.eps));
  return reduceLoss(dPos.sub(dNeg).add(a.margin).clamp(0), a.reduction);
}
