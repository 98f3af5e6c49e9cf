import type { Args } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Reduction, ReductionOptions } from "../functional/loss.js";
import { type CTCLossOptions, ctcLoss, type Lengths } from "../functional/loss_ctc.js";
import { cosineEmbeddingLoss, type TripletMarginLossOptions, tripletMarginLoss } from "../functional/loss_embedding.js";
import * as S from "../functional/loss_extra_args.js";
import {
  hingeEmbeddingLoss,
  type MarginLossOptions,
  type MultilabelSoftMarginLossOptions,
  type MultiMarginLossOptions,
  marginRankingLoss,
  multilabelSoftMarginLoss,
  multiMarginLoss,
  softMarginLoss,
} from "../functional/loss_margin.js";
import { type GaussianNLLLossOptions, gaussianNllLoss, type PoissonNLLLossOptions, poissonNllLoss } from "../functional/loss_nll_extra.js";
import { Module } from "../module.js";

// The loss modules of the margin, embedding, Poisson/Gaussian NLL and CTC losses: each holds its options and calls
// its nn.functional form; class weights are (persistent) buffers, as in PyTorch. A constructor reads its function's
// signature without the tensor inputs, so `new MultiMarginLoss(2, 0.5)` is PyTorch's.

type Legacy = [sizeAverage: null, reduce: null];
type Parsed = Record<string, unknown>;

const MARGIN_RANKING = S.MARGIN_RANKING_LOSS.withoutFirst(3, "MarginRankingLoss");
const HINGE = S.HINGE_EMBEDDING_LOSS.withoutFirst(2, "HingeEmbeddingLoss");
const COSINE = S.COSINE_EMBEDDING_LOSS.withoutFirst(3, "CosineEmbeddingLoss");
const TRIPLET = S.TRIPLET_MARGIN_LOSS.withoutFirst(3, "TripletMarginLoss");
const POISSON = S.POISSON_NLL_LOSS.withoutFirst(2, "PoissonNLLLoss");
const SOFT_MARGIN = S.SOFT_MARGIN_LOSS.withoutFirst(2, "SoftMarginLoss");
const MULTILABEL = S.MULTILABEL_SOFT_MARGIN_LOSS.withoutFirst(2, "MultiLabelSoftMarginLoss");
const MULTI_MARGIN = S.MULTI_MARGIN_LOSS.withoutFirst(2, "MultiMarginLoss");
const CTC = S.CTC_LOSS.withoutFirst(4, "CTCLoss");

/**
 * Margin ranking loss max(0, −y·(x1 − x2) + margin), as `torch.nn.MarginRankingLoss`; called as `loss(x1, x2, y)`.
 *
 * @example
 * new tg.nn.MarginRankingLoss(0.5)(scoresA, scoresB, tg.tensor([1, -1]));
 */
export class MarginRankingLoss extends Module<[Tensor, Tensor, Tensor]> {
  readonly margin: number;
  readonly reduction: Reduction;

  constructor(...args: Args<[margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>) {
    super();
    const a: Parsed = MARGIN_RANKING.parse(args);
    this.margin = a.margin as number;
    this.reduction = a.reduction as Reduction;
  }

  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `margin=${this.margin}, reduction=${this.reduction}`;
  }
}

/**
 * Hinge embedding loss (x where y = 1, max(0, margin − x) where y = −1), as `torch.nn.HingeEmbeddingLoss`.
 *
 * @example
 * new tg.nn.HingeEmbeddingLoss({ margin: 2 })(distances, tg.tensor([1, -1]));
 */
export class HingeEmbeddingLoss extends Module<[Tensor, Tensor]> {
  readonly margin: number;
  readonly reduction: Reduction;

  constructor(...args: Args<[margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>) {
    super();
    const a: Parsed = HINGE.parse(args);
    this.margin = a.margin as number;
    this.reduction = a.reduction as Reduction;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `margin=${this.margin}, reduction=${this.reduction}`;
  }
}

/**
 * Cosine embedding loss (1 − cos where y = 1, max(0, cos − margin) where y = −1), as `torch.nn.CosineEmbeddingLoss`;
 * called as `loss(x1, x2, y)`.
 *
 * @example
 * new tg.nn.CosineEmbeddingLoss(0.2)(a, b, tg.tensor([1, -1]));
 */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, Tensor]> {
  readonly margin: number;
  readonly reduction: Reduction;

  constructor(...args: Args<[margin: number, ...Legacy, reduction: Reduction], MarginLossOptions>) {
    super();
    const a: Parsed = COSINE.parse(args);
    this.margin = a.margin as number;
    this.reduction = a.reduction as Reduction;
  }

  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `margin=${this.margin}, reduction=${this.reduction}`;
  }
}

/**
 * Triplet margin loss max(0, margin + d(a, p) − d(a, n)), as `torch.nn.TripletMarginLoss`; called as
 * `loss(anchor, positive, negative)`.
 *
 * @example
 * new tg.nn.TripletMarginLoss({ margin: 0.5, swap: true })(anchor, positive, negative);
 */
export class TripletMarginLoss extends Module<[Tensor, Tensor, Tensor]> {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  readonly reduction: Reduction;

  constructor(
    ...args: Args<[margin: number, p: number, eps: number, swap: boolean, ...Legacy, reduction: Reduction], TripletMarginLossOptions>
  ) {
    super();
    const a: Parsed = TRIPLET.parse(args);
    this.margin = a.margin as number;
    this.p = a.p as number;
    this.eps = a.eps as number;
    this.swap = a.swap as boolean;
    this.reduction = a.reduction as Reduction;
  }

  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, negative, {
      margin: this.margin,
      p: this.p,
      eps: this.eps,
      swap: this.swap,
      reduction: this.reduction,
    });
  }

  override extraRepr(): string {
    return `margin=${this.margin}, p=${this.p}, eps=${this.eps}, swap=${this.swap}, reduction=${this.reduction}`;
  }
}

