import { type Args, arg, is, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Pool2dOptions } from "../functional/pooling.js";
import { type Size2, showSize2 } from "../functional/unfold.js";
import { Module } from "../module.js";

const size2 = is.size(2);
const MAX_POOL = signature("MaxPool2d", {
  kernelSize: required(size2),
  stride: arg(is.nullable(size2), null),
  padding: arg(size2, 0 as Size2),
  dilation: arg(size2, 1 as Size2),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
  ceilMode: arg(is.boolean, false),
});
const AVG_POOL = signature("AvgPool2d", {
  kernelSize: required(size2),
  stride: arg(is.nullable(size2), null),
  padding: arg(size2, 0 as Size2),
  ceilMode: arg(is.only(false, "ceilMode is not implemented"), false),
  countIncludePad: arg(is.only(true, "countIncludePad: false is not implemented"), true),
  divisorOverride: arg(is.only(null, "divisorOverride is not implemented"), null),
});
const ADAPTIVE_AVG = signature("AdaptiveAvgPool2d", { outputSize: required(size2) });

/** Only the options that were given (a null stride means the kernel size, and is left out). */
function given(a: { stride: Size2 | null; padding: Size2; dilation?: Size2 }): Pool2dOptions {
  return {
    ...(a.stride !== null ? { stride: a.stride } : {}),
    padding: a.padding,
    ...(a.dilation !== undefined ? { dilation: a.dilation } : {}),
  };
}

/** Max over kernel-sized windows (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  readonly kernelSize: Size2;
  readonly options: Pool2dOptions;
  readonly ceilMode: boolean;
  constructor(
    kernelSize: Size2,
    ...rest: Args<
      [stride: Size2 | null, padding: Size2, dilation: Size2, returnIndices: false, ceilMode: boolean],
      Pool2dOptions & { stride?: Size2 | null; returnIndices?: false; ceilMode?: boolean }
    >
  ) {
    super();
    const a = MAX_POOL.parse([kernelSize, ...rest]);
    this.kernelSize = a.kernelSize as Size2;
    this.options = given({ stride: a.stride as Size2 | null, padding: a.padding as Size2, dilation: a.dilation as Size2 });
    this.ceilMode = a.ceilMode;
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { ...this.options, ceilMode: this.ceilMode });
  }
  override extraRepr(): string {
    return `kernelSize=${showSize2(this.kernelSize)}, stride=${showSize2(this.options.stride ?? this.kernelSize)}, padding=${showSize2(this.options.padding ?? 0)}${this.ceilMode ? ", ceilMode=true" : ""}`;
  }
}

/** Mean over kernel-sized windows (stride defaults to the kernel size). */
export class AvgPool2d extends Module {
  readonly kernelSize: Size2;
  readonly options: Omit<Pool2dOptions, "dilation">;
  constructor(
    kernelSize: Size2,
    ...rest: Args<
      [stride: Size2 | null, padding: Size2, ceilMode: false, countIncludePad: true, divisorOverride: null],
      Omit<Pool2dOptions, "dilation"> & { stride?: Size2 | null; ceilMode?: false; countIncludePad?: true; divisorOverride?: null }
    >
  ) {
    super();
    const a = AVG_POOL.parse([kernelSize, ...rest]);
    this.kernelSize = a.kernelSize as Size2;
    this.options = given({ stride: a.stride as Size2 | null, padding: a.padding as Size2 });
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${showSize2(this.kernelSize)}, stride=${showSize2(this.options.stride ?? this.kernelSize)}, padding=${showSize2(this.options.padding ?? 0)}`;
  }
}

/** Averages to a fixed output size, whatever the input's height and width. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: Size2;
  constructor(...args: [outputSize: Size2]) {
    super();
    this.outputSize = ADAPTIVE_AVG.parse(args).outputSize as Size2;
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${showSize2(this.outputSize)}`;
  }
}
