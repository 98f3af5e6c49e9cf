/**
 * ONNX subgraphs of RNNCell, LSTMCell (gates i, f, g, o) and GRUCell (r, z, n): one step written with MatMul and Add
 * per gate (each gate's weight rows as their own constant, so no Split), batched [B, in] or unbatched [in] alike.
 */

import { className } from "../class_names.js";
import type { AnyModule } from "../nn/module.js";
import type { LSTMCell, RNNCell } from "../nn/modules/rnn_cell.js";
import type { Tensor } from "../tensor/tensor.js";
import type { GraphBuilder } from "./graph.js";

/** The cells `emitCell` translates. */
export const CELL_TYPES: ReadonlySet<string> = new Set(["RNNCell", "LSTMCell", "GRUCell"]);

/**
 * Emits one step of a cell on `x` from the state names `hx` (null: zeros; LSTMCell: [h, c]); returns the output
 * names (LSTMCell: h', c').
 */
export function emitCell(g: GraphBuilder, m: AnyModule, x: { name: string; example: Tensor }, hx: string[] | null): string[] {
  const type = className(m);
  const cell = m as unknown as LSTMCell;
  const H = cell.hiddenSize;
  const dtype = x.example.dtype;
  const rows = (w: Tensor, k: number) => w.detach().narrow(0, k * H, H);
  /** Gate k's input part x·W_kᵀ + b_k, and (with a state) its hidden part h·U_kᵀ + c_k, separately (GRU's n needs both). */
  const parts = (k: number, h: string | null): [string, string | null] => {
    let xi = g.op("MatMul", [x.name, g.tensor("w_ih", rows(cell.weight_ih, k).T.contiguous())]);
    if (cell.bias_ih) xi = g.op("Add", [xi, g.tensor("b_ih", rows(cell.bias_ih, k))]);
    let hh: string | null = h === null ? null : g.op("MatMul", [h, g.tensor("w_hh", rows(cell.weight_hh, k).T.contiguous())]);
    if (cell.bias_hh)
      hh = hh === null ? g.tensor("b_hh", rows(cell.bias_hh, k)) : g.op("Add", [hh, g.tensor("b_hh", rows(cell.bias_hh, k))]);
    return [xi, hh];
  };
  const gate = (k: number, h: string | null) => {
    const [xi, hh] = parts(k, h);
    return hh === null ? xi : g.op("Add", [xi, hh]);
  };
  const h = hx?.[0] ?? null;
  if (type === "RNNCell") {
    return [g.op((m as unknown as RNNCell).nonlinearity === "relu" ? "Relu" : "Tanh", [gate(0, h)])];
  }
  if (type === "LSTMCell") {
    const c = hx?.[1] ?? null;
    const [i, f, gg, o] = [0, 1, 2, 3].map((k) => gate(k, h));
    const input = g.op("Mul", [g.op("Sigmoid", [i]), g.op("Tanh", [gg])]);
    const c2 = c === null ? input : g.op("Add", [g.op("Mul", [g.op("Sigmoid", [f]), c]), input]);
    return [g.op("Mul", [g.op("Sigmoid", [o]), g.op("Tanh", [c2])]), c2];
  }
  // GRUCell: n = tanh(x·W_nᵀ + b_in + r ⊙ (h·U_nᵀ + b_hn)); h' = (1 − z) ⊙ n + z ⊙ h.
  const r = g.op("Sigmoid", [gate(0, h)]);
  const z = g.op("Sigmoid", [gate(1, h)]);
  const [xn, hn] = parts(2, h);
  const n = g.op("Tanh", [hn === null ? xn : g.op("Add", [xn, g.op("Mul", [r, hn])])]);
  const keep = g.op("Sub", [g.scalar(1, dtype), z]);
  const out = g.op("Mul", [keep, n]);
  return [h === null ? out : g.op("Add", [out, g.op("Mul", [z, h])])];
}
