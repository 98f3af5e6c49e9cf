import type { AnyTypedArray, DType } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { forEachRun } from "./elementwise.js";
import { data, distinctElements, gatherStrided, materialize, stridedOffsets, viewIsContiguous } from "./strided.js";

/** Writes `src` into the strided `dst`, casting to `dst.dtype` (bool stores any non-zero, NaN too, as 1). */
export function copyInto(dst: View, src: View): void {
  const d = data(dst);
  if (dst.dtype === src.dtype && data(src) !== d && viewIsContiguous(dst) && viewIsContiguous(src)) {
    // The common case (clone, an in-place result written back): one block copy.
    const n = numel(dst.shape);
    d.set(data(src).subarray(src.offset, src.offset + n), dst.offset);
    return;
  }
  if (dst.dtype !== "bool" && viewIsContiguous(dst) && data(src) !== d) {
    // Straight from the strided source into place; a source in the same buffer is copied out first instead.
    gatherStrided(data(src), src.shape, src.strides, src.offset, d, dst.offset);
    return;
  }
  const s = materialize(src);
  const n = numel(dst.shape);
  if (dst.dtype === "bool") {
    const offs = viewIsContiguous(dst) ? null : stridedOffsets(dst.shape, dst.strides, dst.offset);
    for (let i = 0; i < n; i++) d[offs ? offs[i] : dst.offset + i] = s[i] !== 0 ? 1 : 0;
    return;
  }
  if (viewIsContiguous(dst)) {
    // TypedArray#set converts element types the way a cast should (float → int truncates).
    d.set(s, dst.offset);
    return;
  }
  const offs = stridedOffsets(dst.shape, dst.strides, dst.offset);
  for (let i = 0; i < n; i++) d[offs[i]] = s[i];
}

export function fillView(dst: View, value: number): void {
  const d = data(dst);
  if (viewIsContiguous(dst)) {
    d.fill(value, dst.offset, dst.offset + numel(dst.shape));
    return;
  }
  const offs = stridedOffsets(dst.shape, dst.strides, dst.offset);
  for (let i = 0; i < offs.length; i++) d[offs[i]] = value;
}

/**
 * `dst += alpha·x` in place for float views of one shape and dtype in different buffers, `dst` with no broadcast (zero)
 * strides; false (nothing written) otherwise. float32 rounds the product and the sum to float32 each (as `mul` by a
 * float32 scalar, then `add`, would).
 */
export function axpy(dst: View, x: View, alpha: number): boolean {
  const dt = dst.dtype;
  if ((dt !== "float32" && dt !== "float64") || x.dtype !== dt) return false;
  const d = data(dst);
  const s = data(x);
  if (s === d) return false;
  const shape = dst.shape;
  if (shape.length !== x.shape.length) return false;
  for (let i = 0; i < shape.length; i++) if (shape[i] !== x.shape[i]) return false;
  if (viewIsContiguous(dst) && viewIsContiguous(x)) {
    axpyRun(d, dst.offset, 1, s, x.offset, 1, alpha, dt, numel(shape));
    return true;
  }
  // Strided views (col2im's windows) one innermost run at a time, where no two elements of dst share memory.
  if (!distinctElements(dst)) return false;
  forEachRun([dst, x], (k, end, at, step) => axpyRun(d, at[0], step[0], s, at[1], step[1], alpha, dt, end - k));
  return true;
}

function axpyRun(
  d: AnyTypedArray,
  id: number,
  sd: number,
  s: AnyTypedArray,
  is: number,
  ss: number,
  alpha: number,
  dt: DType,
  n: number,
): void {
  if (dt === "float32") {
    const a = Math.fround(alpha);
    for (let i = 0; i < n; i++, id += sd, is += ss) d[id] += Math.fround(a * s[is]);
  } else {
    for (let i = 0; i < n; i++, id += sd, is += ss) d[id] += alpha * s[is];
  }
}
