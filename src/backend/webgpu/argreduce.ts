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

/**
 * Index of the first max/min along `axis` (NaN counts as both), int32. Long rows get a workgroup each (threads stride
 * over the row, then a tree of (value, index) pairs); short rows, or many rows along a strided axis, a thread each.
 */
export function argReduce(rt: Runtime, op: ArgReduceOp, x: View, axis: number): GpuBuffer {
  const { kept } = splitAxes(x, [axis], false);
  const nOut = numel(kept.shape);
  const out = rt.alloc("int32", nOut);
  if (nOut === 0) return out;
  const K = x.shape[axis];
  if (K === 0) {
    fill(rt, { buffer: out, dtype: "int32", shape: [nOut], strides: [1], offset: 0 }, 0);
    return out;
  }
  const t = wgslType(x.dtype);
  const rank = kept.shape.length;
  const m = [nOut, ...keptMeta(kept), K, x.strides[axis]];
  const at = afterKept(rank);
  const fns = `${keptOffsetFn(rank)}\n${takeFn(op, t)}`;
  const bindings = [`var<storage, read> in0: array<${t}>`, "var<storage, read_write> out: array<i32>"];
  if (K >= 64 && (x.strides[axis] === 1 || nOut < 1024)) {
    const wg = K >= 2048 ? 256 : 64;
    const code = cachedSource(`arg|${op}|${t}|${wg}|${rank}`, () =>
      groupKernel(
        wg,
        bindings,
        `if (g >= prm[0]) { return; }
  let K = prm[${at}];
  let s = prm[${at + 1}];
  let base = kept_off(g);
  var bv = in0[base];
  var bi = -1;
  for (var k = lid; k < K; k = k + ${wg}) {
    let v = in0[base + k * s];
    if (take(bv, bi, v, k)) { bv = v; bi = k; }
  }
  shv[lid] = bv;
  shi[lid] = bi;
  workgroupBarrier();
  for (var h = ${wg / 2}; h > 0; h = h >> 1u) {
    if (lid < h && take(shv[lid], shi[lid], shv[lid + h], shi[lid + h])) {
      shv[lid] = shv[lid + h];
      shi[lid] = shi[lid + h];
    }
    workgroupBarrier();
  }
  if (lid == 0) { out[g] = shi[0]; }`,
        `var<workgroup> shv: array<${t}, ${wg}>;\nvar<workgroup> shi: array<i32, ${wg}>;\n${fns}`,
      ),
    );
    rt.dispatch(code, m, [gpu(x), out.buffer], nOut);
    return out;
  }
  const wg = 64;
  const code = cachedSource(`arg1|${op}|${t}|${rank}`, () =>
    groupKernel(
      wg,
      bindings,
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
