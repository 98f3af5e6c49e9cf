import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// cdist and einsum (issue 11, part 2): forward values are PyTorch 2's, gradients go through gradcheck in float64.

describe("cdist", () => {
  const a = () =>
    tg.tensor([
      [0, 1, 2],
      [1, -1, 0.5],
    ]);
  const b = () =>
    tg.tensor([
      [1, 0, 0],
      [2, 2, 1],
      [0, -3, 1],
      [1, 1, 1],
    ]);
  it("forward values match PyTorch for p = 2, 1, 0, inf, 3", () => {
    assertClose(tg.cdist(a(), b()), [
      [2.4494898319244385, 2.4494898319244385, 4.123105525970459, 1.4142135381698608],
      [1.1180340051651, 3.2015621662139893, 2.291287899017334, 2.0615527629852295],
    ]);
    assertClose(tg.cdist(a(), b(), 1), [
      [4, 4, 5, 2],
      [1.5, 4.5, 3.5, 2.5],
    ]);
    assertClose(tg.cdist(a(), b(), { p: 0 }), [
      [3, 3, 2, 2],
      [2, 3, 3, 2],
    ]);
    assertClose(tg.cdist(a(), b(), Number.POSITIVE_INFINITY), [
      [2, 2, 4, 1],
      [1, 3, 2, 2],
    ]);
    assertClose(tg.cdist(a(), b(), 3), [
      [2.1544346809387207, 2.1544346809387207, 4.020725727081299, 1.2599210739135742],
      [1.0400419235229492, 3.0411009788513184, 2.089669704437256, 2.0103628635406494],
    ]);
    // Batched: [2, 2, 3] x [4, 3] broadcasts to [2, 2, 4].
    assert.deepEqual([...tg.cdist(tg.stack([a(), a()]), b()).shape], [2, 2, 4]);
  });
  it("errors", () => {
    assert.throws(() => tg.cdist(a(), tg.ones([2, 2])), tg.ShapeError);
    assert.throws(() => tg.cdist(a(), b(), -1), tg.ArgumentError);
    assert.throws(() => tg.cdist(a(), b().int()), tg.DTypeError);
    assert.throws(() => tg.cdist(a(), b(), { q: 2 } as never), tg.ArgumentError);
  });
  it("gradcheck", () => {
    checkGrads(
      (x, y) => tg.cdist(x, y),
      [
        [3, 2],
        [4, 2],
      ],
    );
    checkGrads(
      (x, y) => tg.cdist(x, y, 1),
      [
        [3, 2],
        [4, 2],
      ],
    );
    checkGrads(
      (x, y) => tg.cdist(x, y, 3),
      [
        [2, 3],
        [2, 3],
      ],
    );
  });
});

describe("einsum", () => {
  const A = () => tg.arange(6).float().reshape([2, 3]);
  const B = () => tg.arange(12).float().reshape([3, 4]).sub(4);
  it("explicit and implicit forms match PyTorch", () => {
    const ab = [
      [8, 11, 14, 17],
      [8, 20, 32, 44],
    ];
    assertClose(tg.einsum("ij,jk->ik", A(), B()), ab);
    assertClose(tg.einsum("ij,jk", A(), B()), ab);
    assertClose(tg.einsum("ij, jk -> ik", [A(), B()]), ab);
    assertClose(tg.einsum("ji", A()), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const M = tg.arange(9).float().reshape([3, 3]);
    assertClose(tg.einsum("ii->i", M), [0, 4, 8]);
    assertClose(tg.einsum("ii", M), 12);
    assertClose(tg.einsum("i,j->ij", tg.tensor([1, 2]), tg.tensor([3, 4, 5])), [
      [3, 4, 5],
      [6, 8, 10],
    ]);
    const X = tg.arange(24).float().reshape([2, 3, 4]);
    assertClose(tg.einsum("bij,bjk->bik", X, X.transpose(1, 2)), [
      [
        [14, 38, 62],
        [38, 126, 214],
        [62, 214, 366],
      ],
      [
        [734, 950, 1166],
        [950, 1230, 1510],
        [1166, 1510, 1854],
      ],
    ]);
  });
  it("ellipsis", () => {
    const X = tg.arange(24).float().reshape([2, 3, 4]);
    assert.deepEqual([...tg.einsum("...ij->...ji", X).shape], [2, 4, 3]);
    assertClose(tg.einsum("...ij->...ji", X), X.transpose(1, 2));
    assertClose(tg.einsum("b...,b->...", X, tg.tensor([1, -1])), tg.full([3, 4], -12));
  });
  it("errors", () => {
    assert.throws(() => tg.einsum("ij,jk->ik", A(), A()), tg.ShapeError);
    assert.throws(() => tg.einsum("ij,jk->ik", A()), tg.ValueError);
    assert.throws(() => tg.einsum("ij->iz", A()), tg.ValueError);
    assert.throws(() => tg.einsum("ijk->i", A()), tg.ShapeError);
  });
  it("gradcheck", () => {
    checkGrads(
      (a, b) => tg.einsum("ij,jk->ik", a, b),
      [
        [2, 3],
        [3, 4],
      ],
      { gradgrad: true },
    );
    checkGrads((a, b, c) => tg.einsum("bi,bij,j->b", a, b, c), [[2, 3], [2, 3, 4], [4]]);
    checkGrads((a) => tg.einsum("ii->i", a), [[3, 3]]);
    checkGrads(
      (a, b) => tg.einsum("...ij,...jk", a, b),
      [
        [2, 2, 3],
        [3, 2],
      ],
    );
  });
});

describe("einsum contracts pair by pair", () => {
  it("a large matmul-shaped equation equals matmul (no [i, j, k] intermediate)", () => {
    const g = new tg.Generator(3);
    const a = tg.randn([300, 400], { generator: g });
    const b = tg.randn([400, 500], { generator: g });
    assertClose(tg.einsum("ij,jk->ik", a, b), a.matmul(b), { atol: 1e-3 });
    const x = tg.randn([4, 5, 6], { generator: g });
    assertClose(tg.einsum("bij,bjk->bik", x, x.transpose(1, 2)), x.matmul(x.transpose(1, 2)), { atol: 1e-4 });
    // A label summed away on one operand only, and an outer product with a broadcast batch label.
    assertClose(tg.einsum("ij,k->k", tg.ones([2, 3]), tg.tensor([1, 2])), [6, 12]);
    assertClose(tg.einsum("bi,bj->bij", tg.ones([1, 2]), tg.ones([3, 2])), tg.ones([3, 2, 2]));
  });
});
