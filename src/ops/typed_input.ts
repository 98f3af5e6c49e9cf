/** How `tensor()` reads a typed array: the nearest supported dtype, never a silent reinterpretation as bool. */
import { type AnyTypedArray, type DType, typedArrayFor } from "../dtype.js";
import { ValueError } from "../errors.js";

/** Every typed array `tensor()` accepts. */
export type TypedInput =
  | AnyTypedArray
  | Int8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * The dtype a typed array becomes without an explicit one: Float32Array and Float64Array keep theirs, every integer array
 * (Uint8Array image bytes included, as PyTorch's `from_numpy` keeps uint8 numbers) becomes int32.
 */
export function typedInputDType(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (
    data instanceof Int32Array ||
    data instanceof Uint8Array ||
    data instanceof Uint8ClampedArray ||
    data instanceof Int8Array ||
    data instanceof Int16Array ||
    data instanceof Uint16Array ||
    data instanceof Uint32Array ||
    data instanceof BigInt64Array ||
    data instanceof BigUint64Array
  ) {
    return "int32";
  }
  throw new ValueError(
    `tensor: can't make a tensor from a ${data.constructor.name}; pass a Float32Array, Float64Array, an integer typed array or nested arrays`,
  );
}

/** A copy of `data` as the typed array of `dtype`; integers that int32 can't hold throw instead of wrapping. */
export function typedInputToArray(data: TypedInput, dtype: DType): AnyTypedArray {
  const out = typedArrayFor(dtype, data.length);
  const n = data.length;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) {
      const v = data[i];
      if (dtype === "bool") out[i] = v !== 0n ? 1 : 0;
      else if (dtype === "int32" && (v < BigInt(INT32_MIN) || v > BigInt(INT32_MAX))) outOfRange(data, i, String(v));
      else out[i] = Number(v);
    }
    return out;
  }
  if (dtype === "bool") {
    for (let i = 0; i < n; i++) out[i] = data[i] !== 0 ? 1 : 0;
    return out;
  }
  if (dtype === "int32" && data instanceof Uint32Array) {
    for (let i = 0; i < n; i++) if (data[i] > INT32_MAX) outOfRange(data, i, String(data[i]));
  }
  out.set(data);
  return out;
}

function outOfRange(data: ArrayBufferView, i: number, value: string): never {
  throw new ValueError(
    `tensor: ${data.constructor.name} element ${i} is ${value}, outside int32 (tensorgrad's integer dtype); pass { dtype: "float64" } or smaller values`,
  );
}
