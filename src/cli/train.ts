import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DataLoader } from "../data/dataloader.js";
import { TensorDataset } from "../data/dataset.js";
import { checkpointFromBytes, loadOptimizerState, restoreCheckpoint, type TrainingState } from "../io/checkpoint.js";
import { saveCheckpoint } from "../node/checkpoint.js";
import { manualSeed, randperm } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { EarlyStopping } from "../utils/early_stopping.js";
import { checkGradients, checkGradientsAsync } from "../utils/gradients.js";
import { type FlagSpec, type FlagValues, helpText, parseFlags, UsageError } from "./args.js";
import { sparkline, svgChart } from "./charts.js";
import { DATASETS, type LoadedData, loadDataset, type Split } from "./datasets.js";
import { DEVICE_FLAG, EpochMeter, openDevice, optimizerStateToHost, stateDictToHost } from "./device.js";
import { CommandFailed } from "./errors.js";
import { evaluate, lossFor, type Metrics } from "./evaluate.js";
import { isLanguageModelRun, trainLanguageModelCommand } from "./lm_train.js";
import { ACTIVATIONS, type Activation, buildModel, type ModelConfig, modelNumel, type Norm } from "./models.js";
import { prepareOutDir } from "./out_dir.js";
import { ProgressBar } from "./progress.js";
import { resumeRun } from "./resume.js";
import { makeOptimizer, makeScheduler, OPTIMIZERS, type RunConfig, SCHEDULES } from "./run_config.js";
import { checkTrainFlags, RUN_LIMITS } from "./run_schema.js";
import { textTable } from "./table.js";
import { isWord2vecRun, trainWord2vecCommand } from "./word2vec.js";

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  dataset: {
    type: "string",
    description: `Dataset: ${DATASETS.join(", ")}, or csv:<path> (names, sotu, text:<file>: language models and word2vec, own flags)`,
    default: "mnist",
  },
  target: { type: "string", description: "Target column of a CSV dataset (default: the last column)" },
  model: {
    type: "string",
    description: "Model (word2vec: word vectors; transformer, lstm, gru: language models; each with own flags)",
    choices: ["mlp", "cnn", "word2vec", "transformer", "lstm", "gru"],
    default: "mlp",
  },
  hidden: { type: "list", description: "Hidden layer sizes", default: [256, 128] },
  activation: { type: "string", description: "Activation", choices: ACTIVATIONS, default: "relu" },
  dropout: { type: "number", description: "Dropout probability after each hidden layer", default: 0.2 },
  norm: {
    type: "string",
    description: "Normalization after each hidden linear layer",
    choices: ["none", "batch", "layer"],
    default: "none",
  },
  optimizer: { type: "string", description: "Optimizer", choices: OPTIMIZERS, default: "adam" },
  lr: { type: "number", description: "Learning rate", default: 1e-3 },
  momentum: { type: "number", description: "Momentum (sgd, rmsprop)", default: 0.9 },
  "weight-decay": { type: "number", description: "Weight decay", default: 0 },
  schedule: { type: "string", description: "Learning-rate schedule", choices: SCHEDULES, default: "none" },
  "batch-size": { type: "number", description: "Examples per batch", default: 64 },
  epochs: { type: "number", description: "Passes over the training set", default: 10 },
  seed: { type: "number", description: "Random seed (initialization, shuffling, splits)", default: 0 },
  "val-fraction": { type: "number", description: "Share of the training set held out for validation", default: 0.1 },
  "early-stopping": { type: "number", description: "Stop after this many epochs without validation improvement (0: off)", default: 0 },
  samples: { type: "number", description: "Points generated for the 2-D datasets", default: 1000 },
  noise: { type: "number", description: "Noise of the 2-D datasets (0 to 0.5)", default: 0.1 },
  out: { type: "string", description: "Output folder (default: runs/<dataset>-<model>)" },
  resume: { type: "string", description: "Continue the run whose output folder or checkpoint file this is" },
  quiet: { type: "boolean", description: "Print only the summary", default: false },
  device: DEVICE_FLAG,
};

/** Training cannot go on (NaN or Inf gradients...): the CLI prints the message and exits with status 1. */
export class TrainingStopped extends CommandFailed {}

const str = (v: FlagValues[string]): string => String(v);
const num = (v: FlagValues[string]): number => Number(v);

interface EpochRow {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  lr: number;
  seconds: number;
}

