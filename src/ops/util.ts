import { describe } from "../args.js";
import type { Backend, BackendBuffer, DeviceType, View } from "../backend/backend.js";
import { getBackend } from "../backend/registry.js";
import { type DType, isFloating, resultType, type Scalar } from "../dtype.js";
import { ArgumentError, DeviceError, DTypeError, ValueError } from "../errors.js";
import { fmt, shapesEqual } from "../shape.js";
import { Storage } from "../tensor/storage.js";
import { Tensor, type TensorLike } from "../tensor/tensor.js";

/** A new tensor owning `buffer`, laid out contiguously. */
export function fromBuffer(buffer: BackendBuffer, shape: readonly number[], dtype: DType, backend: Backend = getBackend()): Tensor {
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i];
  return new Tensor(new Storage(backend, buffer, dtype, size), shape);
}

/** A tensor sharing `x`'s storage with another layout; the base of a view of a view is the first base. */
export function viewTensor(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.storage, shape, strides, offset, x._base ?? x);
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

/** A JS scalar as a 0-dim tensor of `dtype`, or a tensor cast to `dtype` when it has another. */
export function asTensor(x: TensorLike, dtype: DType, backend?: Backend): Tensor {
  if (x instanceof Tensor) return x.dtype === dtype ? x : x.to(dtype);
  return scalarTensor(x, dtype, backend);
}

export function scalarTensor(value: Scalar, dtype: DType, backend: Backend = getBackend()): Tensor {
  if (typeof value !== "number" && typeof value !== "boolean") {
    // JavaScript callers can pass anything: an options object here would become NaN.
    throw new ArgumentError(
      "operand",
      "value",
      "a number, a boolean or a Tensor",
      `expected a number, a boolean or a Tensor as an operand, got ${describe(value)}`,
    );
  }
  const buf = backend.alloc(dtype, 1);
  const t = fromBuffer(buf, [], dtype, backend);
  backend.fill(t._view, dtype === "bool" ? (value ? 1 : 0) : Number(value));
  return t;
}

/** The operands' result dtype (`torch.result_type`). */
export function resultTypeOf(...xs: (TensorLike | null | undefined)[]): DType {
  // The common cases, without the general rule's work: two tensors of one dtype, or a float tensor and a number.
  if (xs.length === 2) {
    const [a, b] = xs;
    if (a instanceof Tensor) {
      if (b instanceof Tensor ? b.dtype === a.dtype : typeof b === "number" && isFloating(a.dtype)) return a.dtype;
    } else if (b instanceof Tensor && typeof a === "number" && isFloating(b.dtype)) return b.dtype;
  }
  return resultType(...xs.filter((x): x is TensorLike => x !== null && x !== undefined));
}

/** Whether two shapes are equal (the same array, or the same sizes). */
export const sameShape = shapesEqual;

/** A view of `t` broadcast to `shape` (stride 0 on repeated dims), for kernels that take equal shapes. */
export function broadcastView(t: Tensor, shape: readonly number[]): View {
  if (sameShape(t.shape, shape)) return t._view;
  const lead = shape.length - t.ndim;
  const strides = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    strides[i] = i < lead || (t.shape[i - lead] === 1 && shape[i] !== 1) ? 0 : t.strides[i - lead];
  }
  // Built like `_view` (the same fields in the same order), so kernels see one object layout.
  const v = t._view;
  return { buffer: v.buffer, dtype: v.dtype, shape, strides, offset: v.offset };
}

/**
 * The backend of the tensor operands (scalars take any). Mixing backends is an error unless they share a buffer
 * representation (`Backend.memory`), as the CPU backends do: then the current backend runs the op if it is one of them.
 */
export function backendOf(op: string, ...xs: (TensorLike | null | undefined)[]): Backend {
  if (xs.length === 2) {
    // Two operands on one backend (or a tensor and a scalar): the usual case.
    const [x, y] = xs;
    if (x instanceof Tensor && (!(y instanceof Tensor) || y._backend === x._backend)) return x._backend;
    if (y instanceof Tensor && !(x instanceof Tensor)) return y._backend;
  } else if (xs.length === 3) {
    // Three tensors on one backend (linear's input, weight and bias).
    const [x, y, z] = xs;
    if (x instanceof Tensor && y instanceof Tensor && z instanceof Tensor && x._backend === y._backend && x._backend === z._backend) {
      return x._backend;
    }
  }
  let b: Backend | undefined;
  let mixed = false;
  for (const x of xs) {
    if (!(x instanceof Tensor)) continue;
    if (b && b !== x._backend) {
      if (b.device !== x._backend.device) throw mixedDevices(op, b.device, x._backend.device);
      if (b.memory === undefined || b.memory !== x._backend.memory) {
        throw new ValueError(`${op}: expected all tensors on the same backend, got ${b.name} and ${x._backend.name}`);
      }
      mixed = true;
    }
    b ??= x._backend;
  }
  if (mixed && b && getBackend().memory === b.memory) return getBackend();
  return b ?? getBackend();
}

/** PyTorch's error for operands on two devices (nothing is copied between devices implicitly). */
function mixedDevices(op: string, a: DeviceType, b: DeviceType): DeviceError {
  const [first, second] = b !== "cpu" && a === "cpu" ? [b, a] : [a, b];
  return new DeviceError(
    `${op}: Expected all tensors to be on the same device, but found at least two devices, ${first} and ${second}; ` +
      `move one with \`x.to("${first}")\` or \`await x.toAsync("${second}")\``,
  );
}

export function requireFloat(x: Tensor, op: string): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating point tensor, got ${x.dtype}`);
}

export function requireIndex(index: Tensor, op: string): void {
  if (index.dtype !== "int32") {
    throw new DTypeError(`${op}: expected an index tensor of dtype int32, got ${index.dtype} (shape ${fmt(index.shape)})`);
  }
}

export function requireBool(mask: Tensor, op: string): void {
  if (mask.dtype !== "bool") throw new DTypeError(`${op}: expected a mask of dtype bool, got ${mask.dtype}`);
}
