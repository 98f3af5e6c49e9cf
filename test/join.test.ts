import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertEqual, checkGrads, forEachBackend, tg } from "./helpers.ts";

const ar = (...shape: number[]) => tg.arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);
const idx = (v: tg.NestedArray) => tg.tensor(v, { dtype: "int32" });

describe("cat", () => {
  it("joins along dim 0 and dim 1", () => {
    forEachBackend(() => {
      const a = ar(2, 2);
      const b = tg.tensor([[7, 8]]);
      assertEqual(tg.cat([a, b]), [
        [0, 1],
        [2, 3],
        [7, 8],
      ]);
      assertEqual(tg.cat([a, tg.tensor([[9], [9]]), a], 1), [
        [0, 1, 9, 0, 1],
        [2, 3, 9, 2, 3],
      ]);
    });
  });

  it("takes a negative dim and non-contiguous inputs", () => {
    const t = ar(2, 3).T; // [[0, 3], [1, 4], [2, 5]]
    assertEqual(tg.cat([t, t.get(":, :1")], -1), [
      [0, 3, 0],
      [1, 4, 1],
      [2, 5, 2],
    ]);
    assertEqual(tg.cat([tg.arange(10).get("::3"), tg.zeros([0], { dtype: "int32" })]), [0, 3, 6, 9]);
  });

  it("promotes dtypes like arithmetic", () => {
    const r = tg.cat([tg.tensor([1, 2], { dtype: "int32" }), tg.tensor([0.5], { dtype: "float32" })]);
    assert.equal(r.dtype, "float32");
    assertEqual(r, [1, 2, 0.5]);
    const b = tg.cat([tg.tensor([true]), tg.tensor([3], { dtype: "int32" })]);
    assertEqual(b, [1, 3], "int32");
    assert.equal(tg.cat([tg.tensor([1], { dtype: "float32" }), tg.tensor([2], { dtype: "float64" })]).dtype, "float64");
  });

  it("mismatched shapes throw a ShapeError naming both shapes", () => {
    assert.throws(
      () => tg.cat([tg.zeros([2, 3]), tg.zeros([2, 4])], 0),
      (e: unknown) => e instanceof tg.ShapeError && e.message.includes("[2, 3]") && e.message.includes("[2, 4]"),
    );
    assert.throws(
      () => tg.cat([tg.zeros([2, 3]), tg.zeros([3])]),
      (e: unknown) => e instanceof tg.ShapeError && e.message.includes("[2, 3]") && e.message.includes("[3]"),
    );
    assert.throws(() => tg.cat([]), tg.ValueError);
    assert.throws(() => tg.cat([tg.zeros([2])], 1), tg.DimError);
  });

  it("is a copy", () => {
    const a = tg.zeros([2]);
    const c = tg.cat([a, a]);
    c.fill_(1);
    assertEqual(a, [0, 0]);
  });

  it("gradients (and second order)", () => {
    checkGrads(
      (a, b) => tg.cat([a, b, a], 1).mul(ar(2, 7)),
      [
        [2, 3],
        [2, 1],
      ],
    );
    checkGrads((a, b) => tg.cat([a.mul(b.sum()), b], 0).square(), [[2], [3]], { gradgrad: true });
  });
});

