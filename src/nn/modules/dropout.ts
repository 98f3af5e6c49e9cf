import { type Args, arg, is, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { channelDropout, checkP, dropout } from "../functional/dropout.js";
import { Module } from "../module.js";

/**
 * Randomly zeroes elements with probability `p` in training mode (scaling the rest by 1/(1 − p)); does
 * nothing in eval mode.
 *
 * @example
 * const drop = new tg.nn.Dropout(0.2); drop.eval(); // now the identity
 */
export class Dropout extends Module {
  readonly p: number;
  constructor(...args: Args<[p: number, inplace: false], { p?: number; inplace?: false }>) {
    super();
    const name = new.target.name;
    this.p = signature(name, {
      p: arg(is.number, 0.5),
      inplace: arg(is.only(false, "in-place dropout is not implemented"), false),
    }).parse(args).p;
    checkP(this.p, name);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Zeroes whole channels of [N, C, L] inputs with probability `p` in training mode. */
export class Dropout1d extends Dropout {
  override forward(x: Tensor): Tensor {
    return channelDropout(x, this.p, this.training);
  }
}

/** Zeroes whole channels of [N, C, H, W] inputs with probability `p` in training mode. */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return channelDropout(x, this.p, this.training);
  }
}
