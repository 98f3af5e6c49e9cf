/**
 * The run configuration and training state a CLI checkpoint carries, checked field by field before anything is built
 * from them: a checkpoint is a file from anywhere, so every field must have its type and range, and the model it
 * describes must be the one whose weights the file holds. Errors name the field.
 */
import { ValueError } from "../errors.js";
import type { StateDict } from "../nn/module.js";
import { type FlagValues, UsageError } from "./args.js";
import { DATASETS } from "./datasets.js";
import { ACTIVATIONS, type ModelConfig, modelNumel } from "./models.js";
import { OPTIMIZERS, type RunConfig, SCHEDULES } from "./run_config.js";

/** Limits on what a run may ask for, from the command line or a checkpoint. */
export const RUN_LIMITS = {
  /** Units in one hidden layer. */
  hidden: 65_536,
  /** Hidden layers. */
  layers: 32,
  /** Weights of the whole model (parameters and buffers). */
  modelNumel: 2 ** 26,
  epochs: 100_000,
  batchSize: 1_000_000,
  /** Points generated for a 2-D playground set. */
  samples: 1_000_000,
  classes: 100,
  /** Elements of one input example. */
  inputNumel: 1_000_000,
} as const;

type Fields = Record<string, unknown>;

const isRecord = (x: unknown): x is Fields => typeof x === "object" && x !== null && !Array.isArray(x);

/** Reads a JSON value field by field; every error names the field. */
export class Checker {
  constructor(private readonly where: string) {}

  fail(field: string, what: string): never {
    throw new ValueError(`${this.where}: ${field} ${what}`);
  }

  show(v: unknown): string {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 60 ? `${s.slice(0, 60)}…` : s;
  }

  record(v: unknown, field: string, keys: readonly string[], optional: readonly string[] = []): Fields {
    if (!isRecord(v)) this.fail(field, `must be an object, got ${this.show(v)}`);
    const o = v as Fields;
    for (const k of Object.keys(o)) if (!keys.includes(k) && !optional.includes(k)) this.fail(`${field}.${k}`, "is not a known field");
    for (const k of keys) if (!Object.hasOwn(o, k)) this.fail(`${field}.${k}`, "is missing");
    return o;
  }

  int(v: unknown, field: string, min: number, max: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      this.fail(field, `must be an integer from ${min} to ${max}, got ${this.show(v)}`);
    return v as number;
  }

  num(v: unknown, field: string, min: number, max: number, maxOpen = false): number {
    const ok = typeof v === "number" && Number.isFinite(v) && v >= min && (maxOpen ? v < max : v <= max);
    if (!ok) this.fail(field, `must be a number in [${min}, ${max}${maxOpen ? ")" : "]"}, got ${this.show(v)}`);
    return v as number;
  }

  oneOf<T extends string>(v: unknown, field: string, choices: readonly T[]): T {
    if (typeof v !== "string" || !choices.includes(v as T)) this.fail(field, `must be one of ${choices.join(", ")}, got ${this.show(v)}`);
    return v as T;
  }

  ints(v: unknown, field: string, minLength: number, maxLength: number, min: number, max: number): number[] {
    if (!Array.isArray(v) || v.length < minLength || v.length > maxLength) {
      this.fail(field, `must be a list of ${minLength} to ${maxLength} integers, got ${this.show(v)}`);
    }
    return (v as unknown[]).map((x, i) => this.int(x, `${field}[${i}]`, min, max));
  }
}

const MODEL_KEYS = ["kind", "inputShape", "outputs", "hidden", "activation", "dropout", "norm"] as const;
const RUN_KEYS = [
  "model",
  "dataset",
  "task",
  "optimizer",
  "lr",
  "momentum",
  "weightDecay",
  "schedule",
  "batchSize",
  "epochs",
  "seed",
  "valFraction",
  "earlyStopping",
  "samples",
  "noise",
] as const;

