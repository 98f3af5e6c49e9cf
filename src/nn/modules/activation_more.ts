import { type Args, arg, is, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { softmax } from "../functional/activation.js";
import { rrelu } from "../functional/rrelu.js";
import { badInput, Module } from "../module.js";

const RRELU = signature("RReLU", {
  lower: arg(is.number, 1 / 8),
  upper: arg(is.number, 1 / 3),
  inplace: arg(is.only(false, "in-place RReLU is not implemented"), false),
});

/**
 * Randomized leaky ReLU: in training mode each negative element gets a slope drawn from U(lower, upper) (seeded by
 * `tg.manualSeed`), in eval mode the fixed slope (lower + upper)/2.
 *
 * @example
 * const act = new tg.nn.RReLU(0.1, 0.3);
 * act.eval(); act(tg.tensor([-1, 2])); // [-0.2, 2]
 */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  constructor(...args: Args<[lower: number, upper: number, inplace: false], { lower?: number; upper?: number; inplace?: false }>) {
    super();
    const a = RRELU.parse(args);
    this.lower = a.lower;
    this.upper = a.upper;
  }
  forward(x: Tensor): Tensor {
    return rrelu(x, this.lower, this.upper, this.training);
  }
  override extraRepr(): string {
    return `lower=${this.lower}, upper=${this.upper}`;
  }
}

/**
 * Softmax over the channels of [N, C, H, W] or [C, H, W] inputs (dim −3): at each position the C values sum to 1.
 *
 * @example
 * new tg.nn.Softmax2d()(tg.randn([2, 3, 4, 4])).sum(1); // all ones
 */
export class Softmax2d extends Module {
  constructor(...args: [] | [options: Record<string, never>]) {
    super();
    signature("Softmax2d", {}).parse(args);
  }
  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) badInput(this.describe(), "a 3-D [C, H, W] or 4-D [N, C, H, W] tensor", x.shape);
    return softmax(x, -3);
  }
}
