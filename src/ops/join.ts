import { record } from "../autograd/node.js";
import { DeviceError, ShapeError, ValueError } from "../errors.js";
import { fmt, normalizeDim, normalizeDims, notADim } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { where } from "./binary.js";
import { arange } from "./creation.js";
import { asTensor, backendOf, fromBuffer, resultTypeOf } from "./util.js";
import { narrow, rawView, sliceDim } from "./views.js";

/**
 * Joins tensors along an existing dim; all other sizes must match. Dtypes promote like arithmetic.
 *
 * @example
 * tg.cat([a, b], 0);
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("cat: expected a non-empty list of tensors");
  const first = tensors[0];
  const d = normalizeDim(dim, first.ndim, "cat");
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new ShapeError(
        `cat: sizes of tensors must match except in dimension ${d}: tensor 0 has shape ${fmt(first.shape)}, tensor ${i} has shape ${fmt(t.shape)}`,
      );
    }
  });
  const dtype = resultTypeOf(...tensors);
  const backend = backendOf("cat", ...tensors);
  const shape = [...first.shape];
  shape[d] = tensors.reduce((acc, t) => acc + t.shape[d], 0);
  const out = fromBuffer(
    backend.alloc(
      dtype,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
    dtype,
    backend,
  );
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    backend.copy(rawView(out, [...shape.slice(0, d), t.shape[d], ...shape.slice(d + 1)], out.strides, at * out.strides[d])._view, t._view);
    at += t.shape[d];
  }
  const sizes = tensors.map((t) => t.shape[d]);
  return record("CatBackward0", out, tensors, ([g]) => sizes.map((n, i) => narrow(g, d, starts[i], n)));
}

/**
 * Joins same-shaped tensors along a new dim.
 *
 * @example
 * tg.stack([a, b], 1);
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError("stack: expected a non-empty list of tensors");
  const first = tensors[0];
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => s !== first.shape[k])) {
      throw new ShapeError(
        `stack: expects each tensor to be equal size, but got ${fmt(first.shape)} at entry 0 and ${fmt(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim(dim, first.ndim + 1, "stack");
  return cat(
    tensors.map((t) => t.unsqueeze(d)),
    d,
  );
}

/** Views of consecutive pieces along `dim`: of `splitSize` each (the last may be shorter), or of the given sizes. */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, "split");
  const size = x.shape[d];
  let sizes: number[];
  if (typeof splitSize !== "number" && !Array.isArray(splitSize)) {
    throw new ValueError(`split: splitSize must be an integer or an array of integers, got ${notADim(splitSize)}`);
  }
  if (typeof splitSize === "number") {
    if (!Number.isInteger(splitSize) || splitSize <= 0)
      throw new ValueError(`split: splitSize must be a positive integer, got ${splitSize}`);
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
    if (sizes.length === 0) sizes.push(0);
  } else {
    sizes = [...splitSize];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== size) throw new ShapeError(`split: sizes [${sizes.join(", ")}] sum to ${total}, but dim ${d} has size ${size}`);
  }
  let at = 0;
  return sizes.map((n) => {
    const piece = narrow(x, d, at, n);
    at += n;
    return piece;
  });
}

/** `chunks` views of (nearly) equal size along `dim`, like torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim(dim, x.ndim, "chunk");
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

/** The slices along `dim`, that dim removed. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, "unbind");
  return Array.from({ length: x.shape[d] }, (_, i) => x.select(d, i));
}

/** Reverses the order along `dims` (a copy, as in PyTorch). d/dx flips the gradient back. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const axes = normalizeDims(dims, x.ndim, "flip");
  let offset = x.offset;
  const strides = x.strides.map((s, d) => {
    if (!axes.includes(d) || x.shape[d] === 0) return s;
    offset += (x.shape[d] - 1) * s;
    return -s;
  });
  // Always a fresh copy: contiguous() would hand back the shared storage (ignoring the offset) when the view is already contiguous.
  const flipped = rawView(x, x.shape, strides, offset).clone();
  const out = fromBuffer(flipped.storage.buffer, x.shape, x.dtype, x._backend);
  return record("FlipBackward0", out, [x], ([g]) => [g.flip(axes)]);
}

/**
 * Repeats the tensor `sizes[i]` times along each dim (more sizes than dims add leading dims), like
 * torch.Tensor.repeat.
 *
 * @example
 * tg.tensor([1, 2]).repeat([2, 2]); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(`repeat: number of repeat dims (${sizes.length}) can not be smaller than the number of tensor dims (${x.ndim})`);
  }
  const lead = sizes.length - x.ndim;
  const shape = [...new Array<number>(lead).fill(1), ...x.shape];
  // Interleave a broadcast dim before each dim: [r0, s0, r1, s1, ...], then merge the pairs.
  const interleaved = x.reshape(shape.flatMap((s) => [1, s]));
  const expanded = interleaved.expand(shape.flatMap((s, i) => [sizes[i], s]));
  return expanded.reshape(shape.map((s, i) => s * sizes[i]));
}

/** Like `repeat`, but fewer sizes than dims are padded with leading 1s (torch.tile). */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  const padded = dims.length < x.ndim ? [...new Array<number>(x.ndim - dims.length).fill(1), ...dims] : dims;
  return repeat(x, padded);
}

