import { DeviceError, ValueError } from "../errors.js";
import type { Backend, DeviceType } from "./backend.js";
import { cpuBackend } from "./cpu/index.js";
import { wasmBackend } from "./wasm/index.js";
import { variantSupported } from "./wasm/module.js";

export { getNumThreads, setNumThreads } from "./wasm/threads.js";

const backends = new Map<string, Backend>([
  ["cpu", cpuBackend],
  ["wasm", wasmBackend],
]);
// The WASM SIMD backend is the default where the engine runs WebAssembly SIMD; the CPU reference backend stays available.
let cpuDefault: Backend = variantSupported("simd") ? wasmBackend : cpuBackend;
let current: Backend = cpuDefault;
/** The backend of each device other than the CPU, once it has been initialized (`tg.webgpu.init()`). */
const deviceBackends = new Map<DeviceType, Backend>();

const DEVICES: readonly DeviceType[] = ["cpu", "webgpu"];

/** The backend new tensors are created on (the default device's). */
export function getBackend(): Backend {
  return current;
}

/** Makes a backend available to `setBackend` by its name; a backend of a device other than the CPU also serves that device. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
  if (backend.device !== "cpu") deviceBackends.set(backend.device, backend);
}

/**
 * Chooses the backend that new tensors are created on (`"cpu"` is the reference backend, always there; `"wasm"`, the default where WebAssembly SIMD runs, uses SIMD kernels for the hot float32 ops).
 *
 * @example
 * tg.setBackend("cpu");
 */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new ValueError(`setBackend: unknown backend "${name}"; registered: ${[...backends.keys()].join(", ")}`);
  current = b;
  if (b.device === "cpu") cpuDefault = b;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Checks a device name from a caller (JavaScript callers have no type checker). */
export function parseDevice(device: unknown, fn: string): DeviceType {
  if (typeof device === "string" && (DEVICES as readonly string[]).includes(device)) return device as DeviceType;
  const hint = device === "cuda" || device === "gpu" || device === "mps" ? ` (tensorgrad's GPU device is "webgpu")` : "";
  throw new DeviceError(
    `${fn}: unknown device ${JSON.stringify(device)}${hint}; expected one of ${DEVICES.map((d) => `"${d}"`).join(", ")}`,
  );
}

/**
 * The backend that holds tensors of `device`: the CPU's current backend, or the device's once initialized. A device that
 * has not been initialized is a `DeviceError` that says how (`await tg.webgpu.init()`).
 */
export function backendFor(device: DeviceType | string, fn = "to"): Backend {
  const d = parseDevice(device, fn);
  if (d === "cpu") return current.device === "cpu" ? current : cpuDefault;
  const b = deviceBackends.get(d);
  if (!b) throw new DeviceError(`${fn}: the ${d} device is not initialized; call \`await tg.webgpu.init()\` first`);
  return b;
}

/**
 * Makes `device` the one new tensors are created on when no `device` option says otherwise (like
 * `torch.set_default_device`).
 *
 * @example
 * await tg.webgpu.init();
 * tg.setDefaultDevice("webgpu");
 */
export function setDefaultDevice(device: DeviceType): void {
  current = backendFor(device, "setDefaultDevice");
}

/** The device new tensors are created on. */
export function getDefaultDevice(): DeviceType {
  return current.device;
}