/** A run configuration read from `file`, every field checked; throws a `ValueError` naming the first bad one. */
export function parseRunConfig(value: unknown, file: string): RunConfig {
  const c = new Checker(`${file}: the run configuration`);
  const run = c.record(value, "config", RUN_KEYS, ["target"]);
  const m = c.record(run.model, "config.model", MODEL_KEYS);
  const kind = c.oneOf(m.kind, "config.model.kind", ["mlp", "cnn"] as const);
  const inputShape = c.ints(m.inputShape, "config.model.inputShape", 1, 3, 1, RUN_LIMITS.inputNumel);
  if (inputShape.reduce((a, b) => a * b, 1) > RUN_LIMITS.inputNumel)
    c.fail("config.model.inputShape", `has more than ${RUN_LIMITS.inputNumel} elements`);
  if (kind === "cnn" && inputShape.length !== 3) c.fail("config.model.inputShape", `must be [C, H, W] for a cnn, got [${inputShape}]`);
  const task = c.oneOf(run.task, "config.task", ["classification", "regression"] as const);
  const outputs =
    task === "regression"
      ? c.int(m.outputs, "config.model.outputs", 1, 1)
      : c.int(m.outputs, "config.model.outputs", 2, RUN_LIMITS.classes);
  const model: ModelConfig = {
    kind,
    inputShape,
    outputs,
    hidden: c.ints(m.hidden, "config.model.hidden", 0, RUN_LIMITS.layers, 1, RUN_LIMITS.hidden),
    activation: c.oneOf(m.activation, "config.model.activation", ACTIVATIONS),
    dropout: c.num(m.dropout, "config.model.dropout", 0, 1, true),
    norm: c.oneOf(m.norm, "config.model.norm", ["none", "batch", "layer"] as const),
  };
  const numel = modelNumel(model);
  if (numel > RUN_LIMITS.modelNumel) c.fail("config.model", `describes ${numel} weights, over the limit of ${RUN_LIMITS.modelNumel}`);
  if (typeof run.dataset !== "string" || !((DATASETS as readonly string[]).includes(run.dataset) || /^csv:./s.test(run.dataset))) {
    c.fail("config.dataset", `must be one of ${DATASETS.join(", ")} or csv:<path>, got ${c.show(run.dataset)}`);
  }
  if (run.target !== undefined && (typeof run.target !== "string" || run.target.length > 1000))
    c.fail("config.target", `must be a column name, got ${c.show(run.target)}`);
  return {
    model,
    dataset: run.dataset as string,
    ...(run.target === undefined ? {} : { target: run.target as string }),
    task,
    optimizer: c.oneOf(run.optimizer, "config.optimizer", OPTIMIZERS),
    lr: c.num(run.lr, "config.lr", Number.MIN_VALUE, 1e6),
    momentum: c.num(run.momentum, "config.momentum", 0, 1),
    weightDecay: c.num(run.weightDecay, "config.weightDecay", 0, 1e6),
    schedule: c.oneOf(run.schedule, "config.schedule", SCHEDULES),
    batchSize: c.int(run.batchSize, "config.batchSize", 1, RUN_LIMITS.batchSize),
    epochs: c.int(run.epochs, "config.epochs", 1, RUN_LIMITS.epochs),
    seed: c.int(run.seed, "config.seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    valFraction: c.num(run.valFraction, "config.valFraction", 0, 1, true),
    earlyStopping: c.int(run.earlyStopping, "config.earlyStopping", 0, RUN_LIMITS.epochs),
    samples: c.int(run.samples, "config.samples", 1, RUN_LIMITS.samples),
    noise: c.num(run.noise, "config.noise", 0, 10),
  };
}

/** Throws unless the file's weights are as many as the configured model has: checked before the model is built. */
export function checkWeightsFit(model: ModelConfig, state: StateDict, file: string): void {
  const expected = modelNumel(model);
  let held = 0;
  for (const t of Object.values(state)) held += t.numel();
  if (held !== expected) {
    throw new ValueError(
      `${file}: the run configuration describes a model of ${expected} weights, but the file holds ${held}; the checkpoint is inconsistent`,
    );
  }
}

const HISTORY_KEYS = [
  "epoch",
  "trainLoss",
  "trainAccuracy",
  "valLoss",
  "valAccuracy",
  "testLoss",
  "testAccuracy",
  "lr",
  "seconds",
] as const;

/** The CLI's training state (epoch, history, generator state) read from `file`, checked field by field. */
export function parseTrainingState(value: unknown, file: string): { epoch: number; history: Record<string, number>[] } {
  const c = new Checker(`${file}: the training state`);
  if (value === null || value === undefined) return { epoch: 0, history: [] };
  const s = c.record(value, "trainingState", ["epoch"], ["history", "rngState"]);
  const epoch = c.int(s.epoch, "trainingState.epoch", 0, RUN_LIMITS.epochs);
  const history: Record<string, number>[] = [];
  if (s.history !== undefined) {
    if (!Array.isArray(s.history) || s.history.length > epoch) c.fail("trainingState.history", `must be a list of at most ${epoch} epochs`);
    (s.history as unknown[]).forEach((row, i) => {
      const r = c.record(row, `trainingState.history[${i}]`, HISTORY_KEYS);
      for (const k of HISTORY_KEYS)
        if (typeof r[k] !== "number") c.fail(`trainingState.history[${i}].${k}`, `must be a number, got ${c.show(r[k])}`);
      history.push(r as Record<string, number>);
    });
  }
  if (s.rngState !== undefined) {
    const ok =
      Array.isArray(s.rngState) &&
      s.rngState.length === 6 &&
      s.rngState.slice(0, 4).every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) &&
      s.rngState.slice(4).every((v) => typeof v === "number");
    if (!ok) c.fail("trainingState.rngState", "must be 6 numbers, the first four 32-bit words");
  }
  return { epoch, history };
}

