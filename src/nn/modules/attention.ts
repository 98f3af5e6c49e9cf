import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { empty, zeros } from "../../ops/creation.js";
import { cat } from "../../ops/join.js";
import type { Tensor } from "../../tensor/tensor.js";
import { softmax } from "../functional/activation.js";
import { maskBias } from "../functional/attention.js";
import { checkP, dropout } from "../functional/dropout.js";
import { linear } from "../functional/linear.js";
import { constant_, xavierNormal_, xavierUniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { Linear } from "./linear.js";

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights while training; default 0. */
  dropout?: number;
  /** Biases of the input and output projections; default true. */
  bias?: boolean;
  /** Learned bias_k / bias_v appended to the keys and values; default false. */
  addBiasKv?: boolean;
  /** A zero key and value appended to the sequence; default false. */
  addZeroAttn?: boolean;
  /** Key and value feature sizes (default embedDim); different sizes give q/k/v_proj_weight. */
  kdim?: number | null;
  vdim?: number | null;
  /** Inputs and output are [N, L, E] instead of [L, N, E]; default false. */
  batchFirst?: boolean;
  dtype?: "float32" | "float64";
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): bool, true = ignore that key; or float, added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too; default true. */
  needWeights?: boolean;
  /** [L, S] or [N·heads, L, S]: bool, true = may not attend; or float, added to the scores. */
  attnMask?: Tensor | null;
  /** Average the weights over heads ([N, L, S]) or not ([N, heads, L, S]); default true. */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask (PyTorch's; attnMask is still required). */
  isCausal?: boolean;
}

const MHA = signature("MultiheadAttention", {
  embedDim: required(is.posInt),
  numHeads: required(is.posInt),
  dropout: arg(is.number, 0),
  bias: arg(is.boolean, true),
  addBiasKv: arg(is.boolean, false),
  addZeroAttn: arg(is.boolean, false),
  kdim: arg(is.nullable(is.posInt), null),
  vdim: arg(is.nullable(is.posInt), null),
  batchFirst: arg(is.boolean, false),
  dtype: kw(is.floatDType, "float32"),
});

const MHA_FORWARD = signature("MultiheadAttention.forward", {
  keyPaddingMask: arg(is.nullable(is.tensor), null),
  needWeights: arg(is.boolean, true),
  attnMask: arg(is.nullable(is.tensor), null),
  averageAttnWeights: arg(is.boolean, true),
  isCausal: arg(is.boolean, false),
});

type ForwardRest = Args<
  [keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, averageAttnWeights: boolean, isCausal: boolean],
  MultiheadAttentionForwardOptions
>;

const fmt = (s: readonly number[]) => `[${s.join(", ")}]`;

/**
 * Multi-head attention, as `torch.nn.MultiheadAttention`: queries, keys and values projected (in_proj_weight
 * [3E, E], or q/k/v_proj_weight when kdim/vdim differ), split into heads, softmax(q·kᵀ/√d + masks)·v, heads
 * concatenated and projected by out_proj. Input [L, N, E] ([N, L, E] with batchFirst, [L, E] unbatched); returns
 * [output, weights or null].
 *
 * @example
 * const mha = new tg.nn.MultiheadAttention(16, 4, { batchFirst: true });
 * const x = tg.randn([2, 5, 16]);
 * const [out, weights] = mha(x, x, x); // out [2, 5, 16], weights [2, 5, 5]
 */
