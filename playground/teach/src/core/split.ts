/** The stratified train/validation split: each class holds out the same share of its samples. */
import { Rng } from "./random.ts";

/** Sample indices for training and for validation. */
export interface Split {
  train: number[];
  val: number[];
}

/**
 * Splits sample indices by class: of a class's n samples, round(n × fraction) go to validation, but at least one stays
 * for training (a class of one sample is not validated). Seeded: the same labels and seed give the same split.
 *
 * @example stratifiedSplit([0, 0, 0, 0, 1, 1, 1, 1], 2, 0.25, 1) // one sample of each class in `val`
 */
export function stratifiedSplit(labels: readonly number[], numClasses: number, fraction: number, seed: number): Split {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`stratifiedSplit: fraction must be in [0, 1), got ${fraction}`);
  const rng = new Rng(seed);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => {
    byClass[label].push(i);
  });
  const train: number[] = [];
  const val: number[] = [];
  for (const idx of byClass) {
    rng.shuffle(idx);
    const nVal = Math.min(Math.round(idx.length * fraction), idx.length - 1);
    val.push(...idx.slice(0, Math.max(nVal, 0)));
    train.push(...idx.slice(Math.max(nVal, 0)));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
