import { type Args, arg, is, kw, signature } from "../../args.js";
import { DTypeError, ShapeError, ValueError } from "../../errors.js";
import { ones, zerosLike } from "../../ops/creation.js";
import { Generator } from "../../ops/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import { softmax } from "./activation.js";
import { checkP, dropout } from "./dropout.js";

/** Options of `scaledDotProductAttention` (PyTorch's keywords). */
export interface ScaledDotProductAttentionOptions {
  /** Bool (true = may attend) or float (added to the scores), broadcastable to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (always applied when > 0, as PyTorch; pass 0 in eval). */
  dropoutP?: number;
  /** Mask future positions (query i sees keys 0..i); not together with attnMask. */
  isCausal?: boolean;
  /** Multiplies the scores; default 1/√E. */
  scale?: number | null;
  generator?: Generator | null;
}

const SDPA = signature("scaledDotProductAttention", {
  attnMask: arg(is.nullable(is.tensor), null),
  dropoutP: arg(is.number, 0),
  isCausal: arg(is.boolean, false),
  scale: arg(is.nullable(is.number), null),
  generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
});

/**
 * The additive mask bias of a bool (true = may attend) or float mask: 0 where allowed, −∞ where not, or the float
 * values themselves. `invert` reads a bool mask the other way (true = masked), as nn.MultiheadAttention does.
 */
export function maskBias(mask: Tensor, dtype: Tensor["dtype"], fn: string, invert = false): Tensor {
  if (mask.dtype === "bool") {
    return zerosLike(mask, { dtype }).maskedFill(invert ? mask : mask.logicalNot(), Number.NEGATIVE_INFINITY);
  }
  if (mask.dtype !== "float32" && mask.dtype !== "float64") {
    throw new DTypeError(`${fn}: a mask must be bool or floating, got ${mask.dtype}`);
  }
  return mask.to(dtype);
}

/** The causal mask bias [L, S]: 0 on and below the diagonal, −∞ above. */
export function causalBias(L: number, S: number, like: Tensor): Tensor {
  const future = ones([L, S], { dtype: like.dtype, device: like.device }).triu(1).gt(0);
  return zerosLike(future, { dtype: like.dtype }).maskedFill(future, Number.NEGATIVE_INFINITY);
}

/**
 * softmax(q·kᵀ·scale + mask)·v over the last two dims, as `torch.nn.functional.scaled_dot_product_attention`:
 * query [..., L, E], key [..., S, E], value [..., S, Ev] → [..., L, Ev]. Three large ops (QKᵀ, softmax, ·V).
 *
 * @example
 * const out = F.scaledDotProductAttention(q, k, v, { isCausal: true });
 * F.scaledDotProductAttention(q, k, v, mask, 0.1); // PyTorch's positional form
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  ...rest: Args<[attnMask: Tensor | null, dropoutP: number, isCausal: boolean, scale: number | null], ScaledDotProductAttentionOptions>
): Tensor {
  const a = SDPA.parse(rest);
  const fn = "scaledDotProductAttention";
  checkP(a.dropoutP, fn);
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new ShapeError(`${fn}: query, key and value must be at least 2-D, got ${fmt(query)}, ${fmt(key)}, ${fmt(value)}`);
  }
  const E = query.shape[query.ndim - 1];
  if (key.shape[key.ndim - 1] !== E || key.shape[key.ndim - 2] !== value.shape[value.ndim - 2]) {
    throw new ShapeError(
      `${fn}: expected query [..., L, E], key [..., S, E], value [..., S, Ev], got ${fmt(query)}, ${fmt(key)}, ${fmt(value)}`,
    );
  }
  if (a.isCausal && a.attnMask) throw new ValueError(`${fn}: give attnMask or isCausal, not both`);
  const scale = a.scale ?? 1 / Math.sqrt(E);
  let scores = query.matmul(key.transpose(-2, -1)).mul(scale);
  const L = query.shape[query.ndim - 2];
  const S = key.shape[key.ndim - 2];
  if (a.isCausal) scores = scores.add(causalBias(L, S, scores));
  if (a.attnMask) scores = scores.add(maskBias(a.attnMask, scores.dtype, fn));
  let w = softmax(scores, -1);
  if (a.dropoutP > 0) w = dropout(w, a.dropoutP, true, { generator: a.generator ?? undefined });
  return w.matmul(value);
}

const fmt = (t: Tensor) => `[${t.shape.join(", ")}]`;
