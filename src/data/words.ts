import { ValueError } from "../errors.js";

export interface TokenizeOptions {
  /** Lower-case the text first (default true). */
  lowercase?: boolean;
  /** Keep numbers such as `1790`, `3.5` or `1,000` (as `1000`) as tokens (default true); false drops them. */
  numbers?: boolean;
}

const TOKEN = /\p{N}+(?:[.,]\p{N}+)*|\p{L}+(?:['’]\p{L}+)*/gu;
const TOKENIZE_KEYS = new Set(["lowercase", "numbers"]);

function checkTokenizeOptions(options: TokenizeOptions): void {
  for (const [k, v] of Object.entries(options)) {
    if (!TOKENIZE_KEYS.has(k)) throw new ValueError(`tokenize: unknown option "${k}" (accepted: lowercase, numbers)`);
    if (v !== undefined && typeof v !== "boolean") throw new ValueError(`tokenize: option ${k} must be a boolean, got ${typeof v}`);
  }
}

/**
 * Splits text into word tokens: runs of letters (with inner apostrophes: `don't`; the possessive `'s` is dropped, so
 * `nation's` is `nation`) and numbers (`1,000` → `1000`, `3.5` kept). Punctuation, hyphens and other symbols separate
 * tokens and are dropped. Lower-cased by default, like gensim's `simple_preprocess`.
 *
 * @example
 * tg.data.tokenize("The Nation's debt: $1,000,000 in 1790!"); // ["the", "nation", "debt", "1000000", "in", "1790"]
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  if (typeof text !== "string") throw new ValueError(`tokenize: text must be a string, got ${typeof text}`);
  checkTokenizeOptions(options);
  const lower = options.lowercase ?? true;
  const numbers = options.numbers ?? true;
  const out: string[] = [];
  for (const m of (lower ? text.toLowerCase() : text).matchAll(TOKEN)) {
    let t = m[0];
    const c = t.codePointAt(0) as number;
    if (/\p{N}/u.test(String.fromCodePoint(c))) {
      if (!numbers) continue;
      // Thousands separators go; a decimal point stays.
      t = /^\p{N}{1,3}(,\p{N}{3})+$/u.test(t) ? t.replaceAll(",", "") : t.replaceAll(",", ".");
    } else {
      t = t.replaceAll("’", "'");
      if (/'s$/i.test(t)) t = t.slice(0, -2);
    }
    out.push(t);
  }
  return out;
}

export interface VocabOptions {
  /** Words seen fewer times are left out (gensim's `min_count`; default 1). */
  minFreq?: number;
  /** Keep at most this many words (the most frequent; specials not counted). */
  maxSize?: number;
  /** Special tokens put first, e.g. `["<unk>"]` (the default); the first is the unknown token. */
  specials?: readonly string[];
}

const VOCAB_KEYS = new Set(["minFreq", "maxSize", "specials"]);
/** A vocabulary file larger than this is refused before anything is allocated for it. */
const MAX_VOCAB = 10_000_000;

/** A vocabulary as plain JSON: what `Vocab.toJSON` writes and `Vocab.fromJSON` reads (e.g. in a checkpoint's config). */
export interface VocabJSON {
  itos: string[];
  counts: number[];
  specials: string[];
}

/**
 * A word vocabulary, as torchtext's `Vocab` with gensim's counts: special tokens first (`<unk>` at 0 by default), then
 * words by decreasing frequency (ties alphabetically). `encode` maps unknown words to `<unk>`.
 *
 * @example
 * const vocab = tg.data.Vocab.build([tg.data.tokenize("the cat and the hat")]);
 * vocab.itos;              // ["<unk>", "the", "and", "cat", "hat"]
 * vocab.encode(["the", "dog"]); // Int32Array [1, 0]
 * vocab.count("the");      // 2
 */
export class Vocab {
  /** Index → word. */
  readonly itos: readonly string[];
  /** Word → index. */
  readonly stoi: ReadonlyMap<string, number>;
  /** How often each word was seen when the vocabulary was built (0 for specials). */
  readonly counts: Float64Array;
  /** The special tokens (at the first indices). */
  readonly specials: readonly string[];

  /** A vocabulary of exactly these words and counts (use `Vocab.build` to count a corpus). */
  constructor(itos: readonly string[], counts: ArrayLike<number>, specials: readonly string[] = ["<unk>"]) {
    if (itos.length !== counts.length) throw new ValueError(`Vocab: ${itos.length} words but ${counts.length} counts`);
    const stoi = new Map<string, number>();
    itos.forEach((w, i) => {
      if (typeof w !== "string" || w.length === 0) throw new ValueError(`Vocab: entry ${i} is not a non-empty string`);
      if (stoi.has(w)) throw new ValueError(`Vocab: duplicate word ${JSON.stringify(w)} at ${stoi.get(w)} and ${i}`);
      stoi.set(w, i);
    });
    specials.forEach((s, i) => {
      if (itos[i] !== s) throw new ValueError(`Vocab: special token ${JSON.stringify(s)} must be at index ${i}`);
    });
    const c = Float64Array.from(counts);
    c.forEach((n, i) => {
      if (!(Number.isFinite(n) && n >= 0)) throw new ValueError(`Vocab: count ${i} must be a non-negative number, got ${n}`);
    });
    this.itos = [...itos];
    this.stoi = stoi;
    this.counts = c;
    this.specials = [...specials];
  }

  /**
   * Counts the tokens of `sentences` (arrays of tokens) and keeps the words seen at least `minFreq` times, the most
   * frequent first, at most `maxSize` of them.
   *
   * @example
   * tg.data.Vocab.build(docs.map((d) => tg.data.tokenize(d)), { minFreq: 5 });
   */
  static build(sentences: Iterable<readonly string[]>, options: VocabOptions = {}): Vocab {
    for (const k of Object.keys(options)) {
      if (!VOCAB_KEYS.has(k)) throw new ValueError(`Vocab.build: unknown option "${k}" (accepted: minFreq, maxSize, specials)`);
    }
    const minFreq = options.minFreq ?? 1;
    const maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
    const specials = options.specials ?? ["<unk>"];
    if (!(Number.isInteger(minFreq) && minFreq >= 1))
      throw new ValueError(`Vocab.build: minFreq must be a positive integer, got ${minFreq}`);
    if (!(maxSize === Number.POSITIVE_INFINITY || (Number.isInteger(maxSize) && maxSize >= 0))) {
      throw new ValueError(`Vocab.build: maxSize must be a non-negative integer, got ${maxSize}`);
    }
    if (!Array.isArray(specials) || specials.some((s) => typeof s !== "string")) {
      throw new ValueError("Vocab.build: specials must be an array of strings");
    }
    const freq = new Map<string, number>();
    for (const sentence of sentences) for (const w of sentence) freq.set(w, (freq.get(w) ?? 0) + 1);
    const special = new Set(specials);
    const words = [...freq].filter(([w, n]) => n >= minFreq && !special.has(w));
    words.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = words.slice(0, maxSize);
    return new Vocab([...specials, ...kept.map(([w]) => w)], [...specials.map(() => 0), ...kept.map(([, n]) => n)], specials);
  }

  /** The number of entries, specials included. */
  get size(): number {
    return this.itos.length;
  }

  /** The unknown token's index, or -1 when there are no specials. */
  get unkIndex(): number {
    return this.specials.length > 0 ? 0 : -1;
  }

  /** Whether `word` is in the vocabulary. */
  has(word: string): boolean {
    return this.stoi.has(word);
  }

  /** How often `word` was seen (0 for specials and unknown words). */
  count(word: string): number {
    const i = this.stoi.get(word);
    return i === undefined ? 0 : this.counts[i];
  }

  /** The index of each token; unknown tokens get `<unk>`'s index, or throw when the vocabulary has no specials. */
  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    const unk = this.unkIndex;
    for (let i = 0; i < tokens.length; i++) {
      const id = this.stoi.get(tokens[i]);
      if (id === undefined && unk < 0) throw new ValueError(`Vocab.encode: unknown token ${JSON.stringify(tokens[i])} and no <unk>`);
      out[i] = id ?? unk;
    }
    return out;
  }

  /** The words of these indices. */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (i) => {
      const w = this.itos[i];
      if (w === undefined) throw new ValueError(`Vocab.decode: index ${i} is out of range [0, ${this.size})`);
      return w;
    });
  }

  /** Plain JSON (words, counts, specials), for a checkpoint's config; `Vocab.fromJSON` reads it back. */
  toJSON(): VocabJSON {
    return { itos: [...this.itos], counts: Array.from(this.counts), specials: [...this.specials] };
  }

  /** A vocabulary from `toJSON`'s output, checked field by field (it may come from an untrusted file). */
  static fromJSON(json: unknown): Vocab {
    if (typeof json !== "object" || json === null)
      throw new ValueError("Vocab.fromJSON: expected an object with itos, counts and specials");
    const { itos, counts, specials } = json as Record<string, unknown>;
    const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
    if (!isStrings(itos)) throw new ValueError("Vocab.fromJSON: itos must be an array of strings");
    if (itos.length > MAX_VOCAB) throw new ValueError(`Vocab.fromJSON: ${itos.length} words is over the ${MAX_VOCAB} limit`);
    if (!Array.isArray(counts) || counts.some((n) => typeof n !== "number")) {
      throw new ValueError("Vocab.fromJSON: counts must be an array of numbers");
    }
    if (!isStrings(specials)) throw new ValueError("Vocab.fromJSON: specials must be an array of strings");
    return new Vocab(itos, counts as number[], specials);
  }
}
