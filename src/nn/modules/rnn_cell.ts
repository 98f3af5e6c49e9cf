import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ShapeError } from "../../errors.js";
import { empty, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { linear } from "../functional/linear.js";
import { uniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { gruStep, lstmStep, rnnStep } from "./rnn_math.js";

// One step of each recurrent layer, as torch.nn.RNNCell / LSTMCell / GRUCell: parameters weight_ih [gates·H, in],
// weight_hh [gates·H, H], bias_ih, bias_hh; input [B, in] or [in] (unbatched), state [B, H] or [H], zeros if omitted.

export interface RNNCellOptions {
  bias?: boolean;
  nonlinearity?: "tanh" | "relu";
  dtype?: "float32" | "float64";
}

export interface CellOptions {
  bias?: boolean;
  dtype?: "float32" | "float64";
}

const cellParams = {
  inputSize: required(is.nonNegInt),
  hiddenSize: required(is.posInt),
  bias: arg(is.boolean, true),
};
const RNN_CELL = signature("RNNCell", {
  ...cellParams,
  nonlinearity: arg(is.oneOf("tanh", "relu"), "tanh"),
  dtype: kw(is.floatDType, "float32"),
});
const LSTM_CELL = signature("LSTMCell", { ...cellParams, dtype: kw(is.floatDType, "float32") });
const GRU_CELL = signature("GRUCell", { ...cellParams, dtype: kw(is.floatDType, "float32") });

abstract class CellBase<HX, Out> extends Module<[input: Tensor, hx?: HX | null], Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  constructor(gates: number, a: { inputSize: number; hiddenSize: number; bias: boolean; dtype: "float32" | "float64" }) {
    super();
    this.inputSize = a.inputSize;
    this.hiddenSize = a.hiddenSize;
    const G = gates * a.hiddenSize;
    this.weight_ih = new Parameter(empty([G, a.inputSize], { dtype: a.dtype }));
    this.weight_hh = new Parameter(empty([G, a.hiddenSize], { dtype: a.dtype }));
    this.bias_ih = a.bias ? new Parameter(empty([G], { dtype: a.dtype })) : null;
    this.bias_hh = a.bias ? new Parameter(empty([G], { dtype: a.dtype })) : null;
    this.resetParameters();
  }

  /** Every weight and bias from U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const w of this.parameters()) uniform_(w, -bound, bound);
  }

  /** The input as [B, in] (adding a batch dim when unbatched), checked. */
  protected batched(x: Tensor): Tensor {
    const name = this.constructor.name;
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${name}: expected input of shape [B, ${this.inputSize}] or [${this.inputSize}], got [${x.shape.join(", ")}]`);
    }
    return x.ndim === 1 ? x.unsqueeze(0) : x;
  }

  /** A state [B, H] (or [H] when the input is unbatched), checked; zeros when null. */
  protected state(h: Tensor | null | undefined, x: Tensor, unbatched: boolean, what: string): Tensor {
    if (h === null || h === undefined) return zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype, device: x.device });
    const expected = unbatched ? [this.hiddenSize] : [x.shape[0], this.hiddenSize];
    if (h.ndim !== expected.length || h.shape.some((s, i) => s !== expected[i])) {
      throw new ShapeError(`${this.constructor.name}: expected ${what} of shape [${expected.join(", ")}], got [${h.shape.join(", ")}]`);
    }
    return unbatched ? h.unsqueeze(0) : h;
  }

  protected project(x: Tensor): Tensor {
    return linear(x, this.weight_ih, this.bias_ih);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? "" : ", bias=false"}`;
  }
}

/**
 * One Elman RNN step, as `torch.nn.RNNCell`: h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu).
 *
 * @example
 * const cell = new tg.nn.RNNCell(10, 20);
 * let h = cell(tg.randn([3, 10])); // [3, 20]
 * h = cell(tg.randn([3, 10]), h);
 */
export class RNNCell extends CellBase<Tensor, Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, ...rest: Args<[bias: boolean, nonlinearity: "tanh" | "relu"], RNNCellOptions>) {
    const a = RNN_CELL.parse([inputSize, hiddenSize, ...rest]);
    super(1, a);
    this.nonlinearity = a.nonlinearity;
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const x = this.batched(input);
    const h = this.state(hx, x, input.ndim === 1, "hx");
    const out = rnnStep(this.project(x), h, this.weight_hh, this.bias_hh, this.nonlinearity);
    return input.ndim === 1 ? out.squeeze(0) : out;
  }
  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === "relu" ? ", nonlinearity=relu" : ""}`;
  }
}

/**
 * One LSTM step, as `torch.nn.LSTMCell` (gates i, f, g, o): returns [h', c'].
 *
 * @example
 * const cell = new tg.nn.LSTMCell(10, 20);
 * const [h, c] = cell(tg.randn([3, 10])); // both [3, 20]
 */
export class LSTMCell extends CellBase<[Tensor, Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, ...rest: Args<[bias: boolean], CellOptions>) {
    super(4, LSTM_CELL.parse([inputSize, hiddenSize, ...rest]));
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const x = this.batched(input);
    const unbatched = input.ndim === 1;
    const h = this.state(hx?.[0], x, unbatched, "h");
    const c = this.state(hx?.[1], x, unbatched, "c");
    const [h2, c2] = lstmStep(this.project(x), h, c, this.weight_hh, this.bias_hh, null);
    return unbatched ? [h2.squeeze(0), c2.squeeze(0)] : [h2, c2];
  }
}

/**
 * One GRU step, as `torch.nn.GRUCell` (gates r, z, n).
 *
 * @example
 * const cell = new tg.nn.GRUCell(10, 20);
 * const h = cell(tg.randn([3, 10])); // [3, 20]
 */
export class GRUCell extends CellBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, ...rest: Args<[bias: boolean], CellOptions>) {
    super(3, GRU_CELL.parse([inputSize, hiddenSize, ...rest]));
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const x = this.batched(input);
    const h = this.state(hx, x, input.ndim === 1, "hx");
    const out = gruStep(this.project(x), h, this.weight_hh, this.bias_hh);
    return input.ndim === 1 ? out.squeeze(0) : out;
  }
}
