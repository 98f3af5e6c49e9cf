import type { DType } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { ArgReduceOp, ReduceOp, View } from "../backend.js";
import { coalesce } from "../cpu/strided.js";
import { gpu } from "./elementwise.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { groupsFor, kernelHead, stridedOffsets, wgslType } from "./wgsl.js";

/**
 * The kept dims (as a view of the output's shape) and the reduced dims (coalesced) of `x`: reductions walk the kept
 * dims with `stridedOffsets` and the reduced ones with a second odometer.
 */
function split(x: View, axes: readonly number[]): { kept: View; red: { shape: number[]; strides: number[] } } {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  for (let d = 0; d < x.shape.length; d++) {
    if (axes.includes(d)) {
      redShape.push(x.shape[d]);
      redStrides.push(x.strides[d]);
    } else {
      keptShape.push(x.shape[d]);
      keptStrides.push(x.strides[d]);
    }
  }
  return { kept: { ...x, shape: keptShape, strides: keptStrides }, red: coalesce(redShape, redStrides) };
}

/** WGSL: `off` for reduced element `k` from the reduced dims' sizes and strides at `prm[at...]`. */
function reducedOffset(rank: number, at: number): string {
  const lines = ["var rem = k;", "var off = 0;"];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`{ let s = prm[${at + d}]; off = off + (rem % s) * prm[${at + rank + d}]; rem = rem / s; }`);
  }
  return lines.join(" ");
}

const INIT: Record<ReduceOp, string> = { sum: "0", prod: "1", max: "", min: "" };

/** Reduces over the sorted `axes`: one thread per output element walks its reduced elements. */
export function reduce(rt: Runtime, op: ReduceOp, x: View, axes: readonly number[], outDType: DType): GpuBuffer {
  const { kept, red } = split(x, axes);
  const nOut = numel(kept.shape);
  const out = rt.alloc(outDType, nOut);
  if (nOut === 0) return out;
  const K = numel(red.shape);
  const tin = wgslType(x.dtype);
  const tout = wgslType(outDType);
  // Accumulate in the output type (bools sum as i32); max/min start from the first element.
  const t = tout === "u32" ? "i32" : tout;
  const rank = kept.shape.length;
  const rrank = red.shape.length;
  const meta = [nOut, ...kept.shape, kept.offset, ...kept.strides, K, ...red.shape, ...red.strides];
  const at = 1 + rank + 1 + rank;
  const load = (o: string): string => (tin === t ? `in0[${o}]` : `${t}(in0[${o}])`);
  let step: string;
  switch (op) {
    case "sum":
      step = `acc = acc + ${load("o0 + off")};`;
      break;
    case "prod":
      step = `acc = acc * ${load("o0 + off")};`;
      break;
    case "max":
    case "min": {
      const better = op === "max" ? "v > acc" : "v < acc";
      const nan = t === "f32" ? " || is_nan(v)" : "";
      step = `let v = ${load("o0 + off")}; if (!(${t === "f32" ? "is_nan(acc)" : "false"}) && (${better}${nan})) { acc = v; }`;
      break;
    }
  }
  const init = op === "max" || op === "min" ? `${load("o0")}` : `${t}(${INIT[op]})`;
  const code = kernelHead(
    [`var<storage, read> in0: array<${tin}>`, `var<storage, read_write> out: array<${tout}>`],
    `${stridedOffsets(rank, 1)}
    let K = prm[${at}];
    var acc: ${t} = ${init};
    for (var k = 0; k < K; k = k + 1) {
      ${reducedOffset(rrank, at + 1)}
      ${step}
    }
    out[i] = ${tout === t ? "acc" : `${tout}(acc)`};`,
  );
  rt.dispatch(code, meta, [gpu(x), out.buffer], groupsFor(nOut));
  return out;
}

/** Index of the first max/min along `axis` (NaN counts as both); one thread per output element. */
export function argReduce(rt: Runtime, op: ArgReduceOp, x: View, axis: number): GpuBuffer {
  const { kept } = split(x, [axis]);
  const nOut = numel(kept.shape);
  const out = rt.alloc("int32", nOut);
  if (nOut === 0) return out;
  const t = wgslType(x.dtype);
  const rank = kept.shape.length;
  const meta = [nOut, ...kept.shape, kept.offset, ...kept.strides, x.shape[axis], x.strides[axis]];
  const at = 2 + 2 * rank;
  const better = op === "argmax" ? "v > best" : "v < best";
  const nan = t === "f32" ? "is_nan(v)" : "false";
  const code = kernelHead(
    [`var<storage, read> in0: array<${t}>`, "var<storage, read_write> out: array<i32>"],
    `${stridedOffsets(rank, 1)}
    let K = prm[${at}];
    let s = prm[${at + 1}];
    var best = in0[o0];
    var arg = 0;
    var found_nan = ${t === "f32" ? "is_nan(best)" : "false"};
    for (var k = 1; k < K && !found_nan; k = k + 1) {
      let v = in0[o0 + k * s];
      if (${nan}) { best = v; arg = k; found_nan = true; }
      else if (${better}) { best = v; arg = k; }
    }
    out[i] = arg;`,
  );
  rt.dispatch(code, meta, [gpu(x), out.buffer], groupsFor(nOut));
  return out;
}

/** Inclusive running sum along `axis`: one thread per row. */
export function cumsum(rt: Runtime, x: View, axis: number, outDType: DType): GpuBuffer {
  const n = numel(x.shape);
  const out = rt.alloc(outDType, n);
  if (n === 0) return out;
  const { kept } = split(x, [axis]);
  const nRows = numel(kept.shape);
  // Output strides: contiguous in x's shape.
  const outStrides = new Array<number>(x.shape.length);
  for (let d = x.shape.length - 1, acc = 1; d >= 0; d--) {
    outStrides[d] = acc;
    acc *= x.shape[d];
  }
  const keptOut = outStrides.filter((_, d) => d !== axis);
  const rank = kept.shape.length;
  const meta = [nRows, ...kept.shape, kept.offset, ...kept.strides, 0, ...keptOut, x.shape[axis], x.strides[axis], outStrides[axis]];
  const at = 1 + rank + 2 * (rank + 1);
  const tin = wgslType(x.dtype);
  const tout = wgslType(outDType);
  const t = tout === "u32" ? "i32" : tout;
  const code = kernelHead(
    [`var<storage, read> in0: array<${tin}>`, `var<storage, read_write> out: array<${tout}>`],
    `${stridedOffsets(rank, 2)}
    let K = prm[${at}];
    var acc: ${t} = ${t}(0);
    for (var k = 0; k < K; k = k + 1) {
      acc = acc + ${tin === t ? `in0[o0 + k * prm[${at + 1}]]` : `${t}(in0[o0 + k * prm[${at + 1}]])`};
      out[o1 + k * prm[${at + 2}]] = ${tout === t ? "acc" : `${tout}(acc)`};
    }`,
  );
  rt.dispatch(code, meta, [gpu(x), out.buffer], groupsFor(nRows));
  return out;
}
