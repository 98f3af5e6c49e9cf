import { type AnyTypedArray, type DType, storageArrayFor } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { BinaryOp, UnaryOp, View } from "../backend.js";
import { erf, floorDivide, roundHalfEven, sigmoid } from "./scalar_math.js";
import { coalesceMany, data, materialize, viewIsContiguous } from "./strided.js";

// Each op gets its own loop so that the engine compiles a tight, monomorphic body: no call per element.

export function unary(op: UnaryOp, v: View, outDType: DType): AnyTypedArray {
  const x = materialize(v);
  const n = x.length;
  const o = storageArrayFor(outDType, n);
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

/**
 * Elementwise `op(a, b)` over two views of the output's shape. The dims are merged where both operands allow
 * it, then each run of the innermost dim is one tight loop that steps through `a` and `b` by their strides, so
 * a broadcast operand (stride 0) is read in place instead of being expanded first.
 */
export function binary(op: BinaryOp, av: View, bv: View, outDType: DType): AnyTypedArray {
  const n = numel(av.shape);
  const o = storageArrayFor(outDType, n);
  if (n === 0) return o;
  const a = data(av);
  const b = data(bv);
  if (viewIsContiguous(av) && viewIsContiguous(bv)) {
    // Both dense in row-major order (the usual case): one run, no odometer.
    binaryRow(op, a, av.offset, 1, b, bv.offset, 1, o, 0, n);
    return o;
  }
  const { shape, strides } = coalesceMany(av.shape, [av.strides, bv.strides]);
  const nd = shape.length;
  const inner = nd === 0 ? 1 : shape[nd - 1];
  const [sa, sb] = nd === 0 ? [0, 0] : [strides[0][nd - 1], strides[1][nd - 1]];
  const idx = new Array<number>(Math.max(nd, 1)).fill(0);
  let offA = av.offset;
  let offB = bv.offset;
  for (let k = 0; k < n; k += inner) {
    binaryRow(op, a, offA, sa, b, offB, sb, o, k, k + inner);
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        offA += strides[0][d];
        offB += strides[1][d];
        break;
      }
      offA -= strides[0][d] * (shape[d] - 1);
      offB -= strides[1][d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
  return o;
}

function binaryRow(
  op: BinaryOp,
  a: AnyTypedArray,
  ia: number,
  sa: number,
  b: AnyTypedArray,
  ib: number,
  sb: number,
  o: AnyTypedArray,
  k: number,
  end: number,
): void {
  switch (op) {
    case "add":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] + b[ib];
      break;
    case "sub":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] - b[ib];
      break;
    case "mul":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] * b[ib];
      break;
    case "div":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] / b[ib];
      break;
    case "floorDivide":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = floorDivide(a[ia], b[ib]);
      break;
    case "pow":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] ** b[ib];
      break;
    case "maximum":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Math.max(a[ia], b[ib]);
      break;
    case "minimum":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Math.min(a[ia], b[ib]);
      break;
    case "eq":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] === b[ib] ? 1 : 0;
      break;
    case "ne":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] !== b[ib] ? 1 : 0;
      break;
    case "lt":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] < b[ib] ? 1 : 0;
      break;
    case "le":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] <= b[ib] ? 1 : 0;
      break;
    case "gt":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] > b[ib] ? 1 : 0;
      break;
    case "ge":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] >= b[ib] ? 1 : 0;
      break;
    case "logicalAnd":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] !== 0 && b[ib] !== 0 ? 1 : 0;
      break;
    case "logicalOr":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = a[ia] !== 0 || b[ib] !== 0 ? 1 : 0;
      break;
  }
}

export function where(cv: View, av: View, bv: View, outDType: DType): AnyTypedArray {
  const c = materialize(cv);
  const a = materialize(av);
  const b = materialize(bv);
  const n = c.length;
  const o = storageArrayFor(outDType, n);
  for (let i = 0; i < n; i++) o[i] = c[i] !== 0 ? a[i] : b[i];
  return o;
}
