/**
 * Training checkpoints as one safetensors file: the model's weights under their state-dict names (so
 * `safetensors.torch.load_file` in PyTorch opens them unchanged), the optimizer's state tensors under
 * `optimizer.state.<param index>.<name>`, and JSON in the string metadata for the model config, the optimizer's
 * hyperparameters and parameter groups, and the training state (epoch, step, best metric, random generator
 * state...). Browser-safe: bytes in, bytes out; `tensorgrad/node` adds files.
 */

import { className } from "../class_names.js";
import { ValueError } from "../errors.js";
import { type LoadResult, Module, type StateDict } from "../nn/module.js";
import { defaultGenerator } from "../ops/random.js";
import type { Optimizer, OptimizerStateDict, ParamState } from "../optim/optimizer.js";
import { Tensor } from "../tensor/tensor.js";
import { guardJson } from "./json_guard.js";
import { type ModuleSpec, parseModuleSpec, tryDescribeModule } from "./model_spec.js";
import { checkOptimizerState } from "./optimizer_state_check.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";

/** What a checkpoint needs from a model: `nn.Module` has both methods. */
export interface CheckpointModel {
  stateDict(): StateDict;
  loadStateDict(state: StateDict, options?: { strict?: boolean }): LoadResult;
}

/** Any optimizer (`tg.optim.SGD`, `tg.optim.Adam`...). */
export type CheckpointOptimizer = Optimizer<{ lr: number }>;

/** Where training stands; any other JSON-serializable fields (and tensors) may be added. */
export interface TrainingState {
  epoch?: number;
  step?: number;
  bestMetric?: number;
  /** `tg.defaultGenerator.getState()`; `checkpointToBytes` fills it in unless told not to. */
  rngState?: number[];
  [key: string]: unknown;
}

export interface CheckpointInput {
  model: CheckpointModel;
  optimizer?: CheckpointOptimizer;
  /** The model's configuration (layer sizes...), anything JSON can hold. */
  config?: unknown;
  trainingState?: TrainingState;
  /** Record `tg.defaultGenerator`'s state in `trainingState.rngState` (default true), so a resumed run draws the same numbers. */
  saveRngState?: boolean;
  /** Extra string metadata stored as is. */
  metadata?: Record<string, string>;
  /**
   * The model's architecture (`tg.io.describeModule`); by default recorded whenever the model is built from
   * built-in layers, so `tg.nn.loadModel` can rebuild it. `null` records none.
   */
  architecture?: ModuleSpec | null;
}

/** A decoded checkpoint. */
export interface Checkpoint {
  /** The model's weights by state-dict name. */
  modelState: StateDict;
  /** The optimizer's state dict, or null when none was saved. */
  optimizerState: OptimizerStateDict<{ lr: number }> | null;
  /** The optimizer's class name ("Adam"), or null. */
  optimizerType: string | null;
  /** The model config, or null. */
  config: unknown;
  /** The training state, or null. */
  trainingState: TrainingState | null;
  /** The model's architecture, or null when the file records none. */
  architecture: ModuleSpec | null;
  /** The file's raw string metadata. */
  metadata: Record<string, string>;
}

const VERSION = "1";
const KEY_VERSION = "tensorgrad.checkpoint";
const KEY_CONFIG = "tensorgrad.config";
const KEY_OPTIMIZER = "tensorgrad.optimizer";
const KEY_TRAINING = "tensorgrad.training_state";
const KEY_ARCHITECTURE = "tensorgrad.architecture";
/** Checkpoint metadata (config, optimizer state, training state) nested deeper than this is refused before parsing. */
const MAX_METADATA_DEPTH = 32;
const TENSOR_TAG = "$tensor";
const NUMBER_TAG = "$number";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON-able copy of `value` with tensors moved to `tensors` (named by their path) and NaN/±Infinity tagged. */
function toJson(value: unknown, path: string, tensors: Record<string, Tensor>): Json | undefined {
  if (value === null) return null;
  if (value instanceof Tensor) {
    tensors[path] = value.detach();
    return { [TENSOR_TAG]: path };
  }
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : { [NUMBER_TAG]: String(value) };
    case "object": {
      if (Array.isArray(value)) return value.map((v, i) => toJson(v, `${path}.${i}`, tensors) ?? null);
      const out: { [key: string]: Json } = {};
      for (const [k, v] of Object.entries(value)) {
        const j = toJson(v, `${path}.${k}`, tensors);
        if (j !== undefined) out[k] = j;
      }
      return out;
    }
    default:
      throw new ValueError(`checkpointToBytes: ${path} is a ${typeof value}, which a checkpoint can't hold`);
  }
}

