import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ValueError } from "../../errors.js";
import { empty } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  type ConvTranspose1dOptions,
  type ConvTranspose2dOptions,
  convTranspose1d,
  convTranspose2d,
} from "../functional/conv_transpose.js";
import { pair, type Size2, showSize2 } from "../functional/unfold.js";
import { calculateFans, kaimingUniform_, uniform_ } from "../init.js";
import { badInput, Module } from "../module.js";
import { Parameter } from "../parameter.js";

/** PyTorch's `_ConvTransposeNd` signature, for `dims` spatial dims. */
const convTransposeSignature = (fn: string, dims: number) =>
  signature(fn, {
    inChannels: required(is.posInt),
    outChannels: required(is.posInt),
    kernelSize: required(is.size(dims)),
    stride: arg(is.size(dims), 1 as Size2),
    padding: arg(is.size(dims), 0 as Size2),
    outputPadding: arg(is.size(dims), 0 as Size2),
    groups: arg(is.posInt, 1),
    bias: arg(is.boolean, true),
    dilation: arg(is.size(dims), 1 as Size2),
    paddingMode: arg(is.oneOf("zeros"), "zeros"),
    dtype: kw(is.floatDType, "float32"),
  });
const CONV_T1D = convTransposeSignature("ConvTranspose1d", 1);
const CONV_T2D = convTransposeSignature("ConvTranspose2d", 2);

interface ModuleOptions {
  bias?: boolean;
  /** Only "zeros" (PyTorch's default) is implemented; other modes throw. */
  paddingMode?: "zeros";
  dtype?: "float32" | "float64";
}

function checkGroups(layer: string, inChannels: number, outChannels: number, groups: number): void {
  if (inChannels % groups !== 0) throw new ValueError(`${layer}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new ValueError(`${layer}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
}

/** PyTorch's _ConvNd.reset_parameters: fan-in from weight [in, out/groups, k...] is out/groups · k. */
function resetConvTranspose(weight: Parameter, bias: Parameter | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const { fanIn } = calculateFans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

type Rest2 = [stride: Size2, padding: Size2, outputPadding: Size2, groups: number, bias: boolean, dilation: Size2, paddingMode: "zeros"];
type Rest1 = [
  stride: number,
  padding: number,
  outputPadding: number,
  groups: number,
  bias: boolean,
  dilation: number,
  paddingMode: "zeros",
];

/**
 * 2-D transposed convolution over [N, C, H, W] inputs, weight [in, out/groups, kh, kw] (PyTorch's layout and keys).
 *
 * @example
 * const up = new tg.nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 });
 * up(tg.randn([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly options: Required<ConvTranspose2dOptions>;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, ...rest: Args<Rest2, ConvTranspose2dOptions & ModuleOptions>) {
    super();
    const a = CONV_T2D.parse([inChannels, outChannels, kernelSize, ...rest]);
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = pair(a.kernelSize as Size2, "ConvTranspose2d kernelSize");
    checkGroups("ConvTranspose2d", a.inChannels, a.outChannels, a.groups);
    this.options = {
      stride: a.stride as Size2,
      padding: a.padding as Size2,
      outputPadding: a.outputPadding as Size2,
      groups: a.groups,
      dilation: a.dilation as Size2,
    };
    this.weight = new Parameter(empty([a.inChannels, a.outChannels / a.groups, ...this.kernelSize], { dtype: a.dtype }));
    this.bias = a.bias ? new Parameter(empty([a.outChannels], { dtype: a.dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvTranspose(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    // PyTorch's unbatched form: [C, H, W] in, [O, oh, ow] out.
    if (x.ndim === 3 && x.shape[0] === this.inChannels) return this.forward(x.unsqueeze(0)).squeeze(0);
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels)
      badInput(this.describe(), `[N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W]`, x.shape);
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const { stride, padding, outputPadding, dilation, groups } = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${showSize2(this.kernelSize)}, stride=${showSize2(stride)}, padding=${showSize2(padding)}, outputPadding=${showSize2(outputPadding)}, dilation=${showSize2(dilation)}, groups=${groups}, bias=${this.bias !== null}`;
  }
}

/** 1-D transposed convolution over [N, C, L] inputs, weight [in, out/groups, k]. */
export class ConvTranspose1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number;
  readonly options: Required<ConvTranspose1dOptions>;

  constructor(inChannels: number, outChannels: number, kernelSize: number, ...rest: Args<Rest1, ConvTranspose1dOptions & ModuleOptions>) {
    super();
    const a = CONV_T1D.parse([inChannels, outChannels, kernelSize, ...rest]);
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = a.kernelSize as number;
    checkGroups("ConvTranspose1d", a.inChannels, a.outChannels, a.groups);
    this.options = {
      stride: a.stride as number,
      padding: a.padding as number,
      outputPadding: a.outputPadding as number,
      groups: a.groups,
      dilation: a.dilation as number,
    };
    this.weight = new Parameter(empty([a.inChannels, a.outChannels / a.groups, this.kernelSize], { dtype: a.dtype }));
    this.bias = a.bias ? new Parameter(empty([a.outChannels], { dtype: a.dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConvTranspose(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 2 && x.shape[0] === this.inChannels) return this.forward(x.unsqueeze(0)).squeeze(0);
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels)
      badInput(this.describe(), `[N, ${this.inChannels}, L] or [${this.inChannels}, L]`, x.shape);
    return convTranspose1d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const { stride, padding, outputPadding, dilation, groups } = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${stride}, padding=${padding}, outputPadding=${outputPadding}, dilation=${dilation}, groups=${groups}, bias=${this.bias !== null}`;
  }
}
