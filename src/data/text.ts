import { ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import { Tensor } from "../tensor/tensor.js";
import { TensorDataset } from "./dataset.js";

export interface CharVocabOptions {
  /**
   * A boundary token given index 0 (makemore's "."): it marks the start and end of each word in
   * `charContextDataset`. Omit it for a plain sorted character set.
   */
  boundary?: string;
}

/**
 * A character-level vocabulary: `itos[i]` is the i-th character, `stoi` maps characters back. Characters
 * are sorted (by code point); a boundary token, when given, comes first at index 0.
 *
 * @example
 * const vocab = tg.data.CharVocab.fromWords(["emma", "ava"]); // itos: [".", "a", "e", "m", "v"]
 * vocab.encode("ma");     // [3, 1]
 * vocab.decode([2, 3]);   // "em"
 */
export class CharVocab {
  /** Index → character. */
  readonly itos: readonly string[];
  /** Character → index. */
  readonly stoi: ReadonlyMap<string, number>;
  /** The boundary token, if any (at index 0). */
  readonly boundary: string | undefined;

  /** A vocabulary of exactly these characters, in this order (use `fromText`/`fromWords` to build one from data). */
  constructor(chars: Iterable<string>, options: CharVocabOptions = {}) {
    const itos = [...chars];
    const stoi = new Map<string, number>();
    itos.forEach((c, i) => {
      if ([...c].length !== 1) throw new ValueError(`CharVocab: entries must be single characters, got ${JSON.stringify(c)} at ${i}`);
      if (stoi.has(c)) throw new ValueError(`CharVocab: duplicate character ${JSON.stringify(c)} at ${stoi.get(c)} and ${i}`);
      stoi.set(c, i);
    });
    const { boundary } = options;
    if (boundary !== undefined && stoi.get(boundary) !== 0) {
      throw new ValueError(`CharVocab: the boundary token ${JSON.stringify(boundary)} must be the character at index 0`);
    }
    this.itos = itos;
    this.stoi = stoi;
    this.boundary = boundary;
  }

  /**
   * The sorted distinct characters of `text` (a string or strings), after the boundary token if given.
   *
   * @example
   * tg.data.CharVocab.fromText("hello world").itos; // [" ", "d", "e", "h", "l", "o", "r", "w"]
   */
  static fromText(text: string | readonly string[], options: CharVocabOptions = {}): CharVocab {
    const chars = new Set<string>();
    for (const s of typeof text === "string" ? [text] : text) for (const c of s) chars.add(c);
    const { boundary } = options;
    if (boundary !== undefined) chars.delete(boundary);
    const sorted = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return new CharVocab(boundary === undefined ? sorted : [boundary, ...sorted], options);
  }

  /**
   * makemore's vocabulary: the boundary token (default ".") at 0, then the words' sorted characters.
   *
   * @example
   * tg.data.CharVocab.fromWords(["emma", "olivia"]).stoi.get("a"); // 1
   */
  static fromWords(words: readonly string[], boundary = "."): CharVocab {
    return CharVocab.fromText(words, { boundary });
  }

  /** The number of tokens. */
  get size(): number {
    return this.itos.length;
  }

  /**
   * The indices of `text`'s characters; an unknown character throws a `ValueError`.
   *
   * @example
   * vocab.encode("emma"); // [2, 3, 3, 1]
   */
  encode(text: string): number[] {
    const out: number[] = [];
    let pos = 0;
    for (const c of text) {
      const i = this.stoi.get(c);
      if (i === undefined)
        throw new ValueError(`CharVocab.encode: unknown character ${JSON.stringify(c)} at position ${pos} of ${JSON.stringify(text)}`);
      out.push(i);
      pos++;
    }
    return out;
  }

  /**
   * The characters at `ids` (numbers or an integer tensor) joined into a string.
   *
   * @example
   * vocab.decode(tg.tensor([2, 3], { dtype: "int32" })); // "em"
   */
  decode(ids: Iterable<number> | Tensor): string {
    const list = ids instanceof Tensor ? Array.from(ids.reshape([-1]).toArray()) : [...ids];
    return list
      .map((i) => {
        const c = Number.isInteger(i) ? this.itos[i] : undefined;
        if (c === undefined) throw new ValueError(`CharVocab.decode: index ${i} is out of range for a vocabulary of ${this.size}`);
        return c;
      })
      .join("");
  }
}

/**
 * The (context, next character) pairs of a Bengio-style character model, as Karpathy's makemore builds
 * them: each word is followed by the boundary token, and the context starts as `blockSize` boundary tokens
 * and slides one character at a time. Returns a `TensorDataset` of contexts `[n, blockSize]` int32 and
 * targets `[n]` int32, where n is the total length of the words plus one per word.
 *
 * @example
 * const vocab = tg.data.CharVocab.fromWords(words);
 * const ds = tg.data.charContextDataset(words, 3, vocab);
 * const [X, Y] = ds.tensors; // "emma" gives ... → e, ..e → m, .em → m, emm → a, mma → .
 */
export function charContextDataset(
  words: readonly string[],
  blockSize: number,
  vocab: CharVocab = CharVocab.fromWords(words),
): TensorDataset<[Tensor, Tensor]> {
  if (!Number.isInteger(blockSize) || blockSize < 1)
    throw new ValueError(`charContextDataset: blockSize must be a positive integer, got ${blockSize}`);
  const boundary = vocab.boundary;
  if (boundary === undefined)
    throw new ValueError("charContextDataset: the vocabulary needs a boundary token (build it with CharVocab.fromWords)");
  const encoded = words.map((w) => [...vocab.encode(w), 0]);
  const n = encoded.reduce((a, e) => a + e.length, 0);
  const xs = new Int32Array(n * blockSize);
  const ys = new Int32Array(n);
  let row = 0;
  for (const ids of encoded) {
    const context = new Array<number>(blockSize).fill(0);
    for (const ix of ids) {
      xs.set(context, row * blockSize);
      ys[row++] = ix;
      context.shift();
      context.push(ix);
    }
  }
  return new TensorDataset<[Tensor, Tensor]>(fromTyped(xs, [n, blockSize]), fromTyped(ys, [n]));
}
