import type { CallForm } from "../arity.js";

// How each Tensor method with a fixed list of arguments may be called (`self` not listed): its positional
// parameters, then after `;` the keyword-only options of its options object. tensor.ts installs them once with
// `installCallForms`, so `x.exp(5)` or `x.sum(0, true, "junk")` throws an ArgumentError instead of ignoring the extra.
// Not listed, because they check their own arguments: methods that read a `Signature` (var, std, nansum, nanmean,
// mode, rot90, sort, argsort, topk, newZeros, newOnes, newEmpty) and PyTorch's variadic ones, whose every
// argument is a size, dim or index part (view, reshape, permute, expand, repeat, tile, get).

const NONE = "";
const OTHER = "other";
const DIM_KEEPDIM = "dim, keepdim";
const CREATION = "dtype, requiresGrad, device";

const noArgs = (names: readonly string[]): Record<string, CallForm> => Object.fromEntries(names.map((n) => [n, NONE]));

/** Every fixed-arity public Tensor method's call form. */
export const METHOD_FORMS: Readonly<Record<string, CallForm>> = {
  ...noArgs(["cpu", "cpuAsync", "float", "double", "int", "bool", "t", "contiguous", "clone", "detach", "zero_"]),
  ...noArgs(["logicalNot", "neg", "abs", "sign", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "square"]),
  ...noArgs(["reciprocal", "sin", "cos", "tanh", "sigmoid", "relu", "erf", "floor", "ceil", "round"]),
  ...noArgs(["isnan", "isinf", "isfinite", "neg_", "abs_", "exp_", "log_", "sqrt_", "relu_", "sigmoid_", "tanh_"]),
  ...noArgs(["numel", "dim", "storageOffset", "isContiguous", "retainGrad", "item", "toArray", "tolist"]),
  ...noArgs(["toArrayAsync", "itemAsync", "tolistAsync", "toStringAsync", "toString"]),
  to: "target, dtype",
  toAsync: "target, dtype",
  // PyTorch's alpha is keyword-only: x.add(y, 2) is a TypeError there.
  add: "other; alpha",
  sub: "other; alpha",
  add_: "other; alpha",
  sub_: "other; alpha",
  div: "other; roundingMode",
  div_: "other; roundingMode",
  pow: "exponent",
  pow_: "exponent",
  ...Object.fromEntries(
    ["mul", "mul_", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr"].map((n) => [n, OTHER]),
  ),
  ...Object.fromEntries(
    ["matmul", "mm", "bmm", "dot", "outer", "kron", "viewAs", "reshapeAs", "expandAs", "typeAs"].map((n) => [n, OTHER]),
  ),
  clamp: "min, max",
  clamp_: "min, max",
  clip: "min, max",
  where: "condition, other",
  ...Object.fromEntries(
    ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "all", "any", "logsumexp"].map((n) => [n, DIM_KEEPDIM]),
  ),
  norm: "p, dim, keepdim",
  ...Object.fromEntries(["cumsum", "logcumsumexp", "cummax", "cummin", "softmax", "logSoftmax"].map((n) => [n, "dim"])),
  cross: "other, dim",
  transpose: "dim0, dim1",
  newFull: `size, fillValue; ${CREATION}`,
  newTensor: `data; ${CREATION}`,
  squeeze: "dim",
  unsqueeze: "dim",
  flatten: "startDim, endDim",
  unflatten: "dim, sizes",
  select: "dim, index",
  narrow: "dim, start, length",
  set: "index, value",
  gather: "dim, index",
  indexSelect: "dim, index",
  scatter: "dim, index, src",
  scatter_: "dim, index, src",
  scatterAdd: "dim, index, src",
  scatterAdd_: "dim, index, src",
  maskedFill: "mask, value",
  maskedFill_: "mask, value",
  split: "splitSize, dim",
  chunk: "chunks, dim",
  unbind: "dim",
  flip: "dims",
  tril: "diagonal",
  triu: "diagonal",
  addcmul_: "tensor1, tensor2; value",
  copy_: "src",
  fill_: "value",
  // generator is keyword-only in PyTorch
  uniform_: "from, to; generator",
  normal_: "mean, std; generator",
  size: "dim",
  stride: "dim",
  requiresGrad_: "requiresGrad",
  registerHook: "hook",
  backward: "gradient; retainGraph, createGraph",
};
