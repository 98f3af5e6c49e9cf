import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ValueError } from "../../errors.js";
import { empty } from "../../ops/creation.js";
import { pad } from "../../ops/pad.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type ConvPadding3, conv3d, convPadding3, padding3, type Size3, triple } from "../functional/conv3d.js";
import { calculateFans, kaimingUniform_, uniform_ } from "../init.js";
import { badInput, Module } from "../module.js";
import { Parameter } from "../parameter.js";

/** How a convolution pads its input: zeros, or PyTorch's other padding modes (done with `pad` before the convolution). */
export type ConvPaddingMode = "zeros" | "reflect" | "replicate" | "circular";

export interface Conv3dModuleOptions {
  stride?: Size3;
  padding?: ConvPadding3;
  dilation?: Size3;
  groups?: number;
  bias?: boolean;
  paddingMode?: ConvPaddingMode;
  dtype?: "float32" | "float64";
}

const CONV3D = signature("Conv3d", {
  inChannels: required(is.posInt),
  outChannels: required(is.posInt),
  kernelSize: required(is.size(3)),
  stride: arg(is.size(3), 1 as Size3),
  padding: arg(padding3, 0 as ConvPadding3),
  dilation: arg(is.size(3), 1 as Size3),
  groups: arg(is.posInt, 1),
  bias: arg(is.boolean, true),
  paddingMode: arg(is.oneOf("zeros", "reflect", "replicate", "circular"), "zeros" as ConvPaddingMode),
  dtype: kw(is.floatDType, "float32"),
});

type Conv3dRest = [stride: Size3, padding: ConvPadding3, dilation: Size3, groups: number, bias: boolean, paddingMode: ConvPaddingMode];

const show = (v: readonly number[]): string => `(${v.join(", ")})`;

/**
 * 3-D convolution over [N, C, D, H, W] (or unbatched [C, D, H, W]) inputs, weight [out, in/groups, kd, kh, kw], as
 * torch.nn.Conv3d: `padding` a size, "valid" or "same", `paddingMode` "zeros", "reflect", "replicate" or "circular".
 *
 * @example
 * const conv = new tg.nn.Conv3d(1, 8, 3, { padding: 1 });
 * conv(tg.randn([2, 1, 8, 16, 16])).shape; // [2, 8, 8, 16, 16]
 * new tg.nn.Conv3d(1, 8, [3, 5, 5], 1, "same"); // as torch.nn.Conv3d(1, 8, (3, 5, 5), 1, "same")
 */
export class Conv3d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number, number];
  readonly stride: [number, number, number];
  readonly padding: [number, number, number] | "valid" | "same";
  readonly dilation: [number, number, number];
  readonly groups: number;
  readonly paddingMode: ConvPaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size3, ...rest: Args<Conv3dRest, Conv3dModuleOptions>) {
    super();
    const a = CONV3D.parse([inChannels, outChannels, kernelSize, ...rest]);
    this.inChannels = a.inChannels;
    this.outChannels = a.outChannels;
    this.kernelSize = triple(a.kernelSize as Size3);
    this.stride = triple(a.stride as Size3);
    this.dilation = triple(a.dilation as Size3);
    const p = a.padding as ConvPadding3;
    this.padding = typeof p === "string" ? p : triple(p);
    this.groups = a.groups;
    this.paddingMode = a.paddingMode;
    if (a.inChannels % a.groups !== 0)
      throw new ValueError(`Conv3d: inChannels (${a.inChannels}) must be divisible by groups (${a.groups})`);
    if (a.outChannels % a.groups !== 0) {
      throw new ValueError(`Conv3d: outChannels (${a.outChannels}) must be divisible by groups (${a.groups})`);
    }
    // Checks "same" with a stride now, as PyTorch's constructor does.
    convPadding3("Conv3d", this.padding, this.kernelSize, this.stride, this.dilation);
    const dtype = a.dtype;
    this.weight = new Parameter(empty([a.outChannels, a.inChannels / a.groups, ...this.kernelSize], { dtype }));
    this.bias = a.bias ? new Parameter(empty([a.outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's _ConvNd.reset_parameters: weight kaiming-uniform (a = √5), bias U(−1/√fanIn, 1/√fanIn). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = calculateFans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    if ((x.ndim !== 5 && x.ndim !== 4) || x.shape[x.ndim - 4] !== this.inChannels) {
      badInput(this.describe(), `[N, ${this.inChannels}, D, H, W]`, x.shape);
    }
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === "zeros") return conv3d(x, this.weight, this.bias, { ...options, padding: this.padding });
    // Other modes pad first (PyTorch's _reversed_padding_repeated_twice), then convolve without padding.
    const pads = convPadding3("Conv3d", this.padding, this.kernelSize, this.stride, this.dilation);
    const widths = [pads[2], pads[1], pads[0]].flat();
    return conv3d(pad(x, widths, this.paddingMode), this.weight, this.bias, { ...options, padding: 0 });
  }

  override extraRepr(): string {
    const padding = typeof this.padding === "string" ? JSON.stringify(this.padding) : show(this.padding);
    const mode = this.paddingMode === "zeros" ? "" : `, paddingMode=${JSON.stringify(this.paddingMode)}`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${padding}, dilation=${show(this.dilation)}, groups=${this.groups}, bias=${this.bias !== null}${mode}`;
  }
}
