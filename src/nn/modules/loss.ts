import type { Args } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/loss.js";
import * as S from "../functional/loss_args.js";
import { Module } from "../module.js";

// Each loss module holds its options and calls nn.functional; class weights are (persistent) buffers, as in PyTorch.
// A constructor reads its function's signature without (input, target), so `new CrossEntropyLoss(weight)` is PyTorch's.

type Legacy = [sizeAverage: null, reduce: null];
const MSE = S.MSE_LOSS.withoutFirst(2, "MSELoss");
const L1 = S.L1_LOSS.withoutFirst(2, "L1Loss");
const HUBER = S.HUBER_LOSS.withoutFirst(2, "HuberLoss");
const SMOOTH_L1 = S.SMOOTH_L1_LOSS.withoutFirst(2, "SmoothL1Loss");
const NLL = S.NLL_LOSS.withoutFirst(2, "NLLLoss");
const CE = S.CROSS_ENTROPY.withoutFirst(2, "CrossEntropyLoss");
const BCE = S.BCE.withoutFirst(2, "BCELoss");
const BCE_LOGITS = S.BCE_WITH_LOGITS.withoutFirst(2, "BCEWithLogitsLoss");
const KL = S.KL_DIV.withoutFirst(2, "KLDivLoss");

/** What `parse` gives a loss module: the values by name (their types are checked by the signature). */
type Parsed = Record<string, unknown>;

/** The shared base: a two-input module `loss(input, target)` with a reduction. */
abstract class Loss extends Module<[Tensor, Tensor]> {
  readonly reduction: F.Reduction;

  constructor(reduction: F.Reduction = "mean") {
    super();
    this.reduction = reduction;
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/**
 * Mean squared error, as `torch.nn.MSELoss`.
 *
 * @example
 * const loss = new tg.nn.MSELoss()(pred, y);
 */
export class MSELoss extends Loss {
  constructor(...args: Args<[...Legacy, reduction: F.Reduction], F.ReductionOptions>) {
    super(MSE.parse(args).reduction as F.Reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error, as `torch.nn.L1Loss`.
 *
 * @example
 * new tg.nn.L1Loss({ reduction: "sum" })(pred, y);
 */
export class L1Loss extends Loss {
  constructor(...args: Args<[...Legacy, reduction: F.Reduction], F.ReductionOptions>) {
    super(L1.parse(args).reduction as F.Reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Huber loss (quadratic below `delta`, linear above), as `torch.nn.HuberLoss`.
 *
 * @example
 * new tg.nn.HuberLoss({ delta: 0.5 })(pred, y);
 */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(...args: Args<[reduction: F.Reduction, delta: number], F.HuberLossOptions>) {
    const a: Parsed = HUBER.parse(args);
    super(a.reduction as F.Reduction);
    this.delta = a.delta as number;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}, delta=${this.delta}`;
  }
}

/**
 * Smooth L1 loss (quadratic below `beta`, linear above), as `torch.nn.SmoothL1Loss`.
 *
 * @example
 * new tg.nn.SmoothL1Loss({ beta: 1 / 9 })(boxes, targetBoxes);
 */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(...args: Args<[...Legacy, reduction: F.Reduction, beta: number], F.SmoothL1LossOptions>) {
    const a: Parsed = SMOOTH_L1.parse(args);
    super(a.reduction as F.Reduction);
    this.beta = a.beta as number;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}, beta=${this.beta}`;
  }
}

/**
 * Negative log-likelihood of class indices under log-probabilities, as `torch.nn.NLLLoss`.
 *
 * @example
 * const nll = new tg.nn.NLLLoss({ ignoreIndex: 0 });
 * nll(F.logSoftmax(logits, 1), labels);
 */
export class NLLLoss extends Loss {
  /** The class weights (a buffer), or null. */
  declare readonly weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(
    ...args: Args<[weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: F.Reduction], F.NLLLossOptions>
  ) {
    const a: Parsed = NLL.parse(args);
    super(a.reduction as F.Reduction);
    this.registerBuffer("weight", a.weight as Tensor | null);
    this.ignoreIndex = a.ignoreIndex as number;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}, ignoreIndex=${this.ignoreIndex}`;
  }
}

/**
 * Cross-entropy of logits against class indices or class probabilities, with class weights,
 * `ignoreIndex` and label smoothing, as `torch.nn.CrossEntropyLoss`.
 *
 * @example
 * const criterion = new tg.nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * criterion(model(x), labels).backward();
 */
export class CrossEntropyLoss extends Loss {
  /** The class weights (a buffer), or null. */
  declare readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(
    ...args: Args<
      [weight: Tensor | null, sizeAverage: null, ignoreIndex: number, reduce: null, reduction: F.Reduction, labelSmoothing: number],
      F.CrossEntropyOptions
    >
  ) {
    const a: Parsed = CE.parse(args);
    super(a.reduction as F.Reduction);
    this.registerBuffer("weight", a.weight as Tensor | null);
    this.ignoreIndex = a.ignoreIndex as number;
    this.labelSmoothing = a.labelSmoothing as number;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}, ignoreIndex=${this.ignoreIndex}, labelSmoothing=${this.labelSmoothing}`;
  }
}

/**
 * Binary cross-entropy of probabilities, as `torch.nn.BCELoss`.
 *
 * @example
 * new tg.nn.BCELoss()(probs, labels);
 */
export class BCELoss extends Loss {
  /** The per-element weights (a buffer), or null. */
  declare readonly weight: Tensor | null;

  constructor(...args: Args<[weight: Tensor | null, ...Legacy, reduction: F.Reduction], F.BCELossOptions>) {
    const a: Parsed = BCE.parse(args);
    super(a.reduction as F.Reduction);
    this.registerBuffer("weight", a.weight as Tensor | null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits (a sigmoid and BCE in one, numerically stable), as `torch.nn.BCEWithLogitsLoss`.
 *
 * @example
 * new tg.nn.BCEWithLogitsLoss({ posWeight: tg.tensor([2]) })(logits, labels);
 */
export class BCEWithLogitsLoss extends Loss {
  /** The per-element weights (a buffer), or null. */
  declare readonly weight: Tensor | null;
  /** The weights of the positive term (a buffer), or null. */
  declare readonly posWeight: Tensor | null;

  constructor(...args: Args<[weight: Tensor | null, ...Legacy, reduction: F.Reduction, posWeight: Tensor | null], F.BCEWithLogitsOptions>) {
    const a: Parsed = BCE_LOGITS.parse(args);
    super(a.reduction as F.Reduction);
    this.registerBuffer("weight", a.weight as Tensor | null);
    this.registerBuffer("posWeight", a.posWeight as Tensor | null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/**
 * KL divergence of log-probabilities `input` from `target`, as `torch.nn.KLDivLoss`; use
 * `reduction: "batchmean"` for the true KL.
 *
 * @example
 * new tg.nn.KLDivLoss({ reduction: "batchmean" })(F.logSoftmax(x, 1), probs);
 */
export class KLDivLoss extends Module<[Tensor, Tensor]> {
  readonly reduction: F.KLDivReduction;
  readonly logTarget: boolean;

  constructor(...args: Args<[...Legacy, reduction: F.KLDivReduction, logTarget: boolean], F.KLDivOptions>) {
    super();
    const a: Parsed = KL.parse(args);
    this.reduction = a.reduction as F.KLDivReduction;
    this.logTarget = a.logTarget as boolean;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}, logTarget=${this.logTarget}`;
  }
}
