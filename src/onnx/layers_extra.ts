/**
 * ONNX subgraphs of the padding layers (one Pad: constant, reflect or edge), LocalResponseNorm (ONNX's LRN, whose
 * window matches PyTorch's for odd sizes only; an even size is refused rather than exported shifted) and
 * CosineSimilarity (two inputs).
 */

import { className } from "../class_names.js";
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import type { CosineSimilarity } from "../nn/modules/distance.js";
import type { LocalResponseNorm } from "../nn/modules/normalization_extra.js";
import type { ConstantPad1d } from "../nn/modules/padding.js";
import type { Tensor } from "../tensor/tensor.js";
import type { GraphBuilder } from "./graph.js";

/** The layers `emitExtraLayer` translates. */
export const EXTRA_LAYER_TYPES: ReadonlySet<string> = new Set(
  "ZeroPad1d ZeroPad2d ConstantPad1d ConstantPad2d ReflectionPad1d ReflectionPad2d ReplicationPad1d ReplicationPad2d LocalResponseNorm".split(
    " ",
  ),
);

function padLayer(g: GraphBuilder, m: AnyModule, type: string, x: string, example: Tensor): string {
  const p = m as unknown as ConstantPad1d;
  // PyTorch's (left, right[, top, bottom]) runs from the last dim back; ONNX's pads are all begins, then all ends.
  const rank = example.ndim;
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  for (let i = 0; i < p.padding.length / 2; i++) {
    begin[rank - 1 - i] = p.padding[2 * i];
    end[rank - 1 - i] = p.padding[2 * i + 1];
  }
  const pads = g.constant("pads", [...begin, ...end], [2 * rank], "int64");
  if (type.startsWith("Reflection")) return g.op("Pad", [x, pads], { mode: { string: "reflect" } });
  if (type.startsWith("Replication")) return g.op("Pad", [x, pads], { mode: { string: "edge" } });
  return g.op("Pad", [x, pads, g.scalar(p.value, example.dtype)], { mode: { string: "constant" } });
}

/** Emits the ONNX nodes of one of `EXTRA_LAYER_TYPES` applied to `x`; returns the output's name. */
export function emitExtraLayer(g: GraphBuilder, m: AnyModule, x: { name: string; example: Tensor }): string {
  const type = className(m);
  if (type !== "LocalResponseNorm") return padLayer(g, m, type, x.name, x.example);
  const l = m as unknown as LocalResponseNorm;
  if (l.size % 2 === 0) {
    throw new ValueError(
      `onnx.export: LocalResponseNorm with an even size (${l.size}): ONNX's LRN window is [c - ${(l.size - 2) / 2}, c + ${l.size / 2}], PyTorch's [c - ${l.size / 2}, c + ${(l.size - 2) / 2}]`,
    );
  }
  return g.op("LRN", [x.name], { size: { int: l.size }, alpha: { float: l.alpha }, beta: { float: l.beta }, bias: { float: l.k } });
}

/**
 * CosineSimilarity as PyTorch 1.13 computes it: Σ (x1 / max(‖x1‖, eps)) · (x2 / max(‖x2‖, eps)) over `dim`, the
 * inputs first expanded to their broadcast shape.
 */
export function emitCosine(
  g: GraphBuilder,
  m: AnyModule,
  x1: { name: string; example: Tensor },
  x2: { name: string; example: Tensor },
): string {
  const c = m as unknown as CosineSimilarity;
  const rank = Math.max(x1.example.ndim, x2.example.ndim);
  const pad = (s: readonly number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const [s1, s2] = [pad(x1.example.shape), pad(x2.example.shape)];
  const shape = s1.map((v, i) => Math.max(v, s2[i]));
  const dim = c.dim < 0 ? c.dim + rank : c.dim;
  const dtype = x1.example.dtype;
  const unit = (x: string) => {
    const full = g.op("Expand", [x, g.constant("shape", shape, [rank], "int64")]);
    const length = g.op("Sqrt", [g.reduce("ReduceSum", g.op("Mul", [full, full]), [dim], true)]);
    return g.op("Div", [full, g.op("Max", [length, g.scalar(c.eps, dtype)])]);
  };
  return g.reduce("ReduceSum", g.op("Mul", [unit(x1.name), unit(x2.name)]), [dim], false);
}
