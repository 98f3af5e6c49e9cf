import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { gpu } from "./elementwise.js";
import { afterKept, cachedSource, groupKernel, keptMeta, keptOffsetFn, splitAxes, treeReduce } from "./rowkernel.js";
import type { GpuBuffer, Runtime } from "./runtime.js";

/**
 * Fused log-softmax over the last axis of a float32 view, one workgroup per row: the row's max (NaN propagating), the
 * sum of e^(x − max) (the max taken as 0 where it is infinite, as the composed form does), then x − max − log Σ into a
 * contiguous buffer. Null for other dtypes (the op composes it).
 */
export function logSoftmax(rt: Runtime, x: View): GpuBuffer | null {
  if (x.dtype !== "float32" || x.shape.length === 0) return null;
  const n = numel(x.shape);
  const out = rt.alloc("float32", n);
  if (n === 0) return out;
  const last = x.shape.length - 1;
  const K = x.shape[last];
  const nRows = n / K;
  const { kept } = splitAxes(x, [last], false);
  const rank = kept.shape.length;
  const at = afterKept(rank);
  const wg = K <= 32 ? 32 : K < 1024 ? 64 : 256;
  const code = cachedSource(`lsm|${wg}|${rank}`, () =>
    groupKernel(
      wg,
      ["var<storage, read> in0: array<f32>", "var<storage, read_write> out: array<f32>"],
      `if (g >= prm[0]) { return; }
  let K = prm[${at}];
  let s = prm[${at + 1}];
  let base = kept_off(g);
  var m = -inf_f32();
  for (var k = lid; k < K; k = k + ${wg}) { m = max_f32(m, in0[base + k * s]); }
  sh[lid] = m;
  ${treeReduce(wg, (a, b) => `max_f32(${a}, ${b})`)}
  let top = sh[0];
  let shift = select(0.0, top, !is_nan(top) && !is_inf(top));
  workgroupBarrier();
  var total = 0.0;
  for (var k = lid; k < K; k = k + ${wg}) { total = total + exp(in0[base + k * s] - shift); }
  sh[lid] = total;
  ${treeReduce(wg, (a, b) => `${a} + ${b}`)}
  // log of 0, inf and NaN is left open by WGSL (drivers differ: SwiftShader's log(NaN) is inf): spelled out.
  let z = sh[0];
  var lse = select(select(log(z), inf_f32(), is_inf(z)), -inf_f32(), z == 0.0) + shift;
  if (is_nan(top) || is_nan(z)) { lse = nan_f32(); }
  for (var k = lid; k < K; k = k + ${wg}) { out[g * K + k] = in0[base + k * s] - lse; }`,
      `var<workgroup> sh: array<f32, ${wg}>;\n${keptOffsetFn(rank)}`,
    ),
  );
  rt.dispatch(code, [nRows, ...keptMeta(kept), K, x.strides[last]], [gpu(x), out.buffer], nRows);
  return out;
}
