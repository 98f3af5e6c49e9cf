import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const nn = tg.nn;
const F = tg.nn.functional;

// Known values at these points, computed with Python's math module.
const xs = [-2, -0.5, 0, 0.5, 2];
const x64 = () => tg.tensor(xs, { dtype: "float64" });
const tight = { atol: 1e-12, rtol: 1e-12 };

interface Case {
  name: string;
  module: tg.nn.Module;
  fn: (x: tg.Tensor) => tg.Tensor;
  expected: number[];
  /** Smooth enough for gradgradcheck. */
  gradgrad?: boolean;
}

const cases: Case[] = [
  {
    name: "Sigmoid",
    module: new nn.Sigmoid(),
    fn: F.sigmoid,
    expected: [0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.8807970779778823],
    gradgrad: true,
  },
  {
    name: "Tanh",
    module: new nn.Tanh(),
    fn: F.tanh,
    expected: [-0.9640275800758169, -0.46211715726000974, 0, 0.46211715726000974, 0.9640275800758169],
    gradgrad: true,
  },
  { name: "ReLU", module: new nn.ReLU(), fn: F.relu, expected: [0, 0, 0, 0.5, 2] },
  { name: "LeakyReLU(0.1)", module: new nn.LeakyReLU(0.1), fn: (x) => F.leakyRelu(x, 0.1), expected: [-0.2, -0.05, 0, 0.5, 2] },
  { name: "LeakyReLU() default slope 0.01", module: new nn.LeakyReLU(), fn: (x) => F.leakyRelu(x), expected: [-0.02, -0.005, 0, 0.5, 2] },
  {
    name: "ELU",
    module: new nn.ELU(),
    fn: (x) => F.elu(x),
    expected: [-0.8646647167633873, -0.3934693402873666, 0, 0.5, 2],
  },
  {
    name: "ELU(0.5)",
    module: new nn.ELU(0.5),
    fn: (x) => F.elu(x, 0.5),
    expected: [-0.43233235838169365, -0.1967346701436833, 0, 0.5, 2],
  },
  {
    name: "GELU",
    module: new nn.GELU(),
    fn: (x) => F.gelu(x),
    expected: [-0.04550026389635842, -0.15426876936299344, 0, 0.34573123063700656, 1.9544997361036416],
    gradgrad: true,
  },
  {
    name: "GELU(tanh)",
    module: new nn.GELU("tanh"),
    fn: (x) => F.gelu(x, "tanh"),
    expected: [-0.04540230591222494, -0.15428599017485606, 0, 0.34571400982514394, 1.954597694087775],
    gradgrad: true,
  },
  {
    name: "SiLU",
    module: new nn.SiLU(),
    fn: F.silu,
    expected: [-0.2384058440442351, -0.1887703343990727, 0, 0.3112296656009273, 1.7615941559557646],
    gradgrad: true,
  },
  {
    name: "Softplus",
    module: new nn.Softplus(),
    fn: (x) => F.softplus(x),
    expected: [0.1269280110429725, 0.4740769841801067, Math.LN2, 0.9740769841801067, 2.1269280110429727],
    gradgrad: true,
  },
  {
    name: "Softplus(beta=2)",
    module: new nn.Softplus(2),
    fn: (x) => F.softplus(x, 2),
    expected: [0.009074963958904869, 0.15663084375911143, 0.34657359027997264, 0.6566308437591114, 2.0090749639589047],
    gradgrad: true,
  },
  {
    name: "Mish",
    module: new nn.Mish(),
    fn: F.mish,
    expected: [-0.2525014826957089, -0.22074377465173, 0, 0.3752452113048951, 1.9439589595339946],
    gradgrad: true,
  },
  { name: "Hardtanh", module: new nn.Hardtanh(), fn: (x) => F.hardtanh(x), expected: [-1, -0.5, 0, 0.5, 1] },
  {
    name: "Hardtanh(-0.25, 1.5)",
    module: new nn.Hardtanh(-0.25, 1.5),
    fn: (x) => F.hardtanh(x, -0.25, 1.5),
    expected: [-0.25, -0.25, 0, 0.5, 1.5],
  },
  { name: "Threshold(0.1, -1)", module: new nn.Threshold(0.1, -1), fn: (x) => F.threshold(x, 0.1, -1), expected: [-1, -1, -1, 0.5, 2] },
  { name: "PReLU (init 0.25)", module: new nn.PReLU(), fn: (x) => F.prelu(x, tg.tensor([0.25])), expected: [-0.5, -0.125, 0, 0.5, 2] },
];

