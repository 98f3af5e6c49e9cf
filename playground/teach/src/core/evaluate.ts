/** Evaluation of a classifier on samples: loss, accuracy, per-class counts and the confusion matrix, in eval mode. */
import * as tg from "tensorgrad";
import type { ClassResult } from "../protocol.ts";
import { CHANNELS, IMAGE_SIZE } from "./image.ts";

/** Images per forward pass while evaluating. */
export const EVAL_CHUNK = 128;

/** What `evaluate` measured. */
export interface Evaluation {
  /** Mean cross-entropy (NaN when there are no samples). */
  loss: number;
  accuracy: number;
  /** Rows: true class; columns: predicted class. */
  confusion: number[][];
  perClass: ClassResult[];
}

/**
 * Evaluates `model` (in eval mode, without gradients; its mode is restored) on the samples `indices` of `x`
 * (n×3×size×size normalized floats) with their `labels`, on `device`. One read per chunk of EVAL_CHUNK images.
 *
 * @example const { accuracy, confusion } = await evaluate(model, classes, x, labels, [0, 1, 2], "cpu");
 */
export async function evaluate(
  model: tg.nn.Module,
  classes: readonly string[],
  x: Float32Array,
  labels: Int32Array,
  indices: readonly number[],
  device: tg.DeviceType,
): Promise<Evaluation> {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const per = CHANNELS * IMAGE_SIZE * IMAGE_SIZE;
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  try {
    for (let start = 0; start < indices.length; start += EVAL_CHUNK) {
      const chunk = indices.slice(start, start + EVAL_CHUNK);
      const buf = new Float32Array(chunk.length * per);
      chunk.forEach((idx, j) => {
        buf.set(x.subarray(idx * per, (idx + 1) * per), j * per);
      });
      const y = Int32Array.from(chunk, (idx) => labels[idx]);
      const out = tg.noGrad(() => {
        const logits = model(tg.tensor(buf, { device }).reshape([chunk.length, CHANNELS, IMAGE_SIZE, IMAGE_SIZE]));
        const loss = tg.nn.functional.crossEntropy(logits, tg.tensor(y, { dtype: "int32", device }), { reduction: "sum" });
        return tg.cat([loss.reshape([1]), logits.argmax(1).float()]);
      });
      const values = (await out.toArrayAsync()) as Float32Array;
      lossSum += values[0];
      chunk.forEach((_, j) => {
        confusion[y[j]][values[1 + j]] += 1;
      });
    }
  } finally {
    if (wasTraining) model.train();
  }
  const perClass = classes.map((name, c) => ({ name, correct: confusion[c][c], total: confusion[c].reduce((a, b) => a + b, 0) }));
  const correct = perClass.reduce((a, r) => a + r.correct, 0);
  const n = indices.length;
  return { loss: n ? lossSum / n : Number.NaN, accuracy: n ? correct / n : Number.NaN, confusion, perClass };
}
