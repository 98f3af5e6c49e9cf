/**
 * `tg.onnx.export`: a model to an ONNX model, by tracing its forward pass on an example input (which fixes every
 * shape): built-in layers emit their own subgraphs, tensor methods on traced values theirs (see trace.ts).
 */
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import { Tensor } from "../tensor/tensor.js";
import { encodeModel } from "./graph.js";
import { Tracer, tensorsOf } from "./trace.js";

/** Options of `tg.onnx.export`, as `torch.onnx.export`'s (camelCase). */
export interface OnnxExportOptions {
  /** The default-domain opset, 17 (the default) to 21: LayerNormalization needs 17. */
  opsetVersion?: number;
  /** The graph inputs' names, one per example input; default ["input"] (then "input_1", ...). */
  inputNames?: string[];
  /** The graph outputs' names, one per result tensor (LSTM: output, h_n, c_n); default ["output"] (then "output_1", ...). */
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

function checkNames(value: unknown, what: string, count: number, base: string): string[] {
  if (value === undefined) return Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}_${i}`));
  if (!Array.isArray(value) || value.length !== count || value.some((v) => typeof v !== "string" || v === "")) {
    throw new ValueError(
      `onnx.export: ${what} must be an array of ${count} non-empty string${count === 1 ? "" : "s"} (one per ${base}), got ${JSON.stringify(value)}`,
    );
  }
  if (new Set(value).size !== value.length) throw new ValueError(`onnx.export: ${what} has a name twice: ${JSON.stringify(value)}`);
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

/**
 * Exports `model` as ONNX bytes by running its forward once on `exampleInput` (a tensor, or an array of tensors for a
 * forward of several arguments) in eval mode: Dropout is the identity and BatchNorm uses its running statistics.
 * Built-in layers translate as a whole (Linear, Conv1d/2d/3d, ConvTranspose1d/2d, BatchNorm, LayerNorm, GroupNorm,
 * Embedding, the activations, 1-D and 2-D max/average/adaptive pooling, Flatten/Unflatten, Dropout, RNN/LSTM/GRU,
 * MultiheadAttention, TransformerEncoderLayer);
 * a custom forward is traced through tensor methods (add, mul, matmul, reshape, permute, transpose, softmax, ...) and
 * `tg.cat`/`tg.stack`. A tuple result gives one graph output per tensor (LSTM: output, h_n, c_n). Sizes read from
 * the example are fixed (see `dynamicAxes`); an op the exporter can't translate throws a `ValueError` naming it, and
 * so does a graph that leaves an input unused (an integer input through `tg.cat`, which has no autograd history).
 * The model's own training flag is restored afterwards.
 *
 * @example
 * const bytes = tg.onnx.export(model, tg.randn([1, 784]), { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } });
 * // onnxruntime: await ort.InferenceSession.create(bytes)
 */
export function exportOnnx(model: AnyModule, exampleInput: Tensor | Tensor[], options: OnnxExportOptions = {}): Uint8Array {
  if (typeof options !== "object" || options === null) throw new ValueError("onnx.export: options must be an object");
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new ValueError(`onnx.export: unknown option "${k}"; the options are ${OPTION_KEYS.join(", ")}`);
  }
  const examples = Array.isArray(exampleInput) ? exampleInput : [exampleInput];
  if (examples.length === 0 || !examples.every((t) => t instanceof Tensor)) {
    throw new ValueError("onnx.export: exampleInput must be a tensor or a non-empty array of tensors");
  }
  const opsetVersion = options.opsetVersion ?? 17;
  if (!Number.isInteger(opsetVersion) || opsetVersion < 17 || opsetVersion > 21) {
    throw new ValueError(`onnx.export: opsetVersion must be an integer from 17 to 21, got ${opsetVersion}`);
  }
  const inputNames = checkNames(options.inputNames, "inputNames", examples.length, "input");
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    const tracer = new Tracer(opsetVersion);
    // Float inputs require grad so that any op the tracer doesn't see shows in the autograd graph (and is refused).
    const inputs = examples.map((t) => (t.dtype === "float32" || t.dtype === "float64" ? t.detach().requiresGrad_(true) : t.detach()));
    const outs = tensorsOf(tracer.run(model, inputs, inputNames));
    if (outs.length === 0) throw new ValueError("onnx.export: the model returned no tensor");
    const outputNames = checkNames(options.outputNames, "outputNames", outs.length, "output");
    const names = [...inputNames, ...outputNames];
    for (const name of Object.keys(options.dynamicAxes ?? {})) {
      if (!names.includes(name)) {
        throw new ValueError(
          `onnx.export: dynamicAxes names "${name}", which is neither the input nor an output (inputs ${inputNames.join(", ")}; outputs ${outputNames.join(", ")})`,
        );
      }
    }
    outs.forEach((t, i) => {
      tracer.g.op("Identity", [tracer.ref(t)], {}, outputNames[i]);
    });
    // An integer input has no autograd history, so a function the tracer can't see (tg.cat of integer tensors,
    // F.pad) leaves what follows it untraced: the outputs would be constants. Refused rather than baked in.
    const used = new Set(tracer.g.nodes.flatMap((n) => n.input ?? []));
    inputNames.forEach((name, i) => {
      if (!used.has(name)) {
        throw new ValueError(
          `onnx.export: the exported graph does not use input "${name}" (${examples[i].dtype} [${examples[i].shape.join(", ")}]): the forward ${examples[i].dtype === "int32" || examples[i].dtype === "bool" ? "passes it through a function the exporter can't follow (integer tensors have no autograd history: tg.cat/tg.stack/F.pad of them are not traced; index with a layer such as Embedding first, or use tensor methods)" : "ignores it, or computes from it with an op the exporter can't follow"}`,
        );
      }
    });
    const count = { n: 0 };
    const spec = (name: string, t: Tensor) => ({ name, dtype: t.dtype, shape: dynamicShape(name, t.shape, options.dynamicAxes, count) });
    return encodeModel(tracer.g, {
      name: options.graphName ?? "tensorgrad",
      opsetVersion,
      inputs: inputs.map((t, i) => spec(inputNames[i], t)),
      outputs: outs.map((t, i) => spec(outputNames[i], t)),
    });
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}
