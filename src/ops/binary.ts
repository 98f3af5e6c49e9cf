import { record1 } from "../autograd/node.js";
import type { BinaryOp } from "../backend/backend.js";
import { type DType, isFloating, toFloating } from "../dtype.js";
import { DTypeError, ValueError } from "../errors.js";
import { broadcastShapes } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { zerosLike } from "./creation.js";
import { powScalar } from "./pow_scalar.js";
import { asTensor, backendOf, broadcastView, fromBuffer, requireBool, resultTypeOf, sameShape } from "./util.js";

/**
 * Broadcasts two operands and runs a binary kernel. Operands are first brought to the compute dtype
 * (scalars are made in it directly), so mixed-dtype math rounds like PyTorch's.
 */
function kernel(op: BinaryOp, a: TensorLike, b: TensorLike, computeDType: DType, outDType: DType = computeDType): [Tensor, Tensor, Tensor] {
  const backend = backendOf(op, a, b);
  const ta = asTensor(a, computeDType, backend);
  const tb = asTensor(b, computeDType, backend);
  // Same shapes (the usual case) need no broadcasting, nor does a 0-dim operand (a scalar): the output shares the other
  // operand's frozen shape.
  const shape =
    sameShape(ta.shape, tb.shape) || tb.ndim === 0
      ? ta.shape
      : ta.ndim === 0
        ? tb.shape
        : Object.freeze(broadcastShapes(op, ta.shape, tb.shape));
  const out = fromBuffer(backend.binary(op, broadcastView(ta, shape), broadcastView(tb, shape), outDType), shape, outDType, backend);
  return [out, ta, tb];
}

function arithmeticType(op: string, a: TensorLike, b: TensorLike): DType {
  const dtype = resultTypeOf(a, b);
  if (dtype === "bool") {
    throw new DTypeError(`${op}: not supported for two bool operands; use logicalOr/logicalAnd, or cast with .int()`);
  }
  return dtype;
}

// Integer ops that PyTorch rejects for some values need a look at those values (only on integer paths). A device that is
// only read asynchronously is not checked (as PyTorch's CUDA does not check integer division by zero).
const anyBelowZero = (x: TensorLike): boolean =>
  x instanceof Tensor ? !x._backend.asyncOnly && x.lt(0).any().item() === 1 : Number(x) < 0;
const anyZero = (x: TensorLike): boolean => (x instanceof Tensor ? !x._backend.asyncOnly && x.eq(0).any().item() === 1 : Number(x) === 0);

/** Inputs that are tensors, for recording (scalars take no gradient). */
const tensors = (a: TensorLike, b: TensorLike): (Tensor | null)[] => [a instanceof Tensor ? a : null, b instanceof Tensor ? b : null];

/** PyTorch's keyword-only `alpha` of add and sub (the scale of the second operand). */
export interface AlphaOptions {
  alpha?: number;
}

/**
 * a + alpha·b, broadcasting. d/da = 1, d/db = alpha.
 *
 * @example
 * tg.add(x, 1); x.add(y, { alpha: 2 }); // x + 2y
 */
export function add(a: TensorLike, b: TensorLike, options?: AlphaOptions): Tensor {
  const alpha = options?.alpha;
  if (alpha !== undefined && alpha !== 1) return add(a, mul(b, alpha));
  const [out] = kernel("add", a, b, arithmeticType("add", a, b));
  return record1("AddBackward0", out, tensors(a, b), (g, _, needs) => [needs[0] ? g : null, needs[1] ? g : null]);
}

/** a − alpha·b. d/da = 1, d/db = −alpha. */
export function sub(a: TensorLike, b: TensorLike, options?: AlphaOptions): Tensor {
  const alpha = options?.alpha;
  if (alpha !== undefined && alpha !== 1) return sub(a, mul(b, alpha));
  const [out] = kernel("sub", a, b, arithmeticType("sub", a, b));
  return record1("SubBackward0", out, tensors(a, b), (g, _, needs) => [needs[0] ? g : null, needs[1] ? g.neg() : null]);
}

/** a·b. d/da = b, d/db = a. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const dtype = resultTypeOf(a, b);
  const [out, ta, tb] = kernel("mul", a, b, dtype === "bool" ? "int32" : dtype, dtype);
  return record1("MulBackward0", out, tensors(a, b), (g, [ta, tb], needs) => [needs[0] ? g.mul(tb) : null, needs[1] ? g.mul(ta) : null], [
    ta,
    tb,
  ]);
}

export interface DivOptions {
  /** `"trunc"` rounds the quotient toward zero, `"floor"` down; both keep integer dtypes. */
  roundingMode?: "trunc" | "floor";
}

/** a / b, true division (integers give float32) unless `roundingMode` is set. d/da = 1/b, d/db = −a/b². */
export function div(a: TensorLike, b: TensorLike, options: DivOptions = {}): Tensor {
  const dtype = resultTypeOf(a, b);
  if (options.roundingMode) {
    const mode = options.roundingMode;
    if (!isFloating(dtype) && anyZero(b)) throw new ValueError("div: integer division by zero");
    // Integer quotients are computed in float64, exact for all int32 values; a device that is only read asynchronously
    // (WebGPU, which has no float64) computes them in float32, exact for magnitudes below 2^24.
    const computeDType = isFloating(dtype) ? dtype : backendOf("div", a, b).asyncOnly ? "float32" : "float64";
    const q = kernel(mode === "floor" ? "floorDivide" : "div", a, b, computeDType)[0];
    const rounded = mode === "floor" ? q : q.sign().mul(q.abs().floor());
    const out = rounded.to(dtype === "bool" ? "int32" : dtype).detach();
    // Like PyTorch, the result of a rounded division still requires grad, with a zero gradient.
    return record1("DivBackward1", out, tensors(a, b), (g) => [zerosLike(g), zerosLike(g)]);
  }
  const [out, ta, tb] = kernel("div", a, b, toFloating(dtype));
  return record1(
    "DivBackward0",
    out,
    tensors(a, b),
    (g, [ta, tb], needs) => [needs[0] ? g.div(tb) : null, needs[1] ? g.mul(ta).div(tb.square()).neg() : null],
    [ta, tb],
  );
}

