import { type AnyTypedArray, type DType, typedArrayFor } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { BinaryOp, UnaryOp, View } from "../backend.js";
import { erf, floorDivide, roundHalfEven, sigmoid } from "./scalar_math.js";
import { materialize } from "./strided.js";

// Each op gets its own loop so that the engine compiles a tight, monomorphic body: no call per element.

export function unary(op: UnaryOp, v: View, outDType: DType): AnyTypedArray {
  const x = materialize(v);
  const n = x.length;
  const o = typedArrayFor(outDType, n);
  switch (op) {
    case "neg":
      for (let i = 0; i < n; i++) o[i] = -x[i];
      break;
    case "abs":
      for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]);
      break;
    case "sign":
      for (let i = 0; i < n; i++) o[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i] === 0 ? 0 : x[i];
      break;
    case "exp":
      for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]);
      break;
    case "log":
      for (let i = 0; i < n; i++) o[i] = Math.log(x[i]);
      break;
    case "log1p":
      for (let i = 0; i < n; i++) o[i] = Math.log1p(x[i]);
      break;
    case "expm1":
      for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]);
      break;
    case "sqrt":
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]);
      break;
    case "rsqrt":
      for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]);
      break;
    case "square":
      for (let i = 0; i < n; i++) o[i] = x[i] * x[i];
      break;
    case "reciprocal":
      for (let i = 0; i < n; i++) o[i] = 1 / x[i];
      break;
    case "sin":
      for (let i = 0; i < n; i++) o[i] = Math.sin(x[i]);
      break;
    case "cos":
      for (let i = 0; i < n; i++) o[i] = Math.cos(x[i]);
      break;
    case "tanh":
      for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]);
      break;
    case "sigmoid":
      for (let i = 0; i < n; i++) o[i] = sigmoid(x[i]);
      break;
    case "relu":
      // Math.max propagates NaN, as torch.relu does.
      for (let i = 0; i < n; i++) o[i] = Math.max(x[i], 0);
      break;
    case "floor":
      for (let i = 0; i < n; i++) o[i] = Math.floor(x[i]);
      break;
    case "ceil":
      for (let i = 0; i < n; i++) o[i] = Math.ceil(x[i]);
      break;
    case "round":
      for (let i = 0; i < n; i++) o[i] = roundHalfEven(x[i]);
      break;
    case "erf":
      for (let i = 0; i < n; i++) o[i] = erf(x[i]);
      break;
    case "logicalNot":
      for (let i = 0; i < n; i++) o[i] = x[i] === 0 ? 1 : 0;
      break;
    case "isnan":
      for (let i = 0; i < n; i++) o[i] = Number.isNaN(x[i]) ? 1 : 0;
      break;
    case "isinf":
      for (let i = 0; i < n; i++) o[i] = x[i] === Infinity || x[i] === -Infinity ? 1 : 0;
      break;
  }
  return o;
}

export function binary(op: BinaryOp, av: View, bv: View, outDType: DType): AnyTypedArray {
  const a = materialize(av);
  const b = materialize(bv);
  const n = numel(av.shape);
  const o = typedArrayFor(outDType, n);
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) o[i] = a[i] + b[i];
      break;
    case "sub":
      for (let i = 0; i < n; i++) o[i] = a[i] - b[i];
      break;
    case "mul":
      for (let i = 0; i < n; i++) o[i] = a[i] * b[i];
      break;
    case "div":
      for (let i = 0; i < n; i++) o[i] = a[i] / b[i];
      break;
    case "floorDivide":
      for (let i = 0; i < n; i++) o[i] = floorDivide(a[i], b[i]);
      break;
    case "pow":
      for (let i = 0; i < n; i++) o[i] = a[i] ** b[i];
      break;
    case "maximum":
      for (let i = 0; i < n; i++) o[i] = Math.max(a[i], b[i]);
      break;
    case "minimum":
      for (let i = 0; i < n; i++) o[i] = Math.min(a[i], b[i]);
      break;
    case "eq":
      for (let i = 0; i < n; i++) o[i] = a[i] === b[i] ? 1 : 0;
      break;
    case "ne":
      for (let i = 0; i < n; i++) o[i] = a[i] !== b[i] ? 1 : 0;
      break;
    case "lt":
      for (let i = 0; i < n; i++) o[i] = a[i] < b[i] ? 1 : 0;
      break;
    case "le":
      for (let i = 0; i < n; i++) o[i] = a[i] <= b[i] ? 1 : 0;
      break;
    case "gt":
      for (let i = 0; i < n; i++) o[i] = a[i] > b[i] ? 1 : 0;
      break;
    case "ge":
      for (let i = 0; i < n; i++) o[i] = a[i] >= b[i] ? 1 : 0;
      break;
    case "logicalAnd":
      for (let i = 0; i < n; i++) o[i] = a[i] !== 0 && b[i] !== 0 ? 1 : 0;
      break;
    case "logicalOr":
      for (let i = 0; i < n; i++) o[i] = a[i] !== 0 || b[i] !== 0 ? 1 : 0;
      break;
  }
  return o;
}

export function where(cv: View, av: View, bv: View, outDType: DType): AnyTypedArray {
  const c = materialize(cv);
  const a = materialize(av);
  const b = materialize(bv);
  const n = c.length;
  const o = typedArrayFor(outDType, n);
  for (let i = 0; i < n; i++) o[i] = c[i] !== 0 ? a[i] : b[i];
  return o;
}
