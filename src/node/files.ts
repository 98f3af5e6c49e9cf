/// <reference types="node" />
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { type CsvData, type CsvOptions, parseCsv } from "../data/csv.js";
import { parseIdx } from "../data/idx.js";
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
  const raw = await readFile(path);
  const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? await gunzipAsync(raw) : raw;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
 * Reads a CSV file of numbers into features and target (see `tg.data.parseCsv` for the options and errors);
 * `.gz` files are decompressed.
 *
 * @example
 * import { readCsv } from "tensorgrad/node";
 * const { features, target } = await readCsv("iris.csv", { target: "species", categoricalTarget: true });
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvData> {
  return parseCsv(await readText(path), options);
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
