/** The colour scales: TensorFlow Playground's orange (−1) → near-white (0) → blue (+1), and one colour per class. */

export type RGB = [number, number, number];

export const NEGATIVE: RGB = [245, 147, 34];
export const NEUTRAL: RGB = [232, 234, 235];
export const POSITIVE: RGB = [8, 119, 189];

/** Colours of classes 0, 1, 2...: class 0 orange and class 1 blue as in the binary case. */
export const CLASS_COLORS: RGB[] = [
  [245, 147, 34],
  [8, 119, 189],
  [46, 160, 67],
  [200, 60, 160],
  [120, 90, 200],
  [190, 60, 50],
  [90, 90, 90],
  [20, 170, 170],
  [170, 170, 20],
  [100, 60, 20],
];

const mix = (a: RGB, b: RGB, t: number): RGB => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

const LUT_SIZE = 256;
const LUT = new Uint8ClampedArray(LUT_SIZE * 3);
for (let i = 0; i < LUT_SIZE; i++) {
  const v = (i / (LUT_SIZE - 1)) * 2 - 1;
  const c = v < 0 ? mix(NEUTRAL, NEGATIVE, -v) : mix(NEUTRAL, POSITIVE, v);
  LUT.set(c.map(Math.round), i * 3);
}

/**
 * Writes the colour of `v` on the −1..1 scale (clamped; with `discretize` only the sign counts) into RGBA pixel `i`
 * of `px`, opaque: the heatmaps' inner loop, with nothing allocated.
 */
export function writeDiverging(px: Uint8ClampedArray, i: number, v: number, discretize: boolean): void {
  let x = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  if (discretize) x = x > 0 ? 1 : x < 0 ? -1 : 0;
  const j = Math.round(((x + 1) / 2) * (LUT_SIZE - 1)) * 3;
  px[4 * i] = LUT[j];
  px[4 * i + 1] = LUT[j + 1];
  px[4 * i + 2] = LUT[j + 2];
  px[4 * i + 3] = 255;
}

/** The colour of a value on the −1..1 scale (clamped); with `discretize`, only the sign counts. */
export function divergingColor(v: number, discretize = false): RGB {
  let x = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  if (discretize) x = x > 0 ? 1 : x < 0 ? -1 : 0;
  const i = Math.round(((x + 1) / 2) * (LUT_SIZE - 1)) * 3;
  return [LUT[i], LUT[i + 1], LUT[i + 2]];
}

/** The colour of a class probability cell: white (p = chance) to the class's colour (p = 1). */
export function classColor(cls: number, p: number, classes: number, discretize = false): RGB {
  const chance = 1 / classes;
  const t = discretize ? 1 : Math.max(0, Math.min(1, (p - chance) / (1 - chance)));
  return mix(NEUTRAL, CLASS_COLORS[cls % CLASS_COLORS.length], t).map(Math.round) as RGB;
}

export const css = (c: RGB, alpha = 1): string => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`;
