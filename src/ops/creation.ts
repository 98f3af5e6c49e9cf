import { checkOptions, describe, isOptionsObject } from "../args.js";
import type { Backend, DeviceType } from "../backend/backend.js";
import { backendFor, getBackend } from "../backend/registry.js";
import { type AnyTypedArray, assertDType, type DType, dtypeOfArray, typedArrayFor } from "../dtype.js";
import { ArgumentError, ValueError } from "../errors.js";
import { checkShape, numel } from "../shape.js";
import type { NestedArray, Tensor } from "../tensor/tensor.js";
import { CREATION_OPTIONS, readSize, type SizeArgs } from "./size_args.js";
import { type TypedInput, typedInputDType, typedInputToArray } from "./typed_input.js";
import { fromBuffer } from "./util.js";

export interface CreationOptions {
  /** Element type; creation functions default to `float32` (`tensor` of booleans gives `bool`). */
  dtype?: DType;
  /** Make the new tensor a leaf that requires grad. */
  requiresGrad?: boolean;
  /** Where the tensor lives; defaults to the default device (`setDefaultDevice`), and for the `*Like` forms to the input's. */
  device?: DeviceType;
}

/** The data `tensor()` accepts: nested arrays of numbers or booleans, a typed array, or one value. */
export type TensorData = NestedArray | TypedInput | readonly NestedArray[];

/** The backend of `options.device` (checked), or the default device's. */
export function backendOfOptions(options: CreationOptions, fn: string): Backend {
  return options.device === undefined ? getBackend() : backendFor(options.device, fn);
}

/**
 * Builds a tensor from a filled typed array (made on the host, then uploaded to `options.device`), applying
 * `requiresGrad`.
 */
export function fromTyped(data: AnyTypedArray, shape: readonly number[], options: CreationOptions = {}, fn = "tensor"): Tensor {
  const backend = backendOfOptions(options, fn);
  const t = fromBuffer(backend.fromArray(data), shape, dtypeOfArray(data), backend);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], out: AnyTypedArray): void {
  let k = 0;
  const walk = (v: NestedArray, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new ValueError(`tensor: ragged nested array: expected a number at [${path.join("][")}], got an array`);
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new ValueError(`tensor: expected numbers or booleans, got ${typeof v} at [${path.join("][")}]`);
      }
      // Any nonzero value, NaN included, is true (as a cast to bool is).
      out[k++] = out instanceof Uint8Array ? (Number(v) !== 0 ? 1 : 0) : Number(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ValueError(
        `tensor: ragged nested array: expected length ${shape[dim]} at dim ${dim}` +
          (path.length ? ` (index [${path.join("][")}])` : "") +
          `, got ${Array.isArray(v) ? `length ${v.length}` : "a scalar"}`,
      );
    }
    v.forEach((item, i) => {
      walk(item, dim + 1, [...path, i]);
    });
  };
  walk(data, 0, []);
}

/** Whether every leaf is a boolean (and there is one): PyTorch infers `bool` only then, so [true, 2] is numeric. */
function allBoolean(data: NestedArray): boolean {
  if (!Array.isArray(data)) return typeof data === "boolean";
  return data.length > 0 && data.every(allBoolean);
}

/**
 * A tensor holding a copy of `data`. Numbers become `float32` unless `dtype` says otherwise (JS has no
 * separate integer literals), booleans become `bool`; a Float32Array or Float64Array keeps its dtype and every integer
 * typed array (Uint8Array image bytes, BigInt64Array...) becomes int32, values outside int32 throwing.
 *
 * @example
 * tg.tensor([[1, 2], [3, 4]]);                   // float32, shape [2, 2]
 * tg.tensor([0, 2, 1], { dtype: "int32" });     // class indices
 * tg.tensor(new Float64Array([1, 2]), { requiresGrad: true });
 */
export function tensor(data: TensorData, options: CreationOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedInput;
    const dtype = options.dtype ?? typedInputDType(typed);
    assertDType(dtype, "tensor");
    return fromTyped(typedInputToArray(typed, dtype), [typed.length], options, "tensor");
  }
  const nested = data as NestedArray;
  const shape = inferShape(nested);
  const dtype = options.dtype ?? (allBoolean(nested) ? "bool" : "float32");
  assertDType(dtype, "tensor");
  const out = typedArrayFor(dtype, numel(shape));
  flatten(nested, shape, out);
  return fromTyped(out, shape, options, "tensor");
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * tg.full([2, 3], 7); tg.full([2], true);
 */
export function full(shape: readonly number[], value: number | boolean, options: CreationOptions = {}): Tensor {
  return filled(shape, value, options, "full");
}

function filled(shape: readonly number[], value: number | boolean, options: CreationOptions, fn: string): Tensor {
  const s = checkShape(shape, fn);
  const dtype = options.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  assertDType(dtype, fn);
  const data = typedArrayFor(dtype, numel(s));
  data.fill(dtype === "bool" ? (Number(value) !== 0 ? 1 : 0) : Number(value));
  return fromTyped(data, s, options, fn);
}

/** @example tg.zeros([2, 3]); tg.zeros(2, 3) */
export function zeros(...args: SizeArgs<CreationOptions>): Tensor {
  const { shape, options } = readSize<CreationOptions>("zeros", args, CREATION_OPTIONS);
  return filled(shape, 0, options, "zeros");
}

