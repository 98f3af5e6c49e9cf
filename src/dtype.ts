import { DTypeError, ValueError } from "./errors.js";

/** The element types a tensor can hold. `float32` is the default, as in PyTorch. */
export type DType = "float32" | "float64" | "int32" | "bool";

/** The typed array that stores each dtype. `bool` is stored as bytes holding 0 or 1. */
export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

export function isIntegral(dtype: DType, includeBool = false): boolean {
  return dtype === "int32" || (includeBool && dtype === "bool");
}

/**
 * The most elements one tensor may hold: 2²⁸ (268,435,456, 1 GiB of float32). Sizes are checked against it before any
 * buffer is allocated, so a typo'd or hostile size gets a `ValueError` instead of gigabytes of memory or a hang.
 */
export const MAX_NUMEL = 2 ** 28;

/** Throws a `ValueError` naming `op` when `size` elements are more than one tensor may hold (`MAX_NUMEL`). */
export function checkNumel(size: number, op: string): void {
  if (!(size <= MAX_NUMEL)) {
    throw new ValueError(
      `${op}: a tensor of ${Number.isFinite(size) ? size.toLocaleString("en-US") : size} elements is over the limit of ${MAX_NUMEL.toLocaleString("en-US")} (2^28) elements per tensor`,
    );
  }
}

export function typedArrayFor(dtype: DType, size: number): AnyTypedArray {
  checkNumel(size, "alloc");
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

// Small kernel outputs are carved from shared 8 KiB slabs: a fresh ArrayBuffer of a few hundred bytes costs V8 ~10× a
// view onto an existing one (arrays of up to 64 bytes live on the JS heap and are cheap already). A slab is freed when
// the last array carved from it is; the worst case keeps 8 KiB alive for one small long-lived tensor.
const SLAB_BYTES = 8192;
const SLAB_MIN = 65;
const SLAB_MAX = 512;
let slab: ArrayBuffer | null = null;
let slabUsed = SLAB_BYTES;

/**
 * `typedArrayFor` for buffers that stay inside tensor storage (kernel outputs): zero-filled as well, but a small one may
 * share its ArrayBuffer with others, so it must never be handed to users as it is (`read` copies).
 */
export function storageArrayFor(dtype: DType, size: number): AnyTypedArray {
  checkNumel(size, "alloc");
  const bytes = dtype === "float64" ? size * 8 : dtype === "bool" ? size : size * 4;
  if (bytes < SLAB_MIN || bytes > SLAB_MAX) return typedArrayFor(dtype, size);
  if (slab === null || slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += (bytes + 7) & ~7; // 8-byte aligned for Float64Array
  switch (dtype) {
    case "float32":
      return new Float32Array(slab, at, size);
    case "float64":
      return new Float64Array(slab, at, size);
    case "int32":
      return new Int32Array(slab, at, size);
    case "bool":
      return new Uint8Array(slab, at, size);
  }
}

export function dtypeOfArray(data: AnyTypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

export function assertDType(value: unknown, where: string): asserts value is DType {
  if (!DTYPES.includes(value as DType)) {
    throw new DTypeError(`${where}: unknown dtype ${String(value)}; expected one of ${DTYPES.join(", ")}`);
  }
}

// Categories order the kinds for promotion: bool < integer < floating.
const category = (d: DType): number => (d === "bool" ? 0 : d === "int32" ? 1 : 2);

/** `torch.promote_types`: the smallest dtype both can be cast to without losing their kind. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a);
  const cb = category(b);
  if (ca !== cb) return ca > cb ? a : b;
  // Same category, different dtypes: only float32/float64 remain.
  return "float64";
}

/** A JS value standing in for a tensor: PyTorch's "wrapped number". */
export type Scalar = number | boolean;

export type Operand = { dtype: DType; ndim: number } | Scalar;

function scalarDType(s: Scalar): DType {
  if (typeof s === "boolean") return "bool";
  return Number.isInteger(s) ? "int32" : "float32";
}

/**
 * `torch.result_type`: dimensioned tensors outrank zero-dim tensors, which outrank plain numbers; a lower
 * group only changes the result when it is of a higher category (e.g. int tensor * 2.5 is float32).
 */
export function resultType(...operands: Operand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  for (const o of operands) {
    if (typeof o === "number" || typeof o === "boolean") wrapped = join(wrapped, scalarDType(o));
    else if (o.ndim === 0) zero = join(zero, o.dtype);
    else dim = join(dim, o.dtype);
  }
  const r = combine(dim, combine(zero, wrapped));
  if (r === undefined) throw new DTypeError("resultType: no operands");
  return r;
}

function join(acc: DType | undefined, d: DType): DType {
  return acc === undefined ? d : promoteTypes(acc, d);
}

/** A higher group's dtype, changed by a lower group's only when that is of a higher category. */
function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloating(higher)) return higher;
  if (higher === "bool" || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/** The dtype an op that always produces floats (exp, sqrt, true division...) gives for an input dtype. */
export function toFloating(dtype: DType): DType {
  return isFloating(dtype) ? dtype : "float32";
}
