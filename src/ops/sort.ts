import { type Args, arg, is, kw, required, signature } from "../args.js";
import { ValueError } from "../errors.js";
import { normalizeDim } from "../shape.js";
import type { Tensor, ValuesIndices } from "../tensor/tensor.js";
import { fromTyped } from "./creation.js";
import { fromBuffer } from "./util.js";

// Sorting picks an order with the backend's `sortIndices` kernel (a stable sort of each row, on the tensor's device),
// then gathers the values with that order: `gather` carries the gradient back to where each value came from, so sort,
// topk, kthvalue and median are differentiable with no backward rule of their own.

const SORT = signature("sort", {
  input: required(is.tensor),
  dim: arg(is.int, -1),
  descending: arg(is.boolean, false),
  stable: kw(is.boolean, false),
});
const ARGSORT = signature("argsort", {
  input: required(is.tensor),
  dim: arg(is.int, -1),
  descending: arg(is.boolean, false),
  stable: kw(is.boolean, false),
});
const TOPK = signature("topk", {
  input: required(is.tensor),
  k: required(is.nonNegInt),
  dim: arg(is.int, -1),
  largest: arg(is.boolean, true),
  sorted: arg(is.boolean, true),
});
const KTHVALUE = signature("kthvalue", {
  input: required(is.tensor),
  k: required(is.posInt),
  dim: arg(is.int, -1),
  keepdim: arg(is.boolean, false),
});
const MEDIAN = signature("median", { input: required(is.tensor), dim: arg(is.nullable(is.int), null), keepdim: arg(is.boolean, false) });

/** The int32 order that sorts `x` along `dim` (stable: equal values keep their order, as PyTorch's stable sort). */
function order(x: Tensor, dim: number, descending: boolean, op: string): Tensor {
  const d = normalizeDim(dim, x.ndim, op);
  if (x.ndim === 0) return fromTyped(new Int32Array(1), [], { device: x._backend.device });
  const moved = x.transpose(d, -1);
  const indices = fromBuffer(x._backend.sortIndices(moved._view, descending), moved.shape, "int32", x._backend);
  return indices.transpose(d, -1).contiguous();
}

/**
 * Sorts along `dim` (default the last), as `torch.sort`: `{ values, indices }`, NaN sorted as the largest value,
 * equal values in their original order. The values carry the gradient back to where they came from.
 *
 * @example
 * const { values, indices } = tg.sort(tg.tensor([3, 1, 2])); // [1, 2, 3], [1, 2, 0]
 * tg.sort(x, 1, true); // descending along dim 1
 */
export function sort(
  input: Tensor,
  ...rest: Args<[dim: number, descending: boolean], { dim?: number; descending?: boolean; stable?: boolean }>
): ValuesIndices {
  const a = SORT.parse([input, ...rest]);
  const indices = order(input, a.dim, a.descending, "sort");
  return { values: input.ndim === 0 ? input.clone() : input.gather(a.dim, indices), indices };
}

/** The indices that sort `input` along `dim`, as `torch.argsort`. @example tg.argsort(scores, -1, true) */
export function argsort(
  input: Tensor,
  ...rest: Args<[dim: number, descending: boolean], { dim?: number; descending?: boolean; stable?: boolean }>
): Tensor {
  const a = ARGSORT.parse([input, ...rest]);
  return order(input, a.dim, a.descending, "argsort");
}

/**
 * The `k` largest (or smallest, `largest: false`) entries along `dim`, as `torch.topk`: `{ values, indices }`, in
 * sorted order.
 *
 * @example
 * const { values, indices } = tg.topk(logits, 5); // the 5 best classes per row
 */
export function topk(
  input: Tensor,
  k: number,
  ...rest: Args<[dim: number, largest: boolean, sorted: boolean], { dim?: number; largest?: boolean; sorted?: boolean }>
): ValuesIndices {
  const a = TOPK.parse([input, k, ...rest]);
  const d = normalizeDim(a.dim, input.ndim, "topk");
  const size = input.ndim === 0 ? 1 : input.shape[d];
  if (a.k > size) throw new ValueError(`topk: k (${a.k}) is larger than the size ${size} of dim ${a.dim}`);
  if (input.ndim === 0) return { values: input.clone(), indices: order(input, 0, a.largest, "topk") };
  const indices = order(input, d, a.largest, "topk").narrow(d, 0, a.k).contiguous();
  return { values: input.gather(d, indices), indices };
}

/**
 * The k-th smallest entry along `dim` (k counts from 1), as `torch.kthvalue`: `{ values, indices }`.
 *
 * @example
 * tg.kthvalue(tg.tensor([5, 1, 4]), 2).values; // 4
 */
export function kthvalue(
  input: Tensor,
  k: number,
  ...rest: Args<[dim: number, keepdim: boolean], { dim?: number; keepdim?: boolean }>
): ValuesIndices {
  const a = KTHVALUE.parse([input, k, ...rest]);
  const d = normalizeDim(a.dim, input.ndim, "kthvalue");
  const size = input.ndim === 0 ? 1 : input.shape[d];
  if (a.k > size) throw new ValueError(`kthvalue: k (${a.k}) is out of range for dim ${a.dim} of size ${size}`);
  if (input.ndim === 0) return { values: input.clone(), indices: order(input, 0, false, "kthvalue") };
  const indices = order(input, d, false, "kthvalue")
    .narrow(d, a.k - 1, 1)
    .contiguous();
  const values = input.gather(d, indices);
  return a.keepdim ? { values, indices } : { values: values.squeeze(d), indices: indices.squeeze(d) };
}

/**
 * The median, as `torch.median`: of all elements (a 0-dim tensor), or `{ values, indices }` along `dim`. For an even
 * count it is the lower of the two middle values, as PyTorch's (not their mean).
 *
 * @example
 * tg.median(tg.tensor([1, 4, 2, 3])); // 2
 */
export function median(input: Tensor): Tensor;
export function median(input: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(input: Tensor, dim: number, options: { keepdim?: boolean }): ValuesIndices;
export function median(...args: unknown[]): Tensor | ValuesIndices {
  const a = MEDIAN.parse(args);
  if (a.dim === null) {
    const flat = a.input.reshape([-1]);
    if (flat.numel() === 0) throw new ValueError("median: the input is empty");
    return kthvalue(flat, Math.floor((flat.numel() - 1) / 2) + 1, 0).values;
  }
  const d = normalizeDim(a.dim, a.input.ndim, "median");
  const size = a.input.ndim === 0 ? 1 : a.input.shape[d];
  return kthvalue(a.input, Math.floor((size - 1) / 2) + 1, d, a.keepdim);
}
