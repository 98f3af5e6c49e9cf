import { ValueError } from "../errors.js";
import { defaultGenerator, type Generator, randperm } from "../ops/random.js";
import type { Dataset } from "./dataset.js";
import { Subset } from "./subset.js";

/**
 * Splits `dataset` into non-overlapping random subsets (`torch.utils.data.random_split`). `lengths` are
 * item counts that sum to the dataset's length, or fractions that sum to 1: each split then gets
 * `floor(length · fraction)` items and the remainder is handed out one by one, round-robin from the first.
 * The permutation comes from `generator` (the default generator, seeded by `tg.manualSeed`, if omitted).
 *
 * @example
 * const [train, val] = tg.data.randomSplit(dataset, [0.8, 0.2], new tg.Generator(42));
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const n = dataset.length;
  let sizes = [...lengths];
  if (sizes.length === 0) throw new ValueError("randomSplit: expected at least one length");
  const total = sizes.reduce((a, b) => a + b, 0);
  // PyTorch's rule: lengths that sum to (nearly) 1, and no more, are fractions.
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    sizes = sizes.map((frac, i) => {
      if (!(frac >= 0 && frac <= 1)) throw new ValueError(`randomSplit: fraction at index ${i} is not between 0 and 1: ${frac}`);
      return Math.floor(n * frac);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length] += 1;
  }
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n) {
    throw new ValueError(`randomSplit: sum of input lengths (${sum}) does not equal the length of the input dataset (${n})`);
  }
  sizes.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0) {
      throw new ValueError(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got ${lengths[i]} at index ${i}`);
    }
  });
  const perm = Array.from(randperm(n, { generator }).toArray());
  let offset = 0;
  return sizes.map((s) => {
    const subset = new Subset(dataset, perm.slice(offset, offset + s));
    offset += s;
    return subset;
  });
}
