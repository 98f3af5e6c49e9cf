/**
 * A small line chart on canvas for the training curves: x is the epoch (fractional within an epoch), y a fixed or
 * fitted range, y labels in a left margin and the epochs on an x axis below so that no curve runs over them. The
 * legend is HTML next to the canvas. Before two points exist the chart says what will appear.
 */
import { el } from "./dom.ts";

export interface Line {
  label: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

export class LineChart {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;

  /** `yRange` fixes the y axis (accuracy: [0, 1]); otherwise it runs from 0 to the largest value. */
  constructor(
    readonly title: string,
    private readonly lines: Line[],
    private readonly yRange?: [number, number],
    private readonly format: (v: number) => string = (v) => String(Number(v.toPrecision(2))),
  ) {
    this.canvas = el("canvas", { class: "chart", role: "img", "aria-label": `${title} chart` });
    this.legend = el(
      "div",
      { class: "legend" },
      ...lines.map((l) => {
        // Colours through the CSSOM: the page's CSP refuses style attributes.
        const swatch = el("span", { class: `swatch${l.dashed ? " dashed" : ""}` });
        swatch.style.borderColor = l.color;
        return el("span", { class: "legend-item", "data-series": l.label }, swatch, l.label);
      }),
    );
    this.root = el("figure", { class: "chart-box" }, el("figcaption", {}, title), this.canvas, this.legend);
  }

  clear(): void {
    for (const l of this.lines) l.points = [];
    this.draw();
  }

  add(label: string, x: number, y: number): void {
    const l = this.lines.find((s) => s.label === label);
    if (l && Number.isFinite(y)) l.points.push({ x, y });
  }

  /** Redraws at the canvas's CSS size (device pixels). */
  draw(): void {
    const k = window.devicePixelRatio || 1;
    const cssW = this.canvas.clientWidth || 300;
    const cssH = this.canvas.clientHeight || 150;
    if (this.canvas.width !== Math.round(cssW * k)) this.canvas.width = Math.round(cssW * k);
    if (this.canvas.height !== Math.round(cssH * k)) this.canvas.height = Math.round(cssH * k);
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const w = this.canvas.width;
    const h = this.canvas.height;
    ctx.clearRect(0, 0, w, h);
    const font = Math.round(10 * k);
    ctx.font = `${font}px system-ui, sans-serif`;
    const left = Math.round(36 * k);
    const bottom = Math.round(16 * k);
    const top = Math.round(6 * k);
    const right = Math.round(8 * k);
    const pw = Math.max(1, w - left - right);
    const ph = Math.max(1, h - top - bottom);
    ctx.strokeStyle = "#c4c7ca";
    ctx.lineWidth = Math.max(1, k);
    ctx.beginPath();
    ctx.moveTo(left, top);
    ctx.lineTo(left, top + ph);
    ctx.lineTo(left + pw, top + ph);
    ctx.stroke();
    ctx.fillStyle = "rgba(0,0,0,0.6)";
    const all = this.lines.flatMap((l) => l.points);
    if (all.length < 2) {
      this.canvas.dataset.empty = "true";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("Train to draw this chart", left + pw / 2, top + ph / 2, pw - 8);
      return;
    }
    this.canvas.dataset.empty = "false";
    const x1 = Math.max(1, ...all.map((p) => p.x));
    const [y0, y1] = this.yRange ?? [0, Math.max(1e-6, ...all.map((p) => p.y)) * 1.05];
    const px = (x: number) => left + (x / x1) * pw;
    const py = (y: number) => top + ph - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * ph;
    for (const l of this.lines) {
      ctx.strokeStyle = l.color;
      ctx.lineWidth = 1.5 * k;
      ctx.setLineDash(l.dashed ? [4 * k, 3 * k] : []);
      ctx.beginPath();
      for (const [i, p] of l.points.entries()) {
        if (i === 0) ctx.moveTo(px(p.x), py(p.y));
        else ctx.lineTo(px(p.x), py(p.y));
      }
      if (l.points.length === 1) ctx.arc(px(l.points[0].x), py(l.points[0].y), 2 * k, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of [y0, (y0 + y1) / 2, y1]) {
      ctx.fillText(this.format(v), left - 4 * k, Math.min(top + ph - font / 2, Math.max(top + font / 2, py(v))));
    }
    ctx.textBaseline = "bottom";
    ctx.textAlign = "left";
    ctx.fillText("0", left, h);
    ctx.textAlign = "right";
    ctx.fillText(String(Math.round(x1 * 10) / 10), left + pw, h);
    ctx.textAlign = "center";
    ctx.fillText("epoch", left + pw / 2, h);
  }
}
