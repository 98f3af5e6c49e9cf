/**
 * Import of exported projects, treating every file as hostile: sizes are capped before reading, JSON is checked
 * field by field (unknown fields refused), the architecture must be exactly the teach CNN for the file's class count,
 * and the weights must match it key for key and shape for shape, all finite. Files are told apart by their extension
 * and the JSON ones by their `format` field; nothing in a file names another file.
 */
import * as tg from "tensorgrad";
import { type ExportFile, MAX_SAMPLES, type Sample, type TrainSettings } from "../protocol.ts";
import { Classifier } from "./classifier.ts";
import { FORMAT_VERSION, MODEL_FORMAT, PROJECT_FORMAT } from "./files.ts";
import { IMAGE_SIZE, PREPROCESSING } from "./image.ts";
import { buildClassifier } from "./model.ts";
import { checkClasses, checkNumber, checkRecord, checkSamples, checkSettings, describe } from "./validate.ts";

/** Largest model.json, model.safetensors and project.json accepted, in bytes. */
export const MAX_MODEL_JSON_BYTES = 1 << 20;
export const MAX_WEIGHTS_BYTES = 8 << 20;
export const MAX_PROJECT_BYTES = 64 << 20;
/** Most files in one import. */
export const MAX_FILES = 16;

/** What an import yields: the model (when model.json and model.safetensors came) and the project's samples. */
export interface ImportedProject {
  classes: string[];
  classifier: Classifier | null;
  samples: Sample[];
  settings: TrainSettings | null;
}

const fail = (message: string): never => {
  throw new tg.ValueError(`import: ${message}`);
};

function parseJson(file: ExportFile, limit: number): unknown {
  if (file.bytes.length > limit) fail(`${file.name} is ${file.bytes.length} bytes, over the ${limit}-byte limit`);
  let textValue: string;
  try {
    textValue = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
  } catch {
    return fail(`${file.name} is not UTF-8 text`);
  }
  try {
    return JSON.parse(textValue);
  } catch (e) {
    return fail(`${file.name} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Order-insensitive equality of JSON values. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length && ka.every((k) => k in b && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return a === b;
}

function checkVersion(r: Record<string, unknown>, where: string, format: string): void {
  if (r.format !== format) fail(`${where}: format must be "${format}", got ${describe(r.format)}`);
  if (r.version !== FORMAT_VERSION)
    fail(`${where}: version ${describe(r.version)} is not supported (this page reads version ${FORMAT_VERSION})`);
}

/** Checks model.json; returns its class names (the architecture and preprocessing must be this page's). */
function readModelJson(value: unknown): string[] {
  const where = "model.json";
  const r = checkRecord(value, where, ["format", "version", "classes", "preprocessing", "input", "output", "architecture"]);
  checkVersion(r, where, MODEL_FORMAT);
  const classes = checkClasses(r.classes, `${where}: classes`);
  if (!sameJson(r.preprocessing, PREPROCESSING)) {
    fail(
      `${where}: preprocessing differs from this page's (${IMAGE_SIZE}×${IMAGE_SIZE} RGBA, mean and std 0.5): the model was made for other images`,
    );
  }
  if (r.input !== "image" || r.output !== "logits") fail(`${where}: input and output must be "image" and "logits"`);
  const expected = tg.io.describeModule(buildClassifier(classes.length));
  if (!sameJson(r.architecture, expected)) {
    fail(
      `${where}: the architecture is not this page's CNN for ${classes.length} classes (only models exported by this page can be imported)`,
    );
  }
  return classes;
}

