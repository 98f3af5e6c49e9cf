/**
 * Corpora for the CLI's language models: the bundled names (one name per sequence, makemore's "." boundary), a text
 * file (`text:<file>`), or the State of the Union addresses (`sotu`), at the level of characters or words. Batches are
 * windows of token indices: `x` [B, T] and the next tokens `y` [B, T], where −1 marks padding that no loss counts.
 */
import { CharVocab } from "../data/text.js";
import { tokenize, Vocab, type VocabJSON } from "../data/words.js";
import { ValueError } from "../errors.js";
import { readText } from "../node/files.js";
import { loadNames } from "../node/names.js";
import { loadSotu } from "../node/sotu.js";
import { fromTyped } from "../ops/creation.js";
import { type Generator, randint, randperm } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { UsageError } from "./args.js";
import { CommandFailed } from "./errors.js";

export type TokenLevel = "char" | "word";

/** A vocabulary as the checkpoint stores it. */
export type LmVocabJSON = { level: "char"; chars: string[]; boundary: string | null } | { level: "word"; vocab: VocabJSON };

/** Token ↔ text for either level; words decode joined by spaces. */
export class LmVocab {
  private constructor(
    readonly level: TokenLevel,
    private readonly chars: CharVocab | null,
    private readonly words: Vocab | null,
  ) {}

  static ofChars(chars: CharVocab): LmVocab {
    return new LmVocab("char", chars, null);
  }

  static ofWords(words: Vocab): LmVocab {
    return new LmVocab("word", null, words);
  }

  /** Rebuilds a vocabulary from a checkpoint's config, field by field (the constructors check each entry). */
  static fromJSON(json: unknown): LmVocab {
    const o = json as Record<string, unknown> | null;
    if (!o || typeof o !== "object") throw new ValueError("the checkpoint's vocabulary must be an object");
    if (o.level === "char") {
      if (!Array.isArray(o.chars) || o.chars.length > 1_000_000)
        throw new ValueError("the checkpoint's vocabulary.chars must be an array of characters");
      if (!(o.boundary === null || typeof o.boundary === "string"))
        throw new ValueError("the checkpoint's vocabulary.boundary must be a character or null");
      return LmVocab.ofChars(new CharVocab(o.chars as string[], o.boundary === null ? {} : { boundary: o.boundary as string }));
    }
    if (o.level === "word") return LmVocab.ofWords(Vocab.fromJSON(o.vocab as VocabJSON));
    throw new ValueError(`the checkpoint's vocabulary.level must be "char" or "word", got ${JSON.stringify(o.level)}`);
  }

  toJSON(): LmVocabJSON {
    if (this.chars) return { level: "char", chars: [...this.chars.itos], boundary: this.chars.boundary ?? null };
    return { level: "word", vocab: (this.words as Vocab).toJSON() };
  }

  get size(): number {
    return this.chars ? this.chars.size : (this.words as Vocab).size;
  }

  /** The boundary token's index (0) for a names corpus, else null: a sample ends when it is drawn. */
  get boundary(): number | null {
    return this.chars?.boundary !== undefined ? 0 : null;
  }

  /** The token at `i`, as printed (the boundary shows as itself). */
  token(i: number): string {
    return this.chars ? this.chars.itos[i] : (this.words as Vocab).itos[i];
  }

  /** Text → indices. Characters outside the vocabulary throw (naming them); unknown words become `<unk>`. */
  encode(text: string): number[] {
    if (this.chars) return this.chars.encode(text);
    return Array.from((this.words as Vocab).encode(tokenize(text)));
  }

  decode(ids: readonly number[]): string {
    if (this.chars) return this.chars.decode(ids);
    return ids.map((i) => (this.words as Vocab).itos[i]).join(" ");
  }
}

/** Windows of a corpus split, and how to batch them. */
export interface TokenWindows {
  /** Windows per epoch. */
  readonly count: number;
  /** Predicted tokens (targets that are not padding) in one epoch. */
  readonly targets: number;
  /** A shuffled epoch: the windows' ids, drawn with `generator`. */
  epoch(generator: Generator): Int32Array;
  /** The windows `ids[from..to)` as `[x, y]`, int32 [B, T]. */
  batch(ids: Int32Array, from: number, to: number): [Tensor, Tensor];
  /** Every window once, in order (for evaluation), in batches of `size`. */
  inOrder(size: number): Iterable<[Tensor, Tensor]>;
}

