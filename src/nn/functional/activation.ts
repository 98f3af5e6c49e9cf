import { ShapeError, ValueError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { logSoftmax as logSoftmaxOp } from "../../ops/reduce.js";
import { fmt, normalizeDim } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// Activations are compositions of core ops, so each gets its gradient (and second derivative) for free.

/** max(x, 0). */
export const relu = (x: Tensor): Tensor => x.relu();

/** The logistic function 1/(1 + e^−x). */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();

/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => x.tanh();

/** x where x > 0, else negativeSlope·x. @example F.leakyRelu(x, 0.1) */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/** Leaky ReLU with a learnable slope per channel (dim 1) or one shared slope. */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const channels = x.ndim > 1 ? x.shape[1] : 1;
  if (weight.numel() !== 1 && weight.numel() !== channels) {
    throw new ShapeError(
      `prelu: mismatch of parameter numbers and input channel size: ${weight.numel()} parameters for input of shape ${fmt(x.shape)} (channel size ${channels})`,
    );
  }
  const w = weight.numel() === 1 || x.ndim < 2 ? weight.reshape([]) : weight.reshape([-1, ...new Array<number>(x.ndim - 2).fill(1)]);
  return where(x.gt(0), x, x.mul(w));
}

/** x where x > 0, else alpha·(e^x − 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  // expm1 of min(x, 0) keeps the unused branch finite, so its gradient cannot be NaN.
  return where(x.gt(0), x, x.clamp(null, 0).expm1().mul(alpha));
}

/**
 * Gaussian error linear unit: x·Φ(x) with the exact erf form, or its tanh approximation
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) with `approximate: "tanh"`.
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  if (approximate === "tanh") {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

/** x·σ(x), also called swish. */
export const silu = (x: Tensor): Tensor => x.mul(x.sigmoid());

/** (1/β)·ln(1 + e^(βx)), and x itself where βx > threshold (for stability), as PyTorch. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = x.mul(beta);
  // ln(1 + e^z) = max(z, 0) + ln(1 + e^−|z|) never overflows. Built from `where` rather than relu/abs so
  // the gradient at z = 0 is σ(0) = 0.5 (relu'(0) = abs'(0) = 0 would give 0).
  const pos = bx.gt(0);
  const soft = where(pos, bx, 0)
    .add(where(pos, bx.neg(), bx).exp().log1p())
    .div(beta);
  return where(bx.gt(threshold), x, soft);
}

/** x·tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => x.mul(softplus(x).tanh());

/**
 * Clamps to [minVal, maxVal]. Unlike `clamp`, the gradient is 0 at the ends themselves, as PyTorch's hardtanh has it
 * (so that F.hardtanh(x, 0, 6), relu6, has gradient 0 at 0 like relu).
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (minVal > maxVal) throw new ValueError(`hardtanh: minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  return where(x.le(minVal), minVal, where(x.ge(maxVal), maxVal, x));
}

/**
 * The step of a threshold unit: `value` where x <= threshold, else x (torch.nn.functional.threshold): a NaN stays NaN and
 * takes the gradient, as in PyTorch.
 */
export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  return where(x.le(thresholdValue), value, x);
}

/** e^x / Σ e^x along `dim`, computed stably (the max is subtracted first). */
export function softmax(x: Tensor, dim = -1): Tensor {
  const d = normalizeDim(dim, x.ndim, "softmax");
  const e = x.sub(x.amax(d, true).detach()).exp();
  return e.div(e.sum(d, true));
}

/** log softmax along `dim`: x − logsumexp(x), stable for large logits (one fused kernel along the last dim). */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return logSoftmaxOp(x, dim);
}

/**
 * Maxout over groups of `pieces` consecutive features of `dim`: [.., k·pieces, ..] → [.., k, ..], each
 * output the max of its pieces (Goodfellow et al. 2013).
 */
export function maxout(x: Tensor, pieces: number, dim = -1): Tensor {
  const d = normalizeDim(dim, x.ndim, "maxout");
  if (x.shape[d] % pieces !== 0) throw new ValueError(`maxout: size ${x.shape[d]} of dim ${d} is not divisible by pieces=${pieces}`);
  return x.unflatten(d, [x.shape[d] / pieces, pieces]).amax(d + 1);
}
