/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length N,
 * N bytes of JSON describing each tensor (dtype, shape, byte offsets) plus optional string metadata, then the
 * raw little-endian, row-major tensor bytes. Files written here open unchanged with
 * `safetensors.torch.load_file` in Python, and files PyTorch writes load here. Browser-safe: no Node APIs.
 */
import type { AnyTypedArray, DType } from "../dtype.js";
import { DeviceError, ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import { Tensor } from "../tensor/tensor.js";
import { floatToBFloat16Bits, floatToHalfBits } from "./half.js";
import { guardJson } from "./json_guard.js";

/** The dtype names of the safetensors header that tensorgrad reads (it writes F32, F64, I32, BOOL, F16, BF16 and I64). */
export type SafetensorsDType = "F32" | "F64" | "I32" | "BOOL" | "F16" | "BF16" | "I64" | "U64" | "I8" | "U8" | "I16" | "U16" | "U32";

/** What `decodeSafetensors` returns. */
export interface DecodedSafetensors {
  /** The tensors by name, each a new contiguous tensor. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` string map (empty when the file has none). */
  metadata: Record<string, string>;
  /** The dtype each tensor had in the file (F16 and BF16 load as float32; I64, U8, I8... as int32). */
  fileDTypes: Record<string, SafetensorsDType>;
}

// Bytes per element of every dtype the format defines, readable or not, so an unsupported one gets a clear message.
const ELEMENT_SIZE: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

// The reference implementation orders tensors by descending position in this list (its alignment order), then by name.
const DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

const TO_FILE: Record<DType, SafetensorsDType> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };

const FROM_FILE: Record<SafetensorsDType, DType> = {
  F32: "float32",
  F64: "float64",
  I32: "int32",
  BOOL: "bool",
  F16: "float32",
  BF16: "float32",
  I64: "int32",
  U64: "int32",
  I8: "int32",
  U8: "int32",
  I16: "int32",
  U16: "int32",
  U32: "int32",
};

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length must not allocate gigabytes). */
const MAX_HEADER_SIZE = 100_000_000;
/** The most tensors one file may name, checked before the header is parsed (a big language model has a few thousand). */
export const MAX_SAFETENSORS_TENSORS = 100_000;
/** The header is an object of objects holding arrays: anything nested deeper is refused before parsing. */
const MAX_HEADER_DEPTH = 8;
const METADATA_KEY = "__metadata__";
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Compares strings by Unicode code point, which is the byte order of their UTF-8 encodings (Rust's `str` order). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function bytesOf(data: AnyTypedArray): Uint8Array {
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(i * 8, data[i], true);
    else view.setInt32(i * 4, data[i], true);
  }
  return out;
}

/** How `encodeSafetensors` stores tensors; the default stores each in its own dtype. */
export interface SafetensorsEncodeOptions {
  /** Store float32/float64 tensors as float16 or bfloat16 (rounded to nearest even, as PyTorch's `.half()`). */
  floatDType?: "float16" | "bfloat16";
  /** Store int32 tensors as int64, PyTorch's integer type (BatchNorm's `num_batches_tracked`); default false. */
  int64?: boolean;
}

function checkEncodeOptions(options: unknown): SafetensorsEncodeOptions {
  const bad = (what: string): never => {
    throw new ValueError(`encodeSafetensors: ${what}; the options are { floatDType?: "float16" | "bfloat16", int64?: boolean }`);
  };
  if (typeof options !== "object" || options === null) return bad(`options must be an object, got ${String(options)}`);
  for (const [k, v] of Object.entries(options)) {
    if (k === "floatDType") {
      if (v !== undefined && v !== "float16" && v !== "bfloat16") bad(`floatDType ${JSON.stringify(v)} is not supported`);
    } else if (k === "int64") {
      if (v !== undefined && typeof v !== "boolean") bad(`int64 must be a boolean, got ${JSON.stringify(v)}`);
    } else bad(`unknown option "${k}"`);
  }
  return options as SafetensorsEncodeOptions;
}

function fileDTypeOf(t: Tensor, options: SafetensorsEncodeOptions): SafetensorsDType {
  if ((t.dtype === "float32" || t.dtype === "float64") && options.floatDType) return options.floatDType === "float16" ? "F16" : "BF16";
  if (t.dtype === "int32" && options.int64) return "I64";
  return TO_FILE[t.dtype];
}

