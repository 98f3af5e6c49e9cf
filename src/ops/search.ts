import { type Args, arg, is, kw, required, signature } from "../args.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { fromTyped } from "./creation.js";
import { histcOnDevice } from "./histc_device.js";
import { asTensor, backendOf, fromBuffer, resultTypeOf } from "./util.js";

// searchsorted and bucketize: a backend kernel (binary searches, on the tensors' device); histc: counted on the host
// (on webgpu in device ops, see histc_device.ts).
// Their results are indices and counts, which carry no gradient, as in PyTorch.

const SEARCHSORTED = signature("searchsorted", {
  sortedSequence: required(is.tensor),
  input: required(is.or(is.tensor, is.number)),
  outInt32: kw(is.boolean, false),
  right: kw(is.boolean, false),
  side: kw(is.nullable(is.oneOf("left", "right")), null),
  sorter: kw(is.only(null, "not implemented: sort the sequence first"), null),
});
const BUCKETIZE = signature("bucketize", {
  input: required(is.or(is.tensor, is.number)),
  boundaries: required(is.tensor),
  outInt32: kw(is.boolean, false),
  right: kw(is.boolean, false),
});
const HISTC = signature("histc", {
  input: required(is.tensor),
  bins: arg(is.posInt, 100),
  min: arg(is.number, 0),
  max: arg(is.number, 0),
});

/**
 * The indices where `input`'s values would be inserted into `sortedSequence` (sorted along its last dim) to keep it
 * sorted (`torch.searchsorted`): `right` (or `side: "right"`) takes the index after equal values. A 1-D sequence
 * serves every value; an N-D one has `input`'s leading dims. int32 indices.
 *
 * @example
 * tg.searchsorted(tg.tensor([1, 3, 5]), tg.tensor([3, 6])); // [1, 3]
 */
export function searchsorted(
  sortedSequence: Tensor,
  input: Tensor | number,
  ...rest: [] | [options: { outInt32?: boolean; right?: boolean; side?: "left" | "right" | null; sorter?: null }]
): Tensor {
  const a = SEARCHSORTED.parse([sortedSequence, input, ...rest]);
  if (a.side !== null && a.right && a.side === "left") {
    throw new ValueError('searchsorted: side "left" and right=true contradict each other');
  }
  const right = a.side === null ? a.right : a.side === "right";
  return search("searchsorted", sortedSequence, a.input, right);
}

/**
 * The insertion indices of `input` in `seq` by the backend's `searchSorted` kernel (on the tensors' device), both
 * brought to their common dtype first, as PyTorch does.
 */
function search(fn: string, seq: Tensor, input: Tensor | number, right: boolean): Tensor {
  if (seq.ndim === 0) throw new ShapeError(`${fn}: the sorted sequence must have at least 1 dim, got shape ${fmt(seq.shape)}`);
  const backend = backendOf(fn, seq, input);
  const dtype = resultTypeOf(seq, input);
  const s = asTensor(seq, dtype, backend);
  const x = asTensor(input, dtype, backend);
  if (seq.ndim > 1) {
    const lead = seq.shape.slice(0, -1);
    if (x.ndim !== seq.ndim || lead.some((d, i) => d !== x.shape[i])) {
      throw new ShapeError(
        `${fn}: an N-D sorted sequence needs an input with the same leading dims, got shapes ${fmt(seq.shape)} and ${fmt(x.shape)}`,
      );
    }
  }
  return fromBuffer(backend.searchSorted(s._view, x._view, right), x.shape, "int32", backend);
}

/**
 * The index of the bucket each value of `input` falls in, given sorted 1-D `boundaries` (`torch.bucketize`):
 * boundaries[i−1] < x ≤ boundaries[i], or boundaries[i−1] ≤ x < boundaries[i] with `right`. int32 indices.
 *
 * @example
 * tg.bucketize(tg.tensor([1, 5, 9]), tg.tensor([1, 3, 5, 7])); // [0, 2, 4]
 */
export function bucketize(
  input: Tensor | number,
  boundaries: Tensor,
  ...rest: [] | [options: { outInt32?: boolean; right?: boolean }]
): Tensor {
  const a = BUCKETIZE.parse([input, boundaries, ...rest]);
  if (boundaries.ndim !== 1) throw new ShapeError(`bucketize: boundaries must be 1-D, got shape ${fmt(boundaries.shape)}`);
  return search("bucketize", boundaries, a.input, a.right);
}

/**
 * A histogram of `input` with `bins` equal-width bins over [min, max] (`torch.histc`); min = max = 0 takes the data's
 * range. Values outside the range and NaN are not counted. Same float dtype as the input.
 *
 * @example
 * tg.histc(tg.tensor([1, 2, 1]), 4, 0, 3); // [0, 2, 1, 0]
 */
export function histc(
  input: Tensor,
  ...rest: Args<[bins: number, min: number, max: number], { bins?: number; min?: number; max?: number }>
): Tensor {
  const a = HISTC.parse([input, ...rest]);
  if (input.dtype !== "float32" && input.dtype !== "float64") {
    throw new DTypeError(`histc: expected a floating input, got ${input.dtype} (shape ${fmt(input.shape)})`);
  }
  let lo = a.min;
  let hi = a.max;
  if (lo > hi) throw new ValueError(`histc: max (${hi}) must be larger than or equal to min (${lo})`);
  if (input._backend.asyncOnly) return histcOnDevice(input, a.bins, lo, hi);
  const src = input.contiguous().toArray();
  if (lo === hi && src.length > 0) {
    lo = Number.POSITIVE_INFINITY;
    hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < src.length; i++) {
      const v = Number(src[i]);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ValueError(`histc: range of [${lo}, ${hi}] is not finite`);
  const counts = input.dtype === "float64" ? new Float64Array(a.bins) : new Float32Array(a.bins);
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    if (!(v >= lo && v <= hi)) continue;
    const b = Math.min(Math.floor(((v - lo) * a.bins) / (hi - lo)), a.bins - 1);
    counts[b] += 1;
  }
  return fromTyped(counts, [a.bins], { device: input._backend.device });
}
