/**
 * The CLI's language models. Each maps token indices [B, T] (int32) to next-token logits [B, T, V]: position t
 * predicts token t + 1 from tokens 0..t. Submodule names follow PyTorch (an `nn.LSTM` is `rnn.weight_ih_l0`, the
 * transformer's layers are `blocks.layers.0.self_attn.in_proj_weight`), so the weights read as PyTorch's.
 */

import { noGrad } from "../autograd/grad_mode.js";
import * as nn from "../nn/index.js";
import { arange, ones, zeros } from "../ops/creation.js";
import { cat } from "../ops/join.js";
import type { Tensor } from "../tensor/tensor.js";

export const LM_KINDS = ["mlp", "lstm", "gru", "transformer"] as const;
export type LmKind = (typeof LM_KINDS)[number];

/** Everything needed to rebuild a language model (stored in the checkpoint's config). */
export interface LmConfig {
  kind: LmKind;
  vocabSize: number;
  /** Longest input the model is trained on (the transformer's number of learned positions). */
  blockSize: number;
  /** Embedding size (the transformer's d_model). */
  embed: number;
  /** mlp: hidden units; lstm/gru: hidden state size; transformer: feed-forward size. */
  hidden: number;
  /** Stacked recurrent or transformer layers (mlp: 1). */
  layers: number;
  /** Attention heads (transformer). */
  heads: number;
  /** Tokens of context the mlp reads (Bengio's n − 1). */
  context: number;
  dropout: number;
}

/**
 * Bengio et al.'s (2003) model, applied at every position: the embeddings of the last `context` tokens (the
 * sequence is padded on the left with token 0, the boundary of a names corpus), side by side, a tanh layer, logits.
 */
class MlpLm extends nn.Module<[Tensor], Tensor> {
  emb: nn.Embedding;
  hidden: nn.Linear;
  drop: nn.Dropout;
  out: nn.Linear;

  constructor(readonly cfg: LmConfig) {
    super();
    this.emb = new nn.Embedding(cfg.vocabSize, cfg.embed);
    this.hidden = new nn.Linear(cfg.context * cfg.embed, cfg.hidden);
    this.drop = new nn.Dropout(cfg.dropout);
    this.out = new nn.Linear(cfg.hidden, cfg.vocabSize);
    // A small output layer: the first predictions are nearly uniform (loss ≈ ln V instead of a confident 10+).
    noGrad(() => this.out.weight.mul_(0.1));
  }

  forward(x: Tensor): Tensor {
    const [b, t] = x.shape;
    const c = this.cfg.context;
    const padded = c > 1 ? cat([zeros([b, c - 1], { dtype: "int32", device: x.device }), x], 1) : x;
    const e = this.emb(padded); // [B, T + c − 1, E]
    const windows = cat(
      Array.from({ length: c }, (_, j) => e.narrow(1, j, t)),
      2,
    ); // [B, T, c·E]: the context of each position, oldest first
    return this.out(this.drop(this.hidden(windows).tanh()));
  }
}

/** Embedding → stacked LSTM or GRU (batch first) → dropout → linear logits. */
class RecurrentLm extends nn.Module<[Tensor], Tensor> {
  emb: nn.Embedding;
  rnn: nn.LSTM | nn.GRU;
  drop: nn.Dropout;
  head: nn.Linear;

  constructor(readonly cfg: LmConfig) {
    super();
    this.emb = new nn.Embedding(cfg.vocabSize, cfg.embed);
    const options = { numLayers: cfg.layers, batchFirst: true, dropout: cfg.layers > 1 ? cfg.dropout : 0 };
    this.rnn = cfg.kind === "lstm" ? new nn.LSTM(cfg.embed, cfg.hidden, options) : new nn.GRU(cfg.embed, cfg.hidden, options);
    this.drop = new nn.Dropout(cfg.dropout);
    this.head = new nn.Linear(cfg.hidden, cfg.vocabSize);
  }

  forward(x: Tensor): Tensor {
    const input = this.drop(this.emb(x));
    const [out] = this.rnn instanceof nn.LSTM ? this.rnn(input) : this.rnn(input);
    return this.head(this.drop(out as Tensor));
  }
}

/**
 * A decoder-only transformer (a small GPT): token and learned position embeddings, pre-norm
 * `nn.TransformerEncoderLayer`s with a causal mask and GELU, a final layer norm, linear logits.
 */
class TransformerLm extends nn.Module<[Tensor], Tensor> {
  tokEmb: nn.Embedding;
  posEmb: nn.Embedding;
  drop: nn.Dropout;
  blocks: nn.TransformerEncoder;
  norm: nn.LayerNorm;
  head: nn.Linear;

  constructor(readonly cfg: LmConfig) {
    super();
    this.tokEmb = new nn.Embedding(cfg.vocabSize, cfg.embed);
    this.posEmb = new nn.Embedding(cfg.blockSize, cfg.embed);
    this.drop = new nn.Dropout(cfg.dropout);
    const layer = new nn.TransformerEncoderLayer(cfg.embed, cfg.heads, {
      dimFeedforward: cfg.hidden,
      dropout: cfg.dropout,
      activation: "gelu",
      batchFirst: true,
      normFirst: true,
    });
    this.blocks = new nn.TransformerEncoder(layer, cfg.layers);
    this.norm = new nn.LayerNorm(cfg.embed);
    this.head = new nn.Linear(cfg.embed, cfg.vocabSize);
    // GPT-2's initialization: N(0, 0.02) embeddings; the default (N(0, 1)) swamps the attention logits at first.
    noGrad(() => {
      nn.init.normal_(this.tokEmb.weight, 0, 0.02);
      nn.init.normal_(this.posEmb.weight, 0, 0.02);
    });
  }

  forward(x: Tensor): Tensor {
    const t = x.shape[1];
    if (t > this.cfg.blockSize) throw new RangeError(`the transformer reads at most ${this.cfg.blockSize} tokens, got ${t}`);
    const pos = this.posEmb(arange(t, { dtype: "int32", device: x.device }));
    const h = this.drop(this.tokEmb(x).add(pos));
    // True above the diagonal: position i attends to 0..i (a bool mask, as generateSquareSubsequentMask's −inf).
    const mask = ones([t, t], { device: x.device }).triu(1).gt(0);
    return this.head(this.norm(this.blocks(h, { mask, isCausal: true })));
  }
}

export type LanguageModel = nn.Module<[Tensor], Tensor>;

export function buildLm(cfg: LmConfig): LanguageModel {
  switch (cfg.kind) {
    case "mlp":
      return new MlpLm(cfg);
    case "lstm":
    case "gru":
      return new RecurrentLm(cfg);
    case "transformer":
      return new TransformerLm(cfg);
  }
}

/**
 * The number of weights `buildLm(cfg)` has, computed without building it: a checkpoint's config is checked against
 * the weights it carries before anything is allocated.
 */
export function lmNumel(cfg: LmConfig): number {
  const { vocabSize: v, embed: e, hidden: h, layers: l } = cfg;
  switch (cfg.kind) {
    case "mlp":
      return v * e + (cfg.context * e + 1) * h + (h + 1) * v;
    case "lstm":
    case "gru": {
      const gates = cfg.kind === "lstm" ? 4 : 3;
      let n = v * e + (h + 1) * v;
      for (let i = 0; i < l; i++) n += gates * h * ((i === 0 ? e : h) + h + 2);
      return n;
    }
    case "transformer": {
      const layer = 4 * e * e + 4 * e + 2 * e * h + h + e + 4 * e;
      return v * e + cfg.blockSize * e + l * layer + 2 * e + (e + 1) * v;
    }
  }
}
