import { type AnyTypedArray, type DType, typedArrayFor } from "../../dtype.js";
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

export function matmul(av: View, bv: View, outDType: DType): AnyTypedArray {
  const nd = av.shape.length;
  const [m, k] = [av.shape[nd - 2], av.shape[nd - 1]];
  const n = bv.shape[nd - 1];
  const batchShape = av.shape.slice(0, nd - 2);
  const batch = numel(batchShape);
  const out = typedArrayFor(outDType, batch * m * n);
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
