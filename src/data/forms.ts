import { type Args, arg, is, required, signature } from "../args.js";
import { installCallForms, withCallForms, withConstructorForm } from "../arity.js";
import { defaultGenerator, Generator } from "../ops/random.js";
import * as COL from "./collate.js";
import * as CC from "./concat.js";
import * as CSV from "./csv.js";
import * as DL from "./dataloader.js";
import * as D from "./dataset.js";
import * as IDX from "./idx.js";
import * as KV from "./keyed_vectors.js";
import * as PG from "./playground.js";
import * as SM from "./sampler.js";
import * as SP from "./split.js";
import * as SU from "./subset.js";
import * as TX from "./text.js";
import * as WP from "./word_pairs.js";
import * as W from "./words.js";

// tg.data's constructors and functions as exported: an extra positional argument or an unknown option throws an
// ArgumentError (src/arity.ts); randomSplit reads PyTorch's form (dataset, lengths, generator) with a Signature.
// Not here because they read a Signature themselves: DataLoader, ConcatDataset, WeightedRandomSampler, tsne and the
// transforms; TensorDataset(...tensors) is variadic as in PyTorch and checks each tensor.

const PLAYGROUND = "; n, noise, seed, generator, shuffle";
const PAIRS = "docs; window, batchSize, keepProbs, shrinkWindow, shuffle, generator";

export const Dataset = withConstructorForm("Dataset", D.Dataset, "");
export type Dataset<T> = D.Dataset<T>;
export const ArrayDataset = withConstructorForm("ArrayDataset", D.ArrayDataset, "items");
export type ArrayDataset<T> = D.ArrayDataset<T>;
export const Sampler = withConstructorForm("Sampler", SM.Sampler, "");
export type Sampler = SM.Sampler;
export const Subset = withConstructorForm("Subset", SU.Subset, "dataset, indices");
export type Subset<T> = SU.Subset<T>;
export const CsvReader = withConstructorForm(
  "CsvReader",
  CSV.CsvReader,
  "; target, header, delimiter, dtype, targetDtype, categoricalTarget",
);
export type CsvReader = CSV.CsvReader;
export const CharVocab = withConstructorForm("CharVocab", TX.CharVocab, "chars; boundary");
export type CharVocab = TX.CharVocab;
export const KeyedVectors = withConstructorForm("KeyedVectors", KV.KeyedVectors, "words, vectors");
export type KeyedVectors = KV.KeyedVectors;
export const NegativeSampler = withConstructorForm("NegativeSampler", WP.NegativeSampler, "counts, power, generator");
export type NegativeSampler = WP.NegativeSampler;
export const SkipGramDataset = withConstructorForm("SkipGramDataset", WP.SkipGramDataset, PAIRS);
export type SkipGramDataset = WP.SkipGramDataset;
export const CbowDataset = withConstructorForm("CbowDataset", WP.CbowDataset, PAIRS);
export type CbowDataset = WP.CbowDataset;
export const Vocab = withConstructorForm("Vocab", W.Vocab, "itos, counts, specials");
export type Vocab = W.Vocab;

export const { circle, gauss, gaussian, moons, plane, spiral, xor } = withCallForms(PG, {
  circle: PLAYGROUND,
  gauss: PLAYGROUND,
  gaussian: PLAYGROUND,
  moons: PLAYGROUND,
  plane: PLAYGROUND,
  spiral: PLAYGROUND,
  xor: PLAYGROUND,
});
export const { defaultCollate } = withCallForms(COL, { defaultCollate: "batch" });
export const { parseCsv } = withCallForms(CSV, { parseCsv: "text; target, header, delimiter, dtype, targetDtype, categoricalTarget" });
export const { parseIdx } = withCallForms(IDX, { parseIdx: "bytes" });
export const { charContextDataset } = withCallForms(TX, { charContextDataset: "words, blockSize, vocab" });
export const { subsample, subsamplingProbs } = withCallForms(WP, { subsample: "ids, keep, generator", subsamplingProbs: "counts, t" });
export const { tokenize } = withCallForms(W, { tokenize: "text; lowercase, numbers" });

const RANDOM_SPLIT = signature("randomSplit", {
  dataset: required(is.where<D.Dataset<unknown>>("a Dataset", (v) => v instanceof D.Dataset)),
  lengths: required(
    is.where<readonly number[]>("an array of counts or fractions", (v) => Array.isArray(v) && v.every((x) => typeof x === "number")),
  ),
  generator: arg(is.instance(Generator, "Generator"), defaultGenerator),
});

/**
 * Splits `dataset` into non-overlapping random subsets (`torch.utils.data.random_split(dataset, lengths,
 * generator=default_generator)`): `lengths` are counts that sum to its length, or fractions that sum to 1.
 *
 * @example
 * const [train, val] = tg.data.randomSplit(dataset, [0.8, 0.2], new tg.Generator(42));
 */
export function randomSplit<T>(
  ...args: Args<
    [dataset: D.Dataset<T>, lengths: readonly number[], generator: Generator],
    { dataset?: D.Dataset<T>; lengths?: readonly number[]; generator?: Generator }
  >
): SU.Subset<T>[] {
  const a = RANDOM_SPLIT.parse(args);
  return SP.randomSplit(a.dataset as D.Dataset<T>, a.lengths, a.generator);
}

// The public methods (and static constructors) of tg.data's classes refuse an extra argument too. Vocab.toJSON is
// left alone: JSON.stringify calls it with the key.
installCallForms(TX.CharVocab.prototype, { encode: "text", decode: "ids" });
installCallForms(TX.CharVocab, { fromText: "text; boundary", fromWords: "words, boundary" });
installCallForms(KV.KeyedVectors.prototype, {
  has: "word",
  closeSpellings: "word, n",
  indexOf: "word",
  getVector: "word",
  similarity: "a, b",
  mostSimilar: "positive, k; negative",
  analogy: "a, b, c, k",
  slice: "n",
});
installCallForms(KV.KeyedVectors, { fromCheckpoint: "ckpt, weightKey" });
installCallForms(WP.NegativeSampler.prototype, { sampleIds: "n", sample: "shape" });
installCallForms(WP.SkipGramDataset.prototype, { estimatedPairs: "" });
installCallForms(WP.CbowDataset.prototype, { estimatedExamples: "" });
installCallForms(W.Vocab.prototype, { has: "word", count: "word", encode: "tokens", decode: "ids" });
installCallForms(W.Vocab, { build: "sentences; minFreq, maxSize, specials", fromJSON: "json" });
installCallForms(DL.DataLoader.prototype, { batchIndices: "" });
installCallForms(SM.WeightedRandomSampler.prototype, { sample: "" });
for (const cls of [D.ArrayDataset, D.TensorDataset, SU.Subset, CC.ConcatDataset]) installCallForms(cls.prototype, { get: "index" });
