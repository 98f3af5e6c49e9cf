/**
 * Loads the compiled kernels: the relaxed-SIMD (FMA) build where the engine validates it, else the plain SIMD build, else
 * none (the backend then runs everything on the CPU reference kernels). Node 20 and 21 have relaxed SIMD behind a V8 flag
 * (on by default from Node 22, as in current browsers); tensorgrad turns that flag on when it loads, unless the
 * environment sets TENSORGRAD_WASM_FMA=0. Node compiles synchronously; where an engine refuses
 * synchronous compilation of a module this size (a browser's main thread), it is compiled asynchronously and the backend
 * uses the reference kernels until it is ready.
 */

import { decodeBase64 } from "./base64.js";
import { KERNELS_FMA, KERNELS_SIMD } from "./kernels_wasm.js";
import { createMemory, isShared, unsharedImport } from "./memory.js";
import { nodeProcess } from "./node_process.js";

/** A kernel over "2-D" operands: op code, a (pointer, row stride, column stride), b (the same), out, rows, columns. */
type Elementwise2D = (
  op: number,
  a: number,
  rsA: number,
  csA: number,
  b: number,
  rsB: number,
  csB: number,
  out: number,
  outer: number,
  inner: number,
) => void;

/** The exports of src/backend/wasm/assembly/index.ts; pointers are byte offsets, counts and strides are in elements. */
export interface Kernels {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  /** out[r, c] = a[r, c] op b[r, c], each operand at ptr + 4·(r·rs + c·cs) with cs 0 or 1; out dense. */
  binary: Elementwise2D;
  unary(op: number, x: number, out: number, n: number): void;
  /** ReLU's backward over n floats: out = 0 where y ≤ 0, else g. */
  reluBackward(y: number, g: number, out: number, n: number): void;
  gemm(
    a: number,
    rsA: number,
    csA: number,
    b: number,
    rsB: number,
    csB: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    work: number,
  ): void;
  gemmWorkSize(): number;
  /** One block of a conv2d job (assembly/conv.ts): op 0 forward, 1 input gradient, 2 weight gradient; thread t's scratch. */
  convBlock(op: number, geometry: number, b0: number, b1: number, t: number): void;
  /** Floats of one thread's scratch for the conv2d geometry block at `geometry`. */
  convScratchFloats(geometry: number): number;
  /** max_pool2d over planes (geometry block at `geometry`, assembly/pool.ts) into values `out` and indices `idx`. */
  maxPoolPlanes(geometry: number, src: number, out: number, idx: number): void;
  /** max_pool2d's backward (assembly/pool.ts): gy [p, l] added at idx into gx [p, hw], zeroed first. */
  maxPoolBackward(gy: number, idx: number, gx: number, p: number, l: number, hw: number): void;
  /** Adadelta's update in place over n float32s (assembly/optim.ts); the scalars already rounded to float32. */
  adadeltaStep(
    p: number,
    g: number,
    s: number,
    a: number,
    n: number,
    rho: number,
    oneMinusRho: number,
    eps: number,
    negLr: number,
    sign: number,
  ): void;
  /** d = d + alpha·s in place over n float32s (assembly/optim.ts), alpha already rounded to float32. */
  axpy(d: number, s: number, n: number, alpha: number): void;
  logSoftmaxRows(x: number, out: number, rows: number, cols: number): void;
  /** One LSTM step over dense rows: xg, hg [rows, 4H], c [rows, H] → h, c' [rows, H], act [rows, 5H]. */
  lstmCellRows(xg: number, hg: number, c: number, h: number, c2: number, act: number, rows: number, H: number): void;
  /** One GRU step over dense rows: xg, hg [rows, 3H], h [rows, H] → h' [rows, H], act [rows, 3H]. */
  gruCellRows(xg: number, hg: number, h: number, h2: number, act: number, rows: number, H: number): void;
  /** As `binary`, for comparisons, into bytes (0/1). */
  compare: Elementwise2D;
  select(
    c: number,
    rsC: number,
    csC: number,
    a: number,
    rsA: number,
    csA: number,
    b: number,
    rsB: number,
    csB: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  reduceRows(op: number, x: number, out: number, outer: number, inner: number): void;
  reduceCols(op: number, x: number, out: number, outer: number, inner: number, work: number): void;
}

export type KernelVariant = "fma" | "simd";

let kernels: Kernels | null = null;
/** The compiled module of `kernels`: helper threads instantiate it too, sharing its (tiered-up) machine code. */
let compiled: WebAssembly.Module | null = null;
let variant: KernelVariant | null = null;

const hasWasm = (): boolean => typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";

/** The WASM bytes of build `v` (a fresh copy), importing a shared memory. */
export function kernelBytes(v: KernelVariant): Uint8Array<ArrayBuffer> {
  return decodeBase64(v === "fma" ? KERNELS_FMA : KERNELS_SIMD);
}

/** Whether the engine can run the kernels of `v` (relaxed SIMD is behind a flag in Node 20, on in current browsers). */
export function variantSupported(v: KernelVariant): boolean {
  return hasWasm() && WebAssembly.validate(kernelBytes(v));
}

/** Instantiates the kernels of `v` in a fresh memory, replacing the loaded ones; returns false where the engine can't run them. */
export function loadKernels(v: KernelVariant): boolean {
  if (!variantSupported(v)) return false;
  const memory = createMemory();
  const bytes = isShared(memory) ? kernelBytes(v) : unsharedImport(kernelBytes(v));
  const imports = { env: { memory } };
  try {
    const module = new WebAssembly.Module(bytes);
    kernels = new WebAssembly.Instance(module, imports).exports as unknown as Kernels;
    compiled = module;
    variant = v;
  } catch {
    WebAssembly.instantiate(bytes, imports).then(
      (r) => {
        kernels = r.instance.exports as unknown as Kernels;
        compiled = r.module;
        variant = v;
      },
      () => {},
    );
  }
  return true;
}

/** The compiled module of the loaded kernels (null while none are). */
export function kernelModule(): WebAssembly.Module | null {
  return compiled;
}

/** The loaded kernels, or null while none are (no WebAssembly SIMD, or still compiling). */
export function getKernels(): Kernels | null {
  return kernels;
}

/** Which build is loaded. */
export function kernelVariant(): KernelVariant | null {
  return variant;
}

/** Whether the FMA build may be used: everywhere but where TENSORGRAD_WASM_FMA=0 asks for the plain SIMD build. */
function fmaAllowed(): boolean {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORGRAD_WASM_FMA !== "0";
}

/**
 * Turns on V8's relaxed-SIMD flag in Node versions that ship it disabled. The flag only adds instructions that modules may
 * use (it is read when a module is validated), so modules that don't use them behave as before.
 */
function enableRelaxedSimdInNode(): void {
  const p = nodeProcess();
  if (p === null || !fmaAllowed() || variantSupported("fma")) return;
  try {
    (p.getBuiltinModule("v8") as { setFlagsFromString(flag: string): void }).setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch {
    // An engine without the flag keeps the plain SIMD build.
  }
}

enableRelaxedSimdInNode();
if (!(fmaAllowed() && loadKernels("fma"))) loadKernels("simd");