describe("activations: known values, module and function agree", () => {
  for (const c of cases) {
    it(c.name, () => {
      assertClose(c.fn(x64()), c.expected, tight);
      const viaModule = (c.module as tg.nn.Module).double()(x64());
      assertClose(viaModule, c.expected, tight);
      // float32 in, float32 out.
      const y32 = c.module.float()(tg.tensor(xs));
      assert.equal(y32.dtype, "float32");
      assertClose(y32, c.expected, { atol: 1e-6, rtol: 1e-6 });
      // Shape is kept for any rank.
      assert.deepEqual(c.fn(tg.zeros([2, 3, 4])).shape, [2, 3, 4]);
    });
  }
});

describe("activations: gradients", () => {
  for (const c of cases) {
    it(`${c.name} passes gradcheck${c.gradgrad ? " and gradgradcheck" : ""}`, () => {
      // Random N(0,1) inputs: kinks at exactly 0 (or the threshold) have probability zero.
      checkGrads(c.fn, [[3, 4]], { gradgrad: c.gradgrad ?? false });
    });
  }

  it("ReLU passes zero gradient below 0 and one above", () => {
    const x = tg.tensor([-1, 2], { requiresGrad: true });
    new nn.ReLU()(x).sum().backward();
    assert.deepEqual(x.grad?.tolist(), [0, 1]);
  });

  it("ELU's gradient is finite for very negative inputs and equals alpha·eˣ", () => {
    const x = tg.tensor([-1000, -1, 3], { dtype: "float64", requiresGrad: true });
    F.elu(x, 2).sum().backward();
    assertClose(x.grad as tg.Tensor, [0, 2 * Math.exp(-1), 1], tight);
  });
});

describe("GELU", () => {
  it("gelu(1) exact and tanh-approximate", () => {
    assert.equal(F.gelu(tg.tensor([1], { dtype: "float64" })).item(), 0.8413447460685429);
    assertClose(F.gelu(tg.tensor([1], { dtype: "float64" }), "tanh"), [0.8411919906082768], { atol: 1e-15, rtol: 1e-15 });
    assert.equal(new nn.GELU().describe(), "GELU(approximate=none)");
    assert.equal(new nn.GELU("tanh").describe(), "GELU(approximate=tanh)");
  });
});

describe("Softplus", () => {
  it("returns x above the threshold and stays finite for large inputs", () => {
    const x = tg.tensor([1000, 30, -1000, -30], { dtype: "float64", requiresGrad: true });
    const y = F.softplus(x);
    assert.deepEqual((y.tolist() as number[]).slice(0, 2), [1000, 30]);
    assert.equal(y.get(2).item(), 0);
    assertClose(y.get(3), Math.log1p(Math.exp(-30)), tight);
    y.sum().backward();
    const g = Array.from((x.grad as tg.Tensor).toArray(), Number);
    assert.ok(g.every(Number.isFinite), `grad ${g}`);
    assertClose(x.grad as tg.Tensor, [1, 1, 0, 1 / (1 + Math.exp(30))], tight);
    // float32: no overflow to Infinity where e^x would overflow.
    assert.deepEqual(F.softplus(tg.tensor([100, 1e30])).tolist(), [100, Math.fround(1e30)]);
  });

  it("the threshold applies to beta·x", () => {
    // beta·x = 20 > 15: the identity; beta·x = 10 < 15: the soft value.
    assert.equal(F.softplus(tg.tensor([10], { dtype: "float64" }), 2, 15).item(), 10);
    assertClose(F.softplus(tg.tensor([5], { dtype: "float64" }), 2, 15), [Math.log1p(Math.exp(10)) / 2], tight);
    assertClose(new nn.Softplus(1, 1).double()(tg.tensor([0.5, 2], { dtype: "float64" })), [Math.log1p(Math.exp(0.5)), 2], tight);
    assert.equal(new nn.Softplus().describe(), "Softplus(beta=1, threshold=20)");
  });
});

