/**
 * The module-tree spec's entries for the layers beyond the first set (model_spec.ts): transposed and 3-D
 * convolutions, 1-D and adaptive pooling, padding, resampling, the extra activations and normalizations, the cells
 * and the two-input layers; and the `tg.nn` classes a spec refuses, each with its reason.
 */
import * as A from "../nn/modules/activation.js";
import * as AE from "../nn/modules/activation_extra.js";
import { RReLU, Softmax2d } from "../nn/modules/activation_more.js";
import { ConvTranspose1d, ConvTranspose2d } from "../nn/modules/conv_transpose.js";
import { Conv3d } from "../nn/modules/conv3d.js";
import { CosineSimilarity, PairwiseDistance } from "../nn/modules/distance.js";
import { Fold, Unfold } from "../nn/modules/fold.js";
import { InstanceNorm1d, InstanceNorm2d } from "../nn/modules/instancenorm.js";
import { Bilinear } from "../nn/modules/linear.js";
import { AlphaDropout, LocalResponseNorm, RMSNorm } from "../nn/modules/normalization_extra.js";
import * as P from "../nn/modules/padding.js";
import { PixelShuffle, PixelUnshuffle } from "../nn/modules/pixel_shuffle.js";
import { AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, MaxPool1d } from "../nn/modules/pooling1d.js";
import { GRUCell, LSTMCell, RNNCell } from "../nn/modules/rnn_cell.js";
import { Upsample } from "../nn/modules/upsample.js";

/** A constructor argument: what JSON holds. */
export type SpecValue = number | string | boolean | null | SpecValue[] | { [key: string]: SpecValue };

type Ctor = { readonly prototype: object };
/** A module's positional constructor arguments and options object. */
export type Described = { args: SpecValue[]; options?: Record<string, SpecValue> };

/** A class a spec may name, and how to read an instance's constructor arguments back. */
export interface Entry<M> {
  cls: Ctor;
  describe(m: M): Described;
}

/** A size as JSON: a number or a fresh array. */
export const size = (s: number | readonly number[]): SpecValue => (typeof s === "number" ? s : [...s]);
/** The fields of `o` that are set, as spec values. */
export const plain = (o: object): Record<string, SpecValue> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, SpecValue>;
/** A class constructed with no arguments. */
export const none = <M>(cls: Ctor): Entry<M> => ({ cls, describe: () => ({ args: [] }) });

/** BatchNorm and InstanceNorm: the feature count and NormBase's options. */
export const normEntry = (
  cls: Ctor,
): Entry<{ numFeatures: number; eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean }> => ({
  cls,
  describe: (m) => ({
    args: [m.numFeatures],
    options: { eps: m.eps, momentum: m.momentum, affine: m.affine, trackRunningStats: m.trackRunningStats },
  }),
});

const convTranspose = (cls: Ctor): Entry<ConvTranspose1d | ConvTranspose2d> => ({
  cls,
  describe: (m) => ({
    args: [m.inChannels, m.outChannels, size(m.kernelSize)],
    options: {
      stride: size(m.options.stride),
      padding: size(m.options.padding),
      outputPadding: size(m.options.outputPadding),
      groups: m.options.groups,
      bias: m.bias !== null,
      dilation: size(m.options.dilation),
    },
  }),
});

const pad = (cls: Ctor, withValue = false): Entry<P.ConstantPad1d> => ({
  cls,
  describe: (m) => ({ args: withValue ? [size(m.padding), m.value] : [size(m.padding)] }),
});

const cell = (cls: Ctor): Entry<LSTMCell> => ({
  cls,
  describe: (m) => ({ args: [m.inputSize, m.hiddenSize], options: { bias: m.bias_ih !== null } }),
});

