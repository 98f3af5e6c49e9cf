import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ones } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { checkP } from "../functional/dropout.js";
import { alphaDropout, localResponseNorm, rmsNorm } from "../functional/normalization_extra.js";
import { ones_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

const RMS_NORM = signature("RMSNorm", {
  normalizedShape: required(is.intOrInts),
  eps: arg(is.nullable(is.numberWhere("a non-negative number", (v) => v >= 0)), null),
  elementwiseAffine: arg(is.boolean, true),
  dtype: kw(is.floatDType, "float32"),
});
const LRN = signature("LocalResponseNorm", {
  size: required(is.posInt),
  alpha: arg(is.number, 1e-4),
  beta: arg(is.number, 0.75),
  k: arg(is.number, 1),
});
const ALPHA_DROPOUT = signature("AlphaDropout", {
  p: arg(is.number, 0.5),
  inplace: arg(is.only(false, "in-place dropout is not implemented"), false),
});

export interface RMSNormModuleOptions {
  /** Added to the mean square; default torch.finfo(dtype).eps. */
  eps?: number | null;
  /** A learnable per-element weight (ones); default true. */
  elementwiseAffine?: boolean;
  dtype?: "float32" | "float64";
}

/** Root-mean-square normalization over the last dims, as torch.nn.RMSNorm (state-dict key `weight`). */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  constructor(
    normalizedShape: number | readonly number[],
    ...rest: Args<[eps: number | null, elementwiseAffine: boolean], RMSNormModuleOptions>
  ) {
    super();
    const a = RMS_NORM.parse([normalizedShape, ...rest]);
    this.normalizedShape = typeof a.normalizedShape === "number" ? [a.normalizedShape] : [...a.normalizedShape];
    this.eps = a.eps;
    this.elementwiseAffine = a.elementwiseAffine;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype: a.dtype })) : null;
  }
  /** Weight to ones. */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
  }
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }
  override extraRepr(): string {
    return `[${this.normalizedShape.join(", ")}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

/** Normalizes each element by the squares of its `size` neighbouring channels, as torch.nn.LocalResponseNorm. */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(size: number, ...rest: Args<[alpha: number, beta: number, k: number], { alpha?: number; beta?: number; k?: number }>) {
    super();
    const a = LRN.parse([size, ...rest]);
    this.size = a.size;
    this.alpha = a.alpha;
    this.beta = a.beta;
    this.k = a.k;
  }
  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }
  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}

/** Alpha dropout for SELU networks (keeps zero mean and unit variance), in training mode only, as torch.nn.AlphaDropout. */
export class AlphaDropout extends Module {
  readonly p: number;
  constructor(...args: Args<[p: number, inplace: false], { p?: number; inplace?: false }>) {
    super();
    this.p = ALPHA_DROPOUT.parse(args).p;
    checkP(this.p, "AlphaDropout");
  }
  forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
