import { type Args, arg, is, kw, required, signature } from "../args.js";
import { ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { indexSelect } from "../ops/indexing.js";
import { defaultGenerator, Generator, randperm } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Collated, type CollateFn, defaultCollate } from "./collate.js";
import { ArrayDataset, Dataset, normalizeIndex, TensorDataset } from "./dataset.js";
import { Subset } from "./subset.js";

export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Draw a fresh random order at the start of every pass (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it would be smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Turns a list of items into a batch; `defaultCollate` when omitted. */
  collate?: CollateFn<T, B>;
  /** PyTorch's name (`collate_fn`) for `collate`: give one or the other. */
  collateFn?: CollateFn<T, B>;
  /** The generator shuffling draws from; the default generator (seeded by `tg.manualSeed`) when omitted. */
  generator?: Generator;
  /**
   * Where the item indices come from, instead of `0..n-1` or a shuffle (mutually exclusive with `shuffle`): a
   * `Sampler` such as `WeightedRandomSampler`, or any iterable of indices with a `length`; iterated once a pass.
   */
  sampler?: IndexSampler | null;
}

/** What `sampler` takes: indices to iterate (a `Sampler`, an array) and how many there are. */
export type IndexSampler = Iterable<number> & { readonly length: number };

const isSampler = (v: unknown): boolean =>
  v !== null &&
  typeof v === "object" &&
  typeof (v as { length?: unknown }).length === "number" &&
  typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";

const SAMPLER = is.where<IndexSampler | null>(
  "a Sampler (an iterable of indices with a length) or null",
  (v) => v === null || isSampler(v),
);
const DATALOADER = signature("DataLoader", {
  dataset: required(is.where<unknown>("a Dataset or an array of items", (v) => v instanceof Dataset || Array.isArray(v))),
  batchSize: arg(is.number, 1),
  shuffle: arg(is.boolean, false),
  sampler: arg(SAMPLER, null),
  dropLast: kw(is.boolean, false),
  collate: kw(is.nullable(is.function), null),
  collateFn: kw(is.nullable(is.function), null),
  generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
});

/** The tensors and row indices behind a TensorDataset, possibly seen through Subsets, for the batched fast path. */
function tensorSource(dataset: Dataset<unknown>): { tensors: readonly Tensor[]; rows: number[] | null } | null {
  // A subclass that overrides `get` (to transform rows, say) goes through `get` and collate instead.
  if (dataset instanceof TensorDataset)
    return dataset.get === TensorDataset.prototype.get ? { tensors: dataset.tensors as readonly Tensor[], rows: null } : null;
  if (dataset instanceof Subset && dataset.get === Subset.prototype.get) {
    const inner = tensorSource(dataset.dataset);
    if (!inner) return null;
    const n = dataset.dataset.length;
    const rows = dataset.indices.map((i) => {
      const j = i < 0 ? i + n : i;
      return inner.rows ? inner.rows[j] : j;
    });
    return { tensors: inner.tensors, rows };
  }
  return null;
}

/**
 * Iterates over a dataset in batches, like `torch.utils.data.DataLoader(dataset, batch_size=1, shuffle=False,
 * sampler=None, *, drop_last, collate_fn, generator)` (single process): each batch
 * is `collate` of `batchSize` consecutive items (in a fresh random order per pass with `shuffle`, or in the order
 * a `sampler` gives, such as `WeightedRandomSampler`).
 * A `TensorDataset` (or a `Subset` of one) with the default collate is batched with one `indexSelect`
 * per tensor instead of stacking rows.
 *
 * @example
 * const ds = new tg.data.TensorDataset(x, y);
 * const loader = new tg.data.DataLoader(ds, { batchSize: 32, shuffle: true }); // or PyTorch's DataLoader(ds, 32, true)
 * for (const epoch of [1, 2, 3]) {
 *   for (const [xb, yb] of loader) {
 *     // xb: [32, ...x.shape.slice(1)], yb: [32]
 *   }
 * }
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  readonly sampler: IndexSampler | null;
  private readonly collateFn: CollateFn<T, B> | undefined;

  constructor(
    dataset: Dataset<T> | readonly T[],
    ...rest: Args<[batchSize: number, shuffle: boolean, sampler: IndexSampler | null], DataLoaderOptions<T, B>>
  ) {
    const a = DATALOADER.parse([dataset, ...rest]);
    const { batchSize, shuffle, dropLast, sampler } = a;
    if (a.collate && a.collateFn) throw new ValueError("DataLoader: give collate or collateFn (PyTorch's name), not both");
    const collate = (a.collate ?? a.collateFn ?? undefined) as CollateFn<T, B> | undefined;
    const generator = a.generator ?? undefined;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize should be a positive integer, got ${batchSize}`);
    }
    if (sampler !== null && shuffle) throw new ValueError("DataLoader: sampler option is mutually exclusive with shuffle");
    this.dataset = dataset instanceof Dataset ? dataset : new ArrayDataset(dataset as readonly T[]);
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.sampler = sampler;
    this.collateFn = collate;
  }

  /** The number of batches one pass yields. */
  get length(): number {
    const n = this.sampler ? this.sampler.length : this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The item indices of each batch for one pass (drawing a new order when shuffling). */
  batchIndices(): number[][] {
    const size = this.dataset.length;
    const order = this.sampler
      ? Array.from(this.sampler, (i) => normalizeIndex(i, size, "DataLoader (an index from its sampler)"))
      : this.shuffle
        ? Array.from(randperm(size, { generator: this.generator ?? defaultGenerator }).toArray())
        : Array.from({ length: size }, (_, i) => i);
    const n = order.length;
    const batches: number[][] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const batch = order.slice(start, start + this.batchSize);
      if (batch.length < this.batchSize && this.dropLast) break;
      batches.push(batch);
    }
    return batches;
  }

  *[Symbol.iterator](): Iterator<B> {
    const batches = this.batchIndices();
    const source = this.collateFn ? null : tensorSource(this.dataset);
    for (const batch of batches) {
      if (source) {
        const rows = source.rows ? batch.map((i) => source.rows![i]) : batch;
        const index = tensor(new Int32Array(rows));
        // Tensors on another device (a dataset moved to webgpu) take the index there: one upload per batch.
        yield source.tensors.map((t) => indexSelect(t, 0, t.device === index.device ? index : index.to(t.device))) as B;
      } else {
        const items = batch.map((i) => this.dataset.get(i));
        yield this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
      }
    }
  }
}
