import { type Args, arg, is, kw, required, signature } from "../args.js";
import { ShapeError, ValueError } from "../errors.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { fromTyped } from "./creation.js";
import { defaultGenerator, Generator } from "./random.js";
import { multinomialOnDevice } from "./sampling_device.js";

const MULTINOMIAL = signature("multinomial", {
  input: required(is.tensor),
  numSamples: required(is.posInt),
  replacement: arg(is.boolean, false),
  generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
});

/** Picks an index with probability weights[i] / total by inverse CDF; `u` is uniform in [0, 1). */
function pick(weights: Float64Array, total: number, u: number): number {
  let target = u * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    last = i;
    if (target < weights[i]) return i;
    target -= weights[i];
  }
  return last; // rounding at the top end
}

/**
 * Samples `numSamples` category indices from each row of non-negative weights (1-D [C] or 2-D [N, C]; they need not
 * sum to 1), as `torch.multinomial`: int32 indices of shape [numSamples] or [N, numSamples]. Without `replacement`,
 * each row's samples are distinct (so numSamples may not exceed its number of non-zero weights). Drawn with the seeded
 * generator, so the same seed gives the same samples (not PyTorch's numbers: its generator differs); on webgpu from the
 * same uniforms, on the device, where the weights are not checked (see sampling_device.ts).
 *
 * @example
 * const probs = F.softmax(logits, -1);
 * const next = tg.multinomial(probs, 1); // sample the next token
 */
export function multinomial(
  input: Tensor,
  numSamples: number,
  ...rest: Args<[replacement: boolean], { replacement?: boolean; generator?: Generator | null }>
): Tensor {
  const a = MULTINOMIAL.parse([input, numSamples, ...rest]);
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`multinomial: expected a 1-D or 2-D input, got shape ${fmt(input.shape)}`);
  const g = a.generator ?? defaultGenerator;
  const categories = input.shape[input.ndim - 1];
  const rows = input.ndim === 2 ? input.shape[0] : 1;
  if (categories === 0) throw new ValueError("multinomial: the input has no categories");
  if (input._backend.asyncOnly) {
    if (!a.replacement && a.numSamples > categories) {
      throw new ValueError(`multinomial: cannot draw ${a.numSamples} samples without replacement from ${categories} categories`);
    }
    return multinomialOnDevice(input, a.numSamples, a.replacement, g);
  }
  const data = input.contiguous().toArray();
  const out = new Int32Array(rows * a.numSamples);
  const weights = new Float64Array(categories);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    let nonzero = 0;
    for (let c = 0; c < categories; c++) {
      const w = Number(data[r * categories + c]);
      if (!Number.isFinite(w) || w < 0)
        throw new ValueError(`multinomial: probabilities must be finite and non-negative, got ${w} in row ${r}`);
      weights[c] = w;
      total += w;
      if (w > 0) nonzero++;
    }
    if (total <= 0) throw new ValueError(`multinomial: the weights of row ${r} sum to zero`);
    if (!a.replacement && a.numSamples > nonzero) {
      throw new ValueError(
        `multinomial: cannot draw ${a.numSamples} samples without replacement from row ${r}, which has ${nonzero} non-zero weights`,
      );
    }
    for (let s = 0; s < a.numSamples; s++) {
      const i = pick(weights, total, g.random());
      out[r * a.numSamples + s] = i;
      if (!a.replacement) {
        weights[i] = 0;
        total = weights.reduce((t, w) => t + w, 0);
      }
    }
  }
  return fromTyped(out, input.ndim === 2 ? [rows, a.numSamples] : [a.numSamples], { device: input._backend.device });
}