/** The little-endian bytes of `t` stored as `dtype`. */
function encodeData(t: Tensor, dtype: SafetensorsDType): Uint8Array {
  if (t._backend.asyncOnly) {
    throw new DeviceError(
      `safetensors: a tensor on the ${t.device} device is read only asynchronously; save with \`await saveSafetensors(file, tensors)\` ` +
        '(which reads the tensors first), or move the model to the CPU first: `await model.toAsync("cpu")`',
    );
  }
  const data = t.toArray();
  if (dtype === TO_FILE[t.dtype]) return bytesOf(data);
  const size = ELEMENT_SIZE[dtype];
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (dtype === "F16") view.setUint16(i * 2, floatToHalfBits(data[i]), true);
    else if (dtype === "BF16") view.setUint16(i * 2, floatToBFloat16Bits(data[i]), true);
    else view.setBigInt64(i * 8, BigInt(data[i]), true);
  }
  return out;
}

/**
 * Serializes named tensors to safetensors bytes, exactly as the reference implementation lays them out: tensors
 * ordered by descending dtype alignment then name, compact JSON with `__metadata__` first (its keys sorted), and the
 * header padded with spaces to a multiple of 8 bytes. `options` stores float tensors as float16/bfloat16 copies
 * and int32 ones as int64.
 *
 * @example
 * const bytes = tg.io.encodeSafetensors({ weight: tg.randn([2, 3]) }, { format: "pt" });
 * // in Python: safetensors.torch.load(bytes)["weight"]
 * const half = tg.io.encodeSafetensors(model.stateDict(), undefined, { floatDType: "float16" });
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options: SafetensorsEncodeOptions = {},
): Uint8Array {
  const opts = checkEncodeOptions(options);
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === METADATA_KEY) throw new ValueError(`encodeSafetensors: "${METADATA_KEY}" is reserved and can't name a tensor`);
    if (!(t instanceof Tensor)) throw new ValueError(`encodeSafetensors: "${name}" is not a tensor`);
  }
  const prepared = entries
    .map(([name, t]) => ({ name, t, dtype: fileDTypeOf(t, opts) }))
    .sort((a, b) => DTYPE_ORDER.indexOf(b.dtype) - DTYPE_ORDER.indexOf(a.dtype) || compareCodePoints(a.name, b.name));
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareCodePoints);
    for (const k of keys) {
      if (typeof metadata[k] !== "string")
        throw new ValueError(`encodeSafetensors: metadata "${k}" must be a string, got ${typeof metadata[k]}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(",")}}`);
  }
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const { name, t, dtype } of prepared) {
    const data = encodeData(t, dtype);
    datas.push(data);
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + data.byteLength}]}`,
    );
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const data of datas) {
    out.set(data, pos);
    pos += data.byteLength;
  }
  return out;
}

function fail(message: string): never {
  throw new ValueError(`decodeSafetensors: ${message}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Converts the little-endian bytes of one tensor to the typed array of its tensorgrad dtype. */
function convert(name: string, dtype: SafetensorsDType, bytes: Uint8Array, n: number): AnyTypedArray {
  // A copy into a fresh, aligned buffer (not `slice()`: on a Node Buffer that is a view).
  const own = new Uint8Array(bytes);
  if (LITTLE_ENDIAN) {
    if (dtype === "F32") return new Float32Array(own.buffer, 0, n);
    if (dtype === "F64") return new Float64Array(own.buffer, 0, n);
    if (dtype === "I32") return new Int32Array(own.buffer, 0, n);
  }
  const view = new DataView(own.buffer);
  const outOfRange = (i: number, value: string): never =>
    fail(`tensor "${name}" (${dtype}) holds ${value} at element ${i}, outside the int32 range tensorgrad can load it into`);
  switch (dtype) {
    case "BOOL":
      for (let i = 0; i < n; i++) own[i] = own[i] !== 0 ? 1 : 0;
      return own;
    case "F32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case "F64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case "F16": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case "BF16": {
      const out = new Float32Array(n);
      const bits = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        bits.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = bits.getFloat32(0);
      }
      return out;
    }
    default: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        if (dtype === "I32") out[i] = view.getInt32(i * 4, true);
        else if (dtype === "U8") out[i] = own[i];
        else if (dtype === "I8") out[i] = view.getInt8(i);
        else if (dtype === "I16") out[i] = view.getInt16(i * 2, true);
        else if (dtype === "U16") out[i] = view.getUint16(i * 2, true);
        else if (dtype === "U32") {
          const v = view.getUint32(i * 4, true);
          if (v > 0x7fffffff) outOfRange(i, String(v));
          out[i] = v;
        } else {
          const lo = view.getInt32(i * 8, true);
          const hi = view.getInt32(i * 8 + 4, true);
          const ok = dtype === "I64" ? hi === lo >> 31 : hi === 0 && lo >= 0;
          if (!ok) outOfRange(i, String(dtype === "I64" ? view.getBigInt64(i * 8, true) : view.getBigUint64(i * 8, true)));
          out[i] = lo;
        }
      }
      return out;
    }
  }
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

