import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

/** For each point, the indices of its k nearest other points (Euclidean) among the rows of `y` ([n, m]). */
function nearest(y: tg.Tensor, k: number): number[][] {
  const [n, m] = y.shape as [number, number];
  const v = y.toArray();
  return Array.from({ length: n }, (_, i) => {
    const d: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < m; c++) s += (Number(v[i * m + c]) - Number(v[j * m + c])) ** 2;
      d.push([s, j]);
    }
    return d
      .sort((a, b) => a[0] - b[0])
      .slice(0, k)
      .map(([, j]) => j);
  });
}

/** `k` Gaussian clusters of `per` points in `d` dims, centres 10σ apart on average; point i is in cluster ⌊i / per⌋. */
function clusters(k: number, per: number, d: number): tg.Tensor {
  const g = new tg.Generator(11);
  const centres = tg.randn([k, d], { generator: g }).mul(3);
  return tg.cat(Array.from({ length: k }, (_, c) => tg.randn([per, d], { generator: g }).mul(0.3).add(centres.get(c))));
}

describe("tg.data.tsne", () => {
  it("keeps well-separated clusters apart: every point's 10 nearest map neighbours are in its cluster", () => {
    const per = 30;
    const y = tg.data.tsne(clusters(4, per, 20), { seed: 0 });
    assert.deepEqual(y.shape, [120, 2]);
    assert.equal(y.dtype, "float64");
    const nn = nearest(y, 10);
    const same = nn.flatMap((js, i) => js.map((j) => Math.floor(j / per) === Math.floor(i / per))).filter(Boolean).length;
    assert.equal(same, 120 * 10);
    // The clusters are tight in the map: each point is closer to its own centroid than to any other.
    const v = y.toArray();
    const centroid = (c: number) =>
      [0, 1].map((k) => {
        let s = 0;
        for (let i = c * per; i < (c + 1) * per; i++) s += Number(v[2 * i + k]);
        return s / per;
      });
    const cs = [0, 1, 2, 3].map(centroid);
    for (let i = 0; i < 120; i++) {
      const d = cs.map(([a, b]) => Math.hypot(Number(v[2 * i]) - a, Number(v[2 * i + 1]) - b));
      assert.equal(d.indexOf(Math.min(...d)), Math.floor(i / per), `point ${i}`);
    }
  });
  it("preserves neighbours along a curve: points of a helix stay next to their neighbours on it", () => {
    const n = 100;
    const helix = tg.tensor(
      Array.from({ length: n }, (_, i) => {
        const t = i * 0.15;
        return [Math.cos(t), Math.sin(t), 0.2 * t];
      }),
      { dtype: "float64" },
    );
    const y = tg.data.tsne(helix, { perplexity: 10, seed: 1 });
    const nn = nearest(y, 2);
    const close = nn.filter((js, i) => js.every((j) => Math.abs(j - i) <= 3)).length;
    assert.ok(close >= 0.9 * n, `${close} of ${n} points have both map neighbours within 3 steps on the helix`);
  });
  it("the conditional affinities have the requested perplexity", async () => {
    // Imported after the library (./helpers.ts) has loaded, as a user's import of "tensorgrad" would order modules.
    const { conditionalProbabilities, squaredDistances } = await import("../src/data/tsne.ts");
    const x = clusters(3, 20, 5);
    const [n, d] = x.shape as [number, number];
    for (const perplexity of [5, 20]) {
      const p = conditionalProbabilities(squaredDistances(Float64Array.from(x.toArray()), n, d), n, perplexity);
      for (let i = 0; i < n; i++) {
        let h = 0;
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const q = p[i * n + j];
          sum += q;
          if (q > 0) h -= q * Math.log(q);
        }
        assert.equal(p[i * n + i], 0);
        assert.ok(Math.abs(sum - 1) < 1e-12);
        assert.ok(Math.abs(Math.exp(h) - perplexity) < 1e-3 * perplexity, `row ${i}: perplexity ${Math.exp(h)}`);
      }
    }
  });
  it("is reproducible from its seed, centred, and takes nComponents", () => {
    const x = clusters(2, 15, 4);
    const a = tg.data.tsne(x, { perplexity: 8, iterations: 300, seed: 3 });
    assert.deepEqual(tg.data.tsne(x, { perplexity: 8, iterations: 300, seed: 3 }).tolist(), a.tolist());
    assert.notDeepEqual(tg.data.tsne(x, { perplexity: 8, iterations: 300, seed: 4 }).tolist(), a.tolist());
    for (const m of a.mean(0).tolist() as number[]) assert.ok(Math.abs(m) < 1e-9);
    assert.deepEqual(tg.data.tsne(x, { nComponents: 3, perplexity: 8, iterations: 50 }).shape, [30, 3]);
  });
  it("refuses bad input with one clear message", () => {
    const x = tg.randn([10, 3]);
    assert.throws(() => tg.data.tsne(x), /tsne: perplexity \(30\) must be less than the number of points \(10\)/);
    assert.throws(() => tg.data.tsne(tg.randn([10])), /tsne: expected x of shape \[n, d\], got \[10\]/);
    assert.throws(() => tg.data.tsne(tg.zeros([5, 2], { dtype: "int32" }), { perplexity: 2 }), /tsne: expected a floating x/);
    assert.throws(() => tg.data.tsne(x, { perplexity: 3, n_iter: 10 } as never), /tsne: unknown option "n_iter"/);
    assert.throws(() => tg.data.tsne(x, { perplexity: -1 }), /tsne: perplexity must be a positive number/);
    assert.throws(() => tg.data.tsne(tg.zeros([3001, 1]), { perplexity: 5 }), /tsne: needs 2 to 3000 points/);
    assert.throws(() => tg.data.tsne(tg.tensor([[0], [Number.NaN], [1]]), { perplexity: 1 }), /tsne: x has NaN/);
  });
});
