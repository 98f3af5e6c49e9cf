import type { DType } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { gpu } from "./elementwise.js";
import { BATCH_DIMS, chooseTile, type GemmTile, type GemmVariant, gemmSource, P, type TileLoad, tilesFor } from "./gemm.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { groupsFor, kernelHead, stridedOffsets, wgslType } from "./wgsl.js";

/**
 * `a @ b` over `[...batch, m, k] @ [...batch, k, n]` (strided, batch dims broadcast by stride 0). float32 goes through the
 * tiled GEMM (gemm.ts); other dtypes through one invocation per output.
 */
export function matmul(rt: Runtime, a: View, b: View, outDType: DType): GpuBuffer {
  return (isF32(a, b, outDType) && tiledGemm(rt, a, b, null)) || simpleMatmul(rt, a, b, outDType);
}

/** `a @ b + bias` (bias a view of [n]) with the bias added in the GEMM's epilogue; null for dtypes other than float32. */
export function addmm(rt: Runtime, a: View, b: View, bias: View, outDType: DType): GpuBuffer | null {
  if (!isF32(a, b, outDType) || bias.dtype !== "float32") return null;
  return tiledGemm(rt, a, b, bias);
}

const isF32 = (a: View, b: View, outDType: DType): boolean => a.dtype === "float32" && b.dtype === "float32" && outDType === "float32";

const tilesByRuntime = new WeakMap<Runtime, GemmTile[]>();
const sources = new Map<string, string>();

/** Whether a view's elements along a dim can be read as aligned vec4s: unit stride, and everything else a multiple of 4. */
function vec4Along(size: number, offset: number, unit: number, other: number, batch: readonly number[]): boolean {
  return unit === 1 && size % 4 === 0 && offset % 4 === 0 && other % 4 === 0 && batch.every((s) => s % 4 === 0);
}

/** How to load an operand whose tile rows are `other` (stride `sO`, count `dO`) and columns k (stride `sK`). */
export function tileLoad(dO: number, sO: number, k: number, sK: number, offset: number, batch: readonly number[]): TileLoad {
  if (vec4Along(k, offset, sK, sO, batch)) return "vecK";
  if (vec4Along(dO, offset, sO, sK, batch)) return "vecOther";
  return Math.abs(sK) <= Math.abs(sO) ? "k" : "other";
}

/** The tiled float32 GEMM, with `bias` added in its epilogue when given; null when no tile fits the device's limits. */
function tiledGemm(rt: Runtime, a: View, b: View, bias: View | null): GpuBuffer | null {
  const r = a.shape.length;
  const m = a.shape[r - 2];
  const k = a.shape[r - 1];
  const n = b.shape[r - 1];
  const batchShape = a.shape.slice(0, r - 2);
  const batch = numel(batchShape);
  let tiles = tilesByRuntime.get(rt);
  if (!tiles) {
    tiles = tilesFor(rt.device.limits);
    tilesByRuntime.set(rt, tiles);
  }
  const tile = chooseTile(tiles, batch, m, n);
  if (!tile) return null;
  const out = rt.alloc("float32", batch * m * n);
  if (batch * m * n === 0) return out;
  // A dim of size 1 is never stepped along: its stride is set to 0 so that it does not rule out the vec4 loads.
  const st = (v: View, d: number): number => (v.shape[d] === 1 ? 0 : v.strides[d]);
  const dims: number[] = [];
  const aBatch: number[] = [];
  const bBatch: number[] = [];
  for (let d = 0; d < r - 2; d++) {
    if (batchShape[d] === 1) continue;
    dims.push(batchShape[d], st(a, d), st(b, d));
    aBatch.push(st(a, d));
    bBatch.push(st(b, d));
  }
  const [aRs, aCs, bRs, bCs] = [st(a, r - 2), st(a, r - 1), st(b, r - 2), st(b, r - 1)];
  const variant: GemmVariant = {
    a: tileLoad(m, aRs, k, aCs, a.offset, aBatch),
    b: tileLoad(n, bCs, k, bRs, b.offset, bBatch),
    out4: n % 4 === 0,
    bias: bias !== null,
  };
  const key = `${tile.name}|${variant.a}|${variant.b}|${variant.out4}|${variant.bias}`;
  let code = sources.get(key);
  if (code === undefined) {
    code = gemmSource(tile, variant);
    sources.set(key, code);
  }
  const tilesM = Math.ceil(m / tile.BM);
  const tilesN = Math.ceil(n / tile.BN);
  const meta = new Array<number>(BATCH_DIMS).fill(0);
  meta[P.M] = m;
  meta[P.N] = n;
  meta[P.K] = k;
  meta[P.tilesM] = tilesM;
  meta[P.tilesN] = tilesN;
  meta[P.tiles] = batch * tilesM * tilesN;
  meta[P.aOff] = a.offset;
  meta[P.aRs] = aRs;
  meta[P.aCs] = aCs;
  meta[P.bOff] = b.offset;
  meta[P.bRs] = bRs;
  meta[P.bCs] = bCs;
  meta[P.biasOff] = bias ? bias.offset : 0;
  meta[P.biasStride] = bias ? bias.strides[0] : 0;
  meta[P.nb] = dims.length / 3;
  meta.push(...dims);
  const buffers = [gpu(a), gpu(b), out.buffer];
  if (bias) buffers.push(gpu(bias));
  rt.dispatch(code, meta, buffers, batch * tilesM * tilesN);
  return out;
}

/** One invocation per output, each walking k (int32 and bool products, which WGSL cannot fma). */
function simpleMatmul(rt: Runtime, a: View, b: View, outDType: DType): GpuBuffer {
  const r = a.shape.length;
  const m = a.shape[r - 2];
  const k = a.shape[r - 1];
  const n = b.shape[r - 1];
  const batch = a.shape.slice(0, r - 2);
  const total = numel(batch) * m * n;
  const out = rt.alloc(outDType, total);
  if (total === 0) return out;
  const t = wgslType(outDType);
  // Operands as views of the output's shape [...batch, m, n]: a's column and b's row dims are walked by the k loop.
  const shape = [...batch, m, n];
  const aStrides = [...a.strides.slice(0, r - 2), a.strides[r - 2], 0];
  const bStrides = [...b.strides.slice(0, r - 2), 0, b.strides[r - 1]];
  const rank = shape.length;
  const meta = [total, ...shape, a.offset, ...aStrides, b.offset, ...bStrides, k, a.strides[r - 1], b.strides[r - 2]];
  const at = 1 + rank + 2 * (rank + 1);
  const code = kernelHead(
    [
      `var<storage, read> in0: array<${wgslType(a.dtype)}>`,
      `var<storage, read> in1: array<${wgslType(b.dtype)}>`,
      `var<storage, read_write> out: array<${t}>`,
    ],
    `${stridedOffsets(rank, 2)}
    let K = prm[${at}];
    let sa = prm[${at + 1}];
    let sb = prm[${at + 2}];
    var acc: ${t} = ${t}(0);
    for (var p = 0; p < K; p = p + 1) {
      acc = acc + ${t}(in0[o0 + p * sa]) * ${t}(in1[o1 + p * sb]);
    }
    out[i] = acc;`,
  );
  rt.dispatch(code, meta, [gpu(a), gpu(b), out.buffer], groupsFor(total));
  return out;
}
