/**
 * `tensorgrad train` for language models: `--model mlp|lstm|gru|transformer` on `--dataset names|sotu|text:<file>`.
 * Every model reads windows of tokens and predicts each next token; the report is the mean cross-entropy per token
 * (nats) on the training and the held-out windows, per epoch, so the four models compare on one scale.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { noGrad } from "../autograd/grad_mode.js";
import type { DeviceType } from "../backend/backend.js";
import { crossEntropy } from "../nn/functional/loss.js";
import { clipGradNorm_ } from "../nn/utils/clip_grad.js";
import { saveCheckpoint } from "../node/checkpoint.js";
import { Generator, manualSeed } from "../ops/random.js";
import { Adam } from "../optim/adam.js";
import { AdamW } from "../optim/adamw.js";
import { CosineAnnealingLR } from "../optim/lr_scheduler/cosine_annealing_lr.js";
import type { Tensor } from "../tensor/tensor.js";
import { type FlagSpec, type FlagValues, helpText, intFlag, parseFlags, peekFlag, UsageError } from "./args.js";
import { sparkline, svgChart } from "./charts.js";
import { DEVICE_FLAG, openDevice, stateDictToHost } from "./device.js";
import { CommandFailed } from "./errors.js";
import { type LmCorpus, loadLmCorpus, type TokenLevel, type TokenWindows } from "./lm_corpus.js";
import { type LmHandle, sampleTokens } from "./lm_generate.js";
import { buildLm, type LanguageModel, LM_KINDS, type LmConfig, type LmKind, lmNumel } from "./lm_models.js";
import { LM_LIMITS, type LmRunConfig } from "./lm_schema.js";
import { prepareOutDir } from "./out_dir.js";
import { ProgressBar } from "./progress.js";
import { textTable } from "./table.js";

const LM_MODELS: readonly string[] = LM_KINDS;

export const LM_FLAGS: Record<string, FlagSpec> = {
  dataset: {
    type: "string",
    description: "Corpus: names (bundled first names), sotu (State of the Union) or text:<file>",
    default: "names",
  },
  model: { type: "string", description: "Language model", choices: LM_MODELS, default: "transformer" },
  tokens: { type: "string", description: "Characters or words (default: char, sotu: word)", choices: ["char", "word"] },
  "block-size": { type: "number", description: "Tokens per training window (default: names one name, else 64 chars or 32 words)" },
  embed: { type: "number", description: "Embedding size (transformer: d_model)" },
  hidden: { type: "number", description: "mlp: hidden units; lstm/gru: state size; transformer: feed-forward size" },
  layers: { type: "number", description: "Stacked layers (lstm, gru, transformer)" },
  heads: { type: "number", description: "Attention heads (transformer)" },
  context: { type: "number", description: "Tokens the mlp reads (Bengio's n − 1)" },
  dropout: { type: "number", description: "Dropout probability" },
  lr: { type: "number", description: "Peak learning rate (cosine decay to a tenth of it)" },
  "weight-decay": { type: "number", description: "AdamW weight decay (0: Adam)" },
  "batch-size": { type: "number", description: "Windows per batch" },
  epochs: { type: "number", description: "Passes over the training windows" },
  clip: { type: "number", description: "Clip the gradients' total norm to this (0: off)", default: 1 },
  "min-count": { type: "number", description: "Word level: words seen fewer times become <unk>", default: 3 },
  "max-vocab": { type: "number", description: "Word level: keep at most this many words", default: 10_000 },
  samples: { type: "number", description: "Samples printed at the end" },
  seed: { type: "number", description: "Random seed (initialization, split, batches)", default: 0 },
  out: { type: "string", description: "Output folder (default: runs/<dataset>-<model>)" },
  quiet: { type: "boolean", description: "Print only the summary", default: false },
  device: DEVICE_FLAG,
};

/** Per-model defaults, chosen on the names corpus for this 2-core machine (README: the losses they reach). */
const DEFAULTS: Record<
  LmKind,
  {
    embed: number;
    hidden: number;
    layers: number;
    heads: number;
    context: number;
    dropout: number;
    lr: number;
    weightDecay: number;
    batchSize: number;
    epochs: number;
  }
