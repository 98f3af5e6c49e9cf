import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

// tg.nn.init.truncNormal_, dirac_ and sparse_, as torch.nn.init's: exact positions for dirac_ (torch 1.13's
// nonzero()), the truncated normal's analytic moments for truncNormal_, the per-column zero count for sparse_.

const { init } = tg.nn;
const F = tg.nn.functional;
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

describe("nn.init: truncNormal_, dirac_, sparse_", () => {
  it("truncNormal_(w) stays in [-2, 2] with the truncated normal's moments", () => {
    const v = init.truncNormal_(tg.empty([20000]), 0, 1, -2, 2, new tg.Generator(0)).tolist() as number[];
    assert.ok(v.every((x) => x >= -2 && x <= 2));
    assert.ok(Math.abs(mean(v)) < 0.02, `mean ${mean(v)}`);
    // the std of N(0, 1) truncated to [-2, 2]: 0.8796256610342398
    assert.ok(Math.abs(std(v) - 0.8796256610342398) < 0.015, `std ${std(v)}`);
  });

  it("truncNormal_(w, 1, 0.5, 0, 3): an asymmetric window, by name too", () => {
    const v = init.truncNormal_(tg.empty([20000]), { mean: 1, std: 0.5, a: 0, b: 3, generator: new tg.Generator(1) }).tolist() as number[];
    assert.ok(v.every((x) => x >= 0 && x <= 3));
    // E[X] = 1.0275563515206907 and P(X < 1) = 0.4883759528933723 for N(1, 0.25) truncated to [0, 3]
    assert.ok(Math.abs(mean(v) - 1.0275563515206907) < 0.01, `mean ${mean(v)}`);
    const below = v.filter((x) => x < 1).length / v.length;
    assert.ok(Math.abs(below - 0.4883759528933723) < 0.015, `P(X < 1) ${below}`);
    // ViT's init: std 0.02 inside the default ±2 (never clamped)
    const w = init.truncNormal_(tg.empty([64, 64]), 0, 0.02);
    assert.ok(Math.abs(std(w.flatten().tolist() as number[]) - 0.02) < 0.002);
    assert.throws(() => init.truncNormal_(tg.empty([2]), 0, 1, 2, -2), /truncNormal_: a \(2\) must be less than b \(-2\)/);
  });

  it("dirac_(w, groups): torch's positions, and a convolution that passes its input through", () => {
    const nonzero = (t: tg.Tensor) => tg.nonzero(t).tolist();
    // torch: dirac_(empty(4, 2, 3), 2).nonzero() and dirac_(empty(3, 2, 3, 3)).nonzero()
    assert.deepEqual(nonzero(init.dirac_(tg.full([4, 2, 3], 7), 2)), [
      [0, 0, 1],
      [1, 1, 1],
      [2, 0, 1],
      [3, 1, 1],
    ]);
    assert.deepEqual(nonzero(init.dirac_(tg.empty([3, 2, 3, 3]))), [
      [0, 0, 1, 1],
      [1, 1, 1, 1],
    ]);
    const x = tg.randn([2, 3, 5, 5]);
    assertClose(F.conv2d(x, init.dirac_(tg.empty([3, 3, 3, 3])), null, 1, 1), x);
    assert.throws(() => init.dirac_(tg.empty([3, 3])), /only tensors with 3, 4, or 5 dimensions/);
    assert.throws(() => init.dirac_(tg.empty([3, 2, 3]), 2), /dim 0 must be divisible by groups/);
  });

  it("sparse_(w, 0.3): ceil(0.3 · rows) zeros in every column, N(0, 0.01²) elsewhere", () => {
    const w = init.sparse_(tg.empty([10, 50]), 0.3, 0.01, new tg.Generator(2));
    const zerosPerColumn = w.eq(0).to("int32").sum(0).tolist() as number[];
    assert.deepEqual(zerosPerColumn, Array(50).fill(3));
    const rest = (w.flatten().tolist() as number[]).filter((x) => x !== 0);
    assert.ok(Math.abs(std(rest) - 0.01) < 0.001, `std ${std(rest)}`);
    assert.throws(() => init.sparse_(tg.empty([4, 4]), 1.5), /sparse_: sparsity must be a number in \[0, 1\]/);
  });
});
