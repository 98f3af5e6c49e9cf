import { isGradEnabled } from "../autograd/grad_mode.js";
import { record1 } from "../autograd/node.js";
import type { Backend, DeviceType } from "../backend/backend.js";
import { backendFor, parseDevice } from "../backend/registry.js";
import { assertDType, type DType } from "../dtype.js";
import { ArgumentError, DeviceError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { fromBuffer } from "./util.js";
import { to as castTo } from "./views.js";

// Moving a tensor between devices: its values are read on the source and written to a new buffer on the target. A move
// records `ToCopyBackward0`, whose backward moves the gradient back. Nothing else ever copies between devices.

/** The error for a synchronous read of a device that is only read asynchronously, naming the async form to use. */
export function asyncOnlyError(x: Tensor, what: string, asyncForm: string): DeviceError {
  return new DeviceError(`${what}: the tensor is on the ${x.device} device, which is read asynchronously; use \`${asyncForm}\``);
}

/** A copy of `x` on `target`, from the values `data` read on x's backend; recorded as `ToCopyBackward0`. */
function moved(x: Tensor, target: Backend, data: ReturnType<Backend["read"]>, recording = true): Tensor {
  const out = fromBuffer(target.fromArray(data), x.shape, x.dtype, target);
  if (!recording) return out;
  const source = x._backend;
  return record1("ToCopyBackward0", out, [x], (g) => [moveGrad(g, source)]);
}

/** A gradient moved back to the device of the tensor that was moved. */
function moveGrad(g: Tensor, source: Backend): Tensor {
  if (g._backend.device === source.device) return g;
  if (g._backend.asyncOnly) {
    throw new DeviceError(
      `ToCopyBackward0: the gradient on the ${g.device} device cannot be moved back to the ${source.device} device synchronously; ` +
        `move the leaf tensors (parameters) to the ${g.device} device instead (e.g. \`model.to("${g.device}")\`)`,
    );
  }
  return fromBuffer(source.fromArray(g._backend.read(g._view)), g.shape, g.dtype, source);
}

/**
 * `x` moved to `device` (x itself when it is there already). A tensor on a device that is only read asynchronously
 * cannot move synchronously: the error names `toAsync`.
 */
export function toDevice(x: Tensor, device: DeviceType, fn = "to"): Tensor {
  const target = backendFor(device, fn);
  if (target.device === x._backend.device) return x;
  if (x._backend.asyncOnly) {
    throw asyncOnlyError(x, fn, device === "cpu" ? `await x.toAsync("cpu")\` or \`await x.cpuAsync()` : `await x.toAsync("${device}")`);
  }
  return moved(x, target, x._backend.read(x._view));
}

/** `x` moved to `device`, resolved once its values have been read from its device. */
export async function toDeviceAsync(x: Tensor, device: DeviceType, fn = "toAsync"): Promise<Tensor> {
  const target = backendFor(device, fn);
  if (target.device === x._backend.device) return x;
  const source = x._backend;
  // Whether to record is decided at the call (grad mode may have changed by the time the values arrive).
  const recording = isGradEnabled();
  const data = source.readAsync ? await source.readAsync(x._view) : source.read(x._view);
  return moved(x, target, data, recording);
}

/** The options form of `x.to({ device, dtype })`. */
export interface ToOptions {
  device?: DeviceType;
  dtype?: DType;
}

/** What `to` and `toAsync` accept first: a dtype, a device, a tensor (whose device and dtype are taken) or options. */
export type ToTarget = DType | DeviceType | Tensor | ToOptions;

/** Strings that name a device in PyTorch (or ours): `to("cuda:0")` is a device error, `to("float16")` a dtype error. */
export const DEVICE_LIKE = /^(cpu|cuda|gpu|mps|xpu|meta|webgpu|vulkan|opengl|hip)\b/;

const TO_FORMS = 'a dtype ("float32", ...), a device ("cpu", "webgpu"), a Tensor or { device, dtype }';

/** Reads the arguments of `to` / `toAsync` (PyTorch's to(dtype), to(device, dtype), to(other)) into a device and dtype. */
function parseTo(fn: string, a: unknown, b: unknown): ToOptions {
  const fail = (argument: string, got: string): never => {
    throw new ArgumentError(fn, argument, TO_FORMS, `${fn}: expected ${TO_FORMS}, got ${got}`);
  };
  let out: ToOptions;
  if (typeof a === "string") {
    // A string that is neither is a device when it looks like one of PyTorch's ("cuda:0"), else a dtype (the cast names
    // the dtypes it supports).
    if (a === "cpu" || a === "webgpu" || DEVICE_LIKE.test(a)) out = { device: parseDevice(a, fn) };
    else out = { dtype: a as DType };
  } else if (a instanceof Tensor) {
    out = { device: a._backend.device, dtype: a.dtype };
  } else if (a !== null && typeof a === "object" && !Array.isArray(a)) {
    const o = a as Record<string, unknown>;
    for (const key of Object.keys(o)) if (key !== "device" && key !== "dtype") fail(key, `an unknown option "${key}"`);
    out = {};
    if (o.device !== undefined) out.device = parseDevice(o.device, fn);
    if (o.dtype !== undefined) {
      assertDType(o.dtype, fn);
      out.dtype = o.dtype;
    }
  } else {
    return fail("device", String(a));
  }
  if (b !== undefined) {
    // The second argument is the dtype of to(device, dtype).
    if (out.device === undefined || out.dtype !== undefined || typeof a !== "string") fail("dtype", `a second argument ${String(b)}`);
    assertDType(b, fn);
    out.dtype = b;
  }
  return out;
}

/**
 * `x` on the device and with the dtype that `to`'s arguments name (x itself when it has both already). The cast runs on
 * the CPU side of a move.
 */
export function to(x: Tensor, a: ToTarget, dtype?: DType): Tensor {
  const t = parseTo("to", a, dtype);
  const cast = (y: Tensor): Tensor => (t.dtype === undefined ? y : castTo(y, t.dtype));
  if (t.device === undefined) return cast(x);
  return t.device === "cpu" ? cast(toDevice(x, "cpu", "to")) : toDevice(cast(x), t.device, "to");
}

/** `to` resolved once the values have been read, for moves off a device that is only read asynchronously. */
export async function toAsync(x: Tensor, a: ToTarget, dtype?: DType): Promise<Tensor> {
  const t = parseTo("toAsync", a, dtype);
  const cast = (y: Tensor): Tensor => (t.dtype === undefined ? y : castTo(y, t.dtype));
  if (t.device === undefined) return cast(x);
  return t.device === "cpu" ? cast(await toDeviceAsync(x, "cpu")) : toDeviceAsync(cast(x), t.device);
}
