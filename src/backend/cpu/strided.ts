import type { AnyTypedArray, DType } from "../../dtype.js";
import { storageArrayFor } from "../../dtype.js";
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
 * Merges dims that are laid out back to back (and drops size-1 dims), so loops over a view run over as few
 * and as long dims as possible: an expanded [n, L] index with strides [0, 1] stays 2-D, a contiguous block 1-D.
 */
export function coalesce(shape: Shape, strides: Shape): { shape: number[]; strides: number[] } {
  const merged = coalesceMany(shape, [strides]);
  return { shape: merged.shape, strides: merged.strides[0] };
}

/** `coalesce` for several views of one shape: dims merge only where every view allows it. */
export function coalesceMany(shape: Shape, stridesList: readonly Shape[]): { shape: number[]; strides: number[][] } {
  const nv = stridesList.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let v = 0; v < nv; v++) outStrides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let v = 0; merge && v < nv; v++) merge = outStrides[v][last] === stridesList[v][d] * size;
    if (merge) {
      outShape[last] *= size;
      for (let v = 0; v < nv; v++) outStrides[v][last] = stridesList[v][d];
    } else {
      outShape.push(size);
      for (let v = 0; v < nv; v++) outStrides[v].push(stridesList[v][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Copies a strided view of `src` into `out` (row-major, from `outOffset`), converting element types as typed
 * array stores do. The innermost dim runs in a tight loop; the outer dims advance like an odometer.
 */
export function gatherStrided(src: AnyTypedArray, shape: Shape, strides: Shape, offset: number, out: AnyTypedArray, outOffset = 0): void {
  const c = coalesce(shape, strides);
  const nd = c.shape.length;
  if (nd === 0) {
    if (numel(shape) > 0) out[outOffset] = src[offset];
    return;
  }
  const n = numel(c.shape);
  const inner = c.shape[nd - 1];
  const step = c.strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let o = outOffset; o < outOffset + n; o += inner) {
    if (step === 1) for (let j = 0; j < inner; j++) out[o + j] = src[base + j];
    else if (step === 0) out.fill(src[base], o, o + inner);
    else for (let j = 0; j < inner; j++) out[o + j] = src[base + j * step];
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < c.shape[d]) {
        base += c.strides[d];
        break;
      }
      base -= c.strides[d] * (c.shape[d] - 1);
      idx[d] = 0;
    }
  }
}

/**
 * The view's elements as a row-major array. A contiguous view returns a subarray of the buffer without
 * copying, so callers must not write into the result.
 */
export function materialize(v: View): AnyTypedArray {
  const src = data(v);
  const n = numel(v.shape);
  if (viewIsContiguous(v)) return v.offset === 0 && n === src.length ? src : src.subarray(v.offset, v.offset + n);
  const out = storageArrayFor(v.dtype, n);
  gatherStrided(src, v.shape, v.strides, v.offset, out);
  return out;
}

/** As `materialize`, but the result is readable as doubles whatever the dtype (for kernels that read only). */
export function materializeAs(v: View, dtype: DType): AnyTypedArray {
  const m = materialize(v);
  if (v.dtype === dtype) return m;
  const out = storageArrayFor(dtype, m.length);
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

/** Whether every element of `v` has its own memory: sorted by stride, each dim steps past the extent of the ones before. */
export function distinctElements(v: View): boolean {
  const dims: [number, number][] = [];
  for (let i = 0; i < v.shape.length; i++) if (v.shape[i] > 1) dims.push([Math.abs(v.strides[i]), v.shape[i]]);
  dims.sort((a, b) => a[0] - b[0]);
  let extent = 1;
  for (const [stride, size] of dims) {
    if (stride < extent) return false;
    extent = stride * (size - 1) + extent;
  }
  return true;
}