function fromJson(value: unknown, tensors: Record<string, Tensor>, used: Set<string>, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => fromJson(v, tensors, used, key));
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === TENSOR_TAG && typeof entries[0][1] === "string") {
    const name = entries[0][1];
    if (!Object.hasOwn(tensors, name)) throw new ValueError(`checkpointFromBytes: ${key} refers to tensor "${name}", which the file lacks`);
    used.add(name);
    return tensors[name];
  }
  if (entries.length === 1 && entries[0][0] === NUMBER_TAG && typeof entries[0][1] === "string") return Number(entries[0][1]);
  return Object.fromEntries(entries.map(([k, v]) => [k, fromJson(v, tensors, used, key)]));
}

function stringify(value: unknown, prefix: string, tensors: Record<string, Tensor>): string {
  return JSON.stringify(toJson(value, prefix, tensors) ?? null);
}

/**
 * Serializes a model (and optionally its optimizer, config and training state) to safetensors bytes.
 *
 * @example
 * const bytes = tg.io.checkpointToBytes({ model, optimizer, config: { hidden: 64 }, trainingState: { epoch: 3 } });
 * const ckpt = tg.io.checkpointFromBytes(bytes);
 * tg.io.restoreCheckpoint(ckpt, { model, optimizer });
 */
export function checkpointToBytes(input: CheckpointInput): Uint8Array {
  const { model, optimizer, config, saveRngState = true } = input;
  const tensors: Record<string, Tensor> = { ...model.stateDict() };
  const extra: Record<string, Tensor> = {};
  const metadata: Record<string, string> = { ...input.metadata, format: "pt", [KEY_VERSION]: VERSION };
  if (config !== undefined) metadata[KEY_CONFIG] = stringify(config, "config", extra);
  const architecture = input.architecture === undefined && model instanceof Module ? tryDescribeModule(model) : input.architecture;
  if (architecture) metadata[KEY_ARCHITECTURE] = JSON.stringify(architecture);
  if (optimizer) {
    const sd = optimizer.stateDict();
    metadata[KEY_OPTIMIZER] = stringify({ type: className(optimizer), state: sd.state, paramGroups: sd.paramGroups }, "optimizer", extra);
  }
  const training: TrainingState | undefined = saveRngState
    ? { ...input.trainingState, rngState: defaultGenerator.getState() }
    : input.trainingState;
  if (training !== undefined) metadata[KEY_TRAINING] = stringify(training, "training_state", extra);
  for (const [name, t] of Object.entries(extra)) {
    if (Object.hasOwn(tensors, name))
      throw new ValueError(`checkpointToBytes: the model's "${name}" clashes with a tensor of the same name in the checkpoint`);
    tensors[name] = t;
  }
  return encodeSafetensors(tensors, metadata);
}

function parseMeta(metadata: Record<string, string>, key: string, tensors: Record<string, Tensor>, used: Set<string>): unknown {
  if (!Object.hasOwn(metadata, key)) return undefined;
  guardJson(metadata[key], { maxDepth: MAX_METADATA_DEPTH, maxKeys: 100_000, what: `checkpointFromBytes: the metadata "${key}"` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata[key]);
  } catch {
    throw new ValueError(`checkpointFromBytes: the metadata "${key}" is not valid JSON (the checkpoint is corrupt)`);
  }
  return fromJson(parsed, tensors, used, key);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);
}

function checkOptimizer(value: unknown): { type: string; sd: OptimizerStateDict<{ lr: number }> } {
  const bad = (what: string): never => {
    throw new ValueError(`checkpointFromBytes: the optimizer state is malformed: ${what}`);
  };
  if (!isRecord(value)) return bad("not an object");
  const { type, state, paramGroups } = value;
  if (typeof type !== "string") bad("no type");
  if (!Array.isArray(paramGroups) || paramGroups.length === 0) bad("no parameter groups");
  for (const g of paramGroups as unknown[]) {
    if (!isRecord(g) || !Array.isArray(g.params) || !g.params.every((p) => Number.isInteger(p))) bad("a group without integer params");
  }
  if (!isRecord(state)) return bad("no state");
  for (const [k, s] of Object.entries(state)) {
    if (!/^\d+$/.test(k) || !isRecord(s)) bad(`state entry "${k}"`);
    for (const v of Object.values(s as Record<string, unknown>))
      if (typeof v !== "number" && !(v instanceof Tensor)) bad(`state entry "${k}"`);
  }
  return {
    type: type as string,
    sd: { state: state as Record<number, ParamState>, paramGroups: paramGroups as OptimizerStateDict<{ lr: number }>["paramGroups"] },
  };
}

