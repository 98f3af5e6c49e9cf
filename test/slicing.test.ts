import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, checkGrads, forEachBackend, tg } from "./helpers.ts";

// `get` follows Python/PyTorch indexing: x.get("1:3, :, -1") is x[1:3, :, -1].
// x = arange(60).reshape(4, 3, 5) has x[i][j][k] = 15i + 5j + k.
const x3 = () => tg.arange(60).reshape([4, 3, 5]);
const idx = (v: tg.NestedArray) => tg.tensor(v, { dtype: "int32" });

describe("get: basic slicing", () => {
  it('x.get("1:3, :, -1") is x[1:3, :, -1]', () => {
    forEachBackend(() => {
      const r = x3().get("1:3, :, -1");
      assertEqual(r, [
        [19, 24, 29],
        [34, 39, 44],
      ]);
    });
  });

  it("the same index given part by part, and with tg.slice", () => {
    const x = x3();
    assertEqual(x.get("1:3", ":", -1), x.get("1:3, :, -1").tolist());
    assertEqual(x.get(tg.slice(1, 3), tg.slice(), -1), x.get("1:3, :, -1").tolist());
  });

  it("steps", () => {
    const a = tg.arange(10);
    assertEqual(a.get("::2"), [0, 2, 4, 6, 8]);
    assertEqual(a.get("1::3"), [1, 4, 7]);
    assertEqual(a.get("1:8:3"), [1, 4, 7]);
    assertEqual(a.get(tg.slice(null, null, 4)), [0, 4, 8]);
    assertEqual(a.get(tg.slice(2, null, 5)), [2, 7]);
    assertEqual(a.get("::20"), [0]);
    const s = a.get("1::3");
    assert.deepEqual(s.stride(), [3]);
    assert.equal(s.storageOffset(), 1);
  });

  it("negative start and stop count from the end", () => {
    const a = tg.arange(10);
    assertEqual(a.get("-3:"), [7, 8, 9]);
    assertEqual(a.get(":-7"), [0, 1, 2]);
    assertEqual(a.get("-4:-1"), [6, 7, 8]);
    assertEqual(a.get("-2:-1"), [8]);
    assertEqual(a.get(tg.slice(-5, -1, 2)), [5, 7]);
  });

  it("out-of-range starts and stops clamp like Python", () => {
    const a = tg.arange(10);
    assertEqual(a.get("-100:100"), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assertEqual(a.get("8:100"), [8, 9]);
    assertEqual(a.get("8:100:5"), [8]);
    assertEqual(a.get(":-100"), []);
    assertEqual(a.get("100:"), []);
    assertEqual(a.get("5:2"), []);
    assertEqual(a.get("3:3"), []);
    assert.deepEqual(x3().get(":, 5:, 1:2").shape, [4, 0, 1]);
  });

  it("numbers select a dim away (negative too)", () => {
    const x = x3();
    assertEqual(x.get(-1, 0), [45, 46, 47, 48, 49]);
    assert.equal(x.get(2, -2, -5).item(), 35);
    assert.deepEqual(x.get(2, -2, -5).shape, []);
    assertEqual(x.get("0, 2"), [10, 11, 12, 13, 14]);
    assertEqual(x.get(1).get(1), [20, 21, 22, 23, 24]);
  });

  it("null / None adds a new axis", () => {
    const x = x3();
    assert.deepEqual(x.get(null).shape, [1, 4, 3, 5]);
    assert.deepEqual(x.get(":, None").shape, [4, 1, 3, 5]);
    assert.deepEqual(x.get("None, 0, None, :, None").shape, [1, 1, 3, 1, 5]);
    assert.deepEqual(x.get(":", ":", ":", null).shape, [4, 3, 5, 1]);
    assertEqual(tg.arange(3).get(":, None"), [[0], [1], [2]]);
    assertEqual(tg.tensor(7).get(null), [7]);
  });

  it('"..." stands for the dims not named', () => {
    const x = x3();
    assertEqual(x.get("..., 0"), [
      [0, 5, 10],
      [15, 20, 25],
      [30, 35, 40],
      [45, 50, 55],
    ]);
    assertEqual(x.get("1, ..., 3"), [18, 23, 28]);
    assert.deepEqual(x.get("...").shape, [4, 3, 5]);
    assert.deepEqual(x.get("0, 1, ..., 2").shape, []);
    assert.deepEqual(x.get("..., None").shape, [4, 3, 5, 1]);
    assert.deepEqual(x.get(null, "...", 1).shape, [1, 4, 3]);
    assert.throws(() => x.get("..., 0, ..."), tg.IndexError);
  });

  it("slices are views that share storage", () => {
    const x = tg.zeros([4, 4]);
    const v = x.get("1:3, ::3");
    assert.deepEqual(v.stride(), [4, 3]);
    assert.equal(v.storageOffset(), 4);
    v.fill_(1);
    assertEqual(x, [
      [0, 0, 0, 0],
      [1, 0, 0, 1],
      [1, 0, 0, 1],
      [0, 0, 0, 0],
    ]);
  });
});

describe("get: tensor indices", () => {
  it("a 1-D int32 tensor picks entries along its dim (repeats allowed)", () => {
    forEachBackend(() => {
      const x = x3();
      const r = x.get(idx([3, 0, 3]));
      assert.deepEqual(r.shape, [3, 3, 5]);
      assertEqual(r.get(":, 0, 0"), [45, 0, 45]);
      assertEqual(x.get(":", idx([2, 0]), 0), [
        [10, 0],
        [25, 15],
        [40, 30],
        [55, 45],
      ]);
    });
  });

  it("a 2-D int32 tensor gives that dim the index's shape", () => {
    const a = tg.arange(10).mul(10);
    assertEqual(
      a.get(
        idx([
          [1, 2],
          [9, 0],
        ]),
      ),
      [
        [10, 20],
        [90, 0],
      ],
    );
    const r = x3().get(
      "0",
      idx([
        [0, 1],
        [2, 2],
        [1, 0],
      ]),
    );
    assert.deepEqual(r.shape, [3, 2, 5]);
    assertEqual(r.get(":, :, 4"), [
      [4, 9],
      [14, 14],
      [9, 4],
    ]);
  });

  it("negative entries count from the end, as in PyTorch", () => {
    assertEqual(tg.arange(5).get(idx([-1, 0, -5])), [4, 0, 0]);
  });

  it("an out-of-range entry throws an IndexError", () => {
    assert.throws(
      () => tg.arange(5).get(idx([1, 5])),
      (e: unknown) => e instanceof tg.IndexError && /\b5\b/.test(e.message),
    );
    assert.throws(() => tg.arange(5).get(idx([-6])), tg.IndexError);
  });

  it("a tensor index copies (writes do not reach the base)", () => {
    const a = tg.arange(4);
    a.get(idx([1, 2])).fill_(0);
    assertEqual(a, [0, 1, 2, 3]);
  });

  it("gradient adds up over repeated entries", () => {
    const a = tg.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    a.get(idx([2, 0, 2]))
      .mul(tg.tensor([1, 10, 100]))
      .sum()
      .backward();
    assertEqual(a.grad!, [10, 0, 101]);
    checkGrads(
      (x) =>
        x.get(
          ":",
          idx([
            [2, 0],
            [0, 1],
          ]),
        ),
      [[2, 3]],
      { gradgrad: true },
    );
  });
});

describe("get: errors", () => {
  it("too many indices throws an IndexError", () => {
    assert.throws(
      () => x3().get("0, 0, 0, 0"),
      (e: unknown) => e instanceof tg.IndexError && e.message.includes("too many indices"),
    );
    assert.throws(() => tg.tensor(3).get(0), tg.IndexError);
    assert.throws(() => tg.arange(3).get(":, :"), tg.IndexError);
  });

  it("an index out of range throws an IndexError naming the index and the size", () => {
    const check = (e: unknown, index: number, size: number) =>
      e instanceof tg.IndexError && e.message.includes(`index ${index}`) && e.message.includes(`size ${size}`);
    assert.throws(
      () => x3().get(4),
      (e: unknown) => check(e, 4, 4),
    );
    assert.throws(
      () => x3().get(0, -4),
      (e: unknown) => check(e, -4, 3),
    );
    assert.throws(
      () => x3().get("..., 5"),
      (e: unknown) => check(e, 5, 5),
    );
  });

  it("a step of zero or less is an error", () => {
    const a = tg.arange(5);
    assert.throws(() => a.get("::0"), tg.ValueError);
    assert.throws(() => a.get("::-1"), tg.ValueError);
    assert.throws(() => a.get(tg.slice(null, null, -2)), tg.ValueError);
  });

  it("unreadable strings are errors", () => {
    const a = tg.arange(5);
    assert.throws(() => a.get("1:a"), tg.ValueError);
    assert.throws(() => a.get("1:2:3:4"), tg.ValueError);
    assert.throws(() => a.get(""), tg.ValueError);
  });

  it("bool masks select (x[mask], as PyTorch) and must match the indexed dims; float tensors are not indices", () => {
    assert.deepEqual(
      tg
        .arange(3)
        .get(tg.tensor([true, false, true]))
        .tolist(),
      [0, 2],
    );
    const x = tg.arange(12).reshape([3, 4]);
    assert.deepEqual(x.get(x.gt(8)).tolist(), [9, 10, 11]);
    assert.deepEqual(x.get(":", tg.tensor([true, false, false, true])).tolist(), [
      [0, 3],
      [4, 7],
      [8, 11],
    ]);
    assert.throws(() => tg.arange(3).get(tg.tensor([true, false])), tg.IndexError);
    assert.throws(() => tg.arange(3).get(tg.tensor([0, 1])), tg.DTypeError);
    checkGrads(
      (t) =>
        t.get(
          tg.tensor([
            [true, false, true],
            [false, true, true],
          ]),
        ),
      [[2, 3]],
    );
  });
});

describe("set", () => {
  it('x.set("0, :", 5) fills a row in place and returns x', () => {
    forEachBackend(() => {
      const x = tg.zeros([2, 3]);
      const r = x.set("0, :", 5);
      assert.equal(r, x);
      assertEqual(x, [
        [5, 5, 5],
        [0, 0, 0],
      ]);
    });
  });

  it("a tensor value broadcasts over the region", () => {
    const x = tg.zeros([3, 3]);
    x.set([tg.slice(0, 2)], tg.tensor([1, 2, 3]));
    assertEqual(x, [
      [1, 2, 3],
      [1, 2, 3],
      [0, 0, 0],
    ]);
    x.set(":, ::2", tg.tensor([[7], [8], [9]]));
    assertEqual(x, [
      [7, 2, 7],
      [8, 2, 8],
      [9, 0, 9],
    ]);
    assert.throws(() => x.set("0", tg.tensor([1, 2])), tg.TensorGradError);
  });

  it("writes through negative indices, steps and ellipsis", () => {
    const x = tg.zeros([2, 5], { dtype: "int32" });
    x.set("..., -2", 4);
    x.set([-1, tg.slice(null, null, 2)], 1);
    assertEqual(
      x,
      [
        [0, 0, 0, 4, 0],
        [1, 0, 1, 4, 1],
      ],
      "int32",
    );
  });

  it("writes are seen by views of the tensor", () => {
    const x = tg.zeros([2, 2]);
    const t = x.T;
    x.set("0, 1", 3);
    assertEqual(t, [
      [0, 0],
      [3, 0],
    ]);
  });

  it("a tensor index writes the entries it picks", () => {
    const x = tg.zeros([4, 2]);
    x.set(idx([0, -1]), tg.tensor([1, 2]));
    assertEqual(x, [
      [1, 2],
      [0, 0],
      [0, 0],
      [1, 2],
    ]);
  });

  it("on a non-leaf tensor it is differentiable: grad to the value, zero where overwritten", () => {
    const a = tg.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    const v = tg.tensor([10, 20, 30], { dtype: "float64", requiresGrad: true });
    const s = tg.tensor(0.5, { dtype: "float64", requiresGrad: true });
    const y = a.mul(1);
    y.set("0", v);
    y.set("1, 1:", s);
    assertEqual(y, [
      [10, 20, 30],
      [4, 0.5, 0.5],
    ]);
    const w = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    y.mul(w).sum().backward();
    assertEqual(a.grad!, [
      [0, 0, 0],
      [4, 0, 0],
    ]);
    assertEqual(v.grad!, [1, 2, 3]);
    // A broadcast scalar gets the sum of the gradients of the places it filled.
    assertEqual(s.grad!, 11);
  });

  it("passes gradcheck and gradgradcheck (the set region is a strided slice)", () => {
    checkGrads(
      (a, v) => {
        const y = a.mul(2);
        y.set("1:, ::2", v);
        return y.mul(y);
      },
      [
        [3, 4],
        [2, 2],
      ],
      { gradgrad: true },
    );
  });

  it("with a tensor index, gradient to the value and zero where overwritten", () => {
    const a = tg.ones([3], { dtype: "float64", requiresGrad: true });
    const v = tg.tensor([5, 6], { dtype: "float64", requiresGrad: true });
    const y = a.mul(3);
    y.set(idx([2, 0]), v);
    assertEqual(y, [6, 3, 5]);
    y.mul(tg.tensor([1, 2, 3]))
      .sum()
      .backward();
    assertEqual(a.grad!, [0, 6, 0]);
    assertEqual(v.grad!, [3, 1]);
  });

  it("on a leaf that requires grad it is refused outside noGrad, allowed inside", () => {
    const w = tg.zeros([2], { requiresGrad: true });
    assert.throws(() => w.set("0", 1), tg.AutogradError);
    tg.noGrad(() => w.set("0", 1));
    assertClose(w, [1, 0]);
  });
});
