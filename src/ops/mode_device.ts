import type { Tensor } from "../tensor/tensor.js";
import { ne, sub, where } from "./binary.js";
import { arange, ones } from "./creation.js";
import { gather } from "./indexing.js";
import { cat } from "./join.js";
import { cummax } from "./math_extra.js";
import { argmax } from "./reduce.js";
import { sort } from "./sort.js";

// mode on a device that is only read asynchronously (webgpu), in tensor ops that stay there: a stable sort puts equal
// values in runs, in their original order; a running max of the runs' starts gives each position its place in its
// run, and the first position of the largest place ends the longest run of the smallest value. Its original index (the
// last index of that value) is the sort's index there. NaN equals nothing, so each NaN is a run of one (as PyTorch's
// sort-based mode counts it).

/** The index along `d` of the most frequent value of `x` (the smallest of equally frequent ones, its last index); `d` kept as 1. */
export function modeIndicesOnDevice(x: Tensor, d: number): Tensor {
  const sorted = sort(x.detach().transpose(d, -1));
  const s = sorted.values;
  const n = s.shape[s.ndim - 1];
  const device = x._backend.device;
  const lead = s.shape.slice(0, -1);
  const starts = cat([ones([...lead, 1], { dtype: "bool", device }), ne(s.narrow(-1, 1, n - 1), s.narrow(-1, 0, n - 1))], -1);
  const k = arange(n, { dtype: "int32", device });
  const place = sub(k, cummax(where(starts, k, 0), -1).values);
  return gather(sorted.indices, -1, argmax(place, -1, true)).transpose(d, -1);
}
