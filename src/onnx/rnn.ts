/**
 * nn.RNN, nn.LSTM and nn.GRU as ONNX's RNN, LSTM and GRU operators, one node per layer (stacked for numLayers, both
 * directions in one node when bidirectional). PyTorch's gate blocks are reordered to ONNX's: LSTM i,f,g,o → i,o,f,c;
 * GRU r,z,n → z,r,h with linear_before_reset=1 (PyTorch applies r to h·W_hnᵀ + b_hn). ONNX's layout is
 * [T, B, features]: batchFirst inputs are transposed in and out, unbatched ones get a batch axis of 1.
 */

import { className } from "../class_names.js";
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import type { GRU, LSTM, RNN } from "../nn/modules/rnn.js";
import { cat } from "../ops/join.js";
import { Tensor } from "../tensor/tensor.js";
import type { GraphBuilder } from "./graph.js";

type Recurrent = RNN | LSTM | GRU;

/** PyTorch's gate blocks, in the order ONNX wants them. */
const GATE_ORDER: Record<string, number[]> = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] };

function reorder(w: Tensor, order: readonly number[], H: number): Tensor {
  return cat(order.map((k) => w.detach().narrow(0, k * H, H)));
}

/** The ONNX inputs W, R, B of layer `l` (both directions stacked on a leading axis). */
function layerWeights(g: GraphBuilder, m: Recurrent, kind: string, l: number): { W: string; R: string; B: string } {
  const order = GATE_ORDER[kind];
  const H = m.hiddenSize;
  const self = m as unknown as Record<string, Tensor | undefined>;
  const dirs = m.bidirectional ? ["", "_reverse"] : [""];
  const pick = (name: string) =>
    cat(
      dirs.map((d) => {
        const t = self[`${name}_l${l}${d}`];
        if (!(t instanceof Tensor)) throw new ValueError(`onnx.export: ${kind} has no ${name}_l${l}${d}`);
        return reorder(t, order, H).unsqueeze(0);
      }),
    );
  const W = g.tensor(`${kind.toLowerCase()}_W`, pick("weight_ih"));
  const R = g.tensor(`${kind.toLowerCase()}_R`, pick("weight_hh"));
  const B = m.bias ? g.tensor(`${kind.toLowerCase()}_B`, cat([pick("bias_ih"), pick("bias_hh")], 1)) : "";
  return { W, R, B };
}

/** `perm`-transposes `x`. */
const transpose = (g: GraphBuilder, x: string, perm: number[]) => g.op("Transpose", [x], { perm: { ints: perm } });
const axes = (g: GraphBuilder, a: number[]) => g.constant("axes", a, [a.length], "int64");

/**
 * Emits a recurrent layer applied to `input` (and an optional initial state `hx`: h, or [h, c] for LSTM, as graph
 * values); returns the names of [output, h_n] or [output, h_n, c_n] in PyTorch's layouts.
 */
export function emitRecurrent(g: GraphBuilder, module: AnyModule, input: { name: string; example: Tensor }, hx: string[] | null): string[] {
  const m = module as unknown as Recurrent;
  const name = className(m);
  const kind = name === "LSTM" ? "LSTM" : name === "GRU" ? "GRU" : "RNN";
  if (!(input.example instanceof Tensor))
    throw new ValueError(`onnx.export: ${kind} with a PackedSequence input has no ONNX translation; pad it`);
  if (m.projSize > 0)
    throw new ValueError(`onnx.export: LSTM with projSize ${m.projSize} has no ONNX translation (ONNX's LSTM has no projection)`);
  const unbatched = input.example.ndim === 2;
  const dirs = m.bidirectional ? 2 : 1;
  const H = m.hiddenSize;
  // To [T, B, in].
  let x = unbatched ? g.op("Unsqueeze", [input.name, axes(g, [1])]) : m.batchFirst ? transpose(g, input.name, [1, 0, 2]) : input.name;
  const states = (hx ?? []).map((h) => (unbatched ? g.op("Unsqueeze", [h, axes(g, [1])]) : h));
  const finals: string[][] = kind === "LSTM" ? [[], []] : [[]];
  for (let l = 0; l < m.numLayers; l++) {
    const { W, R, B } = layerWeights(g, m, kind, l);
    // The initial states of this layer: rows l·D … l·D + D − 1.
    const slice = (s: string) =>
      g.op("Slice", [s, g.constant("starts", [l * dirs], [1], "int64"), g.constant("ends", [(l + 1) * dirs], [1], "int64"), axes(g, [0])]);
    const init = states.map(slice);
    const attrs: Record<string, import("./graph.js").Attr> = {
      hidden_size: { int: H },
      direction: { string: m.bidirectional ? "bidirectional" : "forward" },
    };
    if (kind === "GRU") attrs.linear_before_reset = { int: 1 };
    if (kind === "RNN") attrs.activations = { strings: new Array(dirs).fill((m as RNN).nonlinearity === "relu" ? "Relu" : "Tanh") };
    const inputs = [x, W, R, B, "", ...init];
    while (inputs[inputs.length - 1] === "") inputs.pop();
    const outs = g.opN(kind, inputs, attrs, finals.length + 1);
    // Y [T, D, B, H] → [T, B, D·H].
    const y = transpose(g, outs[0], [0, 2, 1, 3]);
    x = g.op("Reshape", [y, g.constant("shape", [0, 0, dirs * H], [3], "int64")]);
    finals.forEach((f, i) => {
      f.push(outs[i + 1]);
    });
  }
  const stacked = finals.map((f) => (f.length === 1 ? f[0] : g.op("Concat", f, { axis: { int: 0 } })));
  if (unbatched) {
    const squeeze = (v: string) => g.op("Squeeze", [v, axes(g, [1])]);
    return [squeeze(x), ...stacked.map(squeeze)];
  }
  return [m.batchFirst ? transpose(g, x, [1, 0, 2]) : x, ...stacked];
}