function runConfigFrom(flags: FlagValues, data: LoadedData): RunConfig {
  const hidden = flags.hidden as number[];
  const dropout = num(flags.dropout);
  if (!(dropout >= 0 && dropout < 1)) throw new UsageError(`--dropout must be in [0, 1), got ${dropout}`);
  for (const [k, v] of [
    ["epochs", flags.epochs],
    ["batch-size", flags.batchSize],
  ] as const) {
    if (!Number.isInteger(v) || Number(v) < 1) throw new UsageError(`--${k} must be a positive integer, got ${v}`);
  }
  if (!(num(flags.lr) > 0)) throw new UsageError(`--lr must be positive, got ${flags.lr}`);
  const valFraction = num(flags.valFraction);
  if (!(valFraction >= 0 && valFraction < 1)) throw new UsageError(`--val-fraction must be in [0, 1), got ${valFraction}`);
  if (str(flags.model) === "cnn" && data.inputShape.length !== 3)
    throw new UsageError(`--model cnn needs image data; ${data.name} has inputs of shape [${data.inputShape}]`);
  const cfg: RunConfig = {
    model: {
      kind: str(flags.model) as ModelConfig["kind"],
      inputShape: data.inputShape,
      outputs: data.outputs,
      hidden: str(flags.model) === "cnn" && flags.hidden === TRAIN_FLAGS.hidden.default ? [128] : hidden,
      activation: str(flags.activation) as Activation,
      dropout,
      norm: str(flags.norm) as Norm,
    },
    dataset: data.name,
    target: flags.target === undefined ? undefined : str(flags.target),
    task: data.task,
    optimizer: str(flags.optimizer) as RunConfig["optimizer"],
    lr: num(flags.lr),
    momentum: num(flags.momentum),
    weightDecay: num(flags.weightDecay),
    schedule: str(flags.schedule) as RunConfig["schedule"],
    batchSize: num(flags.batchSize),
    epochs: num(flags.epochs),
    seed: num(flags.seed),
    valFraction,
    earlyStopping: num(flags.earlyStopping),
    samples: num(flags.samples),
    noise: num(flags.noise),
  };
  const weights = modelNumel(cfg.model);
  if (weights > RUN_LIMITS.modelNumel) {
    throw new UsageError(
      `--hidden ${cfg.model.hidden.join(",")}: the model would have ${weights} weights, over the limit of ${RUN_LIMITS.modelNumel}`,
    );
  }
  return cfg;
}

function holdOut(train: Split, fraction: number): { fit: Split; val: Split } {
  const n = train.x.shape[0];
  const nVal = Math.round(n * fraction);
  if (nVal === 0) return { fit: train, val: train };
  const order = randperm(n);
  const pick = (idx: Tensor): Split => ({ x: train.x.indexSelect(0, idx), y: train.y.indexSelect(0, idx) });
  return { fit: pick(order.narrow(0, nVal, n - nVal)), val: pick(order.narrow(0, 0, nVal)) };
}

const fmtPct = (v: number) => (Number.isNaN(v) ? "-" : `${(v * 100).toFixed(2)}%`);

function writeMetricsCsv(rows: EpochRow[]): string {
  const cols = ["epoch", "trainLoss", "trainAccuracy", "valLoss", "valAccuracy", "testLoss", "testAccuracy", "lr", "seconds"] as const;
  return `${cols.join(",")}\n${rows.map((r) => cols.map((c) => (Number.isNaN(r[c]) ? "" : String(r[c]))).join(",")).join("\n")}\n`;
}

