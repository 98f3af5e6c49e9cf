/**
 * The lecture's XOR network, 2 → 4 (tanh) → 1 (sigmoid), trained with raw tensors and autograd: no
 * layers, no optimizer classes, just ops, backward() and a gradient step under noGrad.
 *
 * Run: npm run xor
 */
import * as tg from "tensorgrad";
import { progressBar, showProgress } from "./progress.ts";

tg.manualSeed(0);

const inputs = tg.tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const targets = tg.tensor([[0], [1], [1], [0]]);

// Weights drawn like PyTorch's Linear: U(−1/√fanIn, 1/√fanIn).
const init = (shape: number[], fanIn: number) =>
  tg
    .rand(shape)
    .mul(2 / Math.sqrt(fanIn))
    .sub(1 / Math.sqrt(fanIn))
    .requiresGrad_();
const hidden = 4;
const w1 = init([2, hidden], 2);
const b1 = init([hidden], 2);
const w2 = init([hidden, 1], hidden);
const b2 = init([1], hidden);
const params = [w1, b1, w2, b2];

const forward = (x: tg.Tensor) => x.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();

/** Binary cross-entropy, clamped away from log(0). */
const bce = (p: tg.Tensor, y: tg.Tensor) => {
  const q = p.clamp(1e-7, 1 - 1e-7);
  return y
    .mul(q.log())
    .add(y.neg().add(1).mul(q.neg().add(1).log()))
    .mean()
    .neg();
};

const epochs = 2000;
const lr = 0.5;
const start = performance.now();
let loss = Number.NaN;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const out = bce(forward(inputs), targets);
  for (const p of params) p.grad = null;
  out.backward();
  tg.noGrad(() => {
    for (const p of params) p.sub_(p.grad!.mul(lr));
  });
  loss = out.item();
  if (epoch % 100 === 0 || epoch === epochs)
    showProgress(progressBar(epoch, epochs, `epoch ${epoch}  loss ${loss.toFixed(4)}`), epoch === epochs);
}
const seconds = (performance.now() - start) / 1000;

const predictions = tg.noGrad(() => forward(inputs));
console.log(`\nTrained ${epochs} epochs in ${seconds.toFixed(2)} s; final loss ${loss.toFixed(4)}.\n`);
console.log(" x1  x2 | target | output | predicted");
console.log("--------+--------+--------+----------");
const xs = inputs.tolist() as number[][];
const ys = targets.toArray();
const ps = predictions.toArray();
let correct = 0;
xs.forEach(([a, b], i) => {
  const predicted = ps[i] > 0.5 ? 1 : 0;
  if (predicted === ys[i]) correct++;
  console.log(`  ${a}   ${b} |    ${ys[i]}   | ${ps[i].toFixed(3)}  |     ${predicted}`);
});
console.log(`\n${correct}/4 correct: ${correct === 4 ? "the network learned XOR." : "not learned yet; try more epochs."}`);
process.exitCode = correct === 4 ? 0 : 1;
