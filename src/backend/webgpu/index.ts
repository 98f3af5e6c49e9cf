import type { AnyTypedArray, DType } from "../../dtype.js";
import { DeviceError, DTypeError } from "../../errors.js";
import { isContiguous, numel } from "../../shape.js";
import type { Backend, View } from "../backend.js";
import { axpy } from "./axpy.js";
import { binary, contiguousCopy, copy, fill, gpu, unary, where } from "./elementwise.js";
import { gather, scatter } from "./indexing.js";
import { addmm, matmul } from "./matmul.js";
import { argReduce, cumsum, reduce } from "./reduce.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { logSoftmax } from "./softmax.js";
import { cumExtremeIndices, searchSorted, sortIndices } from "./sort.js";
import { wgslType } from "./wgsl.js";

/** An upload-ready copy of host data: 4 bytes an element (bools as u32). */
function toDevice(data: AnyTypedArray): Float32Array | Int32Array | Uint32Array {
  if (data instanceof Float32Array || data instanceof Int32Array) return data;
  if (data instanceof Uint8Array) return Uint32Array.from(data);
  throw new DTypeError("webgpu: float64 is not supported on the webgpu device (WGSL has no 64-bit floats); use float32");
}

/** The typed array of `dtype` over bytes read back from the device. */
function fromDevice(bytes: ArrayBuffer, dtype: DType): AnyTypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(bytes);
    case "int32":
      return new Int32Array(bytes);
    case "bool":
      return Uint8Array.from(new Uint32Array(bytes));
    default:
      throw new DTypeError(`webgpu: ${dtype} is not supported on the webgpu device`);
  }
}

const SYNC_READ =
  "a webgpu tensor cannot be read synchronously (the GPU is read asynchronously): use `await x.toArrayAsync()`, " +
  '`await x.itemAsync()` or `await x.tolistAsync()`, or move it with `await x.toAsync("cpu")`';

/** The WebGPU backend over one runtime: each kernel of the interface records one or a few dispatches. */
export function createWebgpuBackend(rt: Runtime): Backend {
  return {
    name: "webgpu",
    device: "webgpu",
    asyncOnly: true,
    alloc: (dtype: DType, size: number) => {
      wgslType(dtype);
      const out = rt.alloc(dtype, size);
      // Tensors made by `alloc` start zeroed, as on the CPU (pooled buffers hold old data).
      rt.clear(out.buffer, size * 4);
      return out;
    },
    fromArray: (data: AnyTypedArray) => {
      const host = toDevice(data);
      const dtype: DType = data instanceof Float32Array ? "float32" : data instanceof Int32Array ? "int32" : "bool";
      const out = rt.alloc(dtype, host.length);
      if (host.length > 0) rt.write(out.buffer, host);
      return out;
    },
    read: () => {
      throw new DeviceError(SYNC_READ);
    },
    readAsync: async (view: View) => {
      const n = numel(view.shape);
      if (n === 0) return fromDevice(new ArrayBuffer(0), view.dtype);
      if (isContiguous(view.shape, view.strides)) return fromDevice(await rt.readBytes(gpu(view), view.offset * 4, n * 4), view.dtype);
      const dense = contiguousCopy(rt, view);
      return fromDevice(await rt.readBytes(dense.buffer, 0, n * 4), view.dtype);
    },
    copy: (dst, src) => copy(rt, dst, src),
    fill: (dst, value) => fill(rt, dst, value),
    axpy: (dst, x, alpha) => axpy(rt, dst, x, alpha),
    logSoftmax: (x) => logSoftmax(rt, x),
    unary: (op, x, outDType) => unary(rt, op, x, outDType),
    binary: (op, a, b, outDType) => binary(rt, op, a, b, outDType),
    where: (cond, a, b, outDType) => where(rt, cond, a, b, outDType),
    reduce: (op, x, axes, outDType) => reduce(rt, op, x, axes, outDType),
    argReduce: (op, x, axis) => argReduce(rt, op, x, axis),
    cumsum: (x, axis, outDType) => cumsum(rt, x, axis, outDType),
    sortIndices: (x, descending) => sortIndices(rt, x, descending),
    cumExtremeIndices: (op, x, axis) => cumExtremeIndices(rt, op, x, axis),
    searchSorted: (seq, values, right) => searchSorted(rt, seq, values, right),
    matmul: (a, b, outDType) => matmul(rt, a, b, outDType),
    addmm: (a, b, bias, outDType) => addmm(rt, a, b, bias, outDType),
    gather: (x, axis, index) => gather(rt, x, axis, index),
    scatter: (dst, axis, index, src, mode) => scatter(rt, dst, axis, index, src, mode),
  };
}

export type { GpuBuffer };
