/**
 * A linear pre-scan of JSON text from a file, before `JSON.parse` builds anything: it refuses nesting deeper than a
 * limit (deep nesting makes recursive readers overflow the stack), objects with more keys than a limit, and duplicate
 * keys in any object (`JSON.parse` silently keeps the last one; Python's safetensors reader refuses them). Text that is
 * not JSON at all passes through for `JSON.parse` to report.
 */
import { ValueError } from "../errors.js";

export interface JsonLimits {
  /** Deepest nesting of objects and arrays (the outermost counts 1). */
  maxDepth: number;
  /** Most keys in one object. */
  maxKeys: number;
  /** The message prefix, e.g. "decodeSafetensors: the header". */
  what: string;
  /** How a duplicate key is named in the message ("tensor name" at the top of a safetensors header, say). */
  keyName?: (depth: number) => string;
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Throws a `ValueError` where `text` breaks `limits`; otherwise returns, having allocated only the keys' sets. `text` may
 * be the UTF-8 bytes themselves (JSON's structure is ASCII, and no byte of a multi-byte character is), so a header can
 * be checked before it is decoded.
 */
export function guardJson(text: string | Uint8Array, limits: JsonLimits): void {
  const { maxDepth, maxKeys, what } = limits;
  const bytes = typeof text === "string" ? null : text;
  const str = typeof text === "string" ? text : "";
  const at = bytes ? (i: number) => bytes[i] : (i: number) => str.charCodeAt(i);
  const decoder = new TextDecoder();
  // Short ASCII keys (nearly all) without a decoder call.
  const decode = (u8: Uint8Array, a: number, b: number): string => {
    if (b - a > 64) return decoder.decode(u8.subarray(a, b));
    let s = "";
    for (let k = a; k < b; k++) {
      if (u8[k] >= 0x80) return decoder.decode(u8.subarray(a, b));
      s += String.fromCharCode(u8[k]);
    }
    return s;
  };
  const slice = bytes ? (a: number, b: number) => decode(bytes, a, b) : (a: number, b: number) => str.slice(a, b);
  // One frame per open object or array: the keys seen (null for an array) and whether the next string is a key.
  const keys: (Set<string> | null)[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = at(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = at(j);
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else if (d === QUOTE) break;
        else j++;
      }
      if (j >= n) return; // unterminated: JSON.parse reports it
      const frame = keys.at(-1);
      if (expectKey && frame) {
        let key = slice(i + 1, j);
        if (escaped) {
          try {
            key = JSON.parse(slice(i, j + 1)) as string;
          } catch {
            return;
          }
        }
        if (frame.has(key)) {
          const name = limits.keyName?.(keys.length) ?? "key";
          throw new ValueError(`${what} has the ${name} ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)} twice`);
        }
        if (frame.size >= maxKeys) throw new ValueError(`${what} has more than ${maxKeys} entries in one object, over the limit`);
        frame.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (keys.length >= maxDepth) throw new ValueError(`${what} nests deeper than ${maxDepth} levels (the file is corrupt or hostile)`);
      keys.push(c === 123 ? new Set() : null);
      expectKey = c === 123;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      keys.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = keys.at(-1) instanceof Set;
    }
  }
}
