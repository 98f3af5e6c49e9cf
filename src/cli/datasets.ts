import * as data from "../data/index.js";
import { readCsv } from "../node/files.js";
import { loadMnist } from "../node/mnist.js";
import { randperm } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { UsageError } from "./args.js";
import { CommandFailed } from "./errors.js";

export interface Split {
  x: Tensor;
  y: Tensor;
}

/** A dataset ready for training: splits, one example's shape, and the kind of target. */
export interface LoadedData {
  name: string;
  train: Split;
  test: Split;
  inputShape: number[];
  /** Number of classes for classification, 1 for regression. */
  outputs: number;
  task: "classification" | "regression";
  /** How the task was chosen, where it was a guess (a CSV target): the CLI prints it. */
  note?: string;
}

/** A CSV target of integers 0..k−1 is taken as class labels when k is at most this; otherwise as numbers (regression). */
const MAX_CLASSES = 100;

export const DATASETS = ["mnist", "circle", "xor", "gauss", "spiral", "moons", "plane", "gaussian"] as const;

const PLAYGROUND = {
  circle: data.circle,
  xor: data.xor,
  gauss: data.gauss,
  spiral: data.spiral,
  moons: data.moons,
  plane: data.plane,
  gaussian: data.gaussian,
};

/** Splits rows into train and test after a shuffle with the current (seeded) default generator. */
function splitRows(x: Tensor, y: Tensor, testFraction: number): { train: Split; test: Split } {
  const n = x.shape[0];
  const order = randperm(n);
  const nTest = Math.round(n * testFraction);
  const pick = (idx: Tensor): Split => ({ x: x.indexSelect(0, idx), y: y.indexSelect(0, idx) });
  return { train: pick(order.narrow(0, nTest, n - nTest)), test: pick(order.narrow(0, 0, nTest)) };
}

export interface DatasetOptions {
  noise: number;
  samples: number;
  target?: string;
}

/**
 * Loads a dataset by name: `mnist` (the bundled digits), a 2-D playground set, or `csv:<path>` with a
 * `--target` column (classification when the target holds labels 0..k−1, else regression).
 */
export async function loadDataset(name: string, options: DatasetOptions): Promise<LoadedData> {
  if (name === "mnist") {
    const m = await loadMnist();
    return {
      name,
      train: { x: m.train.images, y: m.train.labels },
      test: { x: m.test.images, y: m.test.labels },
      inputShape: [1, 28, 28],
      outputs: 10,
      task: "classification",
    };
  }
  if (name in PLAYGROUND) {
    const points = PLAYGROUND[name as keyof typeof PLAYGROUND]({ n: options.samples, noise: options.noise, seed: 1 });
    const regression = name === "plane" || name === "gaussian";
    return {
      name,
      ...splitRows(points.x, points.y, 0.2),
      inputShape: [2],
      outputs: regression ? 1 : 2,
      task: regression ? "regression" : "classification",
    };
  }
  if (name.startsWith("csv:")) {
    const path = name.slice(4);
    if (path === "") throw new UsageError(`--dataset csv: needs a path, as in csv:data.csv`);
    const csv = await readCsv(path, { target: options.target });
    const [rows, features] = csv.features.shape;
    if (features === 0)
      throw new CommandFailed(
        `${path} has only the target column ${JSON.stringify(csv.targetColumn.slice(0, 40))}: there are no features to learn from`,
      );
    if (rows < 2) throw new CommandFailed(`${path} has ${rows} data row${rows === 1 ? "" : "s"}: training needs at least 2`);
    const labels = csv.target.toArray();
    let integral = true;
    let max = 0;
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (!(Number.isInteger(v) && v >= 0)) integral = false;
      else if (v > max) max = v;
    }
    const classes = integral ? max + 1 : 0;
    const classification = integral && classes <= MAX_CLASSES;
    const y = classification ? csv.target.int() : csv.target.float();
    const target = `target column ${JSON.stringify(csv.targetColumn.slice(0, 40))}`;
    return {
      name,
      ...splitRows(csv.features.float(), y, 0.2),
      inputShape: [features],
      outputs: classification ? classes : 1,
      task: classification ? "classification" : "regression",
      note: classification
        ? `classification: the ${target} holds class labels 0..${classes - 1}`
        : `regression (mean squared error): the ${target} holds ${integral ? `integers up to ${max}, more than ${MAX_CLASSES} classes` : "values that are not class labels 0, 1, 2, ..."}`,
    };
  }
  throw new UsageError(`unknown dataset "${name}"; use one of ${DATASETS.join(", ")} or csv:<path>`);
}
