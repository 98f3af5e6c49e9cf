import { DeviceError, IndexError, ShapeError, ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";

const shapeStr = (s: readonly number[]) => `[${s.join(", ")}]`;

/**
 * Predicted and true class labels as integer arrays. `preds` holds labels (same shape as `targets`), or scores with
 * a class dimension at dim 1 (`[N, C]`, `[N, C, d1...]`, as CrossEntropyLoss takes), reduced by argmax; a single
 * score column (`[N, 1]`) is a binary logit, class 1 when > 0.
 */
function labels(preds: Tensor, targets: Tensor, where: string): { p: ArrayLike<number>; t: ArrayLike<number>; classes: number } {
  let predicted = preds;
  let classes = 0;
  if (preds.ndim === targets.ndim + 1 && preds.ndim >= 2) {
    classes = preds.shape[1];
    predicted = classes === 1 ? preds.squeeze(1).gt(0).int() : preds.argmax(1);
    if (classes === 1) classes = 2;
  }
  if (predicted.ndim !== targets.ndim || predicted.shape.some((s, i) => s !== targets.shape[i])) {
    throw new ShapeError(
      `${where}: predictions of shape ${shapeStr(preds.shape)} don't fit targets of shape ${shapeStr(targets.shape)}; ` +
        "expected labels of the targets' shape, or scores [N, C, ...] with the classes at dim 1",
    );
  }
  const device = predicted._backend.asyncOnly ? predicted.device : targets._backend.asyncOnly ? targets.device : null;
  if (device !== null) {
    throw new DeviceError(
      `${where}: returns numbers read on the host, and the ${device} device is read only asynchronously; ` +
        `move the tensors to the CPU first: \`tg.utils.${where}(await preds.cpuAsync(), await targets.cpuAsync())\``,
    );
  }
  const p = predicted.toArray();
  const t = targets.toArray();
  for (const [name, arr] of [
    ["prediction", p],
    ["target", t],
  ] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isInteger(arr[i])) throw new ValueError(`${where}: ${name} ${i} is ${arr[i]}, not a class index`);
    }
  }
  return { p, t, classes };
}

/**
 * The fraction of predictions that match the targets. `preds` is class labels, or scores `[N, C]` (logits or
 * probabilities; argmax over dim 1), or one logit column `[N, 1]` for binary targets.
 *
 * @example
 * tg.utils.accuracy(tg.tensor([[2, 1], [0, 3], [1, 0]]), tg.tensor([0, 1, 1], { dtype: "int32" })); // 2/3
 */
export function accuracy(preds: Tensor, targets: Tensor): number {
  const { p, t } = labels(preds, targets, "accuracy");
  if (t.length === 0) throw new ValueError("accuracy: no examples");
  let right = 0;
  for (let i = 0; i < t.length; i++) if (p[i] === t[i]) right++;
  return right / t.length;
}

function confusion(where: string, preds: Tensor, targets: Tensor, numClasses?: number): { matrix: Int32Array; c: number } {
  const { p, t, classes } = labels(preds, targets, where);
  let c = numClasses ?? classes;
  if (numClasses === undefined) for (let i = 0; i < t.length; i++) c = Math.max(c, p[i] + 1, t[i] + 1);
  if (!Number.isInteger(c) || c < 1) throw new ValueError(`${where}: numClasses must be a positive integer, got ${c}`);
  const matrix = new Int32Array(c * c);
  for (let i = 0; i < t.length; i++) {
    for (const [name, v] of [
      ["target", t[i]],
      ["prediction", p[i]],
    ] as const) {
      if (v < 0 || v >= c) throw new IndexError(`${where}: ${name} ${i} is class ${v}, outside [0, ${c})`);
    }
    matrix[t[i] * c + p[i]]++;
  }
  return { matrix, c };
}

/**
 * The confusion matrix as an int32 tensor `[C, C]`: row = true class, column = predicted class (scikit-learn's
 * layout). `numClasses` defaults to the largest label + 1 (or the score dimension).
 *
 * @example
 * tg.utils.confusionMatrix(tg.tensor([0, 1, 1], { dtype: "int32" }), tg.tensor([0, 1, 0], { dtype: "int32" })).tolist();
 * // [[1, 1], [0, 1]]
 */
export function confusionMatrix(preds: Tensor, targets: Tensor, numClasses?: number): Tensor {
  const { matrix, c } = confusion("confusionMatrix", preds, targets, numClasses);
  return fromTyped(matrix, [c, c]);
}

/** Per-class and macro-averaged precision, recall and F1. */
export interface PrecisionRecallF1 {
  /** Macro average over the classes that occur in the targets or the predictions. */
  precision: number;
  recall: number;
  f1: number;
  /** Per-class values by class index (0 where undefined, as scikit-learn's `zero_division=0`). */
  perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
}

/**
 * Precision, recall and F1 per class and macro-averaged (the unweighted mean over classes that occur in the targets
 * or predictions, as scikit-learn's `average="macro"`; the macro F1 is the mean of per-class F1s).
 *
 * @example
 * const { precision, recall, f1 } = tg.utils.precisionRecallF1(model(x), labels);
 */
export function precisionRecallF1(preds: Tensor, targets: Tensor, numClasses?: number): PrecisionRecallF1 {
  const { matrix, c } = confusion("precisionRecallF1", preds, targets, numClasses);
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  const present: number[] = [];
  for (let k = 0; k < c; k++) {
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < c; j++) {
      predicted += matrix[j * c + k];
      actual += matrix[k * c + j];
    }
    const tp = matrix[k * c + k];
    const p = predicted ? tp / predicted : 0;
    const r = actual ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r ? (2 * p * r) / (p + r) : 0);
    support.push(actual);
    if (predicted || actual) present.push(k);
  }
  const macro = (xs: number[]) => (present.length ? present.reduce((s, k) => s + xs[k], 0) / present.length : 0);
  return { precision: macro(precision), recall: macro(recall), f1: macro(f1), perClass: { precision, recall, f1, support } };
}
