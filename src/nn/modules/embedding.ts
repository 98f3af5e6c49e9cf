import { type Args, arg, is, kw, required, signature } from "../../args.js";
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
  paddingIdx?: number | null;
  maxNorm?: null;
  normType?: 2;
  scaleGradByFreq?: false;
  dtype?: "float32" | "float64";
  /**
   * Row-sparse gradients, as PyTorch's `sparse=True`: backward costs O(rows used) and fills
   * `tg.nn.utils.sparseGrad(weight)` instead of `weight.grad`; train with `tg.optim.SparseAdam`, `SGD` or `Adagrad`.
   */
  sparse?: boolean;
}

const EMBEDDING = signature("Embedding", {
  numEmbeddings: required(is.nonNegInt),
  embeddingDim: required(is.nonNegInt),
  paddingIdx: arg(is.nullable(is.int), null),
  // PyTorch's maxNorm, normType and scaleGradByFreq are not implemented: only their defaults are accepted.
  maxNorm: arg(is.only(null, "maxNorm is not implemented"), null),
  normType: arg(is.only(2, "normType only matters with maxNorm"), 2),
  scaleGradByFreq: arg(is.only(false, "scaleGradByFreq is not implemented"), false),
  sparse: arg(is.boolean, false),
  dtype: kw(is.floatDType, "float32"),
});

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialized from N(0, 1) like PyTorch.
 *
 * @example
 * const emb = new tg.nn.Embedding(27, 10);
 * emb(tg.tensor([[1, 2, 3]], { dtype: "int32" })).shape; // [1, 3, 10]
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly sparse: boolean;

  constructor(
    numEmbeddings: number,
    embeddingDim: number,
    ...rest: Args<[paddingIdx: number | null, maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: boolean], EmbeddingOptions>
  ) {
    super();
    const a = EMBEDDING.parse([numEmbeddings, embeddingDim, ...rest]);
    this.numEmbeddings = a.numEmbeddings;
    this.embeddingDim = a.embeddingDim;
    const p = a.paddingIdx;
    if (p !== null && (p >= numEmbeddings || p < -numEmbeddings)) {
      throw new ValueError(`Embedding: paddingIdx ${p} must be within [${-numEmbeddings}, ${numEmbeddings})`);
    }
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.sparse = a.sparse;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: a.dtype }));
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
