/**
 * Whole models in one file: the weights under PyTorch's state-dict keys plus the architecture as data, so the file
 * rebuilds its model with no code (`tg.nn.loadModel`). Browser-safe; `tensorgrad/node` adds files.
 */
import { ValueError } from "../errors.js";
import type { AnyModule, Module } from "../nn/module.js";
import { type Checkpoint, checkpointFromBytes, checkpointToBytes } from "./checkpoint.js";
import { buildModule, describeModule } from "./model_spec.js";

/**
 * Rebuilds the model a checkpoint describes and loads its weights (strictly: every key must match). Optimizer state
 * in the file is left aside. Throws a `ValueError` when the file records no architecture.
 *
 * @example
 * const model = tg.io.modelFromCheckpoint(tg.io.checkpointFromBytes(bytes));
 */
export function modelFromCheckpoint(checkpoint: Checkpoint): Module {
  if (!checkpoint.architecture) {
    throw new ValueError(
      "loadModel: the file records no architecture (it holds weights only, or a model with custom layers): build the model in code and call loadStateDict",
    );
  }
  // Every layer a spec can name takes one tensor and returns one.
  const model = buildModule(checkpoint.architecture) as unknown as Module;
  model.loadStateDict(checkpoint.modelState);
  return model;
}

/**
 * Rebuilds a model from the bytes of a checkpoint or of `saveModelBytes` (architecture + weights).
 *
 * @example
 * const model = tg.nn.loadModel(bytes);
 * model.eval();
 * const y = model(x);
 */
export function loadModel(bytes: Uint8Array): Module {
  return modelFromCheckpoint(checkpointFromBytes(bytes));
}

/**
 * A model's architecture and weights as safetensors bytes (no optimizer, no random state). Throws a `ValueError`
 * naming the first layer that is not built in, since a custom `forward` can't be saved as data.
 *
 * @example
 * const bytes = tg.io.saveModelBytes(new tg.nn.Sequential(new tg.nn.Linear(2, 1)));
 * tg.nn.loadModel(bytes);
 */
export function saveModelBytes(model: AnyModule): Uint8Array {
  return checkpointToBytes({ model, architecture: describeModule(model), saveRngState: false });
}
