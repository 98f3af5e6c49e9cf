import { ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import { defaultGenerator, type Generator } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The probability of keeping each word when frequent words are subsampled (Mikolov et al. 2013, as word2vec's C code
 * and gensim compute it): with f = count / total, keep = (√(f / t) + 1) · t / f, capped at 1. Words with count 0
 * (specials such as `<unk>`) get 0, so they drop out of the training stream.
 *
 * @example
 * const keep = tg.data.subsamplingProbs(vocab.counts, 1e-3);
 */
export function subsamplingProbs(counts: ArrayLike<number>, t = 1e-3): Float64Array {
  if (!(t > 0)) throw new ValueError(`subsamplingProbs: t must be positive, got ${t}`);
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const out = new Float64Array(counts.length);
  const threshold = t * total;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    out[i] = c > 0 ? Math.min(1, (Math.sqrt(c / threshold) + 1) * (threshold / c)) : 0;
  }
  return out;
}

/**
 * The ids of `ids` that survive subsampling: each id `w` is kept with probability `keep[w]`.
 *
 * @example
 * const epochTokens = tg.data.subsample(docIds, keep);
 */
export function subsample(ids: Int32Array, keep: Float64Array, generator: Generator = defaultGenerator): Int32Array {
  const out = new Int32Array(ids.length);
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const p = keep[ids[i]];
    if (p === undefined) throw new ValueError(`subsample: id ${ids[i]} at ${i} is outside the ${keep.length} keep probabilities`);
    if (p >= 1 || (p > 0 && generator.random() < p)) out[n++] = ids[i];
  }
  return out.slice(0, n);
}

/**
 * Draws negative samples from the unigram distribution raised to `power` (0.75 in word2vec): P(w) ∝ count(w)^0.75.
 * Sampling is exact (binary search over the cumulative distribution), like `torch.multinomial(weights, n, true)`.
 *
 * @example
 * const neg = new tg.data.NegativeSampler(vocab.counts);
 * neg.sample([1024, 5]); // int32 tensor of word ids
 */
export class NegativeSampler {
  /** The probability of each id. */
  readonly probs: Float64Array;
  private readonly cumulative: Float64Array;

  constructor(
    counts: ArrayLike<number>,
    readonly power = 0.75,
    private readonly generator: Generator = defaultGenerator,
  ) {
    if (!Number.isFinite(power)) throw new ValueError(`NegativeSampler: power must be a finite number, got ${power}`);
    const w = new Float64Array(counts.length);
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      if (!(c >= 0)) throw new ValueError(`NegativeSampler: count ${i} must be non-negative, got ${c}`);
      w[i] = c > 0 ? c ** power : 0;
      total += w[i];
    }
    if (!(total > 0)) throw new ValueError("NegativeSampler: every count is 0");
    this.probs = w.map((x) => x / total);
    this.cumulative = new Float64Array(w.length);
    let acc = 0;
    for (let i = 0; i < w.length; i++) {
      acc += this.probs[i];
      this.cumulative[i] = acc;
    }
  }

  /** `n` ids drawn with replacement. */
  sampleIds(n: number): Int32Array {
    const cum = this.cumulative;
    const last = cum.length - 1;
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const u = this.generator.random() * cum[last];
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      out[k] = lo;
    }
    return out;
  }

  /** An int32 tensor of this shape filled with sampled ids. */
  sample(shape: readonly number[]): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return fromTyped(this.sampleIds(n), shape);
  }
}

export interface WordPairOptions {
  /** The largest distance between a center word and a context word (default 5). */
  window?: number;
  /** Pairs (skip-gram) or center words (CBOW) per batch (default 1024). */
  batchSize?: number;
  /** Per-id keep probabilities (`subsamplingProbs`), drawn afresh each epoch; omit to keep every token. */
  keepProbs?: Float64Array;
  /** Shrink the window of each center word by a random 0…window−1, as word2vec and gensim do (default true). */
  shrinkWindow?: boolean;
  /** Visit the documents in a new random order each epoch (default true). */
  shuffle?: boolean;
  generator?: Generator;
}

const PAIR_KEYS = new Set(["window", "batchSize", "keepProbs", "shrinkWindow", "shuffle", "generator"]);

interface ResolvedPairOptions {
  window: number;
  batchSize: number;
  keepProbs: Float64Array | null;
  shrinkWindow: boolean;
  shuffle: boolean;
  generator: Generator;
}

