import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

// searchsorted, bucketize, histc (issue 11, part 2): values are PyTorch 2's (indices are int32 here, int64 there).

describe("searchsorted / bucketize", () => {
  const s = () => tg.tensor([1, 3, 3, 5, 7]);
  const v = () =>
    tg.tensor([
      [0, 3, 6],
      [7, 8, Number.NaN],
    ]);
  it("matches PyTorch", () => {
    const left = tg.searchsorted(s(), v());
    assert.equal(left.dtype, "int32");
    assert.deepEqual(left.tolist(), [
      [0, 1, 4],
      [4, 5, 5],
    ]);
    assert.deepEqual(tg.searchsorted(s(), v(), { right: true }).tolist(), [
      [0, 3, 4],
      [5, 5, 5],
    ]);
    assert.deepEqual(tg.searchsorted(s(), v(), { side: "right" }).tolist(), [
      [0, 3, 4],
      [5, 5, 5],
    ]);
    assert.equal(tg.searchsorted(s(), 4).item(), 3);
    const s2 = tg.tensor([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    const v2 = tg.tensor([
      [3, 6],
      [1, 4],
    ]);
    assert.deepEqual(tg.searchsorted(s2, v2).tolist(), [
      [1, 3],
      [0, 1],
    ]);
    assert.deepEqual(tg.searchsorted(s2, v2, { right: true }).tolist(), [
      [2, 3],
      [0, 2],
    ]);
    const b = tg.tensor([1, 3, 5, 7]);
    assert.deepEqual(tg.bucketize(tg.tensor([1, 5, 9, 3]), b).tolist(), [0, 2, 4, 1]);
    assert.deepEqual(tg.bucketize(tg.tensor([1, 5, 9, 3]), b, { right: true }).tolist(), [1, 3, 4, 2]);
  });
  it("errors", () => {
    assert.throws(() => tg.searchsorted(s(), v(), { side: "left", right: true }), tg.ValueError);
    assert.throws(() => tg.searchsorted(tg.tensor([[1, 2]]), v()), tg.ShapeError);
    assert.throws(() => tg.searchsorted(s(), v(), { sorter: tg.tensor([0]) } as never), tg.ArgumentError);
    assert.throws(() => tg.bucketize(v(), tg.tensor([[1, 2]])), tg.ShapeError);
  });
});

describe("histc", () => {
  it("matches PyTorch", () => {
    assert.deepEqual(tg.histc(tg.tensor([1, 2, 1]), 4, 0, 3).tolist(), [0, 2, 1, 0]);
    assert.deepEqual(tg.histc(tg.tensor([0.5, 1, 2, 2.5, 4, -1, 2]), 5).tolist(), [1, 1, 1, 3, 1]);
    assert.deepEqual(tg.histc(tg.tensor([2, 2]), 4).tolist(), [0, 0, 2, 0]);
    assert.deepEqual(tg.histc(tg.tensor([0, 1, 2, 3, 4, 5, 6]), { bins: 3, min: 1, max: 5 }).tolist(), [2, 1, 2]);
    assert.equal(tg.histc(tg.tensor([1], { dtype: "float64" }), 2).dtype, "float64");
    assert.deepEqual([...tg.histc(tg.tensor([1, 2])).shape], [100]);
  });
  it("errors", () => {
    assert.throws(() => tg.histc(tg.tensor([1, 2], { dtype: "int32" })), tg.DTypeError);
    assert.throws(() => tg.histc(tg.tensor([1, 2]), 0), tg.ArgumentError);
    assert.throws(() => tg.histc(tg.tensor([1, 2]), 3, 2, 1), tg.ValueError);
  });
});