function* inOrder(w: TokenWindows, size: number): Iterable<[Tensor, Tensor]> {
  const ids = Int32Array.from({ length: w.count }, (_, i) => i);
  for (let i = 0; i < w.count; i += size) yield w.batch(ids, i, Math.min(w.count, i + size));
}

/** One sequence per window (a name: boundary, letters, boundary), padded to the longest. */
export class LineWindows implements TokenWindows {
  readonly count: number;
  readonly targets: number;

  /** `lines`: token sequences that start and end with the boundary token; `width`: the longest line's length − 1. */
  constructor(
    private readonly lines: readonly Int32Array[],
    readonly width: number,
  ) {
    this.count = lines.length;
    this.targets = lines.reduce((a, l) => a + l.length - 1, 0);
  }

  epoch(generator: Generator): Int32Array {
    return randperm(this.count, { generator }).toArray() as Int32Array;
  }

  batch(ids: Int32Array, from: number, to: number): [Tensor, Tensor] {
    const b = to - from;
    const t = this.width;
    const x = new Int32Array(b * t);
    const y = new Int32Array(b * t).fill(-1);
    for (let r = 0; r < b; r++) {
      const line = this.lines[ids[from + r]];
      x.set(line.subarray(0, line.length - 1), r * t);
      y.set(line.subarray(1), r * t);
    }
    return [fromTyped(x, [b, t]), fromTyped(y, [b, t])];
  }

  inOrder(size: number): Iterable<[Tensor, Tensor]> {
    return inOrder(this, size);
  }
}

/** Consecutive windows of `width` tokens from one long stream, at a random offset each epoch. */
export class StreamWindows implements TokenWindows {
  readonly count: number;
  readonly targets: number;
  private shift = 0;

  constructor(
    private readonly tokens: Int32Array,
    readonly width: number,
  ) {
    this.count = Math.floor((tokens.length - 1) / width);
    this.targets = this.count * width;
  }

  epoch(generator: Generator): Int32Array {
    const slack = this.tokens.length - 1 - this.count * this.width;
    this.shift = slack > 0 ? randint(0, slack + 1, [1], { generator }).item() : 0;
    return randperm(this.count, { generator }).toArray() as Int32Array;
  }

  batch(ids: Int32Array, from: number, to: number): [Tensor, Tensor] {
    const b = to - from;
    const t = this.width;
    const x = new Int32Array(b * t);
    const y = new Int32Array(b * t);
    for (let r = 0; r < b; r++) {
      const start = this.shift + ids[from + r] * t;
      x.set(this.tokens.subarray(start, start + t), r * t);
      y.set(this.tokens.subarray(start + 1, start + t + 1), r * t);
    }
    return [fromTyped(x, [b, t]), fromTyped(y, [b, t])];
  }

  inOrder(size: number): Iterable<[Tensor, Tensor]> {
    this.shift = 0;
    return inOrder(this, size);
  }
}

export interface LmCorpus {
  /** The dataset as given (`names`, `sotu`, `text:<file>`). */
  dataset: string;
  vocab: LmVocab;
  train: TokenWindows;
  val: TokenWindows;
  /** The window length T (names: the longest name + 1). */
  blockSize: number;
  /** One line for the log: what was read and how it was split. */
  description: string;
}

export interface CorpusOptions {
  level: TokenLevel | undefined;
  blockSize: number | undefined;
  /** Word level: words seen fewer times become `<unk>`. */
  minCount: number;
  /** Word level: at most this many words (the most frequent). */
  maxVocab: number;
  /** Shuffles the names before the split. */
  generator: Generator;
}

/** Validation windows: at most this many tokens are scored each epoch (the first ones), so evaluation stays quick. */
export const MAX_VAL_TOKENS = 200_000;
/** Largest window a stream corpus may ask for. */
export const MAX_BLOCK = 1024;
const fmt = (n: number) => n.toLocaleString("en-US");

