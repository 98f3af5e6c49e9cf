import { ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";

/** The IDX type codes: element size and the tensor dtype each is read into. */
const IDX_TYPES: Readonly<Record<number, { name: string; size: number; dtype: "int32" | "float32" | "float64" }>> = {
  8: { name: "uint8", size: 1, dtype: "int32" },
  9: { name: "int8", size: 1, dtype: "int32" },
  11: { name: "int16", size: 2, dtype: "int32" },
  12: { name: "int32", size: 4, dtype: "int32" },
  13: { name: "float32", size: 4, dtype: "float32" },
  14: { name: "float64", size: 8, dtype: "float64" },
};

const hex = (b: number): string => `0x${b.toString(16).padStart(2, "0")}`;

/**
 * Parses the IDX format MNIST ships in: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16,
 * 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, each dimension as a big-endian uint32,
 * then the big-endian data. Integer types become `int32` tensors, floats keep their width. A bad magic
 * number, an unknown type, truncated or trailing data throw a `ValueError`. Gunzip `.gz` files first
 * (`readIdx` from tensorgrad/node does).
 *
 * @example
 * const images = tg.data.parseIdx(bytes);           // e.g. [60000, 28, 28] int32 for train-images-idx3-ubyte
 * const x = images.float().div(255).unsqueeze(1);   // [60000, 1, 28, 28] in [0, 1]
 */
export function parseIdx(bytes: Uint8Array): Tensor {
  if (bytes.length < 4) throw new ValueError(`parseIdx: truncated header: expected at least 4 bytes, got ${bytes.length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    throw new ValueError(
      `parseIdx: bad magic number 0x${(magic >>> 0).toString(16).padStart(8, "0")}: an IDX file starts with two zero bytes ` +
        "(is the file still gzip-compressed?)",
    );
  }
  const type = IDX_TYPES[bytes[2]];
  if (!type)
    throw new ValueError(
      `parseIdx: unknown data type code ${hex(bytes[2])} in the magic number; expected one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e`,
    );
  const ndim = bytes[3];
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw new ValueError(`parseIdx: truncated header: ${ndim} dimensions need ${headerSize} header bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * type.size;
  if (bytes.length < expected) {
    throw new ValueError(
      `parseIdx: truncated data: shape [${shape.join(", ")}] of ${type.name} needs ${count * type.size} data bytes, got ${bytes.length - headerSize}`,
    );
  }
  if (bytes.length > expected) {
    throw new ValueError(`parseIdx: ${bytes.length - expected} unexpected trailing bytes after the data of shape [${shape.join(", ")}]`);
  }
  const out =
    type.dtype === "float64" ? new Float64Array(count) : type.dtype === "float32" ? new Float32Array(count) : new Int32Array(count);
  const at = headerSize;
  switch (bytes[2]) {
    case 0x08:
      out.set(bytes.subarray(at, at + count));
      break;
    case 0x09:
      for (let i = 0; i < count; i++) out[i] = view.getInt8(at + i);
      break;
    case 0x0b:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i, false);
      break;
    case 0x0c:
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, false);
      break;
    case 0x0d:
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, false);
      break;
    default:
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, false);
  }
  return fromTyped(out, shape);
}
