import { is } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fromTyped } from "../../ops/creation.js";
import { pad } from "../../ops/pad.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

/** torchvision's padding modes: a constant `fill`, the edge value repeated, a mirror without or with the edge. */
export type PaddingMode = "constant" | "edge" | "reflect" | "symmetric";

/** An image padding: one for all sides, [left/right, top/bottom], or [left, top, right, bottom]. */
export type Padding = number | readonly number[];

const isNonNegInt = (x: unknown): boolean => typeof x === "number" && Number.isInteger(x) && x >= 0;

/** The `padding` argument's type (non-negative integers: 1, 2 or 4 of them). */
export const paddingArg = is.where<Padding>(
  "a non-negative integer or an array of 1, 2 or 4 of them",
  (v) => isNonNegInt(v) || (Array.isArray(v) && [1, 2, 4].includes(v.length) && v.every(isNonNegInt)),
);

/** `padding` as [left, right, top, bottom] (torchvision's order is left, top, right, bottom). */
export function ltrbToPad(padding: Padding): [number, number, number, number] {
  if (typeof padding === "number") return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0], padding[0], padding[0], padding[0]];
  if (padding.length === 2) return [padding[0], padding[0], padding[1], padding[1]];
  return [padding[0], padding[2], padding[1], padding[3]];
}

/** The image dims of `[..., H, W]`, checked. */
export function imageSize(img: Tensor, fn: string): [h: number, w: number] {
  if (img.ndim < 2) throw new ShapeError(`${fn}: expected an image tensor of shape [..., H, W], got ${fmt(img.shape)}`);
  return [img.shape[img.ndim - 2], img.shape[img.ndim - 1]];
}

/** Source positions along an axis of size n padded by (before, after), for the index-based modes. */
function sourceIndex(n: number, before: number, after: number, mode: Exclude<PaddingMode, "constant">, fn: string): Tensor {
  const limit = mode === "reflect" ? n - 1 : n;
  if (mode !== "edge" && (before > limit || after > limit)) {
    throw new ValueError(`${fn}: ${mode} padding of (${before}, ${after}) is too large for a dimension of size ${n} (at most ${limit})`);
  }
  if (n === 0 && before + after > 0) throw new ValueError(`${fn}: cannot pad an empty dimension in ${mode} mode`);
  const idx = new Int32Array(n + before + after);
  for (let k = 0; k < idx.length; k++) {
    const i = k - before;
    if (i >= 0 && i < n) idx[k] = i;
    else if (mode === "edge") idx[k] = i < 0 ? 0 : n - 1;
    else if (mode === "reflect") idx[k] = i < 0 ? -i : 2 * (n - 1) - i;
    else idx[k] = i < 0 ? -i - 1 : 2 * n - 1 - i;
  }
  return fromTyped(idx, [idx.length]);
}

/**
 * Pads the last two dims of `img` ([..., H, W]) as torchvision's `F.pad(img, padding, fill, padding_mode)`:
 * `constant` fills with `fill`, `edge` repeats the border, `reflect` mirrors without repeating it (pad < size),
 * `symmetric` mirrors with it (pad ≤ size).
 */
export function padImage(img: Tensor, padding: Padding, fill: number, mode: PaddingMode, fn: string): Tensor {
  const [h, w] = imageSize(img, fn);
  const [left, right, top, bottom] = ltrbToPad(padding);
  if (left + right + top + bottom === 0) return img;
  if (mode === "constant") return pad(img, [left, right, top, bottom], "constant", fill);
  let out = img;
  const move = (t: Tensor, idx: Tensor) => (t.device === idx.device ? idx : idx.to(t.device));
  if (top + bottom > 0) out = out.indexSelect(out.ndim - 2, move(out, sourceIndex(h, top, bottom, mode, fn)));
  if (left + right > 0) out = out.indexSelect(out.ndim - 1, move(out, sourceIndex(w, left, right, mode, fn)));
  return out;
}