/** Checks a new run's numeric flags before anything is generated, loaded or built; a `UsageError` names the flag. */
export function checkTrainFlags(flags: FlagValues): void {
  const bad = (flag: string, what: string, v: unknown): never => {
    throw new UsageError(`--${flag} must be ${what}, got ${v}`);
  };
  const int = (flag: string, v: unknown, min: number, max: number) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) bad(flag, `an integer from ${min} to ${max}`, v);
  };
  const range = (flag: string, v: unknown, min: number, max: number, maxOpen = false) => {
    if (typeof v !== "number" || !(v >= min && (maxOpen ? v < max : v <= max)))
      bad(flag, `a number in [${min}, ${max}${maxOpen ? ")" : "]"}`, v);
  };
  int("epochs", flags.epochs, 1, RUN_LIMITS.epochs);
  int("batch-size", flags.batchSize, 1, RUN_LIMITS.batchSize);
  int("samples", flags.samples, 1, RUN_LIMITS.samples);
  int("seed", flags.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  int("early-stopping", flags.earlyStopping, 0, RUN_LIMITS.epochs);
  if (typeof flags.lr !== "number" || !(flags.lr > 0 && flags.lr <= 1e6)) bad("lr", "a positive number up to 1e6", flags.lr);
  range("momentum", flags.momentum, 0, 1);
  range("weight-decay", flags.weightDecay, 0, 1e6);
  range("noise", flags.noise, 0, 10);
  range("dropout", flags.dropout, 0, 1, true);
  range("val-fraction", flags.valFraction, 0, 1, true);
  const hidden = flags.hidden as number[];
  if (hidden.length > RUN_LIMITS.layers) bad("hidden", `at most ${RUN_LIMITS.layers} layers`, hidden.length);
  for (const h of hidden) if (h > RUN_LIMITS.hidden) bad("hidden", `sizes up to ${RUN_LIMITS.hidden}`, hidden.join(","));
}
