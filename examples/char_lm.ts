/**
 * A character-level language model, Bengio et al. (2003) style, as in Karpathy's makemore part 2: read
 * the last 3 characters of a name, look up a learned 10-D vector for each, pass the concatenation through
 * a tanh hidden layer, and predict the next character with a softmax over 27 tokens (a–z and ".", which
 * marks the start and the end of a name). Trained with cross-entropy on minibatches, scored on names it
 * never saw, then asked to make up new names.
 *
 * Run: npx tsx --conditions=source examples/char_lm.ts   (TG_QUICK=1 for a short run)
 */
import * as tg from "tensorgrad";
import { sampleName, trainCharLm } from "./char_lm_model.ts";
import { progressBar, showProgress } from "./progress.ts";

const quick = process.env.TG_QUICK === "1";
const steps = quick ? 1500 : 10000;
const batchSize = 64;

const lm = await trainCharLm({
  steps,
  batchSize,
  onProgress: (step, total, loss) =>
    showProgress(progressBar(step, total, `step ${step}  minibatch loss ${loss.toFixed(3)}`), step === total),
  logEvery: quick ? 250 : 1000,
});

console.log(`\n${lm.model.toString()}\n`);
console.log(
  `names: ${lm.trainWords.length} for training (${lm.trainExamples} examples), ${lm.valWords.length} held out (${lm.valExamples})`,
);
console.log(`trained ${lm.steps} steps of Adam (batch ${batchSize}) in ${lm.seconds.toFixed(1)} s\n`);

// Baselines. A model that knows nothing spreads its bet evenly over 27 tokens: loss ln 27. A bigram table
// (makemore part 1) counts which character follows which in the training names and predicts from the
// previous character alone (add-one smoothing keeps unseen pairs possible). Three characters of context
// and learned embeddings should beat it.
function bigramLoss(train: string[], val: string[]): number {
  const V = lm.vocab.size;
  const counts = Array.from({ length: V }, () => new Array<number>(V).fill(1));
  const pairs = (w: string) => {
    const ids = [0, ...lm.vocab.encode(w), 0];
    return ids.slice(1).map((next, i) => [ids[i], next]);
  };
  for (const w of train) for (const [a, b] of pairs(w)) counts[a][b]++;
  const rowSums = counts.map((row) => row.reduce((s, c) => s + c, 0));
  let nll = 0;
  let n = 0;
  for (const w of val)
    for (const [a, b] of pairs(w)) {
      nll -= Math.log(counts[a][b] / rowSums[a]);
      n++;
    }
  return nll / n;
}
console.log(`uniform guess    loss ${Math.log(27).toFixed(3)}  (ln 27)`);
console.log(`bigram counts    loss ${bigramLoss(lm.trainWords, lm.valWords).toFixed(3)}  (validation)`);
console.log(`before training  loss ${lm.initialLoss.toFixed(3)}  (validation)`);
console.log(`train            loss ${lm.trainLoss.toFixed(3)}`);
console.log(`validation       loss ${lm.valLoss.toFixed(3)}`);
const gap = lm.valLoss - lm.trainLoss;
console.log(`(gap ${gap.toFixed(3)}: ${gap < 0.1 ? "little overfitting" : "the model starts to memorize training names"})\n`);

// Sampling: start from "...", draw a character from the softmax, slide the context, repeat until ".".
const g = new tg.Generator(2003);
console.log("ten new names:");
for (let i = 0; i < 10; i++) console.log(`  ${sampleName(lm, g)}`);
