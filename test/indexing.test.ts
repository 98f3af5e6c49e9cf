import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, checkGrads, forEachBackend, tg } from "./helpers.ts";

const idx = (v: tg.NestedArray) => tg.tensor(v, { dtype: "int32" });

describe("gather", () => {
  it("picks along dim 1 and dim 0 (out[i][j] = x[i][index[i][j]] / x[index[i][j]][j])", () => {
    forEachBackend(() => {
      const x = tg.tensor([
        [1, 2],
        [3, 4],
      ]);
      assertEqual(
        x.gather(
          1,
          idx([
            [0, 0],
            [1, 0],
          ]),
        ),
        [
          [1, 1],
          [4, 3],
        ],
      );
      assertEqual(
        tg.gather(
          x,
          0,
          idx([
            [0, 1],
            [1, 0],
          ]),
        ),
        [
          [1, 4],
          [3, 2],
        ],
      );
    });
  });

  it("the index may be smaller than the input in the other dims, and negative dims work", () => {
    const x = tg.arange(12).reshape([3, 4]);
    // out[i][j] = x[i][index[i][j]] for i < 2.
    assertEqual(
      x.gather(
        -1,
        idx([
          [3, 0, 1],
          [2, 2, 2],
        ]),
      ),
      [
        [3, 0, 1],
        [6, 6, 6],
      ],
    );
    // Picks the target class of each row, as cross-entropy does.
    assertEqual(x.gather(1, idx([[1], [0], [3]])).squeeze(1), [1, 4, 11]);
  });

  it("reads a non-contiguous input through its strides", () => {
    const t = tg.arange(6).reshape([2, 3]).T; // [[0, 3], [1, 4], [2, 5]]
    assertEqual(t.gather(1, idx([[1], [0], [1]])), [[3], [1], [5]]);
    assertEqual(
      tg
        .arange(10)
        .get("1::2")
        .gather(0, idx([4, 0])),
      [9, 1],
    );
  });

  it("errors: non-int32 index, out-of-bounds and negative index, mismatched dims", () => {
    const x = tg.zeros([2, 3]);
    assert.throws(() => x.gather(1, tg.tensor([[0, 1]])), tg.DTypeError);
    assert.throws(
      () => x.gather(1, idx([[0, 3]])),
      (e: unknown) => e instanceof tg.IndexError && e.message.includes("3") && e.message.includes("size 3"),
    );
    assert.throws(() => x.gather(0, idx([[-1, 0, 0]])), tg.IndexError);
    assert.throws(() => x.gather(1, idx([0, 1])), tg.ShapeError);
    assert.throws(() => x.gather(1, idx([[0], [0], [0]])), tg.ShapeError);
  });

  it("gradient scatters back, adding over repeated picks", () => {
    const x = tg.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    x.gather(0, idx([0, 2, 0, 0]))
      .sum()
      .backward();
    assertEqual(x.grad!, [3, 0, 1]);
    const index = idx([
      [0, 2, 2],
      [1, 1, 0],
    ]);
    checkGrads((x) => x.gather(1, index), [[2, 3]], { gradgrad: true });
    checkGrads((x) => x.gather(0, index.get(":, :2")), [[3, 2]]);
  });
});

