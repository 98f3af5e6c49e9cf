import { DeviceError } from "../../errors.js";
import { isContiguous, numel } from "../../shape.js";
import type { View } from "../backend.js";
import { contiguousCopy, gpu } from "./elementwise.js";
import { cachedSource, groupKernel } from "./rowkernel.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { groupsFor, kernelHead, wgslType } from "./wgsl.js";

// A stable sort of each row on the GPU: a bitonic network over the row padded to a power of two P, sorting indices
// (the values are read through them). The order is total — values ascending (descending), NaN the largest, ties by
// index, padding after everything — so the network's result is the stable order. Blocks of up to 512 elements sort
// in workgroup memory, one dispatch running every step that stays inside a block; the merge steps across blocks
// (distance ≥ 512) are one dispatch each. A row of 50,000 (P = 65,536) takes 36 dispatches; of up to 512, one.

/** Elements a workgroup sorts in its memory (two per thread). */
const BLOCK = 512;

/** WGSL of `before(ia, va, ib, vb)`: whether element ia (value va) comes before ib in the order (see the header). */
function beforeFn(t: string, descending: boolean): string {
  const nan =
    t === "f32"
      ? "  let na = is_nan(va);\n  let nb = is_nan(vb);\n  if (na || nb) { if (na && nb) { return ia < ib; } return " +
        (descending ? "na" : "nb") +
        "; }\n"
      : "";
  return `fn before(ia: i32, va: ${t}, ib: i32, vb: ${t}, n: i32) -> bool {
  if (ia >= n) { return false; }
  if (ib >= n) { return true; }
${nan}  if (va == vb) { return ia < ib; }
  return va ${descending ? ">" : "<"} vb;
}`;
}

/**
 * The source of a pass over blocks in workgroup memory. Parameters: [groups, n, P, block, kFirst, kLast, jFirst, keys
 * offset]. For each k from kFirst to kLast (powers of two) it runs the steps j < block of that k (from jFirst for the
 * first k). `init` starts from the identity order; `final` writes the first n of each row to the int32 output.
 */
function localSource(t: string, descending: boolean, init: boolean, final: boolean): string {
  const bindings = [`var<storage, read> keys: array<${t}>`];
  if (!(init && final)) bindings.push("var<storage, read_write> idx: array<i32>");
  if (final) bindings.push("var<storage, read_write> out: array<i32>");
  return groupKernel(
    BLOCK / 2,
    bindings,
    `if (g >= prm[0]) { return; }
  let n = prm[1];
  let P = prm[2];
  let B = prm[3];
  let blocks = P / B;
  let row = g / blocks;
  let base = (g % blocks) * B;
  let koff = prm[7] + row * n;
  for (var e = lid; e < B; e = e + ${BLOCK / 2}) {
    let i = ${init ? "base + e" : "idx[row * P + base + e]"};
    si[e] = i;
    if (i < n) { sv[e] = keys[koff + i]; }
  }
  workgroupBarrier();
  for (var k = prm[4]; k <= prm[5]; k = k * 2) {
    var j = select(min(k, B) / 2, prm[6], k == prm[4]);
    loop {
      if (j < 1) { break; }
      if (lid < B / 2) {
        let p = (lid / j) * 2 * j + lid % j;
        let q = p + j;
        let up = ((base + p) & k) == 0;
        let ip = si[p];
        let iq = si[q];
        let vp = sv[p];
        let vq = sv[q];
        if (select(before(ip, vp, iq, vq, n), before(iq, vq, ip, vp, n), up)) {
          si[p] = iq;
          si[q] = ip;
          sv[p] = vq;
          sv[q] = vp;
        }
      }
      workgroupBarrier();
      j = j / 2;
    }
  }
  for (var e = lid; e < B; e = e + ${BLOCK / 2}) {
    ${final ? "if (base + e < n) { out[row * n + base + e] = si[e]; }" : "idx[row * P + base + e] = si[e];"}
  }`,
    `var<workgroup> si: array<i32, ${BLOCK}>;
var<workgroup> sv: array<${t}, ${BLOCK}>;
${beforeFn(t, descending)}`,
  );
}

/** The source of one merge step across blocks. Parameters: [pairs, n, P, k, j, keys offset]; a thread per pair. */
function globalSource(t: string, descending: boolean): string {
  return kernelHead(
    [`var<storage, read> keys: array<${t}>`, "var<storage, read_write> idx: array<i32>"],
    `let n = prm[1];
    let P = prm[2];
    let k = prm[3];
    let j = prm[4];
    let row = i / (P / 2);
    let c = i % (P / 2);
    let p = (c / j) * 2 * j + c % j;
    let q = p + j;
    let at = row * P;
    let ip = idx[at + p];
    let iq = idx[at + q];
    let koff = prm[5] + row * n;
    var vp: ${t};
    var vq: ${t};
    if (ip < n) { vp = keys[koff + ip]; }
    if (iq < n) { vq = keys[koff + iq]; }
    if (select(before(ip, vp, iq, vq, n), before(iq, vq, ip, vp, n), (p & k) == 0)) {
      idx[at + p] = iq;
      idx[at + q] = ip;
    }`,
    beforeFn(t, descending),
  );
}

