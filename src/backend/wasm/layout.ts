/** How strided views map onto the kernels' operands: element spans to copy in, and "2-D" row/column strides. */

import type { View } from "../backend.js";

/** The smallest range [lo, hi) of storage elements a view touches (strides may be zero or negative). */
export function span(v: View): { lo: number; hi: number } {
  let lo = v.offset;
  let hi = v.offset;
  for (let d = 0; d < v.shape.length; d++) {
    if (v.shape[d] === 0) return { lo: v.offset, hi: v.offset };
    const ext = (v.shape[d] - 1) * v.strides[d];
    if (ext < 0) lo += ext;
    else hi += ext;
  }
  return { lo, hi: hi + 1 };
}

/** Row stride and column stride (0 or 1) of one operand in an [outer, inner] decomposition of the output. */
export interface Operand2D {
  rs: number;
  cs: number;
}

/** Strides over dims [from, to) of `shape` if they flatten to one dim of stride `unit` (all zero gives unit 0); else null. */
function flatStride(shape: readonly number[], strides: readonly number[], from: number, to: number): number | null {
  if (from === to) return 0;
  if (strides.slice(from, to).every((s) => s === 0)) return 0;
  const unit = strides[to - 1];
  let expect = unit;
  for (let d = to - 1; d >= from; d--) {
    if (strides[d] !== expect) return null;
    expect *= shape[d];
  }
  return unit;
}

/**
 * Splits the (shared) shape of `views` into [outer, inner] so that each view reads element (r, c) at offset + r·rs + c·cs with
 * cs 0 or 1, choosing the largest inner; null when no split works (then the reference kernels run).
 */
export function split2D(views: readonly View[]): { outer: number; inner: number; ops: Operand2D[] } | null {
  const full = views[0].shape;
  const keep: number[] = [];
  for (let d = 0; d < full.length; d++) if (full[d] !== 1) keep.push(d);
  const shape = keep.map((d) => full[d]);
  const strides = views.map((v) => keep.map((d) => v.strides[d]));
  const nd = shape.length;
  for (let s = 0; s <= nd; s++) {
    const ops: Operand2D[] = [];
    for (const st of strides) {
      const cs = flatStride(shape, st, s, nd);
      const rs = flatStride(shape, st, 0, s);
      if (cs === null || rs === null || (cs !== 0 && cs !== 1)) break;
      ops.push({ rs, cs: s === nd ? 1 : cs });
    }
    if (ops.length === views.length) {
      let outer = 1;
      let inner = 1;
      for (let d = 0; d < nd; d++) {
        if (d < s) outer *= shape[d];
        else inner *= shape[d];
      }
      return { outer, inner, ops };
    }
  }
  return null;
}

/**
 * `split2D`, or else the shape's leading dims taken as a batch of such splits (each view moving `batchStrides[v]` elements
 * from one to the next): [N, C, H, W] with a [C, 1, 1] operand (batch norm, a conv's bias) is N products of [C, H·W].
 */
export function splitBatched(
  views: readonly View[],
): { batch: number; batchStrides: number[]; outer: number; inner: number; ops: Operand2D[] } | null {
  const whole = split2D(views);
  if (whole) return { batch: 1, batchStrides: views.map(() => 0), ...whole };
  const full = views[0].shape;
  const keep: number[] = [];
  for (let d = 0; d < full.length; d++) if (full[d] !== 1) keep.push(d);
  const shape = keep.map((d) => full[d]);
  const strides = views.map((v) => keep.map((d) => v.strides[d]));
  for (let p = 1; p < shape.length; p++) {
    const batchStrides: number[] = [];
    for (const st of strides) {
      const f = flatStride(shape, st, 0, p);
      if (f === null) break;
      batchStrides.push(f);
    }
    if (batchStrides.length !== views.length) continue;
    const rest = split2D(views.map((v, i) => ({ ...v, shape: shape.slice(p), strides: strides[i].slice(p) })));
    if (rest === null) continue;
    let batch = 1;
    for (let d = 0; d < p; d++) batch *= shape[d];
    return { batch, batchStrides, ...rest };
  }
  return null;
}
