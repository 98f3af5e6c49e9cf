import { type Args, arg, is, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  adaptiveAvgPool1d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  avgPool1d,
  maxPool1d,
  type Pool1dOptions,
} from "../functional/pooling1d.js";
import { type Size2, showSize2 } from "../functional/unfold.js";
import { Module } from "../module.js";

const size1 = is.size(1);
const MAX_POOL1D = signature("MaxPool1d", {
  kernelSize: required(size1),
  stride: arg(is.nullable(size1), null),
  padding: arg(size1, 0),
  dilation: arg(size1, 1),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
  ceilMode: arg(is.boolean, false),
});
const AVG_POOL1D = signature("AvgPool1d", {
  kernelSize: required(size1),
  stride: arg(is.nullable(size1), null),
  padding: arg(size1, 0),
  ceilMode: arg(is.only(false, "ceilMode is not implemented"), false),
  countIncludePad: arg(is.only(true, "countIncludePad: false is not implemented"), true),
});
const ADAPTIVE_AVG1D = signature("AdaptiveAvgPool1d", { outputSize: required(size1) });
const ADAPTIVE_MAX1D = signature("AdaptiveMaxPool1d", {
  outputSize: required(size1),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
});
const ADAPTIVE_MAX2D = signature("AdaptiveMaxPool2d", {
  outputSize: required(is.size(2)),
  returnIndices: arg(is.only(false, "returnIndices is not implemented"), false),
});

/** Max over kernel-sized windows of the last dim (stride defaults to the kernel size), as torch.nn.MaxPool1d. */
export class MaxPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;
  constructor(
    kernelSize: number,
    ...rest: Args<
      [stride: number | null, padding: number, dilation: number, returnIndices: false, ceilMode: boolean],
      Pool1dOptions & { returnIndices?: false; ceilMode?: boolean }
    >
  ) {
    super();
    const a = MAX_POOL1D.parse([kernelSize, ...rest]);
    this.kernelSize = a.kernelSize as number;
    this.stride = (a.stride ?? a.kernelSize) as number;
    this.padding = a.padding as number;
    this.dilation = a.dilation as number;
    this.ceilMode = a.ceilMode;
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }
  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}`;
  }
}

/** Mean over kernel-sized windows of the last dim (stride defaults to the kernel size), as torch.nn.AvgPool1d. */
export class AvgPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  constructor(
    kernelSize: number,
    ...rest: Args<
      [stride: number | null, padding: number, ceilMode: false, countIncludePad: true],
      Omit<Pool1dOptions, "dilation"> & { ceilMode?: false; countIncludePad?: true }
    >
  ) {
    super();
    const a = AVG_POOL1D.parse([kernelSize, ...rest]);
    this.kernelSize = a.kernelSize as number;
    this.stride = (a.stride ?? a.kernelSize) as number;
    this.padding = a.padding as number;
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

/** Averages the last dim to a fixed length, whatever the input's length. */
export class AdaptiveAvgPool1d extends Module {
  readonly outputSize: number;
  constructor(...args: [outputSize: number]) {
    super();
    this.outputSize = ADAPTIVE_AVG1D.parse(args).outputSize as number;
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${this.outputSize}`;
  }
}

/** Max-pools the last dim to a fixed length, whatever the input's length. */
export class AdaptiveMaxPool1d extends Module {
  readonly outputSize: number;
  constructor(outputSize: number, ...rest: Args<[returnIndices: false], { returnIndices?: false }>) {
    super();
    this.outputSize = ADAPTIVE_MAX1D.parse([outputSize, ...rest]).outputSize as number;
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool1d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${this.outputSize}`;
  }
}

/** Max-pools height and width to a fixed size, whatever the input's. */
export class AdaptiveMaxPool2d extends Module {
  readonly outputSize: Size2;
  constructor(outputSize: Size2, ...rest: Args<[returnIndices: false], { returnIndices?: false }>) {
    super();
    this.outputSize = ADAPTIVE_MAX2D.parse([outputSize, ...rest]).outputSize as Size2;
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${showSize2(this.outputSize)}`;
  }
}