/** The stable order that sorts each row along the last axis of `x` (see `Backend.sortIndices`), as int32. */
export function sortIndices(rt: Runtime, x: View, descending: boolean): GpuBuffer {
  const total = numel(x.shape);
  const out = rt.alloc("int32", total);
  if (total === 0) return out;
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  const rows = total / n;
  if (n === 1) {
    rt.clear(out.buffer, total * 4);
    return out;
  }
  const t = wgslType(x.dtype);
  const dense = isContiguous(x.shape, x.strides);
  const keys = dense ? gpu(x) : contiguousCopy(rt, x).buffer;
  const koff = dense ? x.offset : 0;
  let P = 2;
  while (P < n) P *= 2;
  const B = Math.min(P, BLOCK);
  const groups = rows * (P / B);
  const local = (init: boolean, final: boolean): string =>
    cachedSource(`sortl|${t}|${descending}|${init}|${final}`, () => localSource(t, descending, init, final));
  if (P <= BLOCK) {
    rt.dispatch(local(true, true), [groups, n, P, B, 2, P, 1, koff], [keys, out.buffer], groups);
    return out;
  }
  const limit = rt.device.limits.maxStorageBufferBindingSize;
  if (rows * P * 4 > limit) {
    throw new DeviceError(
      `webgpu: sorting ${rows} rows of ${n} needs ${rows * P * 4} bytes of indices, more than this adapter lets a kernel bind (${limit}); sort on the cpu`,
    );
  }
  const idx = rt.scratch(rows * P * 4);
  rt.dispatch(local(true, false), [groups, n, P, B, 2, B, 1, koff], [keys, idx], groups);
  const merge = cachedSource(`sortg|${t}|${descending}`, () => globalSource(t, descending));
  const pairs = (rows * P) / 2;
  for (let k = 2 * B; k <= P; k *= 2) {
    for (let j = k / 2; j >= B; j /= 2) rt.dispatch(merge, [pairs, n, P, k, j, koff], [keys, idx], groupsFor(pairs));
    const last = k === P;
    rt.dispatch(local(false, last), [groups, n, P, B, k, k, B / 2, koff], last ? [keys, idx, out.buffer] : [keys, idx], groups);
  }
  rt.releaseScratch(idx);
  return out;
}

/**
 * Where the running maximum (cummax) or minimum (cummin) along `axis` was found (see `Backend.cumExtremeIndices`): a
 * thread per line along the axis walks it in order. Parameters: [lines, n, inner].
 */
export function cumExtremeIndices(rt: Runtime, op: "cummax" | "cummin", x: View, axis: number): GpuBuffer {
  const total = numel(x.shape);
  const out = rt.alloc("int32", total);
  if (total === 0) return out;
  if (x.shape.length === 0) {
    rt.clear(out.buffer, 4);
    return out;
  }
  const n = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((p, s) => p * s, 1);
  const t = wgslType(x.dtype);
  const dense = isContiguous(x.shape, x.strides);
  const keys = dense ? gpu(x) : contiguousCopy(rt, x).buffer;
  const code = cachedSource(`cumext|${op}|${t}`, () =>
    kernelHead(
      [`var<storage, read> keys: array<${t}>`, "var<storage, read_write> out: array<i32>"],
      `let n = prm[1];
    let inner = prm[2];
    let base = (i / inner) * n * inner + i % inner;
    let off = prm[3];
    var best = 0;
    var bv = keys[off + base];
    out[base] = 0;
    for (var k = 1; k < n; k = k + 1) {
      let v = keys[off + base + k * inner];
      if (${t === "f32" ? "!is_nan(bv) && (is_nan(v) || " : "("}v ${op === "cummax" ? ">=" : "<="} bv)) {
        best = k;
        bv = v;
      }
      out[base + k * inner] = best;
    }`,
    ),
  );
  const lines = total / n;
  rt.dispatch(code, [lines, n, inner, dense ? x.offset : 0], [keys, out.buffer], groupsFor(lines));
  return out;
}

/**
 * searchsorted's insertion indices (see `Backend.searchSorted`): a thread per value, binary searching its row.
 * Parameters: [values, n, m (0 for a 1-D sequence), seq offset, values offset].
 */
export function searchSorted(rt: Runtime, seq: View, values: View, right: boolean): GpuBuffer {
  const total = numel(values.shape);
  const out = rt.alloc("int32", total);
  if (total === 0) return out;
  const t = wgslType(seq.dtype);
  const dense = (v: View): [GPUBuffer, number] =>
    isContiguous(v.shape, v.strides) ? [gpu(v), v.offset] : [contiguousCopy(rt, v).buffer, 0];
  const [sb, so] = dense(seq);
  const [vb, vo] = dense(values);
  const n = seq.shape[seq.shape.length - 1];
  const m = seq.shape.length === 1 ? 0 : values.shape[values.shape.length - 1];
  const nan = t === "f32" ? `if (is_nan(v)) { before = !is_nan(e) || ${right}; } else ` : "";
  const code = cachedSource(`search|${t}|${right}`, () =>
    kernelHead(
      [`var<storage, read> seq: array<${t}>`, `var<storage, read> vals: array<${t}>`, "var<storage, read_write> out: array<i32>"],
      `let n = prm[1];
    let lo = select(0, (i / max(prm[2], 1)) * n, prm[2] > 0) + prm[3];
    let v = vals[prm[4] + i];
    var a = 0;
    var b = n;
    loop {
      if (a >= b) { break; }
      let mid = (a + b) / 2;
      let e = seq[lo + mid];
      var before: bool;
      ${nan}{ before = ${right ? "e <= v" : "e < v"}; }
      if (before) { a = mid + 1; } else { b = mid; }
    }
    out[i] = a;`,
    ),
  );
  rt.dispatch(code, [total, n, m, so, vo], [sb, vb, out.buffer], groupsFor(total));
  return out;
}
