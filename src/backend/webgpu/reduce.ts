import type { DType } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { ReduceOp, View } from "../backend.js";
import { fill, gpu } from "./elementwise.js";
import {
  afterKept,
  cachedSource,
  groupKernel,
  keptMeta,
  keptOffsetFn,
  type RowLayout as Layout,
  reducedOffsetFn,
  splitAxes,
  treeReduce,
} from "./rowkernel.js";
import { GpuBuffer, type Runtime } from "./runtime.js";
import { convert, wgslType } from "./wgsl.js";

export { argReduce } from "./argreduce.js";
export { cumsum } from "./scan.js";

/**
 * Reductions take one of two layouts, each optionally split into chunks with a second pass over the partial results:
 * - rows: a workgroup per output element (or per chunk of one), threads striding over its elements, then a tree in
 *   workgroup memory. For reduced elements that lie in contiguous runs (a row sum, batch norm's [0, 2, 3], a full sum).
 * - columns: a thread per output element (or per chunk of one), for reduced dims with a stride (a sum over dim 0 of
 *   [128, 256]): neighbouring threads read neighbouring columns. Each thread adds blocks of `BLOCK` elements and then the
 *   block sums, so float32 error grows with the block size and the block count, not with the whole length.
 * A full sum of millions of elements runs as a few hundred chunks and one more workgroup over their partials; very long
 * reductions take as many passes as it takes for no thread to add more than `BLOCK` values (or blocks) in a row.
 */
const BLOCK = 64;
/** Workgroups a chunked row reduction aims for, and threads a chunked column reduction aims for. */
const ROW_GROUPS = 512;
const COL_THREADS = 1 << 16;

type Acc = "f32" | "i32";

/** The identity of `op` in the accumulator type, and its combining expression (max/min propagate NaN). */
function algebra(op: ReduceOp, t: Acc): { id: string; comb: (a: string, b: string) => string } {
  switch (op) {
    case "sum":
      return { id: `${t}(0)`, comb: (a, b) => `(${a} + ${b})` };
    case "prod":
      return { id: `${t}(1)`, comb: (a, b) => `(${a} * ${b})` };
    case "max":
      return t === "f32"
        ? { id: "-inf_f32()", comb: (a, b) => `max_f32(${a}, ${b})` }
        : { id: "i32(-2147483647 - 1)", comb: (a, b) => `max(${a}, ${b})` };
    case "min":
      return t === "f32"
        ? { id: "inf_f32()", comb: (a, b) => `min_f32(${a}, ${b})` }
        : { id: "i32(2147483647)", comb: (a, b) => `min(${a}, ${b})` };
  }
}

/** Reduces over the sorted `axes` into a new contiguous buffer of `outDType` (see the layouts above). */
export function reduce(rt: Runtime, op: ReduceOp, x: View, axes: readonly number[], outDType: DType): GpuBuffer {
  const { kept, red } = splitAxes(x, axes, true);
  const nOut = numel(kept.shape);
  const K = numel(red.shape);
  const tout = wgslType(outDType);
  if (nOut === 0 || K === 0) {
    // Empty reductions: 0 and 1 for sum and prod; max/min of nothing is ∓inf (as the CPU's, which integer outputs store as 0).
    const out = rt.alloc(outDType, nOut);
    const inf = op === "max" ? -Infinity : Infinity;
    const value = op === "sum" ? 0 : op === "prod" ? 1 : tout === "f32" ? inf : 0;
    fill(rt, { buffer: out, dtype: outDType, shape: [nOut], strides: [1], offset: 0 }, value);
    return out;
  }
  const t: Acc = tout === "f32" ? "f32" : "i32";
  const rrank = red.shape.length;
  const layout = { kept, red };
  const rows = rrank > 0 && red.strides[rrank - 1] === 1 && (K >= 256 || (K >= 32 && nOut < 4096));
  const wg = K >= 2048 ? 256 : 64;
  // Chunks for parallelism where there are few outputs, and so that no thread adds more than `BLOCK` values (rows) or
  // blocks (columns) in a row.
  const spread = rows
    ? nOut >= ROW_GROUPS || K <= wg * 16
      ? 1
      : Math.min(Math.ceil(K / (wg * 8)), Math.ceil(ROW_GROUPS / nOut))
    : nOut >= COL_THREADS / 4 || K <= 4 * BLOCK
      ? 1
      : Math.min(Math.ceil(K / BLOCK), Math.ceil(COL_THREADS / nOut));
  const chunk = Math.ceil(K / Math.max(spread, Math.ceil(K / ((rows ? wg : BLOCK) * BLOCK))));
  const p = Math.ceil(K / chunk);
  const pass = (dst: GPUBuffer, type: string): void =>
    rows ? rowPass(rt, op, x, layout, p, chunk, wg, t, dst, type) : columnPass(rt, op, x, layout, p, chunk, t, dst, type);
  if (p === 1) {
    const out = rt.alloc(outDType, nOut);
    pass(out.buffer, tout);
    return out;
  }
  // The partials, [nOut, p] from rows or [p, nOut] from columns, reduced over p in a second pass.
  const partial = rt.scratch(nOut * p * 4);
  pass(partial, t);
  const partDType: DType = t === "f32" ? "float32" : "int32";
  const buffer = new GpuBuffer(partial, partDType, nOut * p);
  const view = rows
    ? { buffer, dtype: partDType, shape: [nOut, p], strides: [p, 1], offset: 0 }
    : { buffer, dtype: partDType, shape: [p, nOut], strides: [nOut, 1], offset: 0 };
  const out = reduce(rt, op, view, [rows ? 1 : 0], outDType);
  rt.releaseScratch(partial);
  return out;
}

