import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { logSoftmax as logSoftmaxOp } from "../../ops/reduce.js";
import { fmt, normalizeDim } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// Activations are compositions of core ops, so each gets its gradient (and second derivative) for free. Each reads
// PyTorch's torch.nn.functional signature; `inplace` is accepted where PyTorch has it, true only for relu.

const input = { input: required(is.tensor) };
const notInplace = arg(is.only(false, "in-place is not implemented for this function"), false);
const RELU = signature("relu", { ...input, inplace: arg(is.boolean, false) });
const SIGMOID = signature("sigmoid", input);
const TANH = signature("tanh", input);
const LEAKY_RELU = signature("leakyRelu", { ...input, negativeSlope: arg(is.number, 0.01), inplace: notInplace });
const PRELU = signature("prelu", { ...input, weight: required(is.tensor) });
const ELU = signature("elu", { ...input, alpha: arg(is.number, 1), inplace: notInplace });
const GELU = signature("gelu", { ...input, approximate: arg(is.oneOf("none", "tanh"), "none") });
const SILU = signature("silu", { ...input, inplace: notInplace });
const SOFTPLUS = signature("softplus", { ...input, beta: arg(is.number, 1), threshold: arg(is.number, 20) });
const MISH = signature("mish", { ...input, inplace: notInplace });
const HARDTANH = signature("hardtanh", { ...input, minVal: arg(is.number, -1), maxVal: arg(is.number, 1), inplace: notInplace });
const THRESHOLD = signature("threshold", { ...input, threshold: required(is.number), value: required(is.number), inplace: notInplace });
const softmaxSig = (fn: string) =>
  signature(fn, { ...input, dim: arg(is.nullable(is.int), null), dtype: kw(is.nullable(is.floatDType), null) });
const SOFTMAX = softmaxSig("softmax");
const LOG_SOFTMAX = softmaxSig("logSoftmax");
const MAXOUT = signature("maxout", { ...input, pieces: required(is.posInt), dim: arg(is.int, -1) });

/** PyTorch's implicit softmax dim (dim=None, deprecated there with a warning): 0 for 0-, 1- and 3-D inputs, else 1. */
const implicitDim = (ndim: number): number => (ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1);

/** max(x, 0); `inplace: true` overwrites x (`x.relu_()`). */
export function relu(x: Tensor, ...rest: Args<[inplace: boolean], { inplace?: boolean }>): Tensor {
  return RELU.parse([x, ...rest]).inplace ? x.relu_() : x.relu();
}

/** The logistic function 1/(1 + e^−x). */
export function sigmoid(...args: [input: Tensor]): Tensor {
  return SIGMOID.parse(args).input.sigmoid();
}

/** Hyperbolic tangent. */
export function tanh(...args: [input: Tensor]): Tensor {
  return TANH.parse(args).input.tanh();
}

