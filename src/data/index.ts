/**
 * tensorgrad/data (also `tg.data`): datasets, data loaders, random splits, the 2-D playground datasets and
 * parsers for CSV, IDX (MNIST) and character-level text, shaped like torch.utils.data. Everything here runs
 * in the browser; file loaders and the bundled datasets live in tensorgrad/node.
 */
export type { Collated, CollateFn } from "./collate.js";
export { ConcatDataset } from "./concat.js";
export type { CsvData, CsvOptions } from "./csv.js";
export { DataLoader, type DataLoaderOptions, type IndexSampler } from "./dataloader.js";
export { TensorDataset } from "./dataset.js";
// Constructors and functions behind the argument rule (src/data/forms.ts).
export {
  ArrayDataset,
  CbowDataset,
  CharVocab,
  CsvReader,
  charContextDataset,
  circle,
  Dataset,
  defaultCollate,
  gauss,
  gaussian,
  KeyedVectors,
  moons,
  NegativeSampler,
  parseCsv,
  parseIdx,
  plane,
  randomSplit,
  Sampler,
  SkipGramDataset,
  Subset,
  spiral,
  subsample,
  subsamplingProbs,
  tokenize,
  Vocab,
  xor,
} from "./forms.js";
export type { MostSimilarOptions, Neighbor } from "./keyed_vectors.js";
export type { PlaygroundOptions, Points2D } from "./playground.js";
export { WeightedRandomSampler, type WeightedRandomSamplerOptions } from "./sampler.js";
export type { CharVocabOptions } from "./text.js";
export * as transforms from "./transforms/index.js";
export { TSNE_MAX_POINTS, type TsneOptions, tsne } from "./tsne.js";
export type { WordPairOptions } from "./word_pairs.js";
export type { TokenizeOptions, VocabJSON, VocabOptions } from "./words.js";
