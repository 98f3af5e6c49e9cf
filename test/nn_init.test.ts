import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

const nn = tg.nn;
const init = tg.nn.init;

const values = (t: tg.Tensor) => Array.from(t.toArray(), Number);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};
const maxAbs = (xs: number[]) => xs.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
/** A fresh parameter of the given shape (requires grad, as init functions usually see). */
const param = (shape: number[], dtype: "float32" | "float64" = "float32") => new nn.Parameter(tg.zeros(shape, { dtype }));
const within = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} is not within ${rel * 100}% of ${expected}`);

describe("init.calculateGain", () => {
  it("matches torch.nn.init.calculate_gain", () => {
    assert.equal(init.calculateGain("linear"), 1);
    assert.equal(init.calculateGain("conv1d"), 1);
    assert.equal(init.calculateGain("conv2d"), 1);
    assert.equal(init.calculateGain("sigmoid"), 1);
    assert.equal(init.calculateGain("tanh"), 5 / 3);
    assert.equal(init.calculateGain("relu"), Math.SQRT2);
    assert.equal(init.calculateGain("selu"), 3 / 4);
    assertClose(tg.tensor(init.calculateGain("leaky_relu", 0.2)), Math.sqrt(2 / 1.04), { atol: 1e-15 });
    assertClose(tg.tensor(init.calculateGain("leaky_relu")), Math.sqrt(2 / (1 + 0.01 ** 2)), { atol: 1e-15 });
    // A slope of 0 is a ReLU (0 is not replaced by the default slope).
    assert.equal(init.calculateGain("leaky_relu", 0), Math.SQRT2);
  });
});

describe("init.calculateFans", () => {
  it("linear and conv weights", () => {
    assert.deepEqual(init.calculateFans(tg.zeros([3, 5])), { fanIn: 5, fanOut: 3 });
    assert.deepEqual(init.calculateFans(tg.zeros([8, 4, 3, 3])), { fanIn: 36, fanOut: 72 });
    assert.deepEqual(init.calculateFans(tg.zeros([6, 2, 5])), { fanIn: 10, fanOut: 30 });
    assert.throws(() => init.calculateFans(tg.zeros([5])), tg.ValueError);
  });
});

describe("init: simple fills", () => {
  it("constant_, zeros_, ones_ fill in place and return the tensor", () => {
    const p = param([2, 3]);
    assert.equal(init.constant_(p, 0.5), p);
    assert.deepEqual(p.tolist(), [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    assert.equal(init.ones_(p), p);
    assert.ok(values(p).every((v) => v === 1));
    assert.equal(init.zeros_(p), p);
    assert.ok(values(p).every((v) => v === 0));
    // Still a leaf parameter that requires grad, with no graph attached.
    assert.equal(p.requiresGrad, true);
    assert.equal(p.isLeaf, true);
    assert.equal(p.gradFn, null);
  });

  it("eye_ gives the identity, also for non-square matrices", () => {
    const p = param([2, 3]);
    init.eye_(p);
    assert.deepEqual(p.tolist(), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const q = param([3, 2], "float64");
    init.eye_(q);
    assert.deepEqual(q.tolist(), [
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    assert.throws(() => init.eye_(tg.zeros([2, 2, 2])), tg.ValueError);
  });

  it("uniform_ stays within [a, b) with mean (a+b)/2 and std (b−a)/√12", () => {
    tg.manualSeed(0);
    const p = param([200, 500]);
    assert.equal(init.uniform_(p, -1, 3), p);
    const v = values(p);
    assert.ok(v.every((x) => x >= -1 && x < 3));
    within(mean(v), 1, 0.01, "mean");
    within(std(v), 4 / Math.sqrt(12), 0.01, "std");
    // Default range [0, 1).
    init.uniform_(p);
    assert.ok(values(p).every((x) => x >= 0 && x < 1));
  });

  it("normal_ has the requested mean and std", () => {
    tg.manualSeed(1);
    const p = param([200, 500], "float64");
    assert.equal(init.normal_(p, 2, 0.5), p);
    const v = values(p);
    assert.ok(Math.abs(mean(v) - 2) < 0.005, `mean ${mean(v)}`);
    within(std(v), 0.5, 0.01, "std");
  });

  it("the result does not track gradients, and the tensor can still train", () => {
    const p = param([3]);
    init.uniform_(p);
    const before = values(p);
    p.mul(2).sum().backward();
    assert.deepEqual(p.grad?.tolist(), [2, 2, 2]);
    assert.deepEqual(values(p), before);
  });
});

describe("init: Xavier/Glorot", () => {
  it("xavierUniform_ draws from U(−a, a), a = gain·√(6/(fanIn + fanOut))", () => {
    tg.manualSeed(2);
    const p = param([300, 200]);
    const gain = init.calculateGain("tanh");
    const a = gain * Math.sqrt(6 / 500);
    assert.equal(init.xavierUniform_(p, gain), p);
    const v = values(p);
    assert.ok(maxAbs(v) <= a, "within the bound");
    assert.ok(maxAbs(v) > 0.99 * a, "the bound is reached");
    within(std(v), a / Math.sqrt(3), 0.02, "std");
    // Default gain 1, conv shapes use receptive fields: [16, 8, 3, 3] → fanIn 72, fanOut 144.
    const c = param([16, 8, 3, 3]);
    init.xavierUniform_(c);
    assert.ok(maxAbs(values(c)) <= Math.sqrt(6 / 216));
  });

  it("xavierNormal_ has std gain·√(2/(fanIn + fanOut))", () => {
    tg.manualSeed(3);
    const p = param([400, 600]);
    init.xavierNormal_(p, 2);
    const v = values(p);
    within(std(v), 2 * Math.sqrt(2 / 1000), 0.02, "std");
    assert.ok(Math.abs(mean(v)) < 0.002);
  });
});

describe("init: Kaiming/He", () => {
  it("kaimingUniform_ bound is gain·√(3/fan) with mode fanIn or fanOut", () => {
    tg.manualSeed(4);
    const p = param([400, 100]);
    // Defaults: a = 0, fanIn, leaky_relu → gain √2, bound √(6/fanIn).
    init.kaimingUniform_(p);
    let v = values(p);
    let bound = Math.sqrt(6 / 100);
    assert.ok(maxAbs(v) <= bound && maxAbs(v) > 0.99 * bound, `max ${maxAbs(v)} vs bound ${bound}`);
    within(std(v), bound / Math.sqrt(3), 0.02, "std (fanIn)");

    init.kaimingUniform_(p, { mode: "fanOut" });
    v = values(p);
    bound = Math.sqrt(6 / 400);
    assert.ok(maxAbs(v) <= bound && maxAbs(v) > 0.99 * bound, `max ${maxAbs(v)} vs bound ${bound}`);

    // a = √5 (what Linear uses): gain √(2/6), bound 1/√fanIn.
    init.kaimingUniform_(p, { a: Math.sqrt(5) });
    v = values(p);
    bound = 1 / Math.sqrt(100);
    assert.ok(maxAbs(v) <= bound && maxAbs(v) > 0.99 * bound);

    init.kaimingUniform_(p, { nonlinearity: "tanh", mode: "fanOut" });
    bound = (5 / 3) * Math.sqrt(3 / 400);
    assert.ok(maxAbs(values(p)) <= bound && maxAbs(values(p)) > 0.99 * bound);
  });

  it("kaimingNormal_ has std gain/√fan", () => {
    tg.manualSeed(5);
    const p = param([500, 400]);
    init.kaimingNormal_(p, { nonlinearity: "relu" });
    within(std(values(p)), Math.SQRT2 / Math.sqrt(400), 0.02, "std (fanIn)");
    init.kaimingNormal_(p, { nonlinearity: "relu", mode: "fanOut" });
    within(std(values(p)), Math.SQRT2 / Math.sqrt(500), 0.02, "std (fanOut)");
    init.kaimingNormal_(p, { a: 0.2, nonlinearity: "leaky_relu" });
    within(std(values(p)), Math.sqrt(2 / 1.04) / Math.sqrt(400), 0.02, "std (leaky_relu 0.2)");
    // Conv weight: fanIn = 8·3·3.
    const c = param([64, 8, 3, 3]);
    init.kaimingNormal_(c);
    within(std(values(c)), Math.SQRT2 / Math.sqrt(72), 0.03, "std (conv)");
  });
});

describe("init.orthogonal_", () => {
  const gram = (m: tg.Tensor) => m.matmul(m.mT);

  it("rows > cols: the columns are orthonormal (QᵀQ = I)", () => {
    tg.manualSeed(6);
    const p = param([6, 3], "float64");
    assert.equal(init.orthogonal_(p), p);
    assertClose(p.mT.matmul(p), tg.eye(3), { atol: 1e-12 });
  });

  it("rows < cols: the rows are orthonormal (QQᵀ = I)", () => {
    tg.manualSeed(7);
    const p = param([3, 7], "float64");
    init.orthogonal_(p);
    assertClose(gram(p), tg.eye(3), { atol: 1e-12 });
  });

  it("square: orthogonal both ways, scaled by gain", () => {
    tg.manualSeed(8);
    const p = param([5, 5], "float64");
    init.orthogonal_(p, 2);
    assertClose(gram(p), tg.eye(5).mul(4), { atol: 1e-12 });
    assertClose(p.mT.matmul(p), tg.eye(5).mul(4), { atol: 1e-12 });
  });

  it("float32 and conv-shaped tensors (flattened to [rows, rest])", () => {
    tg.manualSeed(9);
    const p = param([4, 2, 3, 3]);
    init.orthogonal_(p, init.calculateGain("relu"));
    assertClose(gram(p.reshape([4, 18])), tg.eye(4).mul(2), { atol: 1e-5 });
    assert.throws(() => init.orthogonal_(tg.zeros([3])), tg.ValueError);
  });

  it("is a random matrix, not a fixed one", () => {
    tg.manualSeed(10);
    const a = init.orthogonal_(param([3, 3], "float64")).tolist();
    const b = init.orthogonal_(param([3, 3], "float64")).tolist();
    assert.notDeepEqual(a, b);
  });
});

describe("init: parameters and reproducibility", () => {
  const all = (p: tg.Tensor) => {
    init.uniform_(p, -2, 2);
    init.normal_(p);
    init.xavierUniform_(p);
    init.xavierNormal_(p);
    init.kaimingUniform_(p);
    init.kaimingNormal_(p);
    init.orthogonal_(p);
    return p;
  };

  it("every initializer works on a parameter that requires grad and leaves it a leaf", () => {
    const p = param([4, 3]);
    all(p);
    assert.equal(p.requiresGrad, true);
    assert.equal(p.isLeaf, true);
    assert.equal(p.gradFn, null);
    assert.equal(tg.isGradEnabled(), true, "grad mode is restored");
  });

  it("the same seed gives the same values, another seed other values", () => {
    const draw = (seed: number) => {
      tg.manualSeed(seed);
      const p = param([5, 4]);
      return [init.uniform_(p).tolist(), init.normal_(p).tolist(), init.kaimingUniform_(p).tolist(), init.orthogonal_(p).tolist()];
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  it("an explicit generator gives reproducible draws independent of the global seed", () => {
    const p = param([3, 3]);
    const q = param([3, 3]);
    tg.manualSeed(1);
    init.kaimingNormal_(p, { generator: new tg.Generator(7) });
    tg.manualSeed(2);
    init.kaimingNormal_(q, { generator: new tg.Generator(7) });
    assert.deepEqual(p.tolist(), q.tolist());
    init.xavierUniform_(p, 1, new tg.Generator(8));
    init.xavierUniform_(q, 1, new tg.Generator(8));
    assert.deepEqual(p.tolist(), q.tolist());
  });

  it("re-initializing a model's layers with apply", () => {
    tg.manualSeed(11);
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
    net.apply((m) => {
      if (m instanceof nn.Linear) {
        init.xavierUniform_(m.weight);
        if (m.bias) init.zeros_(m.bias);
      }
    });
    const first = net.at(0) as tg.nn.Linear;
    assert.ok(maxAbs(values(first.weight)) <= Math.sqrt(6 / 12));
    assert.ok(values(first.bias as tg.Tensor).every((v) => v === 0));
    net(tg.randn([3, 4]))
      .sum()
      .backward();
    assert.ok(first.weight.grad);
  });
});