/** x where x > 0, else negativeSlope·x. @example F.leakyRelu(x, 0.1) */
export function leakyRelu(
  x: Tensor,
  ...rest: Args<[negativeSlope: number, inplace: false], { negativeSlope?: number; inplace?: false }>
): Tensor {
  const { negativeSlope } = LEAKY_RELU.parse([x, ...rest]);
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/** Leaky ReLU with a learnable slope per channel (dim 1) or one shared slope. */
export function prelu(...args: [input: Tensor, weight: Tensor]): Tensor {
  const { input: x, weight } = PRELU.parse(args);
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
export function elu(x: Tensor, ...rest: Args<[alpha: number, inplace: false], { alpha?: number; inplace?: false }>): Tensor {
  const { alpha } = ELU.parse([x, ...rest]);
  // expm1 of min(x, 0) keeps the unused branch finite, so its gradient cannot be NaN.
  return where(x.gt(0), x, x.clamp(null, 0).expm1().mul(alpha));
}

/**
 * Gaussian error linear unit: x·Φ(x) with the exact erf form, or its tanh approximation
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) with `approximate: "tanh"`.
 */
export function gelu(x: Tensor, ...rest: Args<[approximate: "none" | "tanh"], { approximate?: "none" | "tanh" }>): Tensor {
  const { approximate } = GELU.parse([x, ...rest]);
  if (approximate === "tanh") {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

/** x·σ(x), also called swish. */
export function silu(x: Tensor, ...rest: Args<[inplace: false], { inplace?: false }>): Tensor {
  SILU.parse([x, ...rest]);
  return x.mul(x.sigmoid());
}

/** (1/β)·ln(1 + e^(βx)), and x itself where βx > threshold (for stability), as PyTorch. */
export function softplus(x: Tensor, ...rest: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>): Tensor {
  const { beta, threshold } = SOFTPLUS.parse([x, ...rest]);
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
export function mish(x: Tensor, ...rest: Args<[inplace: false], { inplace?: false }>): Tensor {
  MISH.parse([x, ...rest]);
  return x.mul(softplus(x).tanh());
}

/**
 * Clamps to [minVal, maxVal]. Unlike `clamp`, the gradient is 0 at the ends themselves, as PyTorch's hardtanh has it
 * (so that F.hardtanh(x, 0, 6), relu6, has gradient 0 at 0 like relu).
 */
export function hardtanh(
  x: Tensor,
  ...rest: Args<[minVal: number, maxVal: number, inplace: false], { minVal?: number; maxVal?: number; inplace?: false }>
): Tensor {
  const { minVal, maxVal } = HARDTANH.parse([x, ...rest]);
  if (minVal > maxVal) throw new ValueError(`hardtanh: minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  return where(x.le(minVal), minVal, where(x.ge(maxVal), maxVal, x));
}

/**
 * The step of a threshold unit: `value` where x <= threshold, else x (torch.nn.functional.threshold): a NaN stays NaN and
 * takes the gradient, as in PyTorch.
 */
export function threshold(x: Tensor, thresholdValue: number, value: number, ...rest: Args<[inplace: false], { inplace?: false }>): Tensor {
  THRESHOLD.parse([x, thresholdValue, value, ...rest]);
  return where(x.le(thresholdValue), value, x);
}

/** Options of softmax and logSoftmax: the dim, and a dtype to compute in (the input is cast first). */
export interface SoftmaxOptions {
  dim?: number | null;
  dtype?: "float32" | "float64" | null;
}

/**
 * e^x / Σ e^x along `dim`, computed stably (the max is subtracted first). Without a dim, PyTorch's implicit choice
 * (dim 0 for 0-, 1- and 3-D inputs, else 1); pass one.
 */
export function softmax(input: Tensor, ...rest: Args<[dim: number | null], SoftmaxOptions>): Tensor {
  const a = SOFTMAX.parse([input, ...rest]);
  const x = a.dtype ? input.to(a.dtype) : input;
  const d = normalizeDim(a.dim ?? implicitDim(x.ndim), x.ndim, "softmax");
  const e = x.sub(x.amax(d, true).detach()).exp();
  return e.div(e.sum(d, true));
}

/** log softmax along `dim`: x − logsumexp(x), stable for large logits (one fused kernel along the last dim). */
export function logSoftmax(input: Tensor, ...rest: Args<[dim: number | null], SoftmaxOptions>): Tensor {
  const a = LOG_SOFTMAX.parse([input, ...rest]);
  const x = a.dtype ? input.to(a.dtype) : input;
  return logSoftmaxOp(x, a.dim ?? implicitDim(x.ndim));
}

/**
 * Maxout over groups of `pieces` consecutive features of `dim`: [.., k·pieces, ..] → [.., k, ..], each
 * output the max of its pieces (Goodfellow et al. 2013).
 */
export function maxout(x: Tensor, pieces: number, ...rest: Args<[dim: number], { dim?: number }>): Tensor {
  const { dim } = MAXOUT.parse([x, pieces, ...rest]);
  const d = normalizeDim(dim, x.ndim, "maxout");
  if (x.shape[d] % pieces !== 0) throw new ValueError(`maxout: size ${x.shape[d]} of dim ${d} is not divisible by pieces=${pieces}`);
  return x.unflatten(d, [x.shape[d] / pieces, pieces]).amax(d + 1);
}
