import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getNumThreads, setNumThreads, thresholds } from "../src/backend/wasm/index.ts";
import { getKernels } from "../src/backend/wasm/module.ts";
import { tg } from "./helpers.ts";

// The WASM GEMM packs a transposed B (x·Wᵀ, a Linear layer's forward) with 4×4 register transposes: the product must be
// the one with B made contiguous first (packed by the row-major path), bit for bit, on one thread and on several, and
// close to the CPU reference backend's.

function data(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const bits = (t: tg.Tensor): number[] => Array.from(t.toArray() as Float32Array);

describe("GEMM with a transposed B on the WASM kernels", () => {
  it("equals the product with B made contiguous, bit for bit (odd k and n, k over one KC block, 1 and 2 threads)", {
    skip: getKernels() === null,
  }, () => {
    const prev = tg.getBackend().name;
    const threads = getNumThreads();
    const saved = { ...thresholds };
    tg.setBackend("wasm");
    thresholds.matmul = 0;
    try {
      for (const t of [1, 2]) {
        setNumThreads(t);
        thresholds.threads = t === 1 ? 2 ** 40 : 0;
        for (const [m, k, n] of [
          [1, 1, 8],
          [5, 3, 9],
          [13, 4, 16],
          [7, 37, 31],
          [32, 257, 24],
          [128, 784, 40],
          [3, 600, 129],
        ]) {
          const a = tg.tensor(data(m * k, m + k)).reshape([m, k]);
          const w = tg.tensor(data(n * k, n + 7 * k)).reshape([n, k]);
          const got = a.matmul(w.t());
          const want = a.matmul(w.t().contiguous());
          assert.deepEqual(bits(got), bits(want), `${m}x${k}x${n}, ${t} thread(s)`);
          tg.setBackend("cpu");
          const ref = a.matmul(w.t()).toArray() as Float32Array;
          tg.setBackend("wasm");
          const g = got.toArray() as Float32Array;
          for (let i = 0; i < ref.length; i++)
            assert.ok(Math.abs(g[i] - ref[i]) <= 1e-5 * k, `${m}x${k}x${n} [${i}]: ${g[i]} vs ${ref[i]}`);
        }
      }
    } finally {
      Object.assign(thresholds, saved);
      setNumThreads(threads);
      tg.setBackend(prev as "cpu" | "wasm");
    }
  });
});
