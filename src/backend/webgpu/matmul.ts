import type { DType } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { gpu } from "./elementwise.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { groupsFor, kernelHead, stridedOffsets, wgslType } from "./wgsl.js";

/** `a @ b` over `[...batch, m, k] @ [...batch, k, n]` (strided, batch dims broadcast by stride 0): one thread per output. */
export function matmul(rt: Runtime, a: View, b: View, outDType: DType): GpuBuffer {
  const r = a.shape.length;
  const m = a.shape[r - 2];
  const k = a.shape[r - 1];
  const n = b.shape[r - 1];
  const batch = a.shape.slice(0, r - 2);
  const total = numel(batch) * m * n;
  const out = rt.alloc(outDType, total);
  if (total === 0) return out;
  const t = wgslType(outDType);
  // Operands as views of the output's shape [...batch, m, n]: a's column and b's row dims are walked by the k loop.
  const shape = [...batch, m, n];
  const aStrides = [...a.strides.slice(0, r - 2), a.strides[r - 2], 0];
  const bStrides = [...b.strides.slice(0, r - 2), 0, b.strides[r - 1]];
  const rank = shape.length;
  const meta = [total, ...shape, a.offset, ...aStrides, b.offset, ...bStrides, k, a.strides[r - 1], b.strides[r - 2]];
  const at = 1 + rank + 2 * (rank + 1);
  const code = kernelHead(
    [
      `var<storage, read> in0: array<${wgslType(a.dtype)}>`,
      `var<storage, read> in1: array<${wgslType(b.dtype)}>`,
      `var<storage, read_write> out: array<${t}>`,
    ],
    `${stridedOffsets(rank, 2)}
    let K = prm[${at}];
    let sa = prm[${at + 1}];
    let sb = prm[${at + 2}];
    var acc: ${t} = ${t}(0);
    for (var p = 0; p < K; p = p + 1) {
      acc = acc + ${t}(in0[o0 + p * sa]) * ${t}(in1[o1 + p * sb]);
    }
    out[i] = acc;`,
  );
  rt.dispatch(code, meta, [gpu(a), gpu(b), out.buffer], groupsFor(total));
  return out;
}
