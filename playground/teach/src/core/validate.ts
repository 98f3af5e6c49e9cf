/**
 * Checks of what reaches the core from the page or from files: class names, training settings and samples, field by
 * field, with sizes capped. Each check throws a `tg.ValueError` that names the field and says what was expected.
 */
import * as tg from "tensorgrad";
import { MAX_CLASSES, MAX_SAMPLES, type Sample, type TrainSettings } from "../protocol.ts";
import { IMAGE_SIZE } from "./image.ts";

/** Longest class name, in characters. */
export const MAX_NAME_LENGTH = 60;

const fail = (where: string, message: string): never => {
  throw new tg.ValueError(`${where}: ${message}`);
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** An object with exactly the keys `required` plus some of `optional` (anything else is refused, by name). */
export function checkRecord(
  value: unknown,
  where: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (!isRecord(value)) return fail(where, `expected an object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) fail(where, `unknown field "${key.slice(0, 40)}"`);
  }
  for (const key of required) if (!(key in value)) fail(where, `missing field "${key}"`);
  return value;
}

/** A short description of a value's type for messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "string") return `the string "${v.slice(0, 30)}${v.length > 30 ? "…" : ""}"`;
  if (typeof v === "number") return `the number ${v}`;
  return typeof v;
}

/** A number in [lo, hi] (an integer when `integer`). */
export function checkNumber(value: unknown, where: string, lo: number, hi: number, integer = false): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fail(where, `expected a number, got ${describe(value)}`);
  if (integer && !Number.isInteger(value)) fail(where, `expected an integer, got ${value}`);
  if (value < lo || value > hi) fail(where, `must be in [${lo}, ${hi}], got ${value}`);
  return value;
}

/** 2 to MAX_CLASSES distinct, non-empty class names of at most MAX_NAME_LENGTH characters. */
export function checkClasses(value: unknown, where = "classes"): string[] {
  if (!Array.isArray(value)) return fail(where, `expected an array of class names, got ${describe(value)}`);
  if (value.length < 2 || value.length > MAX_CLASSES) fail(where, `expected 2 to ${MAX_CLASSES} classes, got ${value.length}`);
  const names = value.map((name, i) => {
    if (typeof name !== "string") return fail(`${where}[${i}]`, `expected a string, got ${describe(name)}`);
    if (name.trim() === "") fail(`${where}[${i}]`, "a class name can't be empty");
    if (name.length > MAX_NAME_LENGTH) fail(`${where}[${i}]`, `a class name has at most ${MAX_NAME_LENGTH} characters, got ${name.length}`);
    return name;
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) fail(where, `two classes are named "${name}": give each class its own name`);
    seen.add(name);
  }
  return names;
}

/** Training settings: every field present, of the right type and in range. */
export function checkSettings(value: unknown, where = "settings"): TrainSettings {
  const keys = ["epochs", "batchSize", "learningRate", "validationFraction", "seed", "augment"] as const;
  const s = checkRecord(value, where, keys);
  const learningRate = checkNumber(s.learningRate, `${where}.learningRate`, 0, 1);
  if (learningRate === 0) fail(`${where}.learningRate`, "must be greater than 0");
  if (typeof s.augment !== "boolean") fail(`${where}.augment`, `expected true or false, got ${describe(s.augment)}`);
  return {
    epochs: checkNumber(s.epochs, `${where}.epochs`, 1, 500, true),
    batchSize: checkNumber(s.batchSize, `${where}.batchSize`, 1, 512, true),
    learningRate,
    validationFraction: checkNumber(s.validationFraction, `${where}.validationFraction`, 0, 0.5),
    seed: checkNumber(s.seed, `${where}.seed`, 0, 2 ** 32 - 1, true),
    augment: s.augment as boolean,
  };
}

/** Up to MAX_SAMPLES samples: a class index below `numClasses` and IMAGE_SIZE² RGBA bytes each. */
export function checkSamples(value: unknown, numClasses: number, where = "samples"): Sample[] {
  if (!Array.isArray(value)) return fail(where, `expected an array of samples, got ${describe(value)}`);
  if (value.length > MAX_SAMPLES) fail(where, `at most ${MAX_SAMPLES} samples, got ${value.length}`);
  const bytes = IMAGE_SIZE * IMAGE_SIZE * 4;
  return value.map((sample, i) => {
    const s = checkRecord(sample, `${where}[${i}]`, ["label", "rgba"]);
    const label = checkNumber(s.label, `${where}[${i}].label`, 0, numClasses - 1, true);
    const rgba = s.rgba;
    if (!(rgba instanceof Uint8ClampedArray || rgba instanceof Uint8Array)) {
      return fail(`${where}[${i}].rgba`, `expected a Uint8ClampedArray, got ${describe(rgba)}`);
    }
    if (rgba.length !== bytes)
      fail(`${where}[${i}].rgba`, `expected ${bytes} bytes (${IMAGE_SIZE}×${IMAGE_SIZE} RGBA), got ${rgba.length}`);
    return { label, rgba: rgba instanceof Uint8ClampedArray ? rgba : new Uint8ClampedArray(rgba) };
  });
}

/** Samples for training: checked, and every class has at least one. */
export function checkTrainingSamples(value: unknown, classes: readonly string[]): Sample[] {
  const samples = checkSamples(value, classes.length);
  const counts = new Array<number>(classes.length).fill(0);
  for (const s of samples) counts[s.label] += 1;
  counts.forEach((n, c) => {
    if (n === 0) fail("samples", `class "${classes[c]}" has no samples: add some (webcam, upload or drawing) or delete the class`);
  });
  return samples;
}
