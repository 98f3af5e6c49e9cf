import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, checkGrads, forEachBackend, tg } from "./helpers.ts";

// Expected values below are worked out by hand or with python3's math module.

/** [[1, -2, 3], [4, 0, -6]] as float32. */
const X = () =>
  tg.tensor([
    [1, -2, 3],
    [4, 0, -6],
  ]);
/** arange(24) reshaped to [2, 3, 4]: element [i, j, k] is 12i + 4j + k. */
const A = () => tg.arange(0, 24, 1, { dtype: "float64" }).reshape([2, 3, 4]);

/** Values of a bool tensor as numbers (0/1), after checking its dtype. */
function assertBool(actual: tg.Tensor, expected: tg.NestedArray): void {
  assert.equal(actual.dtype, "bool");
  assertEqual(actual.int(), expected);
}

/** Asserts `fn` throws a DimError whose message names `dim` and the range of valid dims. */
function assertDimError(fn: () => unknown, dim: number, ndim: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof tg.DimError, `expected DimError, got ${e}`);
    assert.match(e.message, new RegExp(`got ${dim}\\b`));
    assert.ok(e.message.includes(`[${-ndim}, ${ndim - 1}]`), `message should name the range: ${e.message}`);
    return true;
  });
}

describe("sum", () => {
  it("reduces all dims, one dim, negative dims, with and without keepdim", () => {
    forEachBackend(() => {
      const x = X();
      assertEqual(x.sum(), 0, "float32");
      assertEqual(x.sum(0), [5, -2, -3], "float32");
      assertEqual(x.sum(1), [2, -2]);
      assertEqual(x.sum(-1), [2, -2]);
      assertEqual(x.sum(-1, true), [[2], [-2]]);
      assertEqual(x.sum(0, true), [[5, -2, -3]]);
      assertEqual(x.sum(undefined, true), [[0]]);
      assertEqual(x.sum([0, 1]), 0);
    });
  });

  it("reduces several dims of a 3-D tensor, in any order and sign", () => {
    const a = A();
    assertEqual(a.sum([0, 2]), [60, 92, 124], "float64");
    assertEqual(a.sum([-1, 0]), [60, 92, 124]);
    assertEqual(a.sum([2, 0], true), [[[60], [92], [124]]]);
    // sum over dim 1: 3·(12i + k) + (0 + 4 + 8)
    assertEqual(a.sum(1), [
      [12, 15, 18, 21],
      [48, 51, 54, 57],
    ]);
    assertEqual(a.sum(), 276);
  });

  it("reads strided (transposed) inputs", () => {
    const t = X().T; // [[1, 4], [-2, 0], [3, -6]]
    assertEqual(t.sum(0), [2, -2]);
    assertEqual(t.sum(1), [5, -2, -3]);
    assertEqual(A().permute([2, 0, 1]).sum([1, 2]), [60, 66, 72, 78]);
  });

  it("sums ints and bools to int32, and empty dims to zero", () => {
    assertEqual(tg.tensor([1, 2, 3], { dtype: "int32" }).sum(), 6, "int32");
    assertEqual(tg.tensor([true, false, true]).sum(), 2, "int32");
    assertEqual(tg.zeros([2, 0]).sum(1), [0, 0]);
    assertEqual(tg.zeros([0]).sum(), 0);
  });

  it("accepts dim 0 and -1 on a 0-dim tensor", () => {
    assertEqual(tg.tensor(3).sum(0), 3);
    assertEqual(tg.tensor(3).sum(-1), 3);
  });
});

describe("mean", () => {
  it("averages over all, one and several dims", () => {
    const x = X();
    assertEqual(x.mean(), 0, "float32");
    assertEqual(x.mean(0), [2.5, -1, -1.5]);
    assertClose(x.mean(1), [2 / 3, -2 / 3]);
    assertClose(x.mean(-1, true), [[2 / 3], [-2 / 3]]);
    assertEqual(A().mean([-1, 0]), [7.5, 11.5, 15.5]);
    assertEqual(A().mean([0, 2], true), [[[7.5], [11.5], [15.5]]]);
  });

  it("of an empty tensor is NaN", () => {
    assert.ok(Number.isNaN(tg.zeros([0]).mean().item()));
  });

  it("throws DTypeError for int32 and bool inputs", () => {
    assert.throws(() => tg.tensor([1, 2], { dtype: "int32" }).mean(), tg.DTypeError);
    assert.throws(() => tg.tensor([true]).mean(), tg.DTypeError);
  });
});

