/** Optimizer updates (float32) on the WASM kernels (assembly/optim.ts): operands copied in, updated there, copied back. */

import { numel } from "../../shape.js";
import type { AdadeltaHyper, View } from "../backend.js";
import { axpy as cpuAxpy } from "../cpu/copy.js";
import { dense } from "./conv.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { thresholds } from "./thresholds.js";

const isDense = (v: View): boolean => {
  let expected = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    if (v.shape[i] !== 1 && v.strides[i] !== expected) return false;
    expected *= v.shape[i];
  }
  return true;
};

/** Backend.adadelta: false (nothing written) unless all four views are dense float32 of one size, large enough. */
export function wasmAdadelta(k: Kernels, p: View, g: View, s: View, a: View, o: AdadeltaHyper): boolean {
  const views = [p, g, s, a];
  const n = numel(p.shape);
  if (n < thresholds.elementwise || !views.every((v) => v.dtype === "float32" && isDense(v) && numel(v.shape) === n)) return false;
  const ptrs = layout(k, [n, n, n, n]);
  if (ptrs === null) return false;
  const mem = memF32(k);
  views.forEach((v, i) => {
    mem.set(dense(v), ptrs[i] >> 2);
  });
  const f = Math.fround;
  k.adadeltaStep(ptrs[0], ptrs[1], ptrs[2], ptrs[3], n, f(o.rho), f(1 - o.rho), f(o.eps), f(-o.lr), o.maximize ? -1 : 1);
  for (const i of [0, 2, 3]) {
    const v = views[i];
    (v.buffer as Float32Array).set(mem.subarray(ptrs[i] >> 2, (ptrs[i] >> 2) + n), v.offset);
  }
  return true;
}

/**
 * Backend.axpy (`dst += alpha·x` in place, SGD's update): dense float32 views of one shape in different buffers, large
 * enough, on the kernel (both copied in, dst copied back); anything else on the CPU backend's loop, which rounds the same
 * way (the product to float32, then the sum).
 */
export function wasmAxpy(k: Kernels, dst: View, x: View, alpha: number): boolean {
  const n = numel(dst.shape);
  if (
    n < thresholds.elementwise ||
    dst.dtype !== "float32" ||
    x.dtype !== "float32" ||
    dst.buffer === x.buffer ||
    dst.shape.length !== x.shape.length ||
    !dst.shape.every((d, i) => d === x.shape[i]) ||
    !isDense(dst) ||
    !isDense(x)
  ) {
    return cpuAxpy(dst, x, alpha);
  }
  const ptrs = layout(k, [n, n]);
  if (ptrs === null) return cpuAxpy(dst, x, alpha);
  const mem = memF32(k);
  const d = dst.buffer as Float32Array;
  mem.set(d.subarray(dst.offset, dst.offset + n), ptrs[0] >> 2);
  mem.set((x.buffer as Float32Array).subarray(x.offset, x.offset + n), ptrs[1] >> 2);
  k.axpy(ptrs[0], ptrs[1], n, Math.fround(alpha));
  d.set(mem.subarray(ptrs[0] >> 2, (ptrs[0] >> 2) + n), dst.offset);
  return true;
}
