import { describe, signature } from "../../args.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fromTyped } from "../../ops/creation.js";
import { hasTensorBrand } from "../../tensor/brand.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Transform } from "./transform.js";

type Bytes = Uint8Array | Uint8ClampedArray;

/**
 * Image bytes in HWC order (row by row, the channels of each pixel together): a canvas's `ImageData` (RGBA) or
 * any `{ data, width, height }`. `channels` defaults to `data.length / (width · height)`.
 */
export interface ImageBytes {
  readonly data: Bytes;
  readonly width: number;
  readonly height: number;
  readonly channels?: number;
}

/** An array in HWC (or HW) order with its shape, as a numpy array given to torchvision's ToTensor. */
export interface NDArrayLike {
  readonly data: Bytes | Float32Array | Float64Array;
  readonly shape: readonly number[];
}

/** What ToTensor converts. */
export type PicLike = ImageBytes | NDArrayLike;

const TO_TENSOR = signature("ToTensor", {});

const isBytes = (v: unknown): v is Bytes => v instanceof Uint8Array || v instanceof Uint8ClampedArray;
const isDim = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/** `pic`'s height, width and channels, checked against its data's length. */
function dims(pic: PicLike): [h: number, w: number, c: number] {
  const fail = (why: string): never => {
    throw new ValueError(`ToTensor: ${why}`);
  };
  if ("shape" in pic) {
    const s = pic.shape;
    if (!Array.isArray(s) || (s.length !== 2 && s.length !== 3) || !s.every(isDim)) {
      fail(`shape must be [height, width] or [height, width, channels] of non-negative integers, got ${describe(s)}`);
    }
    const [h, w, c = 1] = s;
    if (h * w * c !== pic.data.length) {
      throw new ShapeError(`ToTensor: shape [${s.join(", ")}] holds ${h * w * c} values, but data has ${pic.data.length}`);
    }
    return [h, w, c];
  }
  const { width: w, height: h } = pic;
  if (!isDim(w) || !isDim(h)) fail(`width and height must be non-negative integers, got width=${describe(w)}, height=${describe(h)}`);
  const c = pic.channels ?? (w * h === 0 ? 1 : pic.data.length / (w * h));
  if (!isDim(c) || c === 0)
    fail(`channels must be a positive integer, got ${describe(c)} (data has ${pic.data.length} bytes for ${h}×${w} pixels)`);
  if (h * w * c !== pic.data.length) {
    throw new ShapeError(`ToTensor: a ${h}×${w} image with ${c} channels has ${h * w * c} bytes, but data has ${pic.data.length}`);
  }
  return [h, w, c];
}

/**
 * Converts an image to a CHW tensor, as `torchvision.transforms.ToTensor()`: bytes (`Uint8Array`,
 * `Uint8ClampedArray`, a canvas's `ImageData` → 4 channels RGBA) in HWC order become float32 in [0, 1] (divided by
 * 255); an `NDArrayLike` of floats (`Float32Array`/`Float64Array`) keeps its values and dtype, as torchvision does
 * for float arrays. A 2-D `shape` [H, W] gives one channel. A tensor is refused, as torchvision refuses one.
 *
 * @example
 * const toTensor = new tg.data.transforms.ToTensor();
 * toTensor(ctx.getImageData(0, 0, 32, 32)).shape;                                  // [4, 32, 32]
 * toTensor({ data: rgbBytes, width: 32, height: 32, channels: 3 }).shape;           // [3, 32, 32]
 * toTensor({ data: new Uint8Array([0, 255]), shape: [1, 2] }).tolist();             // [[[0, 1]]]
 */
export class ToTensor extends Transform<PicLike, Tensor> {
  constructor(...args: [] | [options: Record<string, never>]) {
    super();
    TO_TENSOR.parse(args);
  }

  forward(pic: PicLike): Tensor {
    if (hasTensorBrand(pic)) {
      throw new ValueError("ToTensor: pic should be image bytes or an array-like ({ data, shape }), got a Tensor (it is already one)");
    }
    if (pic === null || typeof pic !== "object" || !("data" in pic)) {
      throw new ValueError(`ToTensor: pic should be image bytes ({ data, width, height }) or { data, shape }, got ${describe(pic)}`);
    }
    const data = pic.data;
    const floats = data instanceof Float32Array || data instanceof Float64Array;
    if (!isBytes(data) && !(floats && "shape" in pic)) {
      throw new ValueError(
        `ToTensor: data must be a Uint8Array or Uint8ClampedArray${"shape" in pic ? " (or a Float32Array/Float64Array)" : ""}, got ${describe(data)}`,
      );
    }
    const [h, w, c] = dims(pic);
    const out = data instanceof Float64Array ? new Float64Array(data.length) : new Float32Array(data.length);
    const bytes = isBytes(data);
    const plane = h * w;
    // HWC → CHW; bytes are divided by 255 (v / 255, rounded once to float32, as torch's float32 division).
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < c; k++) out[k * plane + p] = bytes ? data[p * c + k] / 255 : data[p * c + k];
    }
    return fromTyped(out, [c, h, w]);
  }
}
