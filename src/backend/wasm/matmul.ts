/**
 * float32 matmul on the WASM GEMM kernel: operands are copied into the kernels' memory once (all batches) and packed from
 * their strides per matrix; large products (one big matrix, or a batch of them) are split over threads (threads.ts) in
 * that same memory.
 */

import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { materialize, stridedOffsets } from "../cpu/strided.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { copyIn, stage } from "./stage.js";
import { poolThreads, threadedGemm } from "./threads.js";
import { thresholds } from "./thresholds.js";

const MR = 4;
const NR = 8;
const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;

export function wasmMatmul(kern: Kernels, a: View, b: View, outDType: string, bias?: View): Float32Array | null {
  if (a.dtype !== "float32" || b.dtype !== "float32" || outDType !== "float32" || (bias && bias.dtype !== "float32")) return null;
  const nd = a.shape.length;
  const [m, k, n] = [a.shape[nd - 2], a.shape[nd - 1], b.shape[nd - 1]];
  const batchShape = a.shape.slice(0, nd - 2);
  const batch = numel(batchShape);
  // The whole batch counts: one call for many small products (attention heads) amortizes the copies (7× the JS loop at
  // 128 products of 14×16·16×14).
  if (m === 0 || n === 0 || k === 0 || batch === 0 || batch * m * n * k < thresholds.matmul) return null;
  const [sa, sb] = [stage(a), stage(b)];
  const [rsA, csA] = [sa.strides[nd - 2], sa.strides[nd - 1]];
  const [rsB, csB] = [sb.strides[nd - 2], sb.strides[nd - 1]];
  const threaded = batch * m * n * k >= thresholds.threads && rsA >= 0 && csA >= 0 && rsB >= 0 && csB >= 0;
  const threads = threaded ? poolThreads(kern) : 1;
  const ldc = roundUp(n, NR);
  const cStride = roundUp(m, MR) * ldc;
  const workFloats = kern.gemmWorkSize();
  // Threads need every C of a batch at once (and the batch's operand offsets in memory); one thread reuses one C.
  const cs = threads > 1 ? batch : 1;
  const offsetFloats = threads > 1 && batch > 1 ? 2 * batch : 0;
  // With a bias (n floats, made dense), each product is added to it by the elementwise kernel, as a separate add would,
  // into a dense m×n area that is then copied out.
  const biasData = bias ? (materialize(bias) as Float32Array) : null;
  const biasFloats = biasData ? [n, m * n] : [0, 0];
  const ptrs = layout(kern, [sa.data.length, sb.data.length, cs * cStride, threads * workFloats, offsetFloats, ...biasFloats]);
  if (ptrs === null) return null;
  // The memory grows only in layout(), so this view stays valid for the whole call.
  const mem = memF32(kern);
  const pa = copyIn(mem, sa, ptrs[0]);
  const pb = copyIn(mem, sb, ptrs[1]);
  const [c, work, offsets, pBias, dense] = ptrs.slice(2);
  if (biasData) mem.set(biasData, pBias >> 2);
  const out = new Float32Array(batch * m * n);
  /** Copies the product at `cAt` out to `out` at `at`, adding the bias on the way when there is one. */
  const emit = (cAt: number, at: number): void => {
    if (biasData) {
      kern.binary(0, cAt, ldc, 1, pBias, 0, 1, dense, m, n);
      copyOut(mem, dense, n, m, n, out, at);
    } else copyOut(mem, cAt, ldc, m, n, out, at);
  };
  const aBase = batch === 1 ? [0] : stridedOffsets(batchShape, sa.strides.slice(0, nd - 2), 0);
  const bBase = batch === 1 ? [0] : stridedOffsets(batchShape, sb.strides.slice(0, nd - 2), 0);
  if (threads > 1) {
    if (batch > 1) {
      const offs = new Int32Array(kern.memory.buffer, offsets, 2 * batch);
      for (let i = 0; i < batch; i++) [offs[2 * i], offs[2 * i + 1]] = [aBase[i], bBase[i]];
    }
    const job = { a: pa, rsA, csA, b: pb, rsB, csB, c, ldc, m, n, k, work, workBytes: 4 * workFloats, batch, offsets, cStride };
    if (!threadedGemm(kern, job)) {
      for (let i = 0; i < batch; i++) {
        kern.gemm(pa + 4 * aBase[i], rsA, csA, pb + 4 * bBase[i], rsB, csB, c + 4 * i * cStride, ldc, m, n, k, work);
      }
    }
    for (let i = 0; i < batch; i++) emit(c + 4 * i * cStride, i * m * n);
    return out;
  }
  for (let i = 0; i < batch; i++) {
    kern.gemm(pa + 4 * aBase[i], rsA, csA, pb + 4 * bBase[i], rsB, csB, c, ldc, m, n, k, work);
    emit(c, i * m * n);
  }
  return out;
}

/** Copies the m×n matrix at byte pointer `c` (leading dimension ldc) into `out` at `at`, densely. */
function copyOut(mem: Float32Array, c: number, ldc: number, m: number, n: number, out: Float32Array, at: number): void {
  const c0 = c >> 2;
  if (ldc === n) {
    out.set(mem.subarray(c0, c0 + m * n), at);
    return;
  }
  for (let i = 0; i < m; i++) out.set(mem.subarray(c0 + i * ldc, c0 + i * ldc + n), at + i * n);
}
