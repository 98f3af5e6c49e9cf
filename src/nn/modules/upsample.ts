import { type Args, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type InterpolateMode, type InterpolateOptions, interpolate, interpolateParams } from "../functional/interpolate.js";
import { Module } from "../module.js";

const { antialias: _antialias, ...upsampleParams } = interpolateParams;
const UPSAMPLE = signature("Upsample", upsampleParams);

/** Upsample's options: interpolate's, less antialias. */
export type UpsampleOptions = Omit<InterpolateOptions, "antialias">;

/**
 * Resizes (N, C, L) or (N, C, H, W) inputs to `size` or by `scaleFactor`, as torch.nn.Upsample (F.interpolate).
 *
 * @example
 * new nn.Upsample({ scaleFactor: 2, mode: "bilinear", alignCorners: false });
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;
  constructor(
    ...args: Args<
      [
        size: number | readonly number[] | null,
        scaleFactor: number | readonly number[] | null,
        mode: InterpolateMode,
        alignCorners: boolean | null,
        recomputeScaleFactor: boolean | null,
      ],
      UpsampleOptions
    >
  ) {
    super();
    const a = UPSAMPLE.parse(args);
    this.size = a.size;
    this.scaleFactor = a.scaleFactor;
    this.mode = a.mode;
    this.alignCorners = a.alignCorners;
    this.recomputeScaleFactor = a.recomputeScaleFactor;
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, {
      size: this.size,
      scaleFactor: this.scaleFactor,
      mode: this.mode,
      alignCorners: this.alignCorners,
      recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }
  override extraRepr(): string {
    const what = this.scaleFactor !== null ? `scaleFactor=${JSON.stringify(this.scaleFactor)}` : `size=${JSON.stringify(this.size)}`;
    return `${what}, mode=${JSON.stringify(this.mode)}`;
  }
}
