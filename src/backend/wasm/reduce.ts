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
  if (!suffix && !prefix) return null;
  const split = suffix ? nd - axes.length : axes.length;
  const outer = numel(x.shape.slice(0, split));
  const inner = numel(x.shape.slice(split));
  const outSize = suffix ? outer : inner;
  const sx = stage(x);
  // Column sums accumulate in `inner` float64s (2 floats each).
  const ptrs = layout(k, [sx.data.length, outSize, suffix ? 0 : 2 * inner]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const px = copyIn(mem, sx, ptrs[0]);
  if (suffix) k.reduceRows(code, px, ptrs[1], outer, inner);
  else k.reduceCols(code, px, ptrs[1], outer, inner, ptrs[2]);
  return mem.slice(ptrs[1] >> 2, (ptrs[1] >> 2) + outSize);
}
