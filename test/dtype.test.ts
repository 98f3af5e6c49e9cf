import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, forEachBackend, tg } from "./helpers.ts";

const t = (dtype: tg.DType, data: tg.NestedArray = [1, 2]) => tg.tensor(data, { dtype });
const zeroDim = (dtype: tg.DType, value: number | boolean = 1) => tg.tensor(value, { dtype });

describe("promoteTypes (torch.promote_types)", () => {
  it("is the identity on equal dtypes and moves up bool < int32 < float32 < float64", () => {
    const all: tg.DType[] = ["bool", "int32", "float32", "float64"];
    for (const d of all) assert.equal(tg.promoteTypes(d, d), d);
    const expected: Record<string, tg.DType> = {
      "bool,int32": "int32",
      "bool,float32": "float32",
      "bool,float64": "float64",
      "int32,float32": "float32",
      "int32,float64": "float64",
      "float32,float64": "float64",
    };
    for (const [pair, want] of Object.entries(expected)) {
      const [a, b] = pair.split(",") as [tg.DType, tg.DType];
      assert.equal(tg.promoteTypes(a, b), want, `${a} + ${b}`);
      assert.equal(tg.promoteTypes(b, a), want, `${b} + ${a} (symmetric)`);
    }
  });
});

describe("resultType (torch.result_type)", () => {
  it("dimensioned tensors promote among themselves", () => {
    assert.equal(tg.resultType(t("int32"), t("int32")), "int32");
    assert.equal(tg.resultType(t("float32"), t("float64")), "float64");
    assert.equal(tg.resultType(t("int32"), t("float32")), "float32");
    assert.equal(tg.resultType(t("bool"), t("int32")), "int32");
    assert.equal(tg.resultType(t("bool"), t("bool")), "bool");
  });

  it("a zero-dim tensor only matters when it is of a higher category", () => {
    assert.equal(tg.resultType(t("float32"), zeroDim("float64")), "float32");
    assert.equal(tg.resultType(t("int32"), zeroDim("float64")), "float64");
    assert.equal(tg.resultType(t("int32"), zeroDim("float32")), "float32");
    assert.equal(tg.resultType(t("bool"), zeroDim("int32")), "int32");
    assert.equal(tg.resultType(t("float64"), zeroDim("float32")), "float64");
    assert.equal(tg.resultType(t("float32"), zeroDim("int32")), "float32");
    // Two zero-dim tensors promote normally.
    assert.equal(tg.resultType(zeroDim("float32"), zeroDim("float64")), "float64");
    assert.equal(tg.resultType(zeroDim("int32"), zeroDim("float64")), "float64");
  });

  it("plain numbers (wrapped scalars) rank below both kinds of tensors", () => {
    assert.equal(tg.resultType(t("int32"), 2.5), "float32");
    assert.equal(tg.resultType(t("int32"), 2), "int32");
    assert.equal(tg.resultType(t("float64"), 2.5), "float64");
    assert.equal(tg.resultType(t("float32"), 2), "float32");
    assert.equal(tg.resultType(t("bool"), 1), "int32");
    assert.equal(tg.resultType(t("bool"), 1.5), "float32");
    assert.equal(tg.resultType(t("bool"), true), "bool");
    assert.equal(tg.resultType(t("int32"), true), "int32");
    assert.equal(tg.resultType(zeroDim("int32"), 2.5), "float32");
    assert.equal(tg.resultType(zeroDim("float64"), 2.5), "float64");
    // A float64 zero-dim tensor beats a float number but still not a float32 dimensioned tensor.
    assert.equal(tg.resultType(t("int32"), zeroDim("float64"), 2.5), "float64");
    assert.equal(tg.resultType(t("float32"), zeroDim("float64"), 2.5), "float32");
    assert.equal(tg.resultType(2, 2.5), "float32");
    assert.equal(tg.resultType(2, 3), "int32");
    assert.equal(tg.resultType(true, false), "bool");
  });

  it("throws a DTypeError with no operands", () => {
    assert.throws(() => tg.resultType(), tg.DTypeError);
  });
});

