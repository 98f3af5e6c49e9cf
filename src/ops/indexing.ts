import { record1 } from "../autograd/node.js";
import { IndexError, ShapeError } from "../errors.js";
import { fmt, normalizeDim, shapesEqual } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { where } from "./binary.js";
import { zeros } from "./creation.js";
import { asTensor, fromBuffer, requireBool, requireIndex } from "./util.js";
import { narrow, viewScatter } from "./views.js";

function checkGatherShapes(op: string, x: Tensor, axis: number, index: Tensor): void {
  const bad = index.ndim !== x.ndim || index.shape.some((s, d) => d !== axis && s > x.shape[d]);
  if (bad && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new ShapeError(
      `${op}: index ${fmt(index.shape)} does not fit input ${fmt(x.shape)} along dim ${axis}: it needs the same number of dims, ` +
        "and no larger sizes than the input in the other dims",
    );
  }
}

/**
 * `out[i][j] = x[index[i][j]][j]` for dim 0 (and likewise for other dims). d/dx scatters the gradient
 * back, adding where an element was picked more than once.
 *
 * @example
 * logProbs.gather(1, target.unsqueeze(1));
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  requireIndex(index, "gather");
  const axis = normalizeDim(dim, x.ndim, "gather");
  checkGatherShapes("gather", x, axis, index);
  const out = fromBuffer(x._backend.gather(x._view, axis, index._view), index.shape, x.dtype, x._backend);
  const shape = x.shape;
  return record1(
    "GatherBackward0",
    out,
    [x],
    (g, [index]) => [zeros(shape, { dtype: g.dtype, device: g._backend.device }).scatterAdd(axis, index, g)],
    [index],
  );
}

function scatterKernel(x: Tensor, dim: number, index: Tensor, src: Tensor, mode: "assign" | "add"): Tensor {
  const op = mode === "add" ? "scatterAdd" : "scatter";
  requireIndex(index, op);
  const axis = normalizeDim(dim, x.ndim, op);
  checkGatherShapes(op, x, axis, index);
  if (src.shape.length !== index.shape.length || src.shape.some((s, d) => s < index.shape[d])) {
    throw new ShapeError(`${op}: src ${fmt(src.shape)} must have at least the index's sizes ${fmt(index.shape)} in every dim`);
  }
  const srcView = { ...src._view, shape: index.shape };
  return fromBuffer(x._backend.scatter(x._view, axis, index._view, srcView, mode), x.shape, x.dtype, x._backend);
}

/** A scalar (or 0-dim) source broadcast to the index's shape; a tensor source as it is (it may be larger than the index). */
const srcFor = (x: Tensor, index: Tensor, src: TensorLike): Tensor => {
  const s = asTensor(src, x.dtype, x._backend);
  return s.ndim === 0 ? s.expand([...index.shape]) : s;
};

/** d/dsrc of a scatter: `g` gathered at `index`, in the leading corner of a zero tensor when src is larger than the index. */
function srcGrad(g: Tensor, axis: number, index: Tensor, srcShape: readonly number[]): Tensor {
  const picked = g.gather(axis, index);
  if (shapesEqual(srcShape, index.shape)) return picked;
  return viewScatter(picked, srcShape, (t) => index.shape.reduce((acc, n, d) => narrow(acc, d, 0, n), t));
}

/**
 * A copy of `x` with `src` written at `index` along `dim` (the inverse of `gather`). d/dx is the gradient
 * with the overwritten places zeroed; d/dsrc gathers the gradient.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike): Tensor {
  const s = srcFor(x, index, src);
  const out = scatterKernel(x, dim, index, s, "assign");
  const axis = normalizeDim(dim, x.ndim, "scatter");
  const srcShape = s.shape;
  return record1("ScatterBackward0", out, [x, s], (g, [index]) => [g.scatter(axis, index, 0), srcGrad(g, axis, index, srcShape)], [index]);
}

/** A copy of `x` with `src` added at `index` along `dim` (repeats add up). d/dsrc gathers the gradient. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const s = asTensor(src, x.dtype, x._backend);
  const out = scatterKernel(x, dim, index, s, "add");
  const axis = normalizeDim(dim, x.ndim, "scatterAdd");
  const srcShape = s.shape;
  return record1("ScatterAddBackward0", out, [x, s], (g, [index]) => [g, srcGrad(g, axis, index, srcShape)], [index]);
}

/**
 * The entries at `index` (1-D int32) along `dim`.
 *
 * @example
 * embeddings.indexSelect(0, tokenIds);
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  requireIndex(index, "indexSelect");
  if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-d or 1-d, got shape ${fmt(index.shape)}`);
  if (x.ndim === 0) return gather(x.reshape([1]), 0, index.reshape([-1])).reshape(index.ndim === 0 ? [] : [-1]);
  const axis = normalizeDim(dim, x.ndim, "indexSelect");
  const flat = index.reshape([-1]);
  const shape = x.shape.map((s, d) => (d === axis ? flat.shape[0] : s));
  const viewShape = x.shape.map((_, d) => (d === axis ? flat.shape[0] : 1));
  try {
    return gather(x, axis, flat.reshape(viewShape).expand(shape));
  } catch (e) {
    // The kernel reports the op it ran; name the one the user called.
    if (e instanceof IndexError) throw new IndexError(e.message.replace(/^gather:/, "indexSelect:"));
    throw e;
  }
}

/**
 * `x` with `value` where `mask` (bool, broadcastable) is true.
 *
 * @example
 * scores.maskedFill(padding, -Infinity);
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  requireBool(mask, "maskedFill");
  const v = asTensor(value, x.dtype, x._backend);
  if (v.ndim !== 0) throw new ShapeError(`maskedFill: value must be a number or a 0-dim tensor, got shape ${fmt(v.shape)}`);
  const out = where(mask, v, x);
  if (out.ndim !== x.ndim || out.shape.some((s, i) => s !== x.shape[i])) {
    throw new ShapeError(`maskedFill: mask ${fmt(mask.shape)} must broadcast to the tensor's shape ${fmt(x.shape)}`);
  }
  return out;
}
