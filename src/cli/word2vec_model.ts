import { softplus } from "../nn/functional/activation.js";
import { uniform_, zeros_ } from "../nn/init.js";
import { Module } from "../nn/module.js";
import { Embedding } from "../nn/modules/embedding.js";
import { cat } from "../ops/join.js";
import type { Tensor } from "../tensor/tensor.js";

/** What a word2vec checkpoint records besides its weights. */
export interface Word2VecConfig {
  arch: "skipgram" | "cbow";
  dim: number;
  window: number;
  negatives: number;
  minCount: number;
  sample: number;
}

/**
 * word2vec (Mikolov et al. 2013) with negative sampling: input vectors `inEmbed` (the word vectors one keeps) and output
 * vectors `outEmbed`, both sparse embeddings; initialized as word2vec and gensim do (inputs U(−0.5/dim, 0.5/dim),
 * outputs 0). The loss of a (center, context) pair with negatives n₁…n_k is −log σ(u·v) − Σ log σ(−u·v_nᵢ).
 */
export class Word2Vec extends Module<[Tensor, Tensor, Tensor]> {
  inEmbed: Embedding;
  outEmbed: Embedding;

  constructor(
    readonly vocabSize: number,
    readonly dim: number,
  ) {
    super();
    this.inEmbed = new Embedding(vocabSize, dim, { sparse: true });
    this.outEmbed = new Embedding(vocabSize, dim, { sparse: true });
    uniform_(this.inEmbed.weight, -0.5 / dim, 0.5 / dim);
    zeros_(this.outEmbed.weight);
  }

  /** The mean negative-sampling loss of hidden vectors `h` [B, dim] against their targets [B] and negatives [B, k]. */
  private nsLoss(h: Tensor, targets: Tensor, negatives: Tensor): Tensor {
    const ids = cat([targets.unsqueeze(1), negatives], 1);
    const scores = this.outEmbed(ids).mul(h.unsqueeze(1)).sum(2); // [B, 1 + k]
    // −log σ(s) = softplus(−s) for the true context, −log σ(−s) = softplus(s) for the negatives.
    const sign = cat([scores.narrow(1, 0, 1).neg(), scores.narrow(1, 1, scores.shape[1] - 1)], 1);
    return softplus(sign).sum(1).mean();
  }

  /** Skip-gram: predict each context word from the center word. */
  forward(centers: Tensor, contexts: Tensor, negatives: Tensor): Tensor {
    return this.nsLoss(this.inEmbed(centers), contexts, negatives);
  }

  /** CBOW: predict the center word from the mean of its context words (`mask` marks the real ones). */
  cbowLoss(contexts: Tensor, mask: Tensor, centers: Tensor, negatives: Tensor): Tensor {
    const h = this.inEmbed(contexts).mul(mask.unsqueeze(2)).sum(1).div(mask.sum(1, true));
    return this.nsLoss(h, centers, negatives);
  }
}
