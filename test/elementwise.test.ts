import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, checkGrads, forEachBackend, tg } from "./helpers.ts";

// Expected values below were computed with Python's math module (double precision) and written out by hand.

const f64 = (data: tg.NestedArray, requiresGrad = false) => tg.tensor(data, { dtype: "float64", requiresGrad });
const i32 = (data: tg.NestedArray) => tg.tensor(data, { dtype: "int32" });
const col = tg.tensor([[1], [2], [3]]); // [3, 1]
const row = tg.tensor([10, 20, 30, 40]); // [4]

describe("elementwise arithmetic: forward", () => {
  it("add: tensors, scalars on either side, alpha, broadcasting [3,1]×[4] and [2,1,3]×[1,4,1]", () => {
    forEachBackend(() => {
      assertEqual(tg.tensor([1, 2, 3]).add(tg.tensor([10, 20, 30])), [11, 22, 33], "float32");
      assertEqual(tg.tensor([1, 2]).add(0.5), [1.5, 2.5], "float32");
      assertEqual(tg.add(0.5, tg.tensor([1, 2])), [1.5, 2.5], "float32");
      assertEqual(tg.tensor([1, 2]).add(tg.tensor([10, 20]), { alpha: 2 }), [21, 42], "float32");
      assertEqual(
        col.add(row),
        [
          [11, 21, 31, 41],
          [12, 22, 32, 42],
          [13, 23, 33, 43],
        ],
        "float32",
      );
      const a = tg.tensor([[[1, 2, 3]], [[4, 5, 6]]]); // [2, 1, 3]
      const b = tg.tensor([[[100], [200], [300], [400]]]); // [1, 4, 1]
      const s = a.add(b);
      assert.deepEqual(s.shape, [2, 4, 3]);
      assertEqual(s.get(0, 2), [301, 302, 303]);
      assertEqual(s.get(1, 3), [404, 405, 406]);
      assertEqual(s.get(1, 0), [104, 105, 106]);
      assert.throws(() => tg.tensor([1, 2, 3]).add(tg.tensor([1, 2])), tg.ShapeError);
    });
  });

  it("sub: tensors, scalar on the left, alpha, broadcasting", () => {
    forEachBackend(() => {
      assertEqual(tg.tensor([5, 7]).sub(tg.tensor([1, 10])), [4, -3], "float32");
      assertEqual(tg.sub(10, tg.tensor([1, 2.5])), [9, 7.5], "float32");
      assertEqual(tg.tensor([1, 2]).sub(0.25), [0.75, 1.75], "float32");
      assertEqual(tg.tensor([10, 10]).sub(tg.tensor([1, 2]), { alpha: 3 }), [7, 4], "float32");
      assertEqual(col.sub(row), [
        [-9, -19, -29, -39],
        [-8, -18, -28, -38],
        [-7, -17, -27, -37],
      ]);
    });
  });

  it("mul: tensors, scalars on either side, broadcasting [2,1,3]×[1,4,1]", () => {
    forEachBackend(() => {
      assertEqual(tg.tensor([1.5, -2]).mul(tg.tensor([2, 3])), [3, -6], "float32");
      assertEqual(tg.mul(3, tg.tensor([1, -2])), [3, -6], "float32");
      assertEqual(tg.tensor([1, -2]).mul(0.5), [0.5, -1], "float32");
      const a = tg.tensor([[[1, 2, 3]], [[4, 5, 6]]]);
      const b = tg.tensor([[[1], [2], [3], [4]]]);
      assertEqual(a.mul(b), [
        [
          [1, 2, 3],
          [2, 4, 6],
          [3, 6, 9],
          [4, 8, 12],
        ],
        [
          [4, 5, 6],
          [8, 10, 12],
          [12, 15, 18],
          [16, 20, 24],
        ],
      ]);
      assertEqual(i32([3, -4]).mul(i32([5, 6])), [15, -24], "int32");
    });
  });

  it("div: true division, scalars on either side, broadcasting; integers give float32", () => {
    forEachBackend(() => {
      assertClose(col.div(row), [
        [0.1, 0.05, 0.03333333333333333, 0.025],
        [0.2, 0.1, 0.06666666666666667, 0.05],
        [0.3, 0.15, 0.1, 0.075],
      ]);
      assertEqual(tg.div(1, tg.tensor([2, 4, -8])), [0.5, 0.25, -0.125], "float32");
      assertEqual(tg.tensor([3, -3]).div(2), [1.5, -1.5], "float32");
      const q = i32([7, -7, 1]).div(i32([2, 2, 0]));
      assertEqual(q, [3.5, -3.5, Infinity], "float32");
      assertEqual(i32([7]).div(2), [3.5], "float32");
      assertEqual(tg.tensor([0, 1, -1]).div(0), [Number.NaN, Infinity, -Infinity], "float32");
    });
  });

  it("div with roundingMode trunc and floor keeps integer dtypes and rounds like PyTorch", () => {
    forEachBackend(() => {
      const a = i32([7, -7, 7, -7, 6]);
      const b = i32([2, 2, -2, -2, 3]);
      assertEqual(a.div(b, { roundingMode: "trunc" }), [3, -3, -3, 3, 2], "int32");
      assertEqual(a.div(b, { roundingMode: "floor" }), [3, -4, -4, 3, 2], "int32");
      assertEqual(i32([-7]).div(2, { roundingMode: "floor" }), [-4], "int32");
      assertEqual(tg.div(-7, i32([2]), { roundingMode: "trunc" }), [-3], "int32");
      const x = tg.tensor([7.5, -7.5, 7.5, -0.5]);
      assertEqual(x.div(tg.tensor([2, 2, -2, 2]), { roundingMode: "trunc" }), [3, -3, -3, -0], "float32");
      assertEqual(x.div(tg.tensor([2, 2, -2, 2]), { roundingMode: "floor" }), [3, -4, -4, -1], "float32");
      // Python's 1.0 // 0.1 == 9.0 (0.1 is slightly more than 1/10), and torch.div(..., rounding_mode="floor") agrees.
      assertEqual(f64([1, -1]).div(0.1, { roundingMode: "floor" }), [9, -10], "float64");
      assertEqual(f64([1]).div(0.1, { roundingMode: "trunc" }), [10], "float64");
      assertEqual(f64([1, 5, 0, -0, 1, -1, 0]).div(f64([-0.1, 0.5, -2, 2, 0, 0, 0]), { roundingMode: "floor" }), [
        -10,
        10,
        -0,
        -0,
        Infinity,
        -Infinity,
        Number.NaN,
      ]);
      assertEqual(tg.tensor([1]).div(tg.tensor([0.1]), { roundingMode: "floor" }), [9], "float32");
      // The rounded quotient still requires grad (as in PyTorch), with a zero gradient.
      const fx = f64([7.5, -3], true);
      const fy = f64([2], true);
      const fq = fx.div(fy, { roundingMode: "floor" });
      assert.equal(fq.requiresGrad, true);
      fq.sum().backward();
      assertEqual(fx.grad as tg.Tensor, [0, 0], "float64");
      assertEqual(fy.grad as tg.Tensor, [0], "float64");
    });
  });

  it("pow: tensor exponents, scalar exponents, scalar base, broadcasting", () => {
    forEachBackend(() => {
      assertClose(col.pow(row.div(20)), [
        [1, 1, 1, 1],
        [Math.SQRT2, 2, 2.8284271247461903, 4],
        [1.7320508075688772, 3, 5.196152422706632, 9],
      ]);
      assertClose(tg.tensor([2, 4, 3]).pow(tg.tensor([0.5, -0.5, 2.5])), [Math.SQRT2, 0.5, 15.588457268119896]);
      assertEqual(tg.tensor([-2, 3]).pow(2), [4, 9], "float32");
      assertClose(tg.pow(2, tg.tensor([-1, 0, 0.5, 3])), [0.5, 1, Math.SQRT2, 8]);
      assertEqual(i32([2, -3]).pow(3), [8, -27], "int32");
      assertClose(i32([4]).pow(0.5), [2]);
      assert.equal(i32([4]).pow(0.5).dtype, "float32");
    });
  });
});

