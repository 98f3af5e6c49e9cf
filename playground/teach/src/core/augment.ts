/**
 * Light augmentation of training images, on the normalized CHW floats of a batch (core/image.ts): a random crop of the
 * image padded by PAD pixels (the padding is black), a horizontal flip half of the time and a brightness factor in
 * [1 - BRIGHTNESS, 1 + BRIGHTNESS], clamped to the valid range.
 */
import { CHANNELS, MEAN, STD } from "./image.ts";
import type { Rng } from "./random.ts";

/** Most pixels a random crop shifts the image by, in each direction. */
export const PAD = 4;
/** Largest relative change of brightness. */
export const BRIGHTNESS = 0.2;

/**
 * Augments image `i` of `src` (n×3×size×size floats) into the same place in `dst` (a different array).
 *
 * @example augmentInto(batch, out, 0, 32, rng)
 */
export function augmentInto(src: Float32Array, dst: Float32Array, i: number, size: number, rng: Rng): void {
  const dx = rng.int(-PAD, PAD);
  const dy = rng.int(-PAD, PAD);
  const flip = rng.next() < 0.5;
  const factor = 1 + (rng.next() * 2 - 1) * BRIGHTNESS;
  const plane = size * size;
  for (let c = 0; c < CHANNELS; c++) {
    const base = (i * CHANNELS + c) * plane;
    const black = -MEAN[c] / STD[c];
    const lo = black;
    const hi = (1 - MEAN[c]) / STD[c];
    for (let y = 0; y < size; y++) {
      const sy = y + dy;
      for (let x = 0; x < size; x++) {
        const sx0 = x + dx;
        const sx = flip ? size - 1 - sx0 : sx0;
        let v = sy < 0 || sy >= size || sx < 0 || sx >= size ? black : src[base + sy * size + sx];
        // Brightness scales the [0, 1] value: v01 × factor, back in normalized units.
        v = ((v * STD[c] + MEAN[c]) * factor - MEAN[c]) / STD[c];
        dst[base + y * size + x] = Math.min(Math.max(v, lo), hi);
      }
    }
  }
}
