import type { DType } from "../../dtype.js";
import type { AdadeltaHyper, Backend, BackendBuffer, BinaryOp, ConvGeometry, PoolGeometry, ReduceOp, UnaryOp, View } from "../backend.js";
import { cpuBackend } from "../cpu/index.js";
import { wasmConv2d, wasmConv2dInputGrad, wasmConv2dWeightGrad } from "./conv.js";
import { wasmBinary, wasmUnary } from "./elementwise.js";
import { wasmMatmul } from "./matmul.js";
import { getKernels } from "./module.js";
import { wasmAdadelta, wasmAxpy } from "./optim.js";
import { wasmMaxPool2d, wasmMaxPool2dBackward } from "./pool.js";
import { wasmReduce } from "./reduce.js";
import { wasmReluBackward } from "./relu.js";
import { wasmGruCell, wasmLstmCell } from "./rnn_cell.js";
import { wasmCompare, wasmWhere } from "./select.js";
import { wasmLogSoftmax } from "./softmax.js";

/**
 * The WASM SIMD backend: buffers are the CPU backend's plain typed arrays (so the two interoperate), and the hot float32
 * kernels (matmul, conv2d, elementwise and comparisons with scalar/row/column broadcasting, where, sum/max/min over leading or
 * trailing dims) copy their operands into WASM memory, run there and copy the result out. Everything else, and small
 * tensors, runs on the CPU reference kernels.
 */
export const wasmBackend: Backend = {
  ...cpuBackend,
  name: "wasm",
  unary(op: UnaryOp, x: View, outDType: DType): BackendBuffer {
    const k = getKernels();
    return (k && wasmUnary(k, op, x, outDType)) ?? cpuBackend.unary(op, x, outDType);
  },
  binary(op: BinaryOp, a: View, b: View, outDType: DType): BackendBuffer {
    const k = getKernels();
    if (k === null) return cpuBackend.binary(op, a, b, outDType);
    return (outDType === "bool" ? wasmCompare(k, op, a, b) : wasmBinary(k, op, a, b, outDType)) ?? cpuBackend.binary(op, a, b, outDType);
  },
  where(cond: View, a: View, b: View, outDType: DType): BackendBuffer {
    const k = getKernels();
    return (k && wasmWhere(k, cond, a, b, outDType)) ?? cpuBackend.where(cond, a, b, outDType);
  },
  logSoftmax(x: View): BackendBuffer | null {
    const k = getKernels();
    return (k && wasmLogSoftmax(k, x)) ?? cpuBackend.logSoftmax?.(x) ?? null;
  },
  lstmCell(xg: View, hg: View, c: View) {
    const k = getKernels();
    return (k && wasmLstmCell(k, xg, hg, c)) ?? cpuBackend.lstmCell?.(xg, hg, c) ?? null;
  },
  gruCell(xg: View, hg: View, h: View) {
    const k = getKernels();
    return (k && wasmGruCell(k, xg, hg, h)) ?? cpuBackend.gruCell?.(xg, hg, h) ?? null;
  },
  reduce(op: ReduceOp, x: View, axes: readonly number[], outDType: DType): BackendBuffer {
    const k = getKernels();
    return (k && wasmReduce(k, op, x, axes, outDType)) ?? cpuBackend.reduce(op, x, axes, outDType);
  },
  matmul(a: View, b: View, outDType: DType): BackendBuffer {
    const k = getKernels();
    return (k && wasmMatmul(k, a, b, outDType)) ?? cpuBackend.matmul(a, b, outDType);
  },
  addmm(a: View, b: View, bias: View, outDType: DType): BackendBuffer | null {
    const k = getKernels();
    return (k && wasmMatmul(k, a, b, outDType, bias)) ?? cpuBackend.addmm?.(a, b, bias, outDType) ?? null;
  },
  conv2d(x: View, w: View, g: ConvGeometry, bias?: View | null): BackendBuffer | null {
    const k = getKernels();
    return k && wasmConv2d(k, x, w, g, bias ?? null);
  },
  conv2dInputGrad(gy: View, w: View, g: ConvGeometry, inputShape: readonly number[]): BackendBuffer | null {
    const k = getKernels();
    return k && wasmConv2dInputGrad(k, gy, w, g, inputShape);
  },
  conv2dWeightGrad(gy: View, x: View, g: ConvGeometry, weightShape: readonly number[]): BackendBuffer | null {
    const k = getKernels();
    return k && wasmConv2dWeightGrad(k, gy, x, g, weightShape);
  },
  maxPool2d(x: View, g: PoolGeometry) {
    const k = getKernels();
    return k && wasmMaxPool2d(k, x, g);
  },
  reluBackward(y: View, g: View): BackendBuffer | null {
    const k = getKernels();
    return k && wasmReluBackward(k, y, g);
  },
  maxPool2dBackward(gy: View, idx: Int32Array, inputShape: readonly number[]): BackendBuffer | null {
    const k = getKernels();
    return k && wasmMaxPool2dBackward(k, gy, idx, inputShape);
  },
  adadelta(p: View, g: View, s: View, a: View, o: AdadeltaHyper): boolean {
    const k = getKernels();
    // The kernel takes float32; float64 (and a missing module) take the CPU's loops.
    return (k !== null && wasmAdadelta(k, p, g, s, a, o)) || cpuBackend.adadelta?.(p, g, s, a, o) === true;
  },
  axpy(dst: View, x: View, alpha: number): boolean {
    const k = getKernels();
    return k === null ? cpuBackend.axpy?.(dst, x, alpha) === true : wasmAxpy(k, dst, x, alpha);
  },
};

export { kernelVariant, loadKernels, variantSupported } from "./module.js";
export { getNumThreads, setNumThreads } from "./threads.js";
export { thresholds } from "./thresholds.js";
