import { type Args, arg, describe, is, kw, required, signature } from "../args.js";
import { record1 } from "../autograd/node.js";
import type { ReduceOp } from "../backend/backend.js";
import { type DType, isFloating } from "../dtype.js";
import { ArgumentError, DTypeError, ValueError } from "../errors.js";
import { fmt, normalizeDim, normalizeDims } from "../shape.js";
import type { Tensor, ValuesIndices } from "../tensor/tensor.js";
import { where } from "./binary.js";
import { fromBuffer, requireFloat } from "./util.js";

/** One dim, several dims, or (undefined) all of them. Negative dims count from the end. */
export type Dims = number | readonly number[];

export interface VarOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction, 0 the population value. */
  correction?: number;
  /** PyTorch's older form of `correction`: true is 1, false is 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

const varSignature = (fn: string) =>
  signature(fn, {
    input: required(is.tensor),
    dim: arg(is.nullable(is.intOrInts), null),
    unbiased: arg(is.nullable(is.boolean), null),
    keepdim: arg(is.boolean, false),
    correction: kw(is.nullable(is.numberWhere("a non-negative number", (v) => v >= 0)), null),
  });
const VAR = varSignature("var");
const STD = varSignature("std");

/** var/std's arguments: PyTorch's `(dim, unbiased, keepdim)` or `(unbiased)` positionally, or the options. */
export type VarArgs = [dim?: Dims | boolean | null, ...rest: Args<[unbiased: boolean, keepdim: boolean], VarOptions>];

function parseVar(fn: "var" | "std", x: Tensor, args: VarArgs): { dim: Dims | undefined; correction: number; keepdim: boolean } {
  // x.var(false) is PyTorch's var(unbiased=False) over every element.
  const list: unknown[] = typeof args[0] === "boolean" ? [x, null, ...args] : [x, ...args];
  const a = (fn === "var" ? VAR : STD).parse(list);
  if (a.unbiased !== null && a.correction !== null) {
    throw new ValueError(`${fn}: give either unbiased or correction, not both (unbiased=${a.unbiased}, correction=${a.correction})`);
  }
  const correction = a.correction ?? (a.unbiased === false ? 0 : 1);
  return { dim: a.dim ?? undefined, correction, keepdim: a.keepdim };
}

/** `p` of `norm`: a number, `Infinity`/`-Infinity`, or `"fro"` (= 2). */
export type NormOrder = number | "fro";

/** The shape after reducing the sorted `axes`; frozen (a fresh array), so the result tensor takes it without a copy. */
function outShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): readonly number[] {
  const out: number[] = [];
  for (let d = 0, a = 0; d < shape.length; d++) {
    if (axes[a] === d) {
      a++;
      if (keepdim) out.push(1);
    } else out.push(shape[d]);
  }
  return Object.freeze(out);
}

function kernel(op: ReduceOp, x: Tensor, axes: number[], keepdim: boolean, outDType: DType): Tensor {
  const buf = x._backend.reduce(op, x._view, axes, outDType);
  return fromBuffer(buf, outShape(x.shape, axes, keepdim), outDType, x._backend);
}

/** Puts back the reduced dims as size 1 and broadcasts a reduced tensor to the input's shape. */
function expandBack(t: Tensor, shape: readonly number[], axes: readonly number[], keepdim: boolean): Tensor {
  let r = t;
  // Reduced leading dims (all of them for a full sum) come back through expand alone, which adds leading dims.
  let leading = true;
  for (let i = 0; i < axes.length; i++) leading &&= axes[i] === i;
  if (!keepdim && !leading) for (const a of axes) r = r.unsqueeze(a);
  return r.expand(shape);
}

/**
 * Sum over `dim` (all dims when omitted). Integers and bools sum to int32. d/dx = 1, broadcast back.
 *
 * @example
 * x.sum(); x.sum(1); x.sum([0, 2], true);
 */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normalizeDims(dim, x.ndim, "sum");
  const out = kernel("sum", x, axes, keepdim, isFloating(x.dtype) ? x.dtype : "int32");
  const shape = x.shape;
  return record1(dim === undefined ? "SumBackward0" : "SumBackward1", out, [x], (g) => [expandBack(g, shape, axes, keepdim)]);
}

/** Mean over `dim` (all when omitted); floats only, as in PyTorch. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  requireFloat(x, "mean");
  const axes = normalizeDims(dim, x.ndim, "mean");
  let n = 1;
  for (const a of axes) n *= x.shape[a];
  return sum(x, dim, keepdim).div(n);
}

/**
 * Product over `dim`. The gradient is the product of the other elements, computed without dividing by
 * zero: where x = 0 it is the product of the rest when that element is the only zero, else 0.
 */
