import { is, kw, required, signature } from "../args.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import { Generator } from "../ops/random.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";

// Exact t-SNE (van der Maaten and Hinton, 2008) on plain typed arrays, with scikit-learn's optimizer settings: affinities
// from a binary search on each point's bandwidth, 250 early-exaggerated iterations with momentum 0.5, then momentum 0.8,
// gains (delta-bar-delta), learning rate "auto". O(n²) memory and time per iteration: meant for up to a few thousand
// points (word maps of a few hundred or a thousand words).

/** The most points `tsne` takes: its n × n float64 matrices stay under 150 MB. */
export const TSNE_MAX_POINTS = 3000;

const EXPLORATION_ITERATIONS = 250;

export interface TsneOptions {
  /** The output dims (default 2). */
  nComponents?: number;
  /** The effective number of neighbours each point's Gaussian covers (default 30; must be below the point count). */
  perplexity?: number;
  /** How much the affinities are multiplied by during the first 250 iterations (default 12). */
  earlyExaggeration?: number;
  /** The step size; default max(n / earlyExaggeration / 4, 50), scikit-learn's "auto". */
  learningRate?: number | null;
  /** Gradient-descent iterations (default 1000). */
  iterations?: number;
  /** The seed of the random start (default 0): the same seed gives the same map. */
  seed?: number;
}

const positive = (what: string) => is.numberWhere(`a positive ${what}`, (v) => v > 0 && Number.isFinite(v));
const TSNE = signature("tsne", {
  x: required(is.tensor),
  nComponents: kw(is.posInt, 2),
  perplexity: kw(positive("number"), 30),
  earlyExaggeration: kw(
    is.numberWhere("a number >= 1", (v) => v >= 1 && Number.isFinite(v)),
    12,
  ),
  learningRate: kw(is.nullable(positive("number")), null),
  iterations: kw(is.posInt, 1000),
  seed: kw(is.int, 0),
});

/**
 * Squared Euclidean distances between the rows of `x` ([n, d]).
 * @internal
 */
export function squaredDistances(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[i * d + k] - x[j * d + k];
        s += t * t;
      }
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * The conditional affinities P_j|i (row i, n × n): each row's Gaussian bandwidth is found by binary search so that the
 * row has the given perplexity (entropy log(perplexity), in nats). Exported for the tests.
 * @internal
 */
export function conditionalProbabilities(dist: Float64Array, n: number, perplexity: number): Float64Array {
  const p = new Float64Array(n * n);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let dmin = Infinity;
    for (let j = 0; j < n; j++) if (j !== i && dist[row + j] < dmin) dmin = dist[row + j];
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let it = 0; it < 100; it++) {
      // Distances shifted by the row's smallest: the same distribution, no underflow for far-apart points.
      let sum = 0;
      let dot = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dj = dist[row + j] - dmin;
        const e = Math.exp(-dj * beta);
        p[row + j] = e;
        sum += e;
        dot += dj * e;
      }
      const entropy = Math.log(sum) + (beta * dot) / sum;
      const diff = entropy - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    let sum = 0;
    for (let j = 0; j < n; j++) if (j !== i) sum += p[row + j];
    for (let j = 0; j < n; j++) p[row + j] = j === i ? 0 : p[row + j] / sum;
  }
  return p;
}

/** The joint affinities P = (P_j|i + P_i|j) / 2n (symmetric, summing to 1, floored at 1e-12). */
function jointProbabilities(dist: Float64Array, n: number, perplexity: number): Float64Array {
  const p = conditionalProbabilities(dist, n, perplexity);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.max((p[i * n + j] + p[j * n + i]) / (2 * n), 1e-12);
      p[i * n + j] = v;
      p[j * n + i] = v;
    }
  }
  return p;
}

/**
 * One pass over the pairs of map points: the attractive sums Σ_j e·p_ij·w_ij·(y_i − y_j) into `attract`, the repulsive
 * sums Σ_j w_ij²·(y_i − y_j) into `repel` (to be divided by Z), and returns Z = Σ_{i≠j} w_ij.
 */
function forces(
  y: Float64Array,
  p: Float64Array,
  n: number,
  m: number,
  exaggeration: number,
  attract: Float64Array,
  repel: Float64Array,
): number {
  attract.fill(0);
  repel.fill(0);
  const diff = new Float64Array(m);
  let z = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * m;
    for (let j = i + 1; j < n; j++) {
      const oj = j * m;
      let s = 0;
      for (let k = 0; k < m; k++) {
        const t = y[oi + k] - y[oj + k];
        diff[k] = t;
        s += t * t;
      }
      const w = 1 / (1 + s);
      z += 2 * w;
      const pa = exaggeration * p[i * n + j] * w;
      const r = w * w;
      for (let k = 0; k < m; k++) {
        attract[oi + k] += pa * diff[k];
        attract[oj + k] -= pa * diff[k];
        repel[oi + k] += r * diff[k];
        repel[oj + k] -= r * diff[k];
      }
    }
  }
  return z;
}

