import { type Args, arg, is, required, signature } from "../args.js";
import { record1 } from "../autograd/node.js";
import { toFloating } from "../dtype.js";
import { broadcastShapes } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { clamp, maximum, where } from "./binary.js";
import { asTensor, backendOf, broadcastView, fromBuffer, resultTypeOf } from "./util.js";

// Elementwise functions PyTorch has beyond the core unary set: composed from core ops where an exact composition
// exists (so their gradients and second derivatives come from autograd), else a backend kernel (asin, acos, atan,
// atan2: JavaScript's Math on the CPU) with a backward rule written in tensor ops.

const LN2 = Math.LN2;
const LN10 = Math.LN10;

/** The float result of the unary kernel `op` over `x` (integer inputs give float32, as PyTorch's). */
function floatKernel(op: "asin" | "acos" | "atan", x: Tensor): Tensor {
  const dtype = toFloating(x.dtype);
  return fromBuffer(x._backend.unary(op, x._view, dtype), x.shape, dtype, x._backend);
}

const fl = (x: Tensor): Tensor => (x.dtype === "float32" || x.dtype === "float64" ? x : x.to(toFloating(x.dtype)));

/** tan x = sin x / cos x; d/dx = 1 + tan² x. */
export const tan = (x: Tensor): Tensor => fl(x).sin().div(fl(x).cos());

/** arcsin x (NaN outside [−1, 1]); d/dx = 1/√(1 − x²). */
export function asin(x: Tensor): Tensor {
  return record1("AsinBackward0", floatKernel("asin", x), [x], (g, [x]) => [g.mul(x.square().neg().add(1).rsqrt())], [x]);
}

/** arccos x (NaN outside [−1, 1]); d/dx = −1/√(1 − x²). */
export function acos(x: Tensor): Tensor {
  return record1("AcosBackward0", floatKernel("acos", x), [x], (g, [x]) => [g.mul(x.square().neg().add(1).rsqrt()).neg()], [x]);
}

/** arctan x; d/dx = 1/(1 + x²). */
export function atan(x: Tensor): Tensor {
  return record1("AtanBackward0", floatKernel("atan", x), [x], (g, [x]) => [g.div(x.square().add(1))], [x]);
}

/**
 * The angle of the point (x, y), elementwise with broadcasting, as `torch.atan2(input=y, other=x)`:
 * d/dy = x/(x² + y²), d/dx = −y/(x² + y²).
 */
export function atan2(y: TensorLike, x: TensorLike): Tensor {
  const backend = backendOf("atan2", y, x);
  const dtype = toFloating(resultTypeOf(y, x));
  const yt = asTensor(y, dtype, backend);
  const xt = asTensor(x, dtype, backend);
  const shape = broadcastShapes("atan2", yt.shape, xt.shape);
  const result = fromBuffer(backend.binary("atan2", broadcastView(yt, shape), broadcastView(xt, shape), dtype), shape, dtype, backend);
  return record1(
    "Atan2Backward0",
    result,
    [yt, xt],
    (g, [y, x]) => {
      const r2 = x.square().add(y.square());
      return [g.mul(x).div(r2), g.mul(y).neg().div(r2)];
    },
    [yt, xt],
  );
}

/** (e^x − e^−x)/2. */
export const sinh = (x: Tensor): Tensor => fl(x).exp().sub(fl(x).neg().exp()).mul(0.5);

/** (e^x + e^−x)/2. */
export const cosh = (x: Tensor): Tensor => fl(x).exp().add(fl(x).neg().exp()).mul(0.5);

/** log₂ x = ln x / ln 2. */
export const log2 = (x: Tensor): Tensor => x.log().div(LN2);

/** log₁₀ x = ln x / ln 10. */
export const log10 = (x: Tensor): Tensor => x.log().div(LN10);

/** 2^x = e^(x·ln 2). */
export const exp2 = (x: Tensor): Tensor => fl(x).mul(LN2).exp();

/**
 * start + weight·(end − start), elementwise with broadcasting, as `torch.lerp` (`weight` a number or a tensor).
 *
 * @example
 * tg.lerp(a, b, 0.25);
 */
export function lerp(start: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  return start.add(asTensor(end, start.dtype, start._backend).sub(start).mul(weight));
}

/**
 * ln(eᵃ + eᵇ) without overflow, as `torch.logaddexp`: max(a, b) + ln(1 + e^−|a−b|). Its gradient is σ(a − b) for a
 * and σ(b − a) for b (½ each where they are equal); two equal infinities give that infinity.
 */
export function logaddexp(a: Tensor, b: TensorLike): Tensor {
  const bt = asTensor(b, toFloating(resultTypeOf(a, b)), a._backend);
  const at = fl(a).to(bt.dtype);
  const diff = at.sub(bt);
  // Where a = b = ±inf the difference is NaN; the sum is then that infinity.
  const same = at.eq(bt);
  const safe = where(same, 0, diff);
  const out = maximum(at, bt).add(safe.abs().neg().exp().log1p());
  return where(same.logicalAnd(at.isinf()), at, out);
}

const CLIP = signature("clip", {
  input: required(is.tensor),
  min: arg(is.or(is.nullable(is.number), is.tensor), null),
  max: arg(is.or(is.nullable(is.number), is.tensor), null),
});

/** `clamp`, under NumPy's name (torch.clip). @example tg.clip(x, 0, 1) */
export function clip(
  x: Tensor,
  ...rest: Args<[min: TensorLike | null, max: TensorLike | null], { min?: TensorLike | null; max?: TensorLike | null }>
): Tensor {
  const a = CLIP.parse([x, ...rest]);
  return clamp(x, a.min, a.max);
}
