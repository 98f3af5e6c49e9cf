import type { AnyTypedArray, DType } from "../../dtype.js";
import { typedArrayFor } from "../../dtype.js";
import { isContiguous, numel, type Shape } from "../../shape.js";
import type { View } from "../backend.js";

/** CPU buffers are plain typed arrays. */
export const data = (v: View): AnyTypedArray => v.buffer as AnyTypedArray;

/**
 * The storage offset of every element of a strided view, in row-major order. The innermost dim runs in a
 * tight loop; the outer dims advance like an odometer.
 */
export function stridedOffsets(shape: Shape, strides: Shape, offset: number): Int32Array {
  const n = numel(shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const nd = shape.length;
  if (nd === 0) {
    out[0] = offset;
    return out;
  }
  const inner = shape[nd - 1];
  const innerStride = strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = base + j * innerStride;
    // Advance the odometer over the outer dims.
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        base += strides[d];
        break;
      }
      base -= strides[d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
  return out;
}

export function viewIsContiguous(v: View): boolean {
  return isContiguous(v.shape, v.strides);
}

/**
 * The view's elements as a row-major array. A contiguous view returns a subarray of the buffer without
 * copying, so callers must not write into the result.
 */
export function materialize(v: View): AnyTypedArray {
  const src = data(v);
  const n = numel(v.shape);
  if (viewIsContiguous(v)) return src.subarray(v.offset, v.offset + n);
  const out = typedArrayFor(v.dtype, n);
  const offs = stridedOffsets(v.shape, v.strides, v.offset);
  for (let i = 0; i < n; i++) out[i] = src[offs[i]];
  return out;
}

/** As `materialize`, but the result is readable as doubles whatever the dtype (for kernels that read only). */
export function materializeAs(v: View, dtype: DType): AnyTypedArray {
  const m = materialize(v);
  if (v.dtype === dtype) return m;
  const out = typedArrayFor(dtype, m.length);
  for (let i = 0; i < m.length; i++) out[i] = m[i];
  return out;
}

/** A view with `axes` moved to the end, in the order given (for reductions and scans along dims). */
export function moveAxesLast(v: View, axes: readonly number[]): View {
  const keep: number[] = [];
  for (let d = 0; d < v.shape.length; d++) if (!axes.includes(d)) keep.push(d);
  const order = [...keep, ...axes];
  return {
    ...v,
    shape: order.map((d) => v.shape[d]),
    strides: order.map((d) => v.strides[d]),
  };
}
