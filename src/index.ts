/**
 * tensorgrad: n-dimensional tensors and reverse-mode autodiff with PyTorch semantics, in TypeScript.
 *
 * @example
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([1, 2, 3], { requiresGrad: true });
 * x.square().sum().backward();
 * console.log(x.grad?.toString()); // tensor([2., 4., 6.])
 */

export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from "./autograd/grad_mode.js";
export * as autograd from "./autograd/index.js";
export type { Backend, BackendBuffer, DeviceType, View } from "./backend/backend.js";
export {
  getBackend,
  getDefaultDevice,
  getNumThreads,
  listBackends,
  registerBackend,
  setBackend,
  setDefaultDevice,
  setNumThreads,
} from "./backend/registry.js";
export * as data from "./data/index.js";
export { type AnyTypedArray, type DType, MAX_NUMEL, promoteTypes, resultType, type Scalar } from "./dtype.js";
export * from "./errors.js";
export { max, min, permute, reshape, transpose } from "./functional.js";
export * as io from "./io/index.js";
export * as linalg from "./linalg/index.js";
export * as nn from "./nn/index.js";
export * as onnx from "./onnx/index.js";
export { addcdiv, addcmul, addmm, baddbmm } from "./ops/addmm.js";
export {
  add,
  clamp,
  type DivOptions,
  div,
  eq,
  ge,
  gt,
  le,
  logicalAnd,
  logicalOr,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  pow,
  sub,
  where,
} from "./ops/binary.js";
export { allclose, equal, isclose } from "./ops/closeness.js";
export {
  arange,
  type CreationOptions,
  empty,
  emptyLike,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  type TensorData,
  tensor,
  zeros,
  zerosLike,
} from "./ops/creation.js";
export type { ToOptions, ToTarget } from "./ops/device.js";
export { cumprod, diag, diagonal, roll, trace } from "./ops/diagonal.js";
export { cdist, einsum } from "./ops/einsum.js";
export { gather, indexSelect, maskedFill, scatter, scatterAdd } from "./ops/indexing.js";
export { cat, chunk, flip, oneHot, repeat, split, stack, tile, tril, triu, unbind } from "./ops/join.js";
export { bmm, dot, matmul, mm, outer } from "./ops/linalg.js";
export { acos, asin, atan, atan2, clip, cosh, exp2, lerp, log2, log10, logaddexp, sinh, tan } from "./ops/math.js";
export { cross, cummax, cummin, kron, logcumsumexp, nanmean, nansum, rot90, tensordot } from "./ops/math_extra.js";
export { type PadMode, type PadOptions, pad } from "./ops/pad.js";
export {
  bernoulli,
  defaultGenerator,
  Generator,
  manualSeed,
  normal,
  type RandomOptions,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  randperm,
} from "./ops/random.js";
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  cumsum,
  type Dims,
  logsumexp,
  mean,
  type NormOrder,
  norm,
  prod,
  std,
  sum,
  type VarOptions,
  variance as var,
} from "./ops/reduce.js";
export { multinomial } from "./ops/sampling.js";
export { bucketize, histc, searchsorted } from "./ops/search.js";
export { type IndexItem, type Slice, slice } from "./ops/slicing.js";
export { argsort, kthvalue, median, sort, topk } from "./ops/sort.js";
export {
  abs,
  ceil,
  cos,
  erf,
  exp,
  expm1,
  floor,
  isfinite,
  isinf,
  isnan,
  log,
  log1p,
  logicalNot,
  neg,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  tanh,
} from "./ops/unary.js";
export { mode, nonzero, unique } from "./ops/unique.js";
export { clone, contiguous, detach, expand, flatten, narrow, select, squeeze, unflatten, unsqueeze, view } from "./ops/views.js";
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