function resolve(where: string, options: WordPairOptions): ResolvedPairOptions {
  for (const k of Object.keys(options)) {
    if (!PAIR_KEYS.has(k)) throw new ValueError(`${where}: unknown option "${k}" (accepted: ${[...PAIR_KEYS].join(", ")})`);
  }
  const window = options.window ?? 5;
  const batchSize = options.batchSize ?? 1024;
  if (!(Number.isInteger(window) && window >= 1)) throw new ValueError(`${where}: window must be a positive integer, got ${window}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new ValueError(`${where}: batchSize must be a positive integer, got ${batchSize}`);
  if (options.keepProbs !== undefined && !(options.keepProbs instanceof Float64Array)) {
    throw new ValueError(`${where}: keepProbs must be a Float64Array (see subsamplingProbs)`);
  }
  return {
    window,
    batchSize,
    keepProbs: options.keepProbs ?? null,
    shrinkWindow: options.shrinkWindow ?? true,
    shuffle: options.shuffle ?? true,
    generator: options.generator ?? defaultGenerator,
  };
}

/** The documents of one epoch: in a (seeded) random order if asked, each subsampled. */
function* epochDocs(docs: readonly Int32Array[], o: ResolvedPairOptions): IterableIterator<Int32Array> {
  const order = docs.map((_, i) => i);
  if (o.shuffle) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(o.generator.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  for (const i of order) yield o.keepProbs ? subsample(docs[i], o.keepProbs, o.generator) : docs[i];
}

/** Each center position with its (possibly shrunk) window: calls `visit(i, lo, hi)` with the context range [lo, hi]. */
function windows(doc: Int32Array, o: ResolvedPairOptions, visit: (i: number, lo: number, hi: number) => void): void {
  for (let i = 0; i < doc.length; i++) {
    const w = o.shrinkWindow ? o.window - Math.floor(o.generator.random() * o.window) : o.window;
    visit(i, Math.max(0, i - w), Math.min(doc.length - 1, i + w));
  }
}

function checkDocs(where: string, docs: readonly Int32Array[]): void {
  if (!Array.isArray(docs) || docs.some((d) => !(d instanceof Int32Array))) {
    throw new ValueError(`${where}: docs must be an array of Int32Array token ids (see Vocab.encode)`);
  }
}

/**
 * Skip-gram (center, context) pairs streamed in batches: iterating yields `[centers, contexts]`, two int32 tensors of
 * shape [batchSize] (the last batch may be shorter), one epoch per iteration. Nothing is materialized beyond a batch,
 * so a corpus of millions of tokens costs only its token ids.
 *
 * @example
 * const pairs = new tg.data.SkipGramDataset(docs, { window: 5, keepProbs: tg.data.subsamplingProbs(vocab.counts) });
 * for (const [center, context] of pairs) { ... }
 */
export class SkipGramDataset implements Iterable<[Tensor, Tensor]> {
  private readonly o: ResolvedPairOptions;

  constructor(
    readonly docs: readonly Int32Array[],
    options: WordPairOptions = {},
  ) {
    checkDocs("SkipGramDataset", docs);
    this.o = resolve("SkipGramDataset", options);
  }

  /** The expected number of pairs in an epoch (after subsampling and window shrinking, on average). */
  estimatedPairs(): number {
    const { keepProbs, window, shrinkWindow } = this.o;
    let tokens = 0;
    for (const d of this.docs) {
      if (!keepProbs) tokens += d.length;
      else for (let i = 0; i < d.length; i++) tokens += keepProbs[d[i]] ?? 0;
    }
    return Math.round(tokens * (shrinkWindow ? window + 1 : 2 * window));
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const { batchSize } = this.o;
    let centers = new Int32Array(batchSize);
    let contexts = new Int32Array(batchSize);
    let n = 0;
    const ready: [Tensor, Tensor][] = [];
    for (const doc of epochDocs(this.docs, this.o)) {
      windows(doc, this.o, (i, lo, hi) => {
        for (let j = lo; j <= hi; j++) {
          if (j === i) continue;
          centers[n] = doc[i];
          contexts[n] = doc[j];
          if (++n === batchSize) {
            ready.push([fromTyped(centers, [n]), fromTyped(contexts, [n])]);
            centers = new Int32Array(batchSize);
            contexts = new Int32Array(batchSize);
            n = 0;
          }
        }
      });
      yield* ready;
      ready.length = 0;
    }
    if (n > 0) yield [fromTyped(centers.slice(0, n), [n]), fromTyped(contexts.slice(0, n), [n])];
  }
}

/**
 * CBOW examples streamed in batches: iterating yields `[contexts, mask, centers]`: the context ids [batchSize,
 * 2·window] (int32, padded with 0), a float32 mask of the same shape (1 where a context word is), and the center ids
 * [batchSize]. Centers with no context word (one-token documents) are skipped.
 *
 * @example
 * for (const [ctx, mask, center] of new tg.data.CbowDataset(docs, { window: 5 })) { ... }
 */
export class CbowDataset implements Iterable<[Tensor, Tensor, Tensor]> {
  private readonly o: ResolvedPairOptions;

  constructor(
    readonly docs: readonly Int32Array[],
    options: WordPairOptions = {},
  ) {
    checkDocs("CbowDataset", docs);
    this.o = resolve("CbowDataset", options);
  }

  /** The expected number of examples (center words) in an epoch. */
  estimatedExamples(): number {
    const { keepProbs } = this.o;
    let tokens = 0;
    for (const d of this.docs) {
      if (!keepProbs) tokens += d.length;
      else for (let i = 0; i < d.length; i++) tokens += keepProbs[d[i]] ?? 0;
    }
    return Math.round(tokens);
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor, Tensor]> {
    const { batchSize, window } = this.o;
    const width = 2 * window;
    const fresh = () => ({
      ctx: new Int32Array(batchSize * width),
      mask: new Float32Array(batchSize * width),
      center: new Int32Array(batchSize),
    });
    let b = fresh();
    let n = 0;
    const emit = (rows: number): [Tensor, Tensor, Tensor] => [
      fromTyped(b.ctx.slice(0, rows * width), [rows, width]),
      fromTyped(b.mask.slice(0, rows * width), [rows, width]),
      fromTyped(b.center.slice(0, rows), [rows]),
    ];
    const ready: [Tensor, Tensor, Tensor][] = [];
    for (const doc of epochDocs(this.docs, this.o)) {
      windows(doc, this.o, (i, lo, hi) => {
        if (hi === lo) return;
        let k = n * width;
        for (let j = lo; j <= hi; j++) {
          if (j === i) continue;
          b.ctx[k] = doc[j];
          b.mask[k++] = 1;
        }
        b.center[n] = doc[i];
        if (++n === batchSize) {
          ready.push(emit(n));
          b = fresh();
          n = 0;
        }
      });
      yield* ready;
      ready.length = 0;
    }
    if (n > 0) yield emit(n);
  }
}
