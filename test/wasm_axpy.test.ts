import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cpuBackend } from "../src/backend/cpu/index.ts";
import { thresholds, wasmBackend } from "../src/backend/wasm/index.ts";
import { getKernels } from "../src/backend/wasm/module.ts";
import { tg } from "./helpers.ts";

// The in-place axpy (dst += alpha·x: add_ outside the graph, SGD's update) on the WASM kernel against the CPU backend's
// loop: the same bits (the product rounded to float32, then the sum), special values included, and the fallbacks.

const special = [0, -0, 1.5, -2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e-39, -3e-39, 3.4e38];

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? special[(i * seed) % special.length] : Math.sin(i * 1.3 + seed) * 4));
}

/** dst's values after axpy on `backend`, starting from copies of d and s. */
function run(backend: typeof wasmBackend, d: Float32Array, s: Float32Array, alpha: number, shape: number[]): Float32Array {
  const dst = tg.tensor(d.slice()).reshape(shape);
  const x = tg.tensor(s.slice()).reshape(shape);
  assert.equal(backend.axpy?.(dst._view, x._view, alpha), true);
  return dst.toArray() as Float32Array;
}

describe("axpy on the WASM kernels", () => {
  it("equals the CPU loop bit for bit on odd sizes, special values and alphas", { skip: getKernels() === null }, () => {
    const saved = thresholds.elementwise;
    thresholds.elementwise = 0;
    try {
      for (const n of [1, 3, 4, 5, 15, 16, 17, 37, 1000, 4099]) {
        for (const alpha of [-0.01, 1, -1e-7, 0.1 + 1e-9, 3e38]) {
          const d = values(n, 3);
          const s = values(n, 5);
          const got = run(wasmBackend, d, s, alpha, [n]);
          const want = run(cpuBackend, d, s, alpha, [n]);
          assert.deepEqual(Array.from(got), Array.from(want), `n=${n} alpha=${alpha}`);
        }
      }
    } finally {
      thresholds.elementwise = saved;
    }
  });

  it("leaves what it does not take (float64, strided, small) to the CPU loop, with the same result", () => {
    const d = values(600, 1);
    const s = values(600, 2);
    // float64
    const d64 = tg.tensor(Array.from(d), { dtype: "float64" });
    const s64 = tg.tensor(Array.from(s), { dtype: "float64" });
    const d64c = d64.clone();
    assert.equal(wasmBackend.axpy?.(d64._view, s64._view, 0.5), true);
    assert.equal(cpuBackend.axpy?.(d64c._view, s64._view, 0.5), true);
    assert.deepEqual(Array.from(d64.toArray() as Float64Array), Array.from(d64c.toArray() as Float64Array));
    // a transposed (strided) source
    const a = tg.tensor(d.slice()).reshape([20, 30]);
    const b = tg.tensor(s.slice()).reshape([30, 20]).t();
    const a2 = a.clone();
    assert.equal(wasmBackend.axpy?.(a._view, b._view, -0.25), true);
    assert.equal(cpuBackend.axpy?.(a2._view, b._view, -0.25), true);
    assert.deepEqual(Array.from(a.toArray() as Float32Array), Array.from(a2.toArray() as Float32Array));
    // shapes that differ, and the same buffer: refused by both
    const c = tg.tensor(d.slice());
    assert.equal(wasmBackend.axpy?.(c._view, tg.tensor(s.slice(0, 300))._view, 1), false);
    assert.equal(wasmBackend.axpy?.(c._view, c._view, 1), false);
  });

  it("SGD on the wasm backend takes the same steps with the kernel as with the CPU loop, and learns", () => {
    const losses: number[][] = [];
    const weights: number[][] = [];
    const kernelAxpy = wasmBackend.axpy;
    const before = tg.getBackend().name;
    tg.setBackend("wasm");
    try {
      for (const loop of [false, true]) {
        if (loop) wasmBackend.axpy = cpuBackend.axpy;
        tg.manualSeed(3);
        const model = new tg.nn.Sequential(new tg.nn.Linear(40, 64), new tg.nn.ReLU(), new tg.nn.Linear(64, 3));
        const opt = new tg.optim.SGD(model.parameters(), { lr: 0.1 });
        const x = tg.randn([32, 40]);
        const y = tg.tensor(Int32Array.from({ length: 32 }, (_, i) => i % 3));
        const run: number[] = [];
        for (let s = 0; s < 30; s++) {
          opt.zeroGrad();
          const loss = tg.nn.functional.crossEntropy(model.forward(x), y);
          loss.backward();
          opt.step();
          run.push(loss.item());
        }
        losses.push(run);
        weights.push(Array.from(model.parameters()[0].toArray() as Float32Array));
      }
    } finally {
      wasmBackend.axpy = kernelAxpy;
      tg.setBackend(before as "cpu" | "wasm");
    }
    assert.ok(losses[0][29] < 0.5 * losses[0][0], `the loss fell: ${losses[0][0]} -> ${losses[0][29]}`);
    assert.deepEqual(losses[0], losses[1]);
    assert.deepEqual(weights[0], weights[1]);
  });
});
