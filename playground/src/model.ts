/**
 * The network config → a `tg.nn.Sequential`: per hidden layer Linear, [BatchNorm1d], activation, [Dropout], then the
 * output Linear. The same layer list writes the TypeScript of the exported snippet, so the two can't drift apart.
 */
import * as tg from "tensorgrad";
import { FEATURE_DEFS, orderedFeatures } from "./features.ts";
import type { Activation, FeatureName, InitName, PlaygroundState, Problem } from "./state.ts";

const { nn } = tg;

export interface NetworkConfig {
  problem: Problem;
  features: FeatureName[];
  layers: number[];
  activations: Activation[];
  /** Output neurons: 1 (binary classification, regression) or the number of classes. */
  outputs: number;
  dropout: number;
  batchNorm: boolean;
  init: InitName;
  seed: number;
}

export type LayerSpec =
  | { kind: "linear"; inFeatures: number; outFeatures: number }
  | { kind: "batchnorm"; features: number }
  | { kind: "activation"; activation: Activation }
  | { kind: "dropout"; p: number };

export function networkConfig(state: PlaygroundState, classes: number): NetworkConfig {
  return {
    problem: state.problem,
    features: orderedFeatures(state.features),
    layers: [...state.layers],
    activations: [...state.activations],
    outputs: state.problem === "multiclass" ? classes : 1,
    dropout: state.dropout,
    batchNorm: state.batchNorm,
    init: state.init,
    seed: state.seed,
  };
}

/** The Sequential's layers in order. */
export function layerSpecs(c: NetworkConfig): LayerSpec[] {
  const specs: LayerSpec[] = [];
  let width = c.features.length;
  c.layers.forEach((n, i) => {
    specs.push({ kind: "linear", inFeatures: width, outFeatures: n });
    if (c.batchNorm) specs.push({ kind: "batchnorm", features: n });
    specs.push({ kind: "activation", activation: c.activations[i] ?? "tanh" });
    if (c.dropout > 0) specs.push({ kind: "dropout", p: c.dropout });
    width = n;
  });
  specs.push({ kind: "linear", inFeatures: width, outFeatures: c.outputs });
  return specs;
}

const ACTIVATION_CODE: Record<Activation, string> = {
  tanh: "new nn.Tanh()",
  relu: "new nn.ReLU()",
  sigmoid: "new nn.Sigmoid()",
  linear: "new nn.Identity()",
  leakyrelu: "new nn.LeakyReLU(0.01)",
  elu: "new nn.ELU()",
  gelu: "new nn.GELU()",
  silu: "new nn.SiLU()",
};

function activationModule(a: Activation): tg.nn.AnyModule {
  switch (a) {
    case "tanh":
      return new nn.Tanh();
    case "relu":
      return new nn.ReLU();
    case "sigmoid":
      return new nn.Sigmoid();
    case "linear":
      return new nn.Identity();
    case "leakyrelu":
      return new nn.LeakyReLU(0.01);
    case "elu":
      return new nn.ELU();
    case "gelu":
      return new nn.GELU();
    case "silu":
      return new nn.SiLU();
  }
}

/** TypeScript that constructs the same layer (`nn` in scope). */
export function layerCode(s: LayerSpec): string {
  switch (s.kind) {
    case "linear":
      return `new nn.Linear(${s.inFeatures}, ${s.outFeatures})`;
    case "batchnorm":
      return `new nn.BatchNorm1d(${s.features})`;
    case "activation":
      return ACTIVATION_CODE[s.activation];
    case "dropout":
      return `new nn.Dropout(${s.p})`;
  }
}

function gainFor(a: Activation | undefined): number {
  if (a === "tanh") return nn.init.calculateGain("tanh");
  if (a === "relu" || a === "leakyrelu" || a === "elu" || a === "gelu" || a === "silu") return nn.init.calculateGain("relu");
  return 1;
}

