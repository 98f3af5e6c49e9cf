/**
 * tensorgrad: n-dimensional tensors and reverse-mode autodiff with PyTorch semantics, in TypeScript.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([1, 2, 3], { requiresGrad: true });
 * x.square().sum().backward();
 * console.log(x.grad?.toString()); // tensor([2., 4., 6.])
 */

export { enableGrad, noGrad, setGradEnabled } from "./autograd/grad_mode.js";
export * as autograd from "./autograd/index.js";
export type { Backend, BackendBuffer, DeviceType, View } from "./backend/backend.js";
export * as data from "./data/index.js";
export { type AnyTypedArray, type DType, MAX_NUMEL, resultType, type Scalar } from "./dtype.js";
export * from "./errors.js";
// Functions with a fixed list of arguments, refusing an extra one (src/arity.ts).
export * from "./function_forms.js";
export * as io from "./io/index.js";
export * as linalg from "./linalg/index.js";
export * as nn from "./nn/index.js";
export * as onnx from "./onnx/index.js";
export { addcdiv, addcmul, addmm, baddbmm } from "./ops/addmm.js";
export type { AlphaOptions, DivOptions } from "./ops/binary.js";
export { allclose, equal, isclose } from "./ops/closeness.js";
export { arange, type CreationOptions, empty, eye, linspace, ones, type TensorData, zeros } from "./ops/creation.js";
export type { ToOptions, ToTarget } from "./ops/device.js";
export { cumprod, diag, diagonal, roll, trace } from "./ops/diagonal.js";
export { cdist, einsum } from "./ops/einsum.js";
export { clip } from "./ops/math.js";
export { cross, cummax, cummin, kron, logcumsumexp, nanmean, nansum, rot90, tensordot } from "./ops/math_extra.js";
export { type PadMode, type PadOptions, pad } from "./ops/pad.js";
export { defaultGenerator, Generator, type RandomOptions, rand, randint, randn } from "./ops/random.js";
export { type Dims, type NormOrder, std, type VarOptions, variance as var } from "./ops/reduce.js";
export { multinomial } from "./ops/sampling.js";
export { bucketize, histc, searchsorted } from "./ops/search.js";
export type { IndexItem, Slice } from "./ops/slicing.js";
export { argsort, kthvalue, median, sort, topk } from "./ops/sort.js";
export { mode, nonzero, unique } from "./ops/unique.js";
export * as optim from "./optim/index.js";
export {
  type NestedArray,
  type RemovableHandle,
  Tensor,
  type TensorBackwardOptions,
  type TensorLike,
  type ValuesIndices,
} from "./tensor/tensor.js";
export * as utils from "./utils/index.js";
export * as webgpu from "./webgpu.js";