describe("Mish", () => {
  it("is finite for large inputs", () => {
    const y = F.mish(tg.tensor([1000, -1000]));
    assert.deepEqual(y.tolist(), [1000, -0]);
  });
});

describe("PReLU", () => {
  it("the shared slope is learnable: it gets the sum of the negative inputs as gradient", () => {
    const p = new nn.PReLU();
    assert.deepEqual(p.weight.tolist(), [0.25]);
    assert.equal(p.parameters().length, 1);
    const x = tg.tensor([
      [-2, 3],
      [-1, 0.5],
    ]);
    const y = p(x);
    assertClose(y, [
      [-0.5, 3],
      [-0.25, 0.5],
    ]);
    y.sum().backward();
    assertClose(p.weight.grad as tg.Tensor, [-3]);
  });

  it("one slope per channel (dim 1) with numParameters = C", () => {
    const p = new nn.PReLU(3, 0.1);
    assert.equal(p.countParameters(), 3);
    assert.deepEqual(p.weight.shape, [3]);
    tg.noGrad(() => p.weight.copy_(tg.tensor([0, 0.5, 1])));
    const x = tg.full([2, 3, 2], -2);
    assertClose(p(x).get(0), [
      [0, 0],
      [-1, -1],
      [-2, -2],
    ]);
    p(x).sum().backward();
    // Each channel's slope collects −2 from 2 batch entries × 2 positions.
    assertClose(p.weight.grad as tg.Tensor, [-8, -8, -8]);
    assert.equal(p.describe(), "PReLU(numParameters=3)");
  });

  it("a slope count that does not match the channels throws (instead of broadcasting)", () => {
    const p = new nn.PReLU(3);
    assert.throws(
      () => p(tg.randn([2, 1, 4])),
      (e: Error) => e instanceof tg.ShapeError && /3 parameters for input of shape \[2, 1, 4\] \(channel size 1\)/.test(e.message),
    );
    assert.throws(() => p(tg.randn([3])), tg.ShapeError);
    assert.deepEqual(new nn.PReLU(1)(tg.randn([2, 5])).shape, [2, 5]);
  });

  it("gradcheck with the slopes as inputs", () => {
    checkGrads((x, w) => F.prelu(x, w), [[2, 3, 4], [3]]);
    checkGrads((x, w) => F.prelu(x, w), [[5], [1]]);
    tg.manualSeed(1);
    const p = new nn.PReLU(2).double();
    const x = tg.randn([3, 2], { dtype: "float64", requiresGrad: true });
    assert.ok(tg.autograd.gradcheck((t) => p(t), [x, p.weight]));
  });
});

