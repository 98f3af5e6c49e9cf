import { type Args, is, kw, required, signature } from "../args.js";
import { ShapeError } from "../errors.js";
import { broadcastShapes, fmt, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";

// PyTorch's "add a product" forms, composed from matmul, mul and add (so their gradients come from autograd). As in
// PyTorch, beta = 0 ignores `input` entirely (a NaN there does not propagate).

const scaled = { beta: kw(is.number, 1), alpha: kw(is.number, 1) };
const ADDMM = signature("addmm", { input: required(is.tensor), mat1: required(is.tensor), mat2: required(is.tensor), ...scaled });
const BADDBMM = signature("baddbmm", { input: required(is.tensor), batch1: required(is.tensor), batch2: required(is.tensor), ...scaled });
const ADDCMUL = signature("addcmul", {
  input: required(is.tensor),
  tensor1: required(is.tensor),
  tensor2: required(is.tensor),
  value: kw(is.number, 1),
});
const ADDCDIV = signature("addcdiv", {
  input: required(is.tensor),
  tensor1: required(is.tensor),
  tensor2: required(is.tensor),
  value: kw(is.number, 1),
});

/** beta·input + alpha·product, with beta = 0 dropping input (PyTorch's rule). */
function combine(input: Tensor, product: Tensor, beta: number, alpha: number): Tensor {
  const p = alpha === 1 ? product : product.mul(alpha);
  if (beta === 0) {
    const shape = broadcastShapes("addmm", input.shape, p.shape);
    return shapesEqual(shape, p.shape) ? p : p.expand(shape).contiguous();
  }
  return (beta === 1 ? input : input.mul(beta)).add(p);
}

/**
 * beta·input + alpha·(mat1 @ mat2) for 2-D mat1 [n, m] and mat2 [m, p], `input` broadcast to [n, p] (torch.addmm).
 *
 * @example
 * tg.addmm(bias, x, w.T); // a linear layer
 */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, ...rest: Args<[], { beta?: number; alpha?: number }>): Tensor {
  const a = ADDMM.parse([input, mat1, mat2, ...rest]);
  if (mat1.ndim !== 2 || mat2.ndim !== 2)
    throw new ShapeError(`addmm: mat1 and mat2 must be 2-D, got ${fmt(mat1.shape)} and ${fmt(mat2.shape)}`);
  return combine(input, mat1.mm(mat2), a.beta, a.alpha);
}

/** beta·input + alpha·(batch1 @ batch2) for 3-D batches [b, n, m] and [b, m, p] (torch.baddbmm). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...rest: Args<[], { beta?: number; alpha?: number }>): Tensor {
  const a = BADDBMM.parse([input, batch1, batch2, ...rest]);
  if (batch1.ndim !== 3 || batch2.ndim !== 3) {
    throw new ShapeError(`baddbmm: batch1 and batch2 must be 3-D, got ${fmt(batch1.shape)} and ${fmt(batch2.shape)}`);
  }
  return combine(input, batch1.bmm(batch2), a.beta, a.alpha);
}

/** input + value·tensor1·tensor2, elementwise with broadcasting (torch.addcmul). */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...rest: Args<[], { value?: number }>): Tensor {
  const { value } = ADDCMUL.parse([input, tensor1, tensor2, ...rest]);
  const p = tensor1.mul(tensor2);
  return input.add(value === 1 ? p : p.mul(value));
}

/** input + value·tensor1/tensor2, elementwise with broadcasting (torch.addcdiv). */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...rest: Args<[], { value?: number }>): Tensor {
  const { value } = ADDCDIV.parse([input, tensor1, tensor2, ...rest]);
  const q = tensor1.div(tensor2);
  return input.add(value === 1 ? q : q.mul(value));
}
