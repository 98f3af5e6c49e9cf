import { withCallForms } from "../arity.js";
import * as CK from "./checkpoint.js";
import * as MF from "./model_file.js";
import * as MS from "./model_spec.js";
import * as PC from "./pytorch_code.js";
import * as ST from "./safetensors.js";

// tg.io's functions as exported: an extra positional argument or an unknown option (or an unknown field of
// checkpointToBytes' input) throws an ArgumentError (src/arity.ts) instead of being ignored. floatToHalfBits and
// floatToBFloat16Bits are not wrapped: one number in, its bits out, and made to be Array.map callbacks.

export const { checkpointFromBytes, checkpointToBytes, loadModelState, loadOptimizerState, restoreCheckpoint } = withCallForms(CK, {
  checkpointFromBytes: "bytes",
  checkpointToBytes: "; model, optimizer, config, trainingState, saveRngState, metadata, architecture",
  loadModelState: "model, checkpoint; strict",
  loadOptimizerState: "optimizer, checkpoint",
  restoreCheckpoint: "checkpoint; model, optimizer, strict, restoreRngState",
});
export const { loadModel, modelFromCheckpoint, saveModelBytes } = withCallForms(MF, {
  loadModel: "bytes",
  modelFromCheckpoint: "checkpoint",
  saveModelBytes: "model",
});
export const { buildModule, describeModule, parseModuleSpec } = withCallForms(MS, {
  buildModule: "spec",
  describeModule: "model, path",
  parseModuleSpec: "value, path",
});
export const { pytorchCode, pytorchExpression } = withCallForms(PC, {
  pytorchCode: "spec; weights, check",
  pytorchExpression: "spec, indent",
});
export const { decodeSafetensors, encodeSafetensors } = withCallForms(ST, {
  decodeSafetensors: "bytes",
  encodeSafetensors: "tensors, metadata; floatDType, int64",
});
