import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

const F = tg.nn.functional;
const EPS = 1e-5;
// Expected values below are (x − mean)/√(var + eps) with mean and biased variance worked out by hand.
const inv = (variance: number, eps = EPS): number => 1 / Math.sqrt(variance + eps);
const f64 = (data: tg.NestedArray): tg.Tensor => tg.tensor(data, { dtype: "float64" });
const exact = { atol: 1e-12, rtol: 1e-12 };

/** A float64 leaf that requires grad, drawn from a seeded generator. */
function leaf(shape: number[], seed: number): tg.Tensor {
  return tg.randn(shape, { dtype: "float64", generator: new tg.Generator(seed) }).requiresGrad_(true);
}

describe("BatchNorm1d", () => {
  it("normalizes [N, C] per channel with the biased batch variance in train mode", () => {
    const bn = new tg.nn.BatchNorm1d(2, { dtype: "float64" });
    // Channel 0: {1, 3}, mean 2, biased var 1. Channel 1: {2, 6}, mean 4, biased var 4.
    const y = bn(
      f64([
        [1, 2],
        [3, 6],
      ]),
    );
    assertClose(
      y,
      [
        [-inv(1), -2 * inv(4)],
        [inv(1), 2 * inv(4)],
      ],
      exact,
    );
  });

  it("updates the running stats with momentum 0.1 and the unbiased variance", () => {
    const bn = new tg.nn.BatchNorm1d(2, { dtype: "float64" });
    bn(
      f64([
        [1, 2],
        [3, 6],
      ]),
    );
    // mean: 0.9·0 + 0.1·[2, 4]; var: 0.9·1 + 0.1·[2, 8] (unbiased: 2·1/(2−1), 2·4/(2−1)).
    assertClose(bn.runningMean!, [0.2, 0.4], exact);
    assertClose(bn.runningVar!, [1.1, 1.7], exact);
    assert.equal(bn.numBatchesTracked!.item(), 1);
    // Second batch: mean [6, 1], biased var [1, 1], unbiased [2, 2].
    bn(
      f64([
        [5, 0],
        [7, 2],
      ]),
    );
    assertClose(bn.runningMean!, [0.9 * 0.2 + 0.6, 0.9 * 0.4 + 0.1], exact);
    assertClose(bn.runningVar!, [0.9 * 1.1 + 0.2, 0.9 * 1.7 + 0.2], exact);
    assert.equal(bn.numBatchesTracked!.item(), 2);
    assert.equal(bn.numBatchesTracked!.dtype, "int32");
    assert.equal(bn.runningMean!.requiresGrad, false);
  });

  it("keeps a cumulative average when momentum is null", () => {
    const bn = new tg.nn.BatchNorm1d(2, { momentum: null, dtype: "float64" });
    bn(
      f64([
        [1, 2],
        [3, 6],
      ]),
    );
    // The first batch replaces the initial stats entirely (factor 1/1).
    assertClose(bn.runningMean!, [2, 4], exact);
    assertClose(bn.runningVar!, [2, 8], exact);
    bn(
      f64([
        [5, 0],
        [7, 2],
      ]),
    );
    // Then the average of both batches (factor 1/2).
    assertClose(bn.runningMean!, [4, 2.5], exact);
    assertClose(bn.runningVar!, [2, 5], exact);
    bn(
      f64([
        [0, 0],
        [0, 2],
      ]),
    );
    // Third batch: mean [0, 1], unbiased var [0, 2]; average of three.
    assertClose(bn.runningMean!, [8 / 3, 6 / 3], exact);
    assertClose(bn.runningVar!, [4 / 3, 12 / 3], exact);
    assert.equal(bn.numBatchesTracked!.item(), 3);
  });

  it("uses the running stats in eval mode and leaves them unchanged", () => {
    const bn = new tg.nn.BatchNorm1d(2, { dtype: "float64" });
    bn(
      f64([
        [1, 2],
        [3, 6],
      ]),
    );
    bn.eval();
    tg.noGrad(() => {
      bn.weight!.copy_(f64([2, -1]));
      bn.bias!.copy_(f64([0.5, 3]));
    });
    const y = bn(
      f64([
        [1, 2],
        [0, 0],
      ]),
    );
    assertClose(
      y,
      [
        [2 * 0.8 * inv(1.1) + 0.5, -1.6 * inv(1.7) + 3],
        [2 * -0.2 * inv(1.1) + 0.5, 0.4 * inv(1.7) + 3],
      ],
      exact,
    );
    assertClose(bn.runningMean!, [0.2, 0.4], exact);
    assertClose(bn.runningVar!, [1.1, 1.7], exact);
    assert.equal(bn.numBatchesTracked!.item(), 1);
    // A single sample is fine in eval mode.
    assert.deepEqual(bn(f64([[0.2, 0.4]])).tolist(), [[0.5, 3]]);
  });

  it("uses batch stats in eval mode when it does not track running stats", () => {
    const bn = new tg.nn.BatchNorm1d(2, { trackRunningStats: false, dtype: "float64" });
    assert.equal(bn.runningMean, null);
    assert.equal(bn.numBatchesTracked, null);
    assert.deepEqual(Object.keys(bn.stateDict()), ["weight", "bias"]);
    bn.eval();
    const y = bn(
      f64([
        [1, 2],
        [3, 6],
      ]),
    );
    assertClose(
      y,
      [
        [-inv(1), -2 * inv(4)],
        [inv(1), 2 * inv(4)],
      ],
      exact,
    );
  });

  it("normalizes [N, C, L] over the batch and length", () => {
    const bn = new tg.nn.BatchNorm1d(2, { dtype: "float64" });
    const x = f64([
      [
        [1, 2],
        [0, 4],
      ],
      [
        [3, 6],
        [8, -4],
      ],
    ]);
    // Channel 0: {1, 2, 3, 6}, mean 3, biased var 14/4 = 3.5. Channel 1: {0, 4, 8, −4}, mean 2, var 80/4 = 20.
    const a = inv(3.5);
    const b = inv(20);
    assertClose(
      bn(x),
      [
        [
          [-2 * a, -a],
          [-2 * b, 2 * b],
        ],
        [
          [0, 3 * a],
          [6 * b, -6 * b],
        ],
      ],
      exact,
    );
    // Unbiased: 14/3 and 80/3.
    assertClose(bn.runningMean!, [0.3, 0.2], exact);
    assertClose(bn.runningVar!, [0.9 + 14 / 30, 0.9 + 8 / 3], exact);
  });

  it("has ones/zeros parameters, the PyTorch buffers, and no parameters without affine", () => {
    const bn = new tg.nn.BatchNorm1d(3);
    assert.deepEqual(bn.weight!.tolist(), [1, 1, 1]);
    assert.deepEqual(bn.bias!.tolist(), [0, 0, 0]);
    assert.deepEqual(
      bn.namedBuffers().map(([n]) => n),
      ["runningMean", "runningVar", "numBatchesTracked"],
    );
    assert.deepEqual(Object.keys(bn.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    assert.equal(bn.toString().split("\n")[0], "BatchNorm1d(3, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)");
    const plain = new tg.nn.BatchNorm1d(3, { affine: false });
    assert.equal(plain.parameters().length, 0);
    bn.double();
    assert.equal(bn.runningVar!.dtype, "float64");
    assert.equal(bn.numBatchesTracked!.dtype, "int32");
  });

  it("resetRunningStats restores zeros, ones and a zero count", () => {
    const bn = new tg.nn.BatchNorm1d(2);
    bn(
      tg.tensor([
        [1, 2],
        [3, 6],
      ]),
    );
    bn.resetRunningStats();
    assert.deepEqual(bn.runningMean!.tolist(), [0, 0]);
    assert.deepEqual(bn.runningVar!.tolist(), [1, 1]);
    assert.equal(bn.numBatchesTracked!.item(), 0);
  });

  it("float32 module gives the same numbers as float64", () => {
    const bn = new tg.nn.BatchNorm1d(2);
    const y = bn(
      tg.tensor([
        [1, 2],
        [3, 6],
      ]),
    );
    assert.equal(y.dtype, "float32");
    assertClose(
      y,
      [
        [-inv(1), -2 * inv(4)],
        [inv(1), 2 * inv(4)],
      ],
      { atol: 1e-6, rtol: 1e-6 },
    );
  });

  it("rejects a wrong rank or channel count, naming the layer and both shapes", () => {
    const bn = new tg.nn.BatchNorm1d(3);
    assert.throws(() => bn(tg.zeros([2, 3, 4, 5])), {
      name: "ShapeError",
      message: "BatchNorm1d(3) got input of shape [2, 3, 4, 5]; expected [N, 3] or [N, 3, L]",
    });
    assert.throws(() => bn(tg.zeros([2, 4])), { name: "ShapeError", message: /BatchNorm1d\(3\) got input of shape \[2, 4\]/ });
    assert.throws(() => bn(tg.zeros([3])), tg.ShapeError);
  });

  it("needs more than one value per channel in train mode", () => {
    const bn = new tg.nn.BatchNorm1d(3);
    assert.throws(() => bn(tg.zeros([1, 3])), { name: "ValueError", message: /more than 1 value per channel/ });
    bn.eval();
    assert.deepEqual(bn(tg.zeros([1, 3])).shape, [1, 3]);
  });

  it("passes gradcheck in train mode, through input, weight and bias", () => {
    const bn = new tg.nn.BatchNorm1d(3).double();
    assert.equal(
      tg.autograd.gradcheck((x) => bn(x), [leaf([4, 3], 1)]),
      true,
    );
    assert.equal(
      tg.autograd.gradcheck((x) => bn(x), [leaf([2, 3, 3], 2)]),
      true,
    );
    const fn = (x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true });
    assert.equal(tg.autograd.gradcheck(fn, [leaf([4, 3], 3), leaf([3], 4), leaf([3], 5)]), true);
    assert.equal(tg.autograd.gradgradcheck(fn, [leaf([3, 2], 6), leaf([2], 7), leaf([2], 8)]), true);
  });

  it("passes gradcheck in eval mode", () => {
    const bn = new tg.nn.BatchNorm1d(3).double();
    bn(leaf([5, 3], 9));
    bn.eval();
    assert.equal(
      tg.autograd.gradcheck((x) => bn(x), [leaf([2, 3], 10)]),
      true,
    );
  });

  it("backward reaches the weight and bias", () => {
    const bn = new tg.nn.BatchNorm1d(2, { dtype: "float64" });
    const y = bn(
      f64([
        [1, 2],
        [3, 6],
      ]),
    );
    // d/dγ of Σ y·[[1, 1], [0, 0]] is the first row of x̂; d/dβ the count of ones per column.
    y.mul(
      f64([
        [1, 1],
        [0, 0],
      ]),
    )
      .sum()
      .backward();
    assertClose(bn.weight!.grad!, [-inv(1), -2 * inv(4)], exact);
    assertClose(bn.bias!.grad!, [1, 1], exact);
  });
});

describe("BatchNorm2d", () => {
  it("normalizes each channel over N, H and W and applies the affine parameters", () => {
    const bn = new tg.nn.BatchNorm2d(2, { dtype: "float64" });
    tg.noGrad(() => {
      bn.weight!.copy_(f64([2, -1]));
      bn.bias!.copy_(f64([0.5, 3]));
    });
    const x = f64([
      [
        [
          [0, 2],
          [4, 6],
        ],
        [
          [1, 1],
          [1, 5],
        ],
      ],
    ]);
    // Channel 0: mean 3, biased var (9 + 1 + 1 + 9)/4 = 5. Channel 1: mean 2, var (1 + 1 + 1 + 9)/4 = 3.
    const a = inv(5);
    const b = inv(3);
    assertClose(
      bn(x),
      [
        [
          [
            [2 * -3 * a + 0.5, 2 * -1 * a + 0.5],
            [2 * a + 0.5, 2 * 3 * a + 0.5],
          ],
          [
            [b + 3, b + 3],
            [b + 3, -3 * b + 3],
          ],
        ],
      ],
      exact,
    );
    // Unbiased: 20/3 and 12/3.
    assertClose(bn.runningMean!, [0.3, 0.2], exact);
    assertClose(bn.runningVar!, [0.9 + 2 / 3, 0.9 + 0.4], exact);
  });

  it("rejects non-4-D input and a wrong channel count", () => {
    const bn = new tg.nn.BatchNorm2d(4);
    assert.throws(() => bn(tg.zeros([2, 4, 5])), {
      name: "ShapeError",
      message: "BatchNorm2d(4) got input of shape [2, 4, 5]; expected [N, 4, H, W]",
    });
    assert.throws(() => bn(tg.zeros([2, 3, 5, 5])), {
      name: "ShapeError",
      message: "BatchNorm2d(4) got input of shape [2, 3, 5, 5]; expected [N, 4, H, W]",
    });
  });

  it("passes gradcheck in train mode", () => {
    const bn = new tg.nn.BatchNorm2d(2).double();
    assert.equal(
      tg.autograd.gradcheck((x) => bn(x), [leaf([2, 2, 2, 2], 11)]),
      true,
    );
  });
});

describe("functional batchNorm", () => {
  it("eval mode requires running stats and uses them", () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    assert.throws(() => F.batchNorm(x, null, null), { name: "ValueError" });
    const y = F.batchNorm(x, f64([1, 2]), f64([4, 9]), { eps: 0 });
    assertClose(
      y,
      [
        [0, 0],
        [1, 2 / 3],
      ],
      exact,
    );
  });

  it("updates only the running stats it is given, with a custom momentum", () => {
    const rm = f64([1, 1]);
    F.batchNorm(
      f64([
        [1, 2],
        [3, 6],
      ]),
      rm,
      null,
      { training: true, momentum: 0.5 },
    );
    assertClose(rm, [1.5, 2.5], exact);
  });

  it("updates float32 running stats from a float64 input and returns float64", () => {
    const rm = tg.zeros([2]);
    const rv = tg.ones([2]);
    const y = F.batchNorm(
      f64([
        [1, 2],
        [3, 6],
      ]),
      rm,
      rv,
      { training: true },
    );
    assert.equal(y.dtype, "float64");
    assert.equal(rv.dtype, "float32");
    assertClose(rv, [1.1, 1.7], { atol: 1e-6, rtol: 1e-6 });
  });

  it("checks the shapes of weight and running stats", () => {
    const x = tg.zeros([2, 3]);
    assert.throws(() => F.batchNorm(x, tg.zeros([2]), tg.ones([3])), {
      name: "ShapeError",
      message: /runningMean of shape \[3\], got \[2\]/,
    });
    assert.throws(() => F.batchNorm(x, null, null, { training: true, weight: tg.ones([4]) }), tg.ShapeError);
  });
});

