import { full } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/activation.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

// One module per activation, each a thin shell over its function in nn.functional.

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
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
  weight: Parameter;
  constructor(
    readonly numParameters = 1,
    init = 0.25,
  ) {
    super();
    this.weight = new Parameter(full([numParameters], init));
  }
  forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `numParameters=${this.numParameters}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
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
  forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return F.mish(x);
  }
}

export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
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
  constructor(
    readonly threshold: number,
    readonly value: number,
  ) {
    super();
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
  constructor(readonly pieces: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxout(x, this.pieces);
  }
  override extraRepr(): string {
    return `pieces=${this.pieces}`;
  }
}
