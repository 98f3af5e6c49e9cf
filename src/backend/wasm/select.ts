/** Comparisons into bool and `where` on the WASM kernels, for the layouts they cover; null means "not handled here". */

import { numel } from "../../shape.js";
import type { BinaryOp, View } from "../backend.js";
import { split2D } from "./layout.js";
import type { Kernels } from "./module.js";
import { layout, memF32, memU8 } from "./scratch.js";
import { copyIn, copyInBytes, stage, stagedViews } from "./stage.js";
import { thresholds } from "./thresholds.js";

/** Op codes of src/backend/wasm/assembly/select.ts. */
const COMPARE: Partial<Record<BinaryOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

/** float32 `a op b` into a bool buffer, for the comparison ops. */
export function wasmCompare(k: Kernels, op: BinaryOp, a: View, b: View): Uint8Array | null {
  const code = COMPARE[op];
  if (code === undefined || a.dtype !== "float32" || b.dtype !== "float32") return null;
  const n = numel(a.shape);
  if (n < thresholds.elementwise) return null;
  const staged = [stage(a), stage(b)];
  const s = split2D(stagedViews([a, b], staged));
  if (s === null) return null;
  const ptrs = layout(k, [staged[0].data.length, staged[1].data.length, Math.ceil(n / 4)]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const pa = copyIn(mem, staged[0], ptrs[0]);
  const pb = copyIn(mem, staged[1], ptrs[1]);
  const [oa, ob] = s.ops;
  k.compare(code, pa, oa.rs, oa.cs, pb, ob.rs, ob.cs, ptrs[2], s.outer, s.inner);
  return memU8(k).slice(ptrs[2], ptrs[2] + n);
}

/** `cond ? a : b` for a bool condition and float32 operands and output. */
export function wasmWhere(k: Kernels, cond: View, a: View, b: View, outDType: string): Float32Array | null {
  if (cond.dtype !== "bool" || a.dtype !== "float32" || b.dtype !== "float32" || outDType !== "float32") return null;
  const n = numel(a.shape);
  if (n < thresholds.elementwise) return null;
  const sc = stage<Uint8Array>(cond);
  const [sa, sb] = [stage(a), stage(b)];
  const s = split2D(stagedViews([cond, a, b], [sc, sa, sb]));
  if (s === null) return null;
  const ptrs = layout(k, [Math.ceil(sc.data.length / 4), sa.data.length, sb.data.length, n]);
  if (ptrs === null) return null;
  const pc = copyInBytes(memU8(k), sc, ptrs[0]);
  const mem = memF32(k);
  const pa = copyIn(mem, sa, ptrs[1]);
  const pb = copyIn(mem, sb, ptrs[2]);
  const [oc, oa, ob] = s.ops;
  k.select(pc, oc.rs, oc.cs, pa, oa.rs, oa.cs, pb, ob.rs, ob.cs, ptrs[3], s.outer, s.inner);
  return mem.slice(ptrs[3] >> 2, (ptrs[3] >> 2) + n);
}
