/**
 * Reading a trained language model: the distribution of the next token after a context, and sampling text one token
 * at a time (temperature, top-k), as `tensorgrad sample` and `tensorgrad next` print them.
 */
import { noGrad } from "../autograd/grad_mode.js";
import { softmax } from "../nn/functional/activation.js";
import { fromTyped } from "../ops/creation.js";
import type { Generator } from "../ops/random.js";
import { multinomial } from "../ops/sampling.js";
import type { LmVocab } from "./lm_corpus.js";
import type { LanguageModel } from "./lm_models.js";

export interface LmHandle {
  model: LanguageModel;
  vocab: LmVocab;
  /** The longest context the model reads; older tokens are dropped. */
  blockSize: number;
}

/** The logits of the token after `context` (its last `blockSize` tokens), as a Float32Array over the vocabulary. */
function nextLogits(lm: LmHandle, context: readonly number[]): Float32Array {
  const window = context.slice(-lm.blockSize);
  const x = fromTyped(Int32Array.from(window), [1, window.length]);
  return noGrad(
    () =>
      lm
        .model(x)
        .select(1, window.length - 1)
        .reshape([-1])
        .float()
        .toArray() as Float32Array,
  );
}

/** The probabilities of each next token after `context` (softmax of the logits over `temperature`). */
export function nextDistribution(lm: LmHandle, context: readonly number[], temperature = 1): Float32Array {
  const logits = nextLogits(lm, context);
  return noGrad(() => softmax(fromTyped(logits, [logits.length]).div(temperature), 0).toArray() as Float32Array);
}

/** The `k` most likely next tokens after `context`, most likely first. */
export function topNext(lm: LmHandle, context: readonly number[], k: number): { token: string; index: number; probability: number }[] {
  const p = nextDistribution(lm, context);
  return Array.from(p, (probability, index) => ({ index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k)
    .map((e) => ({ ...e, token: lm.vocab.token(e.index) }));
}

export interface SampleOptions {
  /** Tokens to continue (already encoded; for a names model they follow the boundary token). */
  prompt: readonly number[];
  /** Most tokens to add. */
  maxTokens: number;
  /** Divides the logits: below 1 is more conservative, above 1 more adventurous. */
  temperature: number;
  /** Draw only among the k most likely tokens (0: all). */
  topK: number;
  generator: Generator;
}

/**
 * Draws tokens after `prompt` until `maxTokens` are added or (names) the boundary token is drawn; returns the tokens
 * added (the boundary excluded).
 */
export function sampleTokens(lm: LmHandle, o: SampleOptions): number[] {
  const start = lm.vocab.boundary !== null ? [lm.vocab.boundary, ...o.prompt] : [...o.prompt];
  const context = [...start];
  const added: number[] = [];
  while (added.length < o.maxTokens) {
    const p = nextDistribution(lm, context, o.temperature);
    if (o.topK > 0 && o.topK < p.length) {
      const kth = Float32Array.from(p).sort().reverse()[o.topK - 1];
      for (let i = 0; i < p.length; i++) if (p[i] < kth) p[i] = 0;
    }
    const next = multinomial(fromTyped(p, [p.length]), 1, { generator: o.generator }).item();
    if (next === lm.vocab.boundary) break;
    added.push(next);
    context.push(next);
  }
  return added;
}
