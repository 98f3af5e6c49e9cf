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

  constructor(normalizedShape: number | readonly number[], options: LayerNormModuleOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? "float32";
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = this.elementwiseAffine && options.bias !== false ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
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
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormModuleOptions = {},
  ) {
    super();
    if (!Number.isInteger(numGroups) || numGroups <= 0 || numChannels % numGroups !== 0) {
      throw new ValueError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    const dtype = options.dtype ?? "float32";
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
