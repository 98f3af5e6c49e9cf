/**
 * A model's architecture as data: a tree of `{ type, args, options, children }` naming built-in `tg.nn` classes and
 * their constructor arguments, so a checkpoint can rebuild its model (`tg.io.buildModule`) and other tools (the
 * PyTorch code generator, the ONNX exporter) can read the layers without running them. Browser-safe.
 */

import { className } from "../class_names.js";
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import * as A from "../nn/modules/activation.js";
import { MultiheadAttention } from "../nn/modules/attention.js";
import { BatchNorm1d, BatchNorm2d } from "../nn/modules/batchnorm.js";
import { Sequential } from "../nn/modules/container.js";
import { Conv1d, Conv2d } from "../nn/modules/conv.js";
import { Dropout, Dropout1d, Dropout2d } from "../nn/modules/dropout.js";
import { Embedding } from "../nn/modules/embedding.js";
import { Flatten, Unflatten } from "../nn/modules/flatten.js";
import { Identity, Linear } from "../nn/modules/linear.js";
import { GroupNorm, LayerNorm } from "../nn/modules/normalization.js";
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "../nn/modules/pooling.js";
import { GRU, LSTM, RNN } from "../nn/modules/rnn.js";
import { Transformer, TransformerDecoder, TransformerEncoder } from "../nn/modules/transformer.js";
import { TransformerDecoderLayer, TransformerEncoderLayer } from "../nn/modules/transformer_layer.js";
import { type Described, type Entry, MORE_ENTRIES, none, normEntry, plain, refusal, type SpecValue, size } from "./model_spec_layers.js";

export type { SpecValue } from "./model_spec_layers.js";

/**
 * One module: its `tg.nn` class name, positional constructor arguments, options object, and children (a Sequential's
 * layers; a TransformerEncoder/Decoder's layer and optional norm).
 */
export interface ModuleSpec {
  type: string;
  args: SpecValue[];
  options: Record<string, SpecValue>;
  children?: ModuleSpec[];
}

const recurrent = (m: RNN | LSTM | GRU): Record<string, SpecValue> => ({
  numLayers: m.numLayers,
  bias: m.bias,
  batchFirst: m.batchFirst,
  dropout: m.dropout,
  bidirectional: m.bidirectional,
});

const encoderLayer = (m: TransformerEncoderLayer | TransformerDecoderLayer): Described => {
  const c = m.config;
  if (typeof c.activation !== "string") {
    throw new ValueError(`describeModule: a ${className(m)} with a function as its activation can't be written down as data`);
  }
  const { dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias } = c;
  return { args: [dModel, nhead], options: { dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias } };
};