/** The entries of this file, by class name (an instance must be of exactly that class). */
export const MORE_ENTRIES = {
  ReLU6: none(AE.ReLU6),
  SELU: none(AE.SELU),
  CELU: { cls: AE.CELU, describe: (m: AE.CELU) => ({ args: [m.alpha] }) },
  Hardsigmoid: none(AE.Hardsigmoid),
  Hardswish: none(AE.Hardswish),
  Hardshrink: { cls: AE.Hardshrink, describe: (m: AE.Hardshrink) => ({ args: [m.lambd] }) },
  Softshrink: { cls: AE.Softshrink, describe: (m: AE.Softshrink) => ({ args: [m.lambd] }) },
  Tanhshrink: none(AE.Tanhshrink),
  LogSigmoid: none(AE.LogSigmoid),
  Softsign: none(AE.Softsign),
  Softmin: { cls: AE.Softmin, describe: (m: AE.Softmin) => ({ args: [m.dim] }) },
  GLU: { cls: AE.GLU, describe: (m: AE.GLU) => ({ args: [m.dim] }) },
  Threshold: { cls: A.Threshold, describe: (m: A.Threshold) => ({ args: [m.threshold, m.value] }) },
  RReLU: { cls: RReLU, describe: (m: RReLU) => ({ args: [m.lower, m.upper] }) },
  Softmax2d: none(Softmax2d),
  Conv3d: {
    cls: Conv3d,
    describe: (m: Conv3d) => ({
      args: [m.inChannels, m.outChannels, size(m.kernelSize)],
      options: {
        stride: size(m.stride),
        padding: typeof m.padding === "string" ? m.padding : size(m.padding),
        dilation: size(m.dilation),
        groups: m.groups,
        bias: m.bias !== null,
        paddingMode: m.paddingMode,
      },
    }),
  },
  ConvTranspose1d: convTranspose(ConvTranspose1d),
  ConvTranspose2d: convTranspose(ConvTranspose2d),
  MaxPool1d: {
    cls: MaxPool1d,
    describe: (m: MaxPool1d) => ({
      args: [m.kernelSize],
      options: { stride: m.stride, padding: m.padding, dilation: m.dilation, ceilMode: m.ceilMode },
    }),
  },
  AvgPool1d: { cls: AvgPool1d, describe: (m: AvgPool1d) => ({ args: [m.kernelSize], options: { stride: m.stride, padding: m.padding } }) },
  AdaptiveAvgPool1d: { cls: AdaptiveAvgPool1d, describe: (m: AdaptiveAvgPool1d) => ({ args: [m.outputSize] }) },
  AdaptiveMaxPool1d: { cls: AdaptiveMaxPool1d, describe: (m: AdaptiveMaxPool1d) => ({ args: [m.outputSize] }) },
  AdaptiveMaxPool2d: { cls: AdaptiveMaxPool2d, describe: (m: AdaptiveMaxPool2d) => ({ args: [size(m.outputSize)] }) },
  ZeroPad1d: pad(P.ZeroPad1d),
  ZeroPad2d: pad(P.ZeroPad2d),
  ConstantPad1d: pad(P.ConstantPad1d, true),
  ConstantPad2d: pad(P.ConstantPad2d, true),
  ReflectionPad1d: pad(P.ReflectionPad1d),
  ReflectionPad2d: pad(P.ReflectionPad2d),
  ReplicationPad1d: pad(P.ReplicationPad1d),
  ReplicationPad2d: pad(P.ReplicationPad2d),
  PixelShuffle: { cls: PixelShuffle, describe: (m: PixelShuffle) => ({ args: [m.upscaleFactor] }) },
  PixelUnshuffle: { cls: PixelUnshuffle, describe: (m: PixelUnshuffle) => ({ args: [m.downscaleFactor] }) },
  Upsample: {
    cls: Upsample,
    describe: (m: Upsample) => ({
      args: [],
      options: {
        size: m.size === null ? null : size(m.size),
        scaleFactor: m.scaleFactor === null ? null : size(m.scaleFactor),
        mode: m.mode,
        alignCorners: m.alignCorners,
        recomputeScaleFactor: m.recomputeScaleFactor,
      },
    }),
  },
  Unfold: {
    cls: Unfold,
    describe: (m: Unfold) => ({
      args: [size(m.kernelSize)],
      options: { dilation: size(m.options.dilation), padding: size(m.options.padding), stride: size(m.options.stride) },
    }),
  },
  Fold: {
    cls: Fold,
    describe: (m: Fold) => ({
      args: [size(m.outputSize), size(m.kernelSize)],
      options: { dilation: size(m.options.dilation), padding: size(m.options.padding), stride: size(m.options.stride) },
    }),
  },
  InstanceNorm1d: normEntry(InstanceNorm1d),
  InstanceNorm2d: normEntry(InstanceNorm2d),
  RMSNorm: {
    cls: RMSNorm,
    describe: (m: RMSNorm) => ({ args: [[...m.normalizedShape]], options: { eps: m.eps, elementwiseAffine: m.elementwiseAffine } }),
  },
  LocalResponseNorm: { cls: LocalResponseNorm, describe: (m: LocalResponseNorm) => ({ args: [m.size, m.alpha, m.beta, m.k] }) },
  AlphaDropout: { cls: AlphaDropout, describe: (m: AlphaDropout) => ({ args: [m.p] }) },
  Bilinear: {
    cls: Bilinear,
    describe: (m: Bilinear) => ({ args: [m.in1Features, m.in2Features, m.outFeatures], options: { bias: m.bias !== null } }),
  },
  CosineSimilarity: { cls: CosineSimilarity, describe: (m: CosineSimilarity) => ({ args: [], options: { dim: m.dim, eps: m.eps } }) },
  PairwiseDistance: {
    cls: PairwiseDistance,
    describe: (m: PairwiseDistance) => ({ args: [], options: { p: m.p, eps: m.eps, keepdim: m.keepdim } }),
  },
  RNNCell: {
    cls: RNNCell,
    describe: (m: RNNCell) => ({ args: [m.inputSize, m.hiddenSize], options: { bias: m.bias_ih !== null, nonlinearity: m.nonlinearity } }),
  },
  LSTMCell: cell(LSTMCell),
  GRUCell: cell(GRUCell),
} satisfies Record<string, Entry<never>>;

const LOSS = "a loss function, not a layer of a model";
const CONTAINER = "a container without a forward of its own: describe the model that uses it in code";

/** The `tg.nn` classes a spec does not describe, and why (named in `describeModule`'s error). */
export const REFUSED: Readonly<Record<string, string>> = {
  Maxout: "torch.nn has no Maxout, so no PyTorch model.py could build it",
  ModuleList: CONTAINER,
  ModuleDict: CONTAINER,
  NormBase: "the abstract base of the normalization layers",
};

/** Why a spec does not describe the class `type` (a loss, a container, ...), or undefined. */
export function refusal(type: string): string | undefined {
  if (Object.hasOwn(REFUSED, type)) return REFUSED[type];
  return type.endsWith("Loss") ? LOSS : undefined;
}