describe("dtype of op outputs", () => {
  it("arithmetic follows resultType, with values computed in the result dtype", () => {
    forEachBackend(() => {
      const i = t("int32", [1, 2]);
      assertEqual(i.add(2.5), [3.5, 4.5], "float32");
      assertEqual(tg.add(2.5, i), [3.5, 4.5], "float32");
      assertEqual(i.add(t("int32", [10, 20])), [11, 22], "int32");
      assertEqual(i.add(3), [4, 5], "int32");
      assertEqual(i.mul(1.5), [1.5, 3], "float32");
      assertEqual(i.sub(0.5), [0.5, 1.5], "float32");
      assertEqual(t("float32", [1, 2]).add(t("float64", [0.1, 0.2])), [1.1, 2.2], "float64");
      assertEqual(t("float64", [1, 2]).mul(t("int32", [3, 4])), [3, 8], "float64");

      // A float64 zero-dim tensor does not promote a float32 dimensioned tensor...
      const small = t("float32", [1, 2]).add(zeroDim("float64", 0.1));
      assert.equal(small.dtype, "float32");
      assertClose(small, [1.1, 2.1]);
      // ...but does promote an int32 one (higher category), all the way to float64.
      assertEqual(t("int32", [1, 2]).add(zeroDim("float64", 0.1)), [1.1, 2.1], "float64");
      assertEqual(zeroDim("float32", 1).add(zeroDim("float64", 0.1)), 1.1, "float64");

      // bool + number promotes to int32 (and to float32 for a float number).
      const b = t("bool", [true, false]);
      assertEqual(b.add(1), [2, 1], "int32");
      assertEqual(b.mul(2.5), [2.5, 0], "float32");
      assertEqual(b.add(t("int32", [5, 5])), [6, 5], "int32");
      // bool * bool stays bool (logical and), as in PyTorch.
      assertEqual(b.mul(t("bool", [true, true])), [1, 0], "bool");
    });
  });

  it("the scalar is made in the result dtype (int32 + 2.5 rounds as float32 would, float64 keeps precision)", () => {
    forEachBackend(() => {
      // 0.1 as float32 is 0.10000000149011612; in a float64 tensor it stays 0.1.
      assert.equal(t("float64", [0]).add(0.1).item(), 0.1);
      assert.equal(t("float32", [0]).add(0.1).item(), Math.fround(0.1));
      assert.equal(t("int32", [0]).add(0.1).item(), Math.fround(0.1));
    });
  });

  it("bool + bool: logicalOr gives bool, arithmetic is rejected", () => {
    forEachBackend(() => {
      const a = t("bool", [true, false, false]);
      const b = t("bool", [false, false, true]);
      assertEqual(a.logicalOr(b), [1, 0, 1], "bool");
      assertEqual(a.logicalAnd(b), [0, 0, 0], "bool");
      assert.throws(() => a.add(b), tg.DTypeError);
      assert.throws(() => a.sub(b), tg.DTypeError);
    });
  });

  it("comparisons and logical ops always give bool, whatever the operands", () => {
    forEachBackend(() => {
      for (const d of ["float32", "float64", "int32", "bool"] as tg.DType[]) {
        const x = t(d, [1, 0]);
        for (const out of [x.eq(x), x.ne(1), x.lt(0.5), x.le(x), x.gt(0), x.ge(t("float64", [1, 1])), x.logicalNot(), x.isnan()]) {
          assert.equal(out.dtype, "bool", `${d}`);
        }
      }
      assertEqual(t("int32", [1, 2]).gt(t("float64", [1.5, 1.5])), [0, 1], "bool");
    });
  });

  it("float-valued ops on integers give float32; on floats they keep the dtype", () => {
    forEachBackend(() => {
      const i = t("int32", [0, 1]);
      assertClose(i.exp(), [1, Math.E]);
      for (const out of [
        i.exp(),
        i.log(),
        i.sqrt(),
        i.sin(),
        i.tanh(),
        i.sigmoid(),
        i.erf(),
        i.reciprocal(),
        i.div(i.add(1)),
        i.pow(0.5),
      ]) {
        assert.equal(out.dtype, "float32");
      }
      assert.equal(t("float64").exp().dtype, "float64");
      assert.equal(t("float64").sigmoid().dtype, "float64");
      assert.equal(t("float64").div(t("int32")).dtype, "float64");
      assert.equal(t("bool", [true]).exp().dtype, "float32");
      assert.equal(t("bool", [true]).exp().item(), Math.fround(Math.E));
      // Integer-preserving ops keep int32.
      for (const out of [i.neg(), i.abs(), i.square(), i.relu(), i.maximum(1), i.floor(), i.div(2, { roundingMode: "floor" })]) {
        assert.equal(out.dtype, "int32");
      }
    });
  });

  it("where and clamp promote their branches / bounds", () => {
    forEachBackend(() => {
      const c = t("bool", [true, false]);
      assertEqual(tg.where(c, t("int32", [1, 2]), t("float64", [0.5, 0.5])), [1, 0.5], "float64");
      assertEqual(tg.where(c, t("int32", [1, 2]), 7), [1, 7], "int32");
      assertEqual(tg.where(c, t("float32", [1, 2]), zeroDim("float64", 3)), [1, 3], "float32");
      assertEqual(t("int32", [-1, 5]).clamp(0, 3), [0, 3], "int32");
      assertEqual(t("int32", [-1, 5]).clamp(0.5), [0.5, 5], "float32");
    });
  });

  it("mixed dtype gradients come back in each input's dtype", () => {
    forEachBackend(() => {
      const a = tg.tensor([1, 2], { dtype: "float32", requiresGrad: true });
      const b = tg.tensor([3, 4], { dtype: "float64", requiresGrad: true });
      const y = a.mul(b);
      assert.equal(y.dtype, "float64");
      y.sum().backward();
      assertEqual(a.grad as tg.Tensor, [3, 4], "float32");
      assertEqual(b.grad as tg.Tensor, [1, 2], "float64");

      // Broadcast and a zero-dim float64 that does not promote: out is float32, the 0-dim grad is float64.
      const x = tg.tensor([[1, 2, 3]], { dtype: "float32", requiresGrad: true });
      const s = tg.tensor(0.5, { dtype: "float64", requiresGrad: true });
      const z = x.mul(s);
      assert.equal(z.dtype, "float32");
      z.sum().backward();
      assertEqual(x.grad as tg.Tensor, [[0.5, 0.5, 0.5]], "float32");
      assertEqual(s.grad as tg.Tensor, 6, "float64");

      // Through where/maximum/div and with int operands that take no gradient.
      const p = tg.tensor([1, 4], { dtype: "float32", requiresGrad: true });
      const q = tg.tensor([2, 2], { dtype: "float64", requiresGrad: true });
      p.div(q)
        .add(p.maximum(q))
        .add(t("int32", [1, 1]))
        .sum()
        .backward();
      assertEqual(p.grad as tg.Tensor, [0.5, 1.5], "float32");
      assertEqual(q.grad as tg.Tensor, [0.75, -1], "float64");
    });
  });

  it("gradients are only allowed on floating tensors", () => {
    assert.throws(() => tg.tensor([1], { dtype: "int32", requiresGrad: true }), tg.AutogradError);
    assert.throws(() => tg.tensor([true], { requiresGrad: true }), tg.AutogradError);
  });
});
