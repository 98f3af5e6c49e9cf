import { noGrad } from "../autograd/grad_mode.js";
import { record1 } from "../autograd/node.js";
import { DTYPES, type DType, isFloating } from "../dtype.js";
import { DimError, DTypeError, IndexError, ShapeError, ValueError } from "../errors.js";
import { contiguousStrides, fmt, inferShape, normalizeDim, notADim, numel } from "../shape.js";
import { Tensor } from "../tensor/tensor.js";
import { fromBuffer, viewTensor } from "./util.js";

// Views share storage with their input; each records a backward that maps the gradient back to the
// input's layout. Backward closures capture only numbers, never tensors.

/** The strides for viewing `shape`/`strides` as `newShape` without copying, or null (PyTorch's rule). */
function viewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  if (shape.length === 0 || numel(shape) === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    // A chunk ends where the next outer dim is not laid out right after this one.
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

/**
 * The same data with a new shape, sharing storage; one dim may be -1. Throws when the layout does
 * not allow a view (after a transpose, say): use `reshape`, which copies then.
 *
 * @example
 * tg.arange(6).view([2, 3]);
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel(), "view");
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new ShapeError(
      `view: size ${fmt(target)} is not compatible with the input's size ${fmt(x.shape)} and stride ${fmt(x.strides)} ` +
        "(at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const inShape = x.shape;
  return record1("ViewBackward0", viewTensor(x, target, strides, x.offset), [x], (g) => [g.reshape([...inShape])]);
}

/** `view` when the layout allows it, else a contiguous copy with the new shape. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel(), "reshape");
  if (viewStrides(x.shape, x.strides, target) !== null) return view(x, target);
  return view(contiguous(x), target);
}

/** Swaps two dims (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.ndim, "transpose");
  const b = normalizeDim(dim1, x.ndim, "transpose");
  if (x.ndim === 0) return alias(x);
  const order = new Array<number>(x.ndim);
  for (let i = 0; i < order.length; i++) order[i] = i === a ? b : i === b ? a : i;
  // A swap is a valid permutation and its own inverse.
  return permuted(x, order, order);
}

/** Reorders the dims (a view). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      `permute: number of dims don't match: the tensor has ${x.ndim} dims (shape ${fmt(x.shape)}) but ${dims.length} were given`,
    );
  }
  const order = dims.map((d) => normalizeDim(d, x.ndim, "permute"));
  if (new Set(order).size !== order.length) throw new ValueError(`permute: repeated dim in [${dims.join(", ")}]`);
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => {
    inverse[d] = i;
  });
  return permuted(x, order, inverse);
}

/** The view of `x` with dims in `order` (a valid permutation), whose backward permutes the gradient by `inverse`. */
function permuted(x: Tensor, order: readonly number[], inverse: readonly number[]): Tensor {
  const shape = new Array<number>(order.length);
  const strides = new Array<number>(order.length);
  for (let i = 0; i < order.length; i++) {
    shape[i] = x.shape[order[i]];
    strides[i] = x.strides[order[i]];
  }
  return record1("PermuteBackward0", viewTensor(x, shape, strides, x.offset), [x], (g) => [g.permute(inverse)]);
}

/** A view of the same tensor that records an identity node (so hooks and retainGrad see a new tensor). */
function alias(x: Tensor): Tensor {
  return record1("AliasBackward0", viewTensor(x, x.shape, x.strides, x.offset), [x], (g) => [g]);
}

/**
 * Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a size.
 * The gradient is summed back over the broadcast dims.
 *
 * @example
 * tg.tensor([1, 2, 3]).expand([2, 3]);
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(
      `expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const outShape: number[] = [];
  const strides: number[] = [];
  // An indexed loop: `shape` is often another tensor's (frozen) shape, on which forEach takes a slow path.
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    const own = i >= lead ? x.shape[i - lead] : 1;
    const size = s === -1 && i >= lead ? own : s;
    if (size < 0) throw new ValueError(`expand: invalid size ${s} at dim ${i}`);
    if (i >= lead && own !== 1 && own !== size) {
      throw new ShapeError(
        `expand: the expanded size of the tensor (${size}) must match the existing size (${own}) at non-singleton dimension ${i}. ` +
          `Target sizes: ${fmt(shape)}. Tensor sizes: ${fmt(x.shape)}`,
      );
    }
    outShape.push(size);
    strides.push(i < lead || (own === 1 && size !== 1) ? 0 : x.strides[i - lead]);
  }
  // The engine sums the gradient back to the input's shape, which is exactly expand's backward.
  return record1("ExpandBackward0", viewTensor(x, outShape, strides, x.offset), [x], (g) => [g]);
}

/** Removes size-1 dims: all of them, or those among `dim` (others are left as they are, like PyTorch). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  if (dim !== undefined && typeof dim !== "number" && !Array.isArray(dim)) {
    throw new DimError(`squeeze: dim must be an integer or an array of integers, got ${notADim(dim)}`);
  }
  const chosen = dim === undefined ? null : (typeof dim === "number" ? [dim] : dim).map((d) => normalizeDim(d, x.ndim, "squeeze"));
  const keep = x.shape.map((s, i) => s !== 1 || (chosen !== null && !chosen.includes(i)));
  const inShape = x.shape;
  const out = viewTensor(
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
    x.offset,
  );
  return record1("SqueezeBackward0", out, [x], (g) => [g.reshape([...inShape])]);
}

/** Inserts a size-1 dim at `dim` (which may be `ndim`). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, "unsqueeze");
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  return record1("UnsqueezeBackward0", viewTensor(x, shape, strides, x.offset), [x], (g) => [g.squeeze(d)]);
}

/** Merges dims `startDim..endDim` into one (a view when the layout allows). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, "flatten");
  const e = normalizeDim(endDim, x.ndim, "flatten");
  if (s > e) throw new ValueError(`flatten: startDim (${startDim}) cannot come after endDim (${endDim})`);
  const merged = numel(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Splits dim `dim` into `sizes` (one may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim, "unflatten");
  const inner = inferShape(sizes, x.shape[d], "unflatten");
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/**
 * A zero tensor of `shape` with `g` written into the region that `viewFn` selects: the backward of
 * every slicing view. Its own backward slices again, so double backward works.
 */
export function viewScatter(g: Tensor, shape: readonly number[], viewFn: (t: Tensor) => Tensor): Tensor {
  const out = fromBuffer(g._backend.alloc(g.dtype, numel(shape)), shape, g.dtype, g._backend);
  const region = noGrad(() => viewFn(out));
  out._backend.copy(region._view, g._view);
  return record1("ViewScatterBackward0", out, [g], (gg) => [viewFn(gg)]);
}

function checkIndexInRange(op: string, index: number, size: number, dim: number): number {
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(`${op}: index ${index} is out of range for dimension ${dim} with size ${size}`);
  }
  return index < 0 ? index + size : index;
}

