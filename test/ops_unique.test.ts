import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// nonzero, unique, mode (issue 11, part 2): values are PyTorch 2's (indices int32 here, int64 there).

describe("nonzero", () => {
  const x = () =>
    tg.tensor([
      [0, 1, 0],
      [2, 0, 3],
    ]);
  it("matches PyTorch", () => {
    const nz = tg.nonzero(x());
    assert.equal(nz.dtype, "int32");
    assert.deepEqual(nz.tolist(), [
      [0, 1],
      [1, 0],
      [1, 2],
    ]);
    assert.deepEqual(
      tg.nonzero(x(), { asTuple: true }).map((t) => t.tolist()),
      [
        [0, 1, 1],
        [1, 0, 2],
      ],
    );
    assert.deepEqual([...tg.nonzero(tg.tensor(5)).shape], [1, 0]);
    assert.deepEqual(
      tg.nonzero(tg.tensor(5), { asTuple: true }).map((t) => t.tolist()),
      [[0]],
    );
    assert.deepEqual([...tg.nonzero(tg.zeros([2, 2])).shape], [0, 2]);
    assert.throws(() => tg.nonzero(x(), { as_tuple: true } as never), tg.ArgumentError);
  });
});

describe("unique", () => {
  const u = () => tg.tensor([3, 1, 2, 3, 1, 5]);
  it("matches PyTorch", () => {
    assert.deepEqual(tg.unique(u()).tolist(), [1, 2, 3, 5]);
    const [values, inverse, counts] = tg.unique(u(), { returnInverse: true, returnCounts: true });
    assert.deepEqual(values!.tolist(), [1, 2, 3, 5]);
    assert.deepEqual(inverse!.tolist(), [2, 0, 1, 2, 0, 3]);
    assert.deepEqual(counts!.tolist(), [2, 1, 2, 1]);
    const [v2, inv2] = tg.unique(
      tg.tensor(
        [
          [1, 2],
          [2, 0],
        ],
        { dtype: "int32" },
      ),
      true,
      true,
    ) as tg.Tensor[];
    assert.equal(v2!.dtype, "int32");
    assert.deepEqual(v2!.tolist(), [0, 1, 2]);
    assert.deepEqual(inv2!.tolist(), [
      [1, 2],
      [2, 0],
    ]);
    const [, c] = tg.unique(u(), { returnCounts: true });
    assert.deepEqual(c!.tolist(), [2, 1, 2, 1]);
    assert.throws(() => tg.unique(u(), { dim: 0 } as never), tg.ArgumentError);
  });
});

describe("mode", () => {
  const m = () =>
    tg.tensor([
      [1, 2, 2, 1, 3],
      [4, 4, 5, 5, 0],
      [7, 1, 7, 2, 7],
    ]);
  it("matches PyTorch (smallest of the most frequent, its last index)", () => {
    const r = tg.mode(m());
    assert.deepEqual(r.values.tolist(), [1, 4, 7]);
    assert.deepEqual(r.indices.tolist(), [3, 1, 4]);
    const c = tg.mode(m(), 0);
    assert.deepEqual(c.values.tolist(), [1, 1, 2, 1, 0]);
    assert.deepEqual(c.indices.tolist(), [0, 2, 0, 0, 1]);
    assert.deepEqual([...tg.mode(m(), 1, true).values.shape], [3, 1]);
    const t = tg.mode(tg.tensor([2, 1, 2, 1]));
    assert.equal(t.values.item(), 1);
    assert.equal(t.indices.item(), 3);
  });
  it("gradient flows to the chosen entries", () => {
    const x = tg.tensor([2, 1, 2, 1], { requiresGrad: true });
    tg.mode(x).values.backward();
    assertClose(x.grad!, [0, 0, 0, 1]);
    checkGrads((t) => tg.mode(t, 1).values, [[2, 3]]);
  });
});
