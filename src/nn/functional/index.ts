// tg.nn.functional: the math behind the modules, one file per family.

export { oneHot } from "../../ops/join.js";
export { type PadMode, type PadOptions, pad } from "../../ops/pad.js";
export * from "./activation.js";
export * from "./activation_extra.js";
export { type ScaledDotProductAttentionOptions, scaledDotProductAttention } from "./attention.js";
export * from "./conv.js";
// conv1d/conv2d with PyTorch's "valid"/"same" padding (resolved to sizes before conv.js), shadowing conv.js's.
export { type Conv1dPaddingOptions, type Conv2dPaddingOptions, type ConvPadding, conv1d, conv2d } from "./conv_padding.js";
export * from "./conv_transpose.js";
export { type Conv3dOptions, type ConvPadding3, conv3d, type Size3 } from "./conv3d.js";
export * from "./distance.js";
export * from "./dropout.js";
export { dropout1d, dropout2d, dropout3d } from "./dropout_nd.js";
export { type FoldOptions, fold, unfold } from "./fold.js";
export { type InterpolateMode, type InterpolateOptions, interpolate } from "./interpolate.js";
export * from "./linear.js";
export * from "./loss.js";
export * from "./loss_ctc.js";
export * from "./loss_embedding.js";
export * from "./loss_margin.js";
export * from "./loss_nll_extra.js";
export * from "./normalization.js";
export * from "./normalization_extra.js";
export * from "./pixel_shuffle.js";
export * from "./pooling.js";
export * from "./pooling1d.js";
export { type RreluOptions, rrelu } from "./rrelu.js";
export { embeddingSparse } from "./sparse_embedding.js";
export type { Size2 } from "./unfold.js";
