/**
 * conv2d (groups 1, float32) on the WASM kernels (assembly/conv.ts): the operands are copied into the kernels' memory once
 * per call, each image's windows go into a per-thread scratch there and onto the GEMM, and the images (or, for the weight
 * gradient, the rows of [O, C·kh·kw]) are split over threads (threads.ts). Every image and every weight-gradient column is
 * computed by one thread in one order, so results are bit for bit the same on any number of threads.
 */

import { contiguousStrides, numel } from "../../shape.js";
import type { ConvGeometry, View } from "../backend.js";
import { materialize } from "../cpu/strided.js";
import type { Kernels } from "./module.js";
import { layout, memF32 } from "./scratch.js";
import { poolThreads, threadedConv } from "./threads.js";
import { thresholds } from "./thresholds.js";

const GEOMETRY_WORDS = 32;
const NR = 8;

/** The view's elements, densely: a subarray of its storage when it is contiguous, else a copy. */
export function dense(v: View): Float32Array {
  const n = numel(v.shape);
  const strides = contiguousStrides(v.shape);
  const contiguous = v.shape.every((d, i) => d === 1 || v.strides[i] === strides[i]);
  return contiguous ? (v.buffer as Float32Array).subarray(v.offset, v.offset + n) : (materialize(v) as Float32Array);
}

/**
 * Runs conv2d kernel `op` (0 forward, 1 input gradient, 2 weight gradient) for images [N, C, H, W] convolved into
 * [N, O, OH, OW]: copies `inputs` in (the first is the geometry's X operand, then W or dY), computes `outFloats` and
 * copies them out; null where the operands are not float32 or memory can't grow.
 */
function run(
  k: Kernels,
  op: number,
  dims: { n: number; c: number; h: number; w: number; o: number },
  g: ConvGeometry,
  x: View,
  second: View,
  outFloats: number,
  bias: View | null = null,
): Float32Array | null {
  if (x.dtype !== "float32" || second.dtype !== "float32" || (bias !== null && bias.dtype !== "float32")) return null;
  const { n, c, h, w, o } = dims;
  const [kh, kw] = g.kernel;
  const words = [c, h, w, o, kh, kw, g.stride[0], g.stride[1], g.padding[0], g.padding[1], g.dilation[0], g.dilation[1], g.oh, g.ow];
  const head = layout(k, [GEOMETRY_WORDS]);
  if (head === null) return null;
  const geometry = head[0];
  new Int32Array(k.memory.buffer, geometry, GEOMETRY_WORDS).set(words);
  // Each thread's scratch starts 64-byte aligned.
  const scratchFloats = Math.ceil(k.convScratchFloats(geometry) / 16) * 16;
  const flops = n * o * c * kh * kw * g.oh * g.ow;
  const threads = flops >= thresholds.threads ? poolThreads(k) : 1;
  const xd = dense(x);
  const sd = dense(second);
  const bd = bias === null ? null : dense(bias);
  const ptrs = layout(k, [GEOMETRY_WORDS, xd.length, sd.length, outFloats, threads * scratchFloats, bd?.length ?? 0]);
  if (ptrs === null) return null;
  const [, px, ps, pout, pscratch, pbias] = ptrs;
  const mem = memF32(k);
  mem.set(xd, px >> 2);
  mem.set(sd, ps >> 2);
  if (bd !== null) mem.set(bd, pbias >> 2);
  // X, WT, GY, OUT, SCRATCH, SCRATCH_BYTES, N, BIAS (assembly/conv.ts): the second operand is the weight, or dY for op 2.
  const geo = new Int32Array(k.memory.buffer, geometry, GEOMETRY_WORDS);
  geo.set([px, op === 2 ? 0 : ps, op === 2 ? ps : 0, pout, pscratch, 4 * scratchFloats, n, bd === null ? 0 : pbias], 14);
  // The weight gradient splits by NR-aligned rows of the columns (each thread then reads every image), the others by image.
  const [dim, unit] = op === 2 ? [c * kh * kw, NR] : [n, 1];
  if (threads < 2 || !threadedConv(k, op, geometry, dim, unit)) k.convBlock(op, geometry, 0, dim, 0);
  return memF32(k).slice(pout >> 2, (pout >> 2) + outFloats);
}

/** Backend.conv2d: x [N, C, H, W] by w [O, C, kh, kw] into [N, O, OH, OW], plus bias [O] if given. */
export function wasmConv2d(k: Kernels, x: View, w: View, g: ConvGeometry, bias: View | null = null): Float32Array | null {
  const [n, c, h, wd] = x.shape;
  const o = w.shape[0];
  return run(k, 0, { n, c, h, w: wd, o }, g, x, w, n * o * g.oh * g.ow, bias);
}

/** Backend.conv2dInputGrad: dY [N, O, OH, OW] and w [O, C, kh, kw] into dX [N, C, H, W]. */
export function wasmConv2dInputGrad(k: Kernels, gy: View, w: View, g: ConvGeometry, inputShape: readonly number[]): Float32Array | null {
  const [n, c, h, wd] = inputShape;
  return run(k, 1, { n, c, h, w: wd, o: w.shape[0] }, g, gy, w, n * c * h * wd);
}

/** Backend.conv2dWeightGrad: dY [N, O, OH, OW] and x [N, C, H, W] into dW [O, C, kh, kw]. */
export function wasmConv2dWeightGrad(k: Kernels, gy: View, x: View, g: ConvGeometry, weightShape: readonly number[]): Float32Array | null {
  const [n, c, h, wd] = x.shape;
  return run(k, 2, { n, c, h, w: wd, o: weightShape[0] }, g, x, gy, numel(weightShape));
}