export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const axes = normalizeDims(dim, x.ndim, "prod");
  const out = kernel("prod", x, axes, keepdim, isFloating(x.dtype) ? x.dtype : "int32");
  const shape = x.shape;
  return record1(
    dim === undefined ? "ProdBackward0" : "ProdBackward1",
    out,
    [x],
    (g, [x, y]) => {
      const isZero = x.eq(0);
      const others = prod(where(isZero, 1, x), axes, true);
      const zeros = isZero.sum(axes, true);
      // With two zeros the value is 0 but, for double backward, its derivative in the other zero is `others`:
      // (sum of the zeros − x) is 0 with that derivative. With three or more, every second derivative is 0.
      const otherZero = where(isZero, x, 0).sum(axes, true).sub(x);
      const atZero = where(zeros.eq(1), others, where(zeros.eq(2), others.mul(otherZero), 0));
      // y / x with x = 1 where x = 0: that branch is not taken there, but 0/0 would make its double backward NaN.
      const local = where(isZero, expandBack(atZero, shape, axes, true), expandBack(y, shape, axes, keepdim).div(where(isZero, 1, x)));
      return [expandBack(g, shape, axes, keepdim).mul(local)];
    },
    [x, out],
  );
}

function extreme(op: "max" | "min", x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  const name = op === "max" ? "amax" : "amin";
  const axes = normalizeDims(dim, x.ndim, name);
  for (const a of axes) {
    if (x.shape[a] === 0) throw new ValueError(`${name}: cannot reduce over dim ${a} of size zero (shape ${fmt(x.shape)})`);
  }
  if (x.numel() === 0 && axes.length === 0 && x.ndim > 0) throw new ValueError(`${name}: expected a non-empty tensor`);
  const out = kernel(op, x, axes, keepdim, x.dtype);
  const shape = x.shape;
  const nodeName = op === "max" ? "AmaxBackward0" : "AminBackward0";
  return record1(
    nodeName,
    out,
    [x],
    (g, [x, y]) => {
      // Ties share the gradient evenly, as in PyTorch's amax/amin.
      const hits = x.eq(expandBack(y, shape, axes, keepdim));
      const count = hits.sum(axes, true);
      return [where(hits, expandBack(g, shape, axes, keepdim).div(expandBack(count, shape, axes, true)), 0)];
    },
    [x, out],
  );
}

/** Largest value over `dim` (all when omitted); ties share the gradient. */
export const amax = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extreme("max", x, dim, keepdim);
/** Smallest value over `dim` (all when omitted); ties share the gradient. */
export const amin = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extreme("min", x, dim, keepdim);

function argKernel(op: "argmax" | "argmin", x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (x.dtype === "bool") throw new DTypeError(`${op}: not implemented for bool tensors`);
  if (dim === undefined) {
    const flat = x.reshape([-1]);
    const idx = argKernel(op, flat, 0, false);
    return keepdim ? idx.reshape(x.shape.map(() => 1)) : idx;
  }
  const axis = normalizeDim(dim, x.ndim, op);
  if (x.ndim > 0 && x.shape[axis] === 0) throw new ValueError(`${op}: cannot take ${op} of an empty dim ${axis} (shape ${fmt(x.shape)})`);
  if (x.ndim === 0) return fromBuffer(new Int32Array(1), [], "int32", x._backend);
  const buf = x._backend.argReduce(op, x._view, axis);
  return fromBuffer(buf, outShape(x.shape, [axis], keepdim), "int32", x._backend);
}

/** Index of the largest value along `dim`, or in the flattened tensor (int32). */
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => argKernel("argmax", x, dim, keepdim);
/** Index of the smallest value along `dim`, or in the flattened tensor (int32). */
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => argKernel("argmin", x, dim, keepdim);

function valuesIndices(op: "argmax" | "argmin", x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const axis = normalizeDim(dim, x.ndim, op === "argmax" ? "max" : "min");
  if (x.ndim === 0) return { values: x.clone(), indices: argKernel(op, x, 0, keepdim) };
  const indices = argKernel(op, x, axis, true);
  // The values are gathered, so gradients flow to exactly the chosen elements.
  const values = x.gather(axis, indices);
  return keepdim ? { values, indices } : { values: values.squeeze(axis), indices: indices.squeeze(axis) };
}

/** Max along `dim`: `{values, indices}`. */
export const maxDim = (x: Tensor, dim: number, keepdim = false): ValuesIndices => valuesIndices("argmax", x, dim, keepdim);
/** Min along `dim`: `{values, indices}`. */
export const minDim = (x: Tensor, dim: number, keepdim = false): ValuesIndices => valuesIndices("argmin", x, dim, keepdim);

/**
 * Variance over `dim` with `correction` (default 1, the unbiased estimate), like torch.var.
 *
 * @example
 * x.var(); x.var(0, { correction: 0, keepdim: true });
 * x.var(0, false); // PyTorch's unbiased=False: the population variance
 */
export function variance(x: Tensor, ...args: VarArgs): Tensor {
  requireFloat(x, "var");
  const { dim, correction, keepdim } = parseVar("var", x, args);
  const axes = normalizeDims(dim, x.ndim, "var");
  let n = 1;
  for (const a of axes) n *= x.shape[a];
  const centered = x.sub(x.mean(axes, true));
  return centered
    .square()
    .sum(axes, keepdim)
    .div(Math.max(0, n - correction));
}

