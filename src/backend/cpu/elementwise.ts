import { type AnyTypedArray, type DType, storageArrayFor } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { BinaryOp, UnaryOp, View } from "../backend.js";
import { erf, floorDivide, roundHalfEven, sigmoid } from "./scalar_math.js";
import { coalesceMany, data, materialize, viewIsContiguous } from "./strided.js";

// Each op gets its own loop so that the engine compiles a tight body: no call per element. Boolean results are stored
// as Number(test) rather than `test ? 1 : 0`: V8 compiles that without a branch, which a random mask would mispredict
// (comparisons and logicalNot run 2-3x faster on such masks).

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
      if (x instanceof Float32Array && o instanceof Float32Array) reluBits(int32s(x), int32s(o), n);
      // Math.max propagates NaN, as torch.relu does.
      else for (let i = 0; i < n; i++) o[i] = Math.max(x[i], 0);
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
    case "asin":
      for (let i = 0; i < n; i++) o[i] = Math.asin(x[i]);
      break;
    case "acos":
      for (let i = 0; i < n; i++) o[i] = Math.acos(x[i]);
      break;
    case "atan":
      for (let i = 0; i < n; i++) o[i] = Math.atan(x[i]);
      break;
    case "logicalNot":
      for (let i = 0; i < n; i++) o[i] = Number(x[i] === 0);
      break;
    case "isnan":
      for (let i = 0; i < n; i++) o[i] = Number(Number.isNaN(x[i]));
      break;
    case "isinf":
      for (let i = 0; i < n; i++) o[i] = Number(x[i] === Infinity || x[i] === -Infinity);
      break;
  }
  return o;
}

/**
 * float32 relu on the bits, without the branches of Math.max, which random signs mispredict half the time (3x faster):
 * a set sign bit clears the value (-0 too), unless it is a NaN, which passes as torch.relu lets it.
 */
function reluBits(x: Int32Array, o: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    o[i] = v & (~(v >> 31) | -Number((v & 0x7fffffff) > 0x7f800000));
  }
}

/** The same memory as 32-bit integers. */
const int32s = (x: AnyTypedArray): Int32Array => new Int32Array(x.buffer, x.byteOffset, x.length);

/**
 * Elementwise `op(a, b)` over two views of the output's shape, one innermost run at a time (see `forEachRun`): a
 * broadcast operand (stride 0) is read in place instead of being expanded first.
 */
export function binary(op: BinaryOp, av: View, bv: View, outDType: DType): AnyTypedArray {
  const n = numel(av.shape);
  const o = storageArrayFor(outDType, n);
  const a = data(av);
  const b = data(bv);
  const sa = flatStep(av);
  const sb = flatStep(bv);
  if (sa >= 0 && sb >= 0) {
    // The usual operands (dense, or a broadcast scalar) make one run: nothing to plan.
    binaryRow(op, a, av.offset, sa, b, bv.offset, sb, o, 0, n);
    return o;
  }
  const { shape, strides } = coalesceMany(av.shape, [av.strides, bv.strides]);
  const [s, t] = strides;
  if (shape.length === 2) {
    // A row or column broadcast (a bias added to every row): one run per row, walked here rather than through
    // forEachRun's callback, which costs as much as the arithmetic on rows this short.
    const inner = shape[1];
    for (let k = 0, ia = av.offset, ib = bv.offset; k < n; k += inner, ia += s[0], ib += t[0]) {
      binaryRow(op, a, ia, s[1], b, ib, t[1], o, k, k + inner);
    }
  } else if (shape.length === 1) binaryRow(op, a, av.offset, s[0], b, bv.offset, t[0], o, 0, n);
  else forEachRun([av, bv], (k, end, at, step) => binaryRow(op, a, at[0], step[0], b, at[1], step[1], o, k, end));
  return o;
}

/**
 * The step of a view that visits its elements in row-major order at one stride: 1 when it is contiguous, 0 when every
 * element is the same one (stride 0 in each dim of size > 1, a broadcast scalar); -1 otherwise.
 */
function flatStep(v: View): number {
  if (viewIsContiguous(v)) return 1;
  const { shape, strides } = v;
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1 && strides[d] !== 0) return -1;
  return 0;
}

