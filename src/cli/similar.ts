import { join } from "node:path";
import { KeyedVectors } from "../data/keyed_vectors.js";
import { loadCheckpoint } from "../node/checkpoint.js";
import { type FlagSpec, type FlagValues, helpText, splitArgs, UsageError } from "./args.js";

const CHECKPOINT: FlagSpec = { type: "string", description: "A word2vec run folder or its checkpoint.safetensors file" };

export const SIMILAR_FLAGS: Record<string, FlagSpec> = {
  checkpoint: CHECKPOINT,
  k: { type: "number", description: "How many words to print", default: 10 },
};

export const ANALOGY_FLAGS: Record<string, FlagSpec> = {
  checkpoint: CHECKPOINT,
  k: { type: "number", description: "How many answers to print", default: 5 },
};

/** The word vectors of a word2vec checkpoint (a run folder or the file). */
export async function loadWordVectors(flags: FlagValues): Promise<KeyedVectors> {
  if (flags.checkpoint === undefined) throw new UsageError("--checkpoint is required (a word2vec run folder or checkpoint file)");
  const path = String(flags.checkpoint).endsWith(".safetensors")
    ? String(flags.checkpoint)
    : join(String(flags.checkpoint), "checkpoint.safetensors");
  return KeyedVectors.fromCheckpoint(await loadCheckpoint(path));
}

function topK(flags: FlagValues): number {
  const k = Number(flags.k);
  if (!(Number.isInteger(k) && k >= 1)) throw new UsageError(`--k must be a positive integer, got ${flags.k}`);
  return k;
}

const line = (n: { word: string; similarity: number }) => `${n.word} ${n.similarity.toFixed(4)}`;

/** `tensorgrad similar --checkpoint <run> <word> [--k 10]`: the nearest words by cosine similarity, one per line. */
export async function similarCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(
      helpText("tensorgrad similar --checkpoint <run> <word> [--k 10]", "Print the k nearest words by cosine similarity.", SIMILAR_FLAGS),
    );
    return;
  }
  const { words, flags } = splitArgs(argv, SIMILAR_FLAGS);
  if (words.length !== 1) throw new UsageError(`similar takes one word, got ${words.length}`);
  const k = topK(flags);
  const kv = await loadWordVectors(flags);
  for (const n of kv.mostSimilar(words[0].toLowerCase(), k)) console.log(line(n));
}

/** `tensorgrad analogy --checkpoint <run> a b c`: "a is to b as c is to ?" (b − a + c, inputs excluded). */
export async function analogyCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(
      helpText(
        "tensorgrad analogy --checkpoint <run> a b c [--k 5]",
        'Answer "a is to b as c is to ?" with the words nearest b − a + c.',
        ANALOGY_FLAGS,
      ),
    );
    return;
  }
  const { words, flags } = splitArgs(argv, ANALOGY_FLAGS);
  if (words.length !== 3) throw new UsageError(`analogy takes three words (a is to b as c is to ?), got ${words.length}`);
  const k = topK(flags);
  const kv = await loadWordVectors(flags);
  const [a, b, c] = words.map((w) => w.toLowerCase());
  for (const n of kv.analogy(a, b, c, k)) console.log(line(n));
}
