import { ValueError } from "../../errors.js";
import { empty } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type Conv1dOptions, type Conv2dOptions, conv1d, conv2d } from "../functional/conv.js";
import { pair, type Size2, showSize2 } from "../functional/unfold.js";
import { calculateFans, kaimingUniform_, uniform_ } from "../init.js";
import { badInput, Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface ConvOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  groups?: number;
  bias?: boolean;
  dtype?: "float32" | "float64";
}

/** Channel counts must split evenly into groups (checked here, as PyTorch's _ConvNd, not at the first forward). */
function checkGroups(layer: string, inChannels: number, outChannels: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${layer}: groups must be a positive integer, got ${groups}`);
  if (inChannels % groups !== 0) throw new ValueError(`${layer}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new ValueError(`${layer}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
}

/** Conv weights and biases initialized as PyTorch's _ConvNd.reset_parameters. */
function resetConv(weight: Parameter, bias: Parameter | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const { fanIn } = calculateFans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

/**
 * 2-D convolution over [N, C, H, W] inputs, weight [out, in/groups, kh, kw].
 *
 * @example
 * const conv = new tg.nn.Conv2d(1, 8, 3, { padding: 1 });
 * conv(tg.randn([4, 1, 28, 28])).shape; // [4, 8, 28, 28]
 */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly options: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    options: ConvOptions = {},
  ) {
    super();
    this.kernelSize = pair(kernelSize, "Conv2d kernelSize");
    const groups = options.groups ?? 1;
    checkGroups("Conv2d", inChannels, outChannels, groups);
    this.options = { stride: options.stride ?? 1, padding: options.padding ?? 0, dilation: options.dilation ?? 1, groups };
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(empty([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(empty([outChannels], { dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    resetConv(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) badInput(this.describe(), `[N, ${this.inChannels}, H, W]`, x.shape);
    return conv2d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const { stride, padding, dilation, groups } = this.options;
    const [s, p, d] = [stride ?? 1, padding ?? 0, dilation ?? 1].map(showSize2);
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${showSize2(this.kernelSize)}, stride=${s}, padding=${p}, dilation=${d}, groups=${groups}, bias=${this.bias !== null}`;
  }
}

export interface Conv1dModuleOptions extends Conv1dOptions {
  bias?: boolean;
  dtype?: "float32" | "float64";
}

/** 1-D convolution over [N, C, L] inputs, weight [out, in/groups, k]. */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly options: Conv1dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv1dModuleOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    checkGroups("Conv1d", inChannels, outChannels, groups);
    this.options = { stride: options.stride ?? 1, padding: options.padding ?? 0, dilation: options.dilation ?? 1, groups };
    const dtype = options.dtype ?? "float32";
    this.weight = new Parameter(empty([outChannels, inChannels / groups, kernelSize], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(empty([outChannels], { dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    resetConv(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels) badInput(this.describe(), `[N, ${this.inChannels}, L]`, x.shape);
    return conv1d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const { stride, padding, dilation, groups } = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${stride}, padding=${padding}, dilation=${dilation}, groups=${groups}, bias=${this.bias !== null}`;
  }
}
