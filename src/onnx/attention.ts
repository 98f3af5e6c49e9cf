/**
 * nn.MultiheadAttention and nn.TransformerEncoderLayer composed from ONNX's MatMul, Add, Mul, Softmax, Reshape,
 * Transpose and LayerNormalization (opset 17), in eval mode: the same steps as the modules' forward, masks added to
 * the scores (a bool mask becomes 0 / −∞).
 */
import { ValueError } from "../errors.js";
import { maskBias } from "../nn/functional/attention.js";
import type { MultiheadAttention } from "../nn/modules/attention.js";
import type { TransformerEncoderLayer } from "../nn/modules/transformer_layer.js";
import type { Tensor } from "../tensor/tensor.js";
import type { GraphBuilder } from "./graph.js";
import { emitLayer, type Traced } from "./layers.js";

/** Gives the graph name of a tensor argument: its traced value, or a constant. */
export type Ref = (t: Tensor) => string;
/** Whether a tensor is a traced value (computed from the graph's inputs). */
export type IsTraced = (t: Tensor) => boolean;

const ints = (g: GraphBuilder, v: number[]) => g.constant("shape", v, [v.length], "int64");
const transpose = (g: GraphBuilder, x: string, perm: number[]) => g.op("Transpose", [x], { perm: { ints: perm } });

/** `x·wᵀ + b` for a weight [out, in] read from the module (constants). */
function project(g: GraphBuilder, x: string, w: Tensor, b: Tensor | null): string {
  const y = g.op("MatMul", [x, g.tensor("attn_weight_t", w.detach().T.contiguous())]);
  return b ? g.op("Add", [y, g.tensor("attn_bias", b.detach())]) : y;
}

/** A mask as an additive bias in `dtype`: a constant mask is converted here, a traced bool one with Where. */
function maskValue(g: GraphBuilder, mask: Tensor, dtype: Tensor["dtype"], ref: Ref, isTraced: IsTraced): string {
  if (!isTraced(mask)) return g.tensor("attn_mask", maskBias(mask, dtype, "onnx.export", true));
  const name = ref(mask);
  if (mask.dtype !== "bool") return name;
  return g.op("Where", [name, g.scalar(Number.NEGATIVE_INFINITY, dtype), g.scalar(0, dtype)]);
}

export interface AttentionCall {
  query: Traced;
  key: Traced;
  value: Traced;
  attnMask: Tensor | null;
  keyPaddingMask: Tensor | null;
  needWeights: boolean;
  averageAttnWeights: boolean;
}

/** Emits `mha(query, key, value, options)`; returns [output] or [output, weights] (weights when needWeights). */
export function emitAttention(g: GraphBuilder, mha: MultiheadAttention, call: AttentionCall, ref: Ref, isTraced: IsTraced): string[] {
  if (mha.bias_k || mha.addZeroAttn) {
    throw new ValueError("onnx.export: MultiheadAttention with addBiasKv or addZeroAttn has no ONNX translation here");
  }
  const unbatched = call.query.example.ndim === 2;
  const dtype = call.query.example.dtype;
  const E = mha.embedDim;
  const H = mha.numHeads;
  const d = mha.headDim;
  const seqFirst = new Map<string, string>();
  const toSeqFirst = (t: Traced) => {
    const done = seqFirst.get(t.name);
    if (done) return done;
    const v = unbatched ? g.op("Unsqueeze", [t.name, ints(g, [1])]) : mha.batchFirst ? transpose(g, t.name, [1, 0, 2]) : t.name;
    seqFirst.set(t.name, v);
    return v;
  };
  const q0 = toSeqFirst(call.query);
  const k0 = toSeqFirst(call.key);
  const v0 = toSeqFirst(call.value);
  const w = mha.in_proj_weight;
  const [wq, wk, wv] = w
    ? [w.narrow(0, 0, E), w.narrow(0, E, E), w.narrow(0, 2 * E, E)]
    : [mha.q_proj_weight as Tensor, mha.k_proj_weight as Tensor, mha.v_proj_weight as Tensor];
  const b = mha.in_proj_bias;
  const part = (i: number) => (b ? b.narrow(0, i * E, E) : null);
  // [L, N, E] → [L, N, H, d] → [N, H, L, d] (keys: [N, H, d, S]).
  const split = (x: string, perm: number[]) => transpose(g, g.op("Reshape", [x, ints(g, [0, 0, H, d])]), perm);
  const q = split(project(g, q0, wq, part(0)), [1, 2, 0, 3]);
  const kT = split(project(g, k0, wk, part(1)), [1, 2, 3, 0]);
  const v = split(project(g, v0, wv, part(2)), [1, 2, 0, 3]);
  let scores = g.op("Mul", [g.op("MatMul", [q, kT]), g.scalar(1 / Math.sqrt(d), dtype)]);
  if (call.attnMask) {
    let m = maskValue(g, call.attnMask, dtype, ref, isTraced);
    // [N·H, L, S] → [N, H, L, S]; [L, S] broadcasts.
    if (call.attnMask.ndim === 3) m = g.op("Reshape", [m, ints(g, [-1, H, ...call.attnMask.shape.slice(1)])]);
    scores = g.op("Add", [scores, m]);
  }
  if (call.keyPaddingMask) {
    const kpm = call.keyPaddingMask;
    let m = maskValue(g, kpm, dtype, ref, isTraced);
    // [N, S] (or [S] unbatched) → [N, 1, 1, S].
    m = g.op("Reshape", [m, ints(g, [kpm.ndim === 1 ? 1 : 0, 1, 1, -1])]);
    scores = g.op("Add", [scores, m]);
  }
  const weights = g.op("Softmax", [scores], { axis: { int: -1 } });
  // [N, H, L, d] → [L, N, H, d] → [L, N, E].
  const ctx = g.op("Reshape", [transpose(g, g.op("MatMul", [weights, v]), [2, 0, 1, 3]), ints(g, [0, 0, E])]);
  let out = project(g, ctx, mha.out_proj.weight, mha.out_proj.bias);
  out = unbatched ? g.op("Squeeze", [out, ints(g, [1])]) : mha.batchFirst ? transpose(g, out, [1, 0, 2]) : out;
  if (!call.needWeights) return [out];
  let avg = call.averageAttnWeights ? g.reduce("ReduceMean", weights, [1], false) : weights;
  if (unbatched) avg = g.op("Squeeze", [avg, ints(g, [0])]);
  return [out, avg];
}

