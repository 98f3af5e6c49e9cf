import { DeviceError, ShapeError, ValueError } from "../errors.js";
import { fromTyped, zeros } from "../ops/creation.js";
import { cat } from "../ops/join.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";

type Floats = Float32Array | Float64Array;

/**
 * A row-sparse gradient, the shape of PyTorch's sparse COO gradient of `nn.Embedding(sparse=True)`: `values[k]` is the
 * gradient of row `indices[k]` of a [rows, dim] weight; a row may appear several times (the entries add up) until
 * `coalesce()` merges them. Costs O(rows used), never O(rows).
 *
 * @example
 * const g = tg.nn.utils.sparseGrad(emb.weight)!;
 * g.coalesce().indices.tolist(); // the distinct rows that got gradient, sorted
 * g.toDense();                   // the dense [rows, dim] gradient (for inspection)
 */
export class SparseGrad {
  constructor(
    /** int32 [nnz]: the row of each entry. */
    readonly indices: Tensor,
    /** [nnz, dim]: each entry's gradient row. */
    readonly values: Tensor,
    /** The dense shape, [rows, dim]. */
    readonly shape: readonly [number, number],
    /** Whether the indices are sorted and distinct. */
    readonly isCoalesced = false,
  ) {
    if (indices.dtype !== "int32" || indices.ndim !== 1)
      throw new ShapeError(`SparseGrad: indices must be 1-D int32, got ${indices.dtype} ${indices.ndim}-D`);
    if (values.ndim !== 2 || values.shape[0] !== indices.shape[0] || values.shape[1] !== shape[1]) {
      throw new ShapeError(
        `SparseGrad: values of shape ${fmt(values.shape)} do not match ${indices.shape[0]} indices and rows of ${shape[1]}`,
      );
    }
  }

  /** The number of stored entries (rows, with repeats). */
  get nnz(): number {
    return this.indices.shape[0];
  }

  /** The same gradient with sorted, distinct rows (repeated rows summed), as PyTorch's `coalesce()`. */
  coalesce(): SparseGrad {
    if (this.isCoalesced) return this;
    const idx = hostData(this.indices) as Int32Array;
    const dim = this.shape[1];
    // Sorted distinct rows (a native numeric sort), then each entry's slot by binary search: O(nnz · (log nnz + dim)).
    const sorted = Int32Array.from(idx).sort();
    let u = 0;
    for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[u++] = sorted[k];
    const unique = sorted.subarray(0, u);
    const src = hostData(this.values) as Floats;
    const out = new (src.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(u * dim);
    for (let k = 0; k < idx.length; k++) {
      let lo = 0;
      let hi = u - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (unique[mid] < idx[k]) lo = mid + 1;
        else hi = mid;
      }
      const o = lo * dim;
      const s = k * dim;
      for (let d = 0; d < dim; d++) out[o + d] += src[s + d];
    }
    return new SparseGrad(fromTyped(unique.slice(), [u]), fromTyped(out, [u, dim]), this.shape, true);
  }

  /** The dense [rows, dim] gradient (O(rows · dim): for inspection and tests). */
  toDense(): Tensor {
    const [rows, dim] = this.shape;
    const index = this.indices.unsqueeze(1).expand([this.nnz, dim]);
    return zeros([rows, dim], { dtype: this.values.dtype as "float32" | "float64" }).scatterAdd(0, index, this.values);
  }

  /** This gradient followed by `other`'s entries (the sum, uncoalesced). */
  add(other: SparseGrad): SparseGrad {
    if (other.shape[0] !== this.shape[0] || other.shape[1] !== this.shape[1]) {
      throw new ShapeError(`SparseGrad.add: shapes ${fmt(this.shape)} and ${fmt(other.shape)} differ`);
    }
    return new SparseGrad(cat([this.indices, other.indices]), cat([this.values, other.values]), this.shape);
  }
}

/**
 * The elements of `t` in order: its own host typed array without a copy where it is contiguous in one (the cpu and
 * wasm backends), else a copy read from the backend. Callers must not write to it.
 * @internal
 */
export function hostData(t: Tensor): ArrayLike<number> & (Int32Array | Floats) {
  const buf = t.storage.buffer;
  if ((buf instanceof Float32Array || buf instanceof Float64Array || buf instanceof Int32Array) && t.isContiguous()) {
    return buf.subarray(t.offset, t.offset + t.numel());
  }
  if (t._backend.asyncOnly) {
    throw new DeviceError(
      `sparse gradients (nn.Embedding({ sparse: true }), SparseAdam, coalesce) are handled on the host and not available on the ${t.device} device; ` +
        "use a dense embedding (sparse: false) with another optimizer there, or keep the sparse embedding on the CPU",
    );
  }
  return t.toArray() as Int32Array | Floats;
}

const grads = new WeakMap<Tensor, SparseGrad>();

/**
 * The row-sparse gradient accumulated in `param` by a `sparse: true` embedding's backward, or null. Such a parameter's
 * `.grad` stays null: `tg.optim.SparseAdam`, `SGD` and `Adagrad` step on it (the other optimizers throw), and
 * `zeroGrad()` (an optimizer's or a module's) clears it.
 *
 * @example
 * const emb = new tg.nn.Embedding(1000, 16, { sparse: true });
 * emb(ids).sum().backward();
 * tg.nn.utils.sparseGrad(emb.weight)?.nnz; // ids.numel()
 */
export function sparseGrad(param: Tensor): SparseGrad | null {
  return grads.get(param) ?? null;
}

/** Adds `g` to `param`'s sparse gradient (what a sparse embedding's backward does). */
export function accumulateSparseGrad(param: Tensor, g: SparseGrad): void {
  if (g.shape[0] !== param.shape[0] || g.shape[1] !== param.shape[1]) {
    throw new ValueError(`accumulateSparseGrad: gradient of shape ${fmt(g.shape)} for a parameter of shape ${fmt(param.shape)}`);
  }
  const prev = grads.get(param);
  grads.set(param, prev ? prev.add(g) : g);
}

/** Drops `param`'s sparse gradient (as `zeroGrad` sets a dense one to null). */
export function clearSparseGrad(param: Tensor): void {
  grads.delete(param);
}
