/**
 * The playground's data: tensorgrad's own 2-D datasets (`tg.data.circle`...), multiclass blobs and spirals, or an
 * uploaded CSV, split into training and test points.
 */
import * as tg from "tensorgrad";
import type { ParsedCsv } from "./csv.ts";
import { DEFAULT_DOMAIN, type Domain } from "./features.ts";
import type { PlaygroundState, Problem } from "./state.ts";

export const NUM_POINTS = 500;

/** Points with labels, split: the first `nTrain` are the training points, the rest the test points. */
export interface PlaygroundData {
  problem: Problem;
  /** `[n, 2]` row-major. */
  points: Float32Array;
  /** Class (0/1 or 0..K−1) or regression target. */
  labels: Float32Array;
  nTrain: number;
  /** 2 for classification, K for multiclass, 1 for regression. */
  classes: number;
  domain: Domain;
}

function toFloat(t: tg.Tensor): Float32Array {
  return Float32Array.from(t.toArray() as ArrayLike<number>);
}

/** K gaussian blobs on a circle of radius 3.5 (class k at angle 2πk/K); noise widens them. */
function blobs(n: number, k: number, noise: number, g: tg.Generator): { points: Float32Array; labels: Float32Array } {
  const points = new Float32Array(2 * n);
  const labels = new Float32Array(n);
  const std = 0.6 + 3 * noise;
  const normal = (): number => {
    let u = 0;
    while (u === 0) u = g.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * g.random());
  };
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const a = (2 * Math.PI * c) / k + Math.PI / 2;
    points[2 * i] = 3.5 * Math.cos(a) + std * normal();
    points[2 * i + 1] = 3.5 * Math.sin(a) + std * normal();
    labels[i] = c;
  }
  return { points, labels };
}

/** K interleaved spiral arms (1.25 turns, radius 0 to 5); noise jitters the points. */
function spirals(n: number, k: number, noise: number, g: tg.Generator): { points: Float32Array; labels: Float32Array } {
  const points = new Float32Array(2 * n);
  const labels = new Float32Array(n);
  const per = Math.ceil(n / k);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const j = Math.floor(i / k);
    const r = (j / per) * 5 + 0.2;
    const t = (1.25 * j * 2 * Math.PI) / per + (2 * Math.PI * c) / k;
    points[2 * i] = r * Math.sin(t) + (g.random() * 2 - 1) * noise * 2;
    points[2 * i + 1] = r * Math.cos(t) + (g.random() * 2 - 1) * noise * 2;
    labels[i] = c;
  }
  return { points, labels };
}

/** Fisher–Yates shuffle of points and labels together. */
function shuffle(points: Float32Array, labels: Float32Array, g: tg.Generator): void {
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    [labels[i], labels[j]] = [labels[j], labels[i]];
    [points[2 * i], points[2 * j]] = [points[2 * j], points[2 * i]];
    [points[2 * i + 1], points[2 * j + 1]] = [points[2 * j + 1], points[2 * i + 1]];
  }
}

/** The square domain (centred on the data's range, 10% margin) that shows all of an uploaded file's points. */
export function domainOf(points: Float32Array): Domain {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  const half = Math.max(x1 - x0, y1 - y0, 1e-6) * 0.55;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

/** The points for a state, or for an uploaded CSV when the dataset is "csv". */
export function makeData(state: PlaygroundState, csv: ParsedCsv | null = null): PlaygroundData {
  const noise = state.noise / 100;
  const g = new tg.Generator(state.seed);
  let points: Float32Array;
  let labels: Float32Array;
  let classes = state.problem === "regression" ? 1 : state.problem === "multiclass" ? state.classes : 2;
  let domain = DEFAULT_DOMAIN;
  if (state.dataset === "csv") {
    if (!csv) throw new Error("no CSV file is loaded: upload one first");
    points = Float32Array.from(csv.points);
    labels = Float32Array.from(csv.labels);
    classes = csv.classes;
    shuffle(points, labels, g);
    domain = domainOf(points);
  } else if (state.dataset === "blobs" || state.dataset === "spirals") {
    ({ points, labels } = (state.dataset === "blobs" ? blobs : spirals)(NUM_POINTS, state.classes, noise, g));
    shuffle(points, labels, g);
  } else {
    const gen = {
      circle: tg.data.circle,
      xor: tg.data.xor,
      gauss: tg.data.gauss,
      spiral: tg.data.spiral,
      plane: tg.data.plane,
      gaussian: tg.data.gaussian,
    }[state.dataset];
    const { x, y } = gen({ n: NUM_POINTS, noise, seed: state.seed });
    points = toFloat(x);
    labels = toFloat(y);
  }
  const n = labels.length;
  const nTrain = Math.min(n - 1, Math.max(1, Math.round((n * state.trainRatio) / 100)));
  return { problem: state.problem, points, labels, nTrain, classes, domain };
}