/** The activation of a transformer layer's feed-forward block. */
function activation(g: GraphBuilder, layer: TransformerEncoderLayer, x: Traced): string {
  const f = layer.config.activation;
  if (f === "relu") return g.op("Relu", [x.name]);
  if (f === "gelu") return gelu(g, x);
  throw new ValueError("onnx.export: a TransformerEncoderLayer with a function activation has no ONNX translation; use 'relu' or 'gelu'");
}

function gelu(g: GraphBuilder, x: Traced): string {
  const dtype = x.example.dtype;
  const erf = g.op("Erf", [g.op("Div", [x.name, g.scalar(Math.SQRT2, dtype)])]);
  return g.op("Mul", [g.op("Mul", [x.name, g.scalar(0.5, dtype)]), g.op("Add", [erf, g.scalar(1, dtype)])]);
}

/**
 * Emits a TransformerEncoderLayer (eval mode: dropout is the identity) on `src` with optional masks; returns the
 * output's name. Examples of intermediate values are not needed: every step keeps `src`'s shape but the feed-forward
 * hidden one, which only the Linear layers see.
 */
export function emitEncoderLayer(
  g: GraphBuilder,
  layer: TransformerEncoderLayer,
  src: Traced,
  masks: { srcMask: Tensor | null; srcKeyPaddingMask: Tensor | null },
  ref: Ref,
  isTraced: IsTraced,
): string {
  const like = (name: string): Traced => ({ name, example: src.example });
  const sa = (x: Traced) =>
    emitAttention(
      g,
      layer.self_attn,
      {
        query: x,
        key: x,
        value: x,
        attnMask: masks.srcMask,
        keyPaddingMask: masks.srcKeyPaddingMask,
        needWeights: false,
        averageAttnWeights: true,
      },
      ref,
      isTraced,
    )[0];
  const ff = (x: Traced) => {
    const hidden = emitLayer(g, layer.linear1, x);
    const hiddenExample = src.example.narrow(-1, 0, 1).expand([...src.example.shape.slice(0, -1), layer.config.dimFeedforward]);
    return emitLayer(g, layer.linear2, { name: activation(g, layer, { name: hidden, example: hiddenExample }), example: hiddenExample });
  };
  const add = (a: string, b: string) => g.op("Add", [a, b]);
  if (layer.config.normFirst) {
    const x = add(src.name, sa(like(emitLayer(g, layer.norm1, src))));
    return add(x, ff(like(emitLayer(g, layer.norm2, like(x)))));
  }
  const x = emitLayer(g, layer.norm1, like(add(src.name, sa(src))));
  return emitLayer(g, layer.norm2, like(add(x, ff(like(x)))));
}
