import { type Args, arg, is, required, signature } from "../../args.js";
import { DTypeError, ShapeError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { arange } from "../../ops/creation.js";
import { linear as linearOp } from "../../ops/linalg.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

const LINEAR = signature("linear", { input: required(is.tensor), weight: required(is.tensor), bias: arg(is.nullable(is.tensor), null) });
const BILINEAR = signature("bilinear", {
  input1: required(is.tensor),
  input2: required(is.tensor),
  weight: required(is.tensor),
  bias: arg(is.nullable(is.tensor), null),
});
const EMBEDDING = signature("embedding", {
  input: required(is.tensor),
  weight: required(is.tensor),
  paddingIdx: arg(is.nullable(is.int), null),
  maxNorm: arg(is.only(null, "maxNorm is not implemented"), null),
  normType: arg(is.only(2, "normType only matters with maxNorm"), 2),
  scaleGradByFreq: arg(is.only(false, "scaleGradByFreq is not implemented"), false),
  sparse: arg(is.only(false, "use nn.Embedding with sparse: true"), false),
});

/**
 * x·Wᵀ + b, with W of shape [out, in] as in PyTorch; x may have any leading dims.
 *
 * @example
 * F.linear(tg.randn([32, 784]), w, b);
 */
export function linear(x: Tensor, weight: Tensor, ...rest: Args<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor {
  const { bias } = LINEAR.parse([x, weight, ...rest]);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[weight.ndim - 1]) {
    throw new ShapeError(`linear: input of shape ${fmt(x.shape)} does not match weight of shape ${fmt(weight.shape)} (last dims differ)`);
  }
  // The fused op (one node, W read transposed in place) for the usual 2-D weight and [out] bias of the input's dtype;
  // anything else (a 1-D weight, a broadcast bias, mixed dtypes) keeps the composed form and its promotion rules.
  const fused =
    weight.ndim === 2 &&
    x.dtype === weight.dtype &&
    (!bias || (bias.ndim === 1 && bias.shape[0] === weight.shape[0] && bias.dtype === x.dtype));
  if (fused) return linearOp(x, weight, bias);
  const y = x.matmul(weight.mT);
  return bias ? y.add(bias) : y;
}

/** x1ᵀ·A·x2 + b per output feature: weight [out, in1, in2], inputs [..., in1] and [..., in2]. */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, ...rest: Args<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor {
  const { bias } = BILINEAR.parse([x1, x2, weight, ...rest]);
  const [out, in1, in2] = weight.shape;
  if (x1.shape[x1.ndim - 1] !== in1 || x2.shape[x2.ndim - 1] !== in2) {
    throw new ShapeError(`bilinear: inputs ${fmt(x1.shape)} and ${fmt(x2.shape)} do not match weight ${fmt(weight.shape)}`);
  }
  // (x1 · W_o) · x2 for every output o: [..., 1, 1, in1] @ [out, in1, in2] → [..., out, 1, in2].
  const left = x1.unsqueeze(-2).unsqueeze(-2).matmul(weight);
  const y = left.mul(x2.unsqueeze(-2).unsqueeze(-2)).sum(-1).squeeze(-1);
  const shaped = y.reshape([...x1.shape.slice(0, -1), out]);
  return bias ? shaped.add(bias) : shaped;
}

/**
 * Rows of `weight` picked by int32 indices of any shape: [...idx] → [...idx, dim]. The row `paddingIdx`
 * receives no gradient, as in PyTorch.
 */
export function embedding(
  indices: Tensor,
  weight: Tensor,
  ...rest: Args<
    [paddingIdx: number | null, maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false],
    { paddingIdx?: number | null }
  >
): Tensor {
  const { paddingIdx } = EMBEDDING.parse([indices, weight, ...rest]);
  if (indices.dtype !== "int32") throw new DTypeError(`embedding: indices must be int32, got ${indices.dtype}`);
  let w = weight;
  if (paddingIdx !== undefined && paddingIdx !== null) {
    const row = paddingIdx < 0 ? paddingIdx + weight.shape[0] : paddingIdx;
    w = where(arange(0, weight.shape[0], 1, { device: weight._backend.device }).eq(row).unsqueeze(1), weight.detach(), weight);
  }
  return w.indexSelect(0, indices.reshape([-1])).reshape([...indices.shape, weight.shape[1]]);
}