// Every class a spec may name. The key is the class's name; an instance must be of exactly that class.
const ENTRIES = {
  Sequential: none(Sequential),
  Identity: none(Identity),
  Flatten: { cls: Flatten, describe: (m: Flatten) => ({ args: [m.startDim, m.endDim] }) },
  Unflatten: { cls: Unflatten, describe: (m: Unflatten) => ({ args: [m.dim, [...m.sizes]] }) },
  Linear: { cls: Linear, describe: (m: Linear) => ({ args: [m.inFeatures, m.outFeatures], options: { bias: m.bias !== null } }) },
  Conv1d: {
    cls: Conv1d,
    describe: (m: Conv1d) => ({
      args: [m.inChannels, m.outChannels, m.kernelSize],
      options: { ...plain(m.options), bias: m.bias !== null },
    }),
  },
  Conv2d: {
    cls: Conv2d,
    describe: (m: Conv2d) => ({
      args: [m.inChannels, m.outChannels, size(m.kernelSize)],
      options: { ...plain(m.options), bias: m.bias !== null },
    }),
  },
  BatchNorm1d: normEntry(BatchNorm1d),
  BatchNorm2d: normEntry(BatchNorm2d),
  LayerNorm: {
    cls: LayerNorm,
    describe: (m: LayerNorm) => ({
      args: [[...m.normalizedShape]],
      options: plain({ eps: m.eps, elementwiseAffine: m.elementwiseAffine, bias: m.elementwiseAffine ? m.bias !== null : undefined }),
    }),
  },
  GroupNorm: {
    cls: GroupNorm,
    describe: (m: GroupNorm) => ({ args: [m.numGroups, m.numChannels], options: { eps: m.eps, affine: m.affine } }),
  },
  Embedding: {
    cls: Embedding,
    describe: (m: Embedding) => ({
      args: [m.numEmbeddings, m.embeddingDim],
      options: plain({ paddingIdx: m.paddingIdx ?? undefined }),
    }),
  },
  Dropout: { cls: Dropout, describe: (m: Dropout) => ({ args: [m.p] }) },
  Dropout1d: { cls: Dropout1d, describe: (m: Dropout1d) => ({ args: [m.p] }) },
  Dropout2d: { cls: Dropout2d, describe: (m: Dropout2d) => ({ args: [m.p] }) },
  MaxPool2d: {
    cls: MaxPool2d,
    describe: (m: MaxPool2d) => ({
      args: [size(m.kernelSize)],
      options: { ...plain(m.options), ...(m.ceilMode ? { ceilMode: true } : {}) },
    }),
  },
  AvgPool2d: { cls: AvgPool2d, describe: (m: AvgPool2d) => ({ args: [size(m.kernelSize)], options: plain(m.options) }) },
  AdaptiveAvgPool2d: { cls: AdaptiveAvgPool2d, describe: (m: AdaptiveAvgPool2d) => ({ args: [size(m.outputSize)] }) },
  ReLU: none(A.ReLU),
  Sigmoid: none(A.Sigmoid),
  Tanh: none(A.Tanh),
  SiLU: none(A.SiLU),
  Mish: none(A.Mish),
  LeakyReLU: { cls: A.LeakyReLU, describe: (m: A.LeakyReLU) => ({ args: [m.negativeSlope] }) },
  PReLU: { cls: A.PReLU, describe: (m: A.PReLU) => ({ args: [m.numParameters] }) },
  ELU: { cls: A.ELU, describe: (m: A.ELU) => ({ args: [m.alpha] }) },
  GELU: { cls: A.GELU, describe: (m: A.GELU) => ({ args: [m.approximate] }) },
  Softplus: { cls: A.Softplus, describe: (m: A.Softplus) => ({ args: [m.beta, m.threshold] }) },
  Hardtanh: { cls: A.Hardtanh, describe: (m: A.Hardtanh) => ({ args: [m.minVal, m.maxVal] }) },
  Softmax: { cls: A.Softmax, describe: (m: A.Softmax) => ({ args: [m.dim] }) },
  LogSoftmax: { cls: A.LogSoftmax, describe: (m: A.LogSoftmax) => ({ args: [m.dim] }) },
  RNN: {
    cls: RNN,
    describe: (m: RNN) => ({ args: [m.inputSize, m.hiddenSize], options: { ...recurrent(m), nonlinearity: m.nonlinearity } }),
  },
  LSTM: { cls: LSTM, describe: (m: LSTM) => ({ args: [m.inputSize, m.hiddenSize], options: { ...recurrent(m), projSize: m.projSize } }) },
  GRU: { cls: GRU, describe: (m: GRU) => ({ args: [m.inputSize, m.hiddenSize], options: recurrent(m) }) },
  MultiheadAttention: {
    cls: MultiheadAttention,
    describe: (m: MultiheadAttention) => ({
      args: [m.embedDim, m.numHeads],
      options: {
        dropout: m.dropout,
        bias: m.in_proj_bias !== null,
        addBiasKv: m.bias_k !== null,
        addZeroAttn: m.addZeroAttn,
        kdim: m.kdim,
        vdim: m.vdim,
        batchFirst: m.batchFirst,
      },
    }),
  },
  TransformerEncoderLayer: { cls: TransformerEncoderLayer, describe: encoderLayer },
  TransformerDecoderLayer: { cls: TransformerDecoderLayer, describe: encoderLayer },
  // The stacks: numLayers copies of their child layer, then their norm (a second child) if they have one.
  TransformerEncoder: { cls: TransformerEncoder, describe: (m: TransformerEncoder) => ({ args: [], options: { numLayers: m.numLayers } }) },
  TransformerDecoder: { cls: TransformerDecoder, describe: (m: TransformerDecoder) => ({ args: [], options: { numLayers: m.numLayers } }) },
  Transformer: {
    cls: Transformer,
    describe: (m: Transformer) => {
      const { options } = encoderLayer(m.encoder.layers[0]);
      const counts = { numEncoderLayers: m.encoder.numLayers, numDecoderLayers: m.decoder.numLayers };
      return { args: [], options: { dModel: m.dModel, nhead: m.nhead, ...counts, ...options } };
    },
  },
  ...MORE_ENTRIES,
} satisfies Record<string, Entry<never>>;

/** The stacks (children: their layer, then their norm if any) and their layer's class. */
const STACKS: Readonly<Record<string, string>> = {
  TransformerEncoder: "TransformerEncoderLayer",
  TransformerDecoder: "TransformerDecoderLayer",
};