/** @example tg.ones([3], { dtype: "float64" }); tg.ones(2, 3) */
export function ones(...args: SizeArgs<CreationOptions>): Tensor {
  const { shape, options } = readSize<CreationOptions>("ones", args, CREATION_OPTIONS);
  return filled(shape, 1, options, "ones");
}

/** A tensor of `shape` (an array, or sizes as separate numbers); its memory is zero-filled (JS has no uninitialized typed arrays). */
export function empty(...args: SizeArgs<CreationOptions>): Tensor {
  const { shape, options } = readSize<CreationOptions>("empty", args, CREATION_OPTIONS);
  return filled(shape, 0, options, "empty");
}

// The `*Like` forms default to the input's dtype and device, as in PyTorch.
const likeOptions = (x: Tensor, options: CreationOptions): CreationOptions => ({ dtype: x.dtype, device: x._backend.device, ...options });

export function zerosLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return zeros(x.shape, likeOptions(x, options));
}
export function onesLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return ones(x.shape, likeOptions(x, options));
}
export function emptyLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return zeros(x.shape, likeOptions(x, options));
}
export function fullLike(x: Tensor, value: number | boolean, options: CreationOptions = {}): Tensor {
  return full(x.shape, value, likeOptions(x, options));
}

/**
 * Values from `start` to `end` (exclusive) by `step`; `arange(end)` starts at 0. Integer arguments give
 * `int32`, any fractional one `float32`.
 *
 * @example
 * tg.arange(4);           // tensor([0, 1, 2, 3], dtype=int32)
 * tg.arange(0, 1, 0.25);  // tensor([0.0000, 0.2500, 0.5000, 0.7500])
 */
export function arange(end: number, options?: CreationOptions): Tensor;
export function arange(start: number, end: number, options?: CreationOptions): Tensor;
export function arange(start: number, end: number, step?: number, options?: CreationOptions): Tensor;
export function arange(...args: unknown[]): Tensor {
  const { numbers, options } = readNumbers("arange", args, 1, 3, "arange(end), arange(start, end) or arange(start, end, step)");
  const [start, end, step = 1] = numbers.length === 1 ? [0, numbers[0]] : numbers;
  if (step === 0) throw new ValueError("arange: step must be nonzero");
  if ((end - start) / step < 0) {
    throw new ValueError(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  }
  const n = Math.ceil((end - start) / step);
  const dtype = options.dtype ?? ([start, end, step].every(Number.isInteger) ? "int32" : "float32");
  const data = typedArrayFor(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromTyped(data, [n], options, "arange");
}

/**
 * Reads a creation op's leading numbers (between `min` and `max` of them, each finite) and its optional trailing
 * options object (checked): `arange(5, { dtype })` means what it means in PyTorch, and anything else throws.
 */
function readNumbers(
  fn: string,
  args: readonly unknown[],
  min: number,
  max: number,
  forms: string,
): { numbers: number[]; options: CreationOptions } {
  const list = [...args];
  while (list.length > 0 && list[list.length - 1] === undefined) list.pop();
  const options = list.length > 0 && isOptionsObject(list[list.length - 1]) ? (list.pop() as CreationOptions) : {};
  while (list.length > 0 && list[list.length - 1] === undefined) list.pop();
  checkOptions(fn, options, CREATION_OPTIONS);
  const accepted = `${forms}, numbers, then an options object`;
  if (list.length < min || list.length > max) {
    throw new ArgumentError(
      fn,
      "arguments",
      accepted,
      `${fn}: expected ${accepted}; got ${list.length} positional argument${list.length === 1 ? "" : "s"}`,
    );
  }
  list.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ArgumentError(fn, "arguments", accepted, `${fn}: expected a finite number at position ${i}, got ${describe(v)}`);
    }
  });
  return { numbers: list as number[], options };
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included.
 *
 * @example
 * tg.linspace(0, 1, 5); // tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
 */
export function linspace(start: number, end: number, steps: number, options?: CreationOptions): Tensor;
export function linspace(...args: unknown[]): Tensor {
  const read = readNumbers("linspace", args, 3, 3, "linspace(start, end, steps)");
  const [start, end, steps] = read.numbers;
  const options = read.options;
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const data = typedArrayFor(options.dtype ?? "float32", steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch does, so the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + i * step : end - (steps - 1 - i) * step;
  // One step is just `start` (torch.linspace(0, 1, 1) is tensor([0.])).
  if (steps === 1) data[0] = start;
  return fromTyped(data, [steps], options, "linspace");
}

/**
 * The `n × m` identity matrix (`m` defaults to `n`).
 *
 * @example
 * tg.eye(3);
 */
export function eye(n: number, options?: CreationOptions): Tensor;
export function eye(n: number, m: number, options?: CreationOptions): Tensor;
export function eye(...args: unknown[]): Tensor {
  const read = readNumbers("eye", args, 1, 2, "eye(n) or eye(n, m)");
  const [n, m = n] = read.numbers;
  const options = read.options;
  const s = checkShape([n, m], "eye");
  const data = typedArrayFor(options.dtype ?? "float32", n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromTyped(data, s, options, "eye");
}
