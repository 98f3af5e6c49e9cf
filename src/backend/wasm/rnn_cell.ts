/** The float32 LSTM and GRU cell kernels' forward passes on the WASM SIMD kernels; null means "not handled here". */

import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { materialize } from "../cpu/strided.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { thresholds } from "./thresholds.js";

const f32 = (...vs: View[]): boolean => vs.every((v) => v.dtype === "float32");
const lastDim = (v: View): number => (v.shape.length === 0 ? 1 : v.shape[v.shape.length - 1]);

/** Backend.lstmCell for float32 views of at least `thresholds.elementwise` elements. */
export function wasmLstmCell(k: Kernels, xg: View, hg: View, c: View): { h: Float32Array; c: Float32Array; act: Float32Array } | null {
  const n = numel(c.shape);
  const H = lastDim(c);
  if (!f32(xg, hg, c) || n < thresholds.elementwise || H === 0 || lastDim(xg) !== 4 * H || lastDim(hg) !== 4 * H) return null;
  const ptrs = layout(k, [4 * n, 4 * n, n, n, n, 5 * n]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const [px, ph, pc, pho, pco, pa] = ptrs;
  mem.set(materialize(xg), px >> 2);
  mem.set(materialize(hg), ph >> 2);
  mem.set(materialize(c), pc >> 2);
  k.lstmCellRows(px, ph, pc, pho, pco, pa, n / H, H);
  return {
    h: mem.slice(pho >> 2, (pho >> 2) + n),
    c: mem.slice(pco >> 2, (pco >> 2) + n),
    act: mem.slice(pa >> 2, (pa >> 2) + 5 * n),
  };
}

/** Backend.gruCell for float32 views of at least `thresholds.elementwise` elements. */
export function wasmGruCell(k: Kernels, xg: View, hg: View, h: View): { h: Float32Array; act: Float32Array } | null {
  const n = numel(h.shape);
  const H = lastDim(h);
  if (!f32(xg, hg, h) || n < thresholds.elementwise || H === 0 || lastDim(xg) !== 3 * H || lastDim(hg) !== 3 * H) return null;
  const ptrs = layout(k, [3 * n, 3 * n, n, n, 3 * n]);
  if (ptrs === null) return null;
  const mem = memF32(k);
  const [px, ph, phi, pho, pa] = ptrs;
  mem.set(materialize(xg), px >> 2);
  mem.set(materialize(hg), ph >> 2);
  mem.set(materialize(h), phi >> 2);
  k.gruCellRows(px, ph, phi, pho, pa, n / H, H);
  return { h: mem.slice(pho >> 2, (pho >> 2) + n), act: mem.slice(pa >> 2, (pa >> 2) + 3 * n) };
}
