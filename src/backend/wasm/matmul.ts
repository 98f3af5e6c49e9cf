/** float32 matmul on the WASM GEMM kernel: operands are copied in once (all batches), packed from their strides per matrix. */

import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { stridedOffsets } from "../cpu/strided.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { copyIn, stage } from "./stage.js";
import { threadedGemm } from "./threads.js";
import { thresholds } from "./thresholds.js";

const MR = 4;
const NR = 8;
const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;

export function wasmMatmul(kern: Kernels, a: View, b: View, outDType: string): Float32Array | null {
  if (a.dtype !== "float32" || b.dtype !== "float32" || outDType !== "float32") return null;
  const nd = a.shape.length;
  const [m, k, n] = [a.shape[nd - 2], a.shape[nd - 1], b.shape[nd - 1]];
  if (m === 0 || n === 0 || k === 0 || m * n * k < thresholds.matmul) return null;
  const batchShape = a.shape.slice(0, nd - 2);
  const batch = numel(batchShape);
  if (batch === 0) return null;
  const [sa, sb] = [stage(a), stage(b)];
  const aBase = stridedOffsets(batchShape, sa.strides.slice(0, nd - 2), 0);
  const bBase = stridedOffsets(batchShape, sb.strides.slice(0, nd - 2), 0);
  const cSize = roundUp(m, MR) * roundUp(n, NR);
  const ptrs = layout(kern, [sa.data.length, sb.data.length, cSize, kern.gemmWorkSize()]);
  if (ptrs === null) return null;
  const mem = memF32(kern);
  const pa = copyIn(mem, sa, ptrs[0]);
  const pb = copyIn(mem, sb, ptrs[1]);
  const [rsA, csA] = [sa.strides[nd - 2], sa.strides[nd - 1]];
  const [rsB, csB] = [sb.strides[nd - 2], sb.strides[nd - 1]];
  const out = new Float32Array(batch * m * n);
  const c = ptrs[2];
  if (batch === 1 && m * n * k >= thresholds.threads) {
    const job = {
      kern,
      m,
      n,
      k,
      aData: sa.data,
      aBase: sa.base,
      bData: sb.data,
      bBase: sb.base,
      pa,
      pb,
      rsA,
      csA,
      rsB,
      csB,
      c,
      work: ptrs[3],
    };
    if (threadedGemm(job, out, () => memF32(kern))) return out;
  }
  for (let i = 0; i < batch; i++) {
    kern.gemm(pa + 4 * aBase[i], rsA, csA, pb + 4 * bBase[i], rsB, csB, c, m, n, k, ptrs[3]);
    out.set(mem.subarray(c >> 2, (c >> 2) + m * n), i * m * n);
  }
  return out;
}
