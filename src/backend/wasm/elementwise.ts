/** Elementwise float32 unary and binary ops on the WASM kernels, for the layouts they cover; null means "not handled here". */

import { numel } from "../../shape.js";
import type { BinaryOp, UnaryOp, View } from "../backend.js";
import { split2D, splitBatched } from "./layout.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { copyIn, stage, stagedViews } from "./stage.js";
import { poolThreads, threadedUnary, UNARY_THREADS_MIN } from "./threads.js";
import { thresholds } from "./thresholds.js";

/** Op codes of src/backend/wasm/assembly/elementwise.ts. */
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const UNARY: Partial<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  sqrt: 2,
  square: 3,
  reciprocal: 4,
  relu: 5,
  exp: 6,
  tanh: 7,
  sigmoid: 8,
  floor: 9,
  ceil: 10,
  round: 11,
};

export function wasmUnary(k: Kernels, op: UnaryOp, x: View, outDType: string): Float32Array | null {
  const code = UNARY[op];
  if (code === undefined || x.dtype !== "float32" || outDType !== "float32") return null;
  const n = numel(x.shape);
  if (n < thresholds.elementwise) return null;
  const s = split2D([x]);
  // One contiguous run only: other layouts are rare for unary ops.
  if (s === null || (s.outer > 1 && s.ops[0].rs !== s.inner) || s.ops[0].cs !== 1) return null;
  const sx = stage(x);
  const ptrs = layout(k, [sx.data.length, n]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const px = copyIn(mem, sx, ptrs[0]);
  // The transcendental ops cost enough per element to be worth splitting over threads when large.
  const heavy = op === "exp" || op === "tanh" || op === "sigmoid";
  const threaded = heavy && n >= UNARY_THREADS_MIN && poolThreads(k) > 1 && threadedUnary(k, code, px, ptrs[1], n);
  if (!threaded) k.unary(code, px, ptrs[1], n);
  return mem.slice(ptrs[1] >> 2, (ptrs[1] >> 2) + n);
}

export function wasmBinary(k: Kernels, op: BinaryOp, a: View, b: View, outDType: string): Float32Array | null {
  const code = BINARY[op];
  if (code === undefined || a.dtype !== "float32" || b.dtype !== "float32" || outDType !== "float32") return null;
  const n = numel(a.shape);
  if (n < thresholds.elementwise) return null;
  const [sa, sb] = [stage(a), stage(b)];
  const s = splitBatched(stagedViews([a, b], [sa, sb]));
  if (s === null) return null;
  const ptrs = layout(k, [sa.data.length, sb.data.length, n]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const pa = copyIn(mem, sa, ptrs[0]);
  const pb = copyIn(mem, sb, ptrs[1]);
  const [oa, ob] = s.ops;
  const [ba, bb] = s.batchStrides;
  const size = s.outer * s.inner;
  for (let i = 0; i < s.batch; i++) {
    k.binary(code, pa + 4 * i * ba, oa.rs, oa.cs, pb + 4 * i * bb, ob.rs, ob.cs, ptrs[2] + 4 * i * size, s.outer, s.inner);
  }
  return mem.slice(ptrs[2] >> 2, (ptrs[2] >> 2) + n);
}
