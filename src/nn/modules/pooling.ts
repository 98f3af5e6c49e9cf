import type { Tensor } from "../../tensor/tensor.js";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Pool2dOptions } from "../functional/pooling.js";
import { type Size2, showSize2 } from "../functional/unfold.js";
import { Module } from "../module.js";

/** Max over kernel-sized windows (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly options: Pool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${showSize2(this.kernelSize)}, stride=${showSize2(this.options.stride ?? this.kernelSize)}, padding=${showSize2(this.options.padding ?? 0)}`;
  }
}

/** Mean over kernel-sized windows (stride defaults to the kernel size). */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly options: Omit<Pool2dOptions, "dilation"> = {},
  ) {
    super();
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
  constructor(readonly outputSize: Size2) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${showSize2(this.outputSize)}`;
  }
}