describe("LayerNorm", () => {
  it("normalizes over the last dim; a constant row becomes 0", () => {
    const ln = new tg.nn.LayerNorm(4, { dtype: "float64" });
    // Row 0: mean 2.5, biased var (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25.
    const a = inv(1.25);
    assertClose(
      ln(
        f64([
          [1, 2, 3, 4],
          [2, 2, 2, 2],
        ]),
      ),
      [
        [-1.5 * a, -0.5 * a, 0.5 * a, 1.5 * a],
        [0, 0, 0, 0],
      ],
      exact,
    );
  });

  it("normalizes over several trailing dims with elementwise affine", () => {
    const ln = new tg.nn.LayerNorm([2, 2], { dtype: "float64" });
    tg.noGrad(() => {
      ln.weight!.copy_(
        f64([
          [1, 2],
          [3, 4],
        ]),
      );
      ln.bias!.copy_(
        f64([
          [0, 0],
          [1, 1],
        ]),
      );
    });
    // {0, 2, 4, 6}: mean 3, var 5.
    const a = inv(5);
    assertClose(
      ln(
        f64([
          [
            [0, 2],
            [4, 6],
          ],
        ]),
      ),
      [
        [
          [-3 * a, -2 * a],
          [3 * a + 1, 12 * a + 1],
        ],
      ],
      exact,
    );
  });

  it("honours eps, elementwiseAffine and bias options", () => {
    const ln = new tg.nn.LayerNorm(2, { eps: 1, dtype: "float64" });
    // {0, 2}: mean 1, var 1; with eps 1 the scale is 1/√2.
    assertClose(ln(f64([[0, 2]])), [[-Math.SQRT1_2, Math.SQRT1_2]], exact);
    assert.equal(new tg.nn.LayerNorm(5, { elementwiseAffine: false }).parameters().length, 0);
    const noBias = new tg.nn.LayerNorm(5, { bias: false });
    assert.deepEqual(
      noBias.namedParameters().map(([n]) => n),
      ["weight"],
    );
    assert.equal(noBias.toString().split("\n")[0], "LayerNorm([5], eps=0.00001, elementwiseAffine=true)");
  });

  it("rejects an input whose trailing dims differ", () => {
    const ln = new tg.nn.LayerNorm([3, 4]);
    assert.throws(() => ln(tg.zeros([2, 4, 3])), {
      name: "ShapeError",
      message: "LayerNorm([3, 4]) got input of shape [2, 4, 3]; expected [*, 3, 4]",
    });
    assert.throws(() => F.layerNorm(tg.zeros([2, 5]), [4]), { name: "ShapeError", message: /normalizedShape \[4\]/ });
  });

  it("passes gradcheck and gradgradcheck, including weight and bias", () => {
    const ln = new tg.nn.LayerNorm(4).double();
    assert.equal(
      tg.autograd.gradcheck((x) => ln(x), [leaf([2, 3, 4], 12)]),
      true,
    );
    const fn = (x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) => F.layerNorm(x, [2, 3], { weight: w, bias: b });
    const inputs = [leaf([2, 2, 3], 13), leaf([2, 3], 14), leaf([2, 3], 15)];
    assert.equal(tg.autograd.gradcheck(fn, inputs), true);
    assert.equal(tg.autograd.gradgradcheck(fn, inputs), true);
  });
});

