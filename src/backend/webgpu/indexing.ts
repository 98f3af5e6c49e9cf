import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { contiguous, copy, gpu } from "./elementwise.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { groupsFor, kernelHead, stridedMeta, stridedOffsets, wgslType } from "./wgsl.js";

/**
 * A view of `target`'s memory in the index's shape with the `axis` stride zeroed: the kernels add `index * stride` along
 * `axis` themselves.
 */
function alongIndex(index: View, target: { strides: readonly number[]; offset: number }, axis: number): View {
  return { ...index, strides: target.strides.map((s, d) => (d === axis ? 0 : s)), offset: target.offset };
}

/** `out[...] = x[... index[...] at axis ...]`; an index outside `[0, size)` writes 0 and raises the error word (code 1). */
export function gather(rt: Runtime, x: View, axis: number, index: View): GpuBuffer {
  const n = numel(index.shape);
  const out = rt.alloc(x.dtype, n);
  if (n === 0) return out;
  const t = wgslType(x.dtype);
  const { rank, meta } = stridedMeta(index.shape, [index, alongIndex(index, x, axis)]);
  const at = meta.length;
  meta.push(x.strides[axis], x.shape[axis]);
  const code = kernelHead(
    [
      "var<storage, read> idx: array<i32>",
      `var<storage, read> in0: array<${t}>`,
      `var<storage, read_write> out: array<${t}>`,
      "var<storage, read_write> err: array<atomic<u32>>",
    ],
    `${stridedOffsets(rank, 2)}
    let j = idx[o0];
    if (j < 0 || j >= prm[${at + 1}]) {
      atomicMax(&err[0], 1u);
      out[i] = ${t}(0);
      return;
    }
    out[i] = in0[o1 + j * prm[${at}]];`,
  );
  rt.dispatch(code, meta, [gpu(index), gpu(x), out.buffer, rt.errorBuffer], groupsFor(n));
  return out;
}

/**
 * A contiguous copy of `dst` with `src` written (or added, with atomics) at `index` along `axis`. Float adds use a
 * compare-and-swap loop on the bits (WGSL has no float atomics); the order of adds to one element is unspecified.
 */
export function scatter(rt: Runtime, dst: View, axis: number, index: View, src: View, mode: "assign" | "add"): GpuBuffer {
  const total = numel(dst.shape);
  const out = rt.alloc(dst.dtype, total);
  const outStrides = contiguous(dst.shape);
  copy(rt, { buffer: out, dtype: dst.dtype, shape: dst.shape, strides: outStrides, offset: 0 }, dst);
  const n = numel(index.shape);
  if (n === 0) return out;
  const t = wgslType(dst.dtype);
  const ts = wgslType(src.dtype);
  const { rank, meta } = stridedMeta(index.shape, [index, src, alongIndex(index, { strides: outStrides, offset: 0 }, axis)]);
  const at = meta.length;
  meta.push(outStrides[axis], dst.shape[axis]);
  const atomicType = t === "i32" ? "i32" : "u32";
  const value = ts === t ? "in0[o1]" : `${t}(in0[o1])`;
  let write: string;
  if (mode === "assign") write = `atomicStore(&out[o], ${t === atomicType ? value : `bitcast<u32>(${value})`});`;
  else if (t === "i32") write = `atomicAdd(&out[o], ${value});`;
  else if (t === "u32") write = `atomicOr(&out[o], select(0u, 1u, ${value} != 0u));`;
  else {
    write = `loop {
      let old = atomicLoad(&out[o]);
      let r = atomicCompareExchangeWeak(&out[o], old, bitcast<u32>(bitcast<f32>(old) + ${value}));
      if (r.exchanged) { break; }
    }`;
  }
  const code = kernelHead(
    [
      "var<storage, read> idx: array<i32>",
      `var<storage, read> in0: array<${ts}>`,
      `var<storage, read_write> out: array<atomic<${atomicType}>>`,
      "var<storage, read_write> err: array<atomic<u32>>",
    ],
    `${stridedOffsets(rank, 3)}
    let j = idx[o0];
    if (j < 0 || j >= prm[${at + 1}]) {
      atomicMax(&err[0], 2u);
      return;
    }
    let o = o2 + j * prm[${at}];
    ${write}`,
  );
  rt.dispatch(code, meta, [gpu(index), gpu(src), out.buffer, rt.errorBuffer], groupsFor(n));
  return out;
}
