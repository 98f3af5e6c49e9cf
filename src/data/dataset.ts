import { describe } from "../args.js";
import { ArgumentError, IndexError, ValueError } from "../errors.js";
import { fmt } from "../shape.js";
import { hasTensorBrand } from "../tensor/brand.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * A map-style dataset: `length` items, read one at a time with `get(i)`, as `torch.utils.data.Dataset`.
 * Subclass it and implement both; iterating a dataset yields its items in order.
 *
 * @example
 * class Squares extends tg.data.Dataset<[number, number]> {
 *   get length() { return 10; }
 *   get(i: number): [number, number] { return [i, i * i]; }
 * }
 * const loader = new tg.data.DataLoader(new Squares(), { batchSize: 4 });
 */
export abstract class Dataset<T> implements Iterable<T> {
  /** The number of items. */
  abstract readonly length: number;

  /** The item at `i`; negative indices count from the end. */
  abstract get(i: number): T;

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }
}

/** `i` as a position in `[0, length)`, counting negative indices from the end (as Python does). */
export function normalizeIndex(i: number, length: number, where: string): number {
  if (!Number.isInteger(i)) throw new IndexError(`${where}: index must be an integer, got ${i}`);
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw new IndexError(`${where}: index ${i} is out of range for a dataset of length ${length}`);
  return j;
}

/**
 * A dataset of tensors that share their first dimension: item `i` is the `i`-th row of each, like
 * `torch.utils.data.TensorDataset`. A `DataLoader` batches it with one `indexSelect` per tensor.
 *
 * @example
 * const ds = new tg.data.TensorDataset(tg.randn([100, 3]), tg.randint(0, 2, [100]));
 * const [x0, y0] = ds.get(0); // shapes [3] and []
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  /** The tensors, as given. */
  readonly tensors: Readonly<T>;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new ValueError("TensorDataset: expected at least one tensor");
    tensors.forEach((t, k) => {
      if (!hasTensorBrand(t)) {
        throw new ArgumentError(
          "TensorDataset",
          `tensors[${k}]`,
          "Tensors",
          `TensorDataset(...tensors): tensor ${k} is ${describe(t)}, not a Tensor`,
        );
      }
    });
    const n = tensors[0].ndim === 0 ? -1 : tensors[0].shape[0];
    tensors.forEach((t, k) => {
      if (t.ndim === 0) throw new ValueError(`TensorDataset: tensor ${k} is 0-d; every tensor needs a first dimension to index`);
      if (t.shape[0] !== n) {
        throw new ValueError(
          `TensorDataset: size mismatch between tensors: tensor 0 has shape ${fmt(tensors[0].shape)}, tensor ${k} has ${fmt(t.shape)}`,
        );
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(i: number): T {
    const j = normalizeIndex(i, this.length, "TensorDataset.get");
    return this.tensors.map((t) => t.select(0, j)) as T;
  }
}

/**
 * A plain array as a dataset (what `DataLoader` wraps arrays in).
 *
 * @example
 * const ds = new tg.data.ArrayDataset([{ x: 1, y: 0 }, { x: 2, y: 1 }]);
 */
export class ArrayDataset<T> extends Dataset<T> {
  readonly items: readonly T[];

  constructor(items: readonly T[]) {
    super();
    this.items = items;
  }

  get length(): number {
    return this.items.length;
  }

  get(i: number): T {
    return this.items[normalizeIndex(i, this.items.length, "ArrayDataset.get")];
  }
}
