/**
 * The model and training loop behind examples/char_lm.ts and examples/word_vectors.ts: a character-level
 * MLP language model in the style of Bengio et al. (2003), as Karpathy builds it in makemore part 2.
 *
 *   context of 3 characters ──► embedding table C (27 × 10) ──► concat (30) ──► Linear + tanh (hidden)
 *                            ──► Linear (27 logits) ──► softmax over the next character
 *
 * Exported as a function so the scripts and the test can share it: the test trains for a few hundred
 * steps, the script for a few thousand.
 */
import * as tg from "tensorgrad";
import { loadNames } from "tensorgrad/node";

const { nn } = tg;

/** Embeddings → tanh hidden layer → logits over the vocabulary. */
export class CharMLP extends nn.Module {
  emb: tg.nn.Embedding;
  hidden: tg.nn.Linear;
  out: tg.nn.Linear;

  constructor(
    readonly vocabSize: number,
    readonly blockSize: number,
    embDim: number,
    hiddenSize: number,
  ) {
    super();
    this.emb = new nn.Embedding(vocabSize, embDim);
    this.hidden = new nn.Linear(blockSize * embDim, hiddenSize);
    this.out = new nn.Linear(hiddenSize, vocabSize);
    // makemore's trick: a small output layer makes the first predictions nearly uniform, so the initial
    // loss is close to ln(27) ≈ 3.30 instead of a confidently wrong 10+.
    tg.noGrad(() => {
      this.out.weight.mul_(0.1);
      this.out.bias?.zero_();
    });
  }

  /** `x`: [batch, blockSize] int32 character indices → [batch, vocabSize] logits. */
  forward(x: tg.Tensor): tg.Tensor {
    const e = this.emb(x); // [batch, blockSize, embDim]
    const flat = e.reshape([x.shape[0], -1]); // [batch, blockSize·embDim]: the three vectors side by side
    return this.out(this.hidden(flat).tanh());
  }
}

export interface CharLmOptions {
  /** Optimizer steps (default 4000). */
  steps?: number;
  /** Minibatch size (default 64). */
  batchSize?: number;
  /** Characters of context (default 3). */
  blockSize?: number;
  /** Embedding dimension (default 10). */
  embDim?: number;
  /** Hidden units (default 200). */
  hidden?: number;
  /** Adam's learning rate at the start; it decays to a tenth along a cosine (default 0.01). */
  lr?: number;
  /** Seed for the initialization, the split and the minibatches (default 42). */
  seed?: number;
  /** Fraction of the names held out for validation (default 0.1). */
  valFraction?: number;
  /** Called every `logEvery` steps with the minibatch loss. */
  onProgress?: (step: number, steps: number, loss: number) => void;
  /** How often `onProgress` is called (default 100). */
  logEvery?: number;
}

export interface CharLm {
  model: CharMLP;
  vocab: tg.data.CharVocab;
  blockSize: number;
  /** Mean cross-entropy over every (context, next char) pair of the training names. */
  trainLoss: number;
  /** The same over the held-out names. */
  valLoss: number;
  /** The loss before any training (≈ ln 27 thanks to the small output layer). */
  initialLoss: number;
  /** The names trained on and the held-out names. */
  trainWords: string[];
  valWords: string[];
  trainExamples: number;
  valExamples: number;
  steps: number;
  seconds: number;
}

/** Mean cross-entropy of `model` over a whole dataset, without building a graph. */
export function evaluate(model: CharMLP, x: tg.Tensor, y: tg.Tensor): number {
  return tg.noGrad(() => tg.nn.functional.crossEntropy(model(x), y).item());
}

/** Loads the names, splits them, and trains the model. Deterministic for a given seed. */
export async function trainCharLm(options: CharLmOptions = {}): Promise<CharLm> {
  const {
    steps = 4000,
    batchSize = 64,
    blockSize = 3,
    embDim = 10,
    hidden = 200,
    lr = 0.01,
    seed = 42,
    valFraction = 0.1,
    onProgress,
    logEvery = 100,
  } = options;
  tg.manualSeed(seed);
  const g = new tg.Generator(seed);

  // 1. Data: every name, a vocabulary of "." + a–z, and a split by name (not by example), so no name
  //    seen in training is scored in validation.
  const words = await loadNames();
  const vocab = tg.data.CharVocab.fromWords(words);
  const order = Array.from(tg.randperm(words.length, { generator: g }).toArray());
  const nVal = Math.round(words.length * valFraction);
  const valWords = order.slice(0, nVal).map((i) => words[i]);
  const trainWords = order.slice(nVal).map((i) => words[i]);
  const [xTrain, yTrain] = tg.data.charContextDataset(trainWords, blockSize, vocab).tensors;
  const [xVal, yVal] = tg.data.charContextDataset(valWords, blockSize, vocab).tensors;

  // 2. Model and optimizer; a cosine schedule takes the learning rate down to lr/10 by the last step.
  const model = new CharMLP(vocab.size, blockSize, embDim, hidden);
  const opt = new tg.optim.Adam(model.parameters(), { lr });
  const sched = new tg.optim.lrScheduler.CosineAnnealingLR(opt, steps, lr / 10);
  const initialLoss = evaluate(model, xVal, yVal);

  // 3. Minibatch training: sample batchSize random rows, cross-entropy on the next character, step.
  const start = performance.now();
  const n = xTrain.shape[0];
  for (let step = 1; step <= steps; step++) {
    const ix = tg.randint(0, n, [batchSize], { generator: g });
    const loss = tg.nn.functional.crossEntropy(model(xTrain.indexSelect(0, ix)), yTrain.indexSelect(0, ix));
    opt.zeroGrad();
    loss.backward();
    opt.step();
    sched.step();
    if (onProgress && (step % logEvery === 0 || step === steps)) onProgress(step, steps, loss.item());
  }
  const seconds = (performance.now() - start) / 1000;

  return {
    model,
    vocab,
    blockSize,
    trainLoss: evaluate(model, xTrain, yTrain),
    valLoss: evaluate(model, xVal, yVal),
    initialLoss,
    trainWords,
    valWords,
    trainExamples: n,
    valExamples: xVal.shape[0],
    steps,
    seconds,
  };
}

/**
 * Samples a name one character at a time: feed the last `blockSize` characters, turn the logits into
 * probabilities with softmax, draw the next character, stop at the boundary token ".".
 */
export function sampleName(lm: Pick<CharLm, "model" | "vocab" | "blockSize">, generator: tg.Generator, maxLength = 30): string {
  const { model, vocab, blockSize } = lm;
  const context = new Array<number>(blockSize).fill(0);
  const out: number[] = [];
  tg.noGrad(() => {
    while (out.length < maxLength) {
      const x = tg.tensor([context], { dtype: "int32" });
      const probs = tg.nn.functional.softmax(model(x), -1).toArray();
      // Inverse-CDF sampling: walk the cumulative probabilities until they pass a uniform draw.
      const u = generator.random();
      let next = probs.length - 1;
      let acc = 0;
      for (let i = 0; i < probs.length; i++) {
        acc += probs[i];
        if (u < acc) {
          next = i;
          break;
        }
      }
      if (next === 0) break;
      out.push(next);
      context.shift();
      context.push(next);
    }
  });
  return vocab.decode(out);
}
