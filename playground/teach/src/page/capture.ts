/**
 * Every sample the page takes (a webcam frame, an uploaded file, a sketch) becomes an IMAGE_SIZE×IMAGE_SIZE RGBA array
 * here: the source is center-cropped to a square and scaled with drawImage, as core/image.ts's `resizeRgba` does in Node.
 */
import { IMAGE_SIZE } from "../core/image.ts";

/** Largest image file the page decodes (bytes). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Most files one upload (or drop) takes. */
export const MAX_FILES_PER_UPLOAD = 200;

const canvas = document.createElement("canvas");
canvas.width = IMAGE_SIZE;
canvas.height = IMAGE_SIZE;
const ctx = canvas.getContext("2d", { willReadFrequently: true });

/** The central square of a `width`×`height` source, scaled to IMAGE_SIZE² RGBA (alpha kept: core composites it over white). */
export function toSample(source: CanvasImageSource, width: number, height: number): Uint8ClampedArray {
  if (!ctx) throw new Error("this browser has no 2D canvas");
  if (!(width > 0 && height > 0)) throw new RangeError(`the image is empty (${width}×${height})`);
  const side = Math.min(width, height);
  ctx.clearRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(source, (width - side) / 2, (height - side) / 2, side, side, 0, 0, IMAGE_SIZE, IMAGE_SIZE);
  return ctx.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE).data;
}

/** Decodes an image file into a sample; throws a message for the user when it is not a readable image. */
export async function fileToSample(file: File): Promise<Uint8ClampedArray> {
  if (file.size > MAX_FILE_BYTES) throw new Error(`${file.name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} is not an image this browser can read`);
  }
  try {
    return toSample(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Decodes several files; the samples of those that decoded and one message per file that didn't. */
export async function filesToSamples(files: readonly File[]): Promise<{ samples: Uint8ClampedArray[]; errors: string[] }> {
  const samples: Uint8ClampedArray[] = [];
  const errors: string[] = [];
  const taken = files.slice(0, MAX_FILES_PER_UPLOAD);
  if (files.length > taken.length) errors.push(`only the first ${MAX_FILES_PER_UPLOAD} of ${files.length} files were read`);
  for (const f of taken) {
    try {
      samples.push(await fileToSample(f));
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { samples, errors };
}

/** Paints a sample into a canvas of its size (a thumbnail; CSS scales it). */
export function paintSample(target: HTMLCanvasElement, rgba: Uint8ClampedArray): void {
  target.width = IMAGE_SIZE;
  target.height = IMAGE_SIZE;
  target.getContext("2d")?.putImageData(new ImageData(new Uint8ClampedArray(rgba), IMAGE_SIZE, IMAGE_SIZE), 0, 0);
}
