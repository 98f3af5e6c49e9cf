/**
 * The first neurons of the lecture, before backpropagation:
 *
 * 1. McCulloch–Pitts (1943): a threshold unit with hand-set weights fires (outputs 1) when the weighted
 *    sum of its binary inputs reaches a threshold θ. With weights (1, 1), θ = 1 gives OR and θ = 2 gives AND.
 * 2. Rosenblatt's perceptron (1958) learns the weights instead: predict ŷ = step(w·x + b), and after each
 *    example nudge the weights by  w += lr·(y − ŷ)·x,  b += lr·(y − ŷ). Nothing changes when ŷ is right.
 *    The convergence theorem says this stops making mistakes whenever a line separates the two classes:
 *    true for OR and AND, false for XOR, where the rule cycles forever (Minsky & Papert, 1969).
 * 3. XOR does fall to two layers of threshold units, wired by hand: the missing ingredient was a hidden
 *    layer, and a way to train it (backpropagation, see examples/xor.ts).
 *
 * Run: npx tsx --conditions=source examples/perceptron.ts
 */
import * as tg from "tensorgrad";

tg.manualSeed(0);

const X = tg.tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const targets: Record<string, number[]> = { OR: [0, 1, 1, 1], AND: [0, 0, 0, 1], XOR: [0, 1, 1, 0] };

/** The step activation: 1 where z > 0, else 0 (a bool mask turned into floats). */
const step = (z: tg.Tensor) => z.gt(0).float();
const fmt = (t: tg.Tensor) => `[${Array.from(t.toArray(), (v) => v.toFixed(2)).join(", ")}]`;
const bits = (t: tg.Tensor) => Array.from(t.toArray()).join(" ");

// ── 1. McCulloch–Pitts units: fixed weights, fixed threshold ───────────────────────────────────────────
console.log("McCulloch–Pitts threshold units (weights 1, 1; fire when x1 + x2 ≥ θ)\n");
console.log("x1 x2 | OR (θ=1) | AND (θ=2)");
/** A McCulloch–Pitts unit: the weighted sum w·x, then a hard threshold: 1 when it reaches θ, else 0. */
const mpUnit = (x: tg.Tensor, w: number[], theta: number) => x.matmul(tg.tensor(w)).ge(theta).float();
const mpOr = mpUnit(X, [1, 1], 1);
const mpAnd = mpUnit(X, [1, 1], 2);
const rows = X.tolist() as number[][];
rows.forEach(([a, b], i) => {
  console.log(` ${a}  ${b} |    ${mpOr.toArray()[i]}     |    ${mpAnd.toArray()[i]}`);
});
console.log(`MP OR:  ${bits(mpOr)}`);
console.log(`MP AND: ${bits(mpAnd)}\n`);

// ── 2. Rosenblatt's perceptron learning rule ───────────────────────────────────────────────────────────
interface PerceptronResult {
  converged: boolean;
  epoch: number;
  bestCorrect: number;
  w: tg.Tensor;
  b: tg.Tensor;
}

/** Online perceptron training: one pass over the four examples per epoch, stop at the first error-free epoch. */
function trainPerceptron(y: tg.Tensor, lr = 0.1, maxEpochs = 100): PerceptronResult {
  // Small random starting weights (seeded), as a hardware perceptron's potentiometers would start somewhere.
  let w = tg.rand([2]).sub(0.5);
  let b = tg.rand([]).sub(0.5);
  let bestCorrect = 0;
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    let mistakes = 0;
    for (let i = 0; i < 4; i++) {
      const x = X.get(i);
      const yHat = step(x.dot(w).add(b)); // the perceptron's guess for this example
      const err = y.get(i).sub(yHat); // y − ŷ: +1, −1, or 0 when right
      if (err.item() !== 0) mistakes++;
      w = w.add(x.mul(err).mul(lr)); // w += lr·(y − ŷ)·x
      b = b.add(err.mul(lr)); //          b += lr·(y − ŷ)
    }
    const correct = step(X.matmul(w).add(b)).eq(y).sum().item();
    bestCorrect = Math.max(bestCorrect, correct);
    if (mistakes === 0) return { converged: true, epoch, bestCorrect, w, b };
  }
  return { converged: false, epoch: maxEpochs, bestCorrect, w, b };
}

console.log("Rosenblatt's perceptron: w += lr·(y − ŷ)·x, lr = 0.1, up to 100 epochs\n");
for (const [name, t] of Object.entries(targets)) {
  const y = tg.tensor(t);
  const r = trainPerceptron(y);
  const out = step(X.matmul(r.w).add(r.b));
  if (r.converged) {
    // The learned weights define the separating line w1·x1 + w2·x2 + b = 0.
    console.log(`${name}: converged in epoch ${r.epoch}: w = ${fmt(r.w)}, b = ${r.b.item().toFixed(2)}; outputs ${bits(out)}`);
  } else {
    console.log(
      `${name}: did not converge: no epoch in ${r.epoch} classified all four (best ${r.bestCorrect}/4); ` +
        `no line separates {01, 10} from {00, 11}`,
    );
  }
}

// ── 3. Two layers of threshold units compute XOR ───────────────────────────────────────────────────────
// XOR(x1, x2) = AND(OR(x1, x2), NAND(x1, x2)): a hidden layer of two units, then one output unit.
// Column 0 of W1 is an OR unit (fires when x1 + x2 > 0.5), column 1 a NAND unit (when −x1 − x2 > −1.5).
const W1 = tg.tensor([
  [1, -1],
  [1, -1],
]);
const b1 = tg.tensor([-0.5, 1.5]);
const h = step(X.matmul(W1).add(b1)); // [4, 2]: the hidden units' outputs (OR, NAND)
const xorOut = step(h.matmul(tg.tensor([1, 1])).sub(1.5)); // AND of the two
console.log(`\nTwo-layer threshold network (hidden: OR, NAND; output: AND): XOR = ${bits(xorOut)}`);
