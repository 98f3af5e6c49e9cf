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
  constructor(readonly p = 0.5) {
    super();
    checkP(p, "Dropout");
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
