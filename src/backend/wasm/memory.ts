/**
 * The kernels' linear memory. The modules import it (`env.memory`, declared shared), so that the calling thread's instance
 * and the helper threads' instances (threads.ts) compute in one memory without copying operands between threads. Where
 * SharedArrayBuffer is unavailable (a page that is not cross-origin isolated) the memory is an ordinary one and the module's
 * import is rewritten to match.
 */

/** 2 GiB, the scratch area's limit (scratch.ts). */
const MAX_PAGES = 32768;
const INITIAL_PAGES = 16;

/** A shared memory where the realm allows one (a smaller maximum if the full reservation is refused), else a plain one. */
export function createMemory(): WebAssembly.Memory {
  if (typeof SharedArrayBuffer === "function") {
    for (const maximum of [MAX_PAGES, MAX_PAGES / 8]) {
      try {
        return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum, shared: true });
      } catch {
        // Try a smaller reservation, then an unshared memory.
      }
    }
  }
  return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES });
}

/** Whether helper threads can work in `memory`. */
export function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;
}

/** Reads an unsigned LEB128 at `at`; returns the value and the index after it. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, i];
  }
}

/**
 * A copy of the module `bytes` whose memory import is declared unshared (its limits flag 0x03, "shared with a maximum",
 * becomes 0x01, "with a maximum"; same length), so that it accepts an ordinary memory.
 */
export function unsharedImport(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = bytes.slice();
  let i = 8; // magic and version
  while (i < out.length) {
    const id = out[i];
    const [size, body] = leb(out, i + 1);
    if (id === 2) {
      // The kernels import exactly one thing, the memory: skip the entry count and the two names, then the kind byte.
      let j = leb(out, body)[1];
      for (let name = 0; name < 2; name++) {
        const [len, at] = leb(out, j);
        j = at + len;
      }
      const kind = out[j++];
      if (kind !== 2) throw new Error(`unexpected import kind ${kind} in the kernels module`);
      if (out[j] === 0x03) out[j] = 0x01;
      return out;
    }
    i = body + size;
  }
  return out;
}
