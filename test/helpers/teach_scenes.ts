/**
 * Synthetic "webcam scenes" for the teach tests: three visibly different scenes (a red disc on blue, green vertical
 * stripes on grey, a yellow square on dark purple), each drawn at 48×40 with a random shift, brightness change and
 * pixel noise, then center-cropped and scaled to IMAGE_SIZE like a webcam frame.
 */
import { resizeRgba } from "../../playground/teach/src/core/image.ts";
import { Rng } from "../../playground/teach/src/core/random.ts";
import type { Sample } from "../../playground/teach/src/protocol.ts";

export const SCENE_NAMES = ["red disc", "green stripes", "yellow square"];

/** One frame of scene `scene` (0, 1 or 2), W×H RGBA, from `rng`. */
export function sceneFrame(scene: number, rng: Rng, w = 48, h = 40): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  const dx = rng.int(-6, 6);
  const dy = rng.int(-5, 5);
  const gain = 0.75 + rng.next() * 0.5;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const X = x - w / 2 - dx;
      const Y = y - h / 2 - dy;
      let rgb: number[];
      if (scene === 0) rgb = X * X + Y * Y < 100 ? [220, 40, 40] : [40, 60, 170];
      else if (scene === 1) rgb = Math.floor((x - dx + 48) / 4) % 2 === 0 ? [40, 180, 60] : [130, 130, 130];
      else rgb = Math.abs(X) < 9 && Math.abs(Y) < 9 ? [230, 210, 40] : [60, 30, 70];
      const o = (y * w + x) * 4;
      for (let c = 0; c < 3; c++) out[o + c] = rgb[c] * gain + (rng.next() - 0.5) * 60;
      out[o + 3] = 255;
    }
  }
  return out;
}

/** `perClass` samples of each of the first `classes` scenes, at IMAGE_SIZE. */
export function sceneSamples(perClass: number, seed: number, classes = 3): Sample[] {
  const rng = new Rng(seed);
  const samples: Sample[] = [];
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < classes; c++) samples.push({ label: c, rgba: resizeRgba(sceneFrame(c, rng), 48, 40) });
  }
  return samples;
}
