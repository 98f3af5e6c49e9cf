import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KeyedVectors } from "../data/keyed_vectors.js";
import { CbowDataset, NegativeSampler, SkipGramDataset, subsamplingProbs } from "../data/word_pairs.js";
import { tokenize, Vocab } from "../data/words.js";
import { saveCheckpoint } from "../node/checkpoint.js";
import { readText } from "../node/files.js";
import { loadSotu } from "../node/sotu.js";
import { manualSeed } from "../ops/random.js";
import { LinearLR } from "../optim/lr_scheduler/linear_lr.js";
import { SparseAdam } from "../optim/sparse_adam.js";
import { type FlagSpec, type FlagValues, helpText, parseFlags, peekFlag, UsageError } from "./args.js";
import { sparkline, svgChart } from "./charts.js";
import { CommandFailed } from "./errors.js";
import { prepareOutDir } from "./out_dir.js";
import { ProgressBar } from "./progress.js";
import { textTable } from "./table.js";
import { projectionSvg } from "./word_plot.js";
import { Word2Vec, type Word2VecConfig } from "./word2vec_model.js";

// One epoch of SOTU with these defaults took about 4 minutes of CPU time (README): one epoch fits the 5-minute budget.
const LR_DEFAULT = 0.01;

export const WORD2VEC_FLAGS: Record<string, FlagSpec> = {
  dataset: { type: "string", description: "Corpus: sotu (State of the Union addresses) or text:<file>", default: "sotu" },
  model: { type: "string", description: "Model", choices: ["word2vec"], default: "word2vec" },
  arch: { type: "string", description: "Skip-gram or CBOW", choices: ["skipgram", "cbow"], default: "skipgram" },
  dim: { type: "number", description: "Vector size", default: 100 },
  window: { type: "number", description: "Largest distance between center and context words", default: 5 },
  negatives: { type: "number", description: "Negative samples per positive pair", default: 5 },
  "min-count": { type: "number", description: "Ignore words seen fewer times", default: 5 },
  sample: { type: "number", description: "Subsampling threshold for frequent words (0: off)", default: 1e-4 },
  optimizer: { type: "string", description: "Optimizer (for sparse gradients)", choices: ["sparseadam"], default: "sparseadam" },
  lr: { type: "number", description: "Starting learning rate (decays linearly to 1/10000 of it)", default: LR_DEFAULT },
  "batch-size": { type: "number", description: "Pairs (skip-gram) or center words (CBOW) per batch", default: 1024 },
  epochs: { type: "number", description: "Passes over the corpus", default: 1 },
  seed: { type: "number", description: "Random seed", default: 0 },
  out: { type: "string", description: "Output folder (default: runs/<dataset>-word2vec)" },
  quiet: { type: "boolean", description: "Print only the summary", default: false },
};

/** Words whose neighbours the summary shows, when the corpus has them. */
const PROBES = ["war", "tax", "january", "two", "congress", "peace", "america", "economy"];

/** Whether a `train` command line asks for word vectors (`--model word2vec`, or a word corpus). */
export function isWord2vecRun(argv: readonly string[]): boolean {
  const dataset = peekFlag(argv, "--dataset");
  return peekFlag(argv, "--model") === "word2vec" || dataset === "sotu" || (dataset?.startsWith("text:") ?? false);
}

/** The corpus as documents of tokens: SOTU speeches, or the paragraphs of a text file. */
export async function loadWordCorpus(dataset: string): Promise<string[][]> {
  if (dataset === "sotu") return (await loadSotu()).map((s) => tokenize(s.text));
  if (dataset.startsWith("text:")) {
    const text = await readText(dataset.slice(5));
    const docs = text
      .split(/\n\s*\n/)
      .map((p) => tokenize(p))
      .filter((d) => d.length > 0);
    if (docs.length === 0) throw new CommandFailed(`${dataset.slice(5)} holds no words`);
    return docs;
  }
  throw new UsageError(`unknown word dataset "${dataset}"; use sotu or text:<file>`);
}

/** Caps on the flags, so a typo cannot ask for terabytes. */
const LIMITS = { dim: 4096, window: 100, negatives: 100, "min-count": 1e9, "batch-size": 1_000_000, epochs: 100_000 } as const;
/** Weights of both embeddings together (vocabulary × dim × 2), as the classifier runs' cap. */
const MAX_WEIGHTS = 2 ** 26;

