import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { thresholds, wasmBackend } from "../src/backend/wasm/index.ts";
import { getKernels } from "../src/backend/wasm/module.ts";
import { forEachBackend, tg } from "./helpers.ts";

// ReLU's backward in one pass (Backend.reluBackward, the WASM kernel) against its composed form where(y <= 0, 0, g):
// the same bits, with zeros, negative zeros, NaNs and infinities in y and in the gradient.

const special = [0, -0, 1.5, -2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e-39, -3e-39];

function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 7 === 0 ? special[(i * seed) % special.length] : Math.sin(i * 1.3 + seed) * 4));
}

const bits = (t: tg.Tensor): number[] => Array.from(t.toArray() as Float32Array | Float64Array);

describe("ReLU's fused backward", () => {
  it("the kernel equals where(y <= 0, 0, g) bit for bit, special values included", { skip: getKernels() === null }, () => {
    const saved = thresholds.elementwise;
    thresholds.elementwise = 0;
    try {
      for (const n of [1, 3, 4, 5, 37, 1000]) {
        const y = tg.tensor(values(n, 3)).relu();
        const g = tg.tensor(values(n, 5));
        const out = wasmBackend.reluBackward?.(y._view, g._view) ?? null;
        assert.ok(out instanceof Float32Array);
        assert.deepEqual(Array.from(out), bits(tg.where(y.le(0), 0, g)), `n=${n}`);
      }
    } finally {
      thresholds.elementwise = saved;
    }
  });

  it("x.relu().backward(g): the composed form's gradient on every CPU backend, float32 and float64, strided g", () => {
    forEachBackend((backend) => {
      if (backend === "webgpu") return;
      for (const dtype of ["float32", "float64"] as const) {
        const x = tg
          .tensor(values(40 * 30, 7), { dtype })
          .reshape([40, 30])
          .requiresGrad_(true);
        const g = tg
          .tensor(values(30 * 40, 9), { dtype })
          .reshape([30, 40])
          .t();
        const y = x.relu();
        y.backward(g);
        const want = tg.where(y.detach().le(0), 0, g);
        assert.deepEqual(bits(x.grad as tg.Tensor), bits(want), `${backend} ${dtype}`);
      }
    });
  });

  it("under create_graph the gradient stays differentiable (the composed form)", () => {
    const x = tg.tensor([1.5, -2, 0.5, 3], { dtype: "float64" }).requiresGrad_(true);
    const [gx] = tg.autograd.grad([x.relu().square().sum()], [x], { createGraph: true });
    assert.ok(gx?.requiresGrad);
    assert.deepEqual(gx.tolist(), [3, 0, 1, 6]);
    assert.equal(
      tg.autograd.gradgradcheck((t: tg.Tensor) => t.relu().square(), [x.detach().requiresGrad_(true)]),
      true,
    );
  });
});