describe("elementwise unary: forward", () => {
  it("neg, abs, sign, square, reciprocal", () => {
    forEachBackend(() => {
      const x = tg.tensor([-2, -0.5, 0, 0.5, 3]);
      assertEqual(x.neg(), [2, 0.5, -0, -0.5, -3], "float32");
      assertEqual(x.abs(), [2, 0.5, 0, 0.5, 3], "float32");
      assertEqual(x.sign(), [-1, -1, 0, 1, 1], "float32");
      assertEqual(x.square(), [4, 0.25, 0, 0.25, 9], "float32");
      assertEqual(tg.tensor([-2, -0.5, 0.5, 4]).reciprocal(), [-0.5, -2, 2, 0.25], "float32");
      assertEqual(tg.tensor([0, -0]).reciprocal(), [Infinity, -Infinity]);
      assertEqual(i32([-3, 0, 4]).neg(), [3, 0, -4], "int32");
      assertEqual(i32([-3, 0, 4]).abs(), [3, 0, 4], "int32");
      assertEqual(i32([-3, 0, 4]).sign(), [-1, 0, 1], "int32");
      assertEqual(i32([-3, 4]).square(), [9, 16], "int32");
      assertEqual(i32([2, 4]).reciprocal(), [0.5, 0.25], "float32");
      assertEqual(tg.neg(tg.tensor(2)), -2);
    });
  });

  it("exp, log, log1p, expm1, sqrt, rsqrt", () => {
    forEachBackend(() => {
      assertClose(tg.tensor([-2, -0.5, 0.5, 2]).exp(), [0.1353353, 0.6065307, 1.648721, 7.389056]);
      assertClose(tg.tensor([0.25, 1, 2.5, 4]).log(), [-1.386294, 0, 0.9162907, 1.386294]);
      assertEqual(tg.tensor([0, -1]).log(), [-Infinity, Number.NaN]);
      assertClose(tg.tensor([-0.5, 1, 3]).log1p(), [-Math.LN2, Math.LN2, 1.386294]);
      assertClose(tg.tensor([-1, 1]).expm1(), [-0.6321206, 1.718282]);
      assertClose(tg.tensor([0.25, 1, 2.5, 4]).sqrt(), [0.5, 1, 1.581139, 2]);
      assertEqual(tg.tensor([-1]).sqrt(), [Number.NaN]);
      assertClose(tg.tensor([0.25, 1, 2.5, 4]).rsqrt(), [2, 1, 0.6324555, 0.5]);
      assertEqual(tg.tensor([0]).rsqrt(), [Infinity]);
      // log1p and expm1 keep their precision near 0, where log(1 + x) and exp(x) - 1 lose it.
      assertClose(f64([1e-10, -1e-10]).log1p(), [9.9999999995e-11, -1.00000000005e-10], { atol: 0, rtol: 1e-12 });
      assertClose(f64([1e-10, -1e-10]).expm1(), [1.00000000005e-10, -9.9999999995e-11], { atol: 0, rtol: 1e-12 });
    });
  });

  it("sin, cos, tanh, sigmoid, erf", () => {
    forEachBackend(() => {
      const x = tg.tensor([-2, -0.5, 0.5, 2]);
      assertClose(x.sin(), [-0.9092974, -0.4794255, 0.4794255, 0.9092974]);
      assertClose(x.cos(), [-0.4161468, 0.8775826, 0.8775826, -0.4161468]);
      assertClose(x.tanh(), [-0.9640276, -0.4621172, 0.4621172, 0.9640276]);
      assertClose(x.sigmoid(), [0.1192029, 0.3775407, 0.6224593, 0.8807971]);
      assertClose(tg.tensor([-2, -0.5, 0, 0.5, 2, 3.5]).erf(), [-0.9953223, -0.5204999, 0, 0.5204999, 0.9953223, 0.9999993]);
      assertClose(f64([0.5, 3.5, -4]).erf(), [0.5204998778130465, 0.9999992569016276, -0.9999999845827421], { atol: 0, rtol: 1e-13 });
      assertEqual(tg.tensor([0]).sigmoid(), [0.5]);
    });
  });

  it("sigmoid is stable at ±1000 and tanh saturates without NaN", () => {
    forEachBackend(() => {
      for (const dtype of ["float32", "float64"] as const) {
        assertEqual(tg.tensor([-1000, 1000], { dtype }).sigmoid(), [0, 1], dtype);
        assertEqual(tg.tensor([-1000, 1000], { dtype }).tanh(), [-1, 1], dtype);
      }
      const x = f64([-1000, 1000], true);
      x.sigmoid().sum().backward();
      assertEqual(x.grad as tg.Tensor, [0, 0], "float64");
    });
  });

  it("relu, including 0 and NaN", () => {
    forEachBackend(() => {
      assertEqual(tg.tensor([-2, -0.5, 0, 0.5, 3]).relu(), [0, 0, 0, 0.5, 3], "float32");
      assertEqual(i32([-2, 5]).relu(), [0, 5], "int32");
      assertEqual(tg.tensor([Number.NaN, -1, 1]).relu(), [Number.NaN, 0, 1]);
    });
  });

  it("floor, ceil and round (half to even), on floats and ints", () => {
    forEachBackend(() => {
      const x = tg.tensor([-1.5, -0.5, 0.5, 1.5, 2.7, -2.2]);
      assertEqual(x.floor(), [-2, -1, 0, 1, 2, -3], "float32");
      assertEqual(x.ceil(), [-1, -0, 1, 2, 3, -2], "float32");
      const h = tg.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 0.49999997, 2.7, -2.7]);
      assertEqual(h.round(), [0, 2, 2, -0, -2, -2, 4, 0, 3, -3], "float32");
      assertEqual(f64([0.5, 1.5, 2.5, -0.5]).round(), [0, 2, 2, -0], "float64");
      assertEqual(i32([3, -4]).floor(), [3, -4], "int32");
      assertEqual(i32([3, -4]).ceil(), [3, -4], "int32");
      assertEqual(i32([3, -4]).round(), [3, -4], "int32");
      assertEqual(tg.tensor([Infinity, Number.NaN]).round(), [Infinity, Number.NaN]);
    });
  });

  it("isnan, isinf, isfinite give bool", () => {
    forEachBackend(() => {
      const x = tg.tensor([1, Number.NaN, Infinity, -Infinity, 0]);
      assertEqual(x.isnan(), [0, 1, 0, 0, 0], "bool");
      assertEqual(x.isinf(), [0, 0, 1, 1, 0], "bool");
      assertEqual(x.isfinite(), [1, 0, 0, 0, 1], "bool");
      assertEqual(tg.isfinite(i32([1, -2])), [1, 1], "bool");
      assertEqual(tg.isnan(i32([1])), [0], "bool");
      assertEqual(tg.isinf(i32([1])), [0], "bool");
    });
  });

  it("unary ops on bool tensors: arithmetic is rejected with a DTypeError", () => {
    forEachBackend(() => {
      const b = tg.tensor([true, false]);
      assert.throws(() => b.neg(), tg.DTypeError);
      assert.throws(() => b.abs(), tg.DTypeError);
      assert.throws(() => b.relu(), tg.DTypeError);
      assert.throws(() => b.floor(), tg.DTypeError);
      assert.throws(() => b.square(), tg.DTypeError);
    });
  });
});

