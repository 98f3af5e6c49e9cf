import type { AnyTypedArray } from "../dtype.js";
import { DeviceError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

// Ops whose output's shape depends on their input's values (nonzero, unique, boolean-mask indexing) read those values
// on the host. A device that is only read asynchronously (webgpu) cannot give them synchronously, so such an op refuses
// with an error that names it, the device and the way out, rather than the generic message of `toArray()`, which the
// user never called.

/**
 * The elements of `x` in row-major order, for the op `op` whose output's shape depends on them. On a device read only
 * asynchronously this throws a `DeviceError` naming `op`, the device and `fix` (the call on the CPU, e.g.
 * "tg.nonzero(await x.cpuAsync())").
 */
export function hostValues(x: Tensor, op: string, fix: string): AnyTypedArray {
  if (x._backend.asyncOnly) {
    throw new DeviceError(
      `${op}: not available for a tensor on the ${x.device} device (its output's shape depends on the input's values, which the ` +
        `${x.device} device gives only asynchronously); move it to the CPU first: \`${fix}\``,
    );
  }
  return x.contiguous().toArray();
}
