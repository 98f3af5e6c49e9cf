/**
 * Synthetic media for the teach page's browser tests: scenes drawn in RGBA, written as .y4m videos (Chromium's fake
 * camera plays them in a loop) and as PNG files (uploads). No dependencies: the PNG encoder is node:zlib plus CRC-32.
 */
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

/** An RGBA image. */
export interface Frame {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/** A deterministic pseudo-random generator (mulberry32) for the scenes' noise and positions. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Scene "a": a warm (orange-red) background with a bright disc wandering over it; scene "b": cool (blue-green)
 * diagonal stripes with a dark square. Each frame moves the object, shifts the pattern and jitters the brightness,
 * plus per-pixel noise: `seed` picks a different run of frames (held-out frames come from another seed).
 */
export function scene(kind: "a" | "b", width: number, height: number, index: number, seed: number): Frame {
  const r = rng(seed * 1000 + index);
  const rgba = new Uint8ClampedArray(width * height * 4);
  const bright = 0.8 + 0.4 * r();
  const ox = r() * width;
  const oy = r() * height;
  const size = (0.15 + 0.15 * r()) * Math.min(width, height);
  const phase = r() * 20;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let c: [number, number, number];
      if (kind === "a") {
        const inside = (x - ox) ** 2 + (y - oy) ** 2 < size * size;
        c = inside ? [250, 245, 230] : [200 + 30 * Math.sin(y / 9), 80 + 20 * Math.sin(x / 13), 40];
      } else {
        const inside = Math.abs(x - ox) < size && Math.abs(y - oy) < size;
        const stripe = Math.floor((x + y + phase) / 12) % 2 === 0;
        c = inside ? [20, 25, 30] : stripe ? [40, 150, 170] : [30, 90, 200];
      }
      const o = (y * width + x) * 4;
      for (let k = 0; k < 3; k++) rgba[o + k] = c[k] * bright + (r() - 0.5) * 30;
      rgba[o + 3] = 255;
    }
  }
  return { width, height, rgba };
}

/** Writes frames as a YUV4MPEG2 video, 4:2:0 (BT.601, full range as "C420jpeg" says), `fps` frames per second. */
export function writeY4m(path: string, frames: readonly Frame[], fps = 10): void {
  const { width: w, height: h } = frames[0];
  if (w % 2 !== 0 || h % 2 !== 0) throw new RangeError(`y4m 4:2:0 needs even sides, got ${w}×${h}`);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const f of frames) {
    const yPlane = Buffer.alloc(w * h);
    const u = Buffer.alloc((w / 2) * (h / 2));
    const v = Buffer.alloc((w / 2) * (h / 2));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 4;
        const [R, G, B] = [f.rgba[o], f.rgba[o + 1], f.rgba[o + 2]];
        yPlane[y * w + x] = clamp(0.299 * R + 0.587 * G + 0.114 * B);
      }
    }
    for (let y = 0; y < h / 2; y++) {
      for (let x = 0; x < w / 2; x++) {
        let R = 0;
        let G = 0;
        let B = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ]) {
          const o = ((2 * y + dy) * w + 2 * x + dx) * 4;
          R += f.rgba[o] / 4;
          G += f.rgba[o + 1] / 4;
          B += f.rgba[o + 2] / 4;
        }
        u[y * (w / 2) + x] = clamp(128 - 0.168736 * R - 0.331264 * G + 0.5 * B);
        v[y * (w / 2) + x] = clamp(128 + 0.5 * R - 0.418688 * G - 0.081312 * B);
      }
    }
    parts.push(Buffer.from("FRAME\n"), yPlane, u, v);
  }
  writeFileSync(path, Buffer.concat(parts));
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (PNG's, the same as zlib's). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA image as a PNG file (8-bit RGBA, no colour-space chunks: browsers decode the bytes as they are). */
export function encodePng(f: Frame): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(f.width, 0);
  ihdr.writeUInt32BE(f.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc((f.width * 4 + 1) * f.height);
  for (let y = 0; y < f.height; y++) {
    rows[y * (f.width * 4 + 1)] = 0; // filter: none
    Buffer.from(f.rgba.buffer, f.rgba.byteOffset + y * f.width * 4, f.width * 4).copy(rows, y * (f.width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
