import { record1 } from "../autograd/node.js";
import { DTypeError, ShapeError } from "../errors.js";
import { broadcastShapes, fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, fromBuffer, sameShape } from "./util.js";

function sameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: expected both operands to have the same dtype, got ${a.dtype} and ${b.dtype}; cast one with .to()`);
  }
  if (a.dtype === "bool") throw new DTypeError(`${op}: not supported for bool tensors`);
}

/**
 * The batched matrix product of `[...batch, m, k]` and `[...batch, k, n]` with broadcast batch dims:
 * the primitive that every matmul form reduces to. d/da = g·bᵀ, d/db = aᵀ·g (batch sums are done by the
 * engine when a batch dim was broadcast).
 */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2];
  const n = b.shape[b.ndim - 1];
  if (k !== k2) {
    throw new ShapeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied (${m}x${k} and ${k2}x${n})`);
  }
  let batch: number[] = [];
  if (a.ndim > 2 || b.ndim > 2) {
    try {
      batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      throw new ShapeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied: batch dims do not broadcast`);
    }
  }
  // Operands that already have the batch shape (every 2-D product) are used as they are.
  const ae = a.ndim === batch.length + 2 && sameShape(a.shape.slice(0, -2), batch) ? a : a.expand([...batch, m, k]);
  const be = b.ndim === batch.length + 2 && sameShape(b.shape.slice(0, -2), batch) ? b : b.expand([...batch, k, n]);
  const backend = backendOf("matmul", a, b);
  const out = fromBuffer(backend.matmul(ae._view, be._view, a.dtype), [...batch, m, n], a.dtype, backend);
  return record1("BmmBackward0", out, [a, b], (g, [a, b], needs) => [needs[0] ? g.matmul(b.mT) : null, needs[1] ? a.mT.matmul(g) : null], [
    a,
    b,
  ]);
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is treated as a row
 * (left) or column (right) vector and that dim removed again, and leading batch dims broadcast.
 *
 * @example
 * x.matmul(w.T); tg.matmul(tg.randn([10, 3, 4]), tg.randn([4, 5])); // [10, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  sameDType("matmul", a, b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dimension, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  if (a.ndim === 1 && b.ndim === 1) return dot(a, b);
  // Checked here so the message names the shapes as given, not those of a 1-D operand made 2-D below.
  const ka = a.shape[a.ndim - 1];
  const kb = b.shape[b.ndim === 1 ? 0 : b.ndim - 2];
  if (ka !== kb) {
    throw new ShapeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied (sizes ${ka} and ${kb} differ)`);
  }
  if (a.ndim === 1) return batchedMatmul(a.unsqueeze(0), b).squeeze(-2);
  if (b.ndim === 1) return batchedMatmul(a, b.unsqueeze(-1)).squeeze(-1);
  return batchedMatmul(a, b);
}

/** The product of two 2-D matrices. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new ShapeError(`mm: expected two 2-D tensors, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  sameDType("mm", a, b);
  return batchedMatmul(a, b);
}

/** The product of two batches of matrices, `[B, m, k]` and `[B, k, n]` (no broadcasting). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`bmm: expected 3-D tensors with the same batch size, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  sameDType("bmm", a, b);
  return batchedMatmul(a, b);
}

/** The dot product of two 1-D tensors of the same length (a 0-dim tensor). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`dot: expected two 1-D tensors of the same length, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  sameDType("dot", a, b);
  return batchedMatmul(a.unsqueeze(0), b.unsqueeze(1)).reshape([]);
}

/** The outer product of two 1-D tensors: `[n] ⊗ [m] → [n, m]`. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`outer: expected two 1-D tensors, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}
