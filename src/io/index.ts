/**
 * tensorgrad I/O (`tg.io`): safetensors encoding and training checkpoints, as bytes (browser-safe). File helpers
 * (`saveCheckpoint`, `loadCheckpoint`) live in `tensorgrad/node`.
 */
export * from "./checkpoint.js";
// The functions behind the argument rule (src/io/forms.ts); these names shadow the star exports' originals.
export {
  buildModule,
  checkpointFromBytes,
  checkpointToBytes,
  decodeSafetensors,
  describeModule,
  encodeSafetensors,
  loadModel,
  loadModelState,
  loadOptimizerState,
  modelFromCheckpoint,
  parseModuleSpec,
  pytorchCode,
  pytorchExpression,
  restoreCheckpoint,
  saveModelBytes,
} from "./forms.js";
export { floatToBFloat16Bits, floatToHalfBits } from "./half.js";
export * from "./model_file.js";
export { type ModuleSpec, SPEC_TYPES, type SpecType, type SpecValue } from "./model_spec.js";
export * from "./safetensors.js";
