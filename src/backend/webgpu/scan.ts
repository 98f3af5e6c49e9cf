import type { DType } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { coalesceMany } from "../cpu/strided.js";
import { contiguous, gpu } from "./elementwise.js";
import { rowPass } from "./reduce.js";
import { afterKept, cachedSource, groupKernel, keptOffsetFn, treeReduce } from "./rowkernel.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { convert, wgslType } from "./wgsl.js";

/** Threads of a scan workgroup and elements each thread scans in a tile (a tile is `SCAN_WG · SCAN_E` elements). */
const SCAN_WG = 256;
const SCAN_E = 4;

/**
 * Inclusive running sum along `axis` into a contiguous buffer of `outDType`. Rows of at least 128 elements get a
 * workgroup each, scanning tiles of 1024: every thread sums its 4 elements, a Hillis–Steele scan over the thread sums in
 * workgroup memory gives each thread its prefix, and the tile's total carries into the next tile. A few very long rows
 * are split into chunks of whole tiles (a first pass sums each chunk). Short rows get a thread each.
 */
export function cumsum(rt: Runtime, x: View, axis: number, outDType: DType): GpuBuffer {
  const n = numel(x.shape);
  const out = rt.alloc(outDType, n);
  if (n === 0) return out;
  const K = x.shape[axis];
  const nRows = n / K;
  const outStrides = contiguous(x.shape);
  const keptShape = x.shape.filter((_, d) => d !== axis);
  const merged = coalesceMany(keptShape, [x.strides.filter((_, d) => d !== axis), outStrides.filter((_, d) => d !== axis)]);
  const rank = merged.shape.length;
  const [inStrides, keptOut] = merged.strides;
  const second = afterKept(rank);
  const at = second + 2 * rank + 1;
  const meta = [nRows, ...merged.shape, x.offset, ...inStrides, ...merged.shape, 0, ...keptOut, K, x.strides[axis], outStrides[axis]];
  const tin = wgslType(x.dtype);
  const tout = wgslType(outDType);
  const t = tout === "u32" ? "i32" : tout;
  const fns = `${keptOffsetFn(rank, "in_off", 1)}\n${keptOffsetFn(rank, "out_off", second)}`;
  const bindings = [`var<storage, read> in0: array<${tin}>`, `var<storage, read_write> out: array<${tout}>`];
  const load = (k: string): string => convert(`in0[ib + ${k} * si]`, tin, t);
  const head = `let K = prm[${at}];
  let si = prm[${at + 1}];
  let so = prm[${at + 2}];`;
  if (K >= 128) {
    // A few very long rows are split into chunks: a first pass sums each chunk, and each chunk's scan starts from the
    // sum of the chunks before it.
    const tile = SCAN_WG * SCAN_E;
    const parts = nRows >= 256 || K <= 8 * tile ? 1 : Math.min(Math.ceil(K / (2 * tile)), Math.ceil(256 / nRows));
    const chunk = Math.ceil(Math.ceil(K / parts) / tile) * tile;
    const p = Math.ceil(K / chunk);
    const split = p > 1;
    let partial: GPUBuffer | null = null;
    if (split) {
      partial = rt.scratch(nRows * p * 4);
      const kept = { shape: merged.shape, strides: inStrides, offset: x.offset };
      rowPass(rt, "sum", x, { kept, red: { shape: [K], strides: [x.strides[axis]] } }, p, chunk, 256, t, partial, t);
    }
    const code = cachedSource(`scan|${tin}|${tout}|${rank}|${split}`, () =>
      groupKernel(
        SCAN_WG,
        split ? [...bindings, `var<storage, read> in1: array<${t}>`] : bindings,
        `if (g >= prm[0]) { return; }
  ${head}
  let parts = prm[${at + 4}];
  let row = g / parts;
  let c = g % parts;
  let k0 = c * prm[${at + 3}];
  let k1 = min(K, k0 + prm[${at + 3}]);
  let ib = in_off(row);
  let ob = out_off(row);
  var carry: ${t} = ${t}(0);
  ${
    split
      ? `var pre: ${t} = ${t}(0);
  for (var j = lid; j < c; j = j + ${SCAN_WG}) { pre = pre + in1[row * parts + j]; }
  sh[lid] = pre;
  ${treeReduce(SCAN_WG, (a, b) => `${a} + ${b}`)}
  carry = sh[0];
  workgroupBarrier();`
      : ""
  }
  for (var t0 = k0; t0 < k1; t0 = t0 + ${tile}) {
    let kk = t0 + lid * ${SCAN_E};
    var part: array<${t}, ${SCAN_E}>;
    var run: ${t} = ${t}(0);
    for (var e = 0; e < ${SCAN_E}; e = e + 1) {
      if (kk + e < k1) { run = run + ${load("(kk + e)")}; }
      part[e] = run;
    }
    sh[lid] = run;
    workgroupBarrier();
    for (var d = 1; d < ${SCAN_WG}; d = d << 1u) {
      var add: ${t} = ${t}(0);
      if (lid >= d) { add = sh[lid - d]; }
      workgroupBarrier();
      sh[lid] = sh[lid] + add;
      workgroupBarrier();
    }
    let before = carry + select(${t}(0), sh[max(lid - 1, 0)], lid > 0);
    for (var e = 0; e < ${SCAN_E}; e = e + 1) {
      if (kk + e < k1) { out[ob + (kk + e) * so] = ${convert("(before + part[e])", t, tout)}; }
    }
    carry = carry + sh[${SCAN_WG - 1}];
    workgroupBarrier();
  }`,
        `var<workgroup> sh: array<${t}, ${SCAN_WG}>;\n${fns}`,
      ),
    );
    const m = [...meta, chunk, p];
    m[0] = nRows * p;
    rt.dispatch(code, m, partial ? [gpu(x), out.buffer, partial] : [gpu(x), out.buffer], nRows * p);
    if (partial) rt.releaseScratch(partial);
    return out;
  }
  const wg = 64;
  const code = cachedSource(`scan1|${tin}|${tout}|${rank}`, () =>
    groupKernel(
      wg,
      bindings,
      `if (tid >= prm[0]) { return; }
  ${head}
  let ib = in_off(tid);
  let ob = out_off(tid);
  var acc: ${t} = ${t}(0);
  for (var k = 0; k < K; k = k + 1) {
    acc = acc + ${load("k")};
    out[ob + k * so] = ${convert("acc", t, tout)};
  }`,
      fns,
    ),
  );
  rt.dispatch(code, meta, [gpu(x), out.buffer], Math.ceil(nRows / wg));
  return out;
}