describe("scatter", () => {
  it("writes src at index along dim 0 (src may be larger than the index)", () => {
    forEachBackend(() => {
      const src = tg.arange(1, 11).reshape([2, 5]);
      const out = tg.zeros([3, 5], { dtype: "int32" }).scatter(0, idx([[0, 1, 2, 0]]), src);
      assertEqual(
        out,
        [
          [1, 0, 0, 4, 0],
          [0, 2, 0, 0, 0],
          [0, 0, 3, 0, 0],
        ],
        "int32",
      );
    });
  });

  it("along dim 1, leaving the input unchanged (out of place)", () => {
    const x = tg.zeros([3, 5]);
    const out = tg.scatter(
      x,
      1,
      idx([
        [0, 1, 2],
        [0, 1, 4],
      ]),
      tg.arange(1, 11).reshape([2, 5]).double(),
    );
    assertEqual(out, [
      [1, 2, 3, 0, 0],
      [6, 7, 0, 0, 8],
      [0, 0, 0, 0, 0],
    ]);
    assert.equal(x.sum().item(), 0);
    assert.equal(out.dtype, "float32");
  });

  it("a scalar src fills the indexed places", () => {
    const out = tg.zeros([2, 4], { dtype: "float64" }).scatter(1, idx([[2], [3]]), 1.25);
    assertEqual(out, [
      [0, 0, 1.25, 0],
      [0, 0, 0, 1.25],
    ]);
  });

  it("scatter_ writes in place", () => {
    const x = tg.zeros([3]);
    const r = x.scatter_(0, idx([2]), 7);
    assert.equal(r, x);
    assertEqual(x, [0, 0, 7]);
  });

  it("errors: non-int32 index, out-of-bounds index, src too small", () => {
    const x = tg.zeros([2, 3]);
    assert.throws(() => x.scatter(1, tg.tensor([[0, 1]], { dtype: "float64" }), 1), tg.DTypeError);
    assert.throws(
      () => x.scatter(1, idx([[0, 5]]), 1),
      (e: unknown) => e instanceof tg.IndexError && e.message.includes("5"),
    );
    assert.throws(() => x.scatter(0, idx([[2, 0, 0]]), 1), tg.IndexError);
    assert.throws(() => x.scatter(1, idx([[0, 1]]), tg.zeros([1, 1])), tg.ShapeError);
  });

  it("gradients: zero where overwritten for the input, gathered for src", () => {
    const x = tg.ones([2, 3], { dtype: "float64", requiresGrad: true });
    const src = tg.tensor([[10, 20]], { dtype: "float64", requiresGrad: true });
    const w = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    x.scatter(1, idx([[2, 0]]), src)
      .mul(w)
      .sum()
      .backward();
    assertEqual(x.grad!, [
      [0, 2, 0],
      [4, 5, 6],
    ]);
    assertEqual(src.grad!, [[3, 1]]);
    // Unique targets, so the gradient is well defined.
    const index = idx([
      [1, 0, 2],
      [2, 1, 0],
    ]);
    checkGrads(
      (x, s) => x.scatter(0, index, s),
      [
        [3, 3],
        [2, 3],
      ],
    );
    checkGrads((x) => x.scatter(1, idx([[0], [2]]), 0.5), [[2, 3]]);
  });

  it("a src larger than the index gets zero gradient outside the index's corner", () => {
    const src = tg.ones([2, 3], { dtype: "float64", requiresGrad: true });
    tg.zeros([3, 3], { dtype: "float64" })
      .scatter(0, idx([[2, 0]]), src)
      .mul(tg.arange(9).reshape([3, 3]))
      .sum()
      .backward();
    assertEqual(src.grad!, [
      [6, 1, 0],
      [0, 0, 0],
    ]);
    const index = idx([[1, 0, 2]]);
    checkGrads(
      (x, s) => x.scatter(0, index, s),
      [
        [3, 3],
        [2, 4],
      ],
    );
    checkGrads(
      (x, s) => x.scatterAdd(0, index, s),
      [
        [3, 3],
        [2, 4],
      ],
      { gradgrad: true },
    );
  });
});

describe("scatterAdd", () => {
  it("repeated indices add up", () => {
    forEachBackend(() => {
      const out = tg.zeros([3]).scatterAdd(0, idx([0, 1, 0, 0]), tg.tensor([1, 2, 3, 4]));
      assertEqual(out, [8, 2, 0]);
    });
  });

  it("adds onto the input along dim 0 (PyTorch's docs example)", () => {
    const src = tg.ones([2, 5]);
    assertEqual(tg.zeros([3, 5]).scatterAdd(0, idx([[0, 1, 2, 0, 0]]), src), [
      [1, 0, 0, 1, 1],
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
    ]);
    const index = idx([
      [0, 1, 2, 0, 0],
      [0, 1, 2, 2, 2],
    ]);
    assertEqual(tg.scatterAdd(tg.ones([3, 5]), 0, index, src), [
      [3, 1, 1, 2, 2],
      [1, 3, 1, 1, 1],
      [1, 1, 3, 2, 2],
    ]);
  });

  it("scatterAdd_ adds in place", () => {
    const x = tg.ones([2]);
    x.scatterAdd_(0, idx([1, 1]), tg.tensor([2, 3]));
    assertEqual(x, [1, 6]);
  });

  it("errors: non-int32 index and out-of-bounds index", () => {
    assert.throws(() => tg.zeros([3]).scatterAdd(0, tg.tensor([0]), tg.ones([1])), tg.DTypeError);
    assert.throws(() => tg.zeros([3]).scatterAdd(0, idx([3]), tg.ones([1])), tg.IndexError);
  });

  it("gradients: every src element gets the gradient of its target", () => {
    const src = tg.tensor([1, 1, 1, 1], { dtype: "float64", requiresGrad: true });
    const x = tg.zeros([3], { dtype: "float64", requiresGrad: true });
    x.scatterAdd(0, idx([0, 1, 0, 2]), src)
      .mul(tg.tensor([1, 2, 3]))
      .sum()
      .backward();
    assertEqual(src.grad!, [1, 2, 1, 3]);
    assertEqual(x.grad!, [1, 2, 3]);
    const index = idx([
      [0, 0, 1],
      [1, 0, 1],
    ]);
    checkGrads(
      (x, s) => x.scatterAdd(0, index, s),
      [
        [2, 3],
        [2, 3],
      ],
    );
    checkGrads((s) => tg.zeros([2, 3], { dtype: "float64" }).scatterAdd(1, index, s), [[2, 3]], { gradgrad: true });
  });
});

