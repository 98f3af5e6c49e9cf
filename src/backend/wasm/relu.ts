/** ReLU's backward (float32) on the WASM kernel: y and the gradient copied in, one pass, the input gradient out. */

import { numel, shapesEqual } from "../../shape.js";
import type { View } from "../backend.js";
import { dense } from "./conv.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { thresholds } from "./thresholds.js";

/** Backend.reluBackward: 0 where y ≤ 0, else g, for float32 views of one shape; null below the size threshold. */
export function wasmReluBackward(k: Kernels, y: View, g: View): Float32Array | null {
  const n = numel(y.shape);
  if (y.dtype !== "float32" || g.dtype !== "float32" || !shapesEqual(y.shape, g.shape) || n < thresholds.elementwise) return null;
  const ptrs = layout(k, [n, n, n]);
  if (ptrs === null) return null;
  const [py, pg, pout] = ptrs;
  const mem = memF32(k);
  mem.set(dense(y), py >> 2);
  mem.set(dense(g), pg >> 2);
  k.reluBackward(py, pg, pout, n);
  return mem.slice(pout >> 2, (pout >> 2) + n);
}
