/**
 * The teach page's images: every sample (webcam frame, uploaded file, sketch) becomes an IMAGE_SIZE×IMAGE_SIZE RGBA
 * array on the page (center-crop to a square, then scale), and the model reads it as a normalized float CHW array.
 * Pure functions, no DOM: they run in the page, the worker and Node (tests, the exported classify.ts does the same).
 */

/** Side of the square images the model sees, in pixels. */
export const IMAGE_SIZE = 32;
/** Colour channels the model sees (RGB; alpha is composited over white first). */
export const CHANNELS = 3;
/** Per-channel mean and standard deviation after scaling to [0, 1]: x = (v / 255 - MEAN[c]) / STD[c], in [-1, 1]. */
export const MEAN: readonly [number, number, number] = [0.5, 0.5, 0.5];
export const STD: readonly [number, number, number] = [0.5, 0.5, 0.5];

/** The preprocessing as data (written into model.json so that other programs can repeat it). */
export interface Preprocessing {
  imageSize: number;
  channels: number;
  /** "rgba-over-white": alpha is composited over a white background, then the RGB channels are kept. */
  alpha: "over-white";
  /** Channel order of the float array: channels first. */
  layout: "CHW";
  scale: number;
  mean: number[];
  std: number[];
}

/** What model.json records about the images (see `toChw`). */
export const PREPROCESSING: Preprocessing = {
  imageSize: IMAGE_SIZE,
  channels: CHANNELS,
  alpha: "over-white",
  layout: "CHW",
  scale: 1 / 255,
  mean: [...MEAN],
  std: [...STD],
};

/** RGBA pixels, 4 bytes each, row-major. */
export type Rgba = Uint8ClampedArray | Uint8Array;

/**
 * Turns IMAGE_SIZE² RGBA pixels into the model's input: 3×size×size floats, channels first, alpha composited over
 * white, each channel scaled to [0, 1] then normalized with MEAN and STD. Writes into `out` at `offset` when given.
 *
 * @example toChw(new Uint8ClampedArray(32 * 32 * 4).fill(255)) // 3072 ones
 */
export function toChw(rgba: Rgba, size: number = IMAGE_SIZE, out?: Float32Array, offset = 0): Float32Array {
  const n = size * size;
  if (rgba.length !== n * 4) throw new RangeError(`toChw: expected ${n * 4} RGBA bytes (${size}×${size}), got ${rgba.length}`);
  const dst = out ?? new Float32Array(CHANNELS * n);
  if (dst.length < offset + CHANNELS * n) throw new RangeError(`toChw: output holds ${dst.length} floats, needs ${offset + CHANNELS * n}`);
  for (let i = 0; i < n; i++) {
    const a = rgba[i * 4 + 3] / 255;
    for (let c = 0; c < CHANNELS; c++) {
      const v = (rgba[i * 4 + c] * a + 255 * (1 - a)) / 255;
      dst[offset + c * n + i] = (v - MEAN[c]) / STD[c];
    }
  }
  return dst;
}

/**
 * Center-crops an RGBA image of `width`×`height` to a square and scales it to `size`×`size` (area-averaged when
 * shrinking, bilinear when enlarging): what the page does with drawImage, for Node and for tests.
 *
 * @example resizeRgba(frame, 640, 480) // the central 480×480 square, scaled to 32×32
 */
export function resizeRgba(src: Rgba, width: number, height: number, size: number = IMAGE_SIZE): Uint8ClampedArray {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resizeRgba: width and height must be positive integers, got ${width}×${height}`);
  }
  if (src.length !== width * height * 4)
    throw new RangeError(`resizeRgba: expected ${width * height * 4} RGBA bytes (${width}×${height}), got ${src.length}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`resizeRgba: size must be a positive integer, got ${size}`);
  const side = Math.min(width, height);
  const x0 = (width - side) / 2;
  const y0 = (height - side) / 2;
  const scale = side / size;
  // Samples per output pixel along each axis: enough to cover the source pixels it spans (capped).
  const k = Math.min(8, Math.max(1, Math.ceil(scale)));
  const out = new Uint8ClampedArray(size * size * 4);
  const acc = [0, 0, 0, 0];
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      acc.fill(0);
      for (let sy = 0; sy < k; sy++) {
        const y = y0 + (oy + (sy + 0.5) / k) * scale - 0.5;
        for (let sx = 0; sx < k; sx++) {
          const x = x0 + (ox + (sx + 0.5) / k) * scale - 0.5;
          bilinear(src, width, height, x, y, acc);
        }
      }
      const o = (oy * size + ox) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = Math.round(acc[c] / (k * k));
    }
  }
  return out;
}

/** Adds the bilinear sample of `src` at (x, y) (clamped to the image) to `acc`. */
function bilinear(src: Rgba, width: number, height: number, x: number, y: number, acc: number[]): void {
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const ix = Math.floor(cx);
  const iy = Math.floor(cy);
  const jx = Math.min(ix + 1, width - 1);
  const jy = Math.min(iy + 1, height - 1);
  const fx = cx - ix;
  const fy = cy - iy;
  for (let c = 0; c < 4; c++) {
    const a = src[(iy * width + ix) * 4 + c];
    const b = src[(iy * width + jx) * 4 + c];
    const d = src[(jy * width + ix) * 4 + c];
    const e = src[(jy * width + jx) * 4 + c];
    acc[c] += (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
  }
}
