/** max_pool2d's forward (float32) on the WASM kernel (assembly/pool.ts): the input copied in once, values and indices out. */

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