/** [count, kept..., K, chunk, parts, reduced shape..., reduced strides...] and where the reduced dims start. */
function meta(count: number, layout: Layout, K: number, chunk: number, parts: number): { meta: number[]; at: number } {
  const rank = layout.kept.shape.length;
  const m = [count, ...keptMeta(layout.kept), K, chunk, parts, ...layout.red.shape, ...layout.red.strides];
  return { meta: m, at: afterKept(rank) + 3 };
}

/** Buffer bindings: the input (any dtype) and the output (`tout`). */
const io = (x: View, tout: string): string[] => [
  `var<storage, read> in0: array<${wgslType(x.dtype)}>`,
  `var<storage, read_write> out: array<${tout}>`,
];

/** One workgroup per (output, chunk): out[g] for g = row·parts + chunk (also the chunk sums of a long scan). */
export function rowPass(
  rt: Runtime,
  op: ReduceOp,
  x: View,
  layout: Layout,
  parts: number,
  chunk: number,
  wg: number,
  t: Acc,
  dst: GPUBuffer,
  tout: string,
): void {
  const nOut = numel(layout.kept.shape);
  const K = numel(layout.red.shape);
  const { meta: m, at } = meta(nOut * parts, layout, K, chunk, parts);
  const rank = layout.kept.shape.length;
  const { id, comb } = algebra(op, t);
  const load = convert("in0[base + red_off(k)]", wgslType(x.dtype), t);
  const code = cachedSource(`rows|${op}|${x.dtype}|${t}|${tout}|${wg}|${rank}|${layout.red.shape.length}`, () =>
    groupKernel(
      wg,
      io(x, tout),
      `if (g >= prm[0]) { return; }
  let parts = prm[${at - 1}];
  let row = g / parts;
  let k0 = (g % parts) * prm[${at - 2}];
  let k1 = min(prm[${at - 3}], k0 + prm[${at - 2}]);
  let base = kept_off(row);
  var acc: ${t} = ${id};
  for (var k = k0 + lid; k < k1; k = k + ${wg}) {
    acc = ${comb("acc", load)};
  }
  sh[lid] = acc;
  ${treeReduce(wg, comb)}
  if (lid == 0) { out[g] = ${convert("sh[0]", t, tout)}; }`,
      `var<workgroup> sh: array<${t}, ${wg}>;\n${keptOffsetFn(rank)}\n${reducedOffsetFn(layout.red.shape.length, at)}`,
    ),
  );
  rt.dispatch(code, m, [gpu(x), dst], nOut * parts);
}

/** One thread per (chunk, output): out[t] for t = chunk·nOut + output, so neighbouring threads take neighbouring outputs. */
function columnPass(
  rt: Runtime,
  op: ReduceOp,
  x: View,
  layout: Layout,
  parts: number,
  chunk: number,
  t: Acc,
  dst: GPUBuffer,
  tout: string,
): void {
  const nOut = numel(layout.kept.shape);
  const K = numel(layout.red.shape);
  const threads = nOut * parts;
  const { meta: m, at } = meta(threads, layout, K, chunk, parts);
  const rank = layout.kept.shape.length;
  const { id, comb } = algebra(op, t);
  const load = convert("in0[base + red_off(k)]", wgslType(x.dtype), t);
  const wg = 64;
  const code = cachedSource(`cols|${op}|${x.dtype}|${t}|${tout}|${rank}|${layout.red.shape.length}`, () =>
    groupKernel(
      wg,
      io(x, tout),
      `if (tid >= prm[0]) { return; }
  let n_out = prm[0] / prm[${at - 1}];
  let row = tid % n_out;
  let k0 = (tid / n_out) * prm[${at - 2}];
  let k1 = min(prm[${at - 3}], k0 + prm[${at - 2}]);
  let base = kept_off(row);
  var acc: ${t} = ${id};
  var blk: ${t} = ${id};
  var n = 0;
  for (var k = k0; k < k1; k = k + 1) {
    blk = ${comb("blk", load)};
    n = n + 1;
    if (n == ${BLOCK}) { acc = ${comb("acc", "blk")}; blk = ${id}; n = 0; }
  }
  out[tid] = ${convert(comb("acc", "blk"), t, tout)};`,
      `${keptOffsetFn(rank)}\n${reducedOffsetFn(layout.red.shape.length, at)}`,
    ),
  );
  rt.dispatch(code, m, [gpu(x), dst], Math.ceil(threads / wg));
}
