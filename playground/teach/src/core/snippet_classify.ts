// classify.ts: classifies an image with the model trained on tensorgrad's Teachable Machine page.
// Put it next to model.json and model.safetensors, then (with `npm install tensorgrad tsx`):
//   npx tsx classify.ts image.rgba
// image.rgba holds the image as raw RGBA bytes at the model's size, e.g. from ImageMagick:
//   magick photo.jpg -resize 32x32^ -gravity center -extent 32x32 -depth 8 rgba:image.rgba
import { readFileSync } from "node:fs";
import * as tg from "tensorgrad";

interface TeachModel {
  classes: string[];
  preprocessing: { imageSize: number; mean: number[]; std: number[] };
  architecture: unknown;
}

const here = new URL(".", import.meta.url);
const meta = JSON.parse(readFileSync(new URL("model.json", here), "utf8")) as TeachModel;
const model = tg.io.buildModule(tg.io.parseModuleSpec(meta.architecture)) as tg.nn.Module;
model.loadStateDict(tg.io.decodeSafetensors(readFileSync(new URL("model.safetensors", here))).tensors);
model.eval();

/** Class probabilities of one image (size × size RGBA bytes), preprocessed as on the page. */
export function classify(rgba: Uint8Array): number[] {
  const { imageSize: s, mean, std } = meta.preprocessing;
  if (rgba.length !== s * s * 4) throw new Error(`expected ${s * s * 4} RGBA bytes (${s}×${s}), got ${rgba.length}`);
  const x = new Float32Array(3 * s * s);
  for (let i = 0; i < s * s; i++) {
    const alpha = rgba[i * 4 + 3] / 255; // transparent pixels count as white
    for (let c = 0; c < 3; c++) x[c * s * s + i] = ((rgba[i * 4 + c] * alpha + 255 * (1 - alpha)) / 255 - mean[c]) / std[c];
  }
  const probs = tg.noGrad(() => model(tg.tensor(x).reshape([1, 3, s, s])).softmax(1));
  return Array.from(probs.toArray() as Float32Array);
}

if (process.argv[2]) {
  const probs = classify(readFileSync(process.argv[2]));
  console.log(meta.classes[probs.indexOf(Math.max(...probs))]);
  for (const [i, name] of meta.classes.entries()) console.log(`  ${name}: ${(probs[i] * 100).toFixed(1)}%`);
}
