import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { empty } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/linear.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { badInput, Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface LinearOptions {
  bias?: boolean;
  dtype?: "float32" | "float64";
}

const LINEAR = signature("Linear", {
  inFeatures: required(is.nonNegInt),
  outFeatures: required(is.nonNegInt),
  bias: arg(is.boolean, true),
  dtype: kw(is.floatDType, "float32"),
});

const BILINEAR = signature("Bilinear", {
  in1Features: required(is.nonNegInt),
  in2Features: required(is.nonNegInt),
  outFeatures: required(is.nonNegInt),
  bias: arg(is.boolean, true),
  dtype: kw(is.floatDType, "float32"),
});

const IDENTITY = signature("Identity", {});

/** Returns its input unchanged (a placeholder where a layer is optional). */
export class Identity extends Module {
  /** PyTorch's Identity takes and ignores any arguments; here there are none to give. */
  constructor(...args: [] | [options: Record<string, never>]) {
    super();
    IDENTITY.parse(args);
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * y = x·Wᵀ + b, weight [out, in]; initialized like PyTorch: W and b from U(−1/√in, 1/√in).
 *
 * @example
 * const fc = new tg.nn.Linear(784, 256);
 * fc(tg.randn([32, 784])).shape; // [32, 256]
 * new tg.nn.Linear(30, 200, false); // no bias, as torch.nn.Linear(30, 200, False)
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, ...rest: Args<[bias: boolean], LinearOptions>) {
    super();
    const a = LINEAR.parse([inFeatures, outFeatures, ...rest]);
    this.inFeatures = a.inFeatures;
    this.outFeatures = a.outFeatures;
    this.weight = new Parameter(empty([a.outFeatures, a.inFeatures], { dtype: a.dtype }));
    this.bias = a.bias ? new Parameter(empty([a.outFeatures], { dtype: a.dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      badInput(`Linear(in=${this.inFeatures}, out=${this.outFeatures})`, `[..., ${this.inFeatures}]`, x.shape);
    }
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** y = x1ᵀ·A·x2 + b, weight [out, in1, in2], initialized from U(−1/√in1, 1/√in1) like PyTorch. */
export class Bilinear extends Module<[Tensor, Tensor]> {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, ...rest: Args<[bias: boolean], LinearOptions>) {
    super();
    const a = BILINEAR.parse([in1Features, in2Features, outFeatures, ...rest]);
    this.in1Features = a.in1Features;
    this.in2Features = a.in2Features;
    this.outFeatures = a.outFeatures;
    this.weight = new Parameter(empty([a.outFeatures, a.in1Features, a.in2Features], { dtype: a.dtype }));
    this.bias = a.bias ? new Parameter(empty([a.outFeatures], { dtype: a.dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    uniform_(this.weight, -bound, bound);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