describe("prod", () => {
  it("multiplies over all, one and several dims", () => {
    const x = X();
    assertClose(x.prod(), 0);
    assert.equal(x.prod().dtype, "float32");
    assertClose(x.prod(1), [-6, 0]);
    assertClose(x.prod(0), [4, 0, -18]);
    assertClose(x.prod(-1, true), [[-6], [0]]);
    const y = tg.tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    assertEqual(y.prod([0, 2]), [1 * 2 * 5 * 6, 3 * 4 * 7 * 8]);
    assertEqual(y.prod([-1, -2], true), [[[24]], [[1680]]]);
  });

  it("keeps int dtypes as int32 and gives 1 over an empty dim", () => {
    assertEqual(tg.tensor([2, 3, 4], { dtype: "int32" }).prod(), 24, "int32");
    assertEqual(tg.zeros([0]).prod(), 1);
    assertEqual(tg.zeros([2, 0]).prod(1), [1, 1]);
  });
});

describe("amax / amin / max / min", () => {
  it("amax and amin over all, one, several and negative dims", () => {
    const x = X();
    assertEqual(x.amax(), 4, "float32");
    assertEqual(x.amin(), -6, "float32");
    assertEqual(x.amax(0), [4, 0, 3]);
    assertEqual(x.amax(1), [3, 4]);
    assertEqual(x.amin(1), [-2, -6]);
    assertEqual(x.amin(-2), [1, -2, -6]);
    assertEqual(x.amax(-1, true), [[3], [4]]);
    assertEqual(A().amax([0, 2]), [15, 19, 23]);
    assertEqual(A().amin([-1, 0], true), [[[0], [4], [8]]]);
  });

  it("max()/min() with no dim return a 0-dim tensor", () => {
    const m = X().max();
    assert.ok(m instanceof tg.Tensor);
    assertEqual(m, 4);
    assertEqual(X().min(), -6);
    assertEqual(tg.max(X()), 4);
    assertEqual(tg.min(X()), -6);
    assertEqual(tg.tensor([3, 9, 1], { dtype: "int32" }).max(), 9, "int32");
  });

  it("max(dim)/min(dim) return {values, indices}, with keepdim", () => {
    const x = X();
    const mx = x.max(1);
    assertEqual(mx.values, [3, 4], "float32");
    assertEqual(mx.indices, [2, 0], "int32");
    const mn = x.min(0);
    assertEqual(mn.values, [1, -2, -6]);
    assertEqual(mn.indices, [0, 0, 1]);
    const k = x.max(-1, true);
    assertEqual(k.values, [[3], [4]]);
    assertEqual(k.indices, [[2], [0]]);
    const f = tg.min(x, 1, true);
    assertEqual(f.values, [[-2], [-6]]);
    assertEqual(f.indices, [[1], [2]]);
    const a = A().max(1);
    assertEqual(a.values, [
      [8, 9, 10, 11],
      [20, 21, 22, 23],
    ]);
    assertEqual(a.indices, [
      [2, 2, 2, 2],
      [2, 2, 2, 2],
    ]);
  });

  it("max(dim) returns the first index on ties", () => {
    const r = tg
      .tensor([
        [1, 5, 5],
        [7, 2, 7],
      ])
      .max(1);
    assertEqual(r.values, [5, 7]);
    assertEqual(r.indices, [1, 0]);
    assertEqual(tg.tensor([2, 0, 0]).min(0).indices, 1);
  });

  it("propagates NaN like PyTorch", () => {
    const x = tg.tensor([1, Number.NaN, 3]);
    assert.ok(Number.isNaN(x.amax().item()));
    assert.ok(Number.isNaN(x.amin().item()));
    assert.ok(Number.isNaN(x.max().item()));
    assert.ok(Number.isNaN(x.min().item()));
    // NaN first or last in the run, and per row.
    assert.ok(Number.isNaN(tg.tensor([Number.NaN, 1]).amax().item()));
    assert.ok(Number.isNaN(tg.tensor([5, 1, Number.NaN]).amax().item()));
    assertEqual(
      tg
        .tensor([
          [1, Number.NaN, 3],
          [4, 5, 6],
        ])
        .amax(1),
      [Number.NaN, 6],
    );
    const m = tg
      .tensor([
        [1, Number.NaN, 3],
        [4, 5, 6],
      ])
      .max(1);
    assertEqual(m.values, [Number.NaN, 6]);
    assertEqual(m.indices, [1, 2]);
    const n = tg.tensor([[1, 0, Number.NaN]]).min(1);
    assertEqual(n.values, [Number.NaN]);
    assertEqual(n.indices, [2]);
  });

  it("throws on an empty reduction", () => {
    assert.throws(() => tg.zeros([0]).amax(), tg.ValueError);
    assert.throws(() => tg.zeros([2, 0]).amin(1), tg.ValueError);
  });
});

