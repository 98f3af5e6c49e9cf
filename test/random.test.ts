import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertEqual, tg } from "./helpers.ts";

const N = 100_000;

function moments(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (values.length - 1)), min, max };
}

/** Asserts |actual - expected| is within `k` standard errors. */
function assertWithin(actual: number, expected: number, standardError: number, what: string, k = 3): void {
  assert.ok(Math.abs(actual - expected) <= k * standardError, `${what}: ${actual} is not within ${k}·${standardError} of ${expected}`);
}

// Every random function, drawing a small sample from the default generator or from `generator`.
const draws: Record<string, (generator?: tg.Generator) => tg.Tensor> = {
  rand: (generator) => tg.rand([5], { generator }),
  randDouble: (generator) => tg.rand([5], { dtype: "float64", generator }),
  randn: (generator) => tg.randn([5], { generator }),
  randint: (generator) => tg.randint(0, 1000, [5], { generator }),
  randperm: (generator) => tg.randperm(20, { generator }),
  normal: (generator) => tg.normal(1, 2, [5], { generator }),
  bernoulli: (generator) => tg.bernoulli(0.5, [20], { generator }),
  bernoulliTensor: (generator) => tg.bernoulli(tg.full([20], 0.5), undefined, { generator }),
};

describe("seeding", () => {
  for (const [name, draw] of Object.entries(draws)) {
    it(`manualSeed makes ${name} reproducible, and different seeds give different values`, () => {
      tg.manualSeed(123);
      const a = draw().tolist();
      const a2 = draw().tolist();
      tg.manualSeed(123);
      assert.deepEqual(draw().tolist(), a);
      assert.deepEqual(draw().tolist(), a2);
      assert.notDeepEqual(a2, a, "successive draws differ");
      tg.manualSeed(124);
      assert.notDeepEqual(draw().tolist(), a);
    });
  }

  it("manualSeed returns the default generator and sets its initial seed", () => {
    const g = tg.manualSeed(77);
    assert.equal(g, tg.defaultGenerator);
    assert.equal(g.initialSeed(), 77);
  });

  it("seeds that share their low 32 bits (or -1 and 0) give different streams", () => {
    const first = (seed: number) => tg.rand([8], { generator: new tg.Generator(seed) }).tolist();
    assert.notDeepEqual(first(1), first(2 ** 32));
    assert.notDeepEqual(first(0), first(2 ** 32 + 1));
    assert.notDeepEqual(first(0), first(-1));
    assert.notDeepEqual(first(0), first(1));
    assert.deepEqual(first(2 ** 40 + 5), first(2 ** 40 + 5));
  });

  it("rejects a non-finite seed", () => {
    assert.throws(() => tg.manualSeed(Number.NaN), tg.ValueError);
    assert.throws(() => new tg.Generator(Infinity), tg.ValueError);
  });

  it("an unseeded generator starts from PyTorch's default seed", () => {
    const g = new tg.Generator();
    assert.equal(g.initialSeed(), 67280421310721);
    assert.deepEqual(tg.rand([4], { generator: g }).tolist(), tg.rand([4], { generator: new tg.Generator(67280421310721) }).tolist());
  });
});

describe("Generator objects", () => {
  for (const [name, draw] of Object.entries(draws)) {
    it(`a Generator passed to ${name} is independent of the default one`, () => {
      const ref = draw(new tg.Generator(5)).tolist();
      tg.manualSeed(1);
      const defaultFirst = draw().tolist();

      tg.manualSeed(1);
      const g = new tg.Generator(5);
      tg.rand([7]); // drawing from the default generator does not move g
      assert.deepEqual(draw(g).tolist(), ref);
      // ...and drawing from g did not move the default generator.
      tg.manualSeed(1);
      draw(new tg.Generator(9));
      assert.deepEqual(draw().tolist(), defaultFirst);
    });
  }

  it("two generators with the same seed give the same numbers", () => {
    const g1 = new tg.Generator(42);
    const g2 = new tg.Generator(42);
    assert.deepEqual(tg.randn([10], { generator: g1 }).tolist(), tg.randn([10], { generator: g2 }).tolist());
    g1.manualSeed(43);
    assert.notDeepEqual(tg.randn([10], { generator: g1 }).tolist(), tg.randn([10], { generator: g2 }).tolist());
  });

  it("getState / setState round-trip, including a pending normal sample", () => {
    const g = new tg.Generator(11);
    tg.randn([3], { generator: g }); // odd count: the second Box–Muller value is kept for later
    const state = g.getState();
    const a = tg.randn([5], { generator: g }).tolist();
    const b = tg.rand([5], { generator: g }).tolist();
    g.setState(state);
    assert.deepEqual(tg.randn([5], { generator: g }).tolist(), a);
    assert.deepEqual(tg.rand([5], { generator: g }).tolist(), b);
    // A state moves to another generator too.
    const other = new tg.Generator(999).setState(state);
    assert.deepEqual(tg.randn([5], { generator: other }).tolist(), a);
    assert.equal(other.initialSeed(), 11);
  });

  it("getState returns a copy", () => {
    const g = new tg.Generator(3);
    const state = g.getState();
    const before = [...state];
    tg.rand([10], { generator: g });
    assert.deepEqual(state, before);
  });

  it("the default generator's state round-trips", () => {
    tg.manualSeed(8);
    const state = tg.defaultGenerator.getState();
    const a = tg.randint(0, 100, [10]).tolist();
    tg.defaultGenerator.setState(state);
    assert.deepEqual(tg.randint(0, 100, [10]).tolist(), a);
  });

  it("setState rejects a state of the wrong length", () => {
    assert.throws(() => new tg.Generator().setState([1, 2, 3]), tg.ValueError);
  });

  it("nextUint32 gives 32-bit unsigned integers", () => {
    const g = new tg.Generator(0);
    let high = false;
    for (let i = 0; i < 1000; i++) {
      const v = g.nextUint32();
      assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 32);
      if (v >= 2 ** 31) high = true;
    }
    assert.ok(high, "the top bit is set sometimes");
  });
});

