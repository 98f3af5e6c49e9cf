/**
 * Word vectors, character-sized: the embedding table of the character language model (examples/char_lm.ts)
 * puts each of the 27 tokens at a point in 10-D space. Nothing told the model that "a" and "e" are both
 * vowels, but they play similar roles in names, so the gradient pushes their vectors to point the same way.
 * `mostSimilar(token, k)` finds the k tokens whose vectors have the highest cosine similarity
 *
 *   cos(u, v) = u·v / (‖u‖ ‖v‖)
 *
 * the same query word2vec and GloVe answer for words.
 *
 * Run: npx tsx --conditions=source examples/word_vectors.ts   (TG_QUICK=1 for a short training run)
 */
import { pathToFileURL } from "node:url";
import * as tg from "tensorgrad";
import { trainCharLm } from "./char_lm_model.ts";

/** A token and its cosine similarity to the query. */
export interface Neighbour {
  token: string;
  similarity: number;
}

/** Nearest-neighbour queries over an embedding table whose row i is the vector of `tokens[i]`. */
export class WordVectors {
  /** The rows scaled to unit length, so a matrix product gives every cosine similarity at once. */
  readonly unit: tg.Tensor;

  constructor(
    table: tg.Tensor,
    readonly tokens: readonly string[],
  ) {
    if (table.ndim !== 2 || table.shape[0] !== tokens.length)
      throw new Error(`WordVectors: expected a [${tokens.length}, dim] table, got [${table.shape.join(", ")}]`);
    this.unit = tg.noGrad(() => table.div(table.norm(2, 1, true).clamp(1e-12)));
  }

  /** The cosine similarity of two tokens' vectors. */
  similarity(a: string, b: string): number {
    return tg.noGrad(() => this.vector(a).dot(this.vector(b)).item());
  }

  /** The `k` tokens most similar to `token` (itself excluded), most similar first. */
  mostSimilar(token: string, k = 5): Neighbour[] {
    const q = this.indexOf(token);
    const sims = tg.noGrad(() => this.unit.matmul(this.unit.get(q))).toArray(); // [vocab]: cos with every token
    return Array.from(sims, (similarity, i) => ({ token: this.tokens[i], similarity }))
      .filter((_, i) => i !== q)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k);
  }

  private vector(token: string): tg.Tensor {
    return this.unit.get(this.indexOf(token));
  }

  private indexOf(token: string): number {
    const i = this.tokens.indexOf(token);
    if (i < 0) throw new Error(`WordVectors: unknown token ${JSON.stringify(token)}`);
    return i;
  }
}

const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);

async function main(): Promise<void> {
  const quick = process.env.TG_QUICK === "1";
  console.log(`Training the character language model (${quick ? "quick run" : "full run"})...`);
  const lm = await trainCharLm({ steps: quick ? 1500 : 10000 });
  console.log(`done in ${lm.seconds.toFixed(1)} s; validation loss ${lm.valLoss.toFixed(3)}\n`);

  // The embedding table C: row i is token i's 10-D vector.
  const wv = new WordVectors(lm.model.emb.weight.detach(), lm.vocab.itos);
  const k = 4;
  console.log(`Nearest neighbours by cosine similarity (k = ${k}); "." marks the start/end of a name.\n`);
  console.log(`token | ${Array.from({ length: k }, (_, i) => `#${i + 1}`.padEnd(10)).join(" ")}`);
  console.log(`------+${"-".repeat(11 * k)}`);
  for (const token of [".", "a", "e", "i", "o", "u", "y", "b", "d", "m", "n", "r", "s", "t"]) {
    const row = wv.mostSimilar(token, k).map((n) => `${n.token} ${n.similarity.toFixed(2).padStart(5)}`.padEnd(10));
    console.log(`  ${token}   | ${row.join(" ")}`);
  }

  // How much do vowels cluster? Count, for each vowel, how many of its nearest neighbours are vowels too;
  // picking k of the other 26 tokens at random would find about k·5/26 ≈ 0.8 of them.
  let hits = 0;
  for (const v of ["a", "e", "i", "o", "u"]) hits += wv.mostSimilar(v, k).filter((n) => VOWELS.has(n.token)).length;
  console.log(`\nvowel neighbours of vowels: ${hits}/${5 * k} (chance ≈ ${((5 * k * 5) / 26).toFixed(1)})`);
  console.log(`cos(a, e) = ${wv.similarity("a", "e").toFixed(2)}, cos(a, t) = ${wv.similarity("a", "t").toFixed(2)}`);
}

// Run the walk-through only when executed as a script, so tests can import WordVectors.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
