import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

const { data } = tg;

/** How often each of 0..k-1 occurs in `xs`, as fractions. */
const frequencies = (xs: readonly number[], k: number): number[] => {
  const counts = new Array<number>(k).fill(0);
  for (const x of xs) counts[x]++;
  return counts.map((c) => c / xs.length);
};

/** |observed − expected| within 5 standard deviations of a proportion estimated from n draws. */
const assertProportion = (observed: number, expected: number, n: number, what: string) => {
  const sd = Math.sqrt((expected * (1 - expected)) / n);
  assert.ok(Math.abs(observed - expected) <= 5 * sd + 1e-12, `${what}: ${observed} vs ${expected} (±${5 * sd})`);
};

describe("WeightedRandomSampler (torch.utils.data.WeightedRandomSampler)", () => {
  it("with replacement: indices drawn in proportion to the weights, zero weights never", () => {
    const n = 100_000;
    const sampler = new data.WeightedRandomSampler([1, 2, 0, 3, 4], n, { generator: new tg.Generator(0) });
    assert.equal(sampler.length, n);
    const draws = [...sampler];
    assert.equal(draws.length, n);
    const f = frequencies(draws, 5);
    assert.equal(f[2], 0);
    [0.1, 0.2, 0, 0.3, 0.4].forEach((p, i) => {
      assertProportion(f[i], p, n, `index ${i}`);
    });
  });

  it("seeded: the same generator seed gives the same indices, and each pass draws afresh", () => {
    const make = (seed: number) =>
      new data.WeightedRandomSampler(tg.tensor([0.5, 0.1, 0.4]), 50, true, { generator: new tg.Generator(seed) });
    assert.deepEqual([...make(3)], [...make(3)]);
    const s = make(3);
    assert.notDeepEqual([...s], [...s]);
    tg.manualSeed(4);
    const a = [...new data.WeightedRandomSampler([1, 1, 1], 20)];
    tg.manualSeed(4);
    assert.deepEqual([...new data.WeightedRandomSampler([1, 1, 1], 20)], a);
  });

  it("without replacement: distinct indices, picked one after another in proportion to the weights left", () => {
    const g = new tg.Generator(1);
    const all = [...new data.WeightedRandomSampler([1, 2, 0, 3, 4], 4, false, { generator: g })];
    assert.deepEqual([...all].sort(), [0, 1, 3, 4], "every non-zero index once");
    const passes = 20_000;
    const sampler = new data.WeightedRandomSampler([1, 2, 3, 4], 2, { replacement: false, generator: g });
    const firsts: number[] = [];
    const seconds: number[] = [];
    for (let k = 0; k < passes; k++) {
      const [a, b] = [...sampler];
      assert.notEqual(a, b);
      firsts.push(a);
      seconds.push(b);
    }
    const f1 = frequencies(firsts, 4);
    [0.1, 0.2, 0.3, 0.4].forEach((p, i) => {
      assertProportion(f1[i], p, passes, `first pick ${i}`);
    });
    // P(second = 3) = Σ_{i≠3} w_i/10 · 4/(10 − w_i) = 0.1·4/9 + 0.2·4/8 + 0.3·4/7
    assertProportion(frequencies(seconds, 4)[3], 0.1 * (4 / 9) + 0.2 * (4 / 8) + 0.3 * (4 / 7), passes, "second pick 3");
  });

  it("argument errors", () => {
    assert.throws(
      () => new data.WeightedRandomSampler(tg.ones([2, 2]), 3),
      /weights should be a 1-D sequence, but given weights have shape \[2, 2\]/,
    );
    assert.throws(() => new data.WeightedRandomSampler([1, -1], 3), /weights must be finite and non-negative, got -1 at index 1/);
    assert.throws(() => new data.WeightedRandomSampler([1, Number.NaN], 3), /finite and non-negative, got NaN/);
    assert.throws(() => new data.WeightedRandomSampler([0, 0], 3), /sum to zero/);
    assert.throws(
      () => new data.WeightedRandomSampler([1, 0, 1], 3, false),
      /cannot draw 3 samples without replacement from 2 non-zero weights/,
    );
    assert.throws(() => new data.WeightedRandomSampler([1, 1], 0), /numSamples must be a positive integer, got 0/);
    assert.throws(() => new data.WeightedRandomSampler([1, 1], 2, { num_samples: 3 } as never), /unknown option "num_samples"/);
    assert.throws(() => new data.WeightedRandomSampler("ab" as never, 2), tg.ArgumentError);
  });
});

