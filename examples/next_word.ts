/**
 * The next-word distribution: a language model does not pick a word, it gives every word of its vocabulary a
 * probability, P(next word | the words so far). This example trains a small word-level LSTM on the State of the
 * Union addresses since 1990 (about 200,000 words; the 2,000 most frequent are the vocabulary, rarer ones are
 * <unk>), then reads a few prompts and prints the top 5 next words with their probabilities as bars:
 *
 *   "the united" → states 0.9 ████████████████, nations 0.03 █, ...
 *
 * It also reports the loss per word and the perplexity e^loss ("as unsure as a fair choice among N words") next
 * to a unigram model, which ignores the prompt and always predicts each word by its frequency.
 *
 * Run: npx tsx --conditions=source examples/next_word.ts   (TG_QUICK=1 for a short run)
 */
import * as tg from "tensorgrad";
import { loadSotu } from "tensorgrad/node";
import { progressBar, showProgress } from "./progress.ts";

const { nn } = tg;
const F = tg.nn.functional;

const quick = process.env.TG_QUICK === "1";
const steps = quick ? 200 : 1500;
const batchSize = 32;
const window = 16; // words per training sequence
const prompts = ["the united", "we must", "the american", "health", "god bless", "i ask the congress to"];

/** Embedding → LSTM → a score for every word of the vocabulary at every position. */
class WordLSTM extends nn.Module {
  emb: tg.nn.Embedding;
  lstm: tg.nn.LSTM;
  head: tg.nn.Linear;

  constructor(vocabSize: number, embDim: number, hiddenSize: number) {
    super();
    this.emb = new nn.Embedding(vocabSize, embDim);
    this.lstm = new nn.LSTM(embDim, hiddenSize, { batchFirst: true });
    this.head = new nn.Linear(hiddenSize, vocabSize);
  }

  /** `x`: [batch, time] int32 word ids → [batch, time, vocab] logits. */
  forward(x: tg.Tensor): tg.Tensor {
    const [out] = this.lstm(this.emb(x));
    return this.head(out as tg.Tensor);
  }
}

// 1. Data: the speeches as one stream of words; the last tenth is held out for validation.
const speeches = await loadSotu({ fromYear: 1990 });
const words = speeches.flatMap((s) => tg.data.tokenize(s.text));
const nTrain = Math.floor(words.length * 0.9);
const vocab = tg.data.Vocab.build([words.slice(0, nTrain)], { maxSize: 2000 }); // "<unk>" at 0, then by frequency
const ids = vocab.encode(words);
const trainIds = ids.subarray(0, nTrain);
const valIds = ids.subarray(nTrain);
console.log(
  `${speeches.length} addresses (${speeches[0].year}–${speeches.at(-1)?.year}): ${words.length} words, ` +
    `a vocabulary of ${vocab.size} (${((100 * ids.filter((i) => i === 0).length) / ids.length).toFixed(1)}% of the words are <unk>)\n`,
);

/** Windows starting at `starts`: x = words t..t+T−1, y = words t+1..t+T (each word's next word). */
function batchAt(stream: Int32Array, starts: ArrayLike<number>): [tg.Tensor, tg.Tensor] {
  const n = starts.length;
  const x = new Int32Array(n * window);
  const y = new Int32Array(n * window);
  for (let b = 0; b < n; b++) {
    x.set(stream.subarray(starts[b], starts[b] + window), b * window);
    y.set(stream.subarray(starts[b] + 1, starts[b] + window + 1), b * window);
  }
  return [tg.tensor(x, { dtype: "int32" }).reshape([n, window]), tg.tensor(y, { dtype: "int32" }).reshape([n, window])];
}

/** Mean cross-entropy per word over the validation stream, cut into consecutive windows. */
function validationLoss(model: WordLSTM): number {
  const starts = Array.from({ length: Math.floor((valIds.length - 1) / window) }, (_, i) => i * window);
  let sum = 0;
  tg.noGrad(() => {
    for (let i = 0; i < starts.length; i += 64) {
      const [x, y] = batchAt(valIds, starts.slice(i, i + 64));
      sum += F.crossEntropy(model(x).reshape([-1, vocab.size]), y.reshape([-1]), { reduction: "sum" }).item();
    }
  });
  return sum / (starts.length * window);
}

// The unigram baseline: P(word) = its share of the training words, whatever came before.
const unigram = new Float64Array(vocab.size);
for (const i of trainIds) unigram[i]++;
let unigramLoss = 0;
for (const i of valIds) unigramLoss -= Math.log(unigram[i] / trainIds.length);
unigramLoss /= valIds.length;

// 2. Training: random windows of the training stream, next-word cross-entropy at every position.
tg.manualSeed(0);
const g = new tg.Generator(0);
const model = new WordLSTM(vocab.size, 64, 128);
const lr = 2e-2;
const opt = new tg.optim.Adam(model.parameters(), { lr });
const sched = new tg.optim.lrScheduler.CosineAnnealingLR(opt, steps, lr / 10);
console.log(`${model.toString()}\n`);
const start = performance.now();
let smoothed = Math.log(vocab.size);
for (let step = 1; step <= steps; step++) {
  const starts = tg.randint(0, trainIds.length - window - 1, [batchSize], { generator: g }).toArray();
  const [x, y] = batchAt(trainIds, starts);
  const loss = F.crossEntropy(model(x).reshape([-1, vocab.size]), y.reshape([-1]));
  opt.zeroGrad();
  loss.backward();
  tg.nn.utils.clipGradNorm_(model.parameters(), 1);
  opt.step();
  sched.step();
  smoothed = 0.95 * smoothed + 0.05 * loss.item();
  if (step % 25 === 0 || step === steps)
    showProgress(progressBar(step, steps, `step ${step}  minibatch loss ${smoothed.toFixed(3)} (smoothed)`), step === steps);
}
const seconds = (performance.now() - start) / 1000;
const valLoss = validationLoss(model);
console.log(`\ntrained ${steps} steps of Adam (${batchSize} windows of ${window} words) in ${seconds.toFixed(1)} s\n`);
console.log("validation loss per word (perplexity = e^loss):");
console.log(`  uniform guess    ${Math.log(vocab.size).toFixed(3)}  (perplexity ${vocab.size})`);
console.log(`  unigram counts   ${unigramLoss.toFixed(3)}  (perplexity ${Math.exp(unigramLoss).toFixed(0)})`);
console.log(`  LSTM             ${valLoss.toFixed(3)}  (perplexity ${Math.exp(valLoss).toFixed(0)})\n`);

// 3. The distribution for each prompt: run the LSTM over the prompt's words, softmax the last position's scores.
const k = 5;
for (const prompt of prompts) {
  const x = tg.tensor([Array.from(vocab.encode(tg.data.tokenize(prompt)))], { dtype: "int32" });
  const probs = tg.noGrad(() => F.softmax(model(x).get(0, -1), -1));
  const { values, indices } = probs.topk(k);
  const p = values.toArray();
  const next = vocab.decode(indices.toArray());
  console.log(`"${prompt}" →`);
  for (const [i, w] of next.entries())
    console.log(`  ${w.padEnd(12)} ${p[i].toFixed(3)} ${"█".repeat(Math.max(1, Math.round(p[i] * 40)))}`);
  console.log(`  (the other ${vocab.size - k} words share ${(1 - values.sum().item()).toFixed(3)})\n`);
}
