/**
 * Small line charts on canvas: the loss over the epochs and the per-layer gradient norms (log scale). The y labels
 * sit in a left margin and the epochs on an x axis below, so that no curve runs over them; the legend is HTML next to
 * the canvas (`renderLegend`). Before there is anything to draw, the chart says what will appear.
 */
import type { LossPoint } from "./trainer.ts";

export interface Series {
  label: string;
  color: string;
  values: number[];
  dashed?: boolean;
}

export interface ChartOptions {
  /** A log₁₀ y axis (non-positive values are skipped). */
  log?: boolean;
  /** The epoch of each value (the x axis); the index when absent. */
  epochs?: number[];
  /** What the empty chart says (before two points exist). */
  empty?: string;
}

/** Keeps a history bounded: past `max` points, every other point of the older half is dropped. */
export function appendBounded(history: LossPoint[], points: readonly LossPoint[], max = 2000): LossPoint[] {
  history.push(...points);
  if (history.length <= max) return history;
  const half = Math.floor(history.length / 2);
  return [...history.slice(0, half).filter((_, i) => i % 2 === 0), ...history.slice(half)];
}

/**
 * At most about `max` points of a history, evenly spaced, the first and the last kept: a chart a few hundred pixels
 * wide draws no more (the history holds up to 2,000 epochs, drawn every frame).
 */
export function thin<T>(points: readonly T[], max = 400): T[] {
  if (points.length <= max) return points.slice();
  const step = points.length / (max - 1);
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * step)]);
  out.push(points[points.length - 1]);
  return out;
}

/** A y label: plain decimals where they are short (0.001 to 1000), otherwise 1e-5 / 1e+6 (never a fractional exponent). */
export function axisNumber(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(2)));
  const e = Math.floor(Math.log10(a));
  const m = v / 10 ** e;
  return `${Math.abs(m - 1) < 0.05 ? "" : `${Number(m.toPrecision(2))}×`}1e${e}`;
}

/** The legend under a chart: a swatch and the label per series (rebuilt only when the labels change). */
export function renderLegend(box: HTMLElement, series: readonly Pick<Series, "label" | "color" | "dashed">[]): void {
  const key = series.map((s) => `${s.label}:${s.color}`).join("|");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(
    ...series.map((s) => {
      const item = document.createElement("span");
      item.className = "legend-item";
      item.dataset.series = s.label;
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = s.color;
      item.append(sw, s.label);
      return item;
    }),
  );
}

/**
 * Draws the series against their epochs. The canvas records where it drew: `data-plot` (the plot area, CSS pixels:
 * x,y,width,height), `data-ylabels` (the y labels, "|"-separated) and `data-empty` ("true" before two points exist).
 */
export function drawChart(canvas: HTMLCanvasElement, series: Series[], options: ChartOptions = {}): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const w = canvas.width;
  const h = canvas.height;
  // Device pixels per CSS pixel (the page sizes its charts' canvases by devicePixelRatio).
  const k = window.devicePixelRatio || 1;
  ctx.clearRect(0, 0, w, h);
  const font = Math.round(10 * k);
  ctx.font = `${font}px system-ui, sans-serif`;
  const tf = (v: number) => (options.log ? (v > 0 ? Math.log10(v) : Number.NaN) : v);
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  for (const s of series) {
    n = Math.max(n, s.values.length);
    for (const v of s.values) {
      const t = tf(v);
      if (Number.isFinite(t)) {
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
    }
  }
  // Margins: y labels on the left, epochs below, a little air above.
  const left = Math.round(34 * k);
  const bottom = Math.round(14 * k);
  const top = Math.round(5 * k);
  const right = Math.round(6 * k);
  const pw = Math.max(1, w - left - right);
  const ph = Math.max(1, h - top - bottom);
  canvas.dataset.plot = [left, top, pw, ph].map((v) => (v / k).toFixed(1)).join(",");
  ctx.strokeStyle = "#c4c7ca";
  ctx.lineWidth = Math.max(1, k);
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, top + ph);
  ctx.lineTo(left + pw, top + ph);
  ctx.stroke();
  ctx.fillStyle = "rgba(0,0,0,0.6)";
  if (n < 2 || !Number.isFinite(lo)) {
    canvas.dataset.empty = "true";
    canvas.dataset.ylabels = "";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(options.empty ?? "Press Play or Step to draw this chart", left + pw / 2, top + ph / 2, pw - 8);
    ctx.textAlign = "left";
    return;
  }
  canvas.dataset.empty = "false";
  if (!options.log) lo = Math.min(0, lo);
  if (hi - lo < 1e-9) hi = lo + 1;
  const x = (i: number) => left + (i / (n - 1)) * pw;
  const y = (v: number) => top + ph - ((v - lo) / (hi - lo)) * ph;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, pw, ph);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5 * k;
    ctx.setLineDash(s.dashed ? [4 * k, 3 * k] : []);
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < s.values.length; i++) {
      const t = tf(s.values[i]);
      if (!Number.isFinite(t)) {
        started = false;
        continue;
      }
      if (started) ctx.lineTo(x(i), y(t));
      else ctx.moveTo(x(i), y(t));
      started = true;
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);
  // y labels: the range's ends (on a log axis, the powers of ten inside it when there are any).
  const ticks: number[] = [];
  if (options.log && Math.floor(hi) - Math.ceil(lo) >= 1) {
    const step = Math.max(1, Math.ceil((Math.floor(hi) - Math.ceil(lo)) / 3));
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e += step) ticks.push(e);
  } else ticks.push(lo, hi);
  const labels: string[] = [];
  ctx.fillStyle = "rgba(0,0,0,0.6)";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of ticks) {
    const text = axisNumber(options.log ? 10 ** t : t);
    labels.push(text);
    const ty = Math.min(top + ph - font / 2, Math.max(top + font / 2, y(t)));
    ctx.fillText(text, left - 3 * k, ty, left - 4 * k);
    ctx.strokeStyle = "#c4c7ca";
    ctx.beginPath();
    ctx.moveTo(left - 2 * k, y(t));
    ctx.lineTo(left, y(t));
    ctx.stroke();
  }
  canvas.dataset.ylabels = labels.join("|");
  // x axis: the first and the last epoch, "epoch" between them.
  const epochs = options.epochs;
  const e0 = epochs?.[0] ?? 0;
  const e1 = epochs?.[n - 1] ?? n - 1;
  ctx.textBaseline = "bottom";
  ctx.textAlign = "left";
  ctx.fillText(String(e0), left, h);
  ctx.textAlign = "right";
  ctx.fillText(String(e1), left + pw, h);
  ctx.textAlign = "center";
  ctx.fillText("epoch", left + pw / 2, h);
  ctx.textAlign = "left";
}