/**
 * Walks views of one shape in row-major order, one innermost run at a time: `run(k, end, at, step)` covers output
 * elements k..end-1, view v starting at storage offset `at[v]` and moving `step[v]` per element. Dims are merged first
 * where every view allows it, so dense views make a single run and the outer dims advance like an odometer.
 */
export function forEachRun(
  views: readonly View[],
  run: (k: number, end: number, at: readonly number[], step: readonly number[]) => void,
): void {
  const n = numel(views[0].shape);
  if (n === 0) return;
  const at = views.map((v) => v.offset);
  const flat = views.map(flatStep);
  if (flat.every((s) => s >= 0)) {
    run(0, n, at, flat);
    return;
  }
  const { shape, strides } = coalesceMany(
    views[0].shape,
    views.map((v) => v.strides),
  );
  const nd = shape.length;
  const inner = nd === 0 ? 1 : shape[nd - 1];
  const step = strides.map((s) => (nd === 0 ? 0 : s[nd - 1]));
  const idx = new Array<number>(Math.max(nd, 1)).fill(0);
  for (let k = 0; k < n; k += inner) {
    run(k, k + inner, at, step);
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        for (let v = 0; v < at.length; v++) at[v] += strides[v][d];
        break;
      }
      for (let v = 0; v < at.length; v++) at[v] -= strides[v][d] * (shape[d] - 1);
      idx[d] = 0;
    }
  }
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
    case "atan2":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Math.atan2(a[ia], b[ib]);
      break;
    case "maximum":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Math.max(a[ia], b[ib]);
      break;
    case "minimum":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Math.min(a[ia], b[ib]);
      break;
    case "eq":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] === b[ib]);
      break;
    case "ne":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] !== b[ib]);
      break;
    case "lt":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] < b[ib]);
      break;
    case "le":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] <= b[ib]);
      break;
    case "gt":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] > b[ib]);
      break;
    case "ge":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] >= b[ib]);
      break;
    case "logicalAnd":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] !== 0 && b[ib] !== 0);
      break;
    case "logicalOr":
      for (let j = k; j < end; j++, ia += sa, ib += sb) o[j] = Number(a[ia] !== 0 || b[ib] !== 0);
      break;
  }
}

/** `cond ? a : b` over three views of the output's shape, reading broadcast operands in place (see `forEachRun`). */
export function where(cv: View, av: View, bv: View, outDType: DType): AnyTypedArray {
  const o = storageArrayFor(outDType, numel(cv.shape));
  const [c, a, b] = [data(cv), data(av), data(bv)];
  if ((outDType === "float32" || outDType === "int32") && av.dtype === outDType && bv.dtype === outDType && c instanceof Uint8Array) {
    const [ai, bi, oi] = [int32s(a), int32s(b), int32s(o)];
    forEachRun([cv, av, bv], (k, end, at, step) => whereBits(c, at[0], step[0], ai, at[1], step[1], bi, at[2], step[2], oi, k, end));
  } else {
    forEachRun([cv, av, bv], (k, end, at, step) => whereRow(c, at[0], step[0], a, at[1], step[1], b, at[2], step[2], o, k, end));
  }
  return o;
}

function whereRow(
  c: AnyTypedArray,
  ic: number,
  sc: number,
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
  for (let j = k; j < end; j++, ic += sc, ia += sa, ib += sb) o[j] = c[ic] !== 0 ? a[ia] : b[ib];
}

/**
 * `whereRow` for 4-byte elements (float32, int32), read as bits: each output is picked with a mask rather than a branch,
 * which a random condition (relu's backward) would mispredict half the time; twice as fast on such masks, and exact.
 */
function whereBits(
  c: Uint8Array,
  ic: number,
  sc: number,
  a: Int32Array,
  ia: number,
  sa: number,
  b: Int32Array,
  ib: number,
  sb: number,
  o: Int32Array,
  k: number,
  end: number,
): void {
  for (let j = k; j < end; j++, ic += sc, ia += sa, ib += sb) {
    const m = -Number(c[ic] !== 0);
    o[j] = (a[ia] & m) | (b[ib] & ~m);
  }
}
