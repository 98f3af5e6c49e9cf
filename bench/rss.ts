/**
 * Memory over a long training run, in its own process (so that nothing else the benchmark loaded counts): the MLP
 * 784-256-256-10, batch 128, forward, cross-entropy, backward and an SGD step, `steps` times on the default backend.
 * Prints JSON: the resident set size after the first 10% of the steps (warm), at the end, and its peak (sampled every
 * step), in MB; baseMB is the process before the model is made (Node and tensorgrad loaded, and tsx when run through it).
 * Run: tsx --conditions=source bench/rss.ts [steps]; bench/run.ts also runs it bundled against dist/ on plain node.
 */

import * as tg from "../src/index.ts";
import { MLP_SIZES, uniformData } from "./cases.ts";

const steps = Number(process.argv[2] ?? 5000);
const batch = 128;
const mb = (bytes: number): number => bytes / 2 ** 20;
const data = (shape: number[], seed: number): tg.Tensor => tg.tensor(uniformData(shape[0] * shape[1], seed)).reshape(shape);

const baseRss = process.memoryUsage.rss();
const layers: tg.nn.Module[] = [];
for (let l = 0; l + 1 < MLP_SIZES.length; l++) {
  layers.push(new tg.nn.Linear(MLP_SIZES[l], MLP_SIZES[l + 1]));
  if (l + 2 < MLP_SIZES.length) layers.push(new tg.nn.ReLU());
}
const model = new tg.nn.Sequential(...layers);
const opt = new tg.optim.SGD(model.parameters(), { lr: 0.01 });
const x = data([batch, MLP_SIZES[0]], 11);
const y = tg.tensor(new Int32Array(batch).map((_, i) => (i * 7) % MLP_SIZES[MLP_SIZES.length - 1]));

let peak = 0;
let warm = 0;
const started = performance.now();
for (let s = 0; s < steps; s++) {
  opt.zeroGrad();
  const loss = tg.nn.functional.crossEntropy(model(x), y);
  loss.backward();
  opt.step();
  if (s % 100 === 0 && !Number.isFinite(loss.item())) throw new Error("loss is not finite");
  const rss = process.memoryUsage.rss();
  if (rss > peak) peak = rss;
  if (s === Math.floor(steps / 10)) warm = rss;
}
const end = process.memoryUsage.rss();
console.log(
  JSON.stringify({
    steps,
    backend: tg.getBackend().name,
    baseMB: mb(baseRss),
    warmMB: mb(warm),
    endMB: mb(end),
    peakMB: mb(peak),
    stepsPerSec: (1000 * steps) / (performance.now() - started),
  }),
);
