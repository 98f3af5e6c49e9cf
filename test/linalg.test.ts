import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, checkGrads, forEachBackend, tg } from "./helpers.ts";

/** The product of two 2-D tensors by the textbook triple loop, in doubles. */
function naiveMatmul(a: tg.Tensor, b: tg.Tensor): tg.Tensor {
  const [m, k] = a.shape;
  const n = b.shape[1];
  assert.equal(b.shape[0], k);
  const A = a.toArray();
  const B = b.toArray();
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += Number(A[i * k + p]) * Number(B[p * n + j]);
      C[i * n + j] = s;
    }
  }
  return tg.tensor(C).reshape([m, n]);
}

const randn = (shape: number[], seed: number, dtype: tg.DType = "float32") => tg.randn(shape, { dtype, generator: new tg.Generator(seed) });

const F32 = { atol: 1e-4, rtol: 1e-4 };

/**
 * `assertClose` for large results: assertClose builds its failure message (both tensors, formatted) for every
 * element it checks, which takes seconds on 10⁴ elements, so check in bulk first and call it only to report.
 */
function assertCloseLarge(actual: tg.Tensor, expected: tg.Tensor, options = F32): void {
  assert.deepEqual([...actual.shape], [...expected.shape]);
  const a = actual.toArray();
  const e = expected.toArray();
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (!(Math.abs(x - y) <= options.atol + options.rtol * Math.abs(y))) assertClose(actual, expected, options);
  }
}