describe("elementwise comparison and logic", () => {
  it("eq, ne, lt, le, gt, ge with tensors, scalars on either side and broadcasting", () => {
    forEachBackend(() => {
      const x = tg.tensor([1, 2, 3]);
      const y = tg.tensor([3, 2, 1]);
      assertEqual(x.eq(y), [0, 1, 0], "bool");
      assertEqual(x.ne(y), [1, 0, 1], "bool");
      assertEqual(x.lt(y), [1, 0, 0], "bool");
      assertEqual(x.le(y), [1, 1, 0], "bool");
      assertEqual(x.gt(y), [0, 0, 1], "bool");
      assertEqual(x.ge(y), [0, 1, 1], "bool");
      assertEqual(x.gt(2), [0, 0, 1], "bool");
      assertEqual(tg.lt(2, x), [0, 0, 1], "bool");
      assertEqual(tg.ge(2, x), [1, 1, 0], "bool");
      assertEqual(tg.eq(2, x), [0, 1, 0], "bool");
      assertEqual(tg.ne(x, 2), [1, 0, 1], "bool");
      assertEqual(tg.le(x, 2), [1, 1, 0], "bool");
      assertEqual(col.lt(tg.tensor([1.5, 2.5])), [
        [1, 1],
        [0, 1],
        [0, 0],
      ]);
      // Mixed dtypes compare in the promoted dtype: int 2 is not 2.5, and 0.1 compares equal to float32 0.1.
      assertEqual(i32([2, 3]).lt(2.5), [1, 0], "bool");
      assertEqual(i32([2]).eq(2.5), [0], "bool");
      assertEqual(tg.tensor([0.1]).eq(0.1), [1], "bool");
      // NaN is unequal to everything, itself included.
      const n = tg.tensor([Number.NaN]);
      assertEqual(n.eq(n), [0], "bool");
      assertEqual(n.ne(n), [1], "bool");
      assertEqual(n.lt(0).logicalOr(n.ge(0)), [0], "bool");
    });
  });

  it("logicalAnd, logicalOr, logicalNot on bools and on numbers (truthiness)", () => {
    forEachBackend(() => {
      const a = tg.tensor([true, true, false, false]);
      const b = tg.tensor([true, false, true, false]);
      assertEqual(a.logicalAnd(b), [1, 0, 0, 0], "bool");
      assertEqual(a.logicalOr(b), [1, 1, 1, 0], "bool");
      assertEqual(a.logicalNot(), [0, 0, 1, 1], "bool");
      assertEqual(tg.tensor([0, 0.5, -1]).logicalAnd(tg.tensor([1, 0, 2])), [0, 0, 1], "bool");
      assertEqual(tg.tensor([0, 0.5, 0]).logicalOr(i32([0, 0, 3])), [0, 1, 1], "bool");
      assertEqual(tg.tensor([0, 0.5, Number.NaN, -2]).logicalNot(), [1, 0, 0, 0], "bool");
      assertEqual(i32([0, 7]).logicalNot(), [1, 0], "bool");
      assertEqual(tg.logicalAnd(true, a), [1, 1, 0, 0], "bool");
      assertEqual(tg.logicalOr(a, 0), [1, 1, 0, 0], "bool");
      assertEqual(tg.tensor([[true], [false]]).logicalAnd(tg.tensor([true, false])), [
        [1, 0],
        [0, 0],
      ]);
    });
  });

  it("bool tensors reject arithmetic with a DTypeError", () => {
    forEachBackend(() => {
      const a = tg.tensor([true, false]);
      assert.throws(() => a.add(a), tg.DTypeError);
      assert.throws(() => a.sub(a), tg.DTypeError);
      assert.throws(() => a.pow(a), tg.DTypeError);
      assert.throws(() => a.add(true), tg.DTypeError);
      // With a number the bool is promoted instead (bool + 1 → int32).
      assertEqual(a.add(1), [2, 1], "int32");
    });
  });
});

