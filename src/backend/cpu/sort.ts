import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { materialize } from "./strided.js";

// The order kernels of the reference backend: a stable sort of each row, and the running extreme's indices.

/** Ascending order with NaN last (PyTorch sorts NaN as the largest value); ties keep their original order. */
const ascending = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b);

/**
 * The stable order that sorts each row along the last axis of `x`: int32 indices into the row, of x's shape (see
 * `Backend.sortIndices`).
 */
export function sortIndices(x: View, descending: boolean): Int32Array {
  const data = materialize(x);
  const out = new Int32Array(data.length);
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  if (n === 0) return out;
  const idx = new Array<number>(n);
  const cmp = descending
    ? (a: number, b: number) => ascending(data[b] as number, data[a] as number)
    : (a: number, b: number) => ascending(data[a] as number, data[b] as number);
  for (let start = 0; start < data.length; start += n) {
    for (let i = 0; i < n; i++) idx[i] = start + i;
    idx.sort(cmp);
    for (let i = 0; i < n; i++) out[start + i] = idx[i] - start;
  }
  return out;
}

/**
 * searchsorted's insertion indices of `values` in the rows of the sorted `seq` (see `Backend.searchSorted`): a binary
 * search each, NaN sorting last.
 */
export function searchSorted(seq: View, values: View, right: boolean): Int32Array {
  const s = materialize(seq);
  const v = materialize(values);
  const out = new Int32Array(v.length);
  const n = seq.shape[seq.shape.length - 1];
  const m = values.shape.length === 0 ? 1 : values.shape[values.shape.length - 1];
  for (let i = 0; i < v.length; i++) {
    const x = Number(v[i]);
    const lo = seq.shape.length === 1 ? 0 : Math.floor(i / m) * n;
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const e = Number(s[lo + mid]);
      const before = Number.isNaN(x) ? !Number.isNaN(e) || right : right ? e <= x : e < x;
      if (before) a = mid + 1;
      else b = mid;
    }
    out[i] = a;
  }
  return out;
}

/**
 * Where the running maximum (cummax) or minimum (cummin) along `axis` of `x` was found: int32, of x's shape; ties take
 * the latest index and a NaN, once met, stays (PyTorch's rule).
 */
export function cumExtremeIndices(op: "cummax" | "cummin", x: View, axis: number): Int32Array {
  const src = materialize(x);
  const idx = new Int32Array(numel(x.shape));
  if (x.shape.length === 0) return idx;
  const n = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((p, s) => p * s, 1);
  const outer = x.shape.slice(0, axis).reduce((p, s) => p * s, 1);
  const better = op === "cummax" ? (v: number, b: number) => v >= b : (v: number, b: number) => v <= b;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = 0;
      let bv = Number.NaN;
      for (let k = 0; k < n; k++) {
        const v = Number(src[base + k * inner]);
        if (k === 0 || (!Number.isNaN(bv) && (Number.isNaN(v) || better(v, bv)))) {
          best = k;
          bv = v;
        }
        idx[base + k * inner] = best;
      }
    }
  }
  return idx;
}
