import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { empty, tensor, zeros } from "../../ops/creation.js";
import { cat, stack } from "../../ops/join.js";
import type { Tensor } from "../../tensor/tensor.js";
import { checkP, dropout } from "../functional/dropout.js";
import { linear } from "../functional/linear.js";
import { uniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { PackedSequence, padPackedSequence } from "../utils/rnn.js";
import { unbindSteps } from "./rnn_fused.js";
import { gruStep, lstmStep, rnnStep } from "./rnn_math.js";

// nn.RNN, nn.LSTM and nn.GRU as torch.nn: stacked, optionally bidirectional, with PyTorch's parameter names and
// layout (weight_ih_l0 [gates·H, in], weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0 for projSize, *_reverse).
// Each layer projects the whole input sequence for all gates in one matmul, then steps through time with one matmul
// per step and the gate math (one fused op where the backend has the cell kernels, else composed: rnn_math.ts).

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Options shared by RNN, LSTM and GRU (PyTorch's keywords, camelCase). */
export interface RNNBaseOptions {
  /** Stacked layers; default 1. */
  numLayers?: number;
  /** Whether the layers have bias_ih / bias_hh; default true. */
  bias?: boolean;
  /** Input and output are [B, T, *] instead of [T, B, *] (the states stay [layers·directions, B, H]); default false. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, while training; default 0. */
  dropout?: number;
  /** Run a second set of layers backwards in time and concatenate; default false. */
  bidirectional?: boolean;
  dtype?: "float32" | "float64";
}

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: "tanh" | "relu";
}

export interface LSTMOptions extends RNNBaseOptions {
  /** If > 0, h is projected to this size by weight_hr (PyTorch's LSTM with projections); default 0. */
  projSize?: number;
}

const common = {
  inputSize: required(is.nonNegInt),
  hiddenSize: required(is.posInt),
  numLayers: arg(is.posInt, 1),
};
const tail = {
  bias: arg(is.boolean, true),
  batchFirst: arg(is.boolean, false),
  dropout: arg(is.number, 0),
  bidirectional: arg(is.boolean, false),
};
const RNN_SIG = signature("RNN", {
  ...common,
  nonlinearity: arg(is.oneOf("tanh", "relu"), "tanh"),
  ...tail,
  dtype: kw(is.floatDType, "float32"),
});
const LSTM_SIG = signature("LSTM", { ...common, ...tail, projSize: arg(is.nonNegInt, 0), dtype: kw(is.floatDType, "float32") });
const GRU_SIG = signature("GRU", { ...common, ...tail, dtype: kw(is.floatDType, "float32") });

interface LayerWeights {
  wIH: Tensor;
  wHH: Tensor;
  bIH: Tensor | null;
  bHH: Tensor | null;
  wHR: Tensor | null;
}

const shapeStr = (s: readonly number[]) => `[${s.join(", ")}]`;

/** The shared machinery of RNN, LSTM and GRU: parameters, shapes, layers, directions and packed input. */
abstract class RNNBase<HX, Out> extends Module<[input: Tensor | PackedSequence, hx?: HX | null], [Tensor | PackedSequence, Out]> {
  readonly mode: Mode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;

  constructor(
    mode: Mode,
    fn: string,
    a: {
      inputSize: number;
      hiddenSize: number;
      numLayers: number;
      bias: boolean;
      batchFirst: boolean;
      dropout: number;
      bidirectional: boolean;
      projSize: number;
      dtype: "float32" | "float64";
    },
  ) {
    super();
    checkP(a.dropout, fn);
    if (a.projSize >= a.hiddenSize) {
      throw new ValueError(`${fn}: projSize has to be smaller than hiddenSize (${a.hiddenSize}), got ${a.projSize}`);
    }
    this.mode = mode;
    this.inputSize = a.inputSize;
    this.hiddenSize = a.hiddenSize;
    this.numLayers = a.numLayers;
    this.bias = a.bias;
    this.batchFirst = a.batchFirst;
    this.dropout = a.dropout;
    this.bidirectional = a.bidirectional;
    this.projSize = a.projSize;
    const G = GATES[mode] * a.hiddenSize;
    const realH = a.projSize > 0 ? a.projSize : a.hiddenSize;
    const dirs = a.bidirectional ? 2 : 1;
    const self = this as unknown as Record<string, Parameter>;
    const p = (shape: number[]) => new Parameter(empty(shape, { dtype: a.dtype }));
    for (let l = 0; l < a.numLayers; l++) {
      const inSize = l === 0 ? a.inputSize : realH * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? "_reverse" : ""}`;
        self[`weight_ih${sfx}`] = p([G, inSize]);
        self[`weight_hh${sfx}`] = p([G, realH]);
        if (a.bias) {
          self[`bias_ih${sfx}`] = p([G]);
          self[`bias_hh${sfx}`] = p([G]);
        }
        if (a.projSize > 0) self[`weight_hr${sfx}`] = p([a.projSize, a.hiddenSize]);
      }
    }
    this.resetParameters();
  }

  /** Every weight and bias from U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const w of this.parameters()) uniform_(w, -bound, bound);
  }

  protected get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  protected get outHidden(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  private weights(l: number, d: number): LayerWeights {
    const sfx = `_l${l}${d === 1 ? "_reverse" : ""}`;
    const self = this as unknown as Record<string, Parameter | undefined>;
    return {
      wIH: self[`weight_ih${sfx}`] as Parameter,
      wHH: self[`weight_hh${sfx}`] as Parameter,
      bIH: self[`bias_ih${sfx}`] ?? null,
      bHH: self[`bias_hh${sfx}`] ?? null,
      wHR: self[`weight_hr${sfx}`] ?? null,
    };
  }

  protected get fnName(): string {
    return this.mode === "LSTM" ? "LSTM" : this.mode === "GRU" ? "GRU" : "RNN";
  }

  /** Checks a state [layers·directions, B, size] (or [layers·directions, size] unbatched). */
  protected checkState(h: Tensor, batch: number | null, size: number, what: string): void {
    const expected = batch === null ? [this.numLayers * this.numDirections, size] : [this.numLayers * this.numDirections, batch, size];
    if (h.ndim !== expected.length || h.shape.some((s, i) => s !== expected[i])) {
      throw new ShapeError(`${this.fnName}: expected ${what} of shape ${shapeStr(expected)}, got ${shapeStr(h.shape)}`);
    }
  }

  /**
   * Runs every layer and direction over x [T, B, in]. `states[k]` is the initial state k (h, and c for LSTM) as
   * [layers·directions, B, *]; `lengths` (for packed input) masks the steps past each sequence's end. Returns the
   * output [T, B, D·H] and the final states.
   */
  protected run(x: Tensor, states: Tensor[], lengths: number[] | null): [Tensor, Tensor[]] {
    const [T, B] = x.shape;
    const dirs = this.numDirections;
    const masks = lengths
      ? Array.from({ length: T }, (_, t) =>
          tensor(
            lengths.map((n) => [t < n]),
            { device: x.device },
          ),
        )
      : null;
    const finals: Tensor[][] = states.map(() => []);
    let layerIn = x;
    for (let l = 0; l < this.numLayers; l++) {
      const dirOuts: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        let w = this.weights(l, d);
        // b_hh adds to the gates alongside b_ih (all but GRU's n gate, which scales it by r): folded into the input
        // projection's bias once per sequence, it costs no add forward and no sum backward per step.
        if (this.mode !== "GRU" && w.bIH && w.bHH) w = { ...w, bIH: w.bIH.add(w.bHH), bHH: null };
        const xp = linear(layerIn, w.wIH, w.bIH);
        let st = states.map((s) => s.select(0, l * dirs + d));
        const xs = unbindSteps(xp);
        const outs = new Array<Tensor>(T);
        for (let k = 0; k < T; k++) {
          const t = d === 0 ? k : T - 1 - k;
          const next = this.step(xs[t], st, w);
          if (masks) {
            const m = masks[t];
            outs[t] = next[0].where(m, 0);
            st = next.map((s, i) => s.where(m, st[i]));
          } else {
            outs[t] = next[0];
            st = next;
          }
        }
        st.forEach((s, i) => {
          finals[i].push(s);
        });
        dirOuts.push(T > 0 ? stack(outs) : zeros([0, B, this.outHidden], { dtype: x.dtype, device: x.device }));
      }
      layerIn = dirs === 1 ? dirOuts[0] : cat(dirOuts, 2);
      if (l < this.numLayers - 1 && this.dropout > 0) layerIn = dropout(layerIn, this.dropout, this.training);
    }
    return [layerIn, finals.map((f) => stack(f))];
  }

  private step(xp: Tensor, st: Tensor[], w: LayerWeights): Tensor[] {
    switch (this.mode) {
      case "RNN_TANH":
        return [rnnStep(xp, st[0], w.wHH, w.bHH, "tanh")];
      case "RNN_RELU":
        return [rnnStep(xp, st[0], w.wHH, w.bHH, "relu")];
      case "LSTM":
        return lstmStep(xp, st[0], st[1], w.wHH, w.bHH, w.wHR);
      case "GRU":
        return [gruStep(xp, st[0], w.wHH, w.bHH)];
    }
  }

  /** Sizes of the states: [h] or [h, c]. */
  protected abstract stateSizes(): number[];
  protected abstract unpackState(hx: HX): Tensor[];
  protected abstract packState(states: Tensor[]): Out;

  forward(input: Tensor | PackedSequence, hx: HX | null = null): [Tensor | PackedSequence, Out] {
    const fn = this.fnName;
    const names = this.stateSizes().length === 2 ? ["h0", "c0"] : ["hx"];
    let x: Tensor;
    let lengths: number[] | null = null;
    let unbatched = false;
    if (input instanceof PackedSequence) {
      const [padded, lens] = padPackedSequence(input);
      x = padded;
      lengths = Array.from(lens.toArray(), Number);
    } else {
      if (input.ndim !== 2 && input.ndim !== 3) {
        throw new ShapeError(`${fn}: expected input to be 2-D (unbatched) or 3-D, got ${input.ndim}-D ${shapeStr(input.shape)}`);
      }
      unbatched = input.ndim === 2;
      x = unbatched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    }
    if (x.shape[2] !== this.inputSize) {
      throw new ShapeError(`${fn}: input.size(-1) must be equal to inputSize (${this.inputSize}), got ${shapeStr(x.shape)}`);
    }
    const B = x.shape[1];
    const LD = this.numLayers * this.numDirections;
    let states: Tensor[];
    if (hx === null || hx === undefined) {
      states = this.stateSizes().map((s) => zeros([LD, B, s], { dtype: x.dtype, device: x.device }));
    } else {
      states = this.unpackState(hx);
      states.forEach((s, i) => {
        this.checkState(s, unbatched ? null : B, this.stateSizes()[i], names[i]);
      });
      if (unbatched) states = states.map((s) => s.unsqueeze(1));
    }
    const [out, finals] = this.run(x, states, lengths);
    if (input instanceof PackedSequence) return [repack(out, input), this.packState(finals)];
    if (unbatched) return [out.squeeze(1), this.packState(finals.map((s) => s.squeeze(1)))];
    return [this.batchFirst ? out.transpose(0, 1) : out, this.packState(finals)];
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.projSize !== 0) parts.push(`projSize=${this.projSize}`);
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.mode === "RNN_RELU") parts.push("nonlinearity=relu");
    if (!this.bias) parts.push("bias=false");
    if (this.batchFirst) parts.push("batchFirst=true");
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push("bidirectional=true");
    return parts.join(", ");
  }
}

/** The padded output [T, B, *] (original batch order) packed like `like`. */
function repack(out: Tensor, like: PackedSequence): PackedSequence {
  const B = out.shape[1];
  const bs = like._batchSizes;
  const sorted = like._sorted;
  const idx: number[] = [];
  bs.forEach((n, t) => {
    for (let p = 0; p < n; p++) idx.push(t * B + sorted[p]);
  });
  const flat = out.reshape([out.shape[0] * B, ...out.shape.slice(2)]);
  const data = flat.indexSelect(0, tensor(idx, { dtype: "int32", device: out.device }));
  return new PackedSequence(data, like.batchSizes, like.sortedIndices, like.unsortedIndices);
}

/**
 * An Elman RNN, as `torch.nn.RNN`: h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) (or relu). Input
 * [T, B, inputSize] ([B, T, inputSize] with batchFirst, [T, inputSize] unbatched, or a PackedSequence); returns
 * [output [T, B, D·H], h_n [layers·D, B, H]].
 *
 * @example
 * const rnn = new tg.nn.RNN(10, 20, 2);
 * const [out, h] = rnn(tg.randn([5, 3, 10])); // out [5, 3, 20], h [2, 3, 20]
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge gives the call its input-dependent type.
export class RNN extends RNNBase<Tensor, Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(
    inputSize: number,
    hiddenSize: number,
    ...rest: Args<
      [numLayers: number, nonlinearity: "tanh" | "relu", bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean],
      RNNOptions
    >
  ) {
    const a = RNN_SIG.parse([inputSize, hiddenSize, ...rest]);
    super(a.nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU", "RNN", { ...a, projSize: 0 });
    this.nonlinearity = a.nonlinearity;
  }
  protected stateSizes(): number[] {
    return [this.hiddenSize];
  }
  protected unpackState(hx: Tensor): Tensor[] {
    return [hx];
  }
  protected packState(states: Tensor[]): Tensor {
    return states[0];
  }
}

/**
 * A long short-term memory layer, as `torch.nn.LSTM` (gates i, f, g, o; projSize as PyTorch). Returns
 * [output, [h_n, c_n]]; the initial state is [h0, c0] or zeros.
 *
 * @example
 * const lstm = new tg.nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const [out, [h, c]] = lstm(tg.randn([3, 5, 10])); // out [3, 5, 20], h and c [2, 3, 20]
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge gives the call its input-dependent type.
export class LSTM extends RNNBase<[Tensor, Tensor], [Tensor, Tensor]> {
  constructor(
    inputSize: number,
    hiddenSize: number,
    ...rest: Args<
      [numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean, projSize: number],
      LSTMOptions
    >
  ) {
    const a = LSTM_SIG.parse([inputSize, hiddenSize, ...rest]);
    super("LSTM", "LSTM", a);
  }
  protected stateSizes(): number[] {
    return [this.outHidden, this.hiddenSize];
  }
  protected unpackState(hx: [Tensor, Tensor]): Tensor[] {
    if (!Array.isArray(hx) || hx.length !== 2) throw new ValueError("LSTM: hx must be [h0, c0] (two tensors) or null");
    return [hx[0], hx[1]];
  }
  protected packState(states: Tensor[]): [Tensor, Tensor] {
    return [states[0], states[1]];
  }
}

/**
 * A gated recurrent unit layer, as `torch.nn.GRU` (gates r, z, n). Returns [output, h_n].
 *
 * @example
 * const gru = new tg.nn.GRU(10, 20, { bidirectional: true });
 * const [out, h] = gru(tg.randn([5, 3, 10])); // out [5, 3, 40], h [2, 3, 20]
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge gives the call its input-dependent type.
export class GRU extends RNNBase<Tensor, Tensor> {
  constructor(
    inputSize: number,
    hiddenSize: number,
    ...rest: Args<[numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], RNNBaseOptions>
  ) {
    const a = GRU_SIG.parse([inputSize, hiddenSize, ...rest]);
    super("GRU", "GRU", { ...a, projSize: 0 });
  }
  protected stateSizes(): number[] {
    return [this.hiddenSize];
  }
  protected unpackState(hx: Tensor): Tensor[] {
    return [hx];
  }
  protected packState(states: Tensor[]): Tensor {
    return states[0];
  }
}

// A module's call takes and gives what forward does: a tensor in gives a tensor out, a PackedSequence a PackedSequence.
export interface RNN {
  // biome-ignore lint/style/useShorthandFunctionType: a type alias could not merge with the class.
  <X extends Tensor | PackedSequence>(input: X, hx?: Tensor | null): [X, Tensor];
}
export interface LSTM {
  // biome-ignore lint/style/useShorthandFunctionType: a type alias could not merge with the class.
  <X extends Tensor | PackedSequence>(input: X, hx?: [Tensor, Tensor] | null): [X, [Tensor, Tensor]];
}
export interface GRU {
  // biome-ignore lint/style/useShorthandFunctionType: a type alias could not merge with the class.
  <X extends Tensor | PackedSequence>(input: X, hx?: Tensor | null): [X, Tensor];
}
