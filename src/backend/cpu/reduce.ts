import { type AnyTypedArray, type DType, storageArrayFor } from "../../dtype.js";
import { contiguousStrides, numel } from "../../shape.js";
import type { ArgReduceOp, ReduceOp, View } from "../backend.js";
import { copyInto } from "./copy.js";
import { data, materialize, moveAxesLast, viewIsContiguous } from "./strided.js";

/** Moves the reduced axes last so each output element reduces one contiguous run of the input. */
function rows(v: View, axes: readonly number[]): { x: AnyTypedArray; outer: number; inner: number } {
  const moved = moveAxesLast(v, axes);
  const x = materialize(moved);
  let inner = 1;
  for (const a of axes) inner *= v.shape[a];
  const outer = inner === 0 ? numel(v.shape.filter((_, d) => !axes.includes(d))) : x.length / inner;
  return { x, outer, inner };
}

/**
 * A sum over the leading dims of a contiguous view (a bias gradient: a sum over the batch), read in place: each output
 * element adds the same values in the same order, in a float64 accumulator, as the general path does after moving
 * the axes last, so the result is identical; null where that does not apply.
 */
function sumLeading(v: View, axes: readonly number[], outDType: DType): AnyTypedArray | null {
  for (let i = 0; i < axes.length; i++) if (axes[i] !== i) return null;
  if (!viewIsContiguous(v)) return null;
  let inner = 1;
  for (let d = 0; d < axes.length; d++) inner *= v.shape[d];
  let outer = 1;
  for (let d = axes.length; d < v.shape.length; d++) outer *= v.shape[d];
  if (inner === 0 || outer === 0) return null;
  const x = data(v);
  const acc = new Float64Array(outer);
  for (let r = 0, at = v.offset; r < inner; r++, at += outer) for (let c = 0; c < outer; c++) acc[c] += x[at + c];
  const o = storageArrayFor(outDType, outer);
  for (let c = 0; c < outer; c++) o[c] = acc[c];
  return o;
}

export function reduce(op: ReduceOp, v: View, axes: readonly number[], outDType: DType): AnyTypedArray {
  if (op === "sum" && v.dtype !== "bool" && axes.length > 0) {
    const summed = sumLeading(v, axes, outDType);
    if (summed) return summed;
  }
  const { x, outer, inner } = rows(v, axes);
  const o = storageArrayFor(outDType, outer);
  for (let r = 0; r < outer; r++) {
    const start = r * inner;
    const end = start + inner;
    let acc: number;
    switch (op) {
      case "sum":
        acc = 0;
        for (let i = start; i < end; i++) acc += x[i];
        break;
      case "prod":
        acc = 1;
        for (let i = start; i < end; i++) acc *= x[i];
        break;
      case "max":
        // Once acc is NaN it stays NaN: NaN propagates like in PyTorch.
        acc = -Infinity;
        for (let i = start; i < end; i++) if (x[i] > acc || Number.isNaN(x[i])) acc = x[i];
        break;
      case "min":
        acc = Infinity;
        for (let i = start; i < end; i++) if (x[i] < acc || Number.isNaN(x[i])) acc = x[i];
        break;
    }
    o[r] = acc;
  }
  return o;
}

export function argReduce(op: ArgReduceOp, v: View, axis: number): Int32Array {
  const { x, outer, inner } = rows(v, [axis]);
  const o = new Int32Array(outer);
  const sign = op === "argmax" ? 1 : -1;
  for (let r = 0; r < outer; r++) {
    const start = r * inner;
    let best = 0;
    let bestVal = x[start] * sign;
    if (!Number.isNaN(bestVal)) {
      for (let i = 1; i < inner; i++) {
        const val = x[start + i] * sign;
        if (Number.isNaN(val)) {
          best = i;
          break;
        }
        if (val > bestVal) {
          bestVal = val;
          best = i;
        }
      }
    }
    o[r] = best;
  }
  return o;
}

export function cumsum(v: View, axis: number, outDType: DType): AnyTypedArray {
  const { x, outer, inner } = rows(v, [axis]);
  const scanned = storageArrayFor(outDType, x.length);
  for (let r = 0; r < outer; r++) {
    let acc = 0;
    for (let i = r * inner; i < (r + 1) * inner; i++) {
      acc += x[i];
      scanned[i] = acc;
    }
  }
  // `scanned` is laid out with `axis` last; write it back in the input's row-major order.
  const out = storageArrayFor(outDType, x.length);
  const strides = contiguousStrides(v.shape);
  const moved = moveAxesLast({ ...v, buffer: out, strides, offset: 0, dtype: outDType }, [axis]);
  copyInto(moved, { ...moved, buffer: scanned, strides: contiguousStrides(moved.shape) });
  return out;
}

/** Log-softmax over the last axis of a float32/float64 view, each row in doubles and rounded once (see Backend). */
export function logSoftmax(v: View): AnyTypedArray | null {
  if (v.dtype !== "float32" && v.dtype !== "float64") return null;
  const x = materialize(v);
  const n = x.length;
  const cols = v.shape.length === 0 ? 1 : v.shape[v.shape.length - 1];
  const out = storageArrayFor(v.dtype, n);
  if (cols === 0) return out;
  for (let r = 0; r < n; r += cols) {
    let max = Number.NEGATIVE_INFINITY;
    let nan = false;
    for (let j = r; j < r + cols; j++) {
      if (x[j] > max) max = x[j];
      else if (Number.isNaN(x[j])) nan = true;
    }
    const shift = Number.isFinite(max) ? max : 0;
    let sum = 0;
    for (let j = r; j < r + cols; j++) sum += Math.exp(x[j] - shift);
    const lse = nan ? Number.NaN : Math.log(sum) + shift;
    for (let j = r; j < r + cols; j++) out[j] = x[j] - lse;
  }
  return out;
}