/** `forces` for a 2-D map, unrolled (the common case, about 4× faster). */
function forces2d(y: Float64Array, p: Float64Array, n: number, exaggeration: number, attract: Float64Array, repel: Float64Array): number {
  attract.fill(0);
  repel.fill(0);
  let z = 0;
  for (let i = 0; i < n; i++) {
    const yi0 = y[2 * i];
    const yi1 = y[2 * i + 1];
    const row = i * n;
    let a0 = 0;
    let a1 = 0;
    let r0 = 0;
    let r1 = 0;
    for (let j = i + 1; j < n; j++) {
      const d0 = yi0 - y[2 * j];
      const d1 = yi1 - y[2 * j + 1];
      const w = 1 / (1 + d0 * d0 + d1 * d1);
      z += w;
      const pa = exaggeration * p[row + j] * w;
      const r = w * w;
      a0 += pa * d0;
      a1 += pa * d1;
      r0 += r * d0;
      r1 += r * d1;
      attract[2 * j] -= pa * d0;
      attract[2 * j + 1] -= pa * d1;
      repel[2 * j] -= r * d0;
      repel[2 * j + 1] -= r * d1;
    }
    attract[2 * i] += a0;
    attract[2 * i + 1] += a1;
    repel[2 * i] += r0;
    repel[2 * i + 1] += r1;
  }
  return 2 * z;
}

/**
 * A low-dimensional map of the rows of `x` ([n, d]) by exact t-SNE: points that are near in `x` stay near (clusters stay
 * clusters); distances between far-apart clusters mean little. Returns a float64 [n, nComponents] tensor; the same
 * seed gives the same map. O(n²) time per iteration and memory (at most 3,000 points).
 *
 * @example
 * const xy = tg.data.tsne(kv.vectors.narrow(0, 50, 300), { perplexity: 20, seed: 1 }); // [300, 2]
 */
export function tsne(x: Tensor, ...rest: [] | [options: TsneOptions]): Tensor {
  const a = TSNE.parse([x, ...rest]);
  if (x.ndim !== 2) throw new ShapeError(`tsne: expected x of shape [n, d], got ${fmt(x.shape)}`);
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new DTypeError(`tsne: expected a floating x, got ${x.dtype}`);
  const [n, d] = x.shape as [number, number];
  if (n < 2 || n > TSNE_MAX_POINTS) throw new ValueError(`tsne: needs 2 to ${TSNE_MAX_POINTS} points (rows), got ${n}`);
  if (a.perplexity >= n) throw new ValueError(`tsne: perplexity (${a.perplexity}) must be less than the number of points (${n})`);
  const data = Float64Array.from(x.contiguous().toArray() as ArrayLike<number>);
  if (!data.every(Number.isFinite)) throw new ValueError("tsne: x has NaN or infinite values");

  const p = jointProbabilities(squaredDistances(data, n, d), n, a.perplexity);
  const m = a.nComponents;
  const lr = a.learningRate ?? Math.max(n / a.earlyExaggeration / 4, 50);
  const gen = new Generator(a.seed);
  const y = Float64Array.from({ length: n * m }, () => 1e-4 * gen.normal());
  const update = new Float64Array(n * m);
  const gains = new Float64Array(n * m).fill(1);
  const grad = new Float64Array(n * m);
  const attract = new Float64Array(n * m);
  const repel = new Float64Array(n * m);
  for (let it = 0; it < a.iterations; it++) {
    const exploring = it < EXPLORATION_ITERATIONS;
    const exaggeration = exploring ? a.earlyExaggeration : 1;
    const momentum = exploring ? 0.5 : 0.8;
    // dC/dy_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j), w_ij = (1 + ‖y_i − y_j‖²)⁻¹, q_ij = w_ij / Z.
    const z = m === 2 ? forces2d(y, p, n, exaggeration, attract, repel) : forces(y, p, n, m, exaggeration, attract, repel);
    for (let q = 0; q < n * m; q++) grad[q] = 4 * (attract[q] - repel[q] / z);
    for (let q = 0; q < n * m; q++) {
      gains[q] = Math.max(update[q] * grad[q] < 0 ? gains[q] + 0.2 : gains[q] * 0.8, 0.01);
      update[q] = momentum * update[q] - lr * gains[q] * grad[q];
      y[q] += update[q];
    }
  }
  // Centred at the origin (the map is defined up to translation).
  for (let k = 0; k < m; k++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i * m + k];
    mean /= n;
    for (let i = 0; i < n; i++) y[i * m + k] -= mean;
  }
  return fromTyped(y, [n, m]);
}