describe("distributions", () => {
  it("rand: uniform on [0, 1), mean 1/2 and variance 1/12", () => {
    for (const dtype of ["float32", "float64"] as const) {
      tg.manualSeed(2024);
      const x = tg.rand([N], { dtype });
      assert.equal(x.dtype, dtype);
      const m = moments(x.toArray());
      assert.ok(m.min >= 0 && m.max < 1, `${dtype}: range [${m.min}, ${m.max}]`);
      assertWithin(m.mean, 0.5, Math.sqrt(1 / 12 / N), `${dtype} mean`);
      // SE of a sample std: √((μ4 − σ⁴) / (4σ²N)), with μ4 = 1/80 and σ² = 1/12 for U(0, 1).
      assertWithin(m.std, Math.sqrt(1 / 12), Math.sqrt((1 / 80 - 1 / 144) / ((4 / 12) * N)), `${dtype} std`);
      // Deciles hold about a tenth each.
      const counts = new Array<number>(10).fill(0);
      for (const v of x.toArray()) counts[Math.floor(v * 10)]++;
      for (const c of counts) assertWithin(c, N / 10, Math.sqrt(N * 0.1 * 0.9), `${dtype} decile count`, 4);
    }
  });

  it("rand in float32 never rounds up to 1", () => {
    // 24 random bits fit a float32 mantissa exactly; rounding 53 bits to float32 would give 1 about once in 2^25.
    const g = new tg.Generator(7);
    let max = 0;
    for (let i = 0; i < 10; i++) {
      const a = tg.rand([N], { generator: g }).toArray();
      for (const v of a) if (v > max) max = v;
    }
    assert.ok(max < 1);
    assert.ok(max > 0.9999, "the top of the range is reached");
  });

  it("randn: mean 0 and std 1 within 3 standard errors, and symmetric", () => {
    for (const dtype of ["float32", "float64"] as const) {
      tg.manualSeed(31337);
      const x = tg.randn([N], { dtype });
      assert.equal(x.dtype, dtype);
      const a = x.toArray();
      const m = moments(a);
      assertWithin(m.mean, 0, 1 / Math.sqrt(N), `${dtype} mean`);
      assertWithin(m.std, 1, 1 / Math.sqrt(2 * N), `${dtype} std`);
      // P(|z| < 1) = erf(1/√2) ≈ 0.682689; P(z > 1.96) ≈ 0.025.
      let inside = 0;
      let tail = 0;
      for (const v of a) {
        if (Math.abs(v) < 1) inside++;
        if (v > 1.96) tail++;
      }
      assertWithin(inside / N, 0.682689, Math.sqrt((0.682689 * 0.317311) / N), `${dtype} P(|z|<1)`);
      assertWithin(tail / N, 0.0249979, Math.sqrt((0.025 * 0.975) / N), `${dtype} P(z>1.96)`);
    }
  });

  it("randint: int32 values in [low, high), hitting every value about equally often", () => {
    tg.manualSeed(5);
    const x = tg.randint(-3, 7, [N]);
    assert.equal(x.dtype, "int32");
    const counts = new Map<number, number>();
    for (const v of x.toArray()) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.deepEqual(
      [...counts.keys()].sort((p, q) => p - q),
      [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6],
    );
    for (const c of counts.values()) assertWithin(c, N / 10, Math.sqrt(N * 0.1 * 0.9), "randint count", 4);
  });

  it("randint takes a shape and a dtype; a range of one value is constant", () => {
    const x = tg.randint(0, 3, [2, 4]);
    assert.deepEqual(x.shape, [2, 4]);
    assertEqual(tg.randint(4, 5, [3]), [4, 4, 4], "int32");
    const f = tg.randint(0, 10, [100], { dtype: "float64" });
    assert.equal(f.dtype, "float64");
    for (const v of f.toArray()) assert.ok(Number.isInteger(v) && v >= 0 && v < 10);
  });

  it("randperm: a permutation of 0..n-1 in int32, not always the identity", () => {
    tg.manualSeed(9);
    for (const n of [0, 1, 2, 10, 1000]) {
      const p = tg.randperm(n);
      assert.equal(p.dtype, "int32");
      assert.deepEqual(p.shape, [n]);
      const sorted = [...p.toArray()].sort((a, b) => a - b);
      assert.deepEqual(
        sorted,
        Array.from({ length: n }, (_, i) => i),
      );
    }
    const p = [...tg.randperm(1000).toArray()];
    const fixed = p.filter((v, i) => v === i).length;
    assert.ok(fixed < 10, `${fixed} fixed points`); // about 1 expected
  });

  it("randperm: every position is uniform (first element over many draws)", () => {
    const g = new tg.Generator(17);
    const counts = new Array<number>(5).fill(0);
    const trials = 20_000;
    for (let i = 0; i < trials; i++) counts[tg.randperm(5, { generator: g }).toArray()[0]]++;
    for (const c of counts) assertWithin(c, trials / 5, Math.sqrt(trials * 0.2 * 0.8), "randperm first element", 4);
  });

  it("bernoulli(p, shape): frequency of ones ≈ p", () => {
    tg.manualSeed(12);
    for (const p of [0.1, 0.5, 0.85]) {
      const x = tg.bernoulli(p, [N]);
      assert.equal(x.dtype, "float32");
      const a = x.toArray();
      let ones = 0;
      for (const v of a) {
        assert.ok(v === 0 || v === 1);
        ones += v;
      }
      assertWithin(ones / N, p, Math.sqrt((p * (1 - p)) / N), `bernoulli(${p})`);
    }
    assertEqual(tg.bernoulli(0, [4]), [0, 0, 0, 0]);
    assertEqual(tg.bernoulli(1, [4]), [1, 1, 1, 1]);
  });

  it("bernoulli(tensor) draws each element with its own probability", () => {
    tg.manualSeed(13);
    assertEqual(tg.bernoulli(tg.tensor([0, 1, 0, 1, 1])), [0, 1, 0, 1, 1], "float32");
    const probs = tg.tensor([[0.2], [0.9]]).expand([2, N / 2]);
    const x = tg.bernoulli(probs.contiguous());
    assert.deepEqual(x.shape, [2, N / 2]);
    const rows = x.mean(1).toArray();
    assertWithin(rows[0], 0.2, Math.sqrt((0.2 * 0.8) / (N / 2)), "row 0");
    assertWithin(rows[1], 0.9, Math.sqrt((0.9 * 0.1) / (N / 2)), "row 1");
    assert.equal(tg.bernoulli(tg.full([3], 0.5, { dtype: "float64" })).dtype, "float64");
  });

  it("normal(mean, std, shape): moments", () => {
    tg.manualSeed(21);
    const x = tg.normal(2, 3, [N]);
    assert.equal(x.dtype, "float32");
    const m = moments(x.toArray());
    assertWithin(m.mean, 2, 3 / Math.sqrt(N), "mean");
    assertWithin(m.std, 3, 3 / Math.sqrt(2 * N), "std");
    assertEqual(tg.normal(-1.5, 0, [3]), [-1.5, -1.5, -1.5]);
    assert.equal(tg.normal(0, 1, [2], { dtype: "float64" }).dtype, "float64");
  });

  it("normal with tensor mean and std broadcasts them", () => {
    tg.manualSeed(22);
    const mean = tg.tensor([[0], [100], [-100]]); // [3, 1]
    const std = tg.zeros([4]); // [4]
    const x = tg.normal(mean, std);
    assertEqual(x, [
      [0, 0, 0, 0],
      [100, 100, 100, 100],
      [-100, -100, -100, -100],
    ]);
    // Mean [20000, 2, 1] (row i has mean 10·i) with std [4] (column j has std j + 1) gives [20000, 2, 4].
    const means = tg.zeros([20000, 1, 1]).add(tg.tensor([[0], [10]]));
    const samples = tg.normal(means, tg.tensor([1, 2, 3, 4]));
    assert.deepEqual(samples.shape, [20000, 2, 4]);
    const colMean = samples.mean(0).toArray();
    const colStd = samples.std(0).toArray();
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 4; j++) {
        const s = j + 1;
        assertWithin(colMean[i * 4 + j], 10 * i, s / Math.sqrt(20000), `mean[${i}, ${j}]`);
        assertWithin(colStd[i * 4 + j], s, s / Math.sqrt(2 * 20000), `std[${i}, ${j}]`);
      }
    }
    // A float64 mean gives float64 samples.
    assert.equal(tg.normal(tg.zeros([2], { dtype: "float64" }), 1).dtype, "float64");
  });

  it("normal samples carry no gradient unless asked", () => {
    const mean = tg.zeros([3], { requiresGrad: true });
    const x = tg.normal(mean, 1);
    assert.equal(x.requiresGrad, false);
    assert.equal(tg.normal(0, 1, [2], { requiresGrad: true }).requiresGrad, true);
  });

  it("requiresGrad option makes random float tensors leaves that require grad", () => {
    const r = tg.rand([2], { requiresGrad: true });
    assert.equal(r.requiresGrad, true);
    assert.equal(r.isLeaf, true);
    assert.equal(tg.randn([2], { requiresGrad: true }).requiresGrad, true);
  });
});

