/** float32 sum/max/min over the trailing dims (row reductions) or the leading dims (column reductions) of a contiguous view. */

import { numel } from "../../shape.js";
import type { ReduceOp, View } from "../backend.js";
import { viewIsContiguous } from "../cpu/strided.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { copyIn, stage } from "./stage.js";
import { thresholds } from "./thresholds.js";

/** Op codes of src/backend/wasm/assembly/reduce.ts. */
const REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

export function wasmReduce(k: Kernels, op: ReduceOp, x: View, axes: readonly number[], outDType: string): Float32Array | null {
  const code = REDUCE[op];
  const nd = x.shape.length;
  if (code === undefined || x.dtype !== "float32" || outDType !== "float32" || axes.length === 0 || !viewIsContiguous(x)) return null;
  const n = numel(x.shape);
  if (n < thresholds.reduce) return null;
  const suffix = axes.every((a, i) => a === nd - axes.length + i);
  const prefix = axes.every((a, i) => a === i);
  // Leading and trailing dims together (a batch norm's [0, 2, 3]): the trailing ones first, then the leading ones.
  let lead = 0;
  while (lead < axes.length && axes[lead] === lead) lead++;
  const both = !suffix && !prefix && lead > 0 && axes.slice(lead).every((a, i) => a === nd - (axes.length - lead) + i);
  if (!suffix && !prefix && !both) return null;
  const sx = stage(x);
  if (both) {
    const q = nd - (axes.length - lead);
    const [rows, cols] = [numel(x.shape.slice(0, q)), numel(x.shape.slice(q))];
    const [outer, inner] = [numel(x.shape.slice(0, lead)), numel(x.shape.slice(lead, q))];
    const ptrs = layout(k, [sx.data.length, rows, inner, 2 * inner]);
    if (ptrs === null) return null;
    const px = copyIn(memF32(k), sx, ptrs[0]);
    k.reduceRows(code, px, ptrs[1], rows, cols);
    k.reduceCols(code, ptrs[1], ptrs[2], outer, inner, ptrs[3]);
    return memF32(k).slice(ptrs[2] >> 2, (ptrs[2] >> 2) + inner);
  }
  const split = suffix ? nd - axes.length : axes.length;
  const outer = numel(x.shape.slice(0, split));
  const inner = numel(x.shape.slice(split));
  const outSize = suffix ? outer : inner;
  // Column sums accumulate in `inner` float64s (2 floats each).
  const ptrs = layout(k, [sx.data.length, outSize, suffix ? 0 : 2 * inner]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const px = copyIn(mem, sx, ptrs[0]);
  if (suffix) k.reduceRows(code, px, ptrs[1], outer, inner);
  else k.reduceCols(code, px, ptrs[1], outer, inner, ptrs[2]);
  return mem.slice(ptrs[1] >> 2, (ptrs[1] >> 2) + outSize);
}
