import type { Tensor } from "./tensor.js";

/**
 * Marks tensors without importing the Tensor class: argument checking (src/args.ts) is imported by the ops that
 * tensor.ts itself imports, so an `instanceof Tensor` there would close an import cycle.
 */
export const TENSOR_BRAND: unique symbol = Symbol.for("tensorgrad.tensor");

/** Whether `v` is a tensorgrad tensor (of any copy of the package loaded under the same realm). */
export function hasTensorBrand(v: unknown): v is Tensor {
  return typeof v === "object" && v !== null && (v as { [TENSOR_BRAND]?: boolean })[TENSOR_BRAND] === true;
}