/** The class names a spec may use. */
export type SpecType = keyof typeof ENTRIES;

/** The `tg.nn` classes `describeModule` and `buildModule` know, in the order above. */
export const SPEC_TYPES = Object.keys(ENTRIES) as SpecType[];

function entryOf(type: string): Entry<AnyModule> | undefined {
  return Object.hasOwn(ENTRIES, type) ? (ENTRIES[type as SpecType] as unknown as Entry<AnyModule>) : undefined;
}

/**
 * The architecture of `model` as data. Throws a `ValueError` naming the first module that is not one of the built-in
 * classes (a custom `forward` can't be written down as data: save its weights and rebuild it in code).
 *
 * @example
 * tg.io.describeModule(new tg.nn.Sequential(new tg.nn.Linear(2, 3), new tg.nn.ReLU()));
 * // { type: "Sequential", args: [], options: {}, children: [{ type: "Linear", args: [2, 3], options: { bias: true } }, ...] }
 */
export function describeModule(model: AnyModule, path = "model"): ModuleSpec {
  const type = className(model);
  const entry = entryOf(type);
  const why = refusal(type);
  if (why) throw new ValueError(`describeModule: ${path} is a ${type}, ${why}; a spec can't describe it`);
  if (!entry || Object.getPrototypeOf(model) !== entry.cls.prototype) {
    throw new ValueError(
      `describeModule: ${path} is a ${type}, which is not a built-in layer; architectures can be saved for models built from ${SPEC_TYPES.join(", ")}`,
    );
  }
  const { args, options = {} } = entry.describe(model as never);
  const spec: ModuleSpec = { type, args, options };
  if (type === "Sequential") spec.children = model.namedChildren().map(([name, child]) => describeModule(child, `${path}.${name}`));
  if (STACKS[type]) {
    const stack = model as unknown as TransformerEncoder;
    spec.children = [
      describeModule(stack.layers[0], `${path}.layers.0`),
      ...(stack.norm ? [describeModule(stack.norm, `${path}.norm`)] : []),
    ];
  }
  return spec;
}

/** The spec of `model`, or null when it holds a module `describeModule` does not know. */
export function tryDescribeModule(model: AnyModule): ModuleSpec | null {
  try {
    return describeModule(model);
  } catch (e) {
    if (e instanceof ValueError) return null;
    throw e;
  }
}

const MAX_MODULES = 10_000;
const MAX_DEPTH = 64;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isSpecValue(x: unknown, depth = 0): x is SpecValue {
  if (depth > 8) return false;
  if (x === null || typeof x === "string" || typeof x === "boolean") return true;
  if (typeof x === "number") return Number.isFinite(x);
  if (Array.isArray(x)) return x.length <= 64 && x.every((v) => isSpecValue(v, depth + 1));
  return isRecord(x) && Object.values(x).every((v) => isSpecValue(v, depth + 1));
}

/**
 * Checks that `value` (parsed from a file: untrusted) is a module spec, field by field; throws a `ValueError`
 * naming the path and the problem.
 */
export function parseModuleSpec(value: unknown, path = "model", count = { n: 0 }, depth = 0): ModuleSpec {
  const bad = (what: string): never => {
    throw new ValueError(`the architecture's ${path} ${what}`);
  };
  if (++count.n > MAX_MODULES) bad(`is past the limit of ${MAX_MODULES} modules`);
  if (depth > MAX_DEPTH) bad(`is nested deeper than ${MAX_DEPTH} levels`);
  if (!isRecord(value)) return bad("is not an object");
  const { type, args = [], options = {}, children } = value;
  if (typeof type !== "string") return bad("has no string type");
  if (!entryOf(type)) bad(`has type ${JSON.stringify(type)}, which is not one of ${SPEC_TYPES.join(", ")}`);
  if (!Array.isArray(args) || !args.every((a) => isSpecValue(a)))
    bad("has args that are not an array of numbers, strings, booleans and arrays");
  if (!isRecord(options) || !isSpecValue(options)) bad("has options that are not an object of plain values");
  for (const k of Object.keys(value)) if (!["type", "args", "options", "children"].includes(k)) bad(`has an unknown field "${k}"`);
  const spec: ModuleSpec = { type, args: args as SpecValue[], options: options as Record<string, SpecValue> };
  // Each of numLayers (RNN/LSTM/GRU, the Transformer stacks) counts toward the module limit: a file can't ask for a
  // billion layers.
  const layers = spec.options.numLayers;
  if (typeof layers === "number" && layers > 1) count.n += Math.min(layers, MAX_MODULES + 1) - 1;
  if (count.n > MAX_MODULES) bad(`is past the limit of ${MAX_MODULES} modules`);
  if (type === "Sequential") {
    if (!Array.isArray(children)) return bad("is a Sequential without a children array");
    spec.children = children.map((c, i) => parseModuleSpec(c, `${path}.${i}`, count, depth + 1));
  } else if (STACKS[type]) {
    // A stack's children: its layer, then its norm if any.
    if (!Array.isArray(children) || children.length < 1 || children.length > 2)
      bad(`is a ${type} without its layer (and norm) as children`);
    spec.children = (children as unknown[]).map((c, i) => parseModuleSpec(c, `${path}.${i === 0 ? "layers.0" : "norm"}`, count, depth + 1));
    const n = spec.options.numLayers;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) bad(`is a ${type} with numLayers ${JSON.stringify(n)}`);
    const [layer, norm] = spec.children;
    if (layer.type !== STACKS[type]) bad(`is a ${type} whose layer is a ${layer.type}, not a ${STACKS[type]}`);
    if (norm && norm.type !== "LayerNorm") bad(`is a ${type} whose norm is a ${norm.type}, not a LayerNorm`);
  } else if (children !== undefined) bad(`is a ${type}, which has no children`);
  return spec;
}

