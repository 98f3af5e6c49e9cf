/**
 * The scratch area: WASM linear memory above the kernels' heap base, grown on demand and never shrunk, so that it is bounded by
 * the largest kernel call. Each call lays out its regions from the base, copies operands in, computes and copies the result
 * out; nothing in it outlives the call.
 */

import type { Kernels } from "./module.js";

const PAGE = 65536;
/** Stay well inside wasm32's 4 GiB; larger calls go to the reference kernels. */
const MAX_BYTES = 2 ** 31;

let f32: Float32Array | null = null;

/** A Float32Array over the whole memory (recreated after the memory grows, which detaches the old buffer). */
export function memF32(k: Kernels): Float32Array {
  if (f32 === null || f32.buffer !== k.memory.buffer) f32 = new Float32Array(k.memory.buffer);
  return f32;
}

let u8: Uint8Array | null = null;

/** A Uint8Array over the whole memory (recreated after the memory grows). */
export function memU8(k: Kernels): Uint8Array {
  if (u8 === null || u8.buffer !== k.memory.buffer) u8 = new Uint8Array(k.memory.buffer);
  return u8;
}

/**
 * Byte pointers to consecutive 64-byte-aligned regions of the given sizes (in float32 elements), growing the memory to fit
 * them; null if that would pass the size limit or the engine refuses to grow.
 */
export function layout(k: Kernels, floats: readonly number[]): number[] | null {
  const ptrs: number[] = [];
  let p = (k.heapBase() + 63) & ~63;
  for (const n of floats) {
    ptrs.push(p);
    p += Math.ceil((n * 4) / 64) * 64;
  }
  if (p > MAX_BYTES) return null;
  const have = k.memory.buffer.byteLength;
  if (p > have) {
    try {
      k.memory.grow(Math.ceil((p - have) / PAGE));
    } catch {
      return null;
    }
  }
  return ptrs;
}
