import { describe, it } from "node:test";
import { setDefaultDevice } from "../src/backend/registry.js";
import { tg } from "./helpers.js";

/**
 * Shared setup of the WebGPU tests: whether an adapter is there, suites that skip (with what to install) when it is not,
 * and moving tensors to and from the device. In CI (`process.env.CI` set) a missing adapter fails instead of skipping:
 * CI installs SwiftShader, so no adapter there is a broken setup, not a machine without a GPU.
 */

/** Opens the skip message; the reason that follows (tg.webgpu.init's error) names what to install. */
const INSTALL = "no WebGPU adapter, WebGPU tests skipped";

let available: Promise<{ ok: boolean; reason: string }> | null = null;

/** Whether a WebGPU adapter can be opened here (opens the device once; later calls reuse the answer). */
export async function gpuAvailable(): Promise<boolean> {
  return (await probe()).ok;
}

function probe(): Promise<{ ok: boolean; reason: string }> {
  available ??= tg.webgpu.init().then(
    () => ({ ok: true, reason: "" }),
    (e: unknown) => ({ ok: false, reason: (e as Error).message }),
  );
  return available;
}

/**
 * The `skip` option of a WebGPU test: false where an adapter is found, else the message naming what to install. In CI
 * a missing adapter throws instead (the test file fails).
 *
 * @example
 * test("runs on the GPU", { skip: await webgpuSkip() }, async () => { ... });
 */
export async function webgpuSkip(): Promise<string | false> {
  const { ok, reason } = await probe();
  if (ok) return false;
  if (process.env.CI) throw new Error(`CI is set but there is no WebGPU adapter: ${reason}`);
  return `${INSTALL}: ${reason}`;
}

/**
 * A `describe` whose tests run only where a WebGPU adapter is found: elsewhere one skipped test names what to install,
 * and in CI one failing test says that the adapter is missing. `fn` registers the tests (`it`) as in `describe`.
 */
export function describeWebgpu(name: string, fn: () => void): void {
  describe(name, async () => {
    const { ok, reason } = await probe();
    if (ok) return fn();
    if (process.env.CI) {
      it("has a WebGPU adapter (CI installs SwiftShader)", () => {
        throw new Error(`CI is set but there is no WebGPU adapter: ${reason}`);
      });
      return;
    }
    it("runs on a WebGPU adapter", { skip: `${INSTALL}: ${reason}` }, () => {});
  });
}

/** Runs `fn` with "webgpu" as the default device, then puts the CPU back. */
export function onWebgpu<T>(fn: () => T): T {
  setDefaultDevice("webgpu");
  try {
    return fn();
  } finally {
    setDefaultDevice("cpu");
  }
}

/** A copy of a CPU tensor on the webgpu device (same shape and dtype, contiguous). */
export function toWebgpu(t: tg.Tensor): tg.Tensor {
  const data = t.contiguous().toArray();
  return onWebgpu(() => tg.tensor(data, { dtype: t.dtype }).reshape([...t.shape]));
}

/** A CPU copy of a webgpu tensor (awaits the device). */
export async function fromWebgpu(t: tg.Tensor): Promise<tg.Tensor> {
  const data = await t._backend.readAsync!(t._view);
  return tg.tensor(data, { dtype: t.dtype }).reshape([...t.shape]);
}
