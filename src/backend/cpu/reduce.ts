import { type AnyTypedArray, type DType, storageArrayFor } from "../../dtype.js";
import { contiguousStrides, numel } from "../../shape.js";
import type { ArgReduceOp, ReduceOp, View } from "../backend.js";
import { copyInto } from "./copy.js";
import { materialize, moveAxesLast } from "./strided.js";

/** Moves the reduced axes last so each output element reduces one contiguous run of the input. */
function rows(v: View, axes: readonly number[]): { x: AnyTypedArray; outer: number; inner: number } {
  const moved = moveAxesLast(v, axes);
  const x = materialize(moved);
  let inner = 1;
  for (const a of axes) inner *= v.shape[a];
  const outer = inner === 0 ? numel(v.shape.filter((_, d) => !axes.includes(d))) : x.length / inner;
  return { x, outer, inner };
}

export function reduce(op: ReduceOp, v: View, axes: readonly number[], outDType: DType): AnyTypedArray {
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
