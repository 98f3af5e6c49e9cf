import { type AnyTypedArray, storageArrayFor } from "../../dtype.js";
import { IndexError } from "../../errors.js";
import { contiguousStrides } from "../../shape.js";
import type { View } from "../backend.js";
import { materialize, stridedOffsets } from "./strided.js";

function checkIndex(i: number, size: number, axis: number, op: string): void {
  if (i < 0 || i >= size) throw new IndexError(`${op}: index ${i} is out of bounds for dimension ${axis} with size ${size}`);
}

/** Offsets into a tensor of `strides` for every position of the index's shape, with `axis` left at 0. */
function baseOffsets(index: View, strides: readonly number[], axis: number, offset: number): Int32Array {
  const s = strides.map((v, d) => (d === axis ? 0 : v));
  return stridedOffsets(index.shape, s, offset);
}

export function gather(xv: View, axis: number, iv: View): AnyTypedArray {
  const x = xv.buffer as AnyTypedArray;
  const idx = materialize(iv);
  const base = baseOffsets(iv, xv.strides, axis, xv.offset);
  const size = xv.shape[axis];
  const step = xv.strides[axis];
  const out = storageArrayFor(xv.dtype, idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    checkIndex(j, size, axis, "gather");
    out[i] = x[base[i] + j * step];
  }
  return out;
}

export function scatter(dv: View, axis: number, iv: View, sv: View, mode: "assign" | "add"): AnyTypedArray {
  const out = materialize(dv).slice();
  const idx = materialize(iv);
  const src = materialize(sv);
  const strides = contiguousStrides(dv.shape);
  const base = baseOffsets(iv, strides, axis, 0);
  const size = dv.shape[axis];
  const step = strides[axis];
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    checkIndex(j, size, axis, mode === "add" ? "scatterAdd" : "scatter");
    if (mode === "add") out[base[i] + j * step] += src[i];
    else out[base[i] + j * step] = src[i];
  }
  return out;
}
