/** Whole-model files in Node: a model with its architecture (`saveModel`/`loadModel`) and ONNX (`exportOnnxFile`). */
import { modelFromCheckpoint, saveModelBytes } from "../io/model_file.js";
import type { AnyModule, Module } from "../nn/module.js";
import { exportOnnx, type OnnxExportOptions } from "../onnx/export.js";
import type { Tensor } from "../tensor/tensor.js";
import { loadCheckpoint, writeFileAtomic } from "./checkpoint.js";

/**
 * Writes a model built from `tg.nn` layers as one safetensors file: its weights under PyTorch's keys and its
 * architecture, so `loadModel` rebuilds it with no code. Atomic, like `saveCheckpoint`.
 *
 * @example
 * await saveModel("model.safetensors", model);
 */
export async function saveModel(file: string, model: AnyModule): Promise<void> {
  await writeFileAtomic(file, saveModelBytes(model));
}

/**
 * Rebuilds the model saved by `saveModel` or by `tensorgrad train` (its checkpoint), with its weights.
 *
 * @example
 * const model = await loadModel("runs/mnist-mlp/checkpoint.safetensors");
 * model.eval();
 */
export async function loadModel(file: string): Promise<Module> {
  return modelFromCheckpoint(await loadCheckpoint(file));
}

/**
 * `tg.onnx.export` to a file (written atomically).
 *
 * @example
 * await exportOnnxFile("model.onnx", model, tg.randn([1, 784]), { dynamicAxes: { input: [0], output: [0] } });
 */
export async function exportOnnxFile(
  file: string,
  model: AnyModule,
  exampleInput: Tensor | Tensor[],
  options?: OnnxExportOptions,
): Promise<void> {
  await writeFileAtomic(file, exportOnnx(model, exampleInput, options));
}
