import * as data from "../data/index.js";
import { readCsv } from "../node/files.js";
import { loadMnist } from "../node/mnist.js";
import { randperm } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { UsageError } from "./args.js";

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
}

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
    const csv = await readCsv(name.slice(4), { target: options.target });
    const labels = csv.target.toArray();
    const integral = labels.every((v) => Number.isInteger(v) && v >= 0);
    const classes = integral ? Math.max(...labels) + 1 : 0;
    const classification = integral && classes <= 100;
    const y = classification ? csv.target.int() : csv.target.float();
    return {
      name,
      ...splitRows(csv.features.float(), y, 0.2),
      inputShape: [csv.features.shape[1]],
      outputs: classification ? classes : 1,
      task: classification ? "classification" : "regression",
    };
  }
  throw new UsageError(`unknown dataset "${name}"; use one of ${DATASETS.join(", ")} or csv:<path>`);
}
