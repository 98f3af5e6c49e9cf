import { type Args, arg, is, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { cosineSimilarity, pairwiseDistance } from "../functional/distance.js";
import { Module } from "../module.js";

const COSINE_SIMILARITY = signature("CosineSimilarity", {
  dim: arg(is.int, 1),
  eps: arg(is.number, 1e-8),
});
const PAIRWISE_DISTANCE = signature("PairwiseDistance", {
  p: arg(
    is.numberWhere("a number (Infinity for the max norm)", (v) => !Number.isNaN(v)),
    2,
  ),
  eps: arg(is.number, 1e-6),
  keepdim: arg(is.boolean, false),
});

/**
 * The cosine similarity of two inputs along `dim`, as torch.nn.CosineSimilarity (see `F.cosineSimilarity`).
 *
 * @example
 * const cos = new tg.nn.CosineSimilarity({ dim: -1 });
 * cos(a, b); // [N, D], [N, D] -> [N]
 */
export class CosineSimilarity extends Module<[Tensor, Tensor]> {
  readonly dim: number;
  readonly eps: number;
  /** PyTorch's `CosineSimilarity(dim=1, eps=1e-8)`. */
  constructor(...args: Args<[dim: number, eps: number], { dim?: number; eps?: number }>) {
    super();
    const a = COSINE_SIMILARITY.parse(args);
    this.dim = a.dim;
    this.eps = a.eps;
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, this.dim, this.eps);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, eps=${this.eps}`;
  }
}

/**
 * The p-norm distance between two inputs over their last dim, as torch.nn.PairwiseDistance (see `F.pairwiseDistance`).
 *
 * @example
 * const dist = new tg.nn.PairwiseDistance(); // p = 2
 * dist(anchor, positive); // [N, D], [N, D] -> [N]
 */
export class PairwiseDistance extends Module<[Tensor, Tensor]> {
  readonly p: number;
  readonly eps: number;
  readonly keepdim: boolean;
  /** PyTorch's `PairwiseDistance(p=2.0, eps=1e-6, keepdim=False)`. */
  constructor(...args: Args<[p: number, eps: number, keepdim: boolean], { p?: number; eps?: number; keepdim?: boolean }>) {
    super();
    const a = PAIRWISE_DISTANCE.parse(args);
    this.p = a.p;
    this.eps = a.eps;
    this.keepdim = a.keepdim;
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, this.p, this.eps, this.keepdim);
  }
  override extraRepr(): string {
    return `p=${this.p}, eps=${this.eps}, keepdim=${this.keepdim}`;
  }
}
