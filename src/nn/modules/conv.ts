import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ValueError } from "../../errors.js";
import { empty } from "../../ops/creation.js";
import { pad } from "../../ops/pad.js";
import type { Tensor } from "../../tensor/tensor.js";
import { conv1d as conv1dSizes, conv2d as conv2dSizes } from "../functional/conv.js";
import {
  type Conv1dPaddingOptions,
  type Conv2dPaddingOptions,
  type ConvPadding,
  conv1d,
  conv2d,
  convPaddingArg,
  convPaddingPairs,
} from "../functional/conv_padding.js";
import { pair, type Size2, showSize2 } from "../functional/unfold.js";
import { calculateFans, kaimingUniform_, uniform_ } from "../init.js";
import { badInput, Module } from "../module.js";
import { Parameter } from "../parameter.js";
import type { ConvPaddingMode } from "./conv3d.js";

export interface ConvOptions {
  stride?: Size2;
  /** A size, "valid" (none) or "same" (the output as large as the input; stride 1 only), as PyTorch. */
  padding?: ConvPadding<Size2>;
  dilation?: Size2;
  groups?: number;
  bias?: boolean;
  /** How the padding is filled: "zeros" (PyTorch's default), "reflect", "replicate" or "circular". */
  paddingMode?: ConvPaddingMode;
  dtype?: "float32" | "float64";
}

/** A Conv2d's settings as its forward uses them (paddingMode only when it is not "zeros"). */
export type Conv2dLayerOptions = Conv2dPaddingOptions & { paddingMode?: Exclude<ConvPaddingMode, "zeros"> };
/** A Conv1d's settings as its forward uses them (paddingMode only when it is not "zeros"). */
export type Conv1dLayerOptions = Conv1dPaddingOptions & { paddingMode?: Exclude<ConvPaddingMode, "zeros"> };
const PADDING_MODE = is.oneOf("zeros", "reflect", "replicate", "circular");

/** PyTorch's `_ConvNd` signature, for `dims` spatial dims. */
const convSignature = (fn: string, dims: number) =>
  signature(fn, {
    inChannels: required(is.posInt),
    outChannels: required(is.posInt),
    kernelSize: required(is.size(dims)),
    stride: arg(is.size(dims), 1 as Size2),
    padding: arg(convPaddingArg(dims), 0 as ConvPadding<Size2>),
    dilation: arg(is.size(dims), 1 as Size2),
    groups: arg(is.posInt, 1),
    bias: arg(is.boolean, true),
    paddingMode: arg(PADDING_MODE, "zeros" as ConvPaddingMode),
    dtype: kw(is.floatDType, "float32"),
  });

const CONV1D = convSignature("Conv1d", 1);
const CONV2D = convSignature("Conv2d", 2);

/** Conv2d's positional parameters after kernelSize, as PyTorch orders them. */
type ConvRest = [stride: Size2, padding: ConvPadding<Size2>, dilation: Size2, groups: number, bias: boolean, paddingMode: ConvPaddingMode];

const each = (v: Size2 | undefined, dflt: number, n: number): number[] =>
  v === undefined ? Array(n).fill(dflt) : typeof v === "number" ? Array(n).fill(v) : [...v];

/** The (before, after) padding per spatial dim, checking "same" against the stride as PyTorch's constructor does. */
function padPairs(layer: string, o: Conv2dPaddingOptions | Conv1dPaddingOptions, kernel: readonly number[]): [number, number][] {
  const n = kernel.length;
  return convPaddingPairs(layer, o.padding ?? 0, kernel, each(o.stride, 1, n), each(o.dilation, 1, n));
}

/** The input padded by `mode` (PyTorch's _reversed_padding_repeated_twice: last dim first) for a non-zeros paddingMode. */
const padByMode = (x: Tensor, pairs: readonly [number, number][], mode: ConvPaddingMode): Tensor =>
  pad(x, [...pairs].reverse().flat(), mode as "reflect" | "replicate" | "circular");

const modeOption = (mode: ConvPaddingMode): { paddingMode?: Exclude<ConvPaddingMode, "zeros"> } =>
  mode === "zeros" ? {} : { paddingMode: mode };
