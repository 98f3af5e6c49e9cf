/**
 * ONNX subgraphs of the padding layers (one Pad: constant, reflect or edge) and LocalResponseNorm (ONNX's LRN, whose
 * window matches PyTorch's for odd sizes only; an even size is refused rather than exported shifted).
 */
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
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
  const type = m.constructor.name;
  if (type !== "LocalResponseNorm") return padLayer(g, m, type, x.name, x.example);
  const l = m as unknown as LocalResponseNorm;
  if (l.size % 2 === 0) {
    throw new ValueError(
      `onnx.export: LocalResponseNorm with an even size (${l.size}): ONNX's LRN window is [c - ${(l.size - 2) / 2}, c + ${l.size / 2}], PyTorch's [c - ${l.size / 2}, c + ${(l.size - 2) / 2}]`,
    );
  }
  return g.op("LRN", [x.name], { size: { int: l.size }, alpha: { float: l.alpha }, beta: { float: l.beta }, bias: { float: l.k } });
}
