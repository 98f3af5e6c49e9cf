/**
 * tensorgrad/data (also `tg.data`): datasets, data loaders, random splits, the 2-D playground datasets and
 * parsers for CSV, IDX (MNIST) and character-level text, shaped like torch.utils.data. Everything here runs
 * in the browser; file loaders and the bundled datasets live in tensorgrad/node.
 */
export { type Collated, type CollateFn, defaultCollate } from "./collate.js";
export { ConcatDataset } from "./concat.js";
export { type CsvData, type CsvOptions, CsvReader, parseCsv } from "./csv.js";
export { DataLoader, type DataLoaderOptions, type IndexSampler } from "./dataloader.js";
export { ArrayDataset, Dataset, TensorDataset } from "./dataset.js";
export { parseIdx } from "./idx.js";
export { KeyedVectors, type MostSimilarOptions, type Neighbor } from "./keyed_vectors.js";
export { circle, gauss, gaussian, moons, type PlaygroundOptions, type Points2D, plane, spiral, xor } from "./playground.js";
export { Sampler, WeightedRandomSampler, type WeightedRandomSamplerOptions } from "./sampler.js";
export { randomSplit } from "./split.js";
export { Subset } from "./subset.js";
export { CharVocab, type CharVocabOptions, charContextDataset } from "./text.js";
export * as transforms from "./transforms/index.js";
export { TSNE_MAX_POINTS, type TsneOptions, tsne } from "./tsne.js";
export {
  CbowDataset,
  NegativeSampler,
  SkipGramDataset,
  subsample,
  subsamplingProbs,
  type WordPairOptions,
} from "./word_pairs.js";
export { type TokenizeOptions, tokenize, Vocab, type VocabJSON, type VocabOptions } from "./words.js";
