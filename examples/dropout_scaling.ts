/**
 * Dropout's train/test scaling, in numbers. While training, `nn.Dropout(p)` zeroes each activation with
 * probability p and multiplies the survivors by 1/(1 − p) ("inverted dropout"), so the expected value of
 * every activation is unchanged:  E[out] = (1 − p) · x/(1 − p) + p · 0 = x.  In eval mode it is the
 * identity, and the next layer sees inputs of the same average size as during training.
 *
 * The original paper (Srivastava et al., 2014) did it the other way around: no scaling while training,
 * and weights multiplied by (1 − p) at test time. The last table shows why one of the two is needed.
 *
 * Run: npx tsx --conditions=source examples/dropout_scaling.ts
 */
import * as tg from "tensorgrad";

tg.manualSeed(0);

// A batch of positive activations (as after a ReLU): 1000 examples × 100 units, mean ≈ 1.
const x = tg.rand([1000, 100]).add(0.5);
const inputMean = x.mean().item();
console.log(`input: ${x.shape.join(" × ")} activations, mean ${inputMean.toFixed(4)}\n`);

const header = "   p  | zeroed (train) | survivor scale | 1/(1−p) | train mean | eval mean | eval == input";
console.log(header);
console.log("-".repeat(header.length));
for (const p of [0.1, 0.2, 0.5, 0.8]) {
  const drop = new tg.nn.Dropout(p);

  drop.train();
  const out = drop(x);
  const kept = out.ne(0).float(); // 1 where the unit survived, 0 where it was dropped
  const zeroed = 1 - kept.mean().item();
  // Every survivor is its input times the same factor, so their sums give it: Σ out / Σ x over survivors.
  const scale = out.sum().item() / x.mul(kept).sum().item();
  const trainMean = out.mean().item();

  drop.eval();
  const evalOut = drop(x);
  const evalMean = evalOut.mean().item();
  const identical = evalOut.eq(x).all().item() === 1;

  console.log(
    `p=${p.toFixed(2)} | ${zeroed.toFixed(4).padStart(14)} | ${scale.toFixed(4).padStart(14)} | ${(1 / (1 - p)).toFixed(4).padStart(7)} | ` +
      `${trainMean.toFixed(4).padStart(10)} | ${evalMean.toFixed(4).padStart(9)} | ${identical ? "yes" : "no"}`,
  );
}

// Without the 1/(1 − p) factor, training sees activations (1 − p) times smaller than the test does: the
// next layer's weights were fitted to the smaller inputs, so every prediction at test time is off.
console.log("\nWithout the scaling (mask only), the mean the next layer sees:");
console.log("   p  | train mean | eval mean | ratio");
for (const p of [0.2, 0.5, 0.8]) {
  const masked = x.mul(tg.bernoulli(1 - p, x.shape));
  const trainMean = masked.mean().item();
  console.log(
    `p=${p.toFixed(2)} | ${trainMean.toFixed(4).padStart(10)} | ${inputMean.toFixed(4).padStart(9)} | ${(trainMean / inputMean).toFixed(3)} ≈ 1 − p`,
  );
}
