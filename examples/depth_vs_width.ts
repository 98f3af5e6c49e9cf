/**
 * Depth versus width on one problem: the two interleaved spirals of TensorFlow Playground. A straight line
 * (no hidden layer) cannot separate them at all; one hidden layer can, given enough units; stacking a few
 * narrow layers gets there with fewer parameters, because each layer folds the plane the next one cuts.
 *
 * Every model is an MLP with tanh hidden layers and one output logit, trained full-batch with Adam on
 * binary cross-entropy for the same number of steps from the same seed, and scored on held-out points.
 *
 * Run: npx tsx --conditions=source examples/depth_vs_width.ts   (TG_QUICK=1 for fewer steps)
 */
import * as tg from "tensorgrad";

const { nn } = tg;
const quick = process.env.TG_QUICK === "1";
const steps = quick ? 600 : 1200;

// 1. Data: 600 spiral points (radius 0–5, a little noise), scaled to about [-1, 1]; 480 train, 120 test.
const { x, y } = tg.data.spiral({ n: 600, noise: 0.05, seed: 7 });
const inputs = x.div(5);
const labels = y.float().unsqueeze(1); // [n, 1] floats for BCE
const nTrain = 480;
const [xTrain, xTest] = [inputs.get(`:${nTrain}`), inputs.get(`${nTrain}:`)];
const [yTrain, yTest] = [labels.get(`:${nTrain}`), labels.get(`${nTrain}:`)];

/** An MLP 2 → hidden[0] → ... → 1 with tanh between layers; `[]` is logistic regression. */
function mlp(hidden: number[]): tg.nn.Sequential {
  const layers: tg.nn.Module[] = [];
  let fanIn = 2;
  for (const h of hidden) {
    layers.push(new nn.Linear(fanIn, h), new nn.Tanh());
    fanIn = h;
  }
  layers.push(new nn.Linear(fanIn, 1));
  return new nn.Sequential(...layers);
}

/** Fraction of points whose logit has the right sign. */
const accuracy = (logits: tg.Tensor, target: tg.Tensor) => logits.gt(0).float().eq(target).float().mean().item();

const configs: { name: string; hidden: number[] }[] = [
  { name: "no hidden layer", hidden: [] },
  { name: "1 × 4", hidden: [4] },
  { name: "1 × 16", hidden: [16] },
  { name: "1 × 64", hidden: [64] },
  { name: "2 × 8", hidden: [8, 8] },
  { name: "3 × 8", hidden: [8, 8, 8] },
  { name: "3 × 16", hidden: [16, 16, 16] },
];

console.log(`Two spirals: ${nTrain} training points, ${inputs.shape[0] - nTrain} test points; ${steps} Adam steps each.\n`);
const header = "model (layers × units) | params | train loss | train acc | test acc | seconds";
console.log(header);
console.log("-".repeat(header.length));
const lossFn = new nn.BCEWithLogitsLoss();
const results = new Map<string, { params: number; loss: number; testAcc: number }>();
for (const { name, hidden } of configs) {
  tg.manualSeed(0); // the same initial draw for every model
  const model = mlp(hidden);
  const params = model.parameters().reduce((n, p) => n + p.numel(), 0);
  const opt = new tg.optim.Adam(model.parameters(), { lr: 0.02 });
  const start = performance.now();
  let loss = Number.NaN;
  for (let s = 0; s < steps; s++) {
    const out = lossFn(model(xTrain), yTrain);
    opt.zeroGrad();
    out.backward();
    opt.step();
    loss = out.item();
  }
  const seconds = (performance.now() - start) / 1000;
  const [trainAcc, testAcc] = tg.noGrad(() => [accuracy(model(xTrain), yTrain), accuracy(model(xTest), yTest)]);
  results.set(name, { params, loss, testAcc });
  console.log(
    `${name.padEnd(22)} | ${String(params).padStart(6)} | ${loss.toFixed(4).padStart(10)} | ` +
      `${(trainAcc * 100).toFixed(1).padStart(8)}% | ${(testAcc * 100).toFixed(1).padStart(7)}% | ${seconds.toFixed(2).padStart(7)}`,
  );
}
// What to look for: a line is stuck near chance, four hidden units are too few, and at a similar budget
// three narrow layers fit the training set more tightly than one wide layer does.
const wide = results.get("1 × 64")!;
const deep = results.get("3 × 8")!;
console.log(
  `\nNo hidden layer: ${(results.get("no hidden layer")!.testAcc * 100).toFixed(0)}% (≈ chance): the spirals are not linearly separable.`,
);
console.log(
  `Same steps, similar budget: 3 × 8 (${deep.params} parameters) reaches train loss ${deep.loss.toFixed(4)}, ` +
    `1 × 64 (${wide.params} parameters) ${wide.loss.toFixed(4)}.`,
);