/**
 * a^b. d/da = b·a^(b−1); d/db = a^b·ln a (taken as 0 where a = 0 and b ≥ 0, like PyTorch).
 *
 * @example
 * x.pow(2); tg.pow(2, x);
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  // A number exponent of a floating tensor: PyTorch's special cases (x·x for 2...) and gradient, see pow_scalar.ts.
  if (a instanceof Tensor && typeof b === "number" && isFloating(a.dtype)) return powScalar(a, b, (d) => kernel("pow", d, b, d.dtype)[0]);
  const dtype = arithmeticType("pow", a, b);
  if (!isFloating(dtype) && anyBelowZero(b)) throw new ValueError("pow: integers to negative integer powers are not allowed");
  const [out, ta, tb] = kernel("pow", a, b, dtype);
  return record1(
    "PowBackward1",
    out,
    tensors(a, b),
    (g, [ta, tb, y]) => {
      // Zero where the exponent is 0, like PyTorch (0·0^−1 would give NaN at a = 0).
      const ga = a instanceof Tensor ? where(tb.eq(0), 0, g.mul(tb).mul(ta.pow(tb.sub(1)))) : null;
      const gb = b instanceof Tensor ? g.mul(y.mul(ta.log()).maskedFill(ta.eq(0).logicalAnd(tb.ge(0)), 0)) : null;
      return [ga, gb];
    },
    [ta, tb, out],
  );
}

/**
 * Elementwise max, NaN-propagating. The gradient goes to the larger input; on ties it is split evenly.
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return extremum("maximum", a, b);
}

/** Elementwise min, NaN-propagating; gradient split evenly on ties. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return extremum("minimum", a, b);
}

function extremum(op: "maximum" | "minimum", a: TensorLike, b: TensorLike): Tensor {
  const [out, ta, tb] = kernel(op, a, b, arithmeticType(op, a, b));
  const name = op === "maximum" ? "MaximumBackward0" : "MinimumBackward0";
  return record1(
    name,
    out,
    tensors(a, b),
    (g, [ta, tb], needs) => {
      const aWins = op === "maximum" ? ta.gt(tb) : ta.lt(tb);
      const tie = ta.eq(tb);
      const split = where(tie, g.mul(0.5), 0);
      return [needs[0] ? where(aWins, g, split) : null, needs[1] ? where(aWins.logicalOr(tie), split, g) : null];
    },
    [ta, tb],
  );
}

/**
 * `condition ? a : b` elementwise, broadcasting all three. d/da = condition, d/db = !condition.
 *
 * @example
 * tg.where(x.gt(0), x, 0); // relu
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  requireBool(condition, "where");
  const dtype = resultTypeOf(a, b);
  const backend = backendOf("where", condition, a, b);
  const ta = asTensor(a, dtype, backend);
  const tb = asTensor(b, dtype, backend);
  const shape = broadcastShapes("where", condition.shape, ta.shape, tb.shape);
  const buf = backend.where(broadcastView(condition, shape), broadcastView(ta, shape), broadcastView(tb, shape), dtype);
  const out = fromBuffer(buf, shape, dtype, backend);
  return record1(
    "WhereBackward0",
    out,
    tensors(a, b),
    // A scalar 0 is broadcast in place by the kernel: no zeros tensor is made.
    (g, [c], needs) => [needs[0] ? where(c, g, 0) : null, needs[1] ? where(c, 0, g) : null],
    [condition],
  );
}

/**
 * Limits values to [min, max] (either may be omitted); NaN stays NaN. The gradient passes where
 * min ≤ x ≤ max and goes to a tensor bound where it clamps.
 *
 * @example
 * x.clamp(0, 1); x.clamp(null, 6);
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new DTypeError("clamp: at least one of min and max must be given");
  }
  let y = x;
  if (min !== undefined && min !== null) y = where(y.lt(min), min, y);
  if (max !== undefined && max !== null) y = where(y.gt(max), max, y);
  return y;
}

function comparison(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  return kernel(op, a, b, resultTypeOf(a, b), "bool")[0];
}

/** a == b (bool). */
export const eq = (a: TensorLike, b: TensorLike): Tensor => comparison("eq", a, b);
/** a != b (bool). */
export const ne = (a: TensorLike, b: TensorLike): Tensor => comparison("ne", a, b);
/** a < b (bool). */
export const lt = (a: TensorLike, b: TensorLike): Tensor => comparison("lt", a, b);
/** a <= b (bool). */
export const le = (a: TensorLike, b: TensorLike): Tensor => comparison("le", a, b);
/** a > b (bool). */
export const gt = (a: TensorLike, b: TensorLike): Tensor => comparison("gt", a, b);
/** a >= b (bool). */
export const ge = (a: TensorLike, b: TensorLike): Tensor => comparison("ge", a, b);
/** Elementwise AND of truthiness (bool). */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => kernel("logicalAnd", a, b, resultTypeOf(a, b), "bool")[0];
/** Elementwise OR of truthiness (bool). */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => kernel("logicalOr", a, b, resultTypeOf(a, b), "bool")[0];
