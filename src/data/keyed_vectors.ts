import { ShapeError, ValueError } from "../errors.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { Vocab, type VocabJSON } from "./words.js";

/** A word and its cosine similarity to the query. */
export interface Neighbor {
  word: string;
  similarity: number;
}

export interface MostSimilarOptions {
  /** Words whose vectors are subtracted from the query (gensim's `negative`). */
  negative?: readonly string[];
}

/** The edit distance of `a` and `b`, or `max + 1` once it is certain to exceed `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Word vectors with gensim's `KeyedVectors` queries: `mostSimilar` (cosine similarity, the lecture's
 * `my_most_similar(word, k)`), `analogy` and `similarity`. Words are looked up exactly; an unknown word throws a
 * `ValueError` that suggests close spellings.
 *
 * @example
 * const kv = new tg.data.KeyedVectors(["king", "queen", "man", "woman"], vectors); // vectors: [4, dim]
 * kv.mostSimilar("king", 2);               // [{ word: "queen", similarity: 0.71 }, ...]
 * kv.analogy("man", "king", "woman");      // "man is to king as woman is to ?"
 */
export class KeyedVectors {
  /** Index → word. */
  readonly words: readonly string[];
  /** [words, dim]: the vectors as given. */
  readonly vectors: Tensor;
  private readonly index: Map<string, number>;
  private unitCache: Tensor | null = null;

  constructor(words: readonly string[], vectors: Tensor) {
    if (vectors.ndim !== 2 || vectors.shape[0] !== words.length) {
      throw new ShapeError(
        `KeyedVectors: vectors of shape ${fmt(vectors.shape)} do not match ${words.length} words (expected [${words.length}, dim])`,
      );
    }
    this.words = [...words];
    this.vectors = vectors.detach().float();
    this.index = new Map();
    words.forEach((w, i) => {
      if (this.index.has(w)) throw new ValueError(`KeyedVectors: duplicate word ${JSON.stringify(w)}`);
      this.index.set(w, i);
    });
  }

  /**
   * The vectors of a trained word2vec checkpoint's `config.vocab` (a `Vocab.toJSON()`) and weight `weightKey` (by
   * default the input embedding, `inEmbed.weight`), without the special tokens.
   */
  static fromCheckpoint(ckpt: { modelState: Record<string, Tensor>; config: unknown }, weightKey = "inEmbed.weight"): KeyedVectors {
    const config = ckpt.config as { vocab?: VocabJSON } | null;
    if (!config || typeof config !== "object" || !config.vocab) {
      throw new ValueError("KeyedVectors.fromCheckpoint: the checkpoint holds no vocabulary (config.vocab): is it a word2vec run?");
    }
    const vocab = Vocab.fromJSON(config.vocab);
    const w = ckpt.modelState[weightKey];
    if (!w) throw new ValueError(`KeyedVectors.fromCheckpoint: the checkpoint has no tensor "${weightKey}"`);
    if (w.ndim !== 2 || w.shape[0] !== vocab.size) {
      throw new ShapeError(
        `KeyedVectors.fromCheckpoint: "${weightKey}" has shape ${fmt(w.shape)} but the vocabulary has ${vocab.size} entries`,
      );
    }
    const skip = vocab.specials.length;
    return new KeyedVectors(vocab.itos.slice(skip), w.narrow(0, skip, vocab.size - skip));
  }

  /** The number of words. */
  get size(): number {
    return this.words.length;
  }

  /** The vectors' length. */
  get dim(): number {
    return this.vectors.shape[1];
  }

  /** Whether `word` has a vector. */
  has(word: string): boolean {
    return this.index.has(word);
  }

  /** Up to `n` known words within edit distance 2 of `word`, closest first (then most frequent, as stored). */
  closeSpellings(word: string, n = 5): string[] {
    const found: [string, number][] = [];
    for (const w of this.words) {
      const d = editDistance(word, w, 2);
      if (d <= 2) found.push([w, d]);
    }
    return found
      .sort((a, b) => a[1] - b[1])
      .slice(0, n)
      .map(([w]) => w);
  }

