/**
 * The playground's settings and their URL form. Every setting lives in the URL's hash (`#dataset=xor&layers=4,2...`),
 * so a link reproduces a setup; decoding never throws: each invalid value falls back to its default, with a note.
 */

export const PROBLEMS = ["classification", "multiclass", "regression"] as const;
export type Problem = (typeof PROBLEMS)[number];

export const DATASETS = ["circle", "xor", "gauss", "spiral", "blobs", "spirals", "plane", "gaussian", "csv"] as const;
export type DatasetName = (typeof DATASETS)[number];

/** The datasets each problem type offers (a CSV upload fits all three). */
export const DATASETS_BY_PROBLEM: Record<Problem, readonly DatasetName[]> = {
  classification: ["circle", "xor", "gauss", "spiral"],
  multiclass: ["blobs", "spirals"],
  regression: ["plane", "gaussian"],
};

export const FEATURES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"] as const;
export type FeatureName = (typeof FEATURES)[number];

export const ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear", "leakyrelu", "elu", "gelu", "silu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ["sgd", "momentum", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const REGULARIZATIONS = ["none", "l1", "l2"] as const;
export type Regularization = (typeof REGULARIZATIONS)[number];

/** Where the worker trains: the CPU, or the GPU through WebGPU where the browser has it. */
export const DEVICES = ["cpu", "webgpu"] as const;
export type PlaygroundDevice = (typeof DEVICES)[number];

export const INITS = ["default", "xavier", "kaiming", "normal", "zeros"] as const;
export type InitName = (typeof INITS)[number];

/** The learning rates, regularization rates and batch sizes the selects offer (as TensorFlow Playground's). */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;

/** Controls that can be hidden for classroom use (`hide=` in the URL); each is a `data-hide` key in index.html. */
export const HIDEABLE = [
  "problem",
  "dataset",
  "data-settings",
  "features",
  "layers",
  "learning-rate",
  "activation",
  "regularization",
  "optimizer",
  "extras",
  "csv",
  "export",
  "charts",
  "graph",
] as const;
export type Hideable = (typeof HIDEABLE)[number];

export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;
export const MIN_CLASSES = 3;
export const MAX_CLASSES = 6;

export interface PlaygroundState {
  problem: Problem;
  dataset: DatasetName;
  /** Number of classes of the multiclass datasets (3 to 6). */
  classes: number;
  /** Noise, 0 to 50 (percent), as the Playground's slider. */
  noise: number;
  /** Percentage of the points used for training, 10 to 90. */
  trainRatio: number;
  /** Mini-batch size, 1 to 30. */
  batchSize: number;
  /** Seed of the data and of the initial weights. */
  seed: number;
  features: FeatureName[];
  /** Neurons of each hidden layer (0 to 6 layers of 1 to 8). */
  layers: number[];
  /** Activation of each hidden layer (same length as `layers`). */
  activations: Activation[];
  learningRate: number;
  optimizer: OptimizerName;
  regularization: Regularization;
  regRate: number;
  /** Dropout probability after each hidden activation, 0 to 0.9 (0 is none). */
  dropout: number;
  batchNorm: boolean;
  init: InitName;
  showTest: boolean;
  discretize: boolean;
  hide: Hideable[];
  /** Where the worker trains ("webgpu" falls back to "cpu" on the page where no adapter opens). */
  device: PlaygroundDevice;
}

export const DEFAULT_STATE: Readonly<PlaygroundState> = Object.freeze({
  problem: "classification",
  dataset: "circle",
  classes: 3,
  noise: 0,
  trainRatio: 50,
  batchSize: 10,
  seed: 1,
  features: ["x1", "x2"],
  layers: [4, 2],
  activations: ["tanh", "tanh"],
  learningRate: 0.03,
  optimizer: "sgd",
  regularization: "none",
  regRate: 0,
  dropout: 0,
  batchNorm: false,
  init: "default",
  showTest: false,
  discretize: false,
  hide: [],
  device: "cpu",
} satisfies PlaygroundState);

export function defaultState(): PlaygroundState {
  return cloneState(DEFAULT_STATE);
}

export function cloneState(s: Readonly<PlaygroundState>): PlaygroundState {
  return { ...s, features: [...s.features], layers: [...s.layers], activations: [...s.activations], hide: [...s.hide] };
}

/** Makes a state consistent: the dataset fits the problem, one activation per layer, sizes in range, features unique. */
export function normalizeState(s: PlaygroundState): PlaygroundState {
  const out = cloneState(s);
  if (out.dataset !== "csv" && !DATASETS_BY_PROBLEM[out.problem].includes(out.dataset)) out.dataset = DATASETS_BY_PROBLEM[out.problem][0];
  out.layers = out.layers.slice(0, MAX_LAYERS).map((n) => Math.min(MAX_NEURONS, Math.max(1, Math.round(n))));
  const fill = out.activations[out.activations.length - 1] ?? "tanh";
  out.activations = out.layers.map((_, i) => out.activations[i] ?? fill);
  out.features = FEATURES.filter((f) => out.features.includes(f));
  out.hide = HIDEABLE.filter((h) => out.hide.includes(h));
  out.classes = Math.min(MAX_CLASSES, Math.max(MIN_CLASSES, Math.round(out.classes)));
  return out;
}

/** The state as URL hash parameters (without the leading "#"); defaults are written too, so a link is explicit. */
export function encodeState(s: Readonly<PlaygroundState>): string {
  const p = new URLSearchParams();
  p.set("problem", s.problem);
  p.set("dataset", s.dataset);
  if (s.problem === "multiclass") p.set("classes", String(s.classes));
  p.set("noise", String(s.noise));
  p.set("trainRatio", String(s.trainRatio));
  p.set("batchSize", String(s.batchSize));
  p.set("seed", String(s.seed));
  p.set("features", s.features.join(","));
  p.set("layers", s.layers.join(","));
  p.set("activations", s.activations.join(","));
  p.set("lr", String(s.learningRate));
  p.set("optimizer", s.optimizer);
  p.set("reg", s.regularization);
  p.set("regRate", String(s.regRate));
  p.set("dropout", String(s.dropout));
  p.set("batchNorm", s.batchNorm ? "1" : "0");
  p.set("init", s.init);
  p.set("showTest", s.showTest ? "1" : "0");
  p.set("discretize", s.discretize ? "1" : "0");
  if (s.hide.length > 0) p.set("hide", s.hide.join(","));
  p.set("device", s.device);
  return p.toString().replace(/%2C/gi, ",");
}

const list = (v: string | null): string[] | null => (v === null ? null : v === "" ? [] : v.split(","));

/** A URL value as the note shows it: at most 40 characters. */
const shown = (v: string): string => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** Values as a note lists them: the first five, then how many more. */
const shownList = (vs: readonly string[]): string =>
  vs.slice(0, 5).map(shown).join(", ") + (vs.length > 5 ? ` and ${vs.length - 5} more` : "");

/** A decoded state and one note per URL field that could not be used (each fell back to its default). */
export interface DecodedState {
  state: PlaygroundState;
  notes: string[];
}

/**
 * Reads a state from a URL hash or query (with or without the leading "#" or "?"). Each field is read on its own: an
 * invalid value takes that field's default and adds a note that names the field, what it got and what it used.
 */
export function decodeStateChecked(hash: string): DecodedState {
  const p = new URLSearchParams(hash.replace(/^[#?]/, ""));
  const d = DEFAULT_STATE;
  const notes: string[] = [];
  const bad = (key: string, v: string, expected: string, used: string) =>
    notes.push(`${key}=${shown(v)}: expected ${expected}; using ${used}`);
  const oneOf = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
    const v = p.get(key);
    if (v === null) return fallback;
    if ((options as readonly string[]).includes(v)) return v as T;
    bad(key, v, `one of ${options.join(", ")}`, fallback);
    return fallback;
  };
  const num = (key: string, lo: number, hi: number, fallback: number, integer: boolean, above = false): number => {
    const v = p.get(key);
    if (v === null) return fallback;
    const n = Number(v);
    const ok = v.trim() !== "" && Number.isFinite(n) && (above ? n > lo : n >= lo) && n <= hi && (!integer || Number.isInteger(n));
    if (ok) return n;
    bad(
      key,
      v,
      `${integer ? "an integer" : "a number"} ${above ? `above ${lo}` : `from ${lo}`} ${above ? "up to" : "to"} ${hi}`,
      String(fallback),
    );
    return fallback;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = p.get(key);
    if (v === null) return fallback;
    if (v === "1" || v === "true") return true;
    if (v === "0" || v === "false") return false;
    bad(key, v, "1 or 0", fallback ? "1" : "0");
    return fallback;
  };
  const names = <T extends string>(key: string, options: readonly T[], fallback: readonly T[], allowEmpty: boolean): T[] => {
    const v = p.get(key);
    const items = list(v);
    if (v === null || items === null) return [...fallback];
    const known = items.filter((x): x is T => (options as readonly string[]).includes(x));
    const unknown = items.filter((x) => !(options as readonly string[]).includes(x));
    if (known.length === 0 && !allowEmpty) {
      bad(key, v, `some of ${options.join(", ")}`, fallback.join(",") || "none");
      return [...fallback];
    }
    if (unknown.length > 0) notes.push(`${key}=${shown(v)}: ignored ${shownList(unknown)} (not one of ${options.join(", ")})`);
    return known;
  };

  const problem = oneOf("problem", PROBLEMS, d.problem);
  let dataset = oneOf("dataset", DATASETS, DATASETS_BY_PROBLEM[problem][0]);
  if (dataset !== "csv" && !DATASETS_BY_PROBLEM[problem].includes(dataset)) {
    notes.push(`dataset=${dataset} is not a ${problem} dataset; using ${DATASETS_BY_PROBLEM[problem][0]}`);
    dataset = DATASETS_BY_PROBLEM[problem][0];
  }
  const layersRaw = p.get("layers");
  let layers = [...d.layers];
  if (layersRaw !== null) {
    const items = list(layersRaw) ?? [];
    const ok = items.length <= MAX_LAYERS && items.every((x) => /^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= MAX_NEURONS);
    if (ok) layers = items.map(Number);
    else bad("layers", layersRaw, `at most ${MAX_LAYERS} comma-separated layer sizes from 1 to ${MAX_NEURONS}`, d.layers.join(","));
  }
  const actsRaw = p.get("activations");
  let activations: Activation[] = layers.map(() => "tanh");
  if (actsRaw !== null) {
    const items = list(actsRaw) ?? [];
    const unknown = items.filter((a) => !(ACTIVATIONS as readonly string[]).includes(a));
    if (unknown.length > 0)
      notes.push(`activations=${shown(actsRaw)}: ${shownList(unknown)} is not one of ${ACTIVATIONS.join(", ")}; using tanh`);
    activations = items.map((a) => ((ACTIVATIONS as readonly string[]).includes(a) ? (a as Activation) : "tanh"));
  }
  const learningRate = num("lr", 0, 100, d.learningRate, false, true);
  const state = normalizeState({
    problem,
    dataset,
    classes: num("classes", MIN_CLASSES, MAX_CLASSES, d.classes, true),
    noise: num("noise", 0, 50, d.noise, true),
    trainRatio: num("trainRatio", 10, 90, d.trainRatio, true),
    batchSize: num("batchSize", 1, 30, d.batchSize, true),
    seed: num("seed", 0, 2 ** 31 - 1, d.seed, true),
    features: names("features", FEATURES, d.features, false),
    layers,
    activations,
    learningRate,
    optimizer: oneOf("optimizer", OPTIMIZERS, d.optimizer),
    regularization: oneOf("reg", REGULARIZATIONS, d.regularization),
    regRate: num("regRate", 0, 100, d.regRate, false),
    dropout: num("dropout", 0, 0.9, d.dropout, false),
    batchNorm: bool("batchNorm", d.batchNorm),
    init: oneOf("init", INITS, d.init),
    showTest: bool("showTest", d.showTest),
    discretize: bool("discretize", d.discretize),
    hide: names("hide", HIDEABLE, [], true),
    device: oneOf("device", DEVICES, d.device),
  });
  return { state, notes };
}

/** Reads a state from a URL hash or query; anything invalid takes the default (`decodeStateChecked` says which). */
export function decodeState(hash: string): PlaygroundState {
  return decodeStateChecked(hash).state;
}

/** The settings that change the data (a change regenerates it). */
export function dataKey(s: Readonly<PlaygroundState>): string {
  return JSON.stringify([s.problem, s.dataset, s.classes, s.noise, s.trainRatio, s.seed]);
}

/** The settings that change the network's shape or start (a change resets it); the others apply while training. */
export function modelKey(s: Readonly<PlaygroundState>): string {
  return JSON.stringify([s.problem, s.classes, s.features, s.layers, s.activations, s.dropout, s.batchNorm, s.init, s.seed, s.device]);
}