describe("DataLoader's sampler option", () => {
  const ds = () => new data.TensorDataset(tg.arange(10).reshape([5, 2]), tg.tensor([0, 1, 2, 3, 4], { dtype: "int32" }));

  it("batches follow the sampler's order (TensorDataset fast path, collate path, arrays as samplers)", () => {
    const loader = new data.DataLoader(ds(), { batchSize: 2, sampler: [4, 0, -1, 2, 2] });
    assert.equal(loader.length, 3);
    assert.deepEqual(
      [...loader].map(([, y]) => y.tolist()),
      [[4, 0], [4, 2], [2]],
    );
    const items = new data.DataLoader(["a", "b", "c"], { batchSize: 2, sampler: [2, 2, 1], collate: (xs: string[]) => xs.join("") });
    assert.deepEqual([...items], ["cc", "b"]);
    assert.equal(new data.DataLoader(ds(), { batchSize: 2, sampler: [1, 2, 3], dropLast: true }).length, 1);
    assert.deepEqual([...new data.DataLoader(ds(), { batchSize: 2, sampler: [1, 2, 3], dropLast: true })].length, 1);
  });

  it("a WeightedRandomSampler rebalances an imbalanced dataset", () => {
    // 90 examples of class 0, 10 of class 1; weight 1 / (class count) makes each class half of the draws
    const y = tg.tensor(
      Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1)),
      { dtype: "int32" },
    );
    const weights = Array.from(y.toArray(), (c) => (c === 0 ? 1 / 90 : 1 / 10));
    const sampler = new data.WeightedRandomSampler(weights, 4000, { generator: new tg.Generator(2) });
    const loader = new data.DataLoader(new data.TensorDataset(tg.arange(100), y), { batchSize: 100, sampler });
    assert.equal(loader.length, 40);
    let ones = 0;
    for (const [, yb] of loader) ones += yb.sum().item();
    assertProportion(ones / 4000, 0.5, 4000, "class 1");
  });

  it("errors: with shuffle, an index out of range, an unknown option", () => {
    assert.throws(() => new data.DataLoader(ds(), { shuffle: true, sampler: [0] }), /sampler option is mutually exclusive with shuffle/);
    assert.throws(() => [...new data.DataLoader(ds(), { sampler: [0, 5] })], { name: "IndexError", message: /index 5 is out of range/ });
    assert.throws(() => new data.DataLoader(ds(), { sampler: 3 } as never), /sampler must be a Sampler/);
    assert.throws(
      () => new data.DataLoader(ds(), { batch_size: 3 } as never),
      /unknown option "batch_size" \(did you mean "batchSize"\?\)/,
    );
    assert.throws(() => new data.DataLoader(ds(), { shuffle: "yes" } as never), tg.ArgumentError);
  });
});

describe("ConcatDataset (torch.utils.data.ConcatDataset)", () => {
  const a = () => new data.ArrayDataset(["a0", "a1", "a2"]);

  it("indexes across the datasets, empty ones included, negative indices from the end", () => {
    const cat = new data.ConcatDataset([a(), new data.ArrayDataset<string>([]), ["b0", "b1"]]);
    assert.equal(cat.length, 5);
    assert.deepEqual(cat.cumulativeSizes, [3, 3, 5]);
    assert.deepEqual([...cat], ["a0", "a1", "a2", "b0", "b1"]);
    assert.equal(cat.get(-1), "b1");
    assert.equal(cat.get(-5), "a0");
    assert.equal(cat.get(3), "b0");
  });

  it("batches through a DataLoader", () => {
    const x = new data.TensorDataset(
      tg.tensor([
        [1, 2],
        [3, 4],
      ]),
      tg.tensor([0, 1], { dtype: "int32" }),
    );
    const z = new data.TensorDataset(tg.tensor([[5, 6]]), tg.tensor([2], { dtype: "int32" }));
    const [[xb, yb]] = [...new data.DataLoader(new data.ConcatDataset([x, z]), { batchSize: 3 })];
    assert.deepEqual(xb.tolist(), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.deepEqual(yb.tolist(), [0, 1, 2]);
  });

  it("errors as PyTorch's: empty list, index too negative (ValueError), past the end (IndexError)", () => {
    assert.throws(() => new data.ConcatDataset([]), /datasets should not be an empty array/);
    const cat = new data.ConcatDataset([a()]);
    assert.throws(() => cat.get(-4), { name: "ValueError", message: /absolute value of index -4 should not exceed dataset length 3/ });
    assert.throws(() => cat.get(3), { name: "IndexError", message: /index 3 is out of range for a dataset of length 3/ });
    assert.throws(() => cat.get(1.5), tg.IndexError);
    assert.throws(() => new data.ConcatDataset([a(), 3] as never), /datasets must be an array of Datasets/);
    const Concat = data.ConcatDataset as unknown as new (...args: unknown[]) => unknown;
    assert.throws(() => new Concat([a()], { bogus: 1 }), tg.ArgumentError);
  });
});
