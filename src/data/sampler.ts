import { arg, is, kw, required, signature } from "../args.js";
import { ShapeError, ValueError } from "../errors.js";
import { defaultGenerator, Generator } from "../ops/random.js";
import { hasTensorBrand } from "../tensor/brand.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * A source of dataset indices for a `DataLoader` (`torch.utils.data.Sampler`): iterating yields indices, `length`
 * says how many. Subclass it, or pass any iterable of indices with a `length` (an array) as `sampler`.
 *
 * @example
 * class EvenFirst extends tg.data.Sampler {
 *   constructor(readonly n: number) { super(); }
 *   get length() { return this.n; }
 *   *[Symbol.iterator]() { for (let i = 0; i < this.n; i += 2) yield i; for (let i = 1; i < this.n; i += 2) yield i; }
 * }
 */
export abstract class Sampler implements Iterable<number> {
  /** The number of indices one pass yields. */
  abstract readonly length: number;
  abstract [Symbol.iterator](): Iterator<number>;
}

const WEIGHTED = signature("WeightedRandomSampler", {
  weights: required(
    is.where<readonly number[] | Tensor>(
      "a 1-D array or Tensor of non-negative weights",
      (v) => hasTensorBrand(v) || (Array.isArray(v) && v.every((x) => typeof x === "number")),
    ),
  ),
  numSamples: required(is.posInt),
  replacement: arg(is.boolean, true),
  generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
});

/** Options of WeightedRandomSampler. */
export interface WeightedRandomSamplerOptions {
  weights?: readonly number[] | Tensor;
  numSamples?: number;
  replacement?: boolean;
  /** Where the draws come from; the default generator (seeded by `tg.manualSeed`) when omitted. */
  generator?: Generator | null;
}

/** The first index whose cumulative weight exceeds `target` (binary search). */
function search(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Draws `numSamples` indices in [0, weights.length) with probability proportional to `weights` (which need not sum
 * to 1), as `torch.utils.data.WeightedRandomSampler(weights, num_samples, replacement=True, generator=None)`; a fresh
 * draw every pass. Without `replacement` the indices are distinct, drawn in order as successive weighted picks among
 * those left (PyTorch's multinomial without replacement). Give it to a `DataLoader` as `sampler` to rebalance classes.
 * The draws come from tensorgrad's generator: the same distribution as PyTorch's, not its numbers.
 *
 * @example
 * // weight each example by 1 / (its class's count), so batches are balanced
 * const sampler = new tg.data.WeightedRandomSampler(weights, weights.length);
 * const loader = new tg.data.DataLoader(dataset, { batchSize: 64, sampler });
 */
export class WeightedRandomSampler extends Sampler {
  /** The weights, as float64 (PyTorch keeps them as a double tensor). */
  readonly weights: Float64Array;
  readonly numSamples: number;
  readonly replacement: boolean;
  readonly generator: Generator | null;

  constructor(
    weights: readonly number[] | Tensor,
    numSamples: number,
    ...rest: [] | [options: WeightedRandomSamplerOptions] | [replacement: boolean | undefined, options?: WeightedRandomSamplerOptions]
  ) {
    super();
    const a = WEIGHTED.parse([weights, numSamples, ...rest]);
    const w = a.weights;
    if (hasTensorBrand(w) && w.ndim !== 1) {
      throw new ShapeError(`WeightedRandomSampler: weights should be a 1-D sequence, but given weights have shape [${w.shape.join(", ")}]`);
    }
    this.weights = Float64Array.from(hasTensorBrand(w) ? Array.from(w.contiguous().toArray(), Number) : w);
    let positive = 0;
    this.weights.forEach((x, i) => {
      if (!Number.isFinite(x) || x < 0)
        throw new ValueError(`WeightedRandomSampler: weights must be finite and non-negative, got ${x} at index ${i}`);
      if (x > 0) positive++;
    });
    if (positive === 0) throw new ValueError(`WeightedRandomSampler: the ${this.weights.length} weights sum to zero`);
    if (!a.replacement && a.numSamples > positive) {
      throw new ValueError(
        `WeightedRandomSampler: cannot draw ${a.numSamples} samples without replacement from ${positive} non-zero weights`,
      );
    }
    this.numSamples = a.numSamples;
    this.replacement = a.replacement;
    this.generator = a.generator;
  }

  get length(): number {
    return this.numSamples;
  }

  /** One pass's indices. */
  sample(): number[] {
    const g = this.generator ?? defaultGenerator;
    const n = this.weights.length;
    if (this.replacement) {
      // Inverse CDF with a binary search: O(log n) a draw, so numSamples = n = 60,000 stays quick.
      const cumulative = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) cumulative[i] = total += this.weights[i];
      return Array.from({ length: this.numSamples }, () => {
        let i = search(cumulative, g.random() * total);
        while (this.weights[i] === 0) i--; // rounding at the top end lands on a zero weight: take the last non-zero
        return i;
      });
    }
    // Without replacement: the numSamples largest keys log(u) / w (Efraimidis–Spirakis, PyTorch's exponential trick)
    // are distributed as successive weighted draws without replacement.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.weights[i] > 0 ? Math.log(1 - g.random()) / this.weights[i] : Number.NEGATIVE_INFINITY;
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => keys[y] - keys[x] || x - y);
    return order.slice(0, this.numSamples);
  }

  *[Symbol.iterator](): Iterator<number> {
    yield* this.sample();
  }
}