describe("Softmax and LogSoftmax", () => {
  it("hand-computed values; rows sum to 1", () => {
    const x = tg.tensor([[1, 2, 3]], { dtype: "float64" });
    const sm = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
    const lsm = [-2.40760596444438, -1.4076059644443801, -0.4076059644443803];
    assertClose(new nn.Softmax(-1)(x), [sm], tight);
    assertClose(F.softmax(x), [sm], tight);
    assertClose(new nn.LogSoftmax(1)(x), [lsm], tight);
    assertClose(F.logSoftmax(x, -1), [lsm], tight);
    tg.manualSeed(2);
    const r = tg.randn([4, 7]).mul(5);
    assertClose(F.softmax(r, 1).sum(1), [1, 1, 1, 1], { atol: 1e-6 });
    assertClose(F.softmax(r, 0).sum(0), new Array(7).fill(1), { atol: 1e-6 });
    assertClose(F.logSoftmax(r).exp(), F.softmax(r), { atol: 1e-6 });
  });

  it("is stable for huge logits", () => {
    assertClose(F.softmax(tg.tensor([1000, 1000])), [0.5, 0.5]);
    assertClose(F.logSoftmax(tg.tensor([1000, 1000])), [-Math.LN2, -Math.LN2]);
    assertClose(F.softmax(tg.tensor([1000, 0])), [1, 0]);
    assertClose(F.logSoftmax(tg.tensor([1000, 0])), [0, -1000]);
    assertClose(F.softmax(tg.tensor([-1000, -1000, -1000])), [1 / 3, 1 / 3, 1 / 3]);
    const x = tg.tensor([1000, 1000], { requiresGrad: true });
    F.logSoftmax(x).get(0).backward();
    assertClose(x.grad as tg.Tensor, [0.5, -0.5]);
  });

  it("gradcheck and gradgradcheck along either dim", () => {
    checkGrads((x) => F.softmax(x, 0), [[3, 4]], { gradgrad: true });
    checkGrads((x) => F.softmax(x, -1), [[3, 4]], { gradgrad: true });
    checkGrads((x) => F.logSoftmax(x, 1), [[2, 3, 2]], { gradgrad: true });
    // The last dim takes the fused kernel and its own backward.
    checkGrads((x) => F.logSoftmax(x, -1), [[3, 5]], { gradgrad: true });
    checkGrads((x) => F.logSoftmax(x, 0), [[6]], { gradgrad: true });
  });

  it("along the last dim is one fused node that agrees with the composed form, NaN and infinities included", () => {
    const x = tg.tensor([1, 2, 3], { requiresGrad: true });
    assert.equal(F.logSoftmax(x).gradFn?.name, "LogSoftmaxBackward0");
    const inf = Number.POSITIVE_INFINITY;
    const rows = [
      [0.5, -2, 7, 1e-3, 40],
      [Number.NaN, 1, 2, 3, 4],
      [-inf, -inf, -inf, -inf, -inf],
      [inf, 1, -inf, 0, 2],
      [-inf, 3, -inf, 2, 1],
    ];
    for (const dtype of ["float32", "float64"] as const) {
      for (const backend of ["cpu", "wasm"]) {
        const prev = tg.getBackend().name;
        tg.setBackend(backend);
        try {
          const t = tg.tensor(rows, { dtype });
          const fused = F.logSoftmax(t).toArray();
          const composed = t.sub(t.logsumexp(-1, true)).toArray();
          fused.forEach((v, i) => {
            const w = composed[i];
            if (Number.isNaN(w) || !Number.isFinite(w)) assert.ok(Object.is(v, w), `${dtype} ${backend} [${i}]: ${v} vs ${w}`);
            else assert.ok(Math.abs(v - w) <= 1e-6 * Math.max(1, Math.abs(w)), `${dtype} ${backend} [${i}]: ${v} vs ${w}`);
          });
        } finally {
          tg.setBackend(prev);
        }
      }
    }
  });

  it("a bad dim throws", () => {
    assert.throws(() => F.softmax(tg.zeros([2, 2]), 2), tg.DimError);
  });
});

describe("Threshold: the McCulloch–Pitts unit", () => {
  // A unit computes step(w·x − b); inputs are the four rows of the truth table.
  const table = tg.tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const unit = (w: number[], b: number) => {
    const lin = new nn.Linear(w.length, 1);
    tg.noGrad(() => {
      lin.weight.copy_(tg.tensor([w]));
      lin.bias?.fill_(-b);
    });
    return new nn.Sequential(lin, new nn.Threshold(0, 0), new nn.Flatten(0));
  };

  it("AND with w = (1, 1), b = 1", () => {
    assert.deepEqual(unit([1, 1], 1)(table).tolist(), [0, 0, 0, 1]);
  });

  it("OR with w = (1, 1), b = 0: fires (output > 0) unless both inputs are 0", () => {
    const y = unit([1, 1], 0)(table);
    assert.deepEqual(y.tolist(), [0, 1, 1, 2]);
    assert.deepEqual(y.gt(0).tolist(), [0, 1, 1, 1]); // bool tensors list as 0/1
  });

  it("NOT with w = −1, b = −1", () => {
    assert.deepEqual(unit([-1], -1)(tg.tensor([[0], [1]])).tolist(), [1, 0]);
  });

  it("values at or below the threshold are replaced, including the threshold itself", () => {
    assert.deepEqual(F.threshold(tg.tensor([-1, 0, 1, 2]), 1, 7).tolist(), [7, 7, 7, 2]);
    // As torch: x <= threshold is false for NaN, so a NaN passes through, gradient included.
    const x = tg.tensor([Number.NaN, 0.5, 3], { requiresGrad: true });
    const y = F.threshold(x, 1, 7);
    assert.deepEqual(y.tolist(), [Number.NaN, 7, 3]);
    y.sum().backward();
    assert.deepEqual(x.grad?.tolist(), [1, 0, 1]);
    assert.equal(new nn.Threshold(0.5, 0).describe(), "Threshold(threshold=0.5, value=0)");
  });
});