const showPadding = (p: ConvPadding<Size2> | undefined): string => (typeof p === "string" ? JSON.stringify(p) : showSize2(p ?? 0));

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
 * 2-D convolution over [N, C, H, W] inputs, weight [out, in/groups, kh, kw], as torch.nn.Conv2d: `padding` a size,
 * "valid" or "same", `paddingMode` "zeros", "reflect", "replicate" or "circular".
 *
 * @example
 * const conv = new tg.nn.Conv2d(1, 8, 3, { padding: 1 });
 * conv(tg.randn([4, 1, 28, 28])).shape; // [4, 8, 28, 28]
 * new tg.nn.Conv2d(1, 8, 3, 1, 1); // stride 1, padding 1, as torch.nn.Conv2d(1, 8, 3, 1, 1)
 * new tg.nn.Conv2d(1, 8, 4, 1, "same", 1, 1, true, "reflect"); // output as large as the input, reflected borders
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly options: Conv2dLayerOptions;
  readonly paddingMode: ConvPaddingMode;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, ...rest: Args<ConvRest, ConvOptions>) {
    super();
    const a = CONV2D.parse([inChannels, outChannels, kernelSize, ...rest]);
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = pair(a.kernelSize as Size2, "Conv2d kernelSize");
    const groups = a.groups;
    checkGroups("Conv2d", inChannels, outChannels, groups);
    const padding = a.padding as ConvPadding<Size2>;
    this.paddingMode = a.paddingMode;
    this.options = { stride: a.stride as Size2, padding, dilation: a.dilation as Size2, groups, ...modeOption(a.paddingMode) };
    padPairs("Conv2d", this.options, this.kernelSize);
    const dtype = a.dtype;
    this.weight = new Parameter(empty([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = a.bias ? new Parameter(empty([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConv(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    // PyTorch's unbatched form: [C, H, W] in, [O, oh, ow] out.
    if (x.ndim === 3 && x.shape[0] === this.inChannels) return this.forward(x.unsqueeze(0)).squeeze(0);
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels)
      badInput(this.describe(), `[N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W]`, x.shape);
    const { stride, padding, dilation, groups } = this.options;
    if (this.paddingMode === "zeros") return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
    // Other modes pad first (PyTorch's _reversed_padding_repeated_twice), then convolve without padding.
    const xp = padByMode(x, padPairs("Conv2d", this.options, this.kernelSize), this.paddingMode);
    return conv2dSizes(xp, this.weight, this.bias, { stride, padding: 0, dilation, groups });
  }

  override extraRepr(): string {
    const { stride, padding, dilation, groups } = this.options;
    const [s, d] = [stride ?? 1, dilation ?? 1].map(showSize2);
    const mode = this.paddingMode === "zeros" ? "" : `, paddingMode=${JSON.stringify(this.paddingMode)}`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${showSize2(this.kernelSize)}, stride=${s}, padding=${showPadding(padding)}, dilation=${d}, groups=${groups}, bias=${this.bias !== null}${mode}`;
  }
}

export interface Conv1dModuleOptions extends Conv1dPaddingOptions {
  bias?: boolean;
  /** How the padding is filled: "zeros" (PyTorch's default), "reflect", "replicate" or "circular". */
  paddingMode?: ConvPaddingMode;
  dtype?: "float32" | "float64";
}

type Conv1dRest = [
  stride: number,
  padding: ConvPadding<number>,
  dilation: number,
  groups: number,
  bias: boolean,
  paddingMode: ConvPaddingMode,
];

/**
 * 1-D convolution over [N, C, L] inputs, weight [out, in/groups, k], as torch.nn.Conv1d: `padding` a size, "valid"
 * or "same", `paddingMode` "zeros", "reflect", "replicate" or "circular".
 */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  weight: Parameter;
  bias: Parameter | null;
  readonly options: Conv1dLayerOptions;
  readonly paddingMode: ConvPaddingMode;

  constructor(inChannels: number, outChannels: number, kernelSize: number, ...rest: Args<Conv1dRest, Conv1dModuleOptions>) {
    super();
    const a = CONV1D.parse([inChannels, outChannels, kernelSize, ...rest]);
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = a.kernelSize as number;
    const groups = a.groups;
    checkGroups("Conv1d", inChannels, outChannels, groups);
    const padding = a.padding as ConvPadding<number>;
    this.paddingMode = a.paddingMode;
    this.options = { stride: a.stride as number, padding, dilation: a.dilation as number, groups, ...modeOption(a.paddingMode) };
    padPairs("Conv1d", this.options, [this.kernelSize]);
    const dtype = a.dtype;
    this.weight = new Parameter(empty([outChannels, inChannels / groups, this.kernelSize], { dtype }));
    this.bias = a.bias ? new Parameter(empty([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetConv(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 2 && x.shape[0] === this.inChannels) return this.forward(x.unsqueeze(0)).squeeze(0);
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels)
      badInput(this.describe(), `[N, ${this.inChannels}, L] or [${this.inChannels}, L]`, x.shape);
    const { stride, padding, dilation, groups } = this.options;
    if (this.paddingMode === "zeros") return conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups });
    const xp = padByMode(x, padPairs("Conv1d", this.options, [this.kernelSize]), this.paddingMode);
    return conv1dSizes(xp, this.weight, this.bias, { stride, padding: 0, dilation, groups });
  }

  override extraRepr(): string {
    const { stride, padding, dilation, groups } = this.options;
    const mode = this.paddingMode === "zeros" ? "" : `, paddingMode=${JSON.stringify(this.paddingMode)}`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${stride}, padding=${showPadding(padding)}, dilation=${dilation}, groups=${groups}, bias=${this.bias !== null}${mode}`;
  }
}
