import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { data, gatherStrided, materialize, stridedOffsets, viewIsContiguous } from "./strided.js";

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
