import { withCallForms } from "./arity.js";
import * as G from "./autograd/grad_mode.js";
import * as Reg from "./backend/registry.js";
import * as Dt from "./dtype.js";
import * as Fn from "./functional.js";
import * as B from "./ops/binary.js";
import * as C from "./ops/creation.js";
import * as I from "./ops/indexing.js";
import * as J from "./ops/join.js";
import * as L from "./ops/linalg.js";
import * as M from "./ops/math.js";
import * as Rn from "./ops/random.js";
import * as R from "./ops/reduce.js";
import * as S from "./ops/slicing.js";
import * as U from "./ops/unary.js";
import * as V from "./ops/views.js";

// The top-level functions with a fixed list of arguments, as exported by index.ts: each refuses an extra positional
// argument or an unknown option (`tg.exp(x, 5)` throws an ArgumentError) through its call form (src/arity.ts): its
// positional parameters in PyTorch's order, then after `;` the keyword-only options of its options object.
// Not here, because they check their own arguments (they read a `Signature`) or are variadic as in PyTorch: clip,
// var, std, the creation functions with sizes (zeros, ones, empty, rand, randn, randint, arange, linspace, eye), einsum
// (operands) and resultType (operands), and the ops of addmm, closeness, diagonal, einsum, math_extra, sampling,
// search, sort and unique.

const each = <K extends string>(form: string, names: readonly K[]): Record<K, string> =>
  Object.fromEntries(names.map((n) => [n, form])) as Record<K, string>;
const CREATION = "dtype, requiresGrad, device";
const RANDOM = `${CREATION}, generator`;

const UNARY = ["abs", "ceil", "cos", "erf", "exp", "expm1", "floor", "isfinite", "isinf", "isnan", "log", "log1p"] as const;
const UNARY2 = ["logicalNot", "neg", "reciprocal", "relu", "round", "rsqrt", "sigmoid", "sign", "sin", "sqrt", "square", "tanh"] as const;
export const { abs, ceil, cos, erf, exp, expm1, floor, isfinite, isinf, isnan, log, log1p } = withCallForms(U, each("input", UNARY));
export const { logicalNot, neg, reciprocal, relu, round, rsqrt, sigmoid, sign, sin, sqrt, square, tanh } = withCallForms(
  U,
  each("input", UNARY2),
);
export const { add, clamp, div, eq, ge, gt, le, logicalAnd, logicalOr, lt, maximum, minimum, mul, ne, pow, sub, where } = withCallForms(B, {
  ...each("input, other", ["eq", "ge", "gt", "le", "logicalAnd", "logicalOr", "lt", "maximum", "minimum", "mul", "ne"]),
  add: "input, other; alpha",
  sub: "input, other; alpha",
  div: "input, other; roundingMode",
  pow: "input, exponent",
  clamp: "input, min, max",
  where: "condition, input, other",
});
export const { acos, asin, atan, atan2, cosh, exp2, lerp, log2, log10, logaddexp, sinh, tan } = withCallForms(M, {
  ...each("input", ["acos", "asin", "atan", "cosh", "exp2", "log2", "log10", "sinh", "tan"]),
  atan2: "input, other",
  logaddexp: "input, other",
  lerp: "input, end, weight",
});
export const { all, amax, amin, any, argmax, argmin, cumsum, logsumexp, mean, norm, prod, sum } = withCallForms(R, {
  ...each("input, dim, keepdim", ["all", "amax", "amin", "any", "argmax", "argmin", "logsumexp", "mean", "prod", "sum"]),
  cumsum: "input, dim",
  norm: "input, p, dim, keepdim",
});
export const { max, min, permute, reshape, transpose } = withCallForms(Fn, {
  max: "input, dim, keepdim",
  min: "input, dim, keepdim",
  permute: "input, dims",
  reshape: "input, shape",
  transpose: "input, dim0, dim1",
});
export const { clone, contiguous, detach, expand, flatten, narrow, select, squeeze, unflatten, unsqueeze, view } = withCallForms(V, {
  ...each("input", ["clone", "contiguous", "detach"]),
  expand: "input, size",
  flatten: "input, startDim, endDim",
  narrow: "input, dim, start, length",
  select: "input, dim, index",
  squeeze: "input, dim",
  unflatten: "input, dim, sizes",
  unsqueeze: "input, dim",
  view: "input, shape",
});
export const { cat, chunk, flip, oneHot, repeat, split, stack, tile, tril, triu, unbind } = withCallForms(J, {
  cat: "tensors, dim",
  stack: "tensors, dim",
  chunk: "input, chunks, dim",
  split: "tensor, splitSize, dim",
  unbind: "input, dim",
  flip: "input, dims",
  repeat: "input, sizes",
  tile: "input, dims",
  tril: "input, diagonal",
  triu: "input, diagonal",
  oneHot: "tensor, numClasses",
});
export const { gather, indexSelect, maskedFill, scatter, scatterAdd } = withCallForms(I, {
  gather: "input, dim, index",
  indexSelect: "input, dim, index",
  maskedFill: "input, mask, value",
  scatter: "input, dim, index, src",
  scatterAdd: "input, dim, index, src",
});
export const { bmm, dot, matmul, mm, outer } = withCallForms(L, each("input, other", ["bmm", "dot", "matmul", "mm", "outer"]));
export const { emptyLike, full, fullLike, onesLike, tensor, zerosLike } = withCallForms(C, {
  ...each(`input; ${CREATION}`, ["emptyLike", "onesLike", "zerosLike"]),
  tensor: `data; ${CREATION}`,
  full: `size, fillValue; ${CREATION}`,
  fullLike: `input, fillValue; ${CREATION}`,
});
export const { bernoulli, manualSeed, normal, randLike, randnLike, randperm } = withCallForms(Rn, {
  bernoulli: `input, size; ${RANDOM}`,
  manualSeed: "seed",
  normal: `mean, std, size; ${RANDOM}`,
  randLike: `input; ${RANDOM}`,
  randnLike: `input; ${RANDOM}`,
  randperm: `n; ${RANDOM}`,
});
// noGrad, enableGrad and setGradEnabled check their arguments where they are defined (src/autograd/grad_mode.ts), so
// tg.noGrad is tg.autograd.noGrad; isGradEnabled, which every op calls, is wrapped here only.
export const { isGradEnabled } = withCallForms(G, { isGradEnabled: "" });
export const { getBackend, getDefaultDevice, getNumThreads, listBackends, registerBackend, setBackend } = withCallForms(Reg, {
  ...each("", ["getBackend", "getDefaultDevice", "getNumThreads", "listBackends"]),
  registerBackend: "backend",
  setBackend: "name",
});
export const { setDefaultDevice, setNumThreads } = withCallForms(Reg, { setDefaultDevice: "device", setNumThreads: "n" });
export const { promoteTypes } = withCallForms(Dt, { promoteTypes: "type1, type2" });
export const { slice } = withCallForms(S, { slice: "start, stop, step" });