function namesCorpus(names: readonly string[], o: CorpusOptions): LmCorpus {
  if (o.level === "word") throw new UsageError("--tokens word needs a text corpus (sotu or text:<file>); names are read letter by letter");
  const chars = CharVocab.fromWords(names);
  const lines = names.map((n) => Int32Array.from([0, ...chars.encode(n), 0]));
  const width = lines.reduce((m, l) => Math.max(m, l.length), 0) - 1;
  if (o.blockSize !== undefined && o.blockSize !== width) {
    throw new UsageError(`--block-size: the names corpus is read one name at a time, ${width} tokens at most (leave --block-size out)`);
  }
  const order = randperm(names.length, { generator: o.generator }).toArray();
  const nVal = Math.round(names.length * 0.1);
  const pick = (ids: ArrayLike<number>) => Array.from(ids, (i) => lines[i]);
  return {
    dataset: "names",
    vocab: LmVocab.ofChars(chars),
    train: new LineWindows(pick(Array.prototype.slice.call(order, nVal)), width),
    val: new LineWindows(pick(Array.prototype.slice.call(order, 0, nVal)), width),
    blockSize: width,
    description: `${fmt(names.length)} names (${fmt(names.length - nVal)} for training, ${fmt(nVal)} held out), ${chars.size} tokens: "." and the letters`,
  };
}

function streamCorpus(dataset: string, docs: readonly string[], o: CorpusOptions, level: TokenLevel): LmCorpus {
  const blockSize = o.blockSize ?? (level === "word" ? 32 : 64);
  let vocab: LmVocab;
  let encoded: Int32Array[];
  if (level === "char") {
    const chars = CharVocab.fromText(docs);
    vocab = LmVocab.ofChars(chars);
    encoded = docs.map((d) => Int32Array.from(chars.encode(d)));
  } else {
    const tokens = docs.map((d) => tokenize(d));
    const words = Vocab.build(tokens, { minFreq: o.minCount, maxSize: o.maxVocab });
    vocab = LmVocab.ofWords(words);
    encoded = tokens.map((t) => words.encode(t));
  }
  // Every tenth document is held out when there are enough (SOTU: every era is in both); else the last tenth of the text.
  let train: Int32Array;
  let val: Int32Array;
  const concat = (parts: Int32Array[]) => {
    const out = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  if (encoded.length >= 20) {
    train = concat(encoded.filter((_, i) => i % 10 !== 9));
    val = concat(encoded.filter((_, i) => i % 10 === 9));
  } else {
    const all = concat(encoded);
    const cut = Math.round(all.length * 0.9);
    train = all.subarray(0, cut);
    val = all.subarray(cut);
  }
  val = val.subarray(0, Math.min(val.length, MAX_VAL_TOKENS + 1));
  if (train.length < 2 * blockSize + 1 || val.length < blockSize + 1) {
    throw new CommandFailed(
      `${dataset} has ${fmt(train.length + val.length)} ${level === "char" ? "characters" : "words"}: too few for windows of ${blockSize} (lower --block-size)`,
    );
  }
  const unit = level === "char" ? "characters" : "words";
  return {
    dataset,
    vocab,
    train: new StreamWindows(train, blockSize),
    val: new StreamWindows(val, blockSize),
    blockSize,
    description: `${fmt(train.length)} ${unit} for training, ${fmt(val.length)} for validation, a vocabulary of ${level === "char" ? `${fmt(vocab.size)} characters` : `${fmt(vocab.size - 1)} words and <unk>`}`,
  };
}

/** Loads `names`, `sotu` or `text:<file>` as a language-modelling corpus. */
export async function loadLmCorpus(dataset: string, o: CorpusOptions): Promise<LmCorpus> {
  if (o.blockSize !== undefined && !(Number.isInteger(o.blockSize) && o.blockSize >= 1 && o.blockSize <= MAX_BLOCK)) {
    throw new UsageError(`--block-size must be an integer from 1 to ${MAX_BLOCK}, got ${o.blockSize}`);
  }
  if (dataset === "names") return namesCorpus(await loadNames(), o);
  if (dataset === "sotu") {
    const speeches = await loadSotu();
    return streamCorpus(
      dataset,
      speeches.map((s) => s.text),
      o,
      o.level ?? "word",
    );
  }
  if (dataset.startsWith("text:")) {
    const path = dataset.slice(5);
    if (path === "") throw new UsageError("--dataset text: needs a path, as in text:book.txt");
    const text = await readText(path);
    if (text.length === 0) throw new CommandFailed(`${path} is empty`);
    // Paragraphs are the documents (so a long book splits by paragraph); the text keeps its line breaks.
    const docs = text.split(/(?<=\n\s*\n)/).filter((d) => d.length > 0);
    return streamCorpus(dataset, docs, o, o.level ?? "char");
  }
  throw new UsageError(`unknown dataset "${dataset}" for a language model; use names, sotu or text:<file>`);
}