describe("indexSelect", () => {
  it("picks rows or columns (repeats allowed)", () => {
    forEachBackend(() => {
      const x = tg.arange(12).reshape([3, 4]);
      assertEqual(x.indexSelect(0, idx([2, 0])), [
        [8, 9, 10, 11],
        [0, 1, 2, 3],
      ]);
      assertEqual(tg.indexSelect(x, -1, idx([3, 0, 3])), [
        [3, 0, 3],
        [7, 4, 7],
        [11, 8, 11],
      ]);
    });
  });

  it("works on a non-contiguous input and with an empty index", () => {
    const t = tg.arange(6).reshape([2, 3]).T;
    assertEqual(t.indexSelect(0, idx([2])), [[2, 5]]);
    assert.deepEqual(t.indexSelect(1, idx([])).shape, [3, 0]);
  });

  it("errors: non-int32 index, 2-D index, out-of-bounds index", () => {
    const x = tg.arange(4);
    assert.throws(() => x.indexSelect(0, tg.tensor([1])), tg.DTypeError);
    assert.throws(() => x.indexSelect(0, idx([[1]])), tg.ShapeError);
    assert.throws(
      () => x.indexSelect(0, idx([4])),
      (e: unknown) => e instanceof tg.IndexError && e.message.includes("4"),
    );
  });

  it("gradients add up over repeats", () => {
    const x = tg.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    x.indexSelect(0, idx([1, 1, 2]))
      .sum()
      .backward();
    assertEqual(x.grad!, [0, 2, 1]);
    checkGrads((x) => x.indexSelect(1, idx([2, 0, 2])), [[2, 3]], { gradgrad: true });
    checkGrads((x) => x.indexSelect(0, idx([1])), [[3, 2]]);
  });
});

describe("maskedFill", () => {
  it("fills where the mask is true; the mask broadcasts", () => {
    forEachBackend(() => {
      const x = tg.arange(6).reshape([2, 3]);
      assertEqual(x.maskedFill(tg.tensor([true, false, true]), -1), [
        [-1, 1, -1],
        [-1, 4, -1],
      ]);
      assertEqual(tg.maskedFill(x, tg.tensor([[false], [true]]), 9), [
        [0, 1, 2],
        [9, 9, 9],
      ]);
    });
  });

  it("fills -Infinity (as attention masks do) and keeps the dtype", () => {
    const x = tg.zeros([2, 2]);
    const m = tg.triu(tg.ones([2, 2]), 1).bool();
    const out = x.maskedFill(m, -Infinity);
    assert.equal(out.dtype, "float32");
    assertEqual(out, [
      [0, -Infinity],
      [0, 0],
    ]);
    assertEqual(tg.arange(3).maskedFill(tg.tensor([true, false, false]), 7), [7, 1, 2], "int32");
  });

  it("maskedFill_ fills in place", () => {
    const x = tg.ones([3]);
    x.maskedFill_(tg.tensor([false, true, false]), 0);
    assertClose(x, [1, 0, 1]);
  });

  it("errors: non-bool mask, mask that would grow the tensor, non-scalar value", () => {
    const x = tg.zeros([3]);
    assert.throws(() => x.maskedFill(tg.tensor([1, 0, 1]), 0), tg.DTypeError);
    assert.throws(() => x.maskedFill(tg.tensor([[true], [false]]), 0), tg.ShapeError);
    assert.throws(() => x.maskedFill(tg.tensor([true, true]), 0), tg.ShapeError);
    assert.throws(() => x.maskedFill(tg.tensor([true, true, true]), tg.ones([3])), tg.ShapeError);
  });

  it("gradient is zero where filled", () => {
    const x = tg.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    x.maskedFill(tg.tensor([true, false, true]), 0)
      .mul(tg.tensor([5, 6, 7]))
      .sum()
      .backward();
    assertEqual(x.grad!, [0, 6, 0]);
    const mask = tg.tensor([[true, false, false]]);
    checkGrads((x) => x.maskedFill(mask, 2.5), [[2, 3]], { gradgrad: true });
  });
});
