// The WASM kernels' exports. Pointers are byte offsets into this module's memory, which the JS side manages as
// one growable scratch area above `heapBase()`; lengths and strides count float32 elements.

export { convBlock, convScratchFloats } from "./conv";
export { binary, reluBackward, unary } from "./elementwise";
export { gemm, gemmWorkSize } from "./matmul";
export { adadeltaStep, axpy } from "./optim";
export { maxPoolBackward, maxPoolPlanes } from "./pool";
export { reduceCols, reduceRows } from "./reduce";
export { gruCellRows, lstmCellRows } from "./rnn_cell";
export { compare, select } from "./select";
export { logSoftmaxRows } from "./softmax";

export function heapBase(): usize {
  return __heap_base;
}
