/** max_pool2d (float32) on the WASM kernels (assembly/pool.ts): operands copied in once, results out. */

import { numel } from "../../shape.js";
import type { PoolGeometry, View } from "../backend.js";
import { dense } from "./conv.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";

const GEOMETRY_WORDS = 16;

/** Backend.maxPool2d: x [N, C, H, W] float32 into its windows' maxima and first-maximum indices, [N, C, OH, OW] each. */
export function wasmMaxPool2d(k: Kernels, x: View, g: PoolGeometry): { out: Float32Array; idx: Int32Array } | null {
  if (x.dtype !== "float32" || x.shape.length !== 4) return null;
  const [n, c, h, w] = x.shape;
  const planes = n * c;
  const outFloats = planes * g.oh * g.ow;
  const xd = dense(x);
  const ptrs = layout(k, [GEOMETRY_WORDS, xd.length, outFloats, outFloats]);
  if (ptrs === null) return null;
  const [geometry, px, pout, pidx] = ptrs;
  const [kh, kw] = g.kernel;
  const words = [planes, h, w, kh, kw, g.stride[0], g.stride[1], g.padding[0], g.padding[1], g.dilation[0], g.dilation[1], g.oh, g.ow];
  new Int32Array(k.memory.buffer, geometry, GEOMETRY_WORDS).set(words);
  const mem = memF32(k);
  mem.set(xd, px >> 2);
  k.maxPoolPlanes(geometry, px, pout, pidx);
  return {
    out: mem.slice(pout >> 2, (pout >> 2) + outFloats),
    idx: new Int32Array(k.memory.buffer, pidx, outFloats).slice(),
  };
}

/** Backend.maxPool2dBackward: dY [N, C, OH, OW] (float32) added at the forward's indices into dX of `inputShape`. */
export function wasmMaxPool2dBackward(k: Kernels, gy: View, idx: Int32Array, inputShape: readonly number[]): Float32Array | null {
  const l = numel(gy.shape);
  if (gy.dtype !== "float32" || gy.shape.length !== 4 || idx.length !== l) return null;
  const [n, c, h, w] = inputShape;
  const outFloats = n * c * h * w;
  const gd = dense(gy);
  const ptrs = layout(k, [l, l, outFloats]);
  if (ptrs === null) return null;
  const [pg, pidx, pgx] = ptrs;
  const mem = memF32(k);
  mem.set(gd, pg >> 2);
  new Int32Array(k.memory.buffer, pidx, l).set(idx);
  k.maxPoolBackward(pg, pidx, pgx, n * c, gy.shape[2] * gy.shape[3], h * w);
  return memF32(k).slice(pgx >> 2, (pgx >> 2) + outFloats);
}
