/** Copying operands into the scratch area: the span of storage a view touches, or a dense copy when that span is sparse. */

import { contiguousStrides, numel } from "../../shape.js";
import type { View } from "../backend.js";
import { materialize } from "../cpu/strided.js";
import { span } from "./layout.js";

/** What to copy into the scratch area for one view, and how the view's elements sit in it. */
export interface Staged<T extends Float32Array | Uint8Array = Float32Array> {
  /** The elements to copy in (a subarray of the storage, or a dense copy). */
  readonly data: T;
  /** Index in `data` of the view's element [0, 0, ...]. */
  readonly base: number;
  /** The view's strides within `data`. */
  readonly strides: readonly number[];
}

/**
 * Plans the copy-in of a float32 view (or, typed so, a bool one): its storage span when that is at most 2× its size (plus
 * slack), else a dense copy.
 */
export function stage<T extends Float32Array | Uint8Array = Float32Array>(v: View): Staged<T> {
  const n = numel(v.shape);
  const { lo, hi } = span(v);
  if (hi - lo <= 2 * n + 64) {
    const storage = v.buffer as T;
    return { data: storage.subarray(lo, hi) as T, base: v.offset - lo, strides: v.strides };
  }
  return { data: materialize(v) as T, base: 0, strides: contiguousStrides(v.shape) };
}

/** Copies a staged float32 view into the scratch memory at byte pointer `ptr`; returns the byte pointer of its element [0, 0, ...]. */
export function copyIn(mem: Float32Array, s: Staged, ptr: number): number {
  mem.set(s.data, ptr >> 2);
  return ptr + 4 * s.base;
}

/** `copyIn` for a staged bool (byte) view, through a byte view of the same memory. */
export function copyInBytes(mem: Uint8Array, s: Staged<Uint8Array>, ptr: number): number {
  mem.set(s.data, ptr);
  return ptr + s.base;
}

/** The views as their staged copies hold them (a dense copy has its own strides), for splitting into kernel operands. */
export function stagedViews(views: readonly View[], staged: readonly Staged<Float32Array | Uint8Array>[]): View[] {
  return views.map((v, i) => (staged[i].strides === v.strides ? v : { ...v, strides: staged[i].strides }));
}