/** Asserts `fn` throws an error of class `cls` whose message contains every one of `parts`. */
function assertThrowsNaming(fn: () => unknown, cls: typeof tg.TensorGradError, parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message should name ${p}: ${e.message}`);
    return true;
  });
}

const P = () =>
  tg.tensor([
    [1, 2],
    [3, 4],
  ]);
const Q = () =>
  tg.tensor([
    [5, 6],
    [7, 8],
  ]);

describe("matmul forward (PyTorch's rank rules)", () => {
  it("1-D · 1-D is a dot product with a 0-dim result", () => {
    forEachBackend(() => {
      const r = tg.tensor([1, 2, 3]).matmul(tg.tensor([4, 5, 6]));
      assert.deepEqual([...r.shape], []);
      assertEqual(r, 32, "float32");
    });
  });

  it("1-D · 2-D treats the vector as a row and drops that dim", () => {
    assertEqual(tg.tensor([1, 2]).matmul(Q()), [19, 22]);
    assertEqual(
      tg.matmul(
        tg.tensor([1, 0, -1]),
        tg.tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
      [-4, -4],
    );
  });

  it("2-D · 1-D treats the vector as a column and drops that dim", () => {
    assertEqual(P().matmul(tg.tensor([5, 6])), [17, 39]);
  });

  it("2-D · 2-D", () => {
    forEachBackend(() => {
      assertEqual(P().matmul(Q()), [
        [19, 22],
        [43, 50],
      ]);
      assertEqual(tg.tensor([[1, 2, 3]]).matmul(tg.tensor([[1], [1], [1]])), [[6]]);
    });
  });

  it("batched 3-D · 3-D", () => {
    const a = tg.stack([P(), tg.eye(2)]);
    const b = tg.stack([
      Q(),
      tg.tensor([
        [2, 3],
        [4, 5],
      ]),
    ]);
    assertEqual(a.matmul(b), [
      [
        [19, 22],
        [43, 50],
      ],
      [
        [2, 3],
        [4, 5],
      ],
    ]);
  });

  it("1-D with a batch on the other side", () => {
    const b = tg.arange(0, 24, 1, { dtype: "float32" }).reshape([2, 3, 4]);
    // [1, 1, 1] · b[i] sums its rows
    assertEqual(tg.ones([3]).matmul(b), [
      [12, 15, 18, 21],
      [48, 51, 54, 57],
    ]);
    // b[i] · [1, 1, 1, 1] sums its columns: 4·(12i + 4j) + 6
    assertEqual(b.matmul(tg.ones([4])), [
      [6, 22, 38],
      [54, 70, 86],
    ]);
  });

  it("broadcasts batch dims: [2,1,3,4]·[5,4,2] → [2,5,3,2]", () => {
    const a = randn([2, 1, 3, 4], 1);
    const b = randn([5, 4, 2], 2);
    const c = a.matmul(b);
    assert.deepEqual([...c.shape], [2, 5, 3, 2]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 5; j++) {
        assertClose(c.select(0, i).select(0, j), naiveMatmul(a.select(0, i).select(0, 0), b.select(0, j)), F32);
      }
    }
    // A 2-D operand broadcasts against a batch too.
    const d = randn([3, 4], 3).matmul(randn([6, 4, 5], 4));
    assert.deepEqual([...d.shape], [6, 3, 5]);
    assert.deepEqual([...randn([7, 1, 2, 3], 5).matmul(randn([1, 4, 3, 2], 6)).shape], [7, 4, 2, 2]);
  });

  it("reads transposed and strided operands", () => {
    assertEqual(P().T.matmul(Q()), [
      [26, 30],
      [38, 44],
    ]);
    assertEqual(P().matmul(Q().T), [
      [17, 23],
      [39, 53],
    ]);
    const a = randn([3, 5, 4], 7);
    const b = randn([3, 5, 6], 8);
    const c = a.mT.matmul(b);
    assert.deepEqual([...c.shape], [3, 4, 6]);
    for (let i = 0; i < 3; i++) assertClose(c.select(0, i), naiveMatmul(a.select(0, i).T.contiguous(), b.select(0, i)), F32);
    // A sliced window with an offset and a step.
    const big = randn([6, 8], 9);
    const win = big.get("1:4, ::2"); // [3, 4]
    const w = randn([4, 3], 10);
    assertClose(win.matmul(w), naiveMatmul(win.contiguous(), w), F32);
    // An expanded (stride-0) operand.
    const row = tg.tensor([[1, 2, 3]]).expand([4, 3]);
    assertEqual(row.matmul(tg.tensor([[1], [0], [2]])), [[7], [7], [7], [7]]);
  });

  it("odd non-square shapes match a naive triple loop", () => {
    const a = randn([7, 13], 11);
    const b = randn([13, 5], 12);
    assertClose(a.matmul(b), naiveMatmul(a, b), F32);
    const c = randn([1, 9], 13);
    const d = randn([9, 1], 14);
    assertClose(c.matmul(d), naiveMatmul(c, d), F32);
  });

  it("sizes past the cache blocks (k > 128, n > 256) match a naive triple loop", () => {
    // k = 259 ends on a one-row remainder block; n = 300 spans two column blocks.
    const a = randn([33, 259], 21);
    const b = randn([259, 300], 22);
    assertCloseLarge(a.matmul(b), naiveMatmul(a, b), F32);
    // Transposed operands of the same sizes.
    const at = randn([259, 33], 23);
    const bt = randn([300, 259], 24);
    assertCloseLarge(at.T.matmul(bt.T), naiveMatmul(at.T.contiguous(), bt.T.contiguous()), F32);
    // Batched, with exactly one full block plus one.
    const x = randn([2, 5, 129], 25);
    const y = randn([129, 257], 26);
    const z = x.matmul(y);
    for (let i = 0; i < 2; i++) assertCloseLarge(z.select(0, i), naiveMatmul(x.select(0, i), y), F32);
    // float64 matches to rounding.
    const p = randn([17, 260], 27, "float64");
    const q = randn([260, 270], 28, "float64");
    const r = p.matmul(q);
    assert.equal(r.dtype, "float64");
    assertCloseLarge(r, naiveMatmul(p, q), { atol: 1e-10, rtol: 1e-10 });
  });

  it("keeps the dtype: int32 and float64", () => {
    assertEqual(tg.tensor([[1, 2]], { dtype: "int32" }).matmul(tg.tensor([[3], [4]], { dtype: "int32" })), [[11]], "int32");
    assertEqual(
      P().double().matmul(Q().double()),
      [
        [19, 22],
        [43, 50],
      ],
      "float64",
    );
  });

  it("handles zero-size dims", () => {
    assertEqual(tg.ones([2, 0]).matmul(tg.ones([0, 3])), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual([...tg.ones([0, 3]).matmul(tg.ones([3, 2])).shape], [0, 2]);
    assert.deepEqual([...tg.ones([0, 2, 3]).matmul(tg.ones([3, 2])).shape], [0, 2, 2]);
  });

  it("does not modify its inputs", () => {
    const a = P();
    const b = Q();
    a.matmul(b);
    assertEqual(a, [
      [1, 2],
      [3, 4],
    ]);
    assertEqual(b, [
      [5, 6],
      [7, 8],
    ]);
  });
});

describe("mm, bmm, dot, outer", () => {
  it("mm multiplies two matrices", () => {
    assertEqual(P().mm(Q()), [
      [19, 22],
      [43, 50],
    ]);
    assertEqual(tg.mm(tg.tensor([[1, 2, 3]]), tg.tensor([[1], [2], [3]])), [[14]]);
    const a = randn([7, 13], 31);
    const b = randn([13, 5], 32);
    assertClose(tg.mm(a, b), naiveMatmul(a, b), F32);
  });

  it("bmm multiplies batches of matrices", () => {
    const a = randn([4, 3, 6], 33);
    const b = randn([4, 6, 2], 34);
    const c = a.bmm(b);
    assert.deepEqual([...c.shape], [4, 3, 2]);
    for (let i = 0; i < 4; i++) assertClose(c.select(0, i), naiveMatmul(a.select(0, i), b.select(0, i)), F32);
    assertEqual(tg.bmm(tg.stack([P(), Q()]), tg.stack([tg.eye(2), tg.eye(2).mul(2)])), [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [10, 12],
        [14, 16],
      ],
    ]);
  });

  it("dot gives a 0-dim tensor", () => {
    const d = tg.tensor([1, 2, 3]).dot(tg.tensor([4, -5, 6]));
    assert.deepEqual([...d.shape], []);
    assertEqual(d, 12);
    assertEqual(tg.dot(tg.tensor([2], { dtype: "int32" }), tg.tensor([3], { dtype: "int32" })), 6, "int32");
  });

  it("outer gives [n] ⊗ [m] → [n, m]", () => {
    assertEqual(tg.tensor([1, 2]).outer(tg.tensor([3, 4, 5])), [
      [3, 4, 5],
      [6, 8, 10],
    ]);
    assertEqual(tg.outer(tg.tensor([-1]), tg.tensor([2, 0])), [[-2, -0]]);
  });
});

describe("linalg errors", () => {
  it("shape mismatches throw ShapeError naming both shapes", () => {
    assertThrowsNaming(() => tg.ones([2, 3]).matmul(tg.ones([4, 2])), tg.ShapeError, ["[2, 3]", "[4, 2]"]);
    assertThrowsNaming(() => tg.ones([3]).matmul(tg.ones([4, 2])), tg.ShapeError, ["[3]", "[4, 2]"]);
    assertThrowsNaming(() => tg.ones([2, 3]).matmul(tg.ones([4])), tg.ShapeError, ["[2, 3]", "[4]"]);
    assertThrowsNaming(() => tg.ones([3]).matmul(tg.ones([4])), tg.ShapeError, ["[3]", "[4]"]);
    assertThrowsNaming(() => tg.ones([2, 3, 4]).matmul(tg.ones([3, 4, 5])), tg.ShapeError, ["[2, 3, 4]", "[3, 4, 5]"]);
    assertThrowsNaming(() => tg.ones([5, 3, 4]).matmul(tg.ones([2, 5, 5])), tg.ShapeError, ["[5, 3, 4]", "[2, 5, 5]"]);
    assertThrowsNaming(() => tg.ones([]).matmul(tg.ones([4])), tg.ShapeError, ["[]", "[4]"]);
    assertThrowsNaming(() => tg.ones([2, 3]).mm(tg.ones([2, 3])), tg.ShapeError, ["[2, 3]"]);
    assertThrowsNaming(() => tg.ones([3]).mm(tg.ones([3, 4])), tg.ShapeError, ["[3]", "[3, 4]"]);
    assertThrowsNaming(() => tg.ones([2, 3, 4]).bmm(tg.ones([3, 4, 5])), tg.ShapeError, ["[2, 3, 4]", "[3, 4, 5]"]);
    assertThrowsNaming(() => tg.ones([2, 3, 4]).bmm(tg.ones([2, 5, 5])), tg.ShapeError, ["[2, 3, 4]", "[2, 5, 5]"]);
    assertThrowsNaming(() => tg.ones([3, 4]).bmm(tg.ones([4, 5])), tg.ShapeError, ["[3, 4]", "[4, 5]"]);
    assertThrowsNaming(() => tg.ones([3]).dot(tg.ones([4])), tg.ShapeError, ["[3]", "[4]"]);
    assertThrowsNaming(() => tg.ones([1, 3]).dot(tg.ones([3])), tg.ShapeError, ["[1, 3]", "[3]"]);
    assertThrowsNaming(() => tg.ones([2, 2]).outer(tg.ones([3])), tg.ShapeError, ["[2, 2]", "[3]"]);
  });

  it("dtype mismatches throw DTypeError naming both dtypes", () => {
    const f32 = tg.ones([2, 2]);
    const f64 = tg.ones([2, 2], { dtype: "float64" });
    const i32 = tg.ones([2, 2], { dtype: "int32" });
    assertThrowsNaming(() => f32.matmul(f64), tg.DTypeError, ["float32", "float64"]);
    assertThrowsNaming(() => i32.matmul(f32), tg.DTypeError, ["int32", "float32"]);
    assertThrowsNaming(() => f64.mm(i32), tg.DTypeError, ["float64", "int32"]);
    assertThrowsNaming(() => f32.unsqueeze(0).bmm(f64.unsqueeze(0)), tg.DTypeError, ["float32", "float64"]);
    assertThrowsNaming(() => tg.ones([3]).dot(tg.ones([3], { dtype: "float64" })), tg.DTypeError, ["float32", "float64"]);
    assertThrowsNaming(() => tg.ones([3]).matmul(tg.ones([3, 2], { dtype: "int32" })), tg.DTypeError, ["float32", "int32"]);
    assert.throws(() => tg.ones([2, 2], { dtype: "bool" }).matmul(tg.ones([2, 2], { dtype: "bool" })), tg.DTypeError);
  });
});

describe("matmul gradients (gradcheck, float64)", () => {
  const mm = (a: tg.Tensor, b: tg.Tensor) => a.matmul(b);

  it("1-D · 1-D, 1-D · 2-D, 2-D · 1-D", () => {
    checkGrads(mm, [[4], [4]], { gradgrad: true });
    checkGrads(mm, [[3], [3, 4]]);
    checkGrads(mm, [[3, 4], [4]]);
  });

  it("2-D · 2-D, with second derivatives", () => {
    checkGrads(
      mm,
      [
        [2, 3],
        [3, 4],
      ],
      { gradgrad: true },
    );
    checkGrads(
      (a, b) => a.T.matmul(b.mT),
      [
        [3, 2],
        [4, 3],
      ],
      { gradgrad: true },
    );
  });

  it("batched 3-D · 3-D, with second derivatives", () => {
    checkGrads(
      mm,
      [
        [2, 2, 3],
        [2, 3, 4],
      ],
      { gradgrad: true },
    );
    checkGrads(
      (a, b) => a.bmm(b),
      [
        [3, 2, 2],
        [3, 2, 3],
      ],
      { gradgrad: true },
    );
  });

  it("1-D with a batch, and broadcast batch dims (gradient summed over them)", () => {
    checkGrads(mm, [[3], [2, 3, 4]]);
    checkGrads(mm, [[2, 4, 3], [3]]);
    checkGrads(
      mm,
      [
        [2, 3, 4],
        [4, 2],
      ],
      { gradgrad: true },
    );
    checkGrads(mm, [
      [3, 4],
      [2, 4, 2],
    ]);
    checkGrads(
      mm,
      [
        [2, 1, 3, 4],
        [5, 4, 2],
      ],
      { gradgrad: true },
    );
    checkGrads(mm, [
      [2, 1, 2, 3],
      [1, 3, 3, 2],
    ]);
  });

  it("mm, dot and outer", () => {
    checkGrads(
      (a, b) => a.mm(b),
      [
        [3, 2],
        [2, 4],
      ],
      { gradgrad: true },
    );
    checkGrads((a, b) => a.dot(b), [[5], [5]], { gradgrad: true });
    checkGrads((a, b) => a.outer(b), [[3], [2]], { gradgrad: true });
  });

  it("hand-checked: 2-D gradients are row/column sums of the other operand", () => {
    const a = tg.tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    const b = tg.tensor(
      [
        [1, -1, 2],
        [0, 3, 1],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    a.matmul(b).sum().backward();
    // d/da[i][k] = Σ_j b[k][j]; d/db[k][j] = Σ_i a[i][k]
    assertEqual(a.grad as tg.Tensor, [
      [2, 4],
      [2, 4],
      [2, 4],
    ]);
    assertEqual(b.grad as tg.Tensor, [
      [9, 9, 9],
      [12, 12, 12],
    ]);
  });

  it("hand-checked: a broadcast operand's gradient is summed over the batch", () => {
    const a = tg.ones([3, 1, 2], { dtype: "float64" }).requiresGrad_(true);
    const b = tg.tensor([[1], [2]], { dtype: "float64", requiresGrad: true });
    const out = a.matmul(b); // [3, 1, 1], each 3
    assertEqual(out, [[[3]], [[3]], [[3]]]);
    out.sum().backward();
    assertEqual(b.grad as tg.Tensor, [[3], [3]]);
    assertEqual(a.grad as tg.Tensor, [[[1, 2]], [[1, 2]], [[1, 2]]]);
  });

  it("hand-checked: 1-D operands get 1-D gradients", () => {
    const v = tg.tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const m = tg.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    v.matmul(m).sum().backward();
    assertEqual(v.grad as tg.Tensor, [6, 15]);
    assertEqual(m.grad as tg.Tensor, [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const u = tg.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const w = tg.tensor([4, 5, 6], { dtype: "float64", requiresGrad: true });
    u.dot(w).backward();
    assertEqual(u.grad as tg.Tensor, [4, 5, 6]);
    assertEqual(w.grad as tg.Tensor, [1, 2, 3]);
  });
});

describe("fused linear (F.linear: x·Wᵀ + b in one op)", () => {
  const F = tg.nn.functional;
  const composed = (x: tg.Tensor, w: tg.Tensor, b?: tg.Tensor) => {
    const y = x.matmul(w.mT);
    return b ? y.add(b) : y;
  };
  const xShapes = [[3], [4, 3], [2, 4, 3]];

  it("passes gradcheck and gradgradcheck (float64) on 1-D, 2-D and batched 3-D inputs, with and without bias", () => {
    for (const xs of xShapes) {
      checkGrads((x, w, b) => F.linear(x, w, b), [xs, [5, 3], [5]], { gradgrad: true });
      checkGrads((x, w) => F.linear(x, w), [xs, [5, 3]], { gradgrad: true });
    }
  });

  it("matches the unfused composition, values and gradients, on every backend (strided inputs included)", () => {
    for (const dtype of ["float64", "float32"] as const) {
      const tol = dtype === "float64" ? { atol: 1e-12, rtol: 1e-12 } : F32;
      forEachBackend(() => {
        const cases: [tg.Tensor, tg.Tensor, tg.Tensor | undefined][] = [];
        for (const xs of xShapes) {
          cases.push([randn(xs, 1, dtype), randn([5, 3], 2, dtype), randn([5], 3, dtype)]);
          cases.push([randn(xs, 4, dtype), randn([5, 3], 5, dtype), undefined]);
        }
        // Leading dims that do not collapse, a transposed weight, a strided bias; and a product big enough for the fast kernels.
        cases.push([randn([4, 2, 3], 6, dtype).transpose(0, 1), randn([3, 5], 7, dtype).mT, randn([10], 8, dtype).get("::2")]);
        cases.push([randn([3, 40, 64], 9, dtype), randn([48, 64], 10, dtype), randn([48], 11, dtype)]);
        for (const [x0, w0, b0] of cases) {
          const run = (f: typeof composed) => {
            const [x, w] = [x0.detach().requiresGrad_(), w0.detach().requiresGrad_()];
            const b = b0?.detach().requiresGrad_();
            const y = f(x, w, b);
            y.mul(y).sum().backward();
            return { y, grads: [x.grad, w.grad, b?.grad ?? null] };
          };
          const fused = run((x, w, b) => F.linear(x, w, b));
          const plain = run(composed);
          assert.equal(fused.y.gradFn?.name, "AddmmBackward0");
          assertClose(fused.y, plain.y, tol);
          fused.grads.forEach((g, i) => {
            const e = plain.grads[i];
            if (e === null) assert.equal(g, null);
            else assertClose(g as tg.Tensor, e, { atol: tol.atol * 10, rtol: tol.rtol * 10 });
          });
        }
      });
    }
  });

  it("records one node whose inputs are x, W and b directly (no permute or add nodes)", () => {
    const x = randn([4, 3], 1).requiresGrad_();
    const w = randn([5, 3], 2).requiresGrad_();
    const b = randn([5], 3).requiresGrad_();
    const y = F.linear(x, w, b);
    const names = (y.gradFn as tg.autograd.Node).nextFunctions.map((e) => e?.node.name);
    assert.deepEqual(names, ["AccumulateGrad", "AccumulateGrad", "AccumulateGrad"]);
  });

  it("keeps the composed form for a broadcast bias and mixed dtypes", () => {
    const x = randn([4, 3], 1, "float64");
    const w = randn([5, 3], 2, "float64");
    assertClose(F.linear(x, w, tg.tensor([2], { dtype: "float64" })), composed(x, w, tg.tensor([2], { dtype: "float64" })));
    assertClose(F.linear(x, w, tg.tensor([2, 3, 4, 5, 6])), composed(x, w).add(tg.tensor([2, 3, 4, 5, 6])));
  });
});