describe("maximum, minimum, where, clamp: forward", () => {
  it("maximum and minimum broadcast, take scalars and propagate NaN", () => {
    forEachBackend(() => {
      const a = tg.tensor([[1], [5]]);
      const b = tg.tensor([0, 3, 7]);
      assertEqual(a.maximum(b), [
        [1, 3, 7],
        [5, 5, 7],
      ]);
      assertEqual(a.minimum(b), [
        [0, 1, 1],
        [0, 3, 5],
      ]);
      assertEqual(tg.maximum(tg.tensor([-1, 2]), 0), [0, 2], "float32");
      assertEqual(tg.minimum(0, tg.tensor([-1, 2])), [-1, 0], "float32");
      assertEqual(i32([1, 9]).maximum(i32([4, 4])), [4, 9], "int32");
      const n = tg.tensor([Number.NaN, 1, Number.NaN]);
      const m = tg.tensor([0, Number.NaN, Number.NaN]);
      assertEqual(n.maximum(m), [Number.NaN, Number.NaN, Number.NaN]);
      assertEqual(n.minimum(m), [Number.NaN, Number.NaN, Number.NaN]);
      assertEqual(tg.maximum(tg.tensor([Number.NaN]), Infinity), [Number.NaN]);
      assertEqual(tg.minimum(tg.tensor([Number.NaN]), -Infinity), [Number.NaN]);
    });
  });

  it("where broadcasts the condition and both branches, and takes scalars", () => {
    forEachBackend(() => {
      const c = tg.tensor([[true], [false]]);
      assertEqual(tg.where(c, tg.tensor([1, 2, 3]), tg.tensor([-1, -2, -3])), [
        [1, 2, 3],
        [-1, -2, -3],
      ]);
      const x = tg.tensor([-1, 2, -3]);
      assertEqual(tg.where(x.gt(0), x, 0), [0, 2, 0], "float32");
      assertEqual(tg.where(x.gt(0), 1.5, x), [-1, 1.5, -3], "float32");
      assertEqual(x.where(x.lt(0), 9), [-1, 9, -3], "float32");
      assertEqual(tg.where(tg.tensor([true, false]), i32([1, 2]), 0.5), [1, 0.5], "float32");
      assert.throws(() => tg.where(tg.tensor([1, 0]), x, x), tg.DTypeError);
    });
  });

  it("where picks values exactly (NaN, -0, int32 extremes), over strided and broadcast views of every dtype", () => {
    forEachBackend(() => {
      const c = tg.tensor([true, false, true, false, true, false]);
      const isNeg0 = (v: number) => Object.is(v, -0);
      const f = tg.where(c, tg.tensor([Number.NaN, 1, -0, 2, -Infinity, 3]), tg.tensor([9, -0, 9, Number.NaN, 9, 1e-45]));
      const fv = Array.from(f.toArray() as Float32Array);
      assert.ok(Number.isNaN(fv[0]) && isNeg0(fv[1]) && isNeg0(fv[2]) && Number.isNaN(fv[3]) && fv[4] === -Infinity);
      assert.equal(fv[5], Math.fround(1e-45));
      const big = i32([2147483647, -2147483648, -1, 0, 5, -7]);
      assertEqual(tg.where(c, big, i32([1, 2, 3, 4, 5, 6])), [2147483647, 2, -1, 4, 5, 6], "int32");
      assertEqual(tg.where(c, f64([1.5, 2, 3, 4, 5, 6]), 0), [1.5, 0, 3, 0, 5, 0], "float64");
      assertEqual(tg.where(c, true, tg.zeros([6], { dtype: "bool" })), [1, 0, 1, 0, 1, 0], "bool");
      // A transposed condition, a broadcast row and a sliced column: the kernel reads each through its strides.
      const m = tg.tensor([
        [1, -2, 3],
        [-4, 5, -6],
      ]);
      const cond = m.T.gt(0); // [3, 2], not contiguous
      const rowVals = tg.tensor([10, 20]); // broadcast over the rows
      const colVals = tg
        .tensor([
          [1, 100],
          [2, 200],
          [3, 300],
        ])
        .narrow(1, 1, 1); // [3, 1], strided
      assertEqual(
        tg.where(cond, rowVals, colVals),
        [
          [10, 100],
          [200, 20],
          [10, 300],
        ],
        "float32",
      );
      assertEqual(
        tg.where(cond, colVals.int(), -1),
        [
          [100, -1],
          [-1, 200],
          [300, -1],
        ],
        "int32",
      );
    });
  });

  it("clamp with scalar bounds, only min, only max, tensor bounds, and NaN", () => {
    forEachBackend(() => {
      const x = tg.tensor([-2, -0.5, 0, 0.5, 2]);
      assertEqual(x.clamp(-1, 1), [-1, -0.5, 0, 0.5, 1], "float32");
      assertEqual(x.clamp(0), [0, 0, 0, 0.5, 2], "float32");
      assertEqual(x.clamp(null, 0), [-2, -0.5, 0, 0, 0], "float32");
      assertEqual(x.clamp(undefined, 0.25), [-2, -0.5, 0, 0.25, 0.25], "float32");
      assertEqual(tg.clamp(x, -0.5), [-0.5, -0.5, 0, 0.5, 2], "float32");
      const lo = tg.tensor([-3, 0, 0, 1, 1]);
      const hi = tg.tensor([-1, 1, 1, 2, 1.5]);
      assertEqual(x.clamp(lo, hi), [-2, 0, 0, 1, 1.5], "float32");
      assertEqual(x.clamp(lo), [-2, 0, 0, 1, 2], "float32");
      assertEqual(x.clamp(null, hi), [-2, -0.5, 0, 0.5, 1.5], "float32");
      // Broadcast bounds: one per row.
      assertEqual(tg.tensor([[-5, 0, 5]]).clamp(tg.tensor([[-1], [1]]), tg.tensor([[2], [3]])), [
        [-1, 0, 2],
        [1, 1, 3],
      ]);
      // min > max: everything becomes max, as in PyTorch.
      assertEqual(x.clamp(1, -1), [-1, -1, -1, -1, -1]);
      assertEqual(tg.tensor([Number.NaN, 3]).clamp(0, 1), [Number.NaN, 1]);
      assertEqual(i32([-5, 2, 9]).clamp(0, 5), [0, 2, 5], "int32");
      assert.throws(() => x.clamp(), tg.DTypeError);
    });
  });
});

