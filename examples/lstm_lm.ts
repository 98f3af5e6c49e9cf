/**
 * A character-level LSTM language model on the 8,403 bundled names. Where the MLP of char_lm.ts sees only the
 * last 3 characters, the LSTM reads a whole name one character at a time and carries what it has seen in its
 * state (h, c), so every prefix of the name is context for the next character:
 *
 *   ".emma" ──► embedding (27 → 32) ──► nn.LSTM(32, 128, batchFirst) ──► Linear(128 → 27) ──► "emma."
 *
 * Trained on minibatches of whole names (padded to the longest; padded targets are -1, which the loss ignores)
 * and scored on the same held-out names as char_lm.ts, beside a bigram table and the MLP. Then it makes up names.
 *
 * Run: npx tsx --conditions=source examples/lstm_lm.ts   (TG_QUICK=1 for a short run)
 */
import * as tg from "tensorgrad";
import { loadNames } from "tensorgrad/node";
import { progressBar, showProgress } from "./progress.ts";

const { nn } = tg;
const F = tg.nn.functional;

const quick = process.env.TG_QUICK === "1";
const steps = quick ? 300 : 2000;
const batchSize = 32;
const evalEvery = quick ? 100 : 500;

/** The LSTM's state: h and c, each [layers, batch, hidden]. */
type State = [tg.Tensor, tg.Tensor];

/** Embedding → LSTM → logits at every position: position t predicts character t + 1. */
class CharLSTM extends nn.Module<[x: tg.Tensor, state?: State | null], [tg.Tensor, State]> {
  emb: tg.nn.Embedding;
  lstm: tg.nn.LSTM;
  head: tg.nn.Linear;

  constructor(vocabSize: number, embDim: number, hiddenSize: number) {
    super();
    this.emb = new nn.Embedding(vocabSize, embDim);
    this.lstm = new nn.LSTM(embDim, hiddenSize, { batchFirst: true });
    this.head = new nn.Linear(hiddenSize, vocabSize);
  }

  /** `x`: [batch, time] int32 → [batch, time, vocab] logits, and the final state for carrying on. */
  forward(x: tg.Tensor, state: State | null = null): [tg.Tensor, State] {
    const [out, hc] = this.lstm(this.emb(x), state);
    return [this.head(out as tg.Tensor), hc];
  }
}

// 1. Data: the same split as char_lm.ts (seed 42, 10% of the names held out), so the losses compare.
const words = await loadNames();
const vocab = tg.data.CharVocab.fromWords(words); // "." (index 0) marks the start and the end of a name
const order = Array.from(tg.randperm(words.length, { generator: new tg.Generator(42) }).toArray());
const nVal = Math.round(words.length * 0.1);
const valWords = order.slice(0, nVal).map((i) => words[i]);
const trainWords = order.slice(nVal).map((i) => words[i]);

/** Names as a padded batch: x = ".emma", y = "emma." (y is -1 past a name's end, and the loss skips it). */
function batchOf(names: readonly string[]): [tg.Tensor, tg.Tensor] {
  const T = Math.max(...names.map((w) => w.length)) + 1;
  const x = new Int32Array(names.length * T); // padding reads ".", harmless: later steps never feed earlier ones
  const y = new Int32Array(names.length * T).fill(-1);
  names.forEach((w, b) => {
    const ids = [0, ...vocab.encode(w), 0];
    for (let t = 0; t + 1 < ids.length; t++) {
      x[b * T + t] = ids[t];
      y[b * T + t] = ids[t + 1];
    }
  });
  return [tg.tensor(x, { dtype: "int32" }).reshape([names.length, T]), tg.tensor(y, { dtype: "int32" }).reshape([names.length, T])];
}

/** Cross-entropy per predicted character (the MLP's unit: every letter and each name's final "."). */
function lossOf(model: CharLSTM, x: tg.Tensor, y: tg.Tensor, reduction: "mean" | "sum" = "mean"): tg.Tensor {
  const [logits] = model(x);
  return F.crossEntropy(logits.reshape([-1, vocab.size]), y.reshape([-1]), { ignoreIndex: -1, reduction });
}

