/**
 * `tg.onnx.export`: a model built from `tg.nn` layers to an ONNX model, by walking its module tree layer by layer
 * on an example input (which fixes every shape and tells the exporter the rank each layer sees).
 */
import { noGrad } from "../autograd/grad_mode.js";
import { ValueError } from "../errors.js";
import { describeModule } from "../io/model_spec.js";
import type { AnyModule } from "../nn/module.js";
import { Tensor } from "../tensor/tensor.js";
import { encodeModel, GraphBuilder } from "./graph.js";
import { emitLayer, type Traced } from "./layers.js";

/** Options of `tg.onnx.export`, as `torch.onnx.export`'s (camelCase). */
export interface OnnxExportOptions {
  /** The default-domain opset, 17 (the default) to 21: LayerNormalization needs 17. */
  opsetVersion?: number;
  /** The graph input's name; default ["input"]. */
  inputNames?: string[];
  /** The graph output's name; default ["output"]. */
  outputNames?: string[];
  /**
   * Axes left free in the graph, by input/output name: `{ input: { 0: "batch" }, output: { 0: "batch" } }` or
   * `{ input: [0] }` (named `input_dynamic_axes_1`, as PyTorch does). Other axes keep the example's sizes.
   */
  dynamicAxes?: Record<string, Record<number, string> | number[]>;
  /** The graph's name; default "tensorgrad". */
  graphName?: string;
}

const OPTION_KEYS = ["opsetVersion", "inputNames", "outputNames", "dynamicAxes", "graphName"];

function checkNames(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== "string" || value[0] === "") {
    throw new ValueError(
      `onnx.export: ${what} must be an array of one non-empty string (one input, one output), got ${JSON.stringify(value)}`,
    );
  }
  return value as string[];
}

function dynamicShape(name: string, shape: readonly number[], axes: OnnxExportOptions["dynamicAxes"], count: { n: number }) {
  const out: (number | string)[] = [...shape];
  const spec = axes?.[name];
  if (spec === undefined) return out;
  const entries: [number, string][] = Array.isArray(spec)
    ? spec.map((a) => [a, `${name}_dynamic_axes_${++count.n}`])
    : Object.entries(spec).map(([a, n]) => [Number(a), n]);
  for (const [axis, label] of entries) {
    if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length || typeof label !== "string") {
      throw new ValueError(
        `onnx.export: dynamicAxes.${name} names axis ${axis} (${JSON.stringify(label)}); "${name}" has ${shape.length} axes`,
      );
    }
    out[axis] = label;
  }
  return out;
}

function trace(g: GraphBuilder, m: AnyModule, x: Traced): Traced {
  if (m.constructor.name === "Sequential") return m.children().reduce((v, child) => trace(g, child, v), x);
  const name = emitLayer(g, m, x);
  const example = (m as unknown as (t: Tensor) => Tensor)(x.example);
  return { name, example };
}

/**
 * Exports `model` (built from `tg.nn` layers: Sequential, Linear, Conv1d/2d, BatchNorm, LayerNorm, GroupNorm,
 * Embedding, the activations, pooling, Flatten/Unflatten, Dropout) as ONNX bytes, in eval mode: Dropout is the
 * identity and BatchNorm uses its running statistics. `exampleInput` fixes the shapes (see `dynamicAxes`). The
 * model's own training flag is restored afterwards. A layer with no ONNX translation throws a `ValueError`.
 *
 * @example
 * const bytes = tg.onnx.export(model, tg.randn([1, 784]), { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } });
 * // onnxruntime: await ort.InferenceSession.create(bytes)
 */
export function exportOnnx(model: AnyModule, exampleInput: Tensor, options: OnnxExportOptions = {}): Uint8Array {
  if (typeof options !== "object" || options === null) throw new ValueError("onnx.export: options must be an object");
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new ValueError(`onnx.export: unknown option "${k}"; the options are ${OPTION_KEYS.join(", ")}`);
  }
  if (!(exampleInput instanceof Tensor)) throw new ValueError("onnx.export: exampleInput must be a tensor");
  const opsetVersion = options.opsetVersion ?? 17;
  if (!Number.isInteger(opsetVersion) || opsetVersion < 17 || opsetVersion > 21) {
    throw new ValueError(`onnx.export: opsetVersion must be an integer from 17 to 21, got ${opsetVersion}`);
  }
  const [inputName] = checkNames(options.inputNames, "inputNames") ?? ["input"];
  const [outputName] = checkNames(options.outputNames, "outputNames") ?? ["output"];
  for (const name of Object.keys(options.dynamicAxes ?? {})) {
    if (name !== inputName && name !== outputName) {
      throw new ValueError(
        `onnx.export: dynamicAxes names "${name}", which is neither the input "${inputName}" nor the output "${outputName}"`,
      );
    }
  }
  describeModule(model); // throws, naming the layer, for anything but the built-in layers
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    const g = new GraphBuilder();
    const input = exampleInput.detach();
    const out = noGrad(() => trace(g, model, { name: inputName, example: input }));
    g.op("Identity", [out.name], {}, outputName);
    const count = { n: 0 };
    return encodeModel(g, {
      name: options.graphName ?? "tensorgrad",
      opsetVersion,
      inputs: [{ name: inputName, dtype: input.dtype, shape: dynamicShape(inputName, input.shape, options.dynamicAxes, count) }],
      outputs: [
        { name: outputName, dtype: out.example.dtype, shape: dynamicShape(outputName, out.example.shape, options.dynamicAxes, count) },
      ],
    });
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}
