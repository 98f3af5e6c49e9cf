import { type Args, arg, is, kw, signature } from "../../args.js";
import { defaultGenerator, Generator, rand } from "../../ops/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import { imageSize } from "./pad.js";
import { Transform } from "./transform.js";

/** Options of the random flips. */
export interface RandomFlipOptions {
  /** The probability of flipping (default 0.5). */
  p?: number;
  /** Where the draw comes from; the default generator (seeded by `tg.manualSeed`) when omitted. */
  generator?: Generator | null;
}

const flipSignature = (fn: string) =>
  signature(fn, {
    p: arg(
      is.numberWhere("a probability in [0, 1]", (p) => p >= 0 && p <= 1),
      0.5,
    ),
    generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
  });

const HFLIP = flipSignature("RandomHorizontalFlip");
const VFLIP = flipSignature("RandomVerticalFlip");

/** Flips the last (horizontal) or second-to-last (vertical) dim with probability p: one `rand(1)` draw per call. */
abstract class RandomFlip extends Transform {
  readonly p: number;
  readonly generator: Generator | null;
  protected abstract readonly dim: -1 | -2;

  constructor(a: { p: number; generator: Generator | null }) {
    super();
    this.p = a.p;
    this.generator = a.generator;
  }

  forward(img: Tensor): Tensor {
    imageSize(img, this.constructor.name);
    const u = rand([1], { generator: this.generator ?? defaultGenerator }).item();
    return u < this.p ? img.flip(img.ndim + this.dim) : img;
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Mirrors an image `[..., H, W]` left to right with probability `p`, as
 * `torchvision.transforms.RandomHorizontalFlip(p=0.5)` (one `rand(1)` from `generator` per call).
 *
 * @example
 * const flip = new tg.data.transforms.RandomHorizontalFlip();
 * flip(tg.rand([3, 32, 32])); // flipped half of the time
 */
export class RandomHorizontalFlip extends RandomFlip {
  protected readonly dim = -1;

  constructor(...args: Args<[p: number], RandomFlipOptions>) {
    super(HFLIP.parse(args));
  }
}

/**
 * Mirrors an image `[..., H, W]` top to bottom with probability `p`, as
 * `torchvision.transforms.RandomVerticalFlip(p=0.5)`.
 *
 * @example
 * new tg.data.transforms.RandomVerticalFlip(1)(tg.arange(4).reshape([1, 2, 2])).tolist(); // [[[2, 3], [0, 1]]]
 */
export class RandomVerticalFlip extends RandomFlip {
  protected readonly dim = -2;

  constructor(...args: Args<[p: number], RandomFlipOptions>) {
    super(VFLIP.parse(args));
  }
}