/** Mean loss over a list of names, in batches of 512, without building a graph. */
function evaluate(model: CharLSTM, names: readonly string[]): number {
  model.eval();
  let sum = 0;
  let count = 0;
  tg.noGrad(() => {
    for (let i = 0; i < names.length; i += 512) {
      const [x, y] = batchOf(names.slice(i, i + 512));
      sum += lossOf(model, x, y, "sum").item();
      count += y.ge(0).sum().item();
    }
  });
  model.train();
  return sum / count;
}

// 2. Model, optimizer and a cosine schedule down to a tenth of the learning rate.
tg.manualSeed(0);
const g = new tg.Generator(0);
const model = new CharLSTM(vocab.size, 32, 128);
const lr = 5e-3;
const opt = new tg.optim.Adam(model.parameters(), { lr });
const sched = new tg.optim.lrScheduler.CosineAnnealingLR(opt, steps, lr / 10);
console.log(`${model.toString()}\n`);
console.log(`names: ${trainWords.length} for training, ${valWords.length} held out\n`);
const initialLoss = evaluate(model, valWords);

// 3. Training: a minibatch of random names, the loss over all their characters, one Adam step. Clipping the
//    gradient's norm keeps an unlucky batch from throwing the LSTM's state far off (exploding gradients).
const start = performance.now();
let smoothed = initialLoss;
for (let step = 1; step <= steps; step++) {
  const ix = tg.randint(0, trainWords.length, [batchSize], { generator: g }).toArray();
  const [x, y] = batchOf(Array.from(ix, (i) => trainWords[i]));
  const loss = lossOf(model, x, y);
  opt.zeroGrad();
  loss.backward();
  tg.nn.utils.clipGradNorm_(model.parameters(), 1);
  opt.step();
  sched.step();
  smoothed = 0.95 * smoothed + 0.05 * loss.item();
  const line = progressBar(step, steps, `step ${step}  minibatch loss ${smoothed.toFixed(3)} (smoothed)`);
  if (step % 50 === 0 || step === steps) showProgress(line, step === steps);
  if (step % evalEvery === 0 || step === steps) console.log(`step ${step}: validation loss ${evaluate(model, valWords).toFixed(4)}`);
}
const seconds = (performance.now() - start) / 1000;
const trainLoss = evaluate(model, trainWords);
const valLoss = evaluate(model, valWords);
console.log(`\ntrained ${steps} steps of Adam (batch ${batchSize} names) in ${seconds.toFixed(1)} s\n`);

// 4. Baselines on the same held-out names. A bigram table counts which character follows which (add-one
//    smoothing); the MLP figure is char_lm.ts's full run (3 characters of context, 10,000 steps) on this split.
function bigramLoss(train: readonly string[], val: readonly string[]): number {
  const V = vocab.size;
  const counts = Array.from({ length: V }, () => new Array<number>(V).fill(1));
  const pairs = (w: string) => {
    const ids = [0, ...vocab.encode(w), 0];
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
const rows: [string, string][] = [
  ["uniform guess (ln 27)", Math.log(27).toFixed(3)],
  ["bigram counts", bigramLoss(trainWords, valWords).toFixed(3)],
  ["MLP, 3 characters (char_lm.ts)", "2.12"],
  ["LSTM before training", initialLoss.toFixed(3)],
  ["LSTM (this run)", valLoss.toFixed(3)],
];
console.log("validation loss, nats per character:");
for (const [name, value] of rows) console.log(`  ${name.padEnd(32)} ${value}`);
console.log(`LSTM train loss ${trainLoss.toFixed(3)} (gap ${(valLoss - trainLoss).toFixed(3)})\n`);

// 5. Sampling: feed ".", draw the next character from the softmax, feed it with the carried state, until ".".
function sampleName(generator: tg.Generator, maxLength = 30): string {
  const out: number[] = [];
  model.eval();
  tg.noGrad(() => {
    let state: State | null = null;
    let token = 0;
    while (out.length < maxLength) {
      const [logits, next]: [tg.Tensor, State] = model(tg.tensor([[token]], { dtype: "int32" }), state);
      state = next;
      token = tg.multinomial(F.softmax(logits.reshape([-1]), 0), 1, { generator }).item();
      if (token === 0) break;
      out.push(token);
    }
  });
  return vocab.decode(out);
}
const sg = new tg.Generator(1997); // Hochreiter & Schmidhuber's year
console.log("ten new names:");
for (let i = 0; i < 10; i++) console.log(`  ${sampleName(sg)}`);
