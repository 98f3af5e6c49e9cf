import { type AnyTypedArray, type DType, storageArrayFor } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { materialize, stridedOffsets } from "./strided.js";

// Block sizes chosen so that a KC×NC panel of B (8 bytes an element as doubles in registers, 4 in
// memory) stays in a 256 KiB L2 cache while every row of A streams past it.
const KC = 128;
const NC = 256;

/** C[m×n] = A[m×k] · B[k×n] for contiguous row-major operands, accumulating in doubles. */
function gemm(A: AnyTypedArray, B: AnyTypedArray, acc: Float64Array, m: number, k: number, n: number): void {
  acc.fill(0);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(n, j0 + NC);
    for (let k0 = 0; k0 < k; k0 += KC) {
      const k1 = Math.min(k, k0 + KC);
      for (let i = 0; i < m; i++) {
        const aRow = i * k;
        const cRow = i * n;
        let p = k0;
        // Two rows of B per pass halves the loads and stores of the accumulator row.
        for (; p + 1 < k1; p += 2) {
          const a0 = A[aRow + p];
          const a1 = A[aRow + p + 1];
          const b0 = p * n;
          const b1 = b0 + n;
          for (let j = j0; j < j1; j++) acc[cRow + j] += a0 * B[b0 + j] + a1 * B[b1 + j];
        }
        if (p < k1) {
          const a0 = A[aRow + p];
          const b0 = p * n;
          for (let j = j0; j < j1; j++) acc[cRow + j] += a0 * B[b0 + j];
        }
      }
    }
  }
}

/** Below this many multiply-adds a product is read straight through the strides: packing would cost more than it saves. */
const SMALL = 4096;

/**
 * C = A·B for one small matrix pair read in place through its strides, a double sum per element (over p in order). Four
 * outputs are summed at once, four columns of a row (then, for the last n % 4 columns, four rows of a column): four
 * independent chains of additions instead of one keep the FPU busy (2x faster on tiny products), and each element still
 * adds the same terms in the same order.
 */
function smallGemm(
  A: AnyTypedArray,
  oa: number,
  rsA: number,
  csA: number,
  B: AnyTypedArray,
  ob: number,
  rsB: number,
  csB: number,
  out: AnyTypedArray,
  oc: number,
  m: number,
  k: number,
  n: number,
): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const cRow = oc + i * n;
    for (let j = 0; j < n4; j += 4) {
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let p = 0, pa = oa + i * rsA, pb = ob + j * csB; p < k; p++, pa += csA, pb += rsB) {
        const a = A[pa];
        c0 += a * B[pb];
        c1 += a * B[pb + csB];
        c2 += a * B[pb + 2 * csB];
        c3 += a * B[pb + 3 * csB];
      }
      out[cRow + j] = c0;
      out[cRow + j + 1] = c1;
      out[cRow + j + 2] = c2;
      out[cRow + j + 3] = c3;
    }
  }
  for (let j = n4; j < n; j++) {
    let i = 0;
    for (; i + 3 < m; i += 4) {
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let p = 0, pa = oa + i * rsA, pb = ob + j * csB; p < k; p++, pa += csA, pb += rsB) {
        const b = B[pb];
        c0 += A[pa] * b;
        c1 += A[pa + rsA] * b;
        c2 += A[pa + 2 * rsA] * b;
        c3 += A[pa + 3 * rsA] * b;
      }
      const c = oc + i * n + j;
      out[c] = c0;
      out[c + n] = c1;
      out[c + 2 * n] = c2;
      out[c + 3 * n] = c3;
    }
    for (; i < m; i++) {
      let acc = 0;
      for (let p = 0, pa = oa + i * rsA, pb = ob + j * csB; p < k; p++, pa += csA, pb += rsB) acc += A[pa] * B[pb];
      out[oc + i * n + j] = acc;
    }
  }
}

/** `matmul` plus `bias` on every row, added after the product is rounded to the output dtype, as a separate add would. */
export function addmm(av: View, bv: View, bias: View, outDType: DType): AnyTypedArray {
  const out = matmul(av, bv, outDType);
  const b = materialize(bias);
  const n = b.length;
  for (let i = 0; i < out.length; i += n) for (let j = 0; j < n; j++) out[i + j] += b[j];
  return out;
}

export function matmul(av: View, bv: View, outDType: DType): AnyTypedArray {
  const nd = av.shape.length;
  const m = av.shape[nd - 2];
  const k = av.shape[nd - 1];
  const n = bv.shape[nd - 1];
  if (nd === 2 && m * n * k <= SMALL) {
    const out = storageArrayFor(outDType, m * n);
    smallGemm(
      av.buffer as AnyTypedArray,
      av.offset,
      av.strides[0],
      av.strides[1],
      bv.buffer as AnyTypedArray,
      bv.offset,
      bv.strides[0],
      bv.strides[1],
      out,
      0,
      m,
      k,
      n,
    );
    return out;
  }
  const batchShape = av.shape.slice(0, nd - 2);
  const batch = numel(batchShape);
  const out = storageArrayFor(outDType, batch * m * n);
  const aBase = stridedOffsets(batchShape, av.strides.slice(0, nd - 2), av.offset);
  const bBase = stridedOffsets(batchShape, bv.strides.slice(0, nd - 2), bv.offset);
  const acc = new Float64Array(m * n);
  const aMat = (b: number): View => ({ ...av, shape: [m, k], strides: av.strides.slice(nd - 2), offset: aBase[b] });
  const bMat = (b: number): View => ({ ...bv, shape: [k, n], strides: bv.strides.slice(nd - 2), offset: bBase[b] });
  for (let b = 0; b < batch; b++) {
    // Packing transposed or strided operands costs O(mk + kn), small beside the O(mkn) product.
    gemm(materialize(aMat(b)), materialize(bMat(b)), acc, m, k, n);
    out.set(acc, b * m * n);
  }
  return out;
}
