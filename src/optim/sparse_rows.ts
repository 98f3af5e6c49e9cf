import { hostData, type SparseGrad } from "../nn/sparse_grad.js";
import type { Tensor } from "../tensor/tensor.js";

// Row-sparse updates for the optimizers that take sparse gradients (SGD, Adagrad): in place on the rows a gradient
// touches, O(rows used · dim), where the tensors live in host typed arrays (the cpu and wasm backends); composed from
// tensor ops elsewhere (same numbers, but each write copies the whole tensor there). Internal to tensorgrad/optim.

type Floats = Float32Array | Float64Array;

/** The elements of a contiguous tensor that lives in a plain typed array, else null. */
function hostArray(t: Tensor): Floats | null {
  const buf = t.storage.buffer;
  if (!(buf instanceof Float32Array || buf instanceof Float64Array) || !t.isContiguous()) return null;
  return buf.subarray(t.offset, t.offset + t.numel());
}

/** The [nnz, dim] index that scatters the gradient's rows into a [rows, dim] tensor. */
function rowIndex(grad: SparseGrad): Tensor {
  return grad.indices.unsqueeze(1).expand([grad.nnz, grad.shape[1]]);
}

/** `t[indices[k]] += alpha · values[k]` for every entry (repeated rows add up): torch's `t.add_(sparse, alpha=alpha)`. */
export function addRows_(t: Tensor, grad: SparseGrad, alpha: number, forceComposed = false): void {
  const out = forceComposed ? null : hostArray(t);
  if (!out) {
    t.copy_(t.scatterAdd(0, rowIndex(grad), grad.values.mul(alpha)));
    return;
  }
  const rows = hostData(grad.indices) as Int32Array;
  const vals = hostData(grad.values) as Floats;
  const dim = grad.shape[1];
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k] * dim;
    const s = k * dim;
    for (let d = 0; d < dim; d++) out[o + d] += alpha * vals[s + d];
  }
  t.storage.version++;
}

/**
 * Adagrad's sparse step on a coalesced gradient (torch's `_single_tensor_adagrad`, `grad.is_sparse`): for each row
 * touched, `sum += g²` and `param −= clr · g / (√sum + eps)`; `sign` is −1 to maximize.
 */
export function adagradRows_(
  param: Tensor,
  sum: Tensor,
  grad: SparseGrad,
  clr: number,
  eps: number,
  sign: number,
  forceComposed = false,
): void {
  const p = forceComposed ? null : hostArray(param);
  const s = forceComposed ? null : hostArray(sum);
  if (!p || !s) {
    const at = rowIndex(grad);
    const g = grad.values.mul(sign);
    sum.copy_(sum.scatterAdd(0, at, g.square()));
    const std = sum.indexSelect(0, grad.indices).sqrt().add(eps);
    param.copy_(param.scatterAdd(0, at, g.div(std).mul(-clr)));
    return;
  }
  const rows = hostData(grad.indices) as Int32Array;
  const vals = hostData(grad.values) as Floats;
  const dim = grad.shape[1];
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k] * dim;
    const src = k * dim;
    for (let d = 0; d < dim; d++) {
      const g = sign * vals[src + d];
      const i = o + d;
      s[i] += g * g;
      p[i] -= (clr * g) / (Math.sqrt(s[i]) + eps);
    }
  }
  param.storage.version++;
  sum.storage.version++;
}
