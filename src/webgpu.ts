import { registerBackend } from "./backend/registry.js";
import type { AdapterInfo } from "./backend/webgpu/gpu.js";
import { acquireDevice } from "./backend/webgpu/gpu.js";
import { createWebgpuBackend } from "./backend/webgpu/index.js";
import type { GpuMemoryStats } from "./backend/webgpu/pool.js";
import { Runtime } from "./backend/webgpu/runtime.js";
import { DeviceError } from "./errors.js";

export type { AdapterInfo, GpuMemoryStats };

let runtime: Runtime | null = null;
let pending: Promise<AdapterInfo> | null = null;

/**
 * Opens the WebGPU device (in browsers through `navigator.gpu`, in Node through the optional `webgpu` package) and
 * makes `"webgpu"` a device tensors can be created on and moved to. Resolves to the adapter's description; rejects with
 * a `DeviceError` that says what to install when there is no adapter. Calling it again returns the same device.
 *
 * @example
 * const info = await tg.webgpu.init();
 * if (info.isSoftware) console.log("a software adapter: correct, not fast");
 * const x = tg.randn([128, 784], { device: "webgpu" });
 */
export function init(): Promise<AdapterInfo> {
  pending ??= acquireDevice().then(
    ({ device, info }) => {
      runtime = new Runtime(device, info);
      registerBackend(createWebgpuBackend(runtime));
      return info;
    },
    (e: unknown) => {
      pending = null;
      throw e;
    },
  );
  return pending;
}

/** Whether a WebGPU adapter can be opened here (initializes the device when it can). */
export async function isAvailable(): Promise<boolean> {
  try {
    await init();
    return true;
  } catch {
    return false;
  }
}

function rt(fn: string): Runtime {
  if (!runtime) throw new DeviceError(`webgpu.${fn}: the webgpu device is not initialized; call \`await tg.webgpu.init()\` first`);
  return runtime;
}

/** The adapter in use, or null before `init()`. */
export function info(): AdapterInfo | null {
  return runtime?.info ?? null;
}

/**
 * GPU memory held by tensors and by the pool of freed buffers kept for reuse. Buffers of tensors that JavaScript's
 * garbage collector has reclaimed return to the pool; that happens between turns of the event loop, so a training loop
 * keeps memory flat by awaiting something now and then (a read of the loss every N steps, or `synchronize()`).
 */
export function memory(): GpuMemoryStats {
  return rt("memory").pool.stats();
}

/** Submits all queued work and resolves when the GPU has finished it (and lets freed buffers return to the pool). */
export function synchronize(): Promise<void> {
  return rt("synchronize").synchronize();
}

/** Gives the pooled (free) buffers back to the driver, like `torch.cuda.empty_cache()`. */
export function emptyCache(): void {
  rt("emptyCache").pool.trim();
}