/** Standard deviation: the square root of `var` with the same options. */
export function std(x: Tensor, ...args: VarArgs): Tensor {
  const { dim, correction, keepdim } = parseVar("std", x, args);
  return variance(x, dim, { correction, keepdim }).sqrt();
}

/**
 * log Σ exp(x) over `dim`, computed stably by subtracting the max first.
 *
 * @example
 * logits.logsumexp(-1);
 */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  requireFloat(x, "logsumexp");
  const axes = normalizeDims(dim, x.ndim, "logsumexp");
  if (x.numel() === 0) return x.exp().sum(axes, keepdim).log();
  const m = x.amax(axes, true).detach();
  const shift = where(m.isfinite(), m, 0);
  const out = x.sub(shift).exp().sum(axes, true).log().add(shift);
  return keepdim ? out : out.squeeze(axes);
}

/**
 * log softmax along `dim`: x − logsumexp(x, dim). Along the last dim, where the backend has the fused kernel, it is one
 * pass and one autograd node (LogSoftmaxBackward0, whose gradient is g − softmax(x)·Σg); elsewhere it is composed.
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  requireFloat(x, "logSoftmax");
  const d = normalizeDim(dim, x.ndim, "logSoftmax");
  const fused = x.ndim > 0 && d === x.ndim - 1 ? x._backend.logSoftmax?.(x._view) : null;
  if (!fused) return x.sub(x.logsumexp(d, true));
  const out = fromBuffer(fused, x.shape, x.dtype, x._backend);
  return record1("LogSoftmaxBackward0", out, [x], (g, [y]) => [g.sub(y.exp().mul(g.sum(d, true)))], [out]);
}

/**
 * The p-norm over `dim` (all elements when omitted): (Σ|x|^p)^(1/p); `Infinity` is max |x|, 0 counts
 * non-zeros. The gradient at a zero norm is 0, as in PyTorch.
 *
 * @example
 * x.norm(); x.norm(1, -1);
 */
export function norm(x: Tensor, p: NormOrder = 2, dim?: Dims, keepdim = false): Tensor {
  requireFloat(x, "norm");
  if (typeof p !== "number" && p !== "fro") {
    throw new ArgumentError(
      "norm",
      "p",
      'a number or "fro"',
      `norm: p must be a number or "fro", got ${describe(p)}; the arguments are positional: norm(p, dim, keepdim)`,
    );
  }
  const order = p === "fro" ? 2 : p;
  const axes = normalizeDims(dim, x.ndim, "norm");
  if (order === Infinity) return x.abs().amax(axes, keepdim);
  if (order === -Infinity) return x.abs().amin(axes, keepdim);
  // The count of non-zeros is flat: adding x·0 gives it PyTorch's zero gradient instead of none.
  if (order === 0) return x.ne(0).to(x.dtype).sum(axes, keepdim).add(x.mul(0).sum(axes, keepdim));
  if (order === 1) return x.abs().sum(axes, keepdim);
  const out = kernelNorm(x, order, axes, keepdim);
  const shape = x.shape;
  return record1(
    "NormBackward1",
    out,
    [x],
    (g, [x, y]) => {
      // d/dx (Σ|x|^p)^(1/p) = x·|x|^(p−2) / y^(p−1), taken as 0 where y = 0.
      const yb = expandBack(y, shape, axes, keepdim);
      const local = order === 2 ? x.div(yb) : x.mul(x.abs().pow(order - 2)).div(yb.pow(order - 1));
      return [where(yb.eq(0), 0, expandBack(g, shape, axes, keepdim).mul(local))];
    },
    [x, out],
  );
}

function kernelNorm(x: Tensor, p: number, axes: number[], keepdim: boolean): Tensor {
  const pow = p === 2 ? x.detach().square() : x.detach().abs().pow(p);
  return pow
    .sum(axes, keepdim)
    .pow(1 / p)
    .detach();
}

/** True where some element over `dim` is non-zero (bool); false over an empty dim. */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const b = x.dtype === "bool" ? x : x.ne(0);
  // The max of an empty run is −Inf, which int32 stores as 0: false, as it should be.
  return kernel("max", b, normalizeDims(dim, x.ndim, "any"), keepdim, "int32").gt(0);
}

/** True where every element over `dim` is non-zero (bool); true over an empty dim. */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return any(x.dtype === "bool" ? x.logicalNot() : x.eq(0), dim, keepdim).logicalNot();
}

/**
 * Running sum along `dim`. d/dx is the reversed running sum of the gradient.
 *
 * @example
 * tg.tensor([1, 2, 3]).cumsum(0); // tensor([1., 3., 6.])
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  const axis = normalizeDim(dim, x.ndim, "cumsum");
  const dtype = isFloating(x.dtype) ? x.dtype : "int32";
  if (x.ndim === 0) return x.to(dtype).clone();
  const out = fromBuffer(x._backend.cumsum(x._view, axis, dtype), x.shape, dtype, x._backend);
  return record1("CumsumBackward0", out, [x], (g) => [g.flip(axis).cumsum(axis).flip(axis)]);
}
