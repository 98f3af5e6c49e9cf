/**
 * A language-model run's configuration as its checkpoint stores it, and the reader that checks it field by field
 * before a model is built from it (a checkpoint is a file from anywhere).
 */
import { ValueError } from "../errors.js";
import type { LmVocabJSON } from "./lm_corpus.js";
import { LM_KINDS, type LmConfig, lmNumel } from "./lm_models.js";
import { Checker } from "./run_schema.js";

/** Limits on what a language-model run may ask for, from the command line or a checkpoint. */
export const LM_LIMITS = {
  /** Embedding, hidden or feed-forward size. */
  width: 16_384,
  layers: 64,
  heads: 256,
  context: 64,
  /** Tokens in a vocabulary. */
  vocab: 1_000_000,
  blockSize: 1024,
  batchSize: 100_000,
  epochs: 100_000,
  modelNumel: 2 ** 26,
} as const;

export interface LmRunConfig {
  kind: "lm";
  dataset: string;
  level: "char" | "word";
  model: LmConfig;
  vocab: LmVocabJSON;
  lr: number;
  weightDecay: number;
  clip: number;
  batchSize: number;
  epochs: number;
  seed: number;
}

const RUN_KEYS = ["kind", "dataset", "level", "model", "vocab", "lr", "weightDecay", "clip", "batchSize", "epochs", "seed"] as const;
const MODEL_KEYS = ["kind", "vocabSize", "blockSize", "embed", "hidden", "layers", "heads", "context", "dropout"] as const;

/** Whether a checkpoint's config is a language model's (its `kind` is "lm"). */
export function isLmConfig(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "lm";
}

/** A language-model run configuration read from `file`, every field checked; throws a `ValueError` naming the first bad one. */
export function parseLmRunConfig(value: unknown, file: string): LmRunConfig {
  const c = new Checker(`${file}: the run configuration`);
  const run = c.record(value, "config", RUN_KEYS);
  c.oneOf(run.kind, "config.kind", ["lm"] as const);
  const m = c.record(run.model, "config.model", MODEL_KEYS);
  const L = LM_LIMITS;
  const model: LmConfig = {
    kind: c.oneOf(m.kind, "config.model.kind", LM_KINDS),
    vocabSize: c.int(m.vocabSize, "config.model.vocabSize", 1, L.vocab),
    blockSize: c.int(m.blockSize, "config.model.blockSize", 1, L.blockSize),
    embed: c.int(m.embed, "config.model.embed", 1, L.width),
    hidden: c.int(m.hidden, "config.model.hidden", 1, L.width),
    layers: c.int(m.layers, "config.model.layers", 1, L.layers),
    heads: c.int(m.heads, "config.model.heads", 1, L.heads),
    context: c.int(m.context, "config.model.context", 1, L.context),
    dropout: c.num(m.dropout, "config.model.dropout", 0, 1, true),
  };
  if (model.kind === "transformer" && model.embed % model.heads !== 0) c.fail("config.model.heads", `must divide embed (${model.embed})`);
  const numel = lmNumel(model);
  if (numel > L.modelNumel) c.fail("config.model", `describes ${numel} weights, over the limit of ${L.modelNumel}`);
  if (typeof run.dataset !== "string" || run.dataset.length > 4096)
    c.fail("config.dataset", `must be a dataset name, got ${c.show(run.dataset)}`);
  const level = c.oneOf(run.level, "config.level", ["char", "word"] as const);
  const vocab = run.vocab as LmVocabJSON;
  if (typeof vocab !== "object" || vocab === null || vocab.level !== level)
    c.fail("config.vocab.level", `must be "${level}" as config.level`);
  return {
    kind: "lm",
    dataset: run.dataset as string,
    level,
    model,
    vocab,
    lr: c.num(run.lr, "config.lr", Number.MIN_VALUE, 1e6),
    weightDecay: c.num(run.weightDecay, "config.weightDecay", 0, 1e6),
    clip: c.num(run.clip, "config.clip", 0, 1e6),
    batchSize: c.int(run.batchSize, "config.batchSize", 1, L.batchSize),
    epochs: c.int(run.epochs, "config.epochs", 1, L.epochs),
    seed: c.int(run.seed, "config.seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  };
}

/** Checks that a vocabulary read from a checkpoint has the size its model was built for. */
export function checkVocabSize(size: number, cfg: LmRunConfig, file: string): void {
  if (size !== cfg.model.vocabSize) {
    throw new ValueError(`${file}: the vocabulary has ${size} tokens but config.model.vocabSize is ${cfg.model.vocabSize}`);
  }
}