/**
 * Decodes checkpoint bytes (or any safetensors file, such as one PyTorch wrote: every tensor is then model state).
 * A corrupt file throws a `ValueError`.
 *
 * @example
 * const ckpt = tg.io.checkpointFromBytes(bytes);
 * console.log(ckpt.trainingState?.epoch, Object.keys(ckpt.modelState));
 */
export function checkpointFromBytes(bytes: Uint8Array): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const version = metadata[KEY_VERSION];
  if (version !== undefined && version !== VERSION) {
    throw new ValueError(`checkpointFromBytes: checkpoint format version ${version} is not supported (this tensorgrad reads ${VERSION})`);
  }
  const used = new Set<string>();
  const config = parseMeta(metadata, KEY_CONFIG, tensors, used);
  const optimizer = parseMeta(metadata, KEY_OPTIMIZER, tensors, used);
  const training = parseMeta(metadata, KEY_TRAINING, tensors, used);
  if (training !== undefined && !isRecord(training)) throw new ValueError("checkpointFromBytes: the training state is not an object");
  const opt = optimizer === undefined ? null : checkOptimizer(optimizer);
  const architecture = parseMeta(metadata, KEY_ARCHITECTURE, {}, used);
  const modelState: StateDict = Object.fromEntries(Object.entries(tensors).filter(([name]) => !used.has(name)));
  return {
    modelState,
    optimizerState: opt?.sd ?? null,
    optimizerType: opt?.type ?? null,
    config: config ?? null,
    trainingState: (training as TrainingState | undefined) ?? null,
    architecture: architecture === undefined ? null : parseModuleSpec(architecture),
    metadata,
  };
}

export interface RestoreOptions {
  model?: CheckpointModel;
  optimizer?: CheckpointOptimizer;
  /** Require the model's and the checkpoint's keys to match (default true). */
  strict?: boolean;
  /** Set `tg.defaultGenerator` to the saved state, when there is one (default true). */
  restoreRngState?: boolean;
}

/**
 * Loads the checkpoint's weights into `model` (see `Module.loadStateDict`).
 *
 * @example
 * tg.io.loadModelState(model, tg.io.checkpointFromBytes(bytes), { strict: false });
 */
export function loadModelState(model: CheckpointModel, checkpoint: Checkpoint, options: { strict?: boolean } = {}): LoadResult {
  return model.loadStateDict(checkpoint.modelState, options);
}

/**
 * Loads the checkpoint's optimizer state into `optimizer`; throws when there is none or it is another optimizer's.
 *
 * @example
 * tg.io.loadOptimizerState(new tg.optim.Adam(model.parameters()), ckpt);
 */
export function loadOptimizerState(optimizer: CheckpointOptimizer, checkpoint: Checkpoint): void {
  if (!checkpoint.optimizerState) throw new ValueError("loadOptimizerState: the checkpoint holds no optimizer state");
  const name = className(optimizer);
  if (checkpoint.optimizerType !== null && checkpoint.optimizerType !== name) {
    throw new ValueError(`loadOptimizerState: the checkpoint holds ${checkpoint.optimizerType} state, which can't load into ${name}`);
  }
  checkOptimizerState(optimizer, checkpoint.optimizerState, "loadOptimizerState");
  optimizer.loadStateDict(checkpoint.optimizerState);
}

/**
 * Restores whatever is given from a checkpoint: model weights, optimizer state, and the default generator's state.
 * Returns the training state (or null) so the loop can resume at the saved epoch.
 *
 * @example
 * const state = tg.io.restoreCheckpoint(tg.io.checkpointFromBytes(bytes), { model, optimizer });
 * for (let epoch = (state?.epoch ?? -1) + 1; epoch < 10; epoch++) { ... }
 */
export function restoreCheckpoint(checkpoint: Checkpoint, options: RestoreOptions): TrainingState | null {
  const { model, optimizer, strict = true, restoreRngState = true } = options;
  if (model) loadModelState(model, checkpoint, { strict });
  if (optimizer) loadOptimizerState(optimizer, checkpoint);
  const rng = checkpoint.trainingState?.rngState;
  if (restoreRngState && rng !== undefined) {
    const words = Array.isArray(rng) && rng.length === 6 && rng.slice(0, 4).every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32);
    if (!words || !rng.every((v) => typeof v === "number")) {
      throw new ValueError("restoreCheckpoint: trainingState.rngState must be the generator's 6 numbers, the first four 32-bit words");
    }
    defaultGenerator.setState(rng);
  }
  return checkpoint.trainingState;
}
