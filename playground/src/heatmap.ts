/**
 * Heatmaps on canvas: a grid of values painted at its own resolution (res × res pixels, cheap) and upscaled by the
 * browser, plus the big output plot with the data points on top.
 */
import { CLASS_COLORS, classColor, css, divergingColor, NEGATIVE, POSITIVE, writeDiverging } from "./colors.ts";
import type { Domain } from "./features.ts";

/** How to colour a grid: values on −1..1, one class's probability, or the argmax of several classes. */
export type GridStyle = { kind: "diverging"; scale?: number } | { kind: "class"; cls: number; classes: number };

type Rgb = readonly [number, number, number] | number[];

/** Each canvas's context and pixel buffer, kept between frames (a new ImageData per frame is garbage). */
const buffers = new WeakMap<HTMLCanvasElement, { ctx: CanvasRenderingContext2D; img: ImageData }>();

/** The res × res canvas (resized if needed) with its reusable pixel buffer; null without a 2-D context. */
function bufferOf(canvas: HTMLCanvasElement, res: number): { ctx: CanvasRenderingContext2D; img: ImageData } | null {
  if (canvas.width !== res || canvas.height !== res) {
    canvas.width = res;
    canvas.height = res;
  }
  let b = buffers.get(canvas);
  if (!b || b.img.width !== res) {
    const ctx = canvas.getContext("2d");
    if (!ctx) return null;
    b = { ctx, img: ctx.createImageData(res, res) };
    buffers.set(canvas, b);
  }
  return b;
}

/** Fills a res × res canvas (resized if needed) pixel by pixel with the colour `colorAt(i)` of cell i. */
function paintCells(canvas: HTMLCanvasElement, res: number, colorAt: (i: number) => Rgb): void {
  const b = bufferOf(canvas, res);
  if (!b) return;
  const px = b.img.data;
  for (let i = 0; i < res * res; i++) {
    const c = colorAt(i);
    px[4 * i] = c[0];
    px[4 * i + 1] = c[1];
    px[4 * i + 2] = c[2];
    px[4 * i + 3] = 255;
  }
  b.ctx.putImageData(b.img, 0, 0);
}

/** Paints one grid into a res × res canvas (resizing it if needed). */
export function paintGrid(canvas: HTMLCanvasElement, grid: Float32Array, res: number, style: GridStyle, discretize: boolean): void {
  if (style.kind === "diverging") {
    const b = bufferOf(canvas, res);
    if (!b) return;
    const inv = 1 / (style.scale ?? 1);
    const px = b.img.data;
    for (let i = 0; i < res * res; i++) writeDiverging(px, i, grid[i] * inv, discretize);
    b.ctx.putImageData(b.img, 0, 0);
    return;
  }
  paintCells(canvas, res, (i) => classColor(style.cls, grid[i], style.classes, discretize && grid[i] > 1 / style.classes));
}

/** Paints the argmax class of per-class probability grids (the multiclass decision regions). */
export function paintClasses(canvas: HTMLCanvasElement, grids: Float32Array[], res: number, discretize: boolean): void {
  const k = grids.length;
  paintCells(canvas, res, (i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (grids[j][i] > grids[best][i]) best = j;
    return classColor(best, grids[best][i], k, discretize);
  });
}

export interface PointsToDraw {
  points: Float32Array;
  labels: Float32Array;
  from: number;
  to: number;
  /** Test points are drawn with a dark outline. */
  test: boolean;
}

/**
 * Draws the upscaled heatmap `source` on `target` (its CSS size × devicePixelRatio), then the points: classes in their
 * colour, regression targets on the diverging scale.
 */
export function drawOutput(
  target: HTMLCanvasElement,
  source: HTMLCanvasElement,
  domain: Domain,
  sets: PointsToDraw[],
  problem: "classification" | "multiclass" | "regression",
): void {
  const ctx = target.getContext("2d");
  if (!ctx) return;
  const w = target.width;
  const h = target.height;
  ctx.imageSmoothingEnabled = true;
  // The background a little washed out, so that the points (in full colour) stand out on it.
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  ctx.globalAlpha = 0.72;
  ctx.drawImage(source, 0, 0, w, h);
  ctx.globalAlpha = 1;
  ctx.drawImage(overlayOf(target, domain, sets, problem), 0, 0);
}

/** The points and axis labels of each output canvas, drawn once per data, size and problem (not in every frame). */
const overlays = new WeakMap<HTMLCanvasElement, { key: string; points: Float32Array; labels: Float32Array; layer: HTMLCanvasElement }>();

function overlayOf(
  target: HTMLCanvasElement,
  domain: Domain,
  sets: PointsToDraw[],
  problem: "classification" | "multiclass" | "regression",
): HTMLCanvasElement {
  const w = target.width;
  const h = target.height;
  const key = JSON.stringify([w, h, domain, problem, sets.map((s) => [s.from, s.to, s.test])]);
  const cached = overlays.get(target);
  const points = sets[0]?.points ?? new Float32Array();
  const labels = sets[0]?.labels ?? new Float32Array();
  if (cached && cached.key === key && cached.points === points && cached.labels === labels) return cached.layer;
  const layer = cached?.layer ?? document.createElement("canvas");
  layer.width = w;
  layer.height = h;
  overlays.set(target, { key, points, labels, layer });
  const ctx = layer.getContext("2d");
  if (!ctx) return layer;
  ctx.clearRect(0, 0, w, h);
  const r = Math.max(2.5, w / 110);
  const sx = (x: number) => ((x - domain.x0) / (domain.x1 - domain.x0)) * w;
  const sy = (y: number) => ((domain.y1 - y) / (domain.y1 - domain.y0)) * h;
  for (const set of sets) {
    ctx.lineWidth = set.test ? 1.6 : 1;
    ctx.strokeStyle = set.test ? "#000" : "#fff";
    for (let i = set.from; i < set.to; i++) {
      const label = set.labels[i];
      const color =
        problem === "regression"
          ? divergingColor(label)
          : problem === "multiclass"
            ? CLASS_COLORS[label % CLASS_COLORS.length]
            : label > 0
              ? POSITIVE
              : NEGATIVE;
      ctx.fillStyle = css(color);
      ctx.beginPath();
      ctx.arc(sx(set.points[2 * i]), sy(set.points[2 * i + 1]), r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }
  // Axes ticks at the domain's ends and middle.
  ctx.fillStyle = "rgba(0,0,0,0.55)";
  ctx.font = `${Math.round(w / 40)}px system-ui, sans-serif`;
  ctx.textBaseline = "bottom";
  const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : Number(v.toFixed(1)).toString());
  ctx.fillText(fmt(domain.x0), 3, h - 2);
  ctx.textAlign = "right";
  ctx.fillText(fmt(domain.x1), w - 3, h - 2);
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(fmt(domain.y1), 3, 2);
  return layer;
}
