import { ownedGrad, record1 } from "../autograd/node.js";
import type { View } from "../backend/backend.js";
import { DTypeError, ShapeError } from "../errors.js";
import { broadcastShapes, contiguousStrides, fmt } from "../shape.js";
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
  let ae = a;
  let be = b;
  let outShape: readonly number[] = Object.freeze([m, n]);
  if (a.ndim > 2 || b.ndim > 2) {
    let batch: number[];
    try {
      batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      throw new ShapeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} cannot be multiplied: batch dims do not broadcast`);
    }
    // Operands that already have the batch shape are used as they are.
    if (a.ndim !== batch.length + 2 || !sameShape(a.shape.slice(0, -2), batch)) ae = a.expand([...batch, m, k]);
    if (b.ndim !== batch.length + 2 || !sameShape(b.shape.slice(0, -2), batch)) be = b.expand([...batch, k, n]);
    outShape = Object.freeze([...batch, m, n]);
  }
  const backend = backendOf("matmul", a, b);
  const out = fromBuffer(backend.matmul(ae._view, be._view, a.dtype), outShape, a.dtype, backend);
  // The products are fresh tensors that nothing else refers to: a leaf takes one as its .grad without a copy.
  return record1(
    "BmmBackward0",
    out,
    [a, b],
    (g, [a, b], needs) => [needs[0] ? ownedGrad(g.matmul(b.mT)) : null, needs[1] ? ownedGrad(a.mT.matmul(g)) : null],
    [a, b],
  );
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

/** `x` as a `[rows, cols]` view when its leading dims collapse into one without a copy (always for contiguous inputs). */
function rowsView(x: Tensor, rows: number): View | null {
  const nd = x.ndim;
  const cols = x.shape[nd - 1];
  const v = x._view;
  if (nd === 2) return v;
  const cs = x.strides[nd - 1];
  if (nd === 1) return { buffer: v.buffer, dtype: v.dtype, shape: [1, cols], strides: [cols * cs, cs], offset: v.offset };
  for (let d = 0; d < nd - 2; d++) if (x.shape[d] !== 1 && x.strides[d] !== x.strides[d + 1] * x.shape[d + 1]) return null;
  return { buffer: v.buffer, dtype: v.dtype, shape: [rows, cols], strides: [x.strides[nd - 2], cs], offset: v.offset };
}

/**
 * x·Wᵀ + b in one op (PyTorch's `addmm` behind `F.linear`): x `[..., in]`, W `[out, in]`, b `[out]` or none. The
 * matmul kernel reads W transposed through its strides, so no permute node or copy is made, and the bias is added to
 * the fresh product. Backward, in tensor ops so that it can itself be differentiated: dx = g·W, dW = gᵀ·x and
 * db = g, both summed over x's leading dims.
 *
 * @example
 * linear(tg.randn([32, 784]), w, b); // [32, out]; what `F.linear` and `nn.Linear` run
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  sameDType("linear", x, weight);
  const nd = x.ndim;
  const inF = x.shape[nd - 1];
  if (nd === 0 || weight.ndim !== 2 || weight.shape[1] !== inF) {
    throw new ShapeError(`linear: input of shape ${fmt(x.shape)} does not match weight of shape ${fmt(weight.shape)} (last dims differ)`);
  }
  const outF = weight.shape[0];
  if (bias && (bias.dtype !== x.dtype || bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError(
      `linear: bias of shape ${fmt(bias.shape)} and dtype ${bias.dtype} does not match weight of shape ${fmt(weight.shape)} (${x.dtype})`,
    );
  }
  const backend = bias ? backendOf("linear", x, weight, bias) : backendOf("linear", x, weight);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= x.shape[d];
  // x's own shape when the width does not change, else frozen here (a fresh array), so the tensor takes it as it is.
  let outShape = x.shape;
  if (outF !== inF) {
    // Copied in a loop: slice() on a frozen array takes V8's slow path.
    const shape = new Array<number>(nd);
    for (let d = 0; d < nd - 1; d++) shape[d] = x.shape[d];
    shape[nd - 1] = outF;
    outShape = Object.freeze(shape);
  }
  let xv = rowsView(x, rows);
  if (xv === null) {
    // Leading dims that do not collapse (a strided view): one contiguous copy.
    const buf = backend.alloc(x.dtype, rows * inF);
    backend.copy({ buffer: buf, dtype: x.dtype, shape: x.shape, strides: contiguousStrides(x.shape), offset: 0 }, x._view);
    xv = { buffer: buf, dtype: x.dtype, shape: [rows, inF], strides: [inF, 1], offset: 0 };
  }
  const w = weight._view;
  const wT: View = {
    buffer: w.buffer,
    dtype: w.dtype,
    shape: [inF, outF],
    strides: [weight.strides[1], weight.strides[0]],
    offset: w.offset,
  };
  // The bias is added by the backend's fused kernel where it has one (addmm), else by an add.
  let buf = bias ? backend.addmm?.(xv, wT, bias._view, x.dtype) : null;
  if (!buf) {
    buf = backend.matmul(xv, wT, x.dtype);
    if (bias) {
      const y: View = { buffer: buf, dtype: x.dtype, shape: [rows, outF], strides: [outF, 1], offset: 0 };
      const bv = bias._view;
      buf = backend.binary(
        "add",
        y,
        { buffer: bv.buffer, dtype: bv.dtype, shape: [rows, outF], strides: [0, bias.strides[0]], offset: bv.offset },
        x.dtype,
      );
    }
  }
  const out = fromBuffer(buf, outShape, x.dtype, backend);
  return record1(
    "AddmmBackward0",
    out,
    [x, weight, bias ?? null],
    (g, [x, weight], needs) => {
      if (nd === 1) return [needs[0] ? g.matmul(weight) : null, needs[1] ? g.unsqueeze(1).mul(x.unsqueeze(0)) : null, needs[2] ? g : null];
      // The leading dims of x and g flattened into rows (views when contiguous), for the sums over them.
      const g2 = nd === 2 ? g : g.reshape([-1, outF]);
      return [
        needs[0] ? g.matmul(weight) : null,
        // Fresh results that nothing else refers to: a leaf weight and bias take them as their .grad without a copy.
        needs[1] ? ownedGrad(g2.mT.matmul(nd === 2 ? x : x.reshape([-1, inF]))) : null,
        needs[2] ? ownedGrad(g2.sum(0)) : null,
      ];
    },
    [x, weight],
  );
}
