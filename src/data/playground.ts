import { ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import { defaultGenerator, Generator } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Options of the 2-D toy datasets. The generation follows TensorFlow Playground's `dataset.ts`, with
 * `noise` on its scale (the slider's 0–50 divided by 100, so 0 to 0.5).
 */
export interface PlaygroundOptions {
  /** Number of points (default 500). */
  n?: number;
  /** Noise level, 0 for none (default 0); see each dataset for what it perturbs. */
  noise?: number;
  /** Seed for a private generator: the same seed gives the same points. */
  seed?: number;
  /** The generator to draw from when no `seed` is given; the default generator (`tg.manualSeed`) otherwise. */
  generator?: Generator;
  /** Shuffle the points, as the Playground does before splitting (default true); false keeps class 1 first. */
  shuffle?: boolean;
}

/** Points `x` ([n, 2] float32) with labels `y` ([n] int32, 0 or 1) or regression targets (`[n]` float32). */
export interface Points2D {
  x: Tensor;
  y: Tensor;
}

interface Builder {
  n: number;
  uniform(a: number, b: number): number;
  normal(mean: number, variance: number): number;
  push(x: number, y: number, label: number): void;
}

function generate(op: string, options: PlaygroundOptions, regression: boolean, fill: (b: Builder) => void): Points2D {
  const { n = 500, noise = 0, seed, shuffle = true } = options;
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`${op}: n must be a non-negative integer, got ${n}`);
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new ValueError(`${op}: noise must be a finite number >= 0, got ${noise}`);
  const g = seed !== undefined ? new Generator(seed) : (options.generator ?? defaultGenerator);
  const xs = new Float32Array(2 * n);
  const labels = regression ? new Float32Array(n) : new Int32Array(n);
  let k = 0;
  const builder: Builder = {
    n,
    uniform: (a, b) => g.random() * (b - a) + a,
    // Marsaglia's polar method, as the Playground's normalRandom.
    normal: (mean, variance) => {
      let v1: number;
      let v2: number;
      let s: number;
      do {
        v1 = 2 * g.random() - 1;
        v2 = 2 * g.random() - 1;
        s = v1 * v1 + v2 * v2;
      } while (s > 1 || s === 0);
      return mean + Math.sqrt(variance) * Math.sqrt((-2 * Math.log(s)) / s) * v1;
    },
    push: (x, y, label) => {
      xs[2 * k] = x;
      xs[2 * k + 1] = y;
      labels[k] = label;
      k++;
    },
  };
  fill(builder);
  if (shuffle) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(g.random() * (i + 1));
      const tx = xs[2 * i];
      const ty = xs[2 * i + 1];
      xs[2 * i] = xs[2 * j];
      xs[2 * i + 1] = xs[2 * j + 1];
      xs[2 * j] = tx;
      xs[2 * j + 1] = ty;
      const tl = labels[i];
      labels[i] = labels[j];
      labels[j] = tl;
    }
  }
  return { x: fromTyped(xs, [n, 2]), y: fromTyped(labels, [n]) };
}

/** Class sizes: the first (label 1) gets the odd point. */
const halves = (n: number): [number, number] => [Math.ceil(n / 2), Math.floor(n / 2)];

const dist = (x: number, y: number): number => Math.sqrt(x * x + y * y);

/**
 * A disc of label-1 points (radius < 2.5) inside a ring of label-0 points (radius 3.5 to 5). Noise shifts
 * the position a label is computed from by up to `5 · noise` per axis, so labels near the edge flip.
 *
 * @example
 * const { x, y } = tg.data.circle({ n: 200, noise: 0.1, seed: 1 });
 */