/**
 * Pads with a constant. `pad` lists (before, after) pairs starting from the last dim, as torch.nn.functional.pad.
 *
 * @example
 * tg.pad(x, [1, 1]);          // one zero on each side of the last dim
 * tg.pad(x, [0, 0, 2, 0], 5); // two rows of 5 before dim -2
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim) {
    throw new ValueError(`pad: padding length must be even and at most 2 × ndim (${2 * x.ndim}), got ${padding.length}`);
  }
  if (padding.some((p) => !Number.isInteger(p) || p < 0))
    throw new ValueError(`pad: paddings must be non-negative integers, got [${padding.join(", ")}]`);
  const shape = [...x.shape];
  const before = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < padding.length / 2; i++) {
    const d = x.ndim - 1 - i;
    before[d] = padding[2 * i];
    shape[d] += padding[2 * i] + padding[2 * i + 1];
  }
  const out = fromBuffer(
    x._backend.alloc(
      x.dtype,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
    x.dtype,
    x._backend,
  );
  x._backend.fill(out._view, x.dtype === "bool" ? Number(value !== 0) : value);
  const inner = (t: Tensor): Tensor =>
    before.reduce((acc, b, d) => (b === 0 && t.shape[d] === x.shape[d] ? acc : sliceDim(acc, d, b, x.shape[d], 1)), t);
  x._backend.copy(inner(rawView(out, shape, out.strides, 0))._view, x._view);
  return record("ConstantPadNdBackward0", out, [x], ([g]) => [inner(g)]);
}

/** Keeps the part of the last two dims on and below the `diagonal`-th diagonal, zeroing the rest. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, "tril");
}

/** Keeps the part of the last two dims on and above the `diagonal`-th diagonal, zeroing the rest. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, "triu");
}

function triangle(x: Tensor, k: number, op: "tril" | "triu"): Tensor {
  if (!Number.isInteger(k)) throw new ValueError(`${op}: diagonal must be an integer, got ${notADim(k)}`);
  if (x.ndim < 2) throw new ShapeError(`${op}: input tensor must have at least 2 dimensions, got shape ${fmt(x.shape)}`);
  const [rows, cols] = x.shape.slice(-2);
  const device = { device: x._backend.device };
  const offsetFromDiagonal = arange(0, cols, 1, device)
    .unsqueeze(0)
    .sub(arange(0, rows, 1, device).unsqueeze(1));
  const keep = op === "tril" ? offsetFromDiagonal.le(k) : offsetFromDiagonal.ge(k);
  return where(keep, x, asTensor(0, x.dtype, x._backend));
}

/**
 * One-hot encodes int32 class indices: a new last dim of `numClasses` (by default max + 1), int32.
 *
 * @example
 * tg.oneHot(tg.tensor([0, 2], { dtype: "int32" }), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  if (indices.dtype !== "int32") throw new ValueError(`oneHot: expected int32 class indices, got ${indices.dtype}`);
  const n = indices.numel();
  if (indices._backend.asyncOnly) {
    // The values cannot be read here: the number of classes must be given, and the range is not checked.
    if (numClasses === -1) {
      throw new DeviceError(
        `oneHot: numClasses must be given for indices on the ${indices.device} device (their max cannot be read synchronously)`,
      );
    }
    return indices
      .unsqueeze(-1)
      .eq(arange(0, numClasses, 1, { device: indices._backend.device }))
      .to("int32");
  }
  const lo = n > 0 ? indices.amin().item() : 0;
  const hi = n > 0 ? indices.amax().item() : -1;
  const classes = numClasses === -1 ? hi + 1 : numClasses;
  if (lo < 0) throw new ValueError(`oneHot: class values must be non-negative, got ${lo}`);
  if (hi >= classes) throw new ValueError(`oneHot: class value ${hi} is out of range for ${classes} classes`);
  return indices
    .unsqueeze(-1)
    .eq(arange(0, classes, 1, { device: indices._backend.device }))
    .to("int32");
}
