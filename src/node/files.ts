/// <reference types="node" />
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { createGunzip, gunzip } from "node:zlib";
import { type CsvData, type CsvOptions, CsvReader } from "../data/csv.js";
import { parseIdx } from "../data/idx.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

const gunzipAsync = promisify(gunzip);

/**
 * The bytes of `path`, gunzipped when they start with the gzip magic bytes (1f 8b), whatever the file's name.
 *
 * @example
 * import { readBytes } from "tensorgrad/node";
 * const images = tg.data.parseIdx(await readBytes("train-images-idx3-ubyte.gz"));
 */
export async function readBytes(path: string): Promise<Uint8Array> {
  const raw = await readFile(path).catch((e: unknown) => unreadable("readBytes", path, e));
  const bytes =
    raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b
      ? await gunzipAsync(raw).catch((e: unknown) => notGzip("readBytes", path, e))
      : raw;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A file that can't be read, as a `ValueError` naming it and why (the system error stays its `cause`). */
function unreadable(fn: string, path: string, e: unknown): never {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a folder"
        : code === "EACCES"
          ? "permission denied"
          : (e as Error).message;
  throw Object.assign(
    new ValueError(`${fn}: can't read ${path}: ${reason}${code && reason !== (e as Error).message ? ` (${code})` : ""}`),
    {
      cause: e,
    },
  );
}

function notGzip(fn: string, path: string, e: unknown): never {
  throw Object.assign(new ValueError(`${fn}: ${path} starts like gzip but is not valid gzip data (${(e as Error).message})`), { cause: e });
}

/**
 * The text of a UTF-8 file (gunzipped first if it is gzip-compressed).
 *
 * @example
 * import { readText } from "tensorgrad/node";
 * const words = (await readText("names.txt")).split("\n").filter(Boolean);
 */
export async function readText(path: string): Promise<string> {
  return new TextDecoder("utf-8").decode(await readBytes(path));
}

/**
 * Reads a CSV file of numbers into features and target (see `tg.data.parseCsv` for the options and errors), streaming:
 * memory holds the values, never the whole text. Gzipped files (by their magic bytes) are decompressed.
 *
 * @example
 * import { readCsv } from "tensorgrad/node";
 * const { features, target } = await readCsv("iris.csv", { target: "species", categoricalTarget: true });
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvData> {
  const reader = new CsvReader(options);
  const info = await stat(path).catch((e: unknown) => unreadable("readCsv", path, e));
  if (info.isDirectory()) unreadable("readCsv", path, Object.assign(new Error("a folder"), { code: "EISDIR" }));
  const file = createReadStream(path);
  const head = await new Promise<Buffer>((resolve, reject) => {
    file.once("error", reject);
    file.once("readable", () => resolve((file.read(2) as Buffer | null) ?? Buffer.alloc(0)));
  }).catch((e: unknown) => unreadable("readCsv", path, e));
  const gzipped = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (head.length > 0) file.unshift(head);
  const source = gzipped ? file.pipe(createGunzip()) : file;
  const decoder = new TextDecoder("utf-8");
  try {
    for await (const chunk of source) reader.push(decoder.decode(chunk as Buffer, { stream: true }));
    reader.push(decoder.decode());
  } catch (e) {
    if (e instanceof ValueError) throw e;
    if (gzipped && typeof (e as NodeJS.ErrnoException).code === "string" && (e as NodeJS.ErrnoException).code?.startsWith("Z_"))
      notGzip("readCsv", path, e);
    unreadable("readCsv", path, e);
  } finally {
    file.destroy();
  }
  return reader.finish();
}

/**
 * Reads an IDX file (MNIST's format), gzipped or not, into a tensor (see `tg.data.parseIdx`).
 *
 * @example
 * import { readIdx } from "tensorgrad/node";
 * const images = await readIdx("train-images-idx3-ubyte.gz"); // [60000, 28, 28] int32
 */
export async function readIdx(path: string): Promise<Tensor> {
  return parseIdx(await readBytes(path));
}
