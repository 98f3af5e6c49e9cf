import * as R from "./ops/reduce.js";
import * as V from "./ops/views.js";
import type { Tensor, ValuesIndices } from "./tensor/tensor.js";

// Function forms of tensor methods whose signatures need more than a re-export.

/** The largest element, or `{values, indices}` along `dim`. @example tg.max(x, 1).indices */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? R.amax(x) : R.maxDim(x, dim, keepdim);
}

/** The smallest element, or `{values, indices}` along `dim`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? R.amin(x) : R.minDim(x, dim, keepdim);
}

/** `x.transpose(dim0, dim1)`. */
export const transpose = (x: Tensor, dim0: number, dim1: number): Tensor => V.transpose(x, dim0, dim1);
/** `x.reshape(shape)`. */
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => V.reshape(x, shape);
/** `x.permute(dims)`. */
export const permute = (x: Tensor, dims: readonly number[]): Tensor => V.permute(x, dims);