describe("Maxout", () => {
  it("the max over k consecutive pieces of the last dim", () => {
    const x = tg.tensor([
      [1, 5, 2, -1, -3, -2],
      [0, 0, 7, 4, 9, 1],
    ]);
    assert.deepEqual(new nn.Maxout(3)(x).tolist(), [
      [5, -1],
      [7, 9],
    ]);
    assert.deepEqual(new nn.Maxout(2)(x).tolist(), [
      [5, 2, -2],
      [0, 7, 9],
    ]);
    assert.deepEqual(
      F.maxout(
        tg.tensor([
          [1, 4],
          [3, 2],
          [0, 9],
          [8, 8],
        ]),
        2,
        0,
      ).tolist(),
      [
        [3, 4],
        [8, 9],
      ],
    );
  });

  it("the gradient goes to the winning piece", () => {
    const x = tg.tensor([1, 5, 2, -1, -3, -2], { requiresGrad: true });
    new nn.Maxout(3)(x).sum().backward();
    assert.deepEqual(x.grad?.tolist(), [0, 1, 0, 1, 0, 0]);
  });

  it("after a Linear with k·pieces outputs", () => {
    tg.manualSeed(3);
    const net = new nn.Sequential(new nn.Linear(4, 6), new nn.Maxout(3));
    assert.deepEqual(net(tg.randn([5, 4])).shape, [5, 2]);
  });

  it("rejects sizes not divisible by pieces; gradcheck", () => {
    assert.throws(
      () => F.maxout(tg.zeros([2, 5]), 2),
      (e: Error) => e instanceof tg.ValueError && /not divisible by pieces=2/.test(e.message),
    );
    checkGrads((x) => F.maxout(x, 3), [[2, 6]]);
  });
});

describe("activation modules", () => {
  it("have no parameters (except PReLU) and print their settings", () => {
    for (const c of cases) {
      if (c.module instanceof nn.PReLU) continue;
      assert.equal(c.module.parameters().length, 0, c.name);
    }
    assert.equal(new nn.LeakyReLU(0.2).describe(), "LeakyReLU(negativeSlope=0.2)");
    assert.equal(new nn.ELU().describe(), "ELU(alpha=1)");
    assert.equal(new nn.Hardtanh().describe(), "Hardtanh(minVal=-1, maxVal=1)");
    assert.equal(new nn.Softmax(1).describe(), "Softmax(dim=1)");
    assert.equal(new nn.ReLU().describe(), "ReLU()");
  });

  it("hardtanh's gradient is 0 at the ends themselves, as in PyTorch", () => {
    const x = tg.tensor([-2, -1, -0.5, 0, 0.5, 1, 2], { requiresGrad: true });
    F.hardtanh(x).sum().backward();
    assert.deepEqual([...(x.grad as tg.Tensor).toArray()], [0, 0, 1, 1, 1, 0, 0]);
    const r = tg.tensor([0, 3, 6], { requiresGrad: true });
    F.hardtanh(r, 0, 6).sum().backward();
    assert.deepEqual([...(r.grad as tg.Tensor).toArray()], [0, 1, 0]);
  });

  it("hardtanh with minVal > maxVal throws", () => {
    assert.throws(() => F.hardtanh(tg.zeros([1]), 1, 0), tg.ValueError);
  });

  it("an MLP of activations trains its gradients through all of them", () => {
    tg.manualSeed(4);
    const layers: tg.nn.AnyModule[] = [new nn.Linear(3, 4)];
    for (const act of [new nn.GELU(), new nn.SiLU(), new nn.Mish(), new nn.ELU(), new nn.Softplus(), new nn.Tanh(), new nn.Sigmoid()]) {
      layers.push(act, new nn.Linear(4, 4));
    }
    const net = new nn.Sequential(...layers).double();
    const x = tg.randn([2, 3], { dtype: "float64", requiresGrad: true });
    assert.ok(tg.autograd.gradcheck((t) => net(t), [x, ...net.parameters().slice(0, 4)]));
  });
});