describe("argmax / argmin", () => {
  it("over the flattened tensor and along dims, as int32", () => {
    const x = X();
    assertEqual(x.argmax(), 3, "int32");
    assertEqual(x.argmin(), 5, "int32");
    assertEqual(x.argmax(1), [2, 0]);
    assertEqual(x.argmin(1), [1, 2]);
    assertEqual(x.argmax(0), [1, 1, 0]);
    assertEqual(x.argmin(-2), [0, 0, 1]);
    assertEqual(x.argmax(1, true), [[2], [0]]);
    assertEqual(x.argmax(undefined, true), [[3]]);
    assertEqual(tg.argmax(A(), 1), [
      [2, 2, 2, 2],
      [2, 2, 2, 2],
    ]);
    assertEqual(tg.argmin(A(), 2), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it("reads strided inputs", () => {
    assertEqual(X().T.argmax(0), [2, 0]);
    assertEqual(X().T.argmin(1), [0, 0, 1]);
  });

  it("returns the first index on ties", () => {
    assertEqual(tg.tensor([1, 3, 3, 2]).argmax(), 1);
    assertEqual(tg.tensor([4, 0, 2, 0]).argmin(), 1);
    assertEqual(tg.tensor([7, 7, 7]).argmax(), 0);
    assertEqual(
      tg
        .tensor([
          [0, 2, 2],
          [1, 1, 0],
        ])
        .argmax(1),
      [1, 0],
    );
  });

  it("treats NaN as the extreme, like PyTorch", () => {
    assertEqual(tg.tensor([1, Number.NaN, 3]).argmax(), 1);
    assertEqual(tg.tensor([1, Number.NaN, -3]).argmin(), 1);
  });
});

describe("var / std", () => {
  it("over all elements with correction 0, 1 (default) and 2", () => {
    const v = tg.tensor([1, 2, 3, 4], { dtype: "float64" });
    // mean 2.5, Σ(x − mean)² = 5
    assertClose(v.var(), 5 / 3);
    assertClose(v.var(undefined, { correction: 0 }), 1.25);
    assertClose(v.var(undefined, { correction: 2 }), 2.5);
    assertClose(tg.var(v, 0, { correction: 1 }), 5 / 3);
    assertClose(v.std(), Math.sqrt(5 / 3));
    assertClose(v.std(0, { correction: 0 }), Math.sqrt(1.25));
    assertClose(tg.std(v, undefined, { correction: 2 }), Math.sqrt(2.5));
  });

  it("along dims, with keepdim", () => {
    const x = X();
    assertClose(x.var(1), [6.333333333333334, 25.333333333333336]);
    assertClose(x.var(-1, { correction: 0 }), [4.222222222222222, 16.88888888888889]);
    assertClose(x.var(0), [4.5, 2.0, 40.5]);
    assertClose(x.var(0, { keepdim: true }), [[4.5, 2.0, 40.5]]);
    assertClose(x.var(), 13.2);
    assertClose(x.var(undefined, { correction: 0 }), 11.0);
    assertClose(x.var([0, 1], { correction: 2 }), 16.5);
    assertClose(x.std(1), [2.5166114784235836, 5.033222956847167]);
    assertClose(x.std(1, { correction: 0, keepdim: true }), [[2.0548046676563256], [4.109609335312651]]);
    assertClose(x.std(), 3.63318042491699);
    assertClose(A().var([0, 2]), [42.57142857142857, 42.57142857142857, 42.57142857142857]);
    assertClose(A().var([-1, 0], { keepdim: true }), [[[42.57142857142857], [42.57142857142857], [42.57142857142857]]]);
  });

  it("of a single element with correction 1 is NaN (0/0)", () => {
    assert.ok(Number.isNaN(tg.tensor([5]).var().item()));
    assertEqual(tg.tensor([5]).var(undefined, { correction: 0 }), 0);
  });

  it("throws DTypeError for int inputs", () => {
    assert.throws(() => tg.tensor([1, 2], { dtype: "int32" }).var(), tg.DTypeError);
    assert.throws(() => tg.tensor([1, 2], { dtype: "int32" }).std(), tg.DTypeError);
  });
});

describe("logsumexp", () => {
  it("over one, several and negative dims, with keepdim", () => {
    const x = X().double();
    assertClose(x.logsumexp(1), [3.1328452337275756, 4.018194510281095]);
    assertClose(x.logsumexp(-1, true), [[3.1328452337275756], [4.018194510281095]]);
    assertClose(x.logsumexp([0, 1]), 4.363605283933464);
    assertClose(A().logsumexp([0, 2]), [15.440195842754672, 19.440195842754672, 23.440195842754672]);
    assertClose(A().logsumexp([-1, 0], true), [[[15.440195842754672], [19.440195842754672], [23.440195842754672]]]);
    assertClose(tg.logsumexp(tg.tensor([1, 2, 3]), 0), Math.log(Math.E + Math.E ** 2 + Math.E ** 3));
  });

  it("is stable for large logits", () => {
    const big = tg.tensor([1000, 1000], { dtype: "float64" }).logsumexp(0);
    assertClose(big, 1000 + Math.LN2, { atol: 1e-12, rtol: 0 });
    assertClose(tg.tensor([1000, 1000]).logsumexp(0), 1000 + Math.LN2, { atol: 1e-3, rtol: 0 });
    assertClose(tg.tensor([-1000, -1000], { dtype: "float64" }).logsumexp(0), -1000 + Math.LN2, { atol: 1e-12, rtol: 0 });
    assertClose(
      tg
        .tensor([
          [1000, 0],
          [-1000, -1000],
        ])
        .logsumexp(1),
      [1000, -1000 + Math.LN2],
      { atol: 1e-3, rtol: 0 },
    );
  });

  it("handles infinities: all −Inf gives −Inf, any +Inf gives +Inf", () => {
    assertEqual(tg.tensor([-Infinity, -Infinity]).logsumexp(0), -Infinity);
    assertEqual(tg.tensor([Infinity, 1]).logsumexp(0), Infinity);
    const rows = tg
      .tensor([
        [-Infinity, -Infinity, -Infinity],
        [-Infinity, 0, -Infinity],
      ])
      .logsumexp(1);
    assertEqual(rows, [-Infinity, 0]);
  });

  it("throws DTypeError for int inputs", () => {
    assert.throws(() => tg.tensor([1, 2], { dtype: "int32" }).logsumexp(0), tg.DTypeError);
  });
});

describe("norm", () => {
  const v = () => tg.tensor([3, -4, 0, 1], { dtype: "float64" });

  it("of a vector for p = 2, 1, ∞, −∞, 0, 3 and 'fro'", () => {
    assertClose(v().norm(), Math.sqrt(26));
    assertClose(v().norm(2), Math.sqrt(26));
    assertClose(v().norm("fro"), Math.sqrt(26));
    assertEqual(v().norm(1), 8);
    assertEqual(v().norm(Infinity), 4);
    assertEqual(v().norm(-Infinity), 0);
    assertEqual(tg.tensor([3, -4, 0.5, 1]).norm(-Infinity), 0.5);
    assertEqual(v().norm(0), 3, "float64");
    assertClose(v().norm(3), 4.514357435474001);
    assertClose(tg.norm(v(), 2), Math.sqrt(26));
  });

  it("along dims, with keepdim", () => {
    const m = tg.tensor([
      [3, -4],
      [0, 1],
    ]);
    assertClose(m.norm(2, 1), [5, 1]);
    assertClose(m.norm(1, 0), [3, 5]);
    assertClose(m.norm("fro", [0, 1]), Math.sqrt(26));
    assertEqual(m.norm(Infinity, -1, true), [[4], [1]]);
    assertEqual(m.norm(-Infinity, 0), [0, 1]);
    assertEqual(m.norm(0, 1), [2, 1]);
    assertClose(X().norm(3, 1), [3.3019272488946263, 6.542132620377179]);
    assertClose(A().norm(2, [1, 2]), [22.494443758403985, 61.78996682310163]);
    assertClose(A().norm(2, [-1, -2], true), [[[22.494443758403985]], [[61.78996682310163]]]);
  });

  it("throws DTypeError for int inputs", () => {
    assert.throws(() => tg.tensor([3, 4], { dtype: "int32" }).norm(), tg.DTypeError);
  });
});

describe("all / any", () => {
  it("over all elements and along dims", () => {
    const x = tg.tensor([
      [1, 0],
      [2, 3],
    ]);
    assertBool(x.all(), 0);
    assertBool(x.any(), 1);
    assertBool(x.all(1), [0, 1]);
    assertBool(x.all(0), [1, 0]);
    assertBool(x.any(-1, true), [[1], [1]]);
    assertBool(tg.zeros([2, 2]).any(), 0);
    assertBool(tg.ones([2, 2]).all(), 1);
    assertBool(
      tg
        .tensor([
          [true, false],
          [false, false],
        ])
        .any(0),
      [1, 0],
    );
    assertBool(
      tg
        .tensor([
          [true, true],
          [false, true],
        ])
        .all(1),
      [1, 0],
    );
    assertBool(tg.tensor([0, -1], { dtype: "int32" }).any(), 1);
    assertBool(tg.tensor([Number.NaN, 1]).all(), 1);
    assertBool(tg.all(tg.tensor([1, 1, 0])), 0);
    assertBool(tg.any(tg.tensor([0, 0, 2])), 1);
  });

  it("of empty tensors: all → true, any → false", () => {
    assertBool(tg.zeros([0]).all(), 1);
    assertBool(tg.zeros([0]).any(), 0);
    assertBool(tg.zeros([2, 0]).all(1), [1, 1]);
    assertBool(tg.zeros([2, 0]).any(1), [0, 0]);
    assertBool(tg.tensor([], { dtype: "bool" }).any(), 0);
    assertBool(tg.tensor([], { dtype: "bool" }).all(), 1);
  });
});

describe("cumsum", () => {
  it("runs along one dim, negative dims, 3-D and strided inputs", () => {
    const x = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertEqual(x.cumsum(0), [
      [1, 2, 3],
      [5, 7, 9],
    ]);
    assertEqual(x.cumsum(1), [
      [1, 3, 6],
      [4, 9, 15],
    ]);
    assertEqual(x.cumsum(-1), [
      [1, 3, 6],
      [4, 9, 15],
    ]);
    assertEqual(tg.arange(12).reshape([2, 3, 2]).cumsum(1), [
      [
        [0, 1],
        [2, 4],
        [6, 9],
      ],
      [
        [6, 7],
        [14, 16],
        [24, 27],
      ],
    ]);
    assertEqual(X().T.cumsum(0), [
      [1, 4],
      [-1, 4],
      [2, -2],
    ]);
    assertEqual(tg.tensor(5).cumsum(0), 5);
  });

  it("turns int and bool inputs into int32", () => {
    assertEqual(tg.tensor([1, 2, 3], { dtype: "int32" }).cumsum(0), [1, 3, 6], "int32");
    assertEqual(tg.tensor([true, false, true]).cumsum(0), [1, 1, 2], "int32");
    assertEqual(tg.tensor([1.5, 2]).cumsum(0), [1.5, 3.5], "float32");
  });
});

describe("dim errors", () => {
  it("out-of-range dims throw DimError naming the dim and the range", () => {
    const x = X();
    assertDimError(() => x.sum(2), 2, 2);
    assertDimError(() => x.sum(-3), -3, 2);
    assertDimError(() => x.sum([0, 5]), 5, 2);
    assertDimError(() => x.mean(2), 2, 2);
    assertDimError(() => x.prod(-3), -3, 2);
    assertDimError(() => x.amax(2), 2, 2);
    assertDimError(() => x.amin(3), 3, 2);
    assertDimError(() => x.max(2), 2, 2);
    assertDimError(() => x.min(-3), -3, 2);
    assertDimError(() => x.argmax(2), 2, 2);
    assertDimError(() => x.argmin(-5), -5, 2);
    assertDimError(() => x.var(2), 2, 2);
    assertDimError(() => x.std([1, 2]), 2, 2);
    assertDimError(() => x.logsumexp(2), 2, 2);
    assertDimError(() => x.norm(2, 3), 3, 2);
    assertDimError(() => x.all(2), 2, 2);
    assertDimError(() => x.any(-3), -3, 2);
    assertDimError(() => x.cumsum(2), 2, 2);
    assertDimError(() => A().sum(3), 3, 3);
    assertDimError(() => tg.tensor(1).sum(1), 1, 1);
  });

  it("a repeated dim throws DimError", () => {
    assert.throws(() => X().sum([0, 0]), tg.DimError);
    assert.throws(() => X().sum([1, -1]), tg.DimError);
  });
});

describe("reduction gradients (gradcheck, float64)", () => {
  it("sum, with second derivatives", () => {
    checkGrads((x) => x.sum(), [[2, 3]], { gradgrad: true });
    checkGrads((x) => x.sum([0, 2]), [[2, 3, 4]], { gradgrad: true });
    checkGrads((x) => x.sum(-1, true).mul(x), [[3, 4]], { gradgrad: true });
  });

  it("mean, with second derivatives", () => {
    checkGrads((x) => x.mean(), [[2, 3]], { gradgrad: true });
    checkGrads((x) => x.mean([-1, 0], true).square(), [[2, 3, 4]], { gradgrad: true });
  });

  it("prod, with second derivatives", () => {
    checkGrads((x) => x.prod(), [[2, 3]], { gradgrad: true });
    checkGrads((x) => x.prod(1), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.prod([0, 2], true), [[2, 3, 2]], { gradgrad: true });
  });

  it("amax, amin, max(dim).values, min(dim).values", () => {
    checkGrads((x) => x.amax(), [[3, 4]]);
    checkGrads((x) => x.amax(1), [[3, 4]]);
    checkGrads((x) => x.amin([0, 2], true), [[2, 3, 4]]);
    checkGrads((x) => x.max(1).values, [[3, 4]]);
    checkGrads((x) => x.min(0, true).values, [[3, 4]]);
    checkGrads((x) => x.max(), [[5]]);
    checkGrads((x) => x.min(), [[5]]);
  });

  it("var and std for several corrections, var with second derivatives", () => {
    checkGrads((x) => x.var(), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.var(1, { correction: 0 }), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.var([0, 2], { correction: 2, keepdim: true }), [[2, 3, 4]], { gradgrad: true });
    checkGrads((x) => x.std(), [[3, 4]]);
    checkGrads((x) => x.std(-1, { correction: 0, keepdim: true }), [[3, 4]]);
    checkGrads((x) => x.std(0, { correction: 2 }), [[5, 2]]);
  });

  it("logsumexp, with second derivatives", () => {
    checkGrads((x) => x.logsumexp(1), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.logsumexp([0, 2], true), [[2, 3, 4]], { gradgrad: true });
    checkGrads((x) => x.mul(300).logsumexp(-1), [[2, 3]]);
  });

  it("norm for every p, with second derivatives", () => {
    checkGrads((x) => x.norm(), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.norm(2, 1), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.norm("fro", [0, 1], true), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.norm(3, -1), [[3, 4]], { gradgrad: true });
    checkGrads((x) => x.norm(1, 0), [[3, 4]]);
    checkGrads((x) => x.norm(Infinity, 1), [[3, 4]]);
    checkGrads((x) => x.norm(-Infinity), [[3, 4]]);
  });

  it("cumsum", () => {
    checkGrads((x) => x.cumsum(0), [[4, 3]], { gradgrad: true });
    checkGrads((x) => x.cumsum(-1), [[2, 3, 4]]);
  });
});

describe("reduction gradients at special points", () => {
  const gradOf = (values: number[], f: (x: tg.Tensor) => tg.Tensor): number[] => {
    const x = tg.tensor(values, { dtype: "float64", requiresGrad: true });
    f(x).backward();
    assert.ok(x.grad);
    return Array.from(x.grad.toArray(), Number);
  };

  it("prod with zeros: the product of the others where one zero, else 0", () => {
    assert.deepEqual(
      gradOf([2, 0, 3], (x) => x.prod()),
      [0, 6, 0],
    );
    assert.deepEqual(
      gradOf([0, 0, 3], (x) => x.prod()),
      [0, 0, 0],
    );
    assert.deepEqual(
      gradOf([2, 5, 3], (x) => x.prod()),
      [15, 6, 10],
    );
    const m = tg.tensor(
      [
        [2, 0, 3],
        [0, 0, 3],
        [1, 2, 4],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    m.prod(1).sum().backward();
    assertEqual(m.grad as tg.Tensor, [
      [0, 6, 0],
      [0, 0, 0],
      [8, 4, 2],
    ]);
  });

  it("prod with zeros has finite, correct second derivatives (one, two and three zeros)", () => {
    const x = tg.tensor(
      [
        [2, 0, 3],
        [1, 2, 4],
        [0, 0, 5],
        [0, 0, 0],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    assert.equal(
      tg.autograd.gradcheck((t) => t.prod(1), [x]),
      true,
    );
    assert.equal(
      tg.autograd.gradgradcheck((t) => t.prod(1), [x]),
      true,
    );
    assert.equal(
      tg.autograd.gradgradcheck((t) => t.prod(), [x]),
      true,
    );
    // For [0, 0, 3]: d/dx1 of (d prod/dx0 = x1·x2) is x2 = 3; for [2, 0, 3]: d/dx0 of (d prod/dx1 = x0·x2) is 3.
    const second = (values: number[], i: number): number[] => {
      const v = tg.tensor(values, { dtype: "float64", requiresGrad: true });
      const [g] = tg.autograd.grad([v.prod()], [v], { createGraph: true });
      assert.ok(g);
      const [h] = tg.autograd.grad([g.select(0, i)], [v]);
      assert.ok(h);
      return Array.from(h.toArray(), Number);
    };
    assert.deepEqual(second([0, 0, 3], 0), [0, 3, 0]);
    assert.deepEqual(second([2, 0, 3], 1), [3, 0, 2]);
    assert.deepEqual(second([0, 0, 0], 0), [0, 0, 0]);
  });

  it("amax/amin ties share the gradient evenly", () => {
    assert.deepEqual(
      gradOf([1, 3, 3], (x) => x.amax()),
      [0, 0.5, 0.5],
    );
    assert.deepEqual(
      gradOf([2, 1, 1, 1], (x) => x.amin()),
      [0, 1 / 3, 1 / 3, 1 / 3],
    );
    assert.deepEqual(
      gradOf([1, 3, 3], (x) => x.max()),
      [0, 0.5, 0.5],
    );
    const m = tg.tensor(
      [
        [2, 2],
        [1, 3],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    m.amax(1).sum().backward();
    assertEqual(m.grad as tg.Tensor, [
      [0.5, 0.5],
      [0, 1],
    ]);
  });

  it("max(dim).values sends the gradient only to the selected index", () => {
    const m = tg.tensor(
      [
        [1, 5, 5],
        [7, 2, 7],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    m.max(1)
      .values.mul(tg.tensor([2, 3], { dtype: "float64" }))
      .sum()
      .backward();
    assertEqual(m.grad as tg.Tensor, [
      [0, 2, 0],
      [3, 0, 0],
    ]);
    const n = tg.tensor([[4, 1, 1]], { dtype: "float64", requiresGrad: true });
    n.min(1, true).values.sum().backward();
    assertEqual(n.grad as tg.Tensor, [[0, 1, 0]]);
  });

  it("norm at the zero vector has gradient 0, not NaN", () => {
    assert.deepEqual(
      gradOf([0, 0, 0], (x) => x.norm()),
      [0, 0, 0],
    );
    assert.deepEqual(
      gradOf([0, 0, 0], (x) => x.norm(3)),
      [0, 0, 0],
    );
    assert.deepEqual(
      gradOf([0, 0, 0], (x) => x.norm(1)),
      [0, 0, 0],
    );
    const m = tg.tensor(
      [
        [0, 0],
        [3, 4],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    m.norm(2, 1).sum().backward();
    assertClose(m.grad as tg.Tensor, [
      [0, 0],
      [0.6, 0.8],
    ]);
  });

  it("hand-checked gradients of mean, var and logsumexp", () => {
    assert.deepEqual(
      gradOf([1, 2, 3, 4], (x) => x.mean()),
      [0.25, 0.25, 0.25, 0.25],
    );
    // d var / dx_i = 2 (x_i − mean) / (n − 1)
    const g = gradOf([1, 2, 3, 4], (x) => x.var());
    assertClose(tg.tensor(g, { dtype: "float64" }), [-1, -1 / 3, 1 / 3, 1], { atol: 1e-12, rtol: 0 });
    // softmax of [1000, 1000] is [0.5, 0.5]
    assert.deepEqual(
      gradOf([1000, 1000], (x) => x.logsumexp(0)),
      [0.5, 0.5],
    );
    assert.deepEqual(
      gradOf([1, 2, 3], (x) => x.cumsum(0).sum()),
      [3, 2, 1],
    );
  });
});
