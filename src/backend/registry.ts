import { ValueError } from "../errors.js";
import type { Backend } from "./backend.js";
import { cpuBackend } from "./cpu/index.js";
import { wasmBackend } from "./wasm/index.js";
import { variantSupported } from "./wasm/module.js";

export { getNumThreads, setNumThreads } from "./wasm/threads.js";

const backends = new Map<string, Backend>([
  ["cpu", cpuBackend],
  ["wasm", wasmBackend],
]);
// The WASM SIMD backend is the default where the engine runs WebAssembly SIMD; the CPU reference backend stays available.
let current: Backend = variantSupported("simd") ? wasmBackend : cpuBackend;

/** The backend new tensors are created on. */
export function getBackend(): Backend {
  return current;
}

/** Makes a backend available to `setBackend` by its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
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
}

export function listBackends(): string[] {
  return [...backends.keys()];
}
