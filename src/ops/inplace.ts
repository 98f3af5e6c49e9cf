import { isGradEnabled } from "../autograd/grad_mode.js";
import { needsGrad, record1 } from "../autograd/node.js";
import type { DType } from "../dtype.js";
import { AutogradError, DTypeError, ValueError } from "../errors.js";
import { fmt } from "../shape.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";
import { arange } from "./creation.js";
import { toDevice } from "./device.js";
import type { IndexItem } from "./slicing.js";
import { asTensor, sameShape } from "./util.js";
import { viewScatter } from "./views.js";

const rank = (d: DType): number => (d === "bool" ? 0 : d === "int32" ? 1 : 2);

function checkWritable(x: Tensor, op: string): void {
  // An empty tensor has nothing to write (and [2, 0] has stride 0 in dim 0 without any overlap).
  if (x.numel() > 0 && x.shape.some((s, i) => s > 1 && x.strides[i] === 0)) {
    throw new ValueError(
      `${op}: more than one element of the written-to tensor refers to a single memory location (an expanded view); clone() it first`,
    );
  }
}

/** Writes `value` into `x`'s memory and bumps the version counter shared by all its views. */
function writeInto(x: Tensor, value: Tensor, op: string): void {
  if (rank(value.dtype) > rank(x.dtype)) {
    throw new DTypeError(`${op}: result type ${value.dtype} can't be cast to the desired output type ${x.dtype}`);
  }
  x._backend.copy(x._view, (sameShape(value.shape, x.shape) ? value : value.expand([...x.shape]))._view);
  x.storage.version++;
}

/**
 * An in-place op: computes `compute(x)` out of place, then writes it into `x`. When the graph is recorded,
 * the old value is cloned first (so a node that saved it still sees it) and `x` takes over the result's
 * graph node, as PyTorch's in-place ops do.
 */
export function inplace<T extends Tensor>(
  x: T,
  op: string,
  compute: (x: Tensor) => Tensor,
  others: readonly (TensorLike | null)[] = [],
): T {
  checkWritable(x, op);
  const recording = needsGrad([x, ...others.filter((o): o is Tensor => o instanceof Tensor)]);
  if (!recording) {
    writeInto(x, compute(x), op);
    return x;
  }
  if (x.isLeaf && x.requiresGrad) {
    throw new AutogradError(
      `${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap it in tg.noGrad() or clone() it`,
    );
  }
  // Also when only the written value requires grad: the base would silently stay cut off from the graph.
  if (x._base) {
    throw new AutogradError(
      `${op}: recorded in-place ops on a view are not supported (tensorgrad does not rebase views, so the base ` +
        "would not see the new graph); use the out-of-place op, clone() the view first, or write into the base with set()",
    );
  }
  const result = compute(x.clone());
  writeInto(x, result, op);
  if (result.gradFn) x._setGradFn(result.gradFn, result._outputNr);
  return x;
}

/**
 * `x.add_(other, alpha)` without temporaries where nothing is recorded and the backend has an in-place axpy for these
 * layouts (the optimizers' `p.add_(g, -lr)`); returns false, having done nothing, where the general path must run.
 * The values are those `add(x, mul(other, alpha))` would give.
 */
export function addScaled_(x: Tensor, other: TensorLike, alpha: number): boolean {
  if (!(other instanceof Tensor) || other._backend !== x._backend || needsGrad([x, other])) return false;
  if (!x._backend.axpy?.(x._view, other._view, alpha)) return false;
  x.storage.version++;
  return true;
}

/** `x.copy_(src)`: `src` broadcast to `x`'s shape and cast to its dtype (any cast is allowed, as in PyTorch). */
export function copy_<T extends Tensor>(x: T, src: TensorLike): T {
  checkWritable(x, "copy_");
  const cast = asTensor(src, x.dtype, x._backend);
  // The one op that copies between devices, as PyTorch's copy_ does (a source only read asynchronously cannot).
  const s = cast._backend.device === x._backend.device ? cast : toDevice(cast, x._backend.device, "copy_");
  if (s.ndim > x.ndim || s.shape.some((d, i) => d !== 1 && d !== x.shape[x.ndim - s.ndim + i])) {
    throw new ValueError(`copy_: source of shape ${fmt(s.shape)} cannot be broadcast to ${fmt(x.shape)}`);
  }
  if (!isGradEnabled() || !(s.requiresGrad || x.requiresGrad)) {
    writeInto(x, s, "copy_");
    return x;
  }
  // Every old value is overwritten: the gradient flows only to src. The old value stays an input (getting no
  // gradient, as PyTorch's CopyBackwards), so copying a constant into a tensor that requires grad cuts its history.
  return inplace(x, "copy_", (old) => record1("CopyBackwards", s.detach().expand([...x.shape]), [old, s], (g) => [null, g]), [s]) as T;
}

/** `x[index] = value`, in place; recorded for autograd when `x` is not a view of a tensor that requires grad. */
export function setIndex<T extends Tensor>(x: T, index: readonly IndexItem[], value: TensorLike): T {
  if (index.some((i) => i instanceof Tensor)) {
    // A tensor index makes get() return a copy, so write through the flat positions it picks instead.
    const positions = arange(0, x.numel(), 1, { device: x._backend.device }).reshape([...x.shape]);
    const picked = positions.get(...index);
    const flat = picked.reshape([-1]);
    const put = (old: Tensor): Tensor => {
      const src = asTensor(value, x.dtype, x._backend).expand([...picked.shape]);
      const written = old.reshape([-1]).scatter(0, flat, src.reshape([-1]));
      return written.reshape([...old.shape]);
    };
    return inplace(x, "set", put, [value instanceof Tensor ? value : null]);
  }
  const region = (t: Tensor): Tensor => t.get(...index);
  if (!needsGrad([x, value instanceof Tensor ? value : null])) {
    copy_(region(x.detach()), value);
    return x;
  }
  return inplace(
    x,
    "set",
    (old) => {
      const v = asTensor(value, x.dtype, x._backend).expand([...region(old).shape]);
      // Keep the old values outside the region, take `value` inside it.
      const mask = viewScatter(v.detach().mul(0).add(1), old.shape, region).ne(0);
      return old.maskedFill(mask, 0).add(viewScatter(v, old.shape, region));
    },
    [value instanceof Tensor ? value : null],
  ) as T;
}