export class MultiheadAttention extends Module<[query: Tensor, key: Tensor, value: Tensor, ...rest: ForwardRest], [Tensor, Tensor | null]> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  in_proj_weight: Parameter | null;
  q_proj_weight: Parameter | null;
  k_proj_weight: Parameter | null;
  v_proj_weight: Parameter | null;
  in_proj_bias: Parameter | null;
  bias_k: Parameter | null;
  bias_v: Parameter | null;
  out_proj: Linear;

  constructor(
    embedDim: number,
    numHeads: number,
    ...rest: Args<
      [
        dropout: number,
        bias: boolean,
        addBiasKv: boolean,
        addZeroAttn: boolean,
        kdim: number | null,
        vdim: number | null,
        batchFirst: boolean,
      ],
      MultiheadAttentionOptions
    >
  ) {
    super();
    const a = MHA.parse([embedDim, numHeads, ...rest]);
    checkP(a.dropout, "MultiheadAttention");
    if (a.embedDim % a.numHeads !== 0) {
      throw new ValueError(`MultiheadAttention: embedDim (${a.embedDim}) must be divisible by numHeads (${a.numHeads})`);
    }
    this.embedDim = a.embedDim;
    this.numHeads = a.numHeads;
    this.headDim = a.embedDim / a.numHeads;
    this.kdim = a.kdim ?? a.embedDim;
    this.vdim = a.vdim ?? a.embedDim;
    this.dropout = a.dropout;
    this.batchFirst = a.batchFirst;
    this.addZeroAttn = a.addZeroAttn;
    const E = a.embedDim;
    const p = (shape: number[]) => new Parameter(empty(shape, { dtype: a.dtype }));
    const same = this.kdim === E && this.vdim === E;
    this.in_proj_weight = same ? p([3 * E, E]) : null;
    this.q_proj_weight = same ? null : p([E, E]);
    this.k_proj_weight = same ? null : p([E, this.kdim]);
    this.v_proj_weight = same ? null : p([E, this.vdim]);
    this.in_proj_bias = a.bias ? p([3 * E]) : null;
    this.bias_k = a.addBiasKv ? p([1, 1, E]) : null;
    this.bias_v = a.addBiasKv ? p([1, 1, E]) : null;
    this.out_proj = new Linear(E, E, a.bias, { dtype: a.dtype });
    this.resetParameters();
  }

  /** As PyTorch: xavier-uniform projections, zero biases, xavier-normal bias_k / bias_v (out_proj.weight keeps Linear's init). */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) xavierUniform_(w);
    if (this.in_proj_bias) constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  private projections(): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    if (this.in_proj_weight) {
      const w = this.in_proj_weight;
      return [w.narrow(0, 0, E), w.narrow(0, E, E), w.narrow(0, 2 * E, E)];
    }
    return [this.q_proj_weight as Tensor, this.k_proj_weight as Tensor, this.v_proj_weight as Tensor];
  }

  forward(query: Tensor, key: Tensor, value: Tensor, ...rest: ForwardRest): [Tensor, Tensor | null] {
    const o = MHA_FORWARD.parse(rest);
    const fn = "MultiheadAttention";
    if (o.isCausal && !o.attnMask) throw new ValueError(`${fn}: isCausal is a hint that attnMask is the causal mask; give attnMask too`);
    const unbatched = query.ndim === 2;
    const want = unbatched ? 2 : 3;
    if ((query.ndim !== 2 && query.ndim !== 3) || key.ndim !== want || value.ndim !== want) {
      throw new ShapeError(
        `${fn}: expected query, key and value all 3-D (batched) or all 2-D, got ${fmt(query.shape)}, ${fmt(key.shape)}, ${fmt(value.shape)}`,
      );
    }
    // To [L, N, E].
    const seqFirst = (t: Tensor) => (unbatched ? t.unsqueeze(1) : this.batchFirst ? t.transpose(0, 1) : t);
    const q0 = seqFirst(query);
    const k0 = seqFirst(key);
    const v0 = seqFirst(value);
    const [L, N] = q0.shape;
    if (q0.shape[2] !== this.embedDim || k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim) {
      throw new ShapeError(
        `${fn}: expected query [..., ${this.embedDim}], key [..., ${this.kdim}], value [..., ${this.vdim}], got ${fmt(query.shape)}, ${fmt(key.shape)}, ${fmt(value.shape)}`,
      );
    }
    if (k0.shape[0] !== v0.shape[0] || k0.shape[1] !== N || v0.shape[1] !== N) {
      throw new ShapeError(
        `${fn}: key and value must have the same sequence length and the batch of the query, got ${fmt(query.shape)}, ${fmt(key.shape)}, ${fmt(value.shape)}`,
      );
    }
    const E = this.embedDim;
    const [wq, wk, wv] = this.projections();
    const b = this.in_proj_bias;
    let q = linear(q0, wq, b ? b.narrow(0, 0, E) : null);
    let k = linear(k0, wk, b ? b.narrow(0, E, E) : null);
    let v = linear(v0, wv, b ? b.narrow(0, 2 * E, E) : null);
    const dtype = q.dtype;
    let attnBias = o.attnMask ? maskBias(o.attnMask, dtype, fn, true) : null;
    let kpmBias = o.keyPaddingMask ? maskBias(o.keyPaddingMask, dtype, fn, true) : null;
    if (kpmBias && unbatched) kpmBias = kpmBias.unsqueeze(0);
    const padCol = (m: Tensor | null) => (m ? cat([m, zeros([...m.shape.slice(0, -1), 1], { dtype, device: m.device })], -1) : null);
    if (this.bias_k && this.bias_v) {
      k = cat([k, this.bias_k.expand([1, N, E])]);
      v = cat([v, this.bias_v.expand([1, N, E])]);
      attnBias = padCol(attnBias);
      kpmBias = padCol(kpmBias);
    }
    const H = this.numHeads;
    const d = this.headDim;
    // [L, N, E] → [N, H, L, d].
    const heads = (t: Tensor) => t.reshape([t.shape[0], N, H, d]).permute([1, 2, 0, 3]);
    q = heads(q);
    k = heads(k);
    v = heads(v);
    if (this.addZeroAttn) {
      k = cat([k, zeros([N, H, 1, d], { dtype, device: k.device })], 2);
      v = cat([v, zeros([N, H, 1, d], { dtype, device: v.device })], 2);
      attnBias = padCol(attnBias);
      kpmBias = padCol(kpmBias);
    }
    const S = k.shape[2];
    let scores = q.matmul(k.transpose(2, 3)).mul(1 / Math.sqrt(d));
    if (attnBias) {
      const ok2 = attnBias.ndim === 2 && attnBias.shape[0] === L && attnBias.shape[1] === S;
      const ok3 = attnBias.ndim === 3 && attnBias.shape[0] === N * H && attnBias.shape[1] === L && attnBias.shape[2] === S;
      if (!ok2 && !ok3) {
        throw new ShapeError(
          `${fn}: attnMask must be [${L}, ${S - (this.bias_k ? 1 : 0) - (this.addZeroAttn ? 1 : 0)}] or [${N * H}, L, S], got ${fmt(o.attnMask?.shape ?? [])}`,
        );
      }
      scores = scores.add(ok3 ? attnBias.reshape([N, H, L, S]) : attnBias);
    }
    if (kpmBias) {
      if (kpmBias.ndim !== 2 || kpmBias.shape[0] !== N || kpmBias.shape[1] !== S) {
        throw new ShapeError(
          `${fn}: keyPaddingMask must be [N, S] = [${N}, ${key.shape[unbatched ? 0 : this.batchFirst ? 1 : 0]}], got ${fmt(o.keyPaddingMask?.shape ?? [])}`,
        );
      }
      scores = scores.add(kpmBias.reshape([N, 1, 1, S]));
    }
    let w = softmax(scores, -1);
    if (this.dropout > 0) w = dropout(w, this.dropout, this.training);
    // [N, H, L, d] → [L, N, E].
    const ctx = w.matmul(v).permute([2, 0, 1, 3]).reshape([L, N, E]);
    let out = this.out_proj(ctx);
    out = unbatched ? out.squeeze(1) : this.batchFirst ? out.transpose(0, 1) : out;
    if (!o.needWeights) return [out, null];
    let weights = o.averageAttnWeights ? w.mean(1) : w;
    if (unbatched) weights = weights.squeeze(0);
    return [out, weights];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.batchFirst ? ", batchFirst=true" : ""}`;
  }
}
