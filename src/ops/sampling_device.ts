import type { Tensor } from "../tensor/tensor.js";
import { minimum } from "./binary.js";
import { fromTyped } from "./creation.js";
import { scatter } from "./indexing.js";
import { cat } from "./join.js";
import type { Generator } from "./random.js";
import { cumsum } from "./reduce.js";
import { searchsorted } from "./search.js";

// multinomial on a device that is only read asynchronously (webgpu): the same inverse-CDF draws as the host's, from the
// same uniforms in the same order, in tensor ops that stay on the device (a running sum, then searchsorted). The weights
// cannot be checked there (negative, non-finite, all-zero rows, too few non-zero weights without replacement), as
// PyTorch's CUDA does not check them before a read either.

/** Uniforms of the generator in [0, 1) rounded down to float32 (so that none rounds up to 1). */
function uniforms(g: Generator, n: number): Float32Array {
  const u = new Float32Array(n);
  const bits = new Int32Array(u.buffer);
  for (let i = 0; i < n; i++) {
    const v = g.random();
    u[i] = v;
    if (u[i] > v) bits[i] -= 1;
  }
  return u;
}

/**
 * The category each uniform of `draws` [rows, k] picks from the weights `w` [rows, C]: the first whose running sum
 * passes u · total (categories of weight 0 are never picked; rounding at the top picks the last non-zero one).
 */
function pick(w: Tensor, draws: Tensor): Tensor {
  const cdf = cumsum(w, 1);
  const total = cdf.narrow(1, cdf.shape[1] - 1, 1);
  return minimum(searchsorted(cdf, draws.mul(total), { right: true }), searchsorted(cdf, total));
}

/** `numSamples` draws from each row of the weights `input` ([C] or [rows, C]) on its device, int32 (see `multinomial`). */
export function multinomialOnDevice(input: Tensor, numSamples: number, replacement: boolean, g: Generator): Tensor {
  const categories = input.shape[input.ndim - 1];
  const rows = input.ndim === 2 ? input.shape[0] : 1;
  const w = input.detach().reshape([rows, categories]).to("float32");
  const draws = fromTyped(uniforms(g, rows * numSamples), [rows, numSamples], { device: input._backend.device });
  let out: Tensor;
  if (replacement) out = pick(w, draws);
  else {
    // One draw per step, its category's weight set to zero before the next (the host's order of draws).
    const picked: Tensor[] = [];
    let left = w;
    for (let s = 0; s < numSamples; s++) {
      const i = pick(left, draws.narrow(1, s, 1));
      picked.push(i);
      left = scatter(left, 1, i, 0);
    }
    out = picked.length === 1 ? picked[0] : cat(picked, 1);
  }
  return input.ndim === 2 ? out : out.reshape([numSamples]);
}
