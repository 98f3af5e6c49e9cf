import { type Args, arg, is, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/activation_extra.js";
import { Module } from "../module.js";

// Modules for the activations in functional/activation_extra.ts, with PyTorch's constructor arguments.

const NOT_INPLACE = arg(is.only(false, "in-place is not implemented for this activation"), false);
const inplaceOnly = (name: string) => signature(name, { inplace: NOT_INPLACE });
const none = (name: string) => signature(name, {});
type Inplace = Args<[inplace: false], { inplace?: false }>;
type NoArgs = [] | [options: Record<string, never>];

/** min(max(x, 0), 6). */
export class ReLU6 extends Module {
  constructor(...args: Inplace) {
    super();
    inplaceOnly("ReLU6").parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.relu6(x);
  }
}

/** Scaled ELU with SELU's fixed constants (self-normalizing networks). */
export class SELU extends Module {
  constructor(...args: Inplace) {
    super();
    inplaceOnly("SELU").parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.selu(x);
  }
}

/** x where x > 0, else alpha·(e^(x/alpha) − 1). */
export class CELU extends Module {
  readonly alpha: number;
  constructor(...args: Args<[alpha: number, inplace: false], { alpha?: number; inplace?: false }>) {
    super();
    this.alpha = signature("CELU", { alpha: arg(is.number, 1), inplace: NOT_INPLACE }).parse(args).alpha;
  }
  forward(x: Tensor): Tensor {
    return F.celu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** relu6(x + 3)/6. */
export class Hardsigmoid extends Module {
  constructor(...args: Inplace) {
    super();
    inplaceOnly("Hardsigmoid").parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.hardsigmoid(x);
  }
}

/** x·relu6(x + 3)/6. */
export class Hardswish extends Module {
  constructor(...args: Inplace) {
    super();
    inplaceOnly("Hardswish").parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.hardswish(x);
  }
}

/** x where |x| > lambd, else 0. */
export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(...args: Args<[lambd: number], { lambd?: number }>) {
    super();
    this.lambd = signature("Hardshrink", { lambd: arg(is.number, 0.5) }).parse(args).lambd;
  }
  forward(x: Tensor): Tensor {
    return F.hardshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return `lambd=${this.lambd}`;
  }
}

/** Shrinks toward 0 by lambd, 0 inside [−lambd, lambd]. */
export class Softshrink extends Module {
  readonly lambd: number;
  constructor(...args: Args<[lambd: number], { lambd?: number }>) {
    super();
    this.lambd = signature("Softshrink", { lambd: arg(is.number, 0.5) }).parse(args).lambd;
  }
  forward(x: Tensor): Tensor {
    return F.softshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return `lambd=${this.lambd}`;
  }
}

/** x − tanh x. */
export class Tanhshrink extends Module {
  constructor(...args: NoArgs) {
    super();
    none("Tanhshrink").parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.tanhshrink(x);
  }
}

/** ln σ(x), stable. */
export class LogSigmoid extends Module {
  constructor(...args: NoArgs) {
    super();
    none("LogSigmoid").parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.logsigmoid(x);
  }
}

/** x/(1 + |x|). */
export class Softsign extends Module {
  constructor(...args: NoArgs) {
    super();
    none("Softsign").parse(args);
  }
  forward(x: Tensor): Tensor {
    return F.softsign(x);
  }
}

/** softmax(−x) along `dim`. */
export class Softmin extends Module {
  readonly dim: number | null;
  constructor(...args: Args<[dim: number | null], { dim?: number | null }>) {
    super();
    this.dim = signature("Softmin", { dim: arg(is.nullable(is.int), null) }).parse(args).dim;
  }
  forward(x: Tensor): Tensor {
    return F.softmin(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Gated linear unit over `dim` (default −1): first half · σ(second half). */
export class GLU extends Module {
  readonly dim: number;
  constructor(...args: Args<[dim: number], { dim?: number }>) {
    super();
    this.dim = signature("GLU", { dim: arg(is.int, -1) }).parse(args).dim;
  }
  forward(x: Tensor): Tensor {
    return F.glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