describe("argument errors", () => {
  it("randint needs integers with high > low", () => {
    assert.throws(() => tg.randint(5, 5, [2]), tg.ValueError);
    assert.throws(
      () => tg.randint(5, 2, [2]),
      (e: unknown) => e instanceof tg.ValueError && /low=5/.test(e.message) && /high=2/.test(e.message),
    );
    assert.throws(() => tg.randint(0, 2.5, [2]), tg.ValueError);
  });

  it("bernoulli probabilities must be in [0, 1]", () => {
    assert.throws(
      () => tg.bernoulli(1.5, [2]),
      (e: unknown) => e instanceof tg.ValueError && /1\.5/.test(e.message),
    );
    assert.throws(() => tg.bernoulli(-0.1, [2]), tg.ValueError);
    assert.throws(() => tg.bernoulli(Number.NaN, [2]), tg.ValueError);
    assert.throws(
      () => tg.bernoulli(tg.tensor([0.5, 2])),
      (e: unknown) => e instanceof tg.ValueError && /\b2\b/.test(e.message),
    );
  });

  it("rand, randn and normal need a floating dtype", () => {
    assert.throws(
      () => tg.rand([2], { dtype: "int32" }),
      (e: unknown) => e instanceof tg.DTypeError && /int32/.test(e.message),
    );
    assert.throws(
      () => tg.randn([2], { dtype: "bool" }),
      (e: unknown) => e instanceof tg.DTypeError && /bool/.test(e.message),
    );
    assert.throws(() => tg.normal(0, 1, [2], { dtype: "int32" }), tg.DTypeError);
  });

  it("normal needs std >= 0, as a number or in a tensor", () => {
    assert.throws(() => tg.normal(0, -1, [2]), tg.ValueError);
    assert.throws(
      () => tg.normal(tg.zeros([2]), tg.tensor([1, -0.5])),
      (e: unknown) => e instanceof tg.ValueError && /std/.test(e.message),
    );
  });

  it("normal with tensors of shapes that do not broadcast is a ShapeError", () => {
    assert.throws(() => tg.normal(tg.zeros([2]), tg.ones([3])), tg.ShapeError);
  });

  it("shapes and n must be non-negative integers", () => {
    assert.throws(() => tg.rand([-1]), tg.ValueError);
    assert.throws(() => tg.randn([1.5]), tg.ValueError);
    assert.throws(() => tg.randperm(-1), tg.ValueError);
    assert.throws(() => tg.randperm(2.5), tg.ValueError);
  });
});

describe("Generator.fillRandom", () => {
  it("gives exactly the numbers of as many random() calls, and leaves the generator where they would", () => {
    const a = new tg.Generator(2024);
    const b = new tg.Generator(2024);
    a.random();
    b.random();
    const bulk = a.fillRandom(new Float64Array(1001));
    for (let i = 0; i < bulk.length; i++) assert.equal(bulk[i], b.random(), `number ${i}`);
    assert.equal(a.random(), b.random());
    assert.ok(bulk.every((v) => v >= 0 && v < 1));
  });

  it("bernoulli(p, shape) draws from it: a mask is u < p for the same uniform stream", () => {
    const g = new tg.Generator(7);
    const mask = tg.bernoulli(0.3, [4, 250], { generator: g }).toArray();
    const h = new tg.Generator(7);
    for (let i = 0; i < mask.length; i++) assert.equal(mask[i], h.random() < 0.3 ? 1 : 0);
  });
});
