/**
 * tensorgrad I/O (`tg.io`): safetensors encoding and training checkpoints, as bytes (browser-safe). File helpers
 * (`saveCheckpoint`, `loadCheckpoint`) live in `tensorgrad/node`.
 */
export * from "./checkpoint.js";
export { floatToBFloat16Bits, floatToHalfBits } from "./half.js";
export * from "./model_file.js";
export { buildModule, describeModule, type ModuleSpec, parseModuleSpec, SPEC_TYPES, type SpecType, type SpecValue } from "./model_spec.js";
export { pytorchCode, pytorchExpression } from "./pytorch_code.js";
export * from "./safetensors.js";