describe("elementwise gradients (float64 gradcheck)", () => {
  it("add, sub, mul, div, pow on broadcasting shapes, with second derivatives", () => {
    forEachBackend(() => {
      for (const shapes of [
        [[3, 1], [4]],
        [
          [2, 1, 3],
          [1, 4, 1],
        ],
      ]) {
        checkGrads((a, b) => a.add(b), shapes, { gradgrad: true });
        checkGrads((a, b) => a.add(b, { alpha: -2.5 }), shapes);
        checkGrads((a, b) => a.sub(b), shapes, { gradgrad: true });
        checkGrads((a, b) => a.sub(b, { alpha: 3 }), shapes);
        checkGrads((a, b) => a.mul(b), shapes, { gradgrad: true });
        checkGrads((a, b) => a.div(b), shapes, { gradgrad: true, positive: true });
        checkGrads((a, b) => a.pow(b), shapes, { gradgrad: true, positive: true });
      }
    });
  });

  it("arithmetic with a scalar on either side", () => {
    forEachBackend(() => {
      checkGrads((x) => tg.sub(2, x), [[2, 3]]);
      checkGrads((x) => tg.mul(-1.5, x), [[2, 3]], { gradgrad: true });
      checkGrads((x) => tg.div(3, x), [[2, 3]], { positive: true, gradgrad: true });
      checkGrads((x) => x.div(4), [[2, 3]]);
      checkGrads((x) => x.pow(3), [[2, 3]], { gradgrad: true });
      checkGrads((x) => x.pow(-1.5), [[2, 3]], { positive: true, gradgrad: true });
      checkGrads((x) => tg.pow(2.5, x), [[2, 3]], { gradgrad: true });
    });
  });

  it("unary ops", () => {
    forEachBackend(() => {
      const s = [[2, 3]];
      checkGrads((x) => x.neg(), s, { gradgrad: true });
      checkGrads((x) => x.abs(), s, { gradgrad: true });
      checkGrads((x) => x.sign(), s);
      checkGrads((x) => x.exp(), s, { gradgrad: true });
      checkGrads((x) => x.log(), s, { positive: true, gradgrad: true });
      checkGrads((x) => x.log1p(), s, { positive: true, gradgrad: true });
      checkGrads((x) => x.expm1(), s, { gradgrad: true });
      checkGrads((x) => x.sqrt(), s, { positive: true, gradgrad: true });
      checkGrads((x) => x.rsqrt(), s, { positive: true, gradgrad: true });
      checkGrads((x) => x.square(), s, { gradgrad: true });
      checkGrads((x) => x.reciprocal(), s, { positive: true, gradgrad: true });
      checkGrads((x) => x.sin(), s, { gradgrad: true });
      checkGrads((x) => x.cos(), s, { gradgrad: true });
      checkGrads((x) => x.tanh(), s, { gradgrad: true });
      checkGrads((x) => x.sigmoid(), s, { gradgrad: true });
      checkGrads((x) => x.relu(), s, { gradgrad: true });
      checkGrads((x) => x.erf(), s, { gradgrad: true });
      checkGrads((x) => x.mul(3).floor(), s);
      checkGrads((x) => x.mul(3).ceil(), s);
      checkGrads((x) => x.mul(3).round(), s);
    });
  });

  it("maximum, minimum, where, clamp on broadcasting shapes", () => {
    forEachBackend(() => {
      checkGrads((a, b) => a.maximum(b), [[3, 1], [4]], { gradgrad: true });
      checkGrads(
        (a, b) => a.minimum(b),
        [
          [2, 1, 3],
          [1, 4, 1],
        ],
        { gradgrad: true },
      );
      checkGrads((a) => a.maximum(0.1), [[2, 3]]);
      const c = tg.tensor([[true], [false], [true]]);
      checkGrads(
        (a, b) => tg.where(c, a, b),
        [
          [1, 4],
          [3, 1],
        ],
        { gradgrad: true },
      );
      checkGrads((a) => tg.where(c, a, 0.5), [[3, 2]], { gradgrad: true });
      checkGrads((a) => tg.where(c, 2, a.exp()), [[3, 2]], { gradgrad: true });
      checkGrads((x) => x.clamp(-0.5, 0.5), [[3, 4]]);
      checkGrads((x) => x.clamp(0), [[3, 4]]);
      checkGrads((x) => x.clamp(null, 0), [[3, 4]]);
      checkGrads((x, lo, hi) => x.clamp(lo, hi.add(1)), [[3, 4], [3, 1], [4]]);
      checkGrads((x, lo) => x.clamp(lo), [[3, 4], [4]]);
      checkGrads(
        (x, hi) => x.clamp(null, hi),
        [
          [3, 4],
          [3, 1],
        ],
      );
    });
  });

  it("known gradient values, including PyTorch's choices at kinks", () => {
    forEachBackend(() => {
      // relu'(0) = 0; abs'(0) = 0.
      const r = f64([-1, 0, 2], true);
      r.relu().sum().backward();
      assertEqual(r.grad as tg.Tensor, [0, 0, 1], "float64");
      const a = f64([-1, 0, 2], true);
      a.abs().sum().backward();
      assertEqual(a.grad as tg.Tensor, [-1, 0, 1], "float64");

      // maximum/minimum split the gradient evenly on ties.
      const x = f64([1, 2, 3], true);
      const y = f64([1, 5, 0], true);
      x.maximum(y).sum().backward();
      assertEqual(x.grad as tg.Tensor, [0.5, 0, 1], "float64");
      assertEqual(y.grad as tg.Tensor, [0.5, 1, 0], "float64");
      const u = f64([1, 2, 3], true);
      const v = f64([1, 5, 0], true);
      u.minimum(v).sum().backward();
      assertEqual(u.grad as tg.Tensor, [0.5, 1, 0], "float64");
      assertEqual(v.grad as tg.Tensor, [0.5, 0, 1], "float64");
      const t = f64([2, 0], true);
      t.maximum(2).sum().backward();
      assertEqual(t.grad as tg.Tensor, [0.5, 0], "float64");

      // clamp: the input gets the gradient where it is inside [min, max] (bounds included); a tensor bound
      // gets it where it clamps.
      const cx = f64([-2, -1, 0, 1, 2], true);
      const lo = f64([-1], true);
      const hi = f64([1], true);
      cx.clamp(lo, hi).sum().backward();
      assertEqual(cx.grad as tg.Tensor, [0, 1, 1, 1, 0], "float64");
      assertEqual(lo.grad as tg.Tensor, [1], "float64");
      assertEqual(hi.grad as tg.Tensor, [1], "float64");

      // where: the gradient goes to the chosen branch, summed back over broadcast dims.
      const wa = f64([1, 2, 3], true);
      const wb = f64([10], true);
      tg.where(tg.tensor([true, false, false]), wa, wb)
        .sum()
        .backward();
      assertEqual(wa.grad as tg.Tensor, [1, 0, 0], "float64");
      assertEqual(wb.grad as tg.Tensor, [2], "float64");

      // pow: d/da a^b = b·a^(b−1); d/db = a^b·ln a, taken as 0 at a = 0.
      const pa = f64([2, 0], true);
      const pb = f64([3, 2], true);
      pa.pow(pb).sum().backward();
      assertClose(pa.grad as tg.Tensor, [12, 0]);
      assertClose(pb.grad as tg.Tensor, [8 * Math.LN2, 0]);
      // x^0 has gradient 0 everywhere, x = 0 included (PyTorch masks exponent == 0; 0·0^−1 would be NaN).
      const z = f64([0, 3], true);
      z.pow(0).sum().backward();
      assertEqual(z.grad as tg.Tensor, [0, 0], "float64");
      const z2 = f64([0, 3], true);
      const e0 = f64([0, 0], true);
      z2.pow(e0).sum().backward();
      assertEqual(z2.grad as tg.Tensor, [0, 0], "float64");

      // Broadcast gradients are summed back to each input's shape.
      const ba = f64([[1], [2], [3]], true);
      const bb = f64([10, 20, 30, 40], true);
      ba.mul(bb).sum().backward();
      assertEqual(ba.grad as tg.Tensor, [[100], [100], [100]], "float64");
      assertEqual(bb.grad as tg.Tensor, [6, 6, 6, 6], "float64");

      // Rounding and sign have zero gradient.
      const rd = f64([0.4, 1.6], true);
      rd.floor().add(rd.ceil()).add(rd.round()).add(rd.sign()).sum().backward();
      assertEqual(rd.grad as tg.Tensor, [0, 0], "float64");
    });
  });

  it("NaN propagates through maximum, minimum and relu gradients' forward values", () => {
    forEachBackend(() => {
      const x = f64([Number.NaN, 1], true);
      const y = x.maximum(0).add(x.minimum(0)).add(x.relu());
      assertEqual(y, [Number.NaN, 2], "float64");
    });
  });
});

