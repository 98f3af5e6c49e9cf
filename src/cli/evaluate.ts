import { noGrad } from "../autograd/grad_mode.js";
import * as F from "../nn/functional/index.js";
import type { Module } from "../nn/module.js";
import { cat } from "../ops/join.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Split } from "./datasets.js";

export type Task = "classification" | "regression";

/** The task's loss: cross-entropy on logits for classes, mean squared error for regression. */
export function lossFor(task: Task, output: Tensor, target: Tensor): Tensor {
  return task === "classification" ? F.crossEntropy(output, target) : F.mseLoss(output.reshape([-1]), target);
}

/** Outputs for every row, computed in eval mode, without the graph, in chunks to bound memory. */
export function predictAll(model: Module, x: Tensor, chunk = 1000): Tensor {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const parts: Tensor[] = [];
      for (let i = 0; i < x.shape[0]; i += chunk) parts.push(model(x.narrow(0, i, Math.min(chunk, x.shape[0] - i))));
      return cat(parts, 0);
    });
  } finally {
    model.train(wasTraining);
  }
}

export interface Metrics {
  loss: number;
  /** Share of correct predictions (classification), NaN for regression. */
  accuracy: number;
}

/** Loss and accuracy on a split, on whatever device the model and the split are (read asynchronously). */
export async function evaluate(model: Module, split: Split, task: Task): Promise<Metrics> {
  const out = predictAll(model, split.x);
  const loss = noGrad(() => lossFor(task, out, split.y));
  const accuracy = task === "classification" ? await out.argmax(1).eq(split.y).float().mean().itemAsync() : Number.NaN;
  return { loss: await loss.itemAsync(), accuracy };
}
