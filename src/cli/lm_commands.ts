/**
 * `tensorgrad sample` (text from a trained language model) and `tensorgrad next` (the lecture's next-token
 * distribution for a prompt).
 */
import { join } from "node:path";
import { ValueError } from "../errors.js";
import { loadCheckpoint } from "../node/checkpoint.js";
import { Generator } from "../ops/random.js";
import { type FlagSpec, type FlagValues, helpText, intFlag, parseFlags, splitArgs, UsageError } from "./args.js";
import { CommandFailed } from "./errors.js";
import { LmVocab } from "./lm_corpus.js";
import { type LmHandle, sampleTokens, topNext } from "./lm_generate.js";
import { buildLm } from "./lm_models.js";
import { checkVocabSize, isLmConfig, parseLmRunConfig } from "./lm_schema.js";
import { defaultPromptToken } from "./lm_train.js";

const CHECKPOINT: FlagSpec = { type: "string", description: "A language-model run folder or its checkpoint.safetensors file" };

export const SAMPLE_FLAGS: Record<string, FlagSpec> = {
  checkpoint: CHECKPOINT,
  num: { type: "number", description: "How many samples", default: 10 },
  temperature: { type: "number", description: "Below 1: safer choices; above 1: more surprising ones", default: 1 },
  "top-k": { type: "number", description: "Draw only among the k most likely tokens (0: all)", default: 0 },
  prompt: { type: "string", description: "Text to continue (names: the first letters)", default: "" },
  length: { type: "number", description: "Most tokens per sample (default: a name, 200 characters or 40 words)" },
  seed: { type: "number", description: "Random seed", default: 0 },
};

export const NEXT_FLAGS: Record<string, FlagSpec> = {
  checkpoint: CHECKPOINT,
  k: { type: "number", description: "How many tokens to list", default: 10 },
};

/** A language model and its vocabulary from a run folder or checkpoint file, every config field checked. */
export async function loadLanguageModel(flags: FlagValues): Promise<LmHandle & { dataset: string }> {
  if (flags.checkpoint === undefined) throw new UsageError("--checkpoint is required (a language-model run folder or checkpoint file)");
  const given = String(flags.checkpoint);
  const path = given.endsWith(".safetensors") ? given : join(given, "checkpoint.safetensors");
  const ckpt = await loadCheckpoint(path);
  if (!isLmConfig(ckpt.config)) {
    throw new CommandFailed(
      `${path} is not a language model's checkpoint (train one with: tensorgrad train --dataset names --model transformer)`,
    );
  }
  const cfg = parseLmRunConfig(ckpt.config, path);
  let vocab: LmVocab;
  try {
    vocab = LmVocab.fromJSON(cfg.vocab);
  } catch (e) {
    throw new ValueError(`${path}: the vocabulary: ${(e as Error).message}`);
  }
  checkVocabSize(vocab.size, cfg, path);
  const model = buildLm(cfg.model);
  model.loadStateDict(ckpt.modelState);
  model.eval();
  return { model, vocab, blockSize: cfg.model.blockSize, dataset: cfg.dataset };
}

/** The prompt as tokens; a character outside the vocabulary is a usage error naming it. */
function encodePrompt(lm: LmHandle, prompt: string): number[] {
  try {
    return lm.vocab.encode(lm.vocab.boundary !== null ? prompt.toLowerCase() : prompt);
  } catch (e) {
    throw new UsageError(
      `--prompt: ${(e as Error).message.replace(/^CharVocab\.encode: /, "")} (the model knows only the characters of its corpus)`,
    );
  }
}

/** `tensorgrad sample --checkpoint <run> [--num N] [--temperature T] [--top-k K] [--prompt s]`. */
export async function sampleCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(
      helpText("tensorgrad sample --checkpoint <run> [options]", "Print text sampled from a trained language model.", SAMPLE_FLAGS),
    );
    return;
  }
  const flags = parseFlags(argv, SAMPLE_FLAGS);
  const num = intFlag(flags, "num", undefined, 1, 10_000);
  const temperature = Number(flags.temperature);
  if (!(temperature > 0 && temperature <= 100)) throw new UsageError(`--temperature must be in (0, 100], got ${flags.temperature}`);
  const topK = intFlag(flags, "top-k", undefined, 0, 1_000_000);
  const seed = Number(flags.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got ${flags.seed}`);
  const lm = await loadLanguageModel(flags);
  const names = lm.vocab.boundary !== null;
  const maxTokens =
    flags.length === undefined
      ? names
        ? lm.blockSize - 1
        : lm.vocab.level === "char"
          ? 200
          : 40
      : intFlag(flags, "length", undefined, 1, 100_000);
  let prompt = encodePrompt(lm, String(flags.prompt));
  if (prompt.length === 0 && !names) prompt = [defaultPromptToken(lm)];
  const generator = new Generator(seed);
  for (let i = 0; i < num; i++) {
    const added = sampleTokens(lm, { prompt, maxTokens, temperature, topK, generator });
    const text = lm.vocab.decode([...prompt, ...added]);
    console.log(names ? text : `${text.trim()}\n`);
  }
}

/** `tensorgrad next --checkpoint <run> "the united" [--k 10]`: the most likely next tokens with their probabilities. */
export async function nextCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(
      helpText(
        'tensorgrad next --checkpoint <run> "<prompt>" [--k 10]',
        "Print the k most likely next tokens after a prompt, with their probabilities.",
        NEXT_FLAGS,
      ),
    );
    return;
  }
  const { words, flags } = splitArgs(argv, NEXT_FLAGS);
  const k = intFlag(flags, "k", undefined, 1, 1_000_000);
  if (words.length !== 1) throw new UsageError(`next takes one prompt (quote it: "the united"), got ${words.length}`);
  const lm = await loadLanguageModel(flags);
  const prompt = encodePrompt(lm, words[0]);
  const names = lm.vocab.boundary !== null;
  if (prompt.length === 0 && !names) throw new UsageError("the prompt holds no known token");
  const context = names ? [0, ...prompt] : prompt;
  const show = (t: string) => (t === "\n" ? "\\n" : t === " " ? "␠" : names && t === "." ? ". (end of name)" : t);
  for (const e of topNext(lm, context, Math.min(k, lm.vocab.size))) console.log(`${show(e.token)} ${e.probability.toFixed(4)}`);
}