describe("gradients at special points", () => {
  it("relu passes the gradient through a NaN input, as PyTorch's threshold_backward does", () => {
    const x = tg.tensor([Number.NaN, -1, 2], { requiresGrad: true });
    x.relu().sum().backward();
    assert.deepEqual(Array.from(x.grad?.toArray() ?? []), [1, 0, 1]);
  });

  it("relu's gradient is exactly 0 where the output is <= 0, even for an infinite or NaN upstream gradient", () => {
    forEachBackend(() => {
      for (const dtype of ["float32", "float64"] as const) {
        // torch: threshold_backward(g, relu(x), 0) = where(y <= 0, 0, g), so NaN inputs pass g and -0, 0 and negatives block it.
        const x = tg.tensor([Number.NaN, -1, 0, -0, 2, -3, 4], { dtype, requiresGrad: true });
        const g = tg.tensor([5, Infinity, Number.NaN, -Infinity, 3, Number.NaN, Infinity], { dtype });
        x.relu().backward(g);
        assert.deepEqual(Array.from(x.grad?.toArray() ?? []), [5, 0, 0, 0, 3, 0, Infinity]);
        // Large enough for the WASM backend's kernels, random signs.
        tg.manualSeed(3);
        const big = tg.randn([64, 40], { dtype }).requiresGrad_();
        const up = tg.randn([64, 40], { dtype });
        big.relu().backward(up);
        const want = Array.from(big.detach().toArray(), (v, i) => (v > 0 ? (up.toArray()[i] as number) : 0));
        assert.deepEqual(Array.from(big.grad?.toArray() ?? []), want);
      }
    });
  });

  it("norm(0) counts non-zeros and has a zero gradient", () => {
    const x = tg.tensor([0, 3, -2], { requiresGrad: true });
    const n = x.norm(0);
    assert.equal(n.item(), 2);
    n.backward();
    assert.deepEqual(Array.from(x.grad?.toArray() ?? []), [0, 0, 0]);
  });
});

describe("integer errors PyTorch raises", () => {
  it("rejects integer powers with negative exponents and integer division by zero", () => {
    const i = tg.tensor([2, 3], { dtype: "int32" });
    assert.throws(
      () => i.pow(-1),
      (e: unknown) => e instanceof tg.ValueError && /negative integer powers/.test(e.message),
    );
    assert.throws(() => i.pow(tg.tensor([1, -2], { dtype: "int32" })), tg.ValueError);
    assert.deepEqual(i.pow(2).tolist(), [4, 9]);
    assert.deepEqual(i.float().pow(-1).tolist(), [0.5, 1 / 3].map(Math.fround));
    assert.throws(
      () => i.div(0, { roundingMode: "floor" }),
      (e: unknown) => e instanceof tg.ValueError && /division by zero/.test(e.message),
    );
    assert.deepEqual(i.div(2, { roundingMode: "trunc" }).tolist(), [1, 1]);
  });
});
