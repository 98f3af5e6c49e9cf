import { is, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { pixelShuffle, pixelUnshuffle } from "../functional/pixel_shuffle.js";
import { Module } from "../module.js";

const PIXEL_SHUFFLE = signature("PixelShuffle", { upscaleFactor: required(is.posInt) });
const PIXEL_UNSHUFFLE = signature("PixelUnshuffle", { downscaleFactor: required(is.posInt) });

/** (*, C·r², H, W) → (*, C, H·r, W·r), as torch.nn.PixelShuffle. */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;
  constructor(...args: [upscaleFactor: number] | [options: { upscaleFactor: number }]) {
    super();
    this.upscaleFactor = PIXEL_SHUFFLE.parse(args).upscaleFactor as number;
  }
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscaleFactor=${this.upscaleFactor}`;
  }
}

/** (*, C, H·r, W·r) → (*, C·r², H, W), as torch.nn.PixelUnshuffle. */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;
  constructor(...args: [downscaleFactor: number] | [options: { downscaleFactor: number }]) {
    super();
    this.downscaleFactor = PIXEL_UNSHUFFLE.parse(args).downscaleFactor as number;
  }
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscaleFactor=${this.downscaleFactor}`;
  }
}