> = {
  mlp: { embed: 10, hidden: 200, layers: 1, heads: 1, context: 3, dropout: 0, lr: 0.01, weightDecay: 0, batchSize: 16, epochs: 20 },
  lstm: { embed: 32, hidden: 128, layers: 1, heads: 1, context: 1, dropout: 0.1, lr: 5e-3, weightDecay: 0.01, batchSize: 32, epochs: 20 },
  gru: { embed: 32, hidden: 128, layers: 1, heads: 1, context: 1, dropout: 0.1, lr: 5e-3, weightDecay: 0.01, batchSize: 32, epochs: 20 },
  transformer: {
    embed: 64,
    hidden: 256,
    layers: 4,
    heads: 4,
    context: 1,
    dropout: 0.1,
    lr: 3e-3,
    weightDecay: 0.01,
    batchSize: 32,
    epochs: 12,
  },
};

/** Whether a `train` command line asks for a language model. */
export function isLanguageModelRun(argv: readonly string[]): boolean {
  const model = peekFlag(argv, "--model");
  const dataset = peekFlag(argv, "--dataset");
  if (model === "lstm" || model === "gru" || model === "transformer") return true;
  // The MLP language model: names, or a text corpus with --model mlp given (text corpora alone mean word2vec).
  if (dataset === "names") return model === undefined || model === "mlp";
  return model === "mlp" && (dataset === "sotu" || (dataset?.startsWith("text:") ?? false));
}

function runConfig(flags: FlagValues, corpus: LmCorpus, kind: LmKind): LmRunConfig {
  const d = DEFAULTS[kind];
  const dropout = flags.dropout === undefined ? d.dropout : Number(flags.dropout);
  if (!(dropout >= 0 && dropout < 1)) throw new UsageError(`--dropout must be in [0, 1), got ${flags.dropout}`);
  const lr = flags.lr === undefined ? d.lr : Number(flags.lr);
  if (!(lr > 0 && lr <= 10)) throw new UsageError(`--lr must be in (0, 10], got ${flags.lr}`);
  const weightDecay = flags.weightDecay === undefined ? d.weightDecay : Number(flags.weightDecay);
  if (!(weightDecay >= 0 && weightDecay <= 10)) throw new UsageError(`--weight-decay must be in [0, 10], got ${flags.weightDecay}`);
  const clip = Number(flags.clip);
  if (!(clip >= 0 && clip <= 1e6)) throw new UsageError(`--clip must be in [0, 1e6], got ${flags.clip}`);
  const L = LM_LIMITS;
  const model: LmConfig = {
    kind,
    vocabSize: corpus.vocab.size,
    blockSize: corpus.blockSize,
    embed: intFlag(flags, "embed", d.embed, 1, L.width),
    hidden: intFlag(flags, "hidden", d.hidden, 1, L.width),
    layers: intFlag(flags, "layers", d.layers, 1, L.layers),
    heads: intFlag(flags, "heads", d.heads, 1, L.heads),
    context: intFlag(flags, "context", d.context, 1, L.context),
    dropout,
  };
  for (const [flag, used] of [
    ["layers", kind !== "mlp"],
    ["heads", kind === "transformer"],
    ["context", kind === "mlp"],
  ] as const) {
    if (!used && flags[flag] !== undefined)
      throw new UsageError(
        `--${flag} applies to ${flag === "context" ? "the mlp" : flag === "heads" ? "the transformer" : "lstm, gru and transformer"}, not to --model ${kind}`,
      );
  }
  if (kind === "transformer" && model.embed % model.heads !== 0) {
    throw new UsageError(`--embed ${model.embed} must be divisible by --heads ${model.heads} (each head gets embed / heads dimensions)`);
  }
  const weights = lmNumel(model);
  if (weights > L.modelNumel) throw new UsageError(`the model would have ${weights} weights, over the limit of ${L.modelNumel}`);
  return {
    kind: "lm",
    dataset: corpus.dataset,
    level: corpus.vocab.level,
    model,
    vocab: corpus.vocab.toJSON(),
    lr,
    weightDecay,
    clip,
    batchSize: intFlag(flags, "batch-size", d.batchSize, 1, L.batchSize),
    epochs: intFlag(flags, "epochs", d.epochs, 1, L.epochs),
    seed: Number(flags.seed),
  };
}

/** Mean cross-entropy per predicted token over every window of `w`, in eval mode. */
async function meanLoss(model: LanguageModel, w: TokenWindows, device: DeviceType, batchSize: number): Promise<number> {
  model.eval();
  let sum = 0;
  for (const [x, y] of w.inOrder(batchSize)) {
    const total = noGrad(() => {
      const logits = model(x.to(device));
      return crossEntropy(logits.reshape([-1, logits.shape[2]]), y.to(device).reshape([-1]), { ignoreIndex: -1, reduction: "sum" });
    });
    sum += await total.itemAsync();
  }
  model.train();
  return sum / w.targets;
}

