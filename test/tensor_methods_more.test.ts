import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

// The Tensor methods of src/tensor/methods_more.ts: each is its function with the tensor first (same values, same
// argument checks), and a few against torch 1.13's numbers.

const X = () =>
  tg.tensor(
    [
      [0.1, -0.5, 0.9],
      [0.3, 0.7, -0.2],
      [0.4, 0.0, 0.6],
    ],
    { dtype: "float64" },
  );

describe("Tensor methods of the ops that were functions only", () => {
  it("torch's numbers: diagonal, diag, trace, roll, cumprod, tan, lerp, median, kthvalue, addcdiv, histc", () => {
    const x = X();
    assertClose(x.diagonal(1), [-0.5, -0.2]);
    assertClose(x.diag(-1), [0.3, 0.0]);
    assertClose(x.trace(), 1.4);
    assertClose(x.roll(1, 1), [
      [0.9, 0.1, -0.5],
      [-0.2, 0.3, 0.7],
      [0.6, 0.4, 0.0],
    ]);
    assertClose(x.cumprod(0).get(2), [0.012, -0.0, -0.10800000000000001]);
    assertClose(x.tan().get(0), [0.10033467208545055, -0.5463024898437905, 1.2601582175503392]);
    assertClose(x.lerp(tg.onesLike(x), 0.25).get(0), [0.325, -0.125, 0.925]);
    assertClose(x.median(), 0.3);
    assertClose(x.kthvalue(2, 1).values, [0.1, 0.3, 0.4]);
    assertClose(x.addcdiv(x, tg.fullLike(x, 2), { value: 3 }).get(0), [0.25, -1.25, 2.25]);
    assertClose(x.histc(4, -1, 1), [0, 2, 4, 3]);
  });

  it("every method equals its function", () => {
    const x = X();
    const y = X().flip([0]);
    const pos = x.abs().add(0.5);
    const same = (a: unknown, b: unknown) => assert.deepEqual(JSON.stringify(a), JSON.stringify(b));
    const t = (v: tg.Tensor | { values: tg.Tensor; indices: tg.Tensor }) =>
      v instanceof tg.Tensor ? v.tolist() : [v.values.tolist(), v.indices.tolist()];
    for (const n of ["tan", "asin", "acos", "atan", "sinh", "cosh", "exp2"] as const) same(t(x[n]()), t(tg[n](x)));
    for (const n of ["log2", "log10"] as const) same(t(pos[n]()), t(tg[n](pos)));
    same(t(x.atan2(y)), t(tg.atan2(x, y)));
    same(t(x.logaddexp(y)), t(tg.logaddexp(x, y)));
    same(t(x.nonzero()), t(tg.nonzero(x)));
    same(t(x.unique()), t(tg.unique(x)));
    same(t(x.median(1, true)), t(tg.median(x, 1, true)));
    same(x.isclose(y).tolist(), tg.isclose(x, y).tolist());
    same([x.allclose(x), x.equal(y)], [tg.allclose(x, x), tg.equal(x, y)]);
    same(t(x.addcmul(x, y, { value: 2 })), t(tg.addcmul(x, x, y, { value: 2 })));
    same(t(x.addmm(x, y, { beta: 0.5 })), t(tg.addmm(x, x, y, { beta: 0.5 })));
    const b = x.unsqueeze(0);
    same(t(b.baddbmm(b, b)), t(tg.baddbmm(b, b, b)));
    const probs = tg.tensor([[0, 1, 0]]);
    assert.deepEqual(probs.multinomial(2, { replacement: true, generator: new tg.Generator(0) }).tolist(), [[1, 1]]);
    const z = X();
    z.addcdiv_(x, tg.fullLike(x, 2), { value: 3 });
    same(t(z), t(tg.addcdiv(x, x, tg.fullLike(x, 2), { value: 3 })));
  });

  it("the methods check their arguments as the functions do, and carry gradients", () => {
    const x = X();
    assert.throws(
      () => Reflect.apply(x.tan, x, [1]),
      (e: unknown) => e instanceof tg.ArgumentError && e.fn === "tan",
    );
    assert.throws(() => x.diagonal({ offest: 1 } as never), /unknown option "offest"/);
    assert.throws(() => x.addcdiv_(x, x, { scale: 2 } as never), /addcdiv_: unknown option "scale"/);
    const w = X().requiresGrad_(true);
    assert.ok(tg.autograd.gradcheck((a: tg.Tensor) => a.tan().lerp(a.sinh(), 0.3).diagonal().cumprod(0), [w]));
  });
});
