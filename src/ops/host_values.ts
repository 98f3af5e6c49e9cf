import type { AnyTypedArray } from "../dtype.js";
import { DeviceError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

// Ops computed on the host read their input's values there. A device that is only read asynchronously (webgpu) cannot
// give them synchronously, so such an op refuses with an error that names it, the device and the way out, rather than
// the generic message of `toArray()`, which the user never called.

/** Why an op reads its input on the host: its output's shape depends on the values, or it has no device kernel yet. */
export type HostReason = "shape" | "host";

/**
 * The elements of `x` in row-major order, for the op `op` computed on the host. On a device read only asynchronously
 * this throws a `DeviceError` naming `op`, the device and `fix` (the call on the CPU, e.g. "(await x.cpuAsync()).nonzero()").
 */
export function hostValues(x: Tensor, op: string, reason: HostReason, fix: string): AnyTypedArray {
  if (x._backend.asyncOnly) {
    const why =
      reason === "shape"
        ? `its output's shape depends on the input's values, which the ${x.device} device gives only asynchronously`
        : `it is computed on the host from the input's values, which the ${x.device} device gives only asynchronously`;
    throw new DeviceError(`${op}: not available for a tensor on the ${x.device} device (${why}); move it to the CPU first: \`${fix}\``);
  }
  return x.contiguous().toArray();
}
