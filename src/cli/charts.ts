/** Charts of training curves: an SVG file for the run folder and a compact one for the terminal. */

export interface Series {
  name: string;
  values: readonly number[];
  color: string;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** One SVG line chart per panel (e.g. loss and accuracy), side by side, with axes and a legend. */
export function svgChart(panels: { title: string; series: Series[] }[], width = 420, height = 260): string {
  const pad = { left: 48, right: 12, top: 28, bottom: 32 };
  const panel = (p: { title: string; series: Series[] }, x0: number): string => {
    const all = p.series.flatMap((s) => s.values.filter(Number.isFinite));
    const n = p.series.reduce((m, s) => Math.max(m, s.values.length), 1);
    let lo = all.length ? all.reduce((a, b) => Math.min(a, b)) : 0;
    let hi = all.length ? all.reduce((a, b) => Math.max(a, b)) : 1;
    if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
    const w = width - pad.left - pad.right;
    const h = height - pad.top - pad.bottom;
    const px = (i: number) => x0 + pad.left + (n === 1 ? w / 2 : (i * w) / (n - 1));
    const py = (v: number) => pad.top + h - ((v - lo) / (hi - lo)) * h;
    const lines = p.series
      .map((s) => {
        const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : "")).filter(Boolean);
        return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(" ")}"/>`;
      })
      .join("");
    const ticks = [lo, (lo + hi) / 2, hi]
      .map((v) => `<text x="${x0 + pad.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="11">${v.toPrecision(3)}</text>`)
      .join("");
    const legend = p.series
      .map((s, i) => `<text x="${x0 + pad.left + 8 + i * 90}" y="${pad.top + 14}" font-size="11" fill="${s.color}">${esc(s.name)}</text>`)
      .join("");
    return (
      `<text x="${x0 + pad.left}" y="18" font-size="13" font-weight="bold">${esc(p.title)}</text>` +
      `<rect x="${x0 + pad.left}" y="${pad.top}" width="${w}" height="${h}" fill="none" stroke="#ccc"/>` +
      `${ticks}${lines}${legend}` +
      `<text x="${x0 + pad.left + w / 2}" y="${height - 8}" text-anchor="middle" font-size="11">epoch</text>`
    );
  };
  const body = panels.map((p, i) => panel(p, i * width)).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width * panels.length}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${body}</svg>\n`;
}

const BARS = "▁▂▃▄▅▆▇█";

/** A one-line sparkline of `values` scaled to their own range. */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return "";
  const lo = finite.reduce((a, b) => Math.min(a, b));
  const hi = finite.reduce((a, b) => Math.max(a, b));
  return values
    .map((v) => (Number.isFinite(v) ? BARS[hi - lo < 1e-12 ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))] : "?"))
    .join("");
}
