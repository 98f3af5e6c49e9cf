/**
 * Loads the compiled kernels: the relaxed-SIMD (FMA) build where the engine validates it, else the plain SIMD build, else
 * none (the backend then runs everything on the CPU reference kernels). Node compiles synchronously; where an engine refuses
 * synchronous compilation of a module this size (a browser's main thread), it is compiled asynchronously and the backend
 * uses the reference kernels until it is ready.
 */

import { decodeBase64 } from "./base64.js";
import { KERNELS_FMA, KERNELS_SIMD } from "./kernels_wasm.js";

/** The exports of src/backend/wasm/assembly/index.ts; pointers are byte offsets, counts and strides are in elements. */
export interface Kernels {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  binary(
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
  ): void;
  unary(op: number, x: number, out: number, n: number): void;
  gemm(
    a: number,
    rsA: number,
    csA: number,
    b: number,
    rsB: number,
    csB: number,
    c: number,
    m: number,
    n: number,
    k: number,
    work: number,
  ): void;
  gemmWorkSize(): number;
  reduceRows(op: number, x: number, out: number, outer: number, inner: number): void;
  reduceCols(op: number, x: number, out: number, outer: number, inner: number, work: number): void;
}

export type KernelVariant = "fma" | "simd";

let kernels: Kernels | null = null;
let variant: KernelVariant | null = null;

const hasWasm = (): boolean => typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";

/** The WASM bytes of build `v` (a fresh copy). */
export function kernelBytes(v: KernelVariant): Uint8Array<ArrayBuffer> {
  return decodeBase64(v === "fma" ? KERNELS_FMA : KERNELS_SIMD);
}

/** Whether the engine can run the kernels of `v` (relaxed SIMD is behind a flag in Node 20, on in current browsers). */
export function variantSupported(v: KernelVariant): boolean {
  return hasWasm() && WebAssembly.validate(kernelBytes(v));
}

/** Instantiates the kernels of `v`, replacing the loaded ones; returns false where the engine can't run them. */
export function loadKernels(v: KernelVariant): boolean {
  if (!variantSupported(v)) return false;
  const bytes = kernelBytes(v);
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    kernels = instance.exports as unknown as Kernels;
    variant = v;
  } catch {
    WebAssembly.instantiate(bytes, {}).then(
      (r) => {
        kernels = r.instance.exports as unknown as Kernels;
        variant = v;
      },
      () => {},
    );
  }
  return true;
}

/** The loaded kernels, or null while none are (no WebAssembly SIMD, or still compiling). */
export function getKernels(): Kernels | null {
  return kernels;
}

/** Which build is loaded. */
export function kernelVariant(): KernelVariant | null {
  return variant;
}

if (!loadKernels("fma")) loadKernels("simd");
