import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ValueError } from "../../errors.js";
import { defaultGenerator, Generator, randint } from "../../ops/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import { imageSize, type Padding, type PaddingMode, paddingArg, padImage } from "./pad.js";
import { list, Transform } from "./transform.js";

/** A crop size: one number for a square, or [height, width] (a one-element array is a square too). */
export type CropSize = number | readonly number[];

const sizeArg = is.where<CropSize>(
  "a positive integer or an array [height, width] of them",
  (v) =>
    (typeof v === "number" && Number.isInteger(v) && v > 0) ||
    (Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every((x) => Number.isInteger(x) && x > 0)),
);

/** `size` as [height, width]. */
const hw = (size: CropSize): [number, number] => (typeof size === "number" ? [size, size] : [size[0], size[size.length - 1]]);

const generatorArg = kw(is.nullable(is.instance(Generator, "Generator")), null);

const RANDOM_CROP = signature("RandomCrop", {
  size: required(sizeArg),
  padding: arg(is.nullable(paddingArg), null),
  padIfNeeded: arg(is.boolean, false),
  fill: arg(is.number, 0),
  paddingMode: arg(is.oneOf("constant", "edge", "reflect", "symmetric"), "constant"),
  generator: generatorArg,
});

const CENTER_CROP = signature("CenterCrop", { size: required(sizeArg) });

/** Options of RandomCrop (torchvision's keywords in camelCase, and the generator its draws come from). */
export interface RandomCropOptions {
  size?: CropSize;
  padding?: Padding | null;
  padIfNeeded?: boolean;
  fill?: number;
  paddingMode?: PaddingMode;
  generator?: Generator | null;
}

/** The `[..., top:top+h, left:left+w]` window of `img` (a view). */
const crop = (img: Tensor, top: number, left: number, h: number, w: number): Tensor =>
  img.narrow(img.ndim - 2, top, h).narrow(img.ndim - 1, left, w);

/**
 * Crops a random `size` window from an image `[..., H, W]`, as `torchvision.transforms.RandomCrop(size,
 * padding=None, pad_if_needed=False, fill=0, padding_mode="constant")`: first pads by `padding` (one number, [left/right,
 * top/bottom] or [left, top, right, bottom]); with `padIfNeeded` an image narrower or shorter than `size` is padded
 * on both sides by the difference; then the window's top and left come from `randint` on `generator` (the default
 * generator, seeded by `tg.manualSeed`, when omitted), top first. Returns a view.
 *
 * @example
 * const crop = new tg.data.transforms.RandomCrop(32, { padding: 4 });   // CIFAR-10's augmentation
 * crop(tg.rand([3, 32, 32])).shape; // [3, 32, 32]
 */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  readonly padding: Padding | null;
  readonly padIfNeeded: boolean;
  readonly fill: number;
  readonly paddingMode: PaddingMode;
  readonly generator: Generator | null;

  constructor(
    size: CropSize,
    ...rest: Args<[padding: Padding | null, padIfNeeded: boolean, fill: number, paddingMode: PaddingMode], RandomCropOptions>
  ) {
    super();
    const a = RANDOM_CROP.parse([size, ...rest]);
    this.size = hw(a.size);
    this.padding = a.padding;
    this.padIfNeeded = a.padIfNeeded;
    this.fill = a.fill;
    this.paddingMode = a.paddingMode;
    this.generator = a.generator;
  }

  /**
   * torchvision's `RandomCrop.get_params`: a random [top, left, height, width] window of `outputSize` inside `img`
   * (no draw when the sizes are equal).
   */
  static getParams(
    img: Tensor,
    outputSize: readonly [number, number],
    generator: Generator | null = null,
  ): [number, number, number, number] {
    const [h, w] = imageSize(img, "RandomCrop");
    const [th, tw] = outputSize;
    if (h < th || w < tw) {
      throw new ValueError(`RandomCrop: required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
    }
    if (h === th && w === tw) return [0, 0, h, w];
    const g = generator ?? defaultGenerator;
    const i = randint(0, h - th + 1, [1], { generator: g }).item();
    const j = randint(0, w - tw + 1, [1], { generator: g }).item();
    return [i, j, th, tw];
  }

  forward(img: Tensor): Tensor {
    let out = img;
    const pad = (p: Padding) => padImage(out, p, this.fill, this.paddingMode, "RandomCrop");
    if (this.padding !== null) out = pad(this.padding);
    const [th, tw] = this.size;
    let [h, w] = imageSize(out, "RandomCrop");
    if (this.padIfNeeded && w < tw) out = pad([tw - w, 0]);
    [h, w] = imageSize(out, "RandomCrop");
    if (this.padIfNeeded && h < th) out = pad([0, th - h]);
    const [i, j] = RandomCrop.getParams(out, this.size, this.generator);
    return crop(out, i, j, th, tw);
  }

  override extraRepr(): string {
    const p = this.padding === null ? "None" : typeof this.padding === "number" ? String(this.padding) : list(this.padding);
    return `size=(${this.size.join(", ")}), padding=${p}`;
  }
}

/** Python's round(): halves go to the even neighbour. */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * Crops the central `size` window of an image `[..., H, W]`, as `torchvision.transforms.CenterCrop(size)`: the top
 * is `round((H − h) / 2)` (Python's round: halves to even), the left likewise; an image smaller than `size` is first
 * padded with zeros (the odd pixel after).
 *
 * @example
 * new tg.data.transforms.CenterCrop(24)(tg.rand([3, 32, 32])).shape; // [3, 24, 24]
 */
export class CenterCrop extends Transform {
  readonly size: [number, number];

  constructor(...args: Args<[size: CropSize], { size?: CropSize }>) {
    super();
    this.size = hw(CENTER_CROP.parse(args).size);
  }

  forward(img: Tensor): Tensor {
    const [ch, cw] = this.size;
    let out = img;
    let [h, w] = imageSize(img, "CenterCrop");
    if (cw > w || ch > h) {
      const dw = Math.max(cw - w, 0);
      const dh = Math.max(ch - h, 0);
      out = padImage(
        img,
        [Math.floor(dw / 2), Math.floor(dh / 2), Math.floor((dw + 1) / 2), Math.floor((dh + 1) / 2)],
        0,
        "constant",
        "CenterCrop",
      );
      [h, w] = imageSize(out, "CenterCrop");
      if (cw === w && ch === h) return out;
    }
    return crop(out, roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2), ch, cw);
  }

  override extraRepr(): string {
    return `size=(${this.size.join(", ")})`;
  }
}