/** Loads the weights into a fresh CNN for `numClasses` classes (strict: same keys and shapes; all values finite). */
function readWeights(file: ExportFile, numClasses: number): tg.nn.Module {
  if (file.bytes.length > MAX_WEIGHTS_BYTES) fail(`${file.name} is ${file.bytes.length} bytes, over the ${MAX_WEIGHTS_BYTES}-byte limit`);
  let tensors: Record<string, tg.Tensor>;
  try {
    tensors = tg.io.decodeSafetensors(file.bytes).tensors;
  } catch (e) {
    return fail(`${file.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const [key, t] of Object.entries(tensors)) {
    const values = t.toArray() as ArrayLike<number>;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) fail(`${file.name}: "${key.slice(0, 60)}" holds ${values[i]} (weights must be finite)`);
    }
  }
  const model = buildClassifier(numClasses);
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    fail(`${file.name} does not fit the model.json architecture: ${e instanceof Error ? e.message : String(e)}`);
  }
  model.eval();
  return model;
}

/** Checks project.json: classes, settings (optional) and samples (base64 RGBA). */
function readProject(value: unknown): { classes: string[]; settings: TrainSettings | null; samples: Sample[] } {
  const where = "project.json";
  const r = checkRecord(value, where, ["format", "version", "classes", "samples"], ["settings"]);
  checkVersion(r, where, PROJECT_FORMAT);
  const classes = checkClasses(r.classes, `${where}: classes`);
  const settings = r.settings === undefined ? null : checkSettings(r.settings, `${where}: settings`);
  if (!Array.isArray(r.samples)) return fail(`${where}: samples must be an array, got ${describe(r.samples)}`);
  if (r.samples.length > MAX_SAMPLES) fail(`${where}: at most ${MAX_SAMPLES} samples, got ${r.samples.length}`);
  const bytes = IMAGE_SIZE * IMAGE_SIZE * 4;
  const maxChars = Math.ceil(bytes / 3) * 4;
  const decoded = r.samples.map((s, i) => {
    const o = checkRecord(s, `${where}: samples[${i}]`, ["label", "rgba"]);
    checkNumber(o.label, `${where}: samples[${i}].label`, 0, classes.length - 1, true);
    if (typeof o.rgba !== "string" || o.rgba.length !== maxChars) {
      fail(`${where}: samples[${i}].rgba must be ${maxChars} characters of base64 (${IMAGE_SIZE}×${IMAGE_SIZE} RGBA)`);
    }
    let rgba: Uint8ClampedArray;
    try {
      rgba = Uint8ClampedArray.from(atob(o.rgba as string), (ch) => ch.charCodeAt(0));
    } catch {
      return fail(`${where}: samples[${i}].rgba is not base64`);
    }
    return { label: o.label, rgba };
  });
  return { classes, settings, samples: checkSamples(decoded, classes.length, `${where}: samples`) };
}

/**
 * Reads the files of an exported project: model.json + model.safetensors (the model) and/or project.json (classes,
 * settings, samples); model.onnx, classify.ts, model.py and check.safetensors are skipped. Throws a `tg.ValueError` saying what is wrong.
 *
 * @example const { classifier, samples } = importProject(files);
 */
export function importProject(files: readonly ExportFile[]): ImportedProject {
  try {
    return readFiles(files);
  } catch (e) {
    if (e instanceof tg.ValueError && !e.message.startsWith("import: ")) throw new tg.ValueError(`import: ${e.message}`);
    throw e;
  }
}

function readFiles(files: readonly ExportFile[]): ImportedProject {
  if (!Array.isArray(files)) fail(`expected a list of files, got ${describe(files)}`);
  if (files.length > MAX_FILES) fail(`at most ${MAX_FILES} files, got ${files.length}`);
  let modelJson: unknown;
  let project: unknown;
  let weights: ExportFile | undefined;
  for (const file of files) {
    const f = checkRecord(file, "import: a file", ["name", "bytes"]);
    if (typeof f.name !== "string" || !(f.bytes instanceof Uint8Array)) fail("a file needs a name (string) and bytes (Uint8Array)");
    const name = (f.name as string).slice(0, 200);
    const lower = name.toLowerCase();
    if (lower === "check.safetensors" || lower.endsWith(".onnx") || lower.endsWith(".ts") || lower.endsWith(".py")) {
      // The other exported files: not read.
    } else if (lower.endsWith(".safetensors")) {
      if (weights) fail(`two weight files (${weights.name}, ${name}): give one .safetensors file`);
      weights = { name, bytes: f.bytes as Uint8Array };
    } else if (lower.endsWith(".json")) {
      const value = parseJson({ name, bytes: f.bytes as Uint8Array }, MAX_PROJECT_BYTES);
      const format = typeof value === "object" && value !== null ? (value as Record<string, unknown>).format : undefined;
      if (format === MODEL_FORMAT) {
        if ((f.bytes as Uint8Array).length > MAX_MODEL_JSON_BYTES)
          fail(`${name} is over the ${MAX_MODEL_JSON_BYTES}-byte limit of model.json`);
        if (modelJson !== undefined) fail("two model.json files");
        modelJson = value;
      } else if (format === PROJECT_FORMAT) {
        if (project !== undefined) fail("two project.json files");
        project = value;
      } else {
        fail(`${name} is neither a model.json nor a project.json of this page (its "format" is ${describe(format)})`);
      }
    } else {
      fail(`${name}: expected model.json, model.safetensors and/or project.json`);
    }
  }
  if (modelJson === undefined && weights) fail("model.safetensors came without model.json");
  if (modelJson !== undefined && !weights) fail("model.json came without model.safetensors");
  if (modelJson === undefined && project === undefined) fail("no model.json or project.json among the files");
  const fromProject = project === undefined ? null : readProject(project);
  let classifier: Classifier | null = null;
  let classes = fromProject?.classes ?? [];
  if (modelJson !== undefined && weights) {
    classes = readModelJson(modelJson);
    if (fromProject && !sameJson(fromProject.classes, classes)) fail("project.json and model.json name different classes");
    classifier = new Classifier(readWeights(weights, classes.length), classes);
  }
  return { classes, classifier, samples: fromProject?.samples ?? [], settings: fromProject?.settings ?? null };
}

/**
 * The model of exported files (model.json + model.safetensors), on the CPU, ready to predict.
 *
 * @example const m = loadTeachModel([{ name: "model.json", bytes }, { name: "model.safetensors", bytes: w }]);
 * await m.predict(rgba); // probabilities in the order of m.classes
 */
export function loadTeachModel(files: readonly ExportFile[]): Classifier {
  const { classifier } = importProject(files.filter((f) => !f.name.toLowerCase().endsWith("project.json")));
  if (!classifier) return fail("no model among the files (model.json and model.safetensors are needed)");
  return classifier;
}