export function circle(options: PlaygroundOptions = {}): Points2D {
  return generate("circle", options, false, (b) => {
    const radius = 5;
    const [inner, outer] = halves(b.n);
    const point = (rMin: number, rMax: number): void => {
      const r = b.uniform(rMin, rMax);
      const angle = b.uniform(0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const noiseX = b.uniform(-radius, radius) * (options.noise ?? 0);
      const noiseY = b.uniform(-radius, radius) * (options.noise ?? 0);
      b.push(x, y, dist(x + noiseX, y + noiseY) < radius * 0.5 ? 1 : 0);
    };
    for (let i = 0; i < inner; i++) point(0, radius * 0.5);
    for (let i = 0; i < outer; i++) point(radius * 0.7, radius);
  });
}

/**
 * Points uniform in [-5, 5]² pushed 0.3 away from the axes, labelled 1 where x·y >= 0 (quadrants I and
 * III). Noise shifts the labelling position by up to `5 · noise` per axis.
 *
 * @example
 * const { x, y } = tg.data.xor({ n: 400, seed: 0 });
 */
export function xor(options: PlaygroundOptions = {}): Points2D {
  return generate("xor", options, false, (b) => {
    const padding = 0.3;
    const noise = options.noise ?? 0;
    for (let i = 0; i < b.n; i++) {
      let x = b.uniform(-5, 5);
      x += x > 0 ? padding : -padding;
      let y = b.uniform(-5, 5);
      y += y > 0 ? padding : -padding;
      const noiseX = b.uniform(-5, 5) * noise;
      const noiseY = b.uniform(-5, 5) * noise;
      b.push(x, y, (x + noiseX) * (y + noiseY) >= 0 ? 1 : 0);
    }
  });
}

/**
 * Two gaussian blobs: label 1 around (2, 2), label 0 around (-2, -2), with variance `0.5 + 7 · noise`
 * (the Playground maps noise 0–0.5 to variance 0.5–4).
 *
 * @example
 * const { x, y } = tg.data.gauss({ n: 200, noise: 0.2, seed: 3 });
 */
export function gauss(options: PlaygroundOptions = {}): Points2D {
  return generate("gauss", options, false, (b) => {
    const variance = 0.5 + (options.noise ?? 0) * 7;
    const [pos, neg] = halves(b.n);
    for (let i = 0; i < pos; i++) b.push(b.normal(2, variance), b.normal(2, variance), 1);
    for (let i = 0; i < neg; i++) b.push(b.normal(-2, variance), b.normal(-2, variance), 0);
  });
}

/**
 * Two interleaved spirals (1.75 turns, radius 0 to 5): label 1 and, half a turn further, label 0. Noise
 * adds up to `noise` per axis to each point.
 *
 * @example
 * const { x, y } = tg.data.spiral({ n: 300, noise: 0.1, seed: 7 });
 */
export function spiral(options: PlaygroundOptions = {}): Points2D {
  return generate("spiral", options, false, (b) => {
    const noise = options.noise ?? 0;
    const arm = (count: number, deltaT: number, label: number): void => {
      for (let i = 0; i < count; i++) {
        const r = (i / count) * 5;
        const t = ((1.75 * i) / count) * 2 * Math.PI + deltaT;
        b.push(r * Math.sin(t) + b.uniform(-1, 1) * noise, r * Math.cos(t) + b.uniform(-1, 1) * noise, label);
      }
    };
    const [pos, neg] = halves(b.n);
    arm(pos, 0, 1);
    arm(neg, Math.PI, 0);
  });
}

/**
 * Two interleaving half circles, as scikit-learn's `make_moons` (not part of the Playground): label 0 on
 * the upper arc (cos t, sin t), label 1 on the lower arc (1 - cos t, 0.5 - sin t), t evenly spaced in
 * [0, π]; noise is the standard deviation of gaussian noise added to each coordinate.
 *
 * @example
 * const { x, y } = tg.data.moons({ n: 200, noise: 0.1, seed: 0 });
 */
export function moons(options: PlaygroundOptions = {}): Points2D {
  return generate("moons", options, false, (b) => {
    const std = options.noise ?? 0;
    const jitter = (): number => (std > 0 ? b.normal(0, std * std) : 0);
    const outer = Math.floor(b.n / 2);
    const inner = b.n - outer;
    const t = (i: number, count: number): number => (count > 1 ? (Math.PI * i) / (count - 1) : 0);
    for (let i = 0; i < outer; i++) b.push(Math.cos(t(i, outer)) + jitter(), Math.sin(t(i, outer)) + jitter(), 0);
    for (let i = 0; i < inner; i++) b.push(1 - Math.cos(t(i, inner)) + jitter(), 0.5 - Math.sin(t(i, inner)) + jitter(), 1);
  });
}

/**
 * Regression on a plane: points uniform in [-6, 6]², target `(x + y) / 10` (in [-1.2, 1.2]), computed at a
 * position shifted by up to `6 · noise` per axis.
 *
 * @example
 * const { x, y } = tg.data.plane({ n: 200, seed: 0 }); // y: [200] float32
 */
export function plane(options: PlaygroundOptions = {}): Points2D {
  return generate("plane", options, true, (b) => {
    const radius = 6;
    const noise = options.noise ?? 0;
    for (let i = 0; i < b.n; i++) {
      const x = b.uniform(-radius, radius);
      const y = b.uniform(-radius, radius);
      const noiseX = b.uniform(-radius, radius) * noise;
      const noiseY = b.uniform(-radius, radius) * noise;
      b.push(x, y, (x + noiseX + y + noiseY) / 10);
    }
  });
}

const GAUSSIANS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/**
 * Regression on six alternating bumps (the Playground's "regress gaussian"): points uniform in [-6, 6]²,
 * target ±max(0, 1 - d/2) for the nearest-in-effect of six centres at x ∈ {-4, 0, 4}, y = ±2.5, in
 * [-1, 1]; computed at a position shifted by up to `6 · noise` per axis.
 *
 * @example
 * const { x, y } = tg.data.gaussian({ n: 300, noise: 0.05, seed: 0 });
 */
export function gaussian(options: PlaygroundOptions = {}): Points2D {
  return generate("gaussian", options, true, (b) => {
    const radius = 6;
    const noise = options.noise ?? 0;
    const target = (x: number, y: number): number => {
      let label = 0;
      for (const [cx, cy, sign] of GAUSSIANS) {
        const value = sign * Math.min(1, Math.max(0, 1 - dist(x - cx, y - cy) / 2));
        if (Math.abs(value) > Math.abs(label)) label = value;
      }
      return label;
    };
    for (let i = 0; i < b.n; i++) {
      const x = b.uniform(-radius, radius);
      const y = b.uniform(-radius, radius);
      const noiseX = b.uniform(-radius, radius) * noise;
      const noiseY = b.uniform(-radius, radius) * noise;
      b.push(x, y, target(x + noiseX, y + noiseY));
    }
  });
}
