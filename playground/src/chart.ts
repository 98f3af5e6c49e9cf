/** Small line charts on canvas: the loss over time and the per-layer gradient norms (log scale). */
import type { LossPoint } from "./trainer.ts";

export interface Series {
  label: string;
  color: string;
  values: number[];
  dashed?: boolean;
}

/** Keeps a history bounded: past `max` points, every other point of the older half is dropped. */
export function appendBounded(history: LossPoint[], points: readonly LossPoint[], max = 2000): LossPoint[] {
  history.push(...points);
  if (history.length <= max) return history;
  const half = Math.floor(history.length / 2);
  return [...history.slice(0, half).filter((_, i) => i % 2 === 0), ...history.slice(half)];
}

/** Draws the series against their index; `log` uses a log₁₀ y axis (non-positive values are skipped). */
export function drawChart(canvas: HTMLCanvasElement, series: Series[], options: { log?: boolean; legend?: boolean } = {}): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
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
  if (n < 1 || !Number.isFinite(lo)) return;
  if (!options.log) lo = Math.min(0, lo);
  if (hi - lo < 1e-9) hi = lo + 1;
  const pad = 4;
  const x = (i: number) => pad + (n > 1 ? (i / (n - 1)) * (w - 2 * pad) : 0);
  const y = (v: number) => h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(s.dashed ? [4, 3] : []);
    ctx.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      const t = tf(v);
      if (!Number.isFinite(t)) {
        started = false;
        return;
      }
      if (started) ctx.lineTo(x(i), y(t));
      else ctx.moveTo(x(i), y(t));
      started = true;
    });
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = "rgba(0,0,0,0.6)";
  ctx.font = "10px system-ui, sans-serif";
  ctx.textBaseline = "top";
  const fmt = (v: number) => (options.log ? `1e${v.toFixed(1)}` : v.toPrecision(3));
  ctx.fillText(fmt(hi), 2, 1);
  ctx.textBaseline = "bottom";
  ctx.fillText(fmt(lo), 2, h - 1);
  if (options.legend) {
    ctx.textAlign = "right";
    ctx.textBaseline = "top";
    series.forEach((s, i) => {
      ctx.fillStyle = s.color;
      ctx.fillText(s.label, w - 3, 1 + i * 11);
    });
    ctx.textAlign = "left";
  }
}
