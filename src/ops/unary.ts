import { isGradEnabled } from "../autograd/grad_mode.js";
import { record1 } from "../autograd/node.js";
import type { UnaryOp } from "../backend/backend.js";
import { type DType, isFloating, toFloating } from "../dtype.js";
import { DTypeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { sub, where } from "./binary.js";
import { zerosLike } from "./creation.js";
import { fromBuffer } from "./util.js";

/** Runs a unary kernel; `float` ops (exp, sqrt...) turn integer inputs into float32 like PyTorch. */
function kernel(op: UnaryOp, x: Tensor, outDType: DType = x.dtype): Tensor {
  return fromBuffer(x._backend.unary(op, x._view, outDType), x.shape, outDType, x._backend);
}

const floatOut = (op: UnaryOp, x: Tensor): Tensor => kernel(op, x, toFloating(x.dtype));

function numeric(x: Tensor, op: string): void {
  if (x.dtype === "bool") throw new DTypeError(`${op}: not supported for bool tensors; use logicalNot() or cast with .int()`);
}

// Each op: the forward kernel, then the backward rule as tensor ops (so it is itself differentiable).

/** -x */
export function neg(x: Tensor): Tensor {
  numeric(x, "neg");
  return record1("NegBackward0", kernel("neg", x), [x], (g) => [g.neg()]);
}

/** |x|; d/dx = sign(x) */
export function abs(x: Tensor): Tensor {
  numeric(x, "abs");
  return record1("AbsBackward0", kernel("abs", x), [x], (g, [x]) => [g.mul(x.sign())], [x]);
}

/** −1, 0 or 1; its gradient is zero everywhere. */
export function sign(x: Tensor): Tensor {
  numeric(x, "sign");
  return record1("SignBackward0", kernel("sign", x), [x], (g) => [zerosLike(g)]);
}

/** e^x; d/dx = e^x */
export function exp(x: Tensor): Tensor {
  const y = floatOut("exp", x);
  return record1("ExpBackward0", y, [x], (g, [y]) => [g.mul(y)], [y]);
}

/** ln x; d/dx = 1/x */
export function log(x: Tensor): Tensor {
  return record1("LogBackward0", floatOut("log", x), [x], (g, [x]) => [g.div(x)], [x]);
}

/** ln(1 + x), accurate near 0; d/dx = 1/(1 + x) */
export function log1p(x: Tensor): Tensor {
  return record1("Log1PBackward0", floatOut("log1p", x), [x], (g, [x]) => [g.div(x.add(1))], [x]);
}

/** e^x − 1, accurate near 0; d/dx = e^x = y + 1 */
export function expm1(x: Tensor): Tensor {
  const y = floatOut("expm1", x);
  return record1("Expm1Backward0", y, [x], (g, [y]) => [g.mul(y.add(1))], [y]);
}

/** √x; d/dx = 1/(2√x) */
export function sqrt(x: Tensor): Tensor {
  const y = floatOut("sqrt", x);
  return record1("SqrtBackward0", y, [x], (g, [y]) => [g.div(y.mul(2))], [y]);
}

/** 1/√x; d/dx = −½·x^(−3/2) = −½·y³ */
export function rsqrt(x: Tensor): Tensor {
  const y = floatOut("rsqrt", x);
  return record1("RsqrtBackward0", y, [x], (g, [y]) => [g.mul(y.pow(3)).mul(-0.5)], [y]);
}

/** x²; d/dx = 2x */
export function square(x: Tensor): Tensor {
  numeric(x, "square");
  return record1("PowBackward0", kernel("square", x), [x], (g, [x]) => [g.mul(x).mul(2)], [x]);
}

/** 1/x; d/dx = −1/x² = −y² */
export function reciprocal(x: Tensor): Tensor {
  const y = floatOut("reciprocal", x);
  return record1("ReciprocalBackward0", y, [x], (g, [y]) => [g.mul(y.square()).neg()], [y]);
}

/** sin x; d/dx = cos x */
export function sin(x: Tensor): Tensor {
  return record1("SinBackward0", floatOut("sin", x), [x], (g, [x]) => [g.mul(x.cos())], [x]);
}

/** cos x; d/dx = −sin x */
export function cos(x: Tensor): Tensor {
  return record1("CosBackward0", floatOut("cos", x), [x], (g, [x]) => [g.mul(x.sin()).neg()], [x]);
}

/** tanh x; d/dx = 1 − tanh² x */
export function tanh(x: Tensor): Tensor {
  const y = floatOut("tanh", x);
  // 1 − y² as one subtraction (the same bits as −y² + 1, one op less).
  return record1("TanhBackward0", y, [x], (g, [y]) => [g.mul(sub(1, y.square()))], [y]);
}

/** 1/(1 + e^−x); d/dx = σ(x)(1 − σ(x)) */
export function sigmoid(x: Tensor): Tensor {
  const y = floatOut("sigmoid", x);
  return record1("SigmoidBackward0", y, [x], (g, [y]) => [g.mul(y).mul(sub(1, y))], [y]);
}

/** ReLU's backward on the backend's fused kernel, or null (then composed from le and where). */
function reluBackwardFused(y: Tensor, g: Tensor): Tensor | null {
  if (isGradEnabled() || g.dtype !== y.dtype || g._backend !== y._backend) return null;
  const out = y._backend.reluBackward?.(y._view, g._view) ?? null;
  return out === null ? null : fromBuffer(out, y.shape, y.dtype, y._backend);
}

/** max(x, 0); d/dx = 1 where x > 0, else 0 (0 at 0, like PyTorch). */
export function relu(x: Tensor): Tensor {
  numeric(x, "relu");
  const y = kernel("relu", x);
  // PyTorch's threshold_backward: exactly 0 where y <= 0 (even for an infinite g), g elsewhere, NaN included; in one
  // pass on the backend's kernel where it has one (not under create_graph, which needs the differentiable form).
  return record1("ReluBackward0", y, [x], (g, [y]) => [reluBackwardFused(y, g) ?? where(y.le(0), 0, g)], [y]);
}

/** The error function; d/dx = 2/√π · e^(−x²) */
export function erf(x: Tensor): Tensor {
  return record1("ErfBackward0", floatOut("erf", x), [x], (g, [x]) => [g.mul(x.square().neg().exp()).mul(2 / Math.sqrt(Math.PI))], [x]);
}

function rounding(op: "floor" | "ceil" | "round", x: Tensor): Tensor {
  numeric(x, op);
  if (!isFloating(x.dtype)) return x.clone();
  const name = `${op[0].toUpperCase()}${op.slice(1)}Backward0`;
  return record1(name, kernel(op, x), [x], (g) => [zerosLike(g)]);
}

/** Rounds down; its gradient is zero. */
export const floor = (x: Tensor): Tensor => rounding("floor", x);
/** Rounds up; its gradient is zero. */
export const ceil = (x: Tensor): Tensor => rounding("ceil", x);
/** Rounds half to even, like torch.round; its gradient is zero. */
export const round = (x: Tensor): Tensor => rounding("round", x);

/** Elementwise NOT (bool result). */
export const logicalNot = (x: Tensor): Tensor => kernel("logicalNot", x, "bool");
/** Where x is NaN (bool result). */
export const isnan = (x: Tensor): Tensor => kernel("isnan", x, "bool");
/** Where x is ±Inf (bool result). */
export const isinf = (x: Tensor): Tensor => kernel("isinf", x, "bool");
/** Where x is neither NaN nor ±Inf (bool result). */
export const isfinite = (x: Tensor): Tensor =>
  kernel("isnan", x, "bool")
    .logicalOr(kernel("isinf", x, "bool"))
    .logicalNot();
