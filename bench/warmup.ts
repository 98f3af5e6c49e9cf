/**
 * Warm-up, in a fresh process (so that nothing is compiled, instantiated or started yet): micrograd's demo, a
 * 2-16-16-1 ReLU MLP on 100 two-moons points, SVM max-margin loss + 1e-4·L2, SGD with a decaying learning rate, `steps`
 * steps on the default backend. Prints JSON: the library's import time, the first step, the mean of the first 100 steps,
 * the steady-state mean (the last quarter of the steps) and their ratio, all in ms of wall time.
 * Run: tsx --conditions=source bench/warmup.ts [steps]; bench/run.ts runs it bundled against dist/ on plain node.
 */

const t0 = performance.now();
const tg = await import("../src/index.ts");
const importMs = performance.now() - t0;

const steps = Math.max(400, Number(process.argv[2] ?? 2000));
const n = 100;
// Deterministic moons (xorshift32 noise), so that every run sees the same data.
let s = 1337;
const rand = (): number => {
  s ^= s << 13;
  s >>>= 0;
  s ^= s >>> 17;
  s ^= s << 5;
  s >>>= 0;
  return s / 2 ** 32;
};
const xs: number[][] = [];
const ys: number[] = [];
for (let i = 0; i < n; i++) {
  const a = Math.PI * rand();
  const outer = i % 2 === 0;
  const p = outer ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 1 - Math.sin(a) - 0.5];
  xs.push([p[0] + 0.1 * (rand() - 0.5), p[1] + 0.1 * (rand() - 0.5)]);
  ys.push(outer ? 1 : -1);
}
tg.manualSeed(1337);
const times: number[] = [];
const started = performance.now();
const X = tg.tensor(xs);
const y = tg.tensor(ys);
const model = new tg.nn.Sequential(
  new tg.nn.Linear(2, 16),
  new tg.nn.ReLU(),
  new tg.nn.Linear(16, 16),
  new tg.nn.ReLU(),
  new tg.nn.Linear(16, 1),
);
const params = model.parameters();
const setupMs = performance.now() - started;
let loss = 0;
for (let k = 0; k < steps; k++) {
  const t = performance.now();
  const scores = model.forward(X).squeeze(1);
  const dataLoss = tg.relu(scores.mul(y).neg().add(1)).mean();
  let reg = tg.tensor(0);
  for (const p of params) reg = reg.add(p.mul(p).sum());
  const total = dataLoss.add(reg.mul(1e-4));
  model.zeroGrad();
  total.backward();
  const lr = 1 - (0.9 * Math.min(k, 100)) / 100;
  tg.noGrad(() => {
    for (const p of params) {
      const g = p.grad;
      if (g) p.sub_(g.mul(lr));
    }
  });
  loss = total.item();
  times.push(performance.now() - t);
}
if (!Number.isFinite(loss)) throw new Error("loss is not finite");
const mean = (a: number[]): number => a.reduce((x, v) => x + v, 0) / a.length;
const first100 = mean(times.slice(0, 100));
const steady = mean(times.slice(Math.floor((3 * steps) / 4)));
console.log(
  JSON.stringify({
    steps,
    backend: tg.getBackend().name,
    importMs,
    setupMs,
    firstStepMs: times[0],
    first100MeanMs: first100,
    steadyMeanMs: steady,
    ratio: first100 / steady,
  }),
);