function parseEntry(name: string, info: unknown, dataLength: number): Entry {
  if (!isRecord(info)) fail(`the header entry for "${name}" is not an object`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== "string") fail(`tensor "${name}" has no string "dtype"`);
  if (!(dtype in ELEMENT_SIZE)) fail(`tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`);
  if (!(dtype in FROM_FILE)) fail(`tensor "${name}" has dtype ${dtype}, which tensorgrad can't load`);
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    fail(`tensor "${name}" has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataLength) {
    fail(`tensor "${name}" has data_offsets [${begin}, ${end}] beyond the ${dataLength}-byte data section (is the file truncated?)`);
  }
  let numel = 1;
  for (const s of shape as number[]) numel *= s;
  const expected = numel * ELEMENT_SIZE[dtype];
  if (end - begin !== expected) {
    fail(
      `tensor "${name}" (${dtype}, shape [${shape.join(", ")}]) needs ${expected} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], numel, begin, end };
}

/**
 * Reads safetensors bytes, validating everything first: a bad file (too short, a header length past its end,
 * invalid UTF-8 or JSON, an unknown dtype, offsets out of range, overlapping, leaving holes or not matching
 * shape × dtype size, trailing bytes) throws a `ValueError` saying what is wrong. F16/BF16 load as float32;
 * I64, U64, U32, I16, U16, I8 and U8 as int32 (values outside int32 throw).
 *
 * @example
 * const { tensors, metadata } = tg.io.decodeSafetensors(bytes);
 * model.loadStateDict(tensors);
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) fail("expected a Uint8Array");
  if (bytes.byteLength < 8) fail(`the data is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a plain view, also of a Node Buffer
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER_SIZE)
    fail(`the header length ${n} is over the ${MAX_HEADER_SIZE}-byte limit (the file is corrupt or not safetensors)`);
  if (8 + n > bytes.byteLength) {
    fail(`the header length ${n} runs past the end of the ${bytes.byteLength}-byte file (is the file truncated?)`);
  }
  // Structure first, on the raw bytes: a hostile header is refused before it is decoded or parsed.
  guardJson(bytes.subarray(8, 8 + n), {
    maxDepth: MAX_HEADER_DEPTH,
    maxKeys: MAX_SAFETENSORS_TENSORS,
    what: "decodeSafetensors: the header",
    keyName: (depth) => (depth === 1 ? "tensor name" : "key"),
  });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail("the header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(header)) fail("the header is not a JSON object");
  const dataLength = bytes.byteLength - 8 - n;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (info === null) continue;
      if (!isRecord(info) || !Object.values(info).every((v) => typeof v === "string"))
        fail(`"${METADATA_KEY}" must map strings to strings`);
      metadata = Object.fromEntries(Object.entries(info as Record<string, string>));
      continue;
    }
    entries.push(parseEntry(name, info, dataLength));
  }
  // The data section must be covered exactly: sorted by offset, each tensor starts where the previous one ends.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous = "";
  for (const e of sorted) {
    if (e.begin < position)
      fail(`tensor "${e.name}" (bytes ${e.begin}..${e.end}) overlaps tensor "${previous}" (which ends at ${position})`);
    if (e.begin > position) fail(`bytes ${position}..${e.begin} of the data section belong to no tensor (a hole before "${e.name}")`);
    position = e.end;
    previous = e.name;
  }
  if (position !== dataLength) fail(`${dataLength - position} trailing bytes after the last tensor's data (the file is corrupt)`);
  const data = bytes.subarray(8 + n);
  const tensors = entries.map(
    (e) => [e.name, fromTyped(convert(e.name, e.dtype, data.subarray(e.begin, e.end), e.numel), e.shape)] as const,
  );
  return {
    tensors: Object.fromEntries(tensors),
    metadata,
    fileDTypes: Object.fromEntries(entries.map((e) => [e.name, e.dtype])),
  };
}
