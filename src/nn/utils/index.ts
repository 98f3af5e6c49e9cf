/** tensorgrad/nn/utils (`tg.nn.utils`): helpers around training, as torch.nn.utils. */
export { type ClipGradNormOptions, clipGradNorm_, clipGradValue_ } from "./clip_grad.js";
export { parametersToVector, vectorToParameters } from "./convert.js";
export { accumulateSparseGrad, clearSparseGrad, PackedSequence, SparseGrad, sparseGrad } from "./forms.js";
export { packPaddedSequence, packSequence, padPackedSequence, padSequence } from "./rnn.js";
