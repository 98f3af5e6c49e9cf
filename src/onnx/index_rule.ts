/**
 * `x.get(...)` (PyTorch's `x[...]`) in a traced forward: numbers become Gather (negative ones count from the end in
 * ONNX too), slices Slice with their own start/stop/step (ONNX clamps them as Python does, so a free axis stays free),
 * null Unsqueeze, "..." the dims not named, an int tensor Gather. A bool mask gives a data-dependent shape: refused.
 */
import { ValueError } from "../errors.js";
import type { IndexItem, Slice } from "../ops/slicing.js";
import { Tensor } from "../tensor/tensor.js";
import type { OpRule } from "./ops.js";

type Part = { index: number } | { slice: Slice } | "newaxis" | "ellipsis" | { tensor: Tensor };

function int(text: string): number | null {
  const t = text.trim();
  return t === "" ? null : Number(t);
}

function parts(items: readonly IndexItem[]): Part[] {
  return items.flatMap((item): Part[] => {
    if (item === null) return ["newaxis"];
    if (typeof item === "number") return [{ index: item }];
    if (item instanceof Tensor) return [{ tensor: item }];
    if (typeof item !== "string") return [{ slice: item }];
    return item.split(",").map((raw): Part => {
      const p = raw.trim();
      if (p === "...") return "ellipsis";
      if (p === "None" || p === "null" || p === "newaxis") return "newaxis";
      if (!p.includes(":")) return { index: Number(p) };
      const [a, b, c] = p.split(":");
      return { slice: { start: int(a), stop: int(b), step: int(c ?? "") } };
    });
  });
}

/** The rule for `get`: the ONNX nodes of each index part, in order. */
export const getRule: OpRule = (c, self, args) => {
  const list = parts(args as IndexItem[]);
  const consumed = list.filter((p) => p !== "newaxis" && p !== "ellipsis").length;
  const ints = (v: number[]) => c.g.constant("index", v, [v.length], "int64");
  let name = c.ref(self);
  let dim = 0;
  for (const p of list) {
    if (p === "ellipsis") dim += self.ndim - consumed;
    else if (p === "newaxis") {
      name = c.g.op("Unsqueeze", [name, ints([dim])]);
      dim++;
    } else if ("index" in p) {
      name = c.g.op("Gather", [name, c.g.constant("index", [p.index], [], "int64")], { axis: { int: dim } });
    } else if ("slice" in p) {
      const { start, stop, step } = p.slice;
      const s = step ?? 1;
      if (!(start == null && stop == null && s === 1)) {
        const end = stop ?? Number.MAX_SAFE_INTEGER;
        name = c.g.op("Slice", [name, ints([start ?? 0]), ints([end]), ints([dim]), ints([s])]);
      }
      dim++;
    } else {
      const t = p.tensor;
      if (t.dtype === "bool")
        throw new ValueError("onnx.export: x.get with a bool mask has a data-dependent shape, which the exporter does not translate");
      name = c.g.op("Gather", [name, c.ref(t)], { axis: { int: dim } });
      dim += t.ndim;
    }
  }
  return name;
};