interface EpochRow {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  lr: number;
  seconds: number;
}

/** `tensorgrad train --model transformer|lstm|gru|mlp --dataset names|sotu|text:<file>`. */
export async function trainLanguageModelCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(
      helpText(
        "tensorgrad train --model transformer|lstm|gru|mlp --dataset names|sotu|text:<file> [options]",
        "Train a language model that predicts the next character or word; prints train and validation loss per epoch.",
        LM_FLAGS,
      ),
    );
    return;
  }
  const flags = parseFlags(argv, LM_FLAGS);
  const quiet = flags.quiet === true;
  const log = (s: string) => {
    if (!quiet) console.log(s);
  };
  const seed = Number(flags.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got ${flags.seed}`);
  const kind = String(flags.model) as LmKind;
  manualSeed(seed);
  const generator = new Generator(seed);
  const corpus = await loadLmCorpus(String(flags.dataset), {
    level: flags.tokens === undefined ? undefined : (String(flags.tokens) as TokenLevel),
    blockSize: flags.blockSize === undefined ? undefined : Number(flags.blockSize),
    minCount: intFlag(flags, "min-count", 3, 1, 1e9),
    maxVocab: intFlag(flags, "max-vocab", 10_000, 2, LM_LIMITS.vocab),
    generator,
  });
  const cfg = runConfig(flags, corpus, kind);
  const samples = intFlag(flags, "samples", corpus.vocab.boundary !== null ? 10 : 2, 0, 1000);
  const outDir = flags.out !== undefined ? String(flags.out) : join("runs", `${cfg.dataset.replace(/[^\w.-]+/g, "_")}-${kind}`);
  await prepareOutDir(outDir);
  const { device, note: deviceNote } = await openDevice(String(flags.device));

  const hostModel = buildLm(cfg.model);
  const model = device === "cpu" ? hostModel : hostModel.to(device);
  const params = model.parameters();
  const optimizer =
    cfg.weightDecay > 0 ? new AdamW(params, { lr: cfg.lr, weightDecay: cfg.weightDecay }) : new Adam(params, { lr: cfg.lr });
  const perEpoch = Math.ceil(corpus.train.count / cfg.batchSize);
  const scheduler = new CosineAnnealingLR(optimizer, perEpoch * cfg.epochs, cfg.lr / 10);
  const nParams = params.reduce((a, p) => a + p.numel(), 0);

  log(`tensorgrad train: ${kind} language model on ${cfg.dataset}, ${corpus.vocab.level} level: ${corpus.description}`);
  if (deviceNote) log(deviceNote);
  log(`${model.toString()}\n${nParams.toLocaleString("en-US")} parameters\n`);
  log(
    `${cfg.weightDecay > 0 ? `AdamW lr=${cfg.lr} weight decay ${cfg.weightDecay}` : `Adam lr=${cfg.lr}`} (cosine to ${Number((cfg.lr / 10).toPrecision(3))}), batch ${cfg.batchSize} windows of ${corpus.blockSize} tokens, ${perEpoch} batches per epoch, ${cfg.epochs} epochs, seed ${seed}, output ${outDir}\n`,
  );
  const history: EpochRow[] = [];
  const ckptPath = join(outDir, "checkpoint.safetensors");
  const started = performance.now();
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    model.train();
    const ids = corpus.train.epoch(generator);
    const bar = quiet ? null : new ProgressBar(perEpoch, `epoch ${String(epoch).padStart(String(cfg.epochs).length)}/${cfg.epochs}`);
    let lossSum = 0;
    let tokens = 0;
    let pending: { loss: Tensor; n: number }[] = [];
    const drain = async () => {
      for (const p of pending) {
        const v = await p.loss.itemAsync();
        if (!Number.isFinite(v)) throw new CommandFailed(`training stopped at epoch ${epoch}: the loss is ${v}; lower --lr`);
        lossSum += v * p.n;
        tokens += p.n;
      }
      pending = [];
    };
    for (let b = 0; b < perEpoch; b++) {
      const [xh, yh] = corpus.train.batch(ids, b * cfg.batchSize, Math.min(corpus.train.count, (b + 1) * cfg.batchSize));
      const x = xh.to(device);
      const y = yh.to(device).reshape([-1]);
      const logits = model(x);
      const loss = crossEntropy(logits.reshape([-1, logits.shape[2]]), y, { ignoreIndex: -1 });
      optimizer.zeroGrad();
      loss.backward();
      if (cfg.clip > 0) clipGradNorm_(params, cfg.clip);
      optimizer.step();
      scheduler.step();
      pending.push({ loss: loss.detach(), n: countTargets(yh) });
      // On the CPU the loss is read every batch; on a device, in bursts (each read waits for the queue).
      if (device === "cpu" || pending.length >= 20 || b === perEpoch - 1) await drain();
      bar?.update(b + 1, { loss: lossSum / Math.max(tokens, 1), examples: (b + 1) * cfg.batchSize });
    }
    const trainLoss = lossSum / Math.max(tokens, 1);
    const valLoss = await meanLoss(model, corpus.val, device, 256);
    const lr = optimizer.paramGroups[0].lr;
    history.push({ epoch, trainLoss, valLoss, lr, seconds: (performance.now() - t0) / 1000 });
    log(`           train loss ${trainLoss.toFixed(4)}   validation loss ${valLoss.toFixed(4)}`);
    if (device !== "cpu") hostModel.loadStateDict(await stateDictToHost(model.stateDict()));
    await saveCheckpoint(ckptPath, { model: hostModel, config: cfg, trainingState: { epoch, history } });
  }
  const seconds = (performance.now() - started) / 1000;
  await writeFile(
    join(outDir, "metrics.csv"),
    `epoch,trainLoss,valLoss,lr,seconds\n${history.map((r) => `${r.epoch},${r.trainLoss},${r.valLoss},${r.lr},${r.seconds}`).join("\n")}\n`,
  );
  await writeFile(
    join(outDir, "chart.svg"),
    svgChart([
      {
        title: "loss (nats per token)",
        series: [
          { name: "train", values: history.map((r) => r.trainLoss), color: "#1f77b4" },
          { name: "validation", values: history.map((r) => r.valLoss), color: "#ff7f0e" },
        ],
      },
    ]),
  );
  console.log(
    `\n${textTable(
      ["epoch", "train loss", "val loss", "lr", "time"],
      history.map((r) => [String(r.epoch), r.trainLoss.toFixed(4), r.valLoss.toFixed(4), r.lr.toPrecision(3), `${r.seconds.toFixed(1)}s`]),
    )}`,
  );
  console.log(`\nval loss  ${sparkline(history.map((r) => r.valLoss))}  ${history.at(-1)?.valLoss.toFixed(4)}`);
  if (samples > 0) {
    hostModel.eval();
    const lm: LmHandle = { model: hostModel, vocab: corpus.vocab, blockSize: cfg.model.blockSize };
    const names = corpus.vocab.boundary !== null;
    const g = new Generator(seed + 1);
    const maxTokens = names ? cfg.model.blockSize - 1 : corpus.vocab.level === "char" ? 200 : 40;
    const prompt = names ? [] : [defaultPromptToken(lm)];
    console.log(`\n${samples} sample${samples === 1 ? "" : "s"}:`);
    for (let i = 0; i < samples; i++) {
      const text = corpus.vocab.decode([...prompt, ...sampleTokens(lm, { prompt, maxTokens, temperature: 1, topK: 0, generator: g })]);
      console.log(names ? `  ${text}` : `  ${text.replace(/\s+/g, " ").trim()}\n`);
    }
  }
  const last = history.at(-1) as EpochRow;
  console.log(
    `\nResult: validation loss ${last.valLoss.toFixed(4)} nats per ${corpus.vocab.level === "char" ? "character" : "word"} (train ${last.trainLoss.toFixed(4)}) after ${history.length} epochs in ${seconds.toFixed(1)} s.`,
  );
  console.log(`Saved ${ckptPath}, ${join(outDir, "metrics.csv")} and ${join(outDir, "chart.svg")}.`);
  console.log(
    `Try: tensorgrad sample --checkpoint ${outDir}${corpus.vocab.level === "word" ? `   or: tensorgrad next --checkpoint ${outDir} "the united"` : ""}`,
  );
}

/** Targets that count (not the −1 padding) in a host batch. */
function countTargets(y: Tensor): number {
  const v = y.toArray();
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] >= 0) n++;
  return n;
}

/** A stream model's sample starts from a line break (characters) or "the" (words) when no prompt is given. */
export function defaultPromptToken(lm: LmHandle): number {
  if (lm.vocab.level === "char") {
    for (let i = 0; i < lm.vocab.size; i++) if (lm.vocab.token(i) === "\n") return i;
    for (let i = 0; i < lm.vocab.size; i++) if (lm.vocab.token(i) === " ") return i;
    return 0;
  }
  return lm.vocab.size > 1 ? 1 : 0;
}