/** `tensorgrad train`: trains a model, shows progress, and writes the checkpoint, metrics.csv and a chart. */
export async function trainCommand(argv: readonly string[]): Promise<void> {
  if (isLanguageModelRun(argv)) return trainLanguageModelCommand(argv);
  if (isWord2vecRun(argv)) return trainWord2vecCommand(argv);
  if (argv.includes("--help")) {
    console.log(helpText("tensorgrad train [options]", "Train a model (by default an MLP on the bundled MNIST digits).", TRAIN_FLAGS));
    return;
  }
  const given = new Set<string>();
  const flags = parseFlags(argv, TRAIN_FLAGS, given);
  const quiet = flags.quiet === true;
  const log = (s: string) => {
    if (!quiet) console.log(s);
  };

  let resumed: { state: TrainingState | null; ckptPath: string } | null = null;
  let cfg: RunConfig;
  let data: LoadedData;
  if (flags.resume !== undefined) {
    // Checked field by field; more --epochs are honoured, other flags refused by name, a CSV named on the command line.
    const r = await resumeRun(str(flags.resume), flags, given);
    ({ run: cfg, data } = r);
    resumed = { state: null, ckptPath: r.path };
  } else {
    checkTrainFlags(flags);
    manualSeed(num(flags.seed));
    const dataset = str(flags.dataset);
    data = await loadDataset(dataset, {
      noise: num(flags.noise),
      samples: num(flags.samples),
      target: flags.target === undefined ? undefined : str(flags.target),
    });
    cfg = runConfigFrom(flags, data);
  }
  const outDir =
    flags.out !== undefined
      ? str(flags.out)
      : resumed
        ? join(resumed.ckptPath, "..")
        : join("runs", `${cfg.dataset.replace(/[^\w.-]+/g, "_")}-${cfg.model.kind}`);
  await prepareOutDir(outDir);

  const { device, note: deviceNote } = await openDevice(str(flags.device));
  const held = holdOut(data.train, cfg.valFraction);
  // The data moves to the device once; batches are then gathered there.
  const onDevice = (s: Split): Split => (device === "cpu" ? s : { x: s.x.to(device), y: s.y.to(device) });
  const fit = onDevice(held.fit);
  const val = onDevice(held.val);
  const test = onDevice(data.test);
  let model = buildModel(cfg.model);
  const batchesPerEpoch = Math.ceil(fit.x.shape[0] / cfg.batchSize);
  const history: EpochRow[] = [];
  let startEpoch = 1;
  // A resumed model is restored on the CPU, then moved; its optimizer state follows the parameters' device on load.
  const ckpt = resumed ? checkpointFromBytes(await (await import("node:fs/promises")).readFile(resumed.ckptPath)) : null;
  if (ckpt) {
    const state = restoreCheckpoint(ckpt, { model });
    startEpoch = Number(state?.epoch ?? 0) + 1;
    history.push(...((state?.history as EpochRow[] | undefined) ?? []));
  }
  if (device !== "cpu") model = model.to(device);
  const optimizer = makeOptimizer(cfg, model);
  if (ckpt) loadOptimizerState(optimizer, ckpt);
  const scheduler = makeScheduler(cfg, optimizer, batchesPerEpoch);
  // What is saved: the model itself on the CPU; a CPU copy, refreshed at each save, when it trains on another device.
  const hostModel = device === "cpu" ? model : buildModel(cfg.model);
  const hostOptimizer = device === "cpu" ? optimizer : makeOptimizer(cfg, hostModel);
  const forSaving = async () => {
    if (device !== "cpu") {
      hostModel.loadStateDict(await stateDictToHost(model.stateDict()));
      hostOptimizer.loadStateDict(await optimizerStateToHost(optimizer.stateDict()));
    }
    return { model: hostModel, optimizer: hostOptimizer };
  };
  const stopper = cfg.earlyStopping > 0 ? new EarlyStopping({ patience: cfg.earlyStopping, restoreBestWeights: true }) : null;

  log(
    `tensorgrad train: ${cfg.model.kind.toUpperCase()} on ${cfg.dataset} (${fit.x.shape[0]} train, ${val.x.shape[0]} validation, ${data.test.x.shape[0]} test examples)`,
  );
  if (data.note) log(`task: ${data.note}`);
  if (deviceNote) log(deviceNote);
  log(`${model.toString()}\n`);
  log(`optimizer ${cfg.optimizer} lr=${cfg.lr}, batch size ${cfg.batchSize}, ${cfg.epochs} epochs, seed ${cfg.seed}, output ${outDir}\n`);
  const started = performance.now();
  const ckptPath = join(outDir, "checkpoint.safetensors");
  for (let epoch = startEpoch; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    model.train();
    const loader = new DataLoader(new TensorDataset(fit.x, fit.y), { batchSize: cfg.batchSize, shuffle: true });
    const bar = quiet ? null : new ProgressBar(loader.length, `epoch ${String(epoch).padStart(String(cfg.epochs).length)}/${cfg.epochs}`);
    const meter = new EpochMeter(device, cfg.task === "classification");
    let batch = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const out = model(x);
      const loss = lossFor(cfg.task, out, y);
      loss.backward();
      // On the CPU every step's gradients are checked; on a device, those of the step before each progress update.
      const due = meter.due(batch + 1, loader.length);
      try {
        if (device === "cpu") checkGradients(model);
        else if (due) await checkGradientsAsync(model);
      } catch (e) {
        throw new TrainingStopped(`training stopped at epoch ${epoch}, batch ${batch + 1}: ${(e as Error).message}`);
      }
      optimizer.step();
      if (scheduler?.perBatch) scheduler.step(Number.NaN);
      meter.add(loss, out, y, x.shape[0]);
      batch++;
      if (due) {
        const m = await meter.read();
        bar?.update(batch, { loss: m.loss, accuracy: m.accuracy, examples: meter.seen });
      }
    }
    const trainM = await meter.read();
    const valM: Metrics = await evaluate(model, val, cfg.task);
    const testM: Metrics = await evaluate(model, test, cfg.task);
    const lr = optimizer.paramGroups[0].lr;
    if (scheduler && !scheduler.perBatch) scheduler.step(valM.loss);
    history.push({
      epoch,
      trainLoss: trainM.loss,
      trainAccuracy: trainM.accuracy ?? Number.NaN,
      valLoss: valM.loss,
      valAccuracy: valM.accuracy,
      testLoss: testM.loss,
      testAccuracy: testM.accuracy,
      lr,
      seconds: (performance.now() - t0) / 1000,
    });
    log(`           validation loss ${valM.loss.toFixed(4)}  accuracy ${fmtPct(valM.accuracy)}   test accuracy ${fmtPct(testM.accuracy)}`);
    const stop = stopper?.step(valM.loss, model) ?? false;
    await saveCheckpoint(ckptPath, { ...(await forSaving()), config: cfg, trainingState: { epoch, history } });
    await writeFile(join(outDir, "metrics.csv"), writeMetricsCsv(history));
    if (stop) {
      log(
        `early stopping: no validation improvement for ${cfg.earlyStopping} epochs; restored the weights of epoch ${stopper?.bestEpoch !== undefined ? history[0].epoch + stopper.bestEpoch : "?"}`,
      );
      break;
    }
  }
  if (stopper?.stopped)
    await saveCheckpoint(ckptPath, { ...(await forSaving()), config: cfg, trainingState: { epoch: history.at(-1)?.epoch ?? 0, history } });
  const final = await evaluate(model, test, cfg.task);
  const seconds = (performance.now() - started) / 1000;
  await writeFile(
    join(outDir, "chart.svg"),
    svgChart([
      {
        title: "loss",
        series: [
          { name: "train", values: history.map((r) => r.trainLoss), color: "#1f77b4" },
          { name: "validation", values: history.map((r) => r.valLoss), color: "#ff7f0e" },
        ],
      },
      ...(cfg.task === "classification"
        ? [
            {
              title: "accuracy",
              series: [
                { name: "train", values: history.map((r) => r.trainAccuracy), color: "#1f77b4" },
                { name: "validation", values: history.map((r) => r.valAccuracy), color: "#ff7f0e" },
                { name: "test", values: history.map((r) => r.testAccuracy), color: "#2ca02c" },
              ],
            },
          ]
        : []),
    ]),
  );
  console.log(
    `\n${textTable(
      ["epoch", "train loss", "train acc", "val loss", "val acc", "test acc", "lr", "time"],
      history.map((r) => [
        String(r.epoch),
        r.trainLoss.toFixed(4),
        fmtPct(r.trainAccuracy),
        r.valLoss.toFixed(4),
        fmtPct(r.valAccuracy),
        fmtPct(r.testAccuracy),
        r.lr.toPrecision(3),
        `${r.seconds.toFixed(1)}s`,
      ]),
    )}`,
  );
  console.log(`\nloss      ${sparkline(history.map((r) => r.trainLoss))}  train ${history.at(-1)?.trainLoss.toFixed(4)}`);
  if (cfg.task === "classification")
    console.log(`val acc   ${sparkline(history.map((r) => r.valAccuracy))}  ${fmtPct(history.at(-1)?.valAccuracy ?? Number.NaN)}`);
  const result = cfg.task === "classification" ? `test accuracy ${fmtPct(final.accuracy)}` : `test loss (MSE) ${final.loss.toFixed(4)}`;
  console.log(`\nResult: ${result} after ${history.length} epochs in ${seconds.toFixed(1)} s.`);
  console.log(`Saved ${ckptPath}, ${join(outDir, "metrics.csv")} and ${join(outDir, "chart.svg")}.`);
}
