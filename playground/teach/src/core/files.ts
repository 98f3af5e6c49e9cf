/**
 * The exported project's files and their formats: model.json (format, version, classes, preprocessing, architecture),
 * model.safetensors (weights under PyTorch's state-dict keys, plus the architecture as tensorgrad metadata, so
 * `tg.nn.loadModel` opens it too), model.onnx, classify.ts, model.py (the network in PyTorch; `python model.py` loads
 * the weights strictly and compares with tensorgrad's output on one image, stored in check.safetensors) and project.json
 * (classes, settings, samples optional).
 */
import * as tg from "tensorgrad";
import type { ExportFile, Sample, TrainSettings } from "../protocol.ts";
import { IMAGE_SIZE, PREPROCESSING, type Preprocessing, toChw } from "./image.ts";
import { CLASSIFY_TS } from "./snippet.ts";

/** `format` of model.json and of project.json, and the version this code writes and reads. */
export const MODEL_FORMAT = "tensorgrad-teach-model";
export const PROJECT_FORMAT = "tensorgrad-teach-project";
export const FORMAT_VERSION = 1;

/** model.json. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: number;
  classes: string[];
  preprocessing: Preprocessing;
  /** The ONNX graph's input and output names. */
  input: string;
  output: string;
  architecture: tg.io.ModuleSpec;
}

/** What `exportProject` writes besides the model. */
export interface ExportOptions {
  /** Training samples for project.json (none: project.json holds the classes and settings only). */
  samples?: readonly Sample[];
  settings?: TrainSettings;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Base64 of bytes (browser and Node). */
export function toBase64(bytes: Uint8Array | Uint8ClampedArray): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * The files of an exported project, from a model on the CPU (in eval mode afterwards) and its class names.
 *
 * @example const files = exportProject(model, ["cat", "dog"], { samples }); // model.safetensors, model.json, ...
 */
export function exportProject(model: tg.nn.Module, classes: readonly string[], options: ExportOptions = {}): ExportFile[] {
  model.eval();
  const modelJson: ModelJson = {
    format: MODEL_FORMAT,
    version: FORMAT_VERSION,
    classes: [...classes],
    preprocessing: PREPROCESSING,
    input: "image",
    output: "logits",
    architecture: tg.io.describeModule(model),
  };
  const onnx = tg.onnx.export(model, tg.zeros([1, 3, IMAGE_SIZE, IMAGE_SIZE]), {
    inputNames: ["image"],
    outputNames: ["logits"],
    dynamicAxes: { image: { 0: "batch" }, logits: { 0: "batch" } },
  });
  // The image python model.py checks: the first sample, or mid-grey.
  const image = options.samples?.[0]?.rgba ?? new Uint8ClampedArray(IMAGE_SIZE * IMAGE_SIZE * 4).fill(128);
  const input = tg.tensor(toChw(image)).reshape([1, 3, IMAGE_SIZE, IMAGE_SIZE]);
  const check = tg.io.encodeSafetensors({ input, output: tg.noGrad(() => model(input)) }, { format: "pt" });
  const project = {
    format: PROJECT_FORMAT,
    version: FORMAT_VERSION,
    classes: [...classes],
    ...(options.settings ? { settings: options.settings } : {}),
    samples: (options.samples ?? []).map((s) => ({ label: s.label, rgba: toBase64(s.rgba) })),
  };
  return [
    { name: "model.safetensors", bytes: tg.io.saveModelBytes(model) },
    { name: "model.json", bytes: text(`${JSON.stringify(modelJson, null, 2)}\n`) },
    { name: "model.onnx", bytes: onnx },
    { name: "classify.ts", bytes: text(CLASSIFY_TS) },
    { name: "model.py", bytes: text(tg.io.pytorchCode(modelJson.architecture)) },
    { name: "check.safetensors", bytes: check },
    { name: "project.json", bytes: text(JSON.stringify(project)) },
  ];
}
