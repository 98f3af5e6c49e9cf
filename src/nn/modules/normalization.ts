import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ValueError } from "../../errors.js";
import { ones, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { groupNorm, layerNorm } from "../functional/normalization.js";
import { ones_, zeros_ } from "../init.js";
import { badInput, Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface LayerNormModuleOptions {
  /** Added to the variance before the square root; default 1e-5. */
  eps?: number;
  /** Learnable elementwise weight (ones) and bias (zeros) shaped like normalizedShape; default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether to learn the bias too; default true. */
  bias?: boolean;
  dtype?: "float32" | "float64";
}

const LAYER_NORM = signature("LayerNorm", {
  normalizedShape: required(is.or(is.posInt, is.ints)),
  eps: arg(
    is.numberWhere("a non-negative number", (v) => v >= 0),
    1e-5,
  ),
  elementwiseAffine: arg(is.boolean, true),
  bias: arg(is.boolean, true),
  dtype: kw(is.floatDType, "float32"),
});

const GROUP_NORM = signature("GroupNorm", {
  numGroups: required(is.posInt),
  numChannels: required(is.posInt),
  eps: arg(
    is.numberWhere("a non-negative number", (v) => v >= 0),
    1e-5,
  ),
  affine: arg(is.boolean, true),
  dtype: kw(is.floatDType, "float32"),
});

/**
 * Layer normalization over the last dims, as `torch.nn.LayerNorm`: each [..., *normalizedShape] slice is
 * normalized to mean 0 and variance 1, then scaled and shifted elementwise.
 *
 * @example
 * const ln = new tg.nn.LayerNorm(64);
 * ln(tg.randn([8, 10, 64])).shape; // [8, 10, 64]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(
    normalizedShape: number | readonly number[],
    ...rest: Args<[eps: number, elementwiseAffine: boolean, bias: boolean], LayerNormModuleOptions>
  ) {
    super();
    const a = LAYER_NORM.parse([normalizedShape, ...rest]);
    this.normalizedShape = typeof a.normalizedShape === "number" ? [a.normalizedShape] : [...a.normalizedShape];
    this.eps = a.eps;
    this.elementwiseAffine = a.elementwiseAffine;
    const dtype = a.dtype;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = this.elementwiseAffine && a.bias ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  /** Weight to ones, bias to zeros. */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.ndim < k || this.normalizedShape.some((s, i) => x.shape[x.ndim - k + i] !== s)) {
      badInput(`LayerNorm([${this.normalizedShape.join(", ")}])`, `[*, ${this.normalizedShape.join(", ")}]`, x.shape);
    }
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(", ")}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

export interface GroupNormModuleOptions {
  /** Added to the variance before the square root; default 1e-5. */
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros); default true. */
  affine?: boolean;
  dtype?: "float32" | "float64";
}

/**
 * Group normalization, as `torch.nn.GroupNorm`: the channels of [N, C, *] inputs are split into
 * `numGroups` groups normalized separately per sample, then a per-channel affine transform.
 *
 * @example
 * const gn = new tg.nn.GroupNorm(4, 16); // 4 groups of 4 channels
 * gn(tg.randn([2, 16, 8, 8])).shape; // [2, 16, 8, 8]
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, ...rest: Args<[eps: number, affine: boolean], GroupNormModuleOptions>) {
    super();
    const a = GROUP_NORM.parse([numGroups, numChannels, ...rest]);
    this.numGroups = a.numGroups;
    this.numChannels = a.numChannels;
    if (!Number.isInteger(numGroups) || numGroups <= 0 || numChannels % numGroups !== 0) {
      throw new ValueError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    this.eps = a.eps;
    this.affine = a.affine;
    const dtype = a.dtype;
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  /** Weight to ones, bias to zeros. */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      badInput(`GroupNorm(${this.numGroups}, ${this.numChannels})`, `[N, ${this.numChannels}, *]`, x.shape);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}
