import { parseDevice } from "../backend/registry.js";
import { assertDType, type DType } from "../dtype.js";
import { ArgumentError, DeviceError } from "../errors.js";
import { DEVICE_LIKE, type ToOptions } from "../ops/device.js";
import { Tensor } from "../tensor/tensor.js";
import type { AnyModule } from "./module.js";
import { Parameter } from "./parameter.js";

// `Module.to` / `Module.toAsync`: every parameter and buffer converted, each parameter into one new Parameter (so
// parameters shared between modules stay shared), its gradient moved along with it.

/** What `Module.to` takes: a dtype, a device, or both (`tg.ToOptions`). */
export type ModuleToOptions = ToOptions;

/** Reads `Module.to`'s arguments: to(dtype), to(device), to(device, dtype), to(tensor), to({ device, dtype }). */
export function parseModuleTo(fn: string, a: unknown, b: unknown): ModuleToOptions {
  const forms = 'a dtype ("float32", ...), a device ("cpu", "webgpu"), (device, dtype), a Tensor or { device, dtype }';
  const fail = (argument: string, got: string): never => {
    throw new ArgumentError(fn, argument, forms, `${fn}: expected ${forms}, got ${got}`);
  };
  let out: ModuleToOptions = {};
  if (typeof a === "string") {
    if (DEVICE_LIKE.test(a)) out = { device: parseDevice(a, fn) };
    else {
      assertDType(a, fn);
      out = { dtype: a };
    }
  } else if (a instanceof Tensor) out = { device: a._backend.device, dtype: a.dtype };
  else if (a !== null && typeof a === "object" && !(a instanceof Tensor) && !Array.isArray(a)) {
    const o = a as Record<string, unknown>;
    for (const key of Object.keys(o)) if (key !== "device" && key !== "dtype") fail(key, `an unknown option "${key}"`);
    if (o.device !== undefined) out.device = parseDevice(o.device, fn);
    if (o.dtype !== undefined) {
      assertDType(o.dtype, fn);
      out.dtype = o.dtype;
    }
  } else fail("device", String(a));
  if (b !== undefined) {
    if (typeof a !== "string" || out.device === undefined) fail("dtype", `a second argument ${String(b)}`);
    assertDType(b, fn);
    out.dtype = b;
  }
  return out;
}

/** One tensor field of a module: a parameter, or a buffer. */
interface Slot {
  readonly fields: Record<string, unknown>;
  readonly key: string;
  readonly value: Tensor;
  readonly param: boolean;
}

function slots(root: AnyModule): Slot[] {
  const out: Slot[] = [];
  for (const mod of root.modules()) {
    const fields = mod as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(mod)) {
      if (value instanceof Parameter) out.push({ fields, key, value, param: true });
      else if (value instanceof Tensor && mod._buffers.has(key)) out.push({ fields, key, value, param: false });
    }
  }
  return out;
}

/**
 * Converts every parameter and buffer of `root` (a dtype cast leaves int32 buffers alone, as `to(dtype)` always has; a
 * move takes every buffer). A parameter that does not change stays the same object. `moveToCpu` gives the values of a
 * tensor (a parameter, buffer or gradient) on the CPU.
 */
function convertAll(root: AnyModule, t: ModuleToOptions, moveToCpu: (x: Tensor) => Tensor): void {
  const convert = (x: Tensor, param: boolean): Tensor => {
    const cast = t.dtype !== undefined && t.dtype !== x.dtype && (param || x.dtype !== "int32");
    if (t.device === undefined || t.device === x.device) return cast ? x.detach().to(t.dtype as DType) : x;
    // The cast runs on the CPU side of the move.
    if (t.device === "cpu") {
      const y = moveToCpu(x);
      return cast ? y.to(t.dtype as DType) : y;
    }
    return (cast ? x.detach().to(t.dtype as DType) : x.detach()).to(t.device);
  };
  const converted = new Map<Tensor, Tensor>();
  for (const { fields, key, value, param } of slots(root)) {
    let out = converted.get(value);
    if (out === undefined) {
      out = convert(value, param);
      if (value instanceof Parameter && out !== value) {
        const p = new Parameter(out, value.requiresGrad);
        if (value.grad) p.grad = convert(value.grad, true);
        out = p;
      }
      converted.set(value, out);
    }
    fields[key] = out;
  }
}

/** The tensors of `root` (parameters, their gradients, buffers) that a move to `device` takes off another device. */
function leaving(root: AnyModule, t: ModuleToOptions): Tensor[] {
  const out = new Set<Tensor>();
  if (t.device === undefined) return [];
  for (const { value } of slots(root)) {
    if (value.device !== t.device) out.add(value);
    if (value.grad && value.grad.device !== t.device) out.add(value.grad);
  }
  return [...out];
}

/** `module.to(...)`: throws (naming `toAsync`) where a tensor would have to leave a device read only asynchronously. */
export function moduleTo(root: AnyModule, t: ModuleToOptions): void {
  // Checked first, so that a failing call changes nothing.
  for (const x of leaving(root, t)) {
    if (x._backend.asyncOnly) {
      throw new DeviceError(
        `Module.to: a parameter or buffer is on the ${x.device} device, which is read asynchronously; use \`await module.toAsync("${t.device}")\``,
      );
    }
  }
  convertAll(root, t, (x) => x.detach().cpu());
}

/** `await module.toAsync(...)`: the same as `to`, also from a device that is only read asynchronously. */
export async function moduleToAsync(root: AnyModule, t: ModuleToOptions): Promise<void> {
  const onCpu = new Map<Tensor, Tensor>();
  if (t.device === "cpu") {
    const xs = leaving(root, t);
    const moved = await Promise.all(xs.map((x) => x.detach().cpuAsync()));
    xs.forEach((x, i) => {
      onCpu.set(x, moved[i]);
    });
  }
  convertAll(root, t, (x) => onCpu.get(x) ?? x.detach().cpu());
}