/** The model built and where to read each hidden layer's neurons. */
export interface BuiltModel {
  model: tg.nn.Sequential;
  /** Index (in the Sequential) of each Linear, in order; the last is the output layer. */
  linearIndices: number[];
  /** Index of each hidden layer's activation module: its output is the layer's neurons. */
  activationIndices: number[];
}

/**
 * Builds the network with the initial weights the config's seed and init choice give: "default" is PyTorch's
 * (U(−1/√in, 1/√in)), "xavier" Glorot-uniform with the activation's gain, "kaiming" He-normal, "normal" N(0, 1) and
 * "zeros" all zero (every neuron of a layer then stays the same: the symmetry lesson); biases start at 0 except
 * with "default".
 */
export function buildModel(c: NetworkConfig): BuiltModel {
  tg.manualSeed(c.seed);
  const specs = layerSpecs(c);
  const modules: tg.nn.AnyModule[] = [];
  const linearIndices: number[] = [];
  const activationIndices: number[] = [];
  for (const s of specs) {
    if (s.kind === "linear") {
      const lin = new nn.Linear(s.inFeatures, s.outFeatures);
      const isOutput = linearIndices.length === c.layers.length;
      initLinear(lin, c.init, isOutput ? undefined : (c.activations[linearIndices.length] ?? "tanh"));
      linearIndices.push(modules.length);
      modules.push(lin);
    } else if (s.kind === "batchnorm") {
      modules.push(new nn.BatchNorm1d(s.features));
    } else if (s.kind === "activation") {
      activationIndices.push(modules.length);
      modules.push(activationModule(s.activation));
    } else {
      modules.push(new nn.Dropout(s.p));
    }
  }
  return { model: new nn.Sequential(...modules), linearIndices, activationIndices };
}

function initLinear(lin: tg.nn.Linear, init: InitName, act: Activation | undefined): void {
  if (init === "default") return;
  const w = lin.weight;
  if (init === "xavier") nn.init.xavierUniform_(w, gainFor(act));
  else if (init === "kaiming") nn.init.kaimingNormal_(w, { nonlinearity: act === "relu" || act === "leakyrelu" ? "relu" : "linear" });
  else if (init === "normal") nn.init.normal_(w, 0, 1);
  else nn.init.zeros_(w);
  if (lin.bias) nn.init.zeros_(lin.bias);
}

/** The TypeScript that rebuilds the model, loads an exported safetensors file and predicts (Node). */
export function modelSnippet(c: NetworkConfig, fileName: string): string {
  const specs = layerSpecs(c);
  const feats = c.features.map((f) => FEATURE_DEFS[f].code).join(", ");
  const out =
    c.problem === "regression"
      ? "return y.squeeze(1); // the predicted values"
      : c.problem === "classification"
        ? "return y.squeeze(1).sigmoid(); // the probability of class 1"
        : "return y.softmax(1); // the probability of each class";
  return `// Rebuilds the network trained in the tensorgrad playground and loads its weights.
// Run with: npx tsx predict.ts (with "${fileName}" next to it)
import { readFileSync } from "node:fs";
import * as tg from "tensorgrad";

const { nn } = tg;

export const model = new nn.Sequential(
${specs.map((s) => `  ${layerCode(s)},`).join("\n")}
);
const { tensors } = tg.io.decodeSafetensors(readFileSync(new URL("./${fileName}", import.meta.url)));
model.loadStateDict(tensors);
model.eval();

/** The network's inputs for points (x1, x2): ${c.features.join(", ")}. */
export function features(x1: number, x2: number): number[] {
  return [${feats}];
}

/** Predictions for points given as [x1, x2] pairs. */
export function predict(points: [number, number][]): tg.Tensor {
  const x = tg.tensor(points.map(([x1, x2]) => features(x1, x2)));
  const y = tg.noGrad(() => model(x));
  ${out}
}

console.log(predict([[0, 0], [3, -2]]).toString());
`;
}