/**
 * Poisson negative log-likelihood, as `torch.nn.PoissonNLLLoss`.
 *
 * @example
 * new tg.nn.PoissonNLLLoss({ logInput: false, full: true })(rates, counts);
 */
export class PoissonNLLLoss extends Module<[Tensor, Tensor]> {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  readonly reduction: Reduction;

  constructor(
    ...args: Args<
      [logInput: boolean, full: boolean, sizeAverage: null, eps: number, reduce: null, reduction: Reduction],
      PoissonNLLLossOptions
    >
  ) {
    super();
    const a: Parsed = POISSON.parse(args);
    this.logInput = a.logInput as boolean;
    this.full = a.full as boolean;
    this.eps = a.eps as number;
    this.reduction = a.reduction as Reduction;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `logInput=${this.logInput}, full=${this.full}, eps=${this.eps}, reduction=${this.reduction}`;
  }
}

/**
 * Gaussian negative log-likelihood, as `torch.nn.GaussianNLLLoss` (its options keyword-only, as PyTorch's);
 * called as `loss(input, target, var)`.
 *
 * @example
 * new tg.nn.GaussianNLLLoss({ full: true })(mean, y, variance);
 */
export class GaussianNLLLoss extends Module<[Tensor, Tensor, Tensor]> {
  readonly full: boolean;
  readonly eps: number;
  readonly reduction: Reduction;

  constructor(...args: [] | [options: GaussianNLLLossOptions]) {
    super();
    const a: Parsed = S.GAUSSIAN_NLL_LOSS_MODULE.parse(args);
    this.full = a.full as boolean;
    this.eps = a.eps as number;
    this.reduction = a.reduction as Reduction;
  }

  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `full=${this.full}, eps=${this.eps}, reduction=${this.reduction}`;
  }
}

/**
 * Soft margin loss ln(1 + e^(−y·x)), as `torch.nn.SoftMarginLoss`.
 *
 * @example
 * new tg.nn.SoftMarginLoss()(scores, tg.tensor([1, -1]));
 */
export class SoftMarginLoss extends Module<[Tensor, Tensor]> {
  readonly reduction: Reduction;

  constructor(...args: Args<[...Legacy, reduction: Reduction], ReductionOptions>) {
    super();
    this.reduction = SOFT_MARGIN.parse(args).reduction as Reduction;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return softMarginLoss(input, target, { reduction: this.reduction });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/**
 * Multi-label soft margin loss (per-class logistic losses averaged over the classes), as
 * `torch.nn.MultiLabelSoftMarginLoss`.
 *
 * @example
 * new tg.nn.MultiLabelSoftMarginLoss()(logits, tg.tensor([[1, 0, 1]]));
 */
export class MultiLabelSoftMarginLoss extends Module<[Tensor, Tensor]> {
  /** The class weights (a buffer), or null. */
  declare readonly weight: Tensor | null;
  readonly reduction: Reduction;

  constructor(...args: Args<[weight: Tensor | null, ...Legacy, reduction: Reduction], MultilabelSoftMarginLossOptions>) {
    super();
    const a: Parsed = MULTILABEL.parse(args);
    this.registerBuffer("weight", a.weight as Tensor | null);
    this.reduction = a.reduction as Reduction;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/**
 * Multi-class margin (hinge) loss, as `torch.nn.MultiMarginLoss`.
 *
 * @example
 * new tg.nn.MultiMarginLoss(2, 0.5)(scores, tg.tensor([2, 0], { dtype: "int32" }));
 */
export class MultiMarginLoss extends Module<[Tensor, Tensor]> {
  readonly p: 1 | 2;
  readonly margin: number;
  /** The class weights (a buffer), or null. */
  declare readonly weight: Tensor | null;
  readonly reduction: Reduction;

  constructor(...args: Args<[p: 1 | 2, margin: number, weight: Tensor | null, ...Legacy, reduction: Reduction], MultiMarginLossOptions>) {
    super();
    const a: Parsed = MULTI_MARGIN.parse(args);
    this.p = a.p as 1 | 2;
    this.margin = a.margin as number;
    this.registerBuffer("weight", a.weight as Tensor | null);
    this.reduction = a.reduction as Reduction;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `p=${this.p}, margin=${this.margin}, reduction=${this.reduction}`;
  }
}

/**
 * The connectionist temporal classification loss, as `torch.nn.CTCLoss`; called as
 * `loss(logProbs, targets, inputLengths, targetLengths)`.
 *
 * @example
 * const ctc = new tg.nn.CTCLoss({ zeroInfinity: true });
 * ctc(logProbs, targets, [50, 40], [3, 2]).backward();
 */
export class CTCLoss extends Module<[Tensor, Tensor, Lengths, Lengths]> {
  readonly blank: number;
  readonly reduction: Reduction;
  readonly zeroInfinity: boolean;

  constructor(...args: Args<[blank: number, reduction: Reduction, zeroInfinity: boolean], CTCLossOptions>) {
    super();
    const a: Parsed = CTC.parse(args);
    this.blank = a.blank as number;
    this.reduction = a.reduction as Reduction;
    this.zeroInfinity = a.zeroInfinity as boolean;
  }

  forward(logProbs: Tensor, targets: Tensor, inputLengths: Lengths, targetLengths: Lengths): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, {
      blank: this.blank,
      reduction: this.reduction,
      zeroInfinity: this.zeroInfinity,
    });
  }

  override extraRepr(): string {
    return `blank=${this.blank}, reduction=${this.reduction}, zeroInfinity=${this.zeroInfinity}`;
  }
}
