/**
 * tensorgrad I/O (`tg.io`): safetensors encoding and training checkpoints, as bytes (browser-safe). File helpers
 * (`saveCheckpoint`, `loadCheckpoint`) live in `tensorgrad/node`.
 */
export * from "./checkpoint.js";
export * from "./safetensors.js";
