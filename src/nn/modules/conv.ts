import { type Args, arg, is, kw, required, signature } from "../../args.js";
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
  /** Only "zeros" (PyTorch's default) is implemented; other modes throw. */
  paddingMode?: "zeros";
  dtype?: "float32" | "float64";
}

/** PyTorch's `_ConvNd` signature, for `dims` spatial dims. */
const convSignature = (fn: string, dims: number) =>
  signature(fn, {
    inChannels: required(is.posInt),
    outChannels: required(is.posInt),
    kernelSize: required(is.size(dims)),
    stride: arg(is.size(dims), 1 as Size2),
    padding: arg(is.size(dims), 0 as Size2),
    dilation: arg(is.size(dims), 1 as Size2),
    groups: arg(is.posInt, 1),
    bias: arg(is.boolean, true),
    paddingMode: arg(is.oneOf("zeros"), "zeros"),
    dtype: kw(is.floatDType, "float32"),
  });

const CONV1D = convSignature("Conv1d", 1);
const CONV2D = convSignature("Conv2d", 2);

/** Conv2d's positional parameters after kernelSize, as PyTorch orders them. */
type ConvRest = [stride: Size2, padding: Size2, dilation: Size2, groups: number, bias: boolean, paddingMode: "zeros"];

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
 * new tg.nn.Conv2d(1, 8, 3, 1, 1); // stride 1, padding 1, as torch.nn.Conv2d(1, 8, 3, 1, 1)
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly options: Conv2dOptions;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, ...rest: Args<ConvRest, ConvOptions>) {
    super();
    const a = CONV2D.parse([inChannels, outChannels, kernelSize, ...rest]);
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = pair(a.kernelSize as Size2, "Conv2d kernelSize");
    const groups = a.groups;
    checkGroups("Conv2d", inChannels, outChannels, groups);
    this.options = { stride: a.stride as Size2, padding: a.padding as Size2, dilation: a.dilation as Size2, groups };
    const dtype = a.dtype;
    this.weight = new Parameter(empty([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = a.bias ? new Parameter(empty([outChannels], { dtype })) : null;
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
  /** Only "zeros" (PyTorch's default) is implemented; other modes throw. */
  paddingMode?: "zeros";
  dtype?: "float32" | "float64";
}

type Conv1dRest = [stride: number, padding: number, dilation: number, groups: number, bias: boolean, paddingMode: "zeros"];

/** 1-D convolution over [N, C, L] inputs, weight [out, in/groups, k]. */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  weight: Parameter;
  bias: Parameter | null;
  readonly options: Conv1dOptions;

  constructor(inChannels: number, outChannels: number, kernelSize: number, ...rest: Args<Conv1dRest, Conv1dModuleOptions>) {
    super();
    const a = CONV1D.parse([inChannels, outChannels, kernelSize, ...rest]);
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = a.kernelSize as number;
    const groups = a.groups;
    checkGroups("Conv1d", inChannels, outChannels, groups);
    this.options = { stride: a.stride as number, padding: a.padding as number, dilation: a.dilation as number, groups };
    const dtype = a.dtype;
    this.weight = new Parameter(empty([outChannels, inChannels / groups, this.kernelSize], { dtype }));
    this.bias = a.bias ? new Parameter(empty([outChannels], { dtype })) : null;
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
