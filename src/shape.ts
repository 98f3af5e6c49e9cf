import { checkNumel } from "./dtype.js";
import { DimError, ShapeError, ValueError } from "./errors.js";

export type Shape = readonly number[];

export const fmt = (shape: Shape): string => `[${shape.join(", ")}]`;

export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: Shape): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const s = shape[i];
    if (s !== 1 && strides[i] !== acc) return false;
    acc *= s;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wraps a possibly negative dim into `[0, ndim)`; a 0-dim tensor accepts dims -1 and 0 like PyTorch. */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    if (typeof dim !== "number") throw new DimError(`${op}: a dim must be an integer, got ${notADim(dim)}`);
    throw new DimError(`${op}: dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalizes a dim list (or all dims when undefined), rejecting repeats; the result is sorted. */
export function normalizeDims(dims: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (dims === undefined) {
    const all = new Array<number>(ndim);
    for (let i = 0; i < ndim; i++) all[i] = i;
    return all;
  }
  if (typeof dims === "number") {
    const d = normalizeDim(dims, ndim, op);
    return ndim === 0 ? [] : [d];
  }
  if (!Array.isArray(dims)) throw new DimError(`${op}: dims must be an integer or an array of integers, got ${notADim(dims)}`);
  const out = new Array<number>(dims.length);
  for (let i = 0; i < dims.length; i++) out[i] = normalizeDim(dims[i], ndim, op);
  if (ndim === 0) return [];
  if (out.length > 1) {
    out.sort((a, b) => a - b);
    for (let i = 1; i < out.length; i++) {
      if (out[i] === out[i - 1]) throw new DimError(`${op}: dim ${dims.join(", ")} appears multiple times in the list of dims`);
    }
  }
  return out;
}

/** The broadcast shape of several shapes, or a ShapeError naming the op and every shape. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  let ndim = 0;
  for (let i = 0; i < shapes.length; i++) if (shapes[i].length > ndim) ndim = shapes[i].length;
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const v = s[i];
      const cur = out[o];
      if (cur === 1) out[o] = v;
      else if (v !== 1 && v !== cur) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmt).join(" and ")} cannot be broadcast together (size ${cur} vs ${v} at dim ${o})`,
        );
      }
    }
  }
  return out;
}

export function checkShape(shape: readonly number[], op: string): number[] {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new ValueError(`${op}: sizes must be non-negative integers, got ${fmt(shape)}`);
  }
  checkNumel(numel(shape), op);
  return [...shape];
}

/** Resolves a single -1 in a requested shape against a number of elements (view/reshape). */
export function inferShape(shape: readonly number[], total: number, op: string): number[] {
  let infer = -1;
  let known = 1;
  shape.forEach((s, i) => {
    if (s === -1) {
      if (infer >= 0) throw new ValueError(`${op}: only one dimension can be inferred, got ${fmt(shape)}`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new ValueError(`${op}: invalid shape dimension ${s} in ${fmt(shape)}`);
    } else known *= s;
  });
  const out = [...shape];
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) throw new ShapeError(`${op}: shape ${fmt(shape)} is invalid for input of size ${total}`);
    out[infer] = total / known;
  } else if (known !== total) {
    throw new ShapeError(`${op}: shape ${fmt(shape)} is invalid for input of size ${total}`);
  }
  return out;
}

/** A value given where a dim belongs, for messages; an options object gets PyTorch users' most likely slip named. */
export function notADim(v: unknown): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    return `an object with keys ${Object.keys(v).join(", ") || "(none)"} (dims are positional here: x.sum(1), not x.sum({ dim: 1 }))`;
  }
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}
