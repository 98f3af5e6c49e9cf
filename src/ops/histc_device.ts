import { DeviceError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { clamp, where } from "./binary.js";
import { zeros } from "./creation.js";
import { scatterAdd } from "./indexing.js";
import { floor } from "./unary.js";

// histc on a device that is only read asynchronously (webgpu), in tensor ops that stay there: each value's bin in the
// input's dtype (float32, as PyTorch's CUDA computes it; the CPU computes in float64, so a value within rounding of a
// bin's edge may fall on the other side), then a scatter-add of ones. The data's own range (min = max) would have to
// be read, so there min and max must be given.

/** The histogram of `input` with `bins` bins over [lo, hi] (lo < hi), on its device (see `histc`). */
export function histcOnDevice(input: Tensor, bins: number, lo: number, hi: number): Tensor {
  if (!(lo < hi)) {
    throw new DeviceError(
      `histc: on the ${input.device} device min and max must be given (min < max), as the data's own range cannot be read synchronously; ` +
        "pass them, or move the input to the CPU first: `tg.histc(await x.cpuAsync(), bins)`",
    );
  }
  const x = input.detach().reshape([-1]);
  const valid = x.ge(lo).logicalAnd(x.le(hi));
  const bin = clamp(
    floor(
      where(valid, x, lo)
        .sub(lo)
        .mul(bins)
        .div(hi - lo),
    ),
    null,
    bins - 1,
  ).to("int32");
  return scatterAdd(zeros([bins], { dtype: input.dtype, device: input.device }), 0, bin, valid.to(input.dtype));
}
