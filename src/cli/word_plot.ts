import type { KeyedVectors } from "../data/keyed_vectors.js";
import { tsne } from "../data/tsne.js";
import { normalize } from "../nn/functional/distance.js";

/** The top two principal axes of the rows of `x` ([n, d], centered), by power iteration on the covariance. */
function principalAxes(x: Float64Array, n: number, d: number): [Float64Array, Float64Array] {
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const xi = x[o + i];
      for (let j = 0; j < d; j++) cov[i * d + j] += xi * x[o + j];
    }
  }
  const axes: Float64Array[] = [];
  for (let a = 0; a < 2; a++) {
    let v = new Float64Array(d).map((_, i) => Math.cos(i + a));
    for (let it = 0; it < 200; it++) {
      const w = new Float64Array(d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) w[i] += cov[i * d + j] * v[j];
      // Deflation: remove the axes already found.
      for (const u of axes) {
        const dot = w.reduce((s, wi, i) => s + wi * u[i], 0);
        for (let i = 0; i < d; i++) w[i] -= dot * u[i];
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((wi) => wi / norm);
    }
    axes.push(v);
  }
  return [axes[0], axes[1]];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/** The rows of `x` ([n, d]) centred and projected on their top two principal components. */
function pcaPoints(rows: ArrayLike<number>, n: number, d: number): [number, number][] {
  const x = Float64Array.from(rows);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += x[r * d + j];
    mean /= Math.max(n, 1);
    for (let r = 0; r < n; r++) x[r * d + j] -= mean;
  }
  const [a1, a2] = principalAxes(x, n, d);
  return Array.from({ length: n }, (_, r) => {
    let p = 0;
    let q = 0;
    for (let j = 0; j < d; j++) {
      p += x[r * d + j] * a1[j];
      q += x[r * d + j] * a2[j];
    }
    return [p, q];
  });
}

/** A projection of word vectors: PCA, or t-SNE of the unit vectors (so map distances follow cosine similarity). */
export type ProjectionMethod = "pca" | "tsne";

/**
 * An SVG map of word vectors: the `count` most frequent words after the first `skip` (mostly function words), projected
 * on their top two principal components (PCA) or by t-SNE (perplexity 30, fewer for small vocabularies), each drawn
 * as a dot with its label.
 */
export function projectionSvg(
  kv: KeyedVectors,
  options: { skip: number; count: number; method?: ProjectionMethod; seed?: number },
  width = 900,
  height = 700,
): string {
  const start = Math.min(options.skip, kv.size);
  const n = Math.min(options.count, kv.size - start);
  const d = kv.dim;
  const vectors = kv.vectors.narrow(0, start, n).to("float64");
  let pts: [number, number][];
  let title: string;
  if (options.method === "tsne") {
    const perplexity = Math.max(1, Math.min(30, Math.floor((n - 1) / 3)));
    if (n >= 3) {
      const xy = tsne(normalize(vectors, { dim: 1 }), { perplexity, seed: options.seed ?? 0 }).toArray();
      pts = Array.from({ length: n }, (_, r) => [Number(xy[2 * r]), Number(xy[2 * r + 1])]);
    } else {
      pts = Array.from({ length: n }, (_, r) => [r, 0]);
    }
    title = `word vectors, t-SNE (perplexity ${perplexity}, cosine): words ${start + 1}–${start + n} by frequency`;
  } else {
    pts = pcaPoints(vectors.contiguous().toArray(), n, d);
    title = `word vectors, PCA: words ${start + 1}–${start + n} by frequency`;
  }
  const ext = (k: 0 | 1) => pts.reduce(([lo, hi], p) => [Math.min(lo, p[k]), Math.max(hi, p[k])], [Infinity, -Infinity]);
  const [x0, x1] = ext(0);
  const [y0, y1] = ext(1);
  const pad = 40;
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
  const sy = (v: number) => height - pad - ((v - y0) / (y1 - y0 || 1)) * (height - 2 * pad);
  const marks = pts
    .map(([p, q], r) => {
      const cx = sx(p).toFixed(1);
      const cy = sy(q).toFixed(1);
      return `<circle cx="${cx}" cy="${cy}" r="2.5" fill="#1f77b4"/><text x="${cx}" y="${(sy(q) - 4).toFixed(1)}" font-size="10" text-anchor="middle">${esc(kv.words[start + r])}</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="${pad}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>${marks}</svg>\n`;
}
