import { isGradEnabled } from "../../autograd/grad_mode.js";
import { record1 } from "../../autograd/node.js";
import { DTypeError, IndexError, ShapeError } from "../../errors.js";
import { fromTyped, zeros } from "../../ops/creation.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { accumulateSparseGrad, hostData, SparseGrad } from "../sparse_grad.js";

/**
 * The graph edge of each sparse weight: a scalar leaf standing in for the weight, so that the engine never builds (or
 * zero-fills) a dense [rows, dim] gradient for it. The real gradient goes to `sparseGrad(weight)`.
 */
const anchors = new WeakMap<Tensor, Tensor>();

function anchorOf(weight: Tensor): Tensor {
  let a = anchors.get(weight);
  if (!a) {
    a = zeros([], { requiresGrad: true });
    anchors.set(weight, a);
  }
  return a;
}

/**
 * The rows of a contiguous weight that lives in a host typed array (the cpu and wasm backends), copied row by row into
 * a new [n, dim] tensor; null elsewhere (the caller then uses indexSelect, which gives the same values).
 */
function lookupRows(weight: Tensor, flat: Tensor): Tensor | null {
  const buf = weight.storage.buffer;
  if (!(buf instanceof Float32Array || buf instanceof Float64Array) || !weight.isContiguous()) return null;
  const [rows, dim] = weight.shape as [number, number];
  const ids = hostData(flat) as Int32Array;
  const out = new (buf.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(ids.length * dim);
  const base = weight.offset;
  for (let k = 0; k < ids.length; k++) {
    let r = ids[k];
    if (r < -rows || r >= rows) throw new IndexError(`embedding: index ${r} is out of range for ${rows} rows`);
    if (r < 0) r += rows;
    out.set(buf.subarray(base + r * dim, base + (r + 1) * dim), k * dim);
  }
  return fromTyped(out, [ids.length, dim]);
}

/**
 * `F.embedding(indices, weight, paddingIdx)` with PyTorch's `sparse=True`: the forward is the same row lookup, and the
 * backward costs O(rows used): it adds (indices, gradient rows) to `tg.nn.utils.sparseGrad(weight)` instead of
 * making a dense gradient in `weight.grad` (which stays null). Rows equal to `paddingIdx` get no gradient.
 *
 * @example
 * const out = tg.nn.functional.embeddingSparse(ids, emb.weight);
 * out.sum().backward();
 * tg.nn.utils.sparseGrad(emb.weight); // a SparseGrad over the rows in ids
 */
export function embeddingSparse(indices: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor {
  if (indices.dtype !== "int32") throw new DTypeError(`embedding: indices must be int32, got ${indices.dtype}`);
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D, got shape ${fmt(weight.shape)}`);
  const [rows, dim] = weight.shape as [number, number];
  const flat = indices.reshape([-1]);
  const out = lookupRows(weight, flat) ?? weight.detach().indexSelect(0, flat);

  const shaped = out.reshape([...indices.shape, dim]);
  if (!(isGradEnabled() && weight.requiresGrad)) return shaped;
  const pad = paddingIdx === undefined || paddingIdx === null ? -1 : paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
  // The closure holds the weight (a parameter that outlives the graph); the indices are saved like any op's tensors.
  return record1(
    "EmbeddingBackward0",
    shaped,
    [anchorOf(weight)],
    (g, [idx]) => {
      let values = g.detach().reshape([-1, dim]);
      if (pad >= 0) values = values.maskedFill(idx.eq(pad).unsqueeze(1), 0);
      accumulateSparseGrad(weight, new SparseGrad(idx, values.contiguous(), [rows, dim]));
      return [null];
    },
    [flat],
  );
}