describe("GroupNorm", () => {
  it("normalizes each group of channels per sample", () => {
    const gn = new tg.nn.GroupNorm(2, 4, { dtype: "float64" });
    tg.noGrad(() => {
      gn.weight!.copy_(f64([1, 2, 1, 1]));
      gn.bias!.copy_(f64([0, 0, 0, 5]));
    });
    const x = f64([
      [
        [1, 2],
        [3, 4],
        [0, 0],
        [4, 4],
      ],
    ]);
    // Group 0 = {1, 2, 3, 4}: mean 2.5, var 1.25. Group 1 = {0, 0, 4, 4}: mean 2, var 4.
    const a = inv(1.25);
    const b = inv(4);
    assertClose(
      gn(x),
      [
        [
          [-1.5 * a, -0.5 * a],
          [2 * 0.5 * a, 2 * 1.5 * a],
          [-2 * b, -2 * b],
          [2 * b + 5, 2 * b + 5],
        ],
      ],
      exact,
    );
  });

  it("with one group equals LayerNorm over [C, *] without affine", () => {
    const x = leaf([2, 3, 4], 16).detach();
    assertClose(F.groupNorm(x, 1), F.layerNorm(x, [3, 4]), exact);
  });

  it("with C groups equals InstanceNorm", () => {
    const x = leaf([2, 3, 4], 17).detach();
    assertClose(F.groupNorm(x, 3), F.instanceNorm(x), exact);
  });

  it("requires numChannels divisible by numGroups and a matching input", () => {
    assert.throws(() => new tg.nn.GroupNorm(3, 4), { name: "ValueError", message: /divisible/ });
    assert.throws(() => F.groupNorm(tg.zeros([2, 4, 3]), 3), { name: "ShapeError", message: /divisible by numGroups/ });
    const gn = new tg.nn.GroupNorm(2, 4);
    assert.throws(() => gn(tg.zeros([2, 6, 3])), {
      name: "ShapeError",
      message: "GroupNorm(2, 4) got input of shape [2, 6, 3]; expected [N, 4, *]",
    });
    assert.equal(gn.toString().split("\n")[0], "GroupNorm(2, 4, eps=0.00001, affine=true)");
  });

  it("passes gradcheck, including weight and bias", () => {
    const gn = new tg.nn.GroupNorm(2, 4).double();
    assert.equal(
      tg.autograd.gradcheck((x) => gn(x), [leaf([2, 4, 3], 18)]),
      true,
    );
    const fn = (x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) => F.groupNorm(x, 2, { weight: w, bias: b });
    assert.equal(tg.autograd.gradcheck(fn, [leaf([2, 4, 2, 2], 19), leaf([4], 20), leaf([4], 21)]), true);
  });
});

