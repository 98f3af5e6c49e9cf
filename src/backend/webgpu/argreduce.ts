import { numel } from "../../shape.js";
import type { ArgReduceOp, View } from "../backend.js";
import { fill, gpu } from "./elementwise.js";
import { afterKept, cachedSource, groupKernel, keptMeta, keptOffsetFn, splitAxes } from "./rowkernel.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { wgslType } from "./wgsl.js";

/**
 * WGSL `take(va, ia, vb, ib)`: whether candidate b (value, index; index −1 for none) replaces a under the first-index rule:
 * a NaN beats every number (NaN counts as the max and the min), a better value wins, ties go to the lower index.
 */
function takeFn(op: ArgReduceOp, t: string): string {
  const better = op === "argmax" ? "vb > va" : "vb < va";
  const nan =
    t === "f32"
      ? `let na = is_nan(va);
  let nb = is_nan(vb);
  if (na || nb) { return nb && (!na || ib < ia); }`
      : "";
  return `fn take(va: ${t}, ia: i32, vb: ${t}, ib: i32) -> bool {
  if (ib < 0) { return false; }
  if (ia < 0) { return true; }
  ${nan}
  if (${better}) { return true; }
  return vb == va && ib < ia;
}`;
}

/** WGSL of the tree over the workgroup's (value, index) candidates in `shv`/`shi`, leaving the winner at 0. */
function treeTake(wg: number): string {
  return `shv[lid] = bv;
  shi[lid] = bi;
  workgroupBarrier();
  for (var h = ${wg / 2}; h > 0; h = h >> 1u) {
    if (lid < h && take(shv[lid], shi[lid], shv[lid + h], shi[lid + h])) {
      shv[lid] = shv[lid + h];
      shi[lid] = shi[lid + h];
    }
    workgroupBarrier();
  }`;
}

/** Rows at least this long get a workgroup each (or several, with a second pass over their winners, when rows are few). */
const LONG = 64;
/** Workgroups a split arg-reduction aims for. */
const GROUPS = 512;

/**
 * Index of the first max/min along `axis` (NaN counts as both), int32. Long rows get a workgroup each (threads stride
 * over the row, then a tree of (value, index) pairs); a few very long rows are split into chunks whose winners a second
 * pass compares; short rows, or many rows along a strided axis, get a thread each.
 */
export function argReduce(rt: Runtime, op: ArgReduceOp, x: View, axis: number): GpuBuffer {
  const { kept } = splitAxes(x, [axis], false);
  const nOut = numel(kept.shape);
  const K = x.shape[axis];
  if (nOut === 0 || K === 0) {
    const out = rt.alloc("int32", nOut);
    fill(rt, { buffer: out, dtype: "int32", shape: [nOut], strides: [1], offset: 0 }, 0);
    return out;
  }
  const t = wgslType(x.dtype);
  const rank = kept.shape.length;
  const at = afterKept(rank);
  const fns = `${keptOffsetFn(rank)}\n${takeFn(op, t)}`;
  if (K >= LONG && (x.strides[axis] === 1 || nOut < 1024)) {
    const wg = K >= 2048 ? 256 : 64;
    const parts = nOut >= GROUPS || K <= wg * 16 ? 1 : Math.min(Math.ceil(K / (wg * 8)), Math.ceil(GROUPS / nOut));
    const chunk = Math.ceil(K / parts);
    const p = Math.ceil(K / chunk);
    const split = p > 1;
    const m = [nOut * p, ...keptMeta(kept), K, x.strides[axis], chunk, p];
    const code = cachedSource(`arg|${op}|${t}|${wg}|${rank}|${split}`, () =>
      groupKernel(
        wg,
        [
          `var<storage, read> in0: array<${t}>`,
          "var<storage, read_write> out: array<i32>",
          ...(split ? [`var<storage, read_write> outv: array<${t}>`] : []),
        ],
        `if (g >= prm[0]) { return; }
  let s = prm[${at + 1}];
  let parts = prm[${at + 3}];
  let k0 = (g % parts) * prm[${at + 2}];
  let k1 = min(prm[${at}], k0 + prm[${at + 2}]);
  let base = kept_off(g / parts);
  var bv = in0[base];
  var bi = -1;
  for (var k = k0 + lid; k < k1; k = k + ${wg}) {
    let v = in0[base + k * s];
    if (take(bv, bi, v, k)) { bv = v; bi = k; }
  }
  ${treeTake(wg)}
  if (lid == 0) { out[g] = shi[0];${split ? " outv[g] = shv[0];" : ""} }`,
        `var<workgroup> shv: array<${t}, ${wg}>;\nvar<workgroup> shi: array<i32, ${wg}>;\n${fns}`,
      ),
    );
    if (!split) {
      const out = rt.alloc("int32", nOut);
      rt.dispatch(code, m, [gpu(x), out.buffer], nOut);
      return out;
    }
    const idx = rt.scratch(nOut * p * 4);
    const vals = rt.scratch(nOut * p * 4);
    rt.dispatch(code, m, [gpu(x), idx, vals], nOut * p);
    // Second pass: one workgroup per row over its chunks' winners (value, index).
    const out = rt.alloc("int32", nOut);
    const wg2 = 64;
    const code2 = cachedSource(`arg2|${op}|${t}`, () =>
      groupKernel(
        wg2,
        [`var<storage, read> in0: array<${t}>`, "var<storage, read> in1: array<i32>", "var<storage, read_write> out: array<i32>"],
        `if (g >= prm[0]) { return; }
  let p = prm[1];
  var bv = in0[g * p];
  var bi = -1;
  for (var j = lid; j < p; j = j + ${wg2}) {
    if (take(bv, bi, in0[g * p + j], in1[g * p + j])) { bv = in0[g * p + j]; bi = in1[g * p + j]; }
  }
  ${treeTake(wg2)}
  if (lid == 0) { out[g] = shi[0]; }`,
        `var<workgroup> shv: array<${t}, ${wg2}>;\nvar<workgroup> shi: array<i32, ${wg2}>;\n${takeFn(op, t)}`,
      ),
    );
    rt.dispatch(code2, [nOut, p], [vals, idx, out.buffer], nOut);
    rt.releaseScratch(idx);
    rt.releaseScratch(vals);
    return out;
  }
  const out = rt.alloc("int32", nOut);
  const m = [nOut, ...keptMeta(kept), K, x.strides[axis]];
  const wg = 64;
  const code = cachedSource(`arg1|${op}|${t}|${rank}`, () =>
    groupKernel(
      wg,
      [`var<storage, read> in0: array<${t}>`, "var<storage, read_write> out: array<i32>"],
      `if (tid >= prm[0]) { return; }
  let K = prm[${at}];
  let s = prm[${at + 1}];
  let base = kept_off(tid);
  var bv = in0[base];
  var bi = 0;
  for (var k = 1; k < K; k = k + 1) {
    let v = in0[base + k * s];
    if (take(bv, bi, v, k)) { bv = v; bi = k; }
  }
  out[tid] = bi;`,
      fns,
    ),
  );
  rt.dispatch(code, m, [gpu(x), out.buffer], Math.ceil(nOut / wg));
  return out;
}
