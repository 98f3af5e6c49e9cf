/**
 * tensorgrad/node: the parts that need Node.js — reading CSV, IDX and text files (gzipped or not) and the
 * bundled datasets (MNIST digits, first names). Browser code uses `tg.data`'s parsers on bytes it fetched.
 *
 * @example
 * import { loadMnist, loadNames, readCsv } from "tensorgrad/node";
 */

export { loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors, writeFileAtomic } from "./checkpoint.js";
export { readBytes, readCsv, readIdx, readText } from "./files.js";
export { loadMnist, type Mnist, type MnistOptions, type MnistSplit } from "./mnist.js";
export { exportOnnxFile, loadModel, saveModel } from "./model.js";
export { loadNames } from "./names.js";
export { loadSotu, type SotuAddress, type SotuOptions } from "./sotu.js";
