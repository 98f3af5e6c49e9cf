/** float32 log-softmax over the last axis on the WASM kernel; null means "not handled here". */

import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { viewIsContiguous } from "../cpu/strided.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { copyIn, stage } from "./stage.js";
import { thresholds } from "./thresholds.js";

export function wasmLogSoftmax(k: Kernels, x: View): Float32Array | null {
  if (x.dtype !== "float32" || x.shape.length === 0 || !viewIsContiguous(x)) return null;
  const n = numel(x.shape);
  const cols = x.shape[x.shape.length - 1];
  if (n < thresholds.elementwise || cols === 0) return null;
  const sx = stage(x);
  const ptrs = layout(k, [sx.data.length, n]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const px = copyIn(mem, sx, ptrs[0]);
  k.logSoftmaxRows(px, ptrs[1], n / cols, cols);
  return mem.slice(ptrs[1] >> 2, (ptrs[1] >> 2) + n);
}
