/**
 * Reopening a CLI run from its checkpoint (`train --resume`, `eval`, `predict`): the checkpoint's configuration and
 * training state are checked field by field, its weights against the model it describes, and its data are read only
 * from what the command line names: a checkpoint never chooses a file to read.
 */

import { join } from "node:path";
import type { Checkpoint } from "../io/checkpoint.js";
import { loadCheckpoint } from "../node/checkpoint.js";
import { manualSeed } from "../ops/random.js";
import { type FlagValues, UsageError } from "./args.js";
import { type LoadedData, loadDataset } from "./datasets.js";
import { CommandFailed } from "./errors.js";
import { isLmConfig } from "./lm_schema.js";
import type { RunConfig } from "./run_config.js";
import { checkWeightsFit, parseRunConfig, parseTrainingState, RUN_LIMITS } from "./run_schema.js";

const OPTIMIZER_CLASSES: Record<RunConfig["optimizer"], string> = {
  sgd: "SGD",
  adam: "Adam",
  adamw: "AdamW",
  rmsprop: "RMSprop",
  adagrad: "Adagrad",
  adadelta: "Adadelta",
  adamax: "Adamax",
  nadam: "NAdam",
  radam: "RAdam",
};

/** A run's checkpoint, read and checked: its configuration and where training stands. */
export interface OpenedRun {
  path: string;
  checkpoint: Checkpoint;
  run: RunConfig;
  /** Epochs trained so far. */
  epoch: number;
}

/** Reads the checkpoint of a run folder (or the file itself) and checks everything the CLI will use from it. */
export async function openRun(where: string): Promise<OpenedRun> {
  if (where === "") throw new UsageError("the checkpoint path is empty; give a run folder or a .safetensors file");
  const path = where.endsWith(".safetensors") ? where : join(where, "checkpoint.safetensors");
  const checkpoint = await loadCheckpoint(path);
  if (checkpoint.config === null || checkpoint.config === undefined) {
    throw new UsageError(`${path} holds no tensorgrad run configuration (was it written by "tensorgrad train"?)`);
  }
  if (isLmConfig(checkpoint.config)) {
    throw new UsageError(
      `${path} is a language model's checkpoint: use "tensorgrad sample --checkpoint ${where}" or "tensorgrad next"; eval, predict and --resume work on classifier and regressor runs`,
    );
  }
  const run = parseRunConfig(checkpoint.config, path);
  checkWeightsFit(run.model, checkpoint.modelState, path);
  const { epoch } = parseTrainingState(checkpoint.trainingState, path);
  if (checkpoint.optimizerType !== null && checkpoint.optimizerType !== OPTIMIZER_CLASSES[run.optimizer]) {
    throw new CommandFailed(
      `${path}: the optimizer state is ${checkpoint.optimizerType}'s, but the run configuration says ${run.optimizer}`,
    );
  }
  return { path, checkpoint, run, epoch };
}

/**
 * The dataset to reload a run with: a generated or bundled one by its saved name, but a CSV file only from the command
 * line's `--dataset csv:<path>` (a crafted checkpoint must not make us read, or echo, any file it likes).
 */
export function datasetFor(run: RunConfig, given: string | undefined, path: string): string {
  const savedCsv = run.dataset.startsWith("csv:");
  if (savedCsv) {
    if (given === undefined || !given.startsWith("csv:")) {
      throw new UsageError(
        `${path} was trained on a CSV file: name it with --dataset csv:<path> (a checkpoint never chooses a file to read)`,
      );
    }
    return given;
  }
  if (given !== undefined && given !== run.dataset)
    throw new UsageError(`--dataset: this run was trained on ${run.dataset}; it can't change`);
  return run.dataset;
}

/** The run's dataset, reloaded with its seed (the same splits) and checked against the model's inputs and outputs. */
export async function loadRunData(run: RunConfig, dataset: string): Promise<LoadedData> {
  manualSeed(run.seed);
  const data = await loadDataset(dataset, { noise: run.noise, samples: run.samples, target: run.target });
  const same = data.inputShape.length === run.model.inputShape.length && data.inputShape.every((s, i) => s === run.model.inputShape[i]);
  if (!same || data.task !== run.task || data.outputs !== run.model.outputs) {
    throw new CommandFailed(
      `${dataset} does not fit the run: it has inputs [${data.inputShape}] and ${data.outputs} outputs (${data.task}), the model takes [${run.model.inputShape}] and gives ${run.model.outputs} (${run.task})`,
    );
  }
  return data;
}

/** Flags `train --resume` takes; any other one would be silently ignored, so it is refused by name. */
const RESUME_FLAGS = new Set(["resume", "epochs", "out", "quiet", "dataset", "device"]);

const kebab = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `train --resume`: the saved run with its dataset, `--epochs` (more epochs) applied and every other flag refused. */
export async function resumeRun(
  where: string,
  flags: FlagValues,
  given: ReadonlySet<string>,
): Promise<{ run: RunConfig; data: LoadedData; path: string; epoch: number }> {
  for (const name of given) {
    if (!RESUME_FLAGS.has(name)) {
      throw new UsageError(
        `--${kebab(name)} can't change when resuming: a resumed run keeps its settings (drop the flag, or start a new run)`,
      );
    }
  }
  const opened = await openRun(where);
  const run = { ...opened.run };
  run.dataset = datasetFor(run, given.has("dataset") ? String(flags.dataset) : undefined, opened.path);
  if (given.has("epochs")) {
    const epochs = Number(flags.epochs);
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > RUN_LIMITS.epochs) {
      throw new UsageError(`--epochs must be an integer from 1 to ${RUN_LIMITS.epochs}, got ${flags.epochs}`);
    }
    if (epochs <= opened.epoch)
      throw new UsageError(`--epochs ${epochs}: the run has trained ${opened.epoch} epochs already; ask for more`);
    run.epochs = epochs;
  } else if (opened.epoch >= run.epochs) {
    throw new UsageError(`the run has trained all its ${run.epochs} epochs; give --epochs with a larger number to go on`);
  }
  const data = await loadRunData(run, run.dataset);
  return { run, data, path: opened.path, epoch: opened.epoch };
}