/** The slice at `index` along `dim`, that dim removed (a view). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new IndexError("select: cannot select from a 0-dim tensor");
  const d = normalizeDim(dim, x.ndim, "select");
  const i = checkIndexInRange("select", index, x.shape[d], d);
  const out = viewTensor(
    x,
    x.shape.filter((_, k) => k !== d),
    x.strides.filter((_, k) => k !== d),
    x.offset + i * x.strides[d],
  );
  const inShape = x.shape;
  return record1("SelectBackward0", out, [x], (g) => [viewScatter(g, inShape, (t) => select(t, d, i))]);
}

/** `length` elements from `start` along `dim` (a view); `start` may be negative. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.ndim, "narrow");
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || s < 0 || s > size)
    throw new IndexError(`narrow: start ${start} is out of range for dimension ${d} with size ${size}`);
  if (!Number.isInteger(length) || length < 0 || s + length > size) {
    throw new IndexError(`narrow: start (${s}) + length (${length}) exceeds dimension ${d} of size ${size}`);
  }
  return sliceDim(x, d, s, length, 1, "NarrowBackward0");
}

/** @internal `count` elements along `dim` from `start` every `step` (a view). */
export function sliceDim(x: Tensor, dim: number, start: number, count: number, step: number, name = "SliceBackward0"): Tensor {
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[dim] = count;
  strides[dim] = x.strides[dim] * step;
  const out = viewTensor(x, shape, strides, x.offset + (count > 0 ? start * x.strides[dim] : 0));
  const inShape = x.shape;
  return record1(name, out, [x], (g) => [viewScatter(g, inShape, (t) => sliceDim(t, dim, start, count, step, name))]);
}

/** @internal A view with arbitrary strides over `x`'s storage, no gradient (flip uses negative strides). */
export function rawView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return viewTensor(x, shape, strides, offset);
}

/** A copy with its own storage, laid out contiguously. d/dx = 1. */
export function clone(x: Tensor): Tensor {
  const out = fromBuffer(x._backend.alloc(x.dtype, x.numel()), x.shape, x.dtype, x._backend);
  out._backend.copy(out._view, x._view);
  return record1("CloneBackward0", out, [x], (g) => [g]);
}

/** `x` itself when contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/** A new leaf sharing `x`'s storage (and version counter), cut off from the graph. */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape, x.strides, x.offset, null);
}

// PyTorch's other dtypes get an error that says where they are supported (storage, when saving) instead of a crash.
function assertComputeDType(dtype: unknown, op: string): void {
  if (DTYPES.includes(dtype as DType)) return;
  const storage = ["float16", "bfloat16", "half", "int64", "long"].includes(dtype as string)
    ? "; float16, bfloat16 and int64 are storage types here: save float16/bfloat16 copies with saveSafetensors(file, tensors, metadata, { floatDType }) and int32 as int64 with { int64: true }"
    : "";
  throw new DTypeError(`${op}: dtype ${JSON.stringify(dtype)} is not supported; tensors compute in ${DTYPES.join(", ")}${storage}`);
}

/** A copy cast to `dtype` (or `x` when it already has it). Differentiable between float dtypes. */
export function to(x: Tensor, dtype: DType): Tensor {
  if (dtype === x.dtype) return x;
  assertComputeDType(dtype, "to");
  const out = fromBuffer(x._backend.alloc(dtype, x.numel()), x.shape, dtype, x._backend);
  out._backend.copy(out._view, x._view);
  if (!isFloating(dtype)) return out;
  // The engine casts the gradient back to the input's dtype.
  return record1("ToCopyBackward0", out, [x], (g) => [g]);
}
