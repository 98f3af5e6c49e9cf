import * as tg from "tensorgrad";
import { type Backend, DeviceError, type View } from "tensorgrad";
import { cpuBackend } from "../../src/backend/cpu/index.ts";

// A test-only stand-in for the WebGPU device: the CPU reference backend's kernels, reporting the "webgpu" device and
// behaving as a device that is read only asynchronously (`read` throws, `readAsync` resolves). It lets the device
// plumbing (moves, mixed-device errors, async readers) be tested on machines without a GPU.

/** Counts the reads, so tests can check that ops on the fake device do not read values on the host. */
export const fakeReads = { sync: 0, async: 0 };

/** The fake device's backend, wrapping the CPU reference backend. */
export const fakeWebGpu: Backend = {
  ...cpuBackend,
  name: "fake-webgpu",
  device: "webgpu",
  // Its own memory tag: tensors on it never mix with the CPU's.
  memory: "fake-webgpu",
  asyncOnly: true,
  read(): never {
    fakeReads.sync++;
    throw new DeviceError("fake-webgpu: read() cannot block for the device; use await x.toArrayAsync()");
  },
  async readAsync(view: View) {
    fakeReads.async++;
    await Promise.resolve();
    return cpuBackend.read(view);
  },
};

/** Registers the fake device (it then serves "webgpu"); call once per test file. */
export function useFakeWebGpu(): void {
  tg.registerBackend(fakeWebGpu);
}
