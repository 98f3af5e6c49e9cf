/**
 * tensorgrad/nn (also `tg.nn`): modules, layers, activations, losses and initialization, shaped like
 * torch.nn. The math lives in `nn.functional`; modules hold parameters and call it.
 */

export { loadModel, saveModelBytes } from "../io/model_file.js";
export * as functional from "./functional/index.js";
export * as init from "./init_forms.js";
export { type AnyModule, type LoadResult, Module, type StateDict, stateDictKey } from "./module.js";
export * from "./modules/activation.js";
export * from "./modules/activation_extra.js";
export * from "./modules/activation_more.js";
export * from "./modules/attention.js";
export * from "./modules/batchnorm.js";
export * from "./modules/container.js";
export * from "./modules/conv.js";
export * from "./modules/conv_transpose.js";
export * from "./modules/conv3d.js";
export * from "./modules/distance.js";
export * from "./modules/dropout.js";
export * from "./modules/embedding.js";
export * from "./modules/flatten.js";
export * from "./modules/fold.js";
export * from "./modules/instancenorm.js";
export * from "./modules/linear.js";
export * from "./modules/loss.js";
export * from "./modules/loss_extra.js";
export * from "./modules/normalization.js";
export * from "./modules/normalization_extra.js";
export * from "./modules/padding.js";
export * from "./modules/pixel_shuffle.js";
export * from "./modules/pooling.js";
export * from "./modules/pooling1d.js";
export * from "./modules/rnn.js";
export * from "./modules/rnn_cell.js";
export * from "./modules/transformer.js";
export {
  type DecoderLayerForwardOptions,
  type EncoderLayerForwardOptions,
  type TransformerActivation,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  type TransformerLayerOptions,
} from "./modules/transformer_layer.js";
export * from "./modules/upsample.js";
export { Parameter } from "./parameter.js";
export * as utils from "./utils/index.js";
