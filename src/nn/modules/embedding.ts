import { ValueError } from "../../errors.js";
import { empty } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { embedding } from "../functional/linear.js";
import { embeddingSparse } from "../functional/sparse_embedding.js";
import { normal_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface EmbeddingOptions {
  /** A row that maps to zeros at initialization and never receives gradient (padding tokens). */
  paddingIdx?: number;
  dtype?: "float32" | "float64";
  /**
   * Row-sparse gradients, as PyTorch's `sparse=True`: backward costs O(rows used) and fills
   * `tg.nn.utils.sparseGrad(weight)` instead of `weight.grad`; train with `tg.optim.SparseAdam`.
   */
  sparse?: boolean;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialized from N(0, 1) like PyTorch.
 *
 * @example
 * const emb = new tg.nn.Embedding(27, 10);
 * emb(tg.tensor([[1, 2, 3]], { dtype: "int32" })).shape; // [1, 3, 10]
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  readonly sparse: boolean;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    const p = options.paddingIdx;
    if (p !== undefined && (p >= numEmbeddings || p < -numEmbeddings)) {
      throw new ValueError(`Embedding: paddingIdx ${p} must be within [${-numEmbeddings}, ${numEmbeddings})`);
    }
    this.paddingIdx = p === undefined ? null : p < 0 ? p + numEmbeddings : p;
    if (options.sparse !== undefined && typeof options.sparse !== "boolean") {
      throw new ValueError(`Embedding: sparse must be a boolean, got ${typeof options.sparse}`);
    }
    this.sparse = options.sparse ?? false;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: options.dtype ?? "float32" }));
    this.resetParameters();
  }

  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) this.weight.get(this.paddingIdx).detach().zero_();
  }

  forward(indices: Tensor): Tensor {
    return this.sparse ? embeddingSparse(indices, this.weight, this.paddingIdx) : embedding(indices, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ""}${this.sparse ? ", sparse=true" : ""}`;
  }
}
