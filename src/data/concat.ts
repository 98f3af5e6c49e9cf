import { is, required, signature } from "../args.js";
import { IndexError, ValueError } from "../errors.js";
import { ArrayDataset, Dataset } from "./dataset.js";

const CONCAT = signature("ConcatDataset", {
  datasets: required(
    is.where<readonly (Dataset<unknown> | readonly unknown[])[]>(
      "an array of Datasets (or arrays)",
      (v) => Array.isArray(v) && v.every((d) => d instanceof Dataset || Array.isArray(d)),
    ),
  ),
});

/**
 * The items of several datasets one after another, as `torch.utils.data.ConcatDataset(datasets)`: item `i` comes
 * from the first dataset whose `cumulativeSizes` entry exceeds `i`; negative indices count from the end.
 *
 * @example
 * const all = new tg.data.ConcatDataset([trainSet, extraSet]);
 * all.length === trainSet.length + extraSet.length;
 */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** The running totals of the datasets' lengths (PyTorch's `cumulative_sizes`). */
  readonly cumulativeSizes: readonly number[];

  constructor(
    ...args: [datasets: readonly (Dataset<T> | readonly T[])[]] | [options: { datasets: readonly (Dataset<T> | readonly T[])[] }]
  ) {
    super();
    const { datasets } = CONCAT.parse(args);
    if (datasets.length === 0) throw new ValueError("ConcatDataset: datasets should not be an empty array");
    this.datasets = datasets.map((d) => (d instanceof Dataset ? d : new ArrayDataset(d))) as Dataset<T>[];
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += d.length));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  get(i: number): T {
    if (!Number.isInteger(i)) throw new IndexError(`ConcatDataset.get: index must be an integer, got ${i}`);
    const n = this.length;
    if (i < 0) {
      if (-i > n) throw new ValueError(`ConcatDataset.get: absolute value of index ${i} should not exceed dataset length ${n}`);
      i += n;
    }
    if (i >= n) throw new IndexError(`ConcatDataset.get: index ${i} is out of range for a dataset of length ${n}`);
    // bisect_right: the first dataset whose cumulative size exceeds i.
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulativeSizes[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    return this.datasets[lo].get(lo === 0 ? i : i - this.cumulativeSizes[lo - 1]);
  }
}
