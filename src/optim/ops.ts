import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

// The fused in-place ops torch.optim uses, composed from tensorgrad's in-place primitives. Internal to
// the optimizers (call them under noGrad); not exported from `tensorgrad/optim`.

/** `self += weight · (end − self)`, computed as PyTorch's CPU `lerp_` does (from the nearer end). */
export function lerp_(self: Tensor, end: Tensor, weight: number): Tensor {
  if (weight < 0.5) return self.add_(end.sub(self), { alpha: weight });
  return self.copy_(end.sub(end.sub(self).mul(1 - weight)));
}

/** `self += value · t1 · t2` (torch's `addcmul_`). */
export function addcmul_(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return self.add_(t1.mul(t2), { alpha: value });
}

/** `self += value · t1 / t2` (torch's `addcdiv_`). */
export function addcdiv_(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return self.add_(t1.div(t2), { alpha: value });
}

/** Throws a `ValueError` unless `ok`, with PyTorch's "Invalid <what>: <value>" message. */
export function check(ok: boolean, what: string, value: number): void {
  if (!ok) throw new ValueError(`Invalid ${what}: ${value}`);
}
