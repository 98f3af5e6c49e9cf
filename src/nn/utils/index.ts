/** tensorgrad/nn/utils (`tg.nn.utils`): helpers around training, as torch.nn.utils. */
export { accumulateSparseGrad, clearSparseGrad, SparseGrad, sparseGrad } from "../sparse_grad.js";
export { type ClipGradNormOptions, clipGradNorm_, clipGradValue_ } from "./clip_grad.js";
export { PackedSequence, packPaddedSequence, packSequence, padPackedSequence, padSequence } from "./rnn.js";