  /** The index of `word`; an unknown word throws a `ValueError` naming close spellings. */
  indexOf(word: string): number {
    const i = this.index.get(word);
    if (i !== undefined) return i;
    const close = this.closeSpellings(word);
    throw new ValueError(
      `"${word}" is not in the vocabulary (${this.size} words)${close.length ? `; did you mean ${close.map((w) => `"${w}"`).join(", ")}?` : ""}`,
    );
  }

  /** The vector of `word` ([dim]). */
  getVector(word: string): Tensor {
    return this.vectors.get(this.indexOf(word));
  }

  /** The vectors scaled to length 1 (rows of zeros stay zero). */
  private get unit(): Tensor {
    this.unitCache ??= this.vectors.div(this.vectors.norm(2, 1, true).clamp(1e-12));
    return this.unitCache;
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    const u = this.unit;
    return u
      .get(this.indexOf(a))
      .dot(u.get(this.indexOf(b)))
      .item();
  }

  /**
   * The `k` words nearest by cosine similarity to the mean of the positive words' unit vectors minus the negative
   * ones' (gensim's `most_similar(positive, negative, topn)`), the query words excluded. `positive` may also be a
   * vector ([dim] tensor), in which case nothing is excluded.
   *
   * @example
   * kv.mostSimilar("war", 10);
   * kv.mostSimilar(["king", "woman"], 1, { negative: ["man"] });
   */
  mostSimilar(positive: string | readonly string[] | Tensor, k = 10, options: MostSimilarOptions = {}): Neighbor[] {
    for (const key of Object.keys(options)) {
      if (key !== "negative") throw new ValueError(`mostSimilar: unknown option "${key}" (accepted: negative)`);
    }
    if (!(Number.isInteger(k) && k >= 1)) throw new ValueError(`mostSimilar: k must be a positive integer, got ${k}`);
    const u = this.unit;
    let query: Tensor;
    const exclude = new Set<number>();
    if (typeof positive === "string" || Array.isArray(positive)) {
      const pos = (typeof positive === "string" ? [positive] : positive) as readonly string[];
      const neg = options.negative ?? [];
      if (pos.length + neg.length === 0) throw new ValueError("mostSimilar: give at least one word");
      const terms: Tensor[] = [];
      for (const w of pos) {
        const i = this.indexOf(w);
        exclude.add(i);
        terms.push(u.get(i));
      }
      for (const w of neg) {
        const i = this.indexOf(w);
        exclude.add(i);
        terms.push(u.get(i).neg());
      }
      query = terms.reduce((a, b) => a.add(b)).div(terms.length);
    } else {
      const v = positive as Tensor;
      if (v.ndim !== 1 || v.shape[0] !== this.dim)
        throw new ShapeError(`mostSimilar: a query vector must have shape [${this.dim}], got ${fmt(v.shape)}`);
      query = v.float();
    }
    query = query.div(query.norm().clamp(1e-12));
    const sims = u.matmul(query).toArray();
    const order: number[] = [];
    for (let i = 0; i < sims.length; i++) if (!exclude.has(i)) order.push(i);
    order.sort((a, b) => sims[b] - sims[a]);
    return order.slice(0, k).map((i) => ({ word: this.words[i], similarity: sims[i] }));
  }

  /**
   * "a is to b as c is to ?": the words nearest to b − a + c (unit vectors, gensim's 3CosAdd), inputs excluded.
   *
   * @example
   * kv.analogy("france", "paris", "england")[0].word; // "london", with good vectors
   */
  analogy(a: string, b: string, c: string, k = 1): Neighbor[] {
    return this.mostSimilar([b, c], k, { negative: [a] });
  }

  /** A copy with only the first `n` words (the most frequent, when built from a vocabulary). */
  slice(n: number): KeyedVectors {
    const m = Math.min(n, this.size);
    return new KeyedVectors(this.words.slice(0, m), this.vectors.narrow(0, 0, m));
  }
}
