import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { full } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/activation.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

// One module per activation, each a thin shell over its function in nn.functional. Constructors read PyTorch's
// positional-or-keyword arguments through one signature each.

const NOT_INPLACE = is.only(false, "in-place is not implemented for this activation");
const none = (name: string) => signature(name, {});
const SIGMOID = none("Sigmoid");
const TANH = none("Tanh");
const RELU = signature("ReLU", { inplace: arg(is.boolean, false) });
const LEAKY_RELU = signature("LeakyReLU", { negativeSlope: arg(is.number, 0.01), inplace: arg(NOT_INPLACE, false) });
const PRELU = signature("PReLU", {
  numParameters: arg(is.posInt, 1),
  init: arg(is.number, 0.25),
  dtype: kw(is.floatDType, "float32"),
});
const ELU_SIG = signature("ELU", { alpha: arg(is.number, 1), inplace: arg(NOT_INPLACE, false) });
const GELU_SIG = signature("GELU", { approximate: arg(is.oneOf("none", "tanh"), "none") });
const SILU = signature("SiLU", { inplace: arg(NOT_INPLACE, false) });
const MISH = signature("Mish", { inplace: arg(NOT_INPLACE, false) });
const SOFTPLUS = signature("Softplus", { beta: arg(is.number, 1), threshold: arg(is.number, 20) });
const HARDTANH = signature("Hardtanh", { minVal: arg(is.number, -1), maxVal: arg(is.number, 1), inplace: arg(NOT_INPLACE, false) });
const softmaxSig = (name: string) => signature(name, { dim: arg(is.nullable(is.int), null) });
const SOFTMAX = softmaxSig("Softmax");
const LOG_SOFTMAX = softmaxSig("LogSoftmax");
const THRESHOLD = signature("Threshold", { threshold: required(is.number), value: required(is.number), inplace: arg(NOT_INPLACE, false) });
const MAXOUT = signature("Maxout", { pieces: required(is.posInt) });

/** PyTorch's Softmax(dim=None) on an input of rank 0, 1 or 3 uses dim 0, else dim 1 (its legacy rule, with a warning). */
const legacySoftmaxDim = (ndim: number): number => (ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1);

/** max(x, 0); `inplace: true` overwrites the input (`x.relu_()`), as PyTorch's ReLU(inplace=True). */
export class ReLU extends Module {
  readonly inplace: boolean;
  constructor(...args: Args<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.inplace = RELU.parse(args).inplace;
  }
  forward(x: Tensor): Tensor {
    return this.inplace ? x.relu_() : F.relu(x);
  }
  override extraRepr(): string {
    return this.inplace ? "inplace=true" : "";
  }
}

export class Sigmoid extends Module {
  constructor(...args: [] | [options: Record<string, never>]) {
    super();
    SIGMOID.parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

export class Tanh extends Module {
  constructor(...args: [] | [options: Record<string, never>]) {
    super();
    TANH.parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(...args: Args<[negativeSlope: number, inplace: false], { negativeSlope?: number; inplace?: false }>) {
    super();
    this.negativeSlope = LEAKY_RELU.parse(args).negativeSlope;
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** Leaky ReLU whose slope is learned: one shared slope, or one per channel (dim 1) with `numParameters`. */
export class PReLU extends Module {
  readonly numParameters: number;
  weight: Parameter;
  constructor(
    ...args: Args<[numParameters: number, init: number], { numParameters?: number; init?: number; dtype?: "float32" | "float64" }>
  ) {
    super();
    const a = PRELU.parse(args);
    this.numParameters = a.numParameters;
    this.weight = new Parameter(full([a.numParameters], a.init, { dtype: a.dtype }));
  }
  forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `numParameters=${this.numParameters}`;
  }
}

export class ELU extends Module {
  readonly alpha: number;
  constructor(...args: Args<[alpha: number, inplace: false], { alpha?: number; inplace?: false }>) {
    super();
    this.alpha = ELU_SIG.parse(args).alpha;
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class GELU extends Module {
  readonly approximate: "none" | "tanh";
  constructor(...args: Args<[approximate: "none" | "tanh"], { approximate?: "none" | "tanh" }>) {
    super();
    this.approximate = GELU_SIG.parse(args).approximate;
  }
  forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return `approximate=${this.approximate}`;
  }
}

/** x·σ(x), also called swish. */
export class SiLU extends Module {
  constructor(...args: Args<[inplace: false], { inplace?: false }>) {
    super();
    SILU.parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(...args: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    const a = SOFTPLUS.parse(args);
    this.beta = a.beta;
    this.threshold = a.threshold;
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

export class Mish extends Module {
  constructor(...args: Args<[inplace: false], { inplace?: false }>) {
    super();
    MISH.parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.mish(x);
  }
}

export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  constructor(...args: Args<[minVal: number, maxVal: number, inplace: false], { minVal?: number; maxVal?: number; inplace?: false }>) {
    super();
    const a = HARDTANH.parse(args);
    this.minVal = a.minVal;
    this.maxVal = a.maxVal;
  }
  forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/** Softmax along `dim`; with no dim, PyTorch's legacy choice (dim 0 for 0-, 1- and 3-D inputs, else dim 1). */
export class Softmax extends Module {
  readonly dim: number | null;
  constructor(...args: Args<[dim: number | null], { dim?: number | null }>) {
    super();
    this.dim = SOFTMAX.parse(args).dim;
  }
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim ?? legacySoftmaxDim(x.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Log-softmax along `dim`; with no dim, PyTorch's legacy choice (dim 0 for 0-, 1- and 3-D inputs, else dim 1). */
export class LogSoftmax extends Module {
  readonly dim: number | null;
  constructor(...args: Args<[dim: number | null], { dim?: number | null }>) {
    super();
    this.dim = LOG_SOFTMAX.parse(args).dim;
  }
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim ?? legacySoftmaxDim(x.ndim));
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * The McCulloch–Pitts threshold unit: x where x > threshold, else `value`. With threshold 0 and value 0
 * on a weighted sum minus a bias it is the lecture's step unit.
 */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  constructor(threshold: number, value: number, ...rest: Args<[inplace: false], { inplace?: false }>) {
    super();
    const a = THRESHOLD.parse([threshold, value, ...rest]);
    this.threshold = a.threshold;
    this.value = a.value;
  }
  forward(x: Tensor): Tensor {
    return F.threshold(x, this.threshold, this.value);
  }
  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}`;
  }
}

/** The max over `pieces` consecutive features of the last dim (apply after a Linear with k·pieces outputs). */
export class Maxout extends Module {
  readonly pieces: number;
  constructor(...args: [pieces: number]) {
    super();
    this.pieces = MAXOUT.parse(args).pieces;
  }
  forward(x: Tensor): Tensor {
    return F.maxout(x, this.pieces);
  }
  override extraRepr(): string {
    return `pieces=${this.pieces}`;
  }
}
