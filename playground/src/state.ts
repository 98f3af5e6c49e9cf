/**
 * The playground's settings and their URL form. Every setting lives in the URL's hash (`#dataset=xor&layers=4,2...`),
 * so a link reproduces a setup; decoding never throws: unknown or invalid values fall back to the defaults.
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

const oneOf = <T extends string>(list: readonly T[], v: string | null, fallback: T): T =>
  v !== null && (list as readonly string[]).includes(v) ? (v as T) : fallback;

function intIn(v: string | null, lo: number, hi: number, fallback: number): number {
  if (v === null || v.trim() === "") return fallback;
  const n = Number(v);
  return Number.isInteger(n) && n >= lo && n <= hi ? n : fallback;
}

function numIn(v: string | null, lo: number, hi: number, fallback: number): number {
  if (v === null || v.trim() === "") return fallback;
  const n = Number(v);
  return Number.isFinite(n) && n >= lo && n <= hi ? n : fallback;
}

const bool = (v: string | null, fallback: boolean): boolean =>
  v === "1" || v === "true" ? true : v === "0" || v === "false" ? false : fallback;

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

/** Reads a state from a URL hash or query (with or without the leading "#" or "?"); anything invalid takes the default. */
export function decodeState(hash: string): PlaygroundState {
  const p = new URLSearchParams(hash.replace(/^[#?]/, ""));
  const d = DEFAULT_STATE;
  const problem = oneOf(PROBLEMS, p.get("problem"), d.problem);
  const layers = list(p.get("layers"));
  const parsedLayers =
    layers && layers.length <= MAX_LAYERS && layers.every((x) => /^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= MAX_NEURONS)
      ? layers.map(Number)
      : [...d.layers];
  const acts = list(p.get("activations"))?.map((a) => oneOf(ACTIVATIONS, a, "tanh"));
  const features = list(p.get("features"))?.filter((f): f is FeatureName => (FEATURES as readonly string[]).includes(f));
  const hide = list(p.get("hide"))?.filter((h): h is Hideable => (HIDEABLE as readonly string[]).includes(h));
  const lr = numIn(p.get("lr"), 0, 100, d.learningRate);
  return normalizeState({
    problem,
    dataset: oneOf(DATASETS, p.get("dataset"), DATASETS_BY_PROBLEM[problem][0]),
    classes: intIn(p.get("classes"), MIN_CLASSES, MAX_CLASSES, d.classes),
    noise: intIn(p.get("noise"), 0, 50, d.noise),
    trainRatio: intIn(p.get("trainRatio"), 10, 90, d.trainRatio),
    batchSize: intIn(p.get("batchSize"), 1, 30, d.batchSize),
    seed: intIn(p.get("seed"), 0, 2 ** 31 - 1, d.seed),
    features: features ?? [...d.features],
    layers: parsedLayers,
    activations: acts ?? parsedLayers.map(() => "tanh"),
    learningRate: lr > 0 ? lr : d.learningRate,
    optimizer: oneOf(OPTIMIZERS, p.get("optimizer"), d.optimizer),
    regularization: oneOf(REGULARIZATIONS, p.get("reg"), d.regularization),
    regRate: numIn(p.get("regRate"), 0, 100, d.regRate),
    dropout: numIn(p.get("dropout"), 0, 0.9, d.dropout),
    batchNorm: bool(p.get("batchNorm"), d.batchNorm),
    init: oneOf(INITS, p.get("init"), d.init),
    showTest: bool(p.get("showTest"), d.showTest),
    discretize: bool(p.get("discretize"), d.discretize),
    hide: hide ?? [],
    device: oneOf(DEVICES, p.get("device"), d.device),
  });
}

/** The settings that change the data (a change regenerates it). */
export function dataKey(s: Readonly<PlaygroundState>): string {
  return JSON.stringify([s.problem, s.dataset, s.classes, s.noise, s.trainRatio, s.seed]);
}

/** The settings that change the network's shape or start (a change resets it); the others apply while training. */
export function modelKey(s: Readonly<PlaygroundState>): string {
  return JSON.stringify([s.problem, s.classes, s.features, s.layers, s.activations, s.dropout, s.batchNorm, s.init, s.seed, s.device]);
}