/** The most elements (parameters and buffers of all modules together) a spec may build: 2^29, 2 GiB of float32. */
const MAX_ELEMENTS = 2 ** 29;

const GATES: Record<string, number> = { RNN: 1, GRU: 3, LSTM: 4 };

/** An upper bound of the elements a recurrent layer's spec allocates, checked before its constructor runs. */
function recurrentElements(spec: ModuleSpec): number {
  const [input, hidden] = spec.args.map((a) => (typeof a === "number" ? a : 0));
  const layers = typeof spec.options.numLayers === "number" ? spec.options.numLayers : 1;
  const dirs = spec.options.bidirectional === true ? 2 : 1;
  return layers * dirs * GATES[spec.type] * hidden * (Math.max(input, hidden * dirs) + hidden + 2);
}

/**
 * Builds the module a spec describes (with fresh weights: load a state dict into it). The constructors check the
 * arguments as they check a user's, and the whole model is capped at 2^29 elements (a file can't make it allocate
 * more).
 *
 * @example
 * const model = tg.io.buildModule(tg.io.describeModule(original));
 * model.loadStateDict(original.stateDict());
 */
export function buildModule(spec: ModuleSpec): AnyModule {
  return build(spec, { n: 0 });
}

function spend(budget: { n: number }, elements: number, type: string): void {
  budget.n += elements;
  if (budget.n > MAX_ELEMENTS) {
    throw new ValueError(`buildModule: the model is over the limit of ${MAX_ELEMENTS.toLocaleString("en-US")} elements (at a ${type})`);
  }
}

const elementsOf = (m: AnyModule): number => Object.values(m.stateDict()).reduce((sum, t) => sum + t.numel(), 0);

function build(spec: ModuleSpec, budget: { n: number }): AnyModule {
  const entry = entryOf(spec.type);
  if (!entry) throw new ValueError(`buildModule: unknown module type ${JSON.stringify(spec.type)}`);
  if (spec.type === "Sequential") return new Sequential(...(spec.children ?? []).map((c) => build(c, budget))) as unknown as AnyModule;
  if (STACKS[spec.type]) {
    const [layer, norm] = (spec.children ?? []).map((c) => build(c, budget));
    // The stack clones its layer numLayers times: the copies beyond the one built count too, before they are made.
    const copies = typeof spec.options.numLayers === "number" ? spec.options.numLayers - 1 : 0;
    spend(budget, Math.max(0, copies) * elementsOf(layer), spec.type);
    const Stack = entry.cls as unknown as new (layer: AnyModule, numLayers: unknown, options: { norm: AnyModule | null }) => AnyModule;
    return new Stack(layer, spec.options.numLayers, { norm: norm ?? null });
  }
  if (GATES[spec.type]) spend(budget, recurrentElements(spec), spec.type);
  const Cls = entry.cls as unknown as new (...args: unknown[]) => AnyModule;
  const args: unknown[] = [...spec.args];
  if (Object.keys(spec.options).length > 0) args.push(spec.options);
  const m = new Cls(...args);
  if (!GATES[spec.type]) spend(budget, elementsOf(m), spec.type);
  return m;
}