describe("stack", () => {
  it("joins along a new dim (negative too)", () => {
    const a = tg.tensor([1, 2, 3]);
    const b = tg.tensor([4, 5, 6]);
    assertEqual(tg.stack([a, b]), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertEqual(tg.stack([a, b], 1), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    assertEqual(tg.stack([a, b], -1), tg.stack([a, b], 1).tolist());
    assert.deepEqual(tg.stack([ar(2, 3), ar(2, 3), ar(2, 3)], -2).shape, [2, 3, 3]);
    assertEqual(tg.stack([tg.tensor(1), tg.tensor(2)]), [1, 2]);
  });

  it("different shapes throw a ShapeError naming both", () => {
    assert.throws(
      () => tg.stack([tg.zeros([2]), tg.zeros([3])]),
      (e: unknown) => e instanceof tg.ShapeError && e.message.includes("[2]") && e.message.includes("[3]"),
    );
    assert.throws(() => tg.stack([tg.zeros([2])], 2), tg.DimError);
  });

  it("gradient", () => {
    checkGrads(
      (a, b) => tg.stack([a, b], 1).mul(ar(2, 2, 3)),
      [
        [2, 3],
        [2, 3],
      ],
    );
  });
});

describe("split, chunk, unbind", () => {
  it("split by size: the last piece may be shorter; pieces are views", () => {
    const x = tg.arange(7);
    const parts = x.split(3);
    assert.deepEqual(
      parts.map((p) => p.tolist()),
      [[0, 1, 2], [3, 4, 5], [6]],
    );
    parts[1].fill_(0);
    assertEqual(x, [0, 1, 2, 0, 0, 0, 6]);
  });

  it("split by a list of sizes, along a chosen dim", () => {
    const x = ar(2, 5);
    const [a, b, c] = tg.split(x, [1, 3, 1], 1);
    assertEqual(a, [[0], [5]]);
    assertEqual(b, [
      [1, 2, 3],
      [6, 7, 8],
    ]);
    assertEqual(c, [[4], [9]]);
    assert.deepEqual(
      x.split(2, -1).map((p) => p.shape),
      [
        [2, 2],
        [2, 2],
        [2, 1],
      ],
    );
    assert.throws(() => x.split([2, 2], 1), tg.ShapeError);
    assert.throws(() => x.split(0), tg.ValueError);
  });

  it("chunk works like torch.chunk", () => {
    const sizes = (n: number, k: number) =>
      tg
        .arange(n)
        .chunk(k)
        .map((c) => c.shape[0]);
    assert.deepEqual(sizes(5, 3), [2, 2, 1]);
    assert.deepEqual(sizes(6, 3), [2, 2, 2]);
    assert.deepEqual(sizes(6, 4), [2, 2, 2]); // ceil(6 / 4) = 2, so only three chunks
    assert.deepEqual(sizes(2, 5), [1, 1]);
    assert.deepEqual(sizes(10, 1), [10]);
    assertEqual(tg.chunk(ar(2, 4), 2, 1)[1], [
      [2, 3],
      [6, 7],
    ]);
    assert.throws(() => tg.arange(3).chunk(0), tg.ValueError);
  });

  it("unbind removes the dim", () => {
    const rows = ar(2, 3).unbind();
    assert.equal(rows.length, 2);
    assertEqual(rows[1], [3, 4, 5]);
    const cols = tg.unbind(ar(2, 3), -1);
    assert.equal(cols.length, 3);
    assertEqual(cols[2], [2, 5]);
  });

  it("gradients of the pieces", () => {
    checkGrads((x) => x.split([1, 2], 1), [[2, 3]]);
    checkGrads((x) => x.split(2, 0), [[5, 2]]);
    checkGrads((x) => x.chunk(3, -1), [[2, 5]]);
    checkGrads((x) => x.unbind(1), [[2, 3]]);
    // Only some pieces used: the others get zero gradient.
    const x = tg.ones([4], { dtype: "float64", requiresGrad: true });
    x.split(2)[1]
      .mul(tg.tensor([3, 4]))
      .sum()
      .backward();
    assertEqual(x.grad!, [0, 0, 3, 4]);
  });
});

describe("flip", () => {
  it("reverses along one or several dims", () => {
    forEachBackend(() => {
      const x = ar(2, 3);
      assertEqual(x.flip(0), [
        [3, 4, 5],
        [0, 1, 2],
      ]);
      assertEqual(x.flip(-1), [
        [2, 1, 0],
        [5, 4, 3],
      ]);
      assertEqual(tg.flip(x, [0, 1]), [
        [5, 4, 3],
        [2, 1, 0],
      ]);
    });
  });

  it("reads a view through its offset and strides", () => {
    assertEqual(tg.arange(10).get("2:9:3").flip(0), [8, 5, 2]);
    assertEqual(ar(6, 1).get("2:5").flip(0), [[4], [3], [2]]);
    // Flipping a size-1 dim changes nothing, and must still read from the view's offset.
    assertEqual(ar(6, 1).get("2:5").flip(1), [[2], [3], [4]]);
  });

  it("is a copy, even when nothing moves", () => {
    const x = tg.tensor([[1, 2, 3]]);
    const f = x.flip(0);
    f.fill_(0);
    assertEqual(x, [[1, 2, 3]]);
    const g = x.flip(1);
    g.fill_(0);
    assertEqual(x, [[1, 2, 3]]);
  });

  it("gradient flips back", () => {
    const x = tg.zeros([3], { dtype: "float64", requiresGrad: true });
    x.flip(0)
      .mul(tg.tensor([1, 2, 3]))
      .sum()
      .backward();
    assertEqual(x.grad!, [3, 2, 1]);
    checkGrads((x) => x.flip([0, 2]).mul(ar(2, 3, 2)), [[2, 3, 2]]);
  });
});

describe("repeat and tile", () => {
  it("repeat tiles the tensor along each dim", () => {
    assertEqual(tg.tensor([1, 2]).repeat(2, 2), [
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    assertEqual(tg.tensor([[1], [2]]).repeat([1, 3]), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    assertEqual(tg.repeat(tg.tensor([1, 2]), [3]), [1, 2, 1, 2, 1, 2]);
    const r = tg.tensor([[1, 2]]).repeat(2, 1, 2);
    assert.deepEqual(r.shape, [2, 1, 4]);
    assertEqual(r.get(1), [[1, 2, 1, 2]]);
    assert.deepEqual(tg.tensor([1, 2]).repeat(0, 1).shape, [0, 2]);
    assert.throws(() => ar(2, 2).repeat(2), tg.ShapeError);
  });

  it("repeat of a transposed tensor, and the result is a copy", () => {
    const x = ar(2, 2);
    const r = x.T.repeat(1, 2);
    assertEqual(r, [
      [0, 2, 0, 2],
      [1, 3, 1, 3],
    ]);
    r.fill_(9);
    assertEqual(x, [
      [0, 1],
      [2, 3],
    ]);
  });

  it("tile pads missing dims with leading 1s", () => {
    assertEqual(tg.tensor([1, 2, 3]).tile(2), [1, 2, 3, 1, 2, 3]);
    assertEqual(tg.tile(ar(2, 2), [2]), [
      [0, 1, 0, 1],
      [2, 3, 2, 3],
    ]);
    assert.deepEqual(tg.tensor([1]).tile(2, 3).shape, [2, 3]);
  });

  it("gradient sums over the copies", () => {
    const x = tg.tensor([1, 2], { dtype: "float64", requiresGrad: true });
    x.repeat(3).mul(tg.arange(6)).sum().backward();
    // x[0] lands at 0, 2, 4; x[1] at 1, 3, 5.
    assertEqual(x.grad!, [6, 9]);
    checkGrads((x) => x.repeat(2, 1, 3), [[2, 2]]);
    checkGrads((x) => x.tile(2), [[2, 3]]);
  });
});

describe("pad", () => {
  it("pads the last dim with zeros by default", () => {
    forEachBackend(() => {
      assertEqual(
        tg.pad(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          [1, 2],
        ),
        [
          [0, 1, 2, 0, 0],
          [0, 3, 4, 0, 0],
        ],
      );
    });
  });

  it("pads several dims, with a value, from the last dim backwards", () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    assertEqual(tg.pad(x, [0, 0, 2, 0], "constant", 5), [
      [5, 5],
      [5, 5],
      [1, 2],
      [3, 4],
    ]);
    assertEqual(tg.pad(x, [1, 0, 0, 1], "constant", -1), [
      [-1, 1, 2],
      [-1, 3, 4],
      [-1, -1, -1],
    ]);
    const p = tg.pad(tg.ones([1, 1, 1]), [0, 1, 1, 0, 1, 1]);
    assert.deepEqual(p.shape, [3, 2, 2]);
    assertEqual(p.get(1), [
      [0, 0],
      [1, 0],
    ]);
    assert.equal(p.sum().item(), 1);
  });

  it("keeps the dtype and reads non-contiguous inputs", () => {
    const p = tg.pad(ar(2, 2).T, [1, 0]);
    assert.equal(p.dtype, "int32");
    assertEqual(p, [
      [0, 0, 2],
      [0, 1, 3],
    ]);
    assertEqual(tg.pad(tg.tensor([1.5], { dtype: "float64" }), [0, 0]), [1.5]);
  });

  it("errors: odd length, too many dims, negative pads", () => {
    const x = tg.zeros([2, 2]);
    assert.throws(() => tg.pad(x, [1]), tg.ValueError);
    assert.throws(() => tg.pad(x, [1, 1, 1, 1, 1, 1]), tg.ValueError);
    assert.throws(() => tg.pad(x, [-1, 0]), tg.ValueError);
  });

  it("gradient is the inner region (and second order)", () => {
    const x = tg.zeros([2], { dtype: "float64", requiresGrad: true });
    tg.pad(x, [1, 1], "constant", 3)
      .mul(tg.tensor([10, 20, 30, 40]))
      .sum()
      .backward();
    assertEqual(x.grad!, [20, 30]);
    checkGrads((x) => tg.pad(x, [1, 2, 0, 1], "constant", 0.5).mul(ar(4, 6)), [[3, 3]]);
    checkGrads((x) => tg.pad(x.square(), [2, 1]), [[2, 3]], { gradgrad: true });
  });
});

describe("tril and triu", () => {
  const m = () => ar(3, 3).add(1); // [[1, 2, 3], [4, 5, 6], [7, 8, 9]]

  it("main diagonal", () => {
    assertEqual(m().tril(), [
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ]);
    assertEqual(tg.triu(m()), [
      [1, 2, 3],
      [0, 5, 6],
      [0, 0, 9],
    ]);
  });

  it("diagonal offsets", () => {
    assertEqual(m().tril(-1), [
      [0, 0, 0],
      [4, 0, 0],
      [7, 8, 0],
    ]);
    assertEqual(tg.tril(m(), 1), [
      [1, 2, 0],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    assertEqual(m().triu(1), [
      [0, 2, 3],
      [0, 0, 6],
      [0, 0, 0],
    ]);
    assertEqual(m().triu(-1), [
      [1, 2, 3],
      [4, 5, 6],
      [0, 8, 9],
    ]);
    assertEqual(m().triu(5), [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it("non-square and batched", () => {
    assertEqual(ar(2, 4).add(1).tril(1), [
      [1, 2, 0, 0],
      [5, 6, 7, 0],
    ]);
    const b = ar(2, 2, 2).add(1).triu();
    assertEqual(b, [
      [
        [1, 2],
        [0, 4],
      ],
      [
        [5, 6],
        [0, 8],
      ],
    ]);
    assert.equal(b.dtype, "int32");
    assert.throws(() => tg.arange(3).tril(), tg.ShapeError);
  });

  it("gradient is masked the same way", () => {
    const x = tg.ones([2, 2], { dtype: "float64", requiresGrad: true });
    x.tril().sum().backward();
    assertEqual(x.grad!, [
      [1, 0],
      [1, 1],
    ]);
    checkGrads((x) => x.tril(-1).mul(ar(2, 3, 4)), [[2, 3, 4]]);
    checkGrads((x) => x.triu(1), [[3, 3]]);
  });
});

describe("oneHot", () => {
  it("infers numClasses as max + 1", () => {
    const r = tg.oneHot(idx([0, 2, 1]));
    assert.equal(r.dtype, "int32");
    assertEqual(r, [
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
  });

  it("takes numClasses and keeps the index shape", () => {
    assertEqual(tg.oneHot(idx([1]), 4), [[0, 1, 0, 0]]);
    const r = tg.oneHot(
      idx([
        [0, 1],
        [1, 1],
      ]),
      2,
    );
    assert.deepEqual(r.shape, [2, 2, 2]);
    assertEqual(r.get(1), [
      [0, 1],
      [0, 1],
    ]);
    assertEqual(tg.oneHot(idx(2), 3), [0, 0, 1]);
  });

  it("out-of-range classes and non-int32 input are errors", () => {
    assert.throws(
      () => tg.oneHot(idx([0, 3]), 3),
      (e: unknown) => e instanceof tg.ValueError && e.message.includes("3"),
    );
    assert.throws(() => tg.oneHot(idx([-1, 0])), tg.ValueError);
    assert.throws(() => tg.oneHot(tg.tensor([0, 1])), tg.ValueError);
  });
});
