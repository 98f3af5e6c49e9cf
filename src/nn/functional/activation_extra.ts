import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ShapeError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { fmt, normalizeDim } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { elu, hardtanh, softmax } from "./activation.js";

// More of torch.nn.functional's activations, each a composition of core ops (gradients from autograd).

const input = { input: required(is.tensor) };
const notInplace = arg(is.only(false, "in-place is not implemented for this function"), false);
const RELU6 = signature("relu6", { ...input, inplace: notInplace });
const SELU = signature("selu", { ...input, inplace: notInplace });
const CELU = signature("celu", { ...input, alpha: arg(is.number, 1), inplace: notInplace });
const HARDSIGMOID = signature("hardsigmoid", { ...input, inplace: notInplace });
const HARDSWISH = signature("hardswish", { ...input, inplace: notInplace });
const HARDSHRINK = signature("hardshrink", { ...input, lambd: arg(is.number, 0.5) });
const SOFTSHRINK = signature("softshrink", {
  ...input,
  lambd: arg(
    is.numberWhere("a non-negative number", (v) => v >= 0),
    0.5,
  ),
});
const TANHSHRINK = signature("tanhshrink", input);
const LOGSIGMOID = signature("logsigmoid", input);
const SOFTSIGN = signature("softsign", input);
const SOFTMIN = signature("softmin", { ...input, dim: arg(is.nullable(is.int), null), dtype: kw(is.nullable(is.floatDType), null) });
const GLU = signature("glu", { ...input, dim: arg(is.int, -1) });

/** SELU's constants (Klambauer et al. 2017), as PyTorch's. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

type Inplace = Args<[inplace: false], { inplace?: false }>;

/** min(max(x, 0), 6). */
export function relu6(x: Tensor, ...rest: Inplace): Tensor {
  RELU6.parse([x, ...rest]);
  return hardtanh(x, 0, 6);
}

/** scale·(x where x > 0, else alpha·(e^x − 1)) with SELU's fixed alpha and scale. */
export function selu(x: Tensor, ...rest: Inplace): Tensor {
  SELU.parse([x, ...rest]);
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

/** x where x > 0, else alpha·(e^(x/alpha) − 1). */
export function celu(x: Tensor, ...rest: Args<[alpha: number, inplace: false], { alpha?: number; inplace?: false }>): Tensor {
  const { alpha } = CELU.parse([x, ...rest]);
  return where(x.gt(0), x, x.clamp(null, 0).div(alpha).expm1().mul(alpha));
}

/** relu6(x + 3)/6: 0 below −3, 1 above 3, linear between. */
export function hardsigmoid(x: Tensor, ...rest: Inplace): Tensor {
  HARDSIGMOID.parse([x, ...rest]);
  return hardtanh(x.add(3), 0, 6).div(6);
}

/** x·relu6(x + 3)/6 (MobileNetV3). */
export function hardswish(x: Tensor, ...rest: Inplace): Tensor {
  HARDSWISH.parse([x, ...rest]);
  return x.mul(hardtanh(x.add(3), 0, 6).div(6));
}

/** x where |x| > lambd, else 0. */
export function hardshrink(x: Tensor, ...rest: Args<[lambd: number], { lambd?: number }>): Tensor {
  const { lambd } = HARDSHRINK.parse([x, ...rest]);
  return where(x.gt(lambd).logicalOr(x.lt(-lambd)), x, 0);
}

/** x − lambd above lambd, x + lambd below −lambd, else 0. */
export function softshrink(x: Tensor, ...rest: Args<[lambd: number], { lambd?: number }>): Tensor {
  const { lambd } = SOFTSHRINK.parse([x, ...rest]);
  return where(x.gt(lambd), x.sub(lambd), where(x.lt(-lambd), x.add(lambd), 0));
}

/** x − tanh x. */
export function tanhshrink(...args: [input: Tensor]): Tensor {
  const { input: x } = TANHSHRINK.parse(args);
  return x.sub(x.tanh());
}

/** ln σ(x) = −ln(1 + e^−x), computed without overflow (min(x, 0) − ln(1 + e^−|x|)). */
export function logsigmoid(...args: [input: Tensor]): Tensor {
  const { input: x } = LOGSIGMOID.parse(args);
  const pos = x.gt(0);
  // Built from where (not relu/abs) so the gradient at 0 is σ(−0) = 0.5, as PyTorch's.
  return where(pos, 0, x).sub(where(pos, x.neg(), x).exp().log1p());
}

/** x/(1 + |x|). */
export function softsign(...args: [input: Tensor]): Tensor {
  const { input: x } = SOFTSIGN.parse(args);
  return x.div(x.abs().add(1));
}

/** softmax(−x) along `dim` (with no dim, PyTorch's implicit choice, as softmax). */
export function softmin(
  x: Tensor,
  ...rest: Args<[dim: number | null], { dim?: number | null; dtype?: "float32" | "float64" | null }>
): Tensor {
  const a = SOFTMIN.parse([x, ...rest]);
  return softmax(x.neg(), a.dim, { dtype: a.dtype });
}

/** Gated linear unit: the first half of `dim` times σ of the second half. */
export function glu(x: Tensor, ...rest: Args<[dim: number], { dim?: number }>): Tensor {
  const { dim } = GLU.parse([x, ...rest]);
  const d = normalizeDim(dim, x.ndim, "glu");
  if (x.ndim === 0 || x.shape[d] % 2 !== 0) {
    throw new ShapeError(`glu: halving dimension must be even, but dimension ${dim} of shape ${fmt(x.shape)} is not`);
  }
  const [a, b] = x.chunk(2, d);
  return a.mul(b.sigmoid());
}
