/** Copying operands into the scratch area: the span of storage a view touches, or a dense copy when that span is sparse. */

import { contiguousStrides, numel } from "../../shape.js";
import type { View } from "../backend.js";
import { materialize } from "../cpu/strided.js";
import { span } from "./layout.js";

/** What to copy into the scratch area for one view, and how the view's elements sit in it. */
export interface Staged {
  /** The elements to copy in (a subarray of the storage, or a dense copy). */
  readonly data: Float32Array;
  /** Index in `data` of the view's element [0, 0, ...]. */
  readonly base: number;
  /** The view's strides within `data`. */
  readonly strides: readonly number[];
}

/** Plans the copy-in of a float32 view: its storage span when that is at most 2× its size (plus slack), else a dense copy. */
export function stage(v: View): Staged {
  const n = numel(v.shape);
  const { lo, hi } = span(v);
  if (hi - lo <= 2 * n + 64) {
    const storage = v.buffer as Float32Array;
    return { data: storage.subarray(lo, hi), base: v.offset - lo, strides: v.strides };
  }
  return { data: materialize(v) as Float32Array, base: 0, strides: contiguousStrides(v.shape) };
}

/** Copies a staged view into the scratch memory at byte pointer `ptr`; returns the byte pointer of its element [0, 0, ...]. */
export function copyIn(mem: Float32Array, s: Staged, ptr: number): number {
  mem.set(s.data, ptr >> 2);
  return ptr + 4 * s.base;
}