const posInt = (flags: FlagValues, name: keyof typeof LIMITS, camel: string): number => {
  const v = Number(flags[camel]);
  if (!(Number.isInteger(v) && v >= 1 && v <= LIMITS[name])) {
    throw new UsageError(`--${name} must be an integer from 1 to ${LIMITS[name]}, got ${flags[camel]}`);
  }
  return v;
};

/** `tensorgrad train --model word2vec`: word vectors on a corpus, with progress, a loss chart and a word map. */
export async function trainWord2vecCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(
      helpText("tensorgrad train --model word2vec [options]", "Train word2vec (negative sampling) word vectors.", WORD2VEC_FLAGS),
    );
    return;
  }
  const flags = parseFlags(argv, WORD2VEC_FLAGS);
  const quiet = flags.quiet === true;
  const log = (s: string) => {
    if (!quiet) console.log(s);
  };
  const cfg: Word2VecConfig = {
    arch: String(flags.arch) as Word2VecConfig["arch"],
    dim: posInt(flags, "dim", "dim"),
    window: posInt(flags, "window", "window"),
    negatives: posInt(flags, "negatives", "negatives"),
    minCount: posInt(flags, "min-count", "minCount"),
    sample: Number(flags.sample),
  };
  const batchSize = posInt(flags, "batch-size", "batchSize");
  const epochs = posInt(flags, "epochs", "epochs");
  const lr = Number(flags.lr);
  if (!(lr > 0)) throw new UsageError(`--lr must be positive, got ${flags.lr}`);
  if (!(cfg.sample >= 0)) throw new UsageError(`--sample must be 0 or positive, got ${flags.sample}`);
  const seed = Number(flags.seed);
  const dataset = String(flags.dataset);
  const outDir = flags.out !== undefined ? String(flags.out) : join("runs", `${dataset.replace(/[^\w.-]+/g, "_")}-word2vec`);

  manualSeed(seed);
  const started = performance.now();
  const tokens = await loadWordCorpus(dataset);
  const vocab = Vocab.build(tokens, { minFreq: cfg.minCount });
  if (vocab.size < 3) throw new CommandFailed(`${dataset} has only ${vocab.size - 1} words seen ${cfg.minCount}+ times; lower --min-count`);
  if (2 * vocab.size * cfg.dim > MAX_WEIGHTS) {
    throw new UsageError(
      `${vocab.size} words × --dim ${cfg.dim} × 2 embeddings is over the limit of ${MAX_WEIGHTS} weights; raise --min-count or lower --dim`,
    );
  }
  const docs = tokens.map((t) => vocab.encode(t));
  const nTokens = docs.reduce((a, d) => a + d.length, 0);
  // Without subsampling every counted word stays; specials (count 0, i.e. <unk>) always drop out.
  const keepProbs = cfg.sample > 0 ? subsamplingProbs(vocab.counts, cfg.sample) : Float64Array.from(vocab.counts, (c) => (c > 0 ? 1 : 0));
  const pairOptions = { window: cfg.window, batchSize, keepProbs };
  const skipgram = new SkipGramDataset(docs, pairOptions);
  const cbow = new CbowDataset(docs, pairOptions);
  const perEpoch = cfg.arch === "skipgram" ? skipgram.estimatedPairs() : cbow.estimatedExamples();
  const batches = Math.max(1, Math.ceil(perEpoch / batchSize));
  const sampler = new NegativeSampler(vocab.counts);
  const model = new Word2Vec(vocab.size, cfg.dim);
  const optimizer = new SparseAdam(model.parameters(), { lr });
  const scheduler = new LinearLR(optimizer, 1, 1e-4, batches * epochs);
  await prepareOutDir(outDir);

  log(
    `tensorgrad train: word2vec (${cfg.arch}, negative sampling) on ${dataset}: ${docs.length} documents, ${nTokens} tokens, ${vocab.size - 1} words seen ${cfg.minCount}+ times`,
  );
  log(`${model.toString()}\n`);
  log(
    `SparseAdam lr=${lr} (linear decay), batch size ${batchSize}, ~${batches} batches per epoch, ${epochs} epochs, seed ${seed}, output ${outDir}\n`,
  );
  const history: { epoch: number; loss: number; seconds: number }[] = [];
  const curve: number[] = [];
  const every = Math.max(1, Math.floor(batches / 20));
  const ckptPath = join(outDir, "checkpoint.safetensors");
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    const bar = quiet ? null : new ProgressBar(batches, `epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}`);
    let seen = 0;
    let lossSum = 0;
    let batch = 0;
    let window = 0;
    let windowN = 0;
    const step = (n: number, lossOf: () => ReturnType<Word2Vec["forward"]>) => {
      optimizer.zeroGrad();
      const loss = lossOf();
      loss.backward();
      optimizer.step();
      if (batch < batches * epochs) scheduler.step();
      const v = loss.item();
      if (!Number.isFinite(v))
        throw new CommandFailed(`training stopped at epoch ${epoch}, batch ${batch + 1}: the loss is ${v}; lower --lr`);
      seen += n;
      lossSum += v * n;
      window += v;
      if (++windowN === every) {
        curve.push(window / windowN);
        window = 0;
        windowN = 0;
      }
      batch++;
      bar?.update(Math.min(batch, batches), { loss: lossSum / seen, examples: seen });
    };
    if (cfg.arch === "skipgram") {
      for (const [c, x] of skipgram) step(c.shape[0], () => model(c, x, sampler.sample([c.shape[0], cfg.negatives])));
    } else {
      for (const [ctx, mask, c] of cbow) step(c.shape[0], () => model.cbowLoss(ctx, mask, c, sampler.sample([c.shape[0], cfg.negatives])));
    }
    bar?.update(batches, { loss: lossSum / Math.max(seen, 1), examples: seen }, true);
    history.push({ epoch, loss: lossSum / Math.max(seen, 1), seconds: (performance.now() - t0) / 1000 });
    await saveCheckpoint(ckptPath, {
      model,
      config: { kind: "word2vec", dataset, word2vec: cfg, lr, batchSize, epochs, seed, vocab: vocab.toJSON() },
      trainingState: { epoch, history },
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const kv = new KeyedVectors(vocab.itos.slice(1), model.inEmbed.weight.narrow(0, 1, vocab.size - 1));
  await writeFile(
    join(outDir, "metrics.csv"),
    `epoch,loss,seconds\n${history.map((r) => `${r.epoch},${r.loss},${r.seconds}`).join("\n")}\n`,
  );
  await writeFile(
    join(outDir, "chart.svg"),
    svgChart([{ title: `loss (mean of every ${every} batches)`, series: [{ name: "train", values: curve, color: "#1f77b4" }] }]),
  );
  const shown = { skip: Math.min(50, Math.floor(kv.size / 4)), count: 150 };
  await writeFile(join(outDir, "words.svg"), projectionSvg(kv, shown));
  await writeFile(join(outDir, "words_tsne.svg"), projectionSvg(kv, { ...shown, method: "tsne", seed }));
  console.log(
    `\n${textTable(
      ["epoch", "loss", "time"],
      history.map((r) => [String(r.epoch), r.loss.toFixed(4), `${r.seconds.toFixed(1)}s`]),
    )}`,
  );
  console.log(`\nloss      ${sparkline(curve)}  ${curve.at(-1)?.toFixed(4) ?? ""}`);
  const probes = PROBES.filter((w) => kv.has(w));
  if (probes.length > 0) {
    console.log("\nNearest words by cosine similarity:");
    for (const w of probes)
      console.log(
        `  ${w.padEnd(9)} ${kv
          .mostSimilar(w, 6)
          .map((n) => n.word)
          .join(", ")}`,
      );
  }
  console.log(`\nResult: ${vocab.size - 1} word vectors of size ${cfg.dim} after ${epochs} epochs in ${seconds.toFixed(1)} s.`);
  console.log(
    `Saved ${ckptPath}, ${join(outDir, "metrics.csv")}, ${join(outDir, "chart.svg")}, ${join(outDir, "words.svg")} (PCA) and ${join(outDir, "words_tsne.svg")} (t-SNE).`,
  );
  console.log(`Try: tensorgrad similar --checkpoint ${outDir} ${probes[0] ?? kv.words[0]}`);
}