describe("InstanceNorm", () => {
  it("InstanceNorm1d normalizes each sample's channel over its length", () => {
    const norm = new tg.nn.InstanceNorm1d(2, { dtype: "float64" });
    assert.equal(norm.parameters().length, 0);
    assert.equal(norm.runningMean, null);
    // {1, 2, 3}: mean 2, var 2/3. {4, 4, 8}: mean 16/3, var ((4/3)² + (4/3)² + (8/3)²)/3 = 32/9.
    const a = inv(2 / 3);
    const b = inv(32 / 9);
    const x = f64([
      [
        [1, 2, 3],
        [4, 4, 8],
      ],
    ]);
    const expected = [
      [-a, 0, a],
      [(-4 / 3) * b, (-4 / 3) * b, (8 / 3) * b],
    ];
    assertClose(norm(x), [expected], exact);
    // Unbatched [C, L] input gives the same numbers without the batch dim.
    assertClose(norm(x.get(0)), expected, exact);
  });

  it("InstanceNorm2d normalizes over H and W with affine parameters", () => {
    const norm = new tg.nn.InstanceNorm2d(1, { affine: true, dtype: "float64" });
    tg.noGrad(() => {
      norm.weight!.fill_(3);
      norm.bias!.fill_(-1);
    });
    const x = f64([
      [
        [
          [0, 2],
          [4, 6],
        ],
      ],
      [
        [
          [1, 1],
          [1, 5],
        ],
      ],
    ]);
    const a = inv(5);
    const b = inv(3);
    assertClose(
      norm(x),
      [
        [
          [
            [-9 * a - 1, -3 * a - 1],
            [3 * a - 1, 9 * a - 1],
          ],
        ],
        [
          [
            [-3 * b - 1, -3 * b - 1],
            [-3 * b - 1, 9 * b - 1],
          ],
        ],
      ],
      exact,
    );
  });

  it("tracks running stats as the batch average of per-instance stats and uses them in eval", () => {
    const norm = new tg.nn.InstanceNorm2d(1, { trackRunningStats: true, dtype: "float64" });
    const x = f64([
      [
        [
          [0, 2],
          [4, 6],
        ],
      ],
      [
        [
          [1, 1],
          [1, 5],
        ],
      ],
    ]);
    norm(x);
    // Instance means 3 and 2 → 2.5; unbiased vars 20/3 and 12/3 → 16/3.
    assertClose(norm.runningMean!, [0.25], exact);
    assertClose(norm.runningVar!, [0.9 + 1.6 / 3], exact);
    norm.eval();
    const rv = 0.9 + 1.6 / 3;
    assertClose(norm(f64([[[[1.25]]]])), [[[[1 * inv(rv)]]]], exact);
    assertClose(norm.runningMean!, [0.25], exact);
  });

  it("functional instanceNorm with useInputStats false normalizes with the running stats", () => {
    const x = f64([[[1, 3]], [[5, 7]]]);
    assertClose(
      F.instanceNorm(x, { runningMean: f64([1]), runningVar: f64([4]), useInputStats: false, eps: 0 }),
      [[[0, 1]], [[2, 3]]],
      exact,
    );
    assert.throws(() => F.instanceNorm(x, { useInputStats: false }), { name: "ValueError" });
  });

  it("rejects bad ranks and, with affine, a wrong channel count", () => {
    assert.throws(() => new tg.nn.InstanceNorm1d(3)(tg.zeros([2, 3, 4, 4])), {
      name: "ShapeError",
      message: "InstanceNorm1d(3) got input of shape [2, 3, 4, 4]; expected [N, 3, L] or [3, L]",
    });
    assert.throws(() => new tg.nn.InstanceNorm2d(3, { affine: true })(tg.zeros([2, 4, 4, 4])), {
      name: "ShapeError",
      message: /InstanceNorm2d\(3\) got input of shape \[2, 4, 4, 4\]/,
    });
    assert.throws(() => new tg.nn.InstanceNorm1d(3)(tg.zeros([2, 3, 1])), { name: "ValueError", message: /more than 1 spatial element/ });
  });

  it("passes gradcheck, including weight and bias", () => {
    const norm = new tg.nn.InstanceNorm1d(2, { affine: true }).double();
    assert.equal(
      tg.autograd.gradcheck((x) => norm(x), [leaf([2, 2, 3], 22)]),
      true,
    );
    const fn = (x: tg.Tensor, w: tg.Tensor, b: tg.Tensor) => F.instanceNorm(x, { weight: w, bias: b });
    assert.equal(tg.autograd.gradcheck(fn, [leaf([2, 2, 2, 2], 23), leaf([2], 24), leaf([2], 25)]), true);
  });
});
