import assert from "node:assert/strict";
import { test } from "node:test";
import { IMAGE_SIZE, MEAN, PREPROCESSING, resizeRgba, STD, toChw } from "../playground/teach/src/core/image.ts";

test("toChw: channels first, alpha over white, normalized to [-1, 1]", () => {
  const rgba = new Uint8ClampedArray(2 * 2 * 4);
  rgba.set([255, 0, 0, 255], 0); // red
  rgba.set([0, 255, 0, 255], 4); // green
  rgba.set([0, 0, 0, 0], 8); // transparent: white
  rgba.set([0, 0, 0, 255], 12); // black
  const x = toChw(rgba, 2);
  assert.deepEqual([...x], [1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, -1]);
  assert.equal(toChw(new Uint8ClampedArray(IMAGE_SIZE * IMAGE_SIZE * 4)).length, 3 * IMAGE_SIZE * IMAGE_SIZE);
  assert.deepEqual(PREPROCESSING.mean, [...MEAN]);
  assert.deepEqual(PREPROCESSING.std, [...STD]);
  assert.throws(() => toChw(new Uint8ClampedArray(10)), /expected 4096 RGBA bytes/);
});

test("toChw writes into a batch buffer at an offset", () => {
  const out = new Float32Array(2 * 3 * 4);
  toChw(new Uint8ClampedArray(16).fill(255), 2, out, 12);
  assert.deepEqual([...out.subarray(0, 12)], new Array(12).fill(0));
  assert.deepEqual([...out.subarray(12)], new Array(12).fill(1));
});

test("resizeRgba center-crops to a square and averages when shrinking", () => {
  // 6×4: a 1-pixel red border column at each side (cropped away), the central 4×4 square is left half black, right half white.
  const w = 6;
  const h = 4;
  const src = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const v = x === 0 || x === 5 ? [255, 0, 0] : x < 3 ? [0, 0, 0] : [255, 255, 255];
      src.set([...v, 255], o);
    }
  }
  const out = resizeRgba(src, w, h, 2);
  assert.deepEqual([...out], [0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
  // A uniform image stays uniform at any scale.
  const grey = resizeRgba(new Uint8ClampedArray(640 * 480 * 4).fill(128), 640, 480);
  assert.equal(grey.length, IMAGE_SIZE * IMAGE_SIZE * 4);
  assert.ok(grey.every((v) => v === 128));
  // Enlarging works too (bilinear).
  assert.ok(resizeRgba(new Uint8ClampedArray(4 * 4).fill(7), 2, 2, 8).every((v) => v === 7));
  assert.throws(() => resizeRgba(new Uint8ClampedArray(5), 1, 1), /expected 4 RGBA bytes/);
  assert.throws(() => resizeRgba(new Uint8ClampedArray(0), 0, 0), /positive integers/);
});
