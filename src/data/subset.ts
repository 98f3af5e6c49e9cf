import { IndexError } from "../errors.js";
import { Dataset, normalizeIndex } from "./dataset.js";

/**
 * The items of `dataset` at `indices`, in that order (`torch.utils.data.Subset`).
 *
 * @example
 * const firstTen = new tg.data.Subset(dataset, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 */
export class Subset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    super();
    indices.forEach((index, k) => {
      if (!Number.isInteger(index)) throw new IndexError(`Subset: indices must be integers, got ${index} at position ${k}`);
    });
    this.dataset = dataset;
    this.indices = [...indices];
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): T {
    return this.dataset.get(this.indices[normalizeIndex(i, this.indices.length, "Subset.get")]);
  }
}
