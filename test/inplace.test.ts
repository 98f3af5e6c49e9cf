import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, tg } from "./helpers.ts";

const f64 = (data: tg.NestedArray): tg.Tensor => tg.tensor(data, { dtype: "float64" });
const leaf = (data: tg.NestedArray): tg.Tensor => tg.tensor(data, { dtype: "float64", requiresGrad: true });
const int = (data: tg.NestedArray): tg.Tensor => tg.tensor(data, { dtype: "int32" });

function gradOf(t: tg.Tensor): tg.Tensor {
  assert.ok(t.grad, "expected .grad to be set");
  return t.grad;
}

/** Asserts `op(x)` returns `x` itself, bumps its version, and leaves `expected` in it. */
function checkInPlace(x: tg.Tensor, op: (x: tg.Tensor) => tg.Tensor, expected: tg.NestedArray): void {
  const before = x._version;
  assert.equal(op(x), x, "an in-place op returns the tensor it modified");
  assert.ok(x._version > before, "an in-place op bumps the version counter");
  assertClose(x, expected, { atol: 1e-12, rtol: 1e-12 });
}

describe("in-place ops modify the tensor and return it", () => {
  it("arithmetic: add_ sub_ mul_ div_ pow_", () => {
    checkInPlace(f64([1, 2, 3]), (x) => x.add_(1), [2, 3, 4]);
    checkInPlace(f64([1, 2, 3]), (x) => x.add_(f64([10, 20, 30]), { alpha: 2 }), [21, 42, 63]);
    checkInPlace(f64([1, 2, 3]), (x) => x.sub_(f64([1, 1, 1])), [0, 1, 2]);
    checkInPlace(f64([1, 2, 3]), (x) => x.sub_(1, { alpha: 3 }), [-2, -1, 0]);
    checkInPlace(f64([1, 2, 3]), (x) => x.mul_(f64([2, 0, -1])), [2, 0, -3]);
    checkInPlace(f64([1, 2, 3]), (x) => x.div_(2), [0.5, 1, 1.5]);
    checkInPlace(f64([7, -7, 5]), (x) => x.div_(2, { roundingMode: "floor" }), [3, -4, 2]);
    checkInPlace(f64([1, 2, 3]), (x) => x.pow_(2), [1, 4, 9]);
    checkInPlace(f64([4, 9]), (x) => x.pow_(f64([0.5, 0.5])), [2, 3]);
  });

  it("broadcasts the other operand over a matrix", () => {
    checkInPlace(
      f64([
        [1, 2],
        [3, 4],
      ]),
      (x) => x.add_(f64([10, 20])),
      [
        [11, 22],
        [13, 24],
      ],
    );
    // ...but the result may not grow the tensor.
    assert.throws(() => f64([1, 2]).add_(f64([[1], [2]])));
  });

  it("clamp_ zero_ fill_ copy_", () => {
    checkInPlace(f64([-2, 0.5, 3]), (x) => x.clamp_(0, 1), [0, 0.5, 1]);
    checkInPlace(f64([-2, 0.5, 3]), (x) => x.clamp_(null, 1), [-2, 0.5, 1]);
    checkInPlace(f64([-2, 0.5, 3]), (x) => x.clamp_(0), [0, 0.5, 3]);
    checkInPlace(f64([1, 2, 3]), (x) => x.zero_(), [0, 0, 0]);
    checkInPlace(f64([1, 2, 3]), (x) => x.fill_(7), [7, 7, 7]);
    checkInPlace(f64([1, 2, 3]), (x) => x.fill_(f64(-1)), [-1, -1, -1]);
    checkInPlace(
      f64([
        [1, 2],
        [3, 4],
      ]),
      (x) => x.copy_(f64([5, 6])),
      [
        [5, 6],
        [5, 6],
      ],
    );
    assert.throws(() => f64([1, 2]).copy_(f64([1, 2, 3])), tg.ValueError);
  });

  it("copy_ casts to the destination's dtype, in any direction", () => {
    const i = int([0, 0]);
    i.copy_(f64([1.7, -2.2]));
    assertEqual(i, [1, -2], "int32");
    const f = tg.zeros([2]);
    f.copy_(int([3, 4]));
    assertEqual(f, [3, 4], "float32");
  });

  it("neg_ exp_ relu_ and the other unary ones", () => {
    checkInPlace(f64([1, -2]), (x) => x.neg_(), [-1, 2]);
    checkInPlace(f64([0, 1]), (x) => x.exp_(), [1, Math.E]);
    checkInPlace(f64([-1, 0, 2]), (x) => x.relu_(), [0, 0, 2]);
    checkInPlace(f64([-1, 2]), (x) => x.abs_(), [1, 2]);
    checkInPlace(f64([1, Math.E]), (x) => x.log_(), [0, 1]);
    checkInPlace(f64([4, 9]), (x) => x.sqrt_(), [2, 3]);
    checkInPlace(f64([0]), (x) => x.sigmoid_(), [0.5]);
    checkInPlace(f64([0, 1]), (x) => x.tanh_(), [0, Math.tanh(1)]);
  });

  it("maskedFill_ scatter_ scatterAdd_", () => {
    checkInPlace(f64([1, 2, 3]), (x) => x.maskedFill_(tg.tensor([true, false, true]), -1), [-1, 2, -1]);
    checkInPlace(
      tg.zeros([2, 3], { dtype: "float64" }),
      (x) =>
        x.scatter_(
          1,
          int([
            [2, 0],
            [1, 1],
          ]),
          f64([
            [5, 6],
            [7, 8],
          ]),
        ),
      [
        [6, 0, 5],
        [0, 8, 0],
      ],
    );
    checkInPlace(f64([1, 1, 1]), (x) => x.scatter_(0, int([0, 2]), 9), [9, 1, 9]);
    checkInPlace(f64([1, 1, 1]), (x) => x.scatterAdd_(0, int([0, 0, 2]), f64([1, 2, 3])), [4, 1, 4]);
  });

  it("uniform_ and normal_ fill a leaf's values under noGrad (weight init)", () => {
    const w = tg.zeros([2000], { dtype: "float64", requiresGrad: true });
    assert.equal(
      tg.noGrad(() => w.uniform_(2, 3, { generator: new tg.Generator(5) })),
      w,
    );
    const u = Array.from(w.toArray());
    assert.ok(u.every((v) => v >= 2 && v < 3));
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    assert.ok(Math.abs(mean - 2.5) < 0.03, `mean ${mean}`);
    assert.equal(w.requiresGrad, true);
    assert.equal(w.isLeaf, true);

    tg.noGrad(() => w.normal_(5, 0.5, { generator: new tg.Generator(6) }));
    const n = Array.from(w.toArray());
    const m = n.reduce((a, b) => a + b, 0) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - m) ** 2, 0) / n.length);
    assert.ok(Math.abs(m - 5) < 0.05, `mean ${m}`);
    assert.ok(Math.abs(sd - 0.5) < 0.05, `std ${sd}`);
    // The same generator seed gives the same values.
    const again = tg.zeros([2000], { dtype: "float64" }).normal_(5, 0.5, { generator: new tg.Generator(6) });
    assertClose(again, w.detach(), { atol: 0, rtol: 0 });
    // Outside noGrad, on a leaf that requires grad, it is refused.
    assert.throws(() => w.uniform_(), tg.AutogradError);
  });

  it("in-place writes through a view into its base", () => {
    const base = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    base.select(0, 1).mul_(10);
    base.get(":, 0").zero_();
    base
      .transpose(0, 1)
      .get(2)
      .add_(f64([100, 200]));
    assertClose(base, [
      [0, 2, 103],
      [0, 50, 260],
    ]);
  });

  it("add_ with alpha through strided views (the in-place axpy) gives what clone-and-add gives", () => {
    tg.manualSeed(4);
    for (const dtype of ["float32", "float64"] as const) {
      const base = tg.randn([6, 8, 5], { dtype });
      const other = tg.randn([8, 3, 6], { dtype });
      const want = base.clone();
      const view = base.permute([1, 0, 2]).get(":, ::2, 1:4"); // [8, 3, 3], strided
      const src = other.get(":, :, ::2"); // [8, 3, 3], strided
      view.add_(src, { alpha: -0.5 });
      const w = want.permute([1, 0, 2]).get(":, ::2, 1:4");
      w.copy_(w.add(src.mul(-0.5)));
      assert.deepEqual([...base.toArray()], [...want.toArray()], dtype);
    }
  });
});

describe("in-place ops and autograd", () => {
  it("a leaf that requires grad is refused, and allowed under noGrad (the optimizer step)", () => {
    const w = leaf([1, 2]);
    assert.throws(
      () => w.add_(1),
      (e: unknown) => e instanceof tg.AutogradError && /leaf/.test(e.message),
    );
    assert.throws(() => w.zero_(), tg.AutogradError);
    assert.throws(() => w.copy_(f64([0, 0])), tg.AutogradError);
    assertClose(w, [1, 2]);
    w.mul(w).sum().backward();
    const g = gradOf(w);
    tg.noGrad(() => w.sub_(g.mul(0.1)));
    assertClose(w, [0.8, 1.6]);
    assert.equal(w.isLeaf, true);
    assert.equal(w.requiresGrad, true);
    assert.equal(w.gradFn, null);
    tg.noGrad(() => gradOf(w).zero_());
    w.mul(w).sum().backward();
    assertClose(gradOf(w), [1.6, 3.2]);
  });

  it("an in-place op on a non-leaf is recorded: mul_ after mul", () => {
    const x = leaf([1, 2]);
    const y = x.mul(2);
    const before = y.gradFn;
    assert.equal(y.mul_(3), y);
    assert.notEqual(y.gradFn, before);
    assert.equal(y.gradFn?.name, "MulBackward0");
    assert.equal(y.isLeaf, false);
    assertClose(y, [6, 12]);
    y.sum().backward();
    assertClose(gradOf(x), [6, 6]);
  });

  it("gradients through exp_ relu_ clamp_ maskedFill_ pow_ div_ on non-leaves", () => {
    const x = leaf([-1, 0.5, 2]);
    x.mul(1).exp_().sum().backward();
    assertClose(gradOf(x), [Math.exp(-1), Math.exp(0.5), Math.exp(2)]);
    x.grad = null;
    x.mul(1).relu_().sum().backward();
    assertClose(gradOf(x), [0, 1, 1]);
    x.grad = null;
    x.mul(1).clamp_(0, 1).sum().backward();
    assertClose(gradOf(x), [0, 1, 0]);
    x.grad = null;
    x.mul(1)
      .maskedFill_(tg.tensor([false, true, false]), 5)
      .sum()
      .backward();
    assertClose(gradOf(x), [1, 0, 1]);
    x.grad = null;
    x.mul(1).pow_(3).sum().backward();
    assertClose(gradOf(x), [3, 0.75, 12]);
    x.grad = null;
    const d = leaf([2, 4, 8]);
    x.mul(1).div_(d).sum().backward();
    assertClose(gradOf(x), [0.5, 0.25, 0.125]);
    assertClose(gradOf(d), [1 / 4, -0.5 / 16, -2 / 64]);
  });

  it("an in-place op with a grad-requiring operand makes a plain tensor part of the graph", () => {
    const w = leaf([1, 2, 3]);
    const z = tg.zeros([3], { dtype: "float64" });
    z.add_(w, { alpha: 2 });
    assert.equal(z.requiresGrad, true);
    assert.equal(z.isLeaf, false);
    z.mul(z).sum().backward(); // (2w)² → 8w
    assertClose(gradOf(w), [8, 16, 24]);
  });

  it("copy_ sends the gradient to the source only, broadcast and cast", () => {
    const src = leaf([1, 2]);
    const x = leaf([
      [5, 5],
      [5, 5],
    ]).mul(1);
    x.copy_(src);
    assertClose(x, [
      [1, 2],
      [1, 2],
    ]);
    x.mul(
      f64([
        [1, 2],
        [3, 4],
      ]),
    )
      .sum()
      .backward();
    assertClose(gradOf(src), [4, 6]);
    // The overwritten values get no gradient.
    const a = leaf([3, 4]);
    const y = a.mul(1);
    y.copy_(f64([0, 0]));
    assert.equal(y.requiresGrad, true);
    assert.equal(y.gradFn?.name, "CopyBackwards");
    y.add(a).sum().backward();
    assertClose(gradOf(a), [1, 1]);
    // Copying a constant over a non-leaf, then backward from it alone: zeros reach the old history.
    const b = leaf([1, 2]);
    const yb = b.mul(3);
    yb.fill_(4);
    yb.sum().backward();
    assertClose(gradOf(b), [0, 0]);
    // Into a float32 tensor: the float64 source gets a float64 gradient.
    const s2 = leaf([1, 2]);
    const t32 = tg.zeros([2]);
    t32.copy_(s2);
    assert.equal(t32.dtype, "float32");
    t32.mul(3).sum().backward();
    assert.equal(gradOf(s2).dtype, "float64");
    assertClose(gradOf(s2), [3, 3]);
  });

  it("scatter_ with a src that requires grad routes the gradient to the written places", () => {
    const src = leaf([10, 20]);
    const x = tg.zeros([4], { dtype: "float64" });
    x.scatter_(0, int([3, 1]), src);
    assertClose(x, [0, 20, 0, 10]);
    x.mul(f64([1, 2, 3, 4]))
      .sum()
      .backward();
    assertClose(gradOf(src), [4, 2]);
  });

  it("set() writes a region differentiably", () => {
    const v = leaf([7, 8]);
    const a = leaf([1, 2, 3]);
    const y = a.mul(1);
    y.set("1:", v);
    assertClose(y, [1, 7, 8]);
    y.mul(f64([1, 2, 3]))
      .sum()
      .backward();
    assertClose(gradOf(v), [2, 3]);
    assertClose(gradOf(a), [1, 0, 0]);
  });
});

describe("the version counter", () => {
  it("y = x.exp(); y.add_(1); backward throws: ExpBackward0 saved y", () => {
    const x = leaf([0, 1]);
    const y = x.exp();
    y.add_(1);
    assert.throws(
      () => y.sum().backward(),
      (e: unknown) =>
        e instanceof tg.AutogradError && /modified by an in-place operation/.test(e.message) && /ExpBackward0/.test(e.message),
    );
  });

  it("modifying an input saved by mul is detected", () => {
    const x = leaf([1, 2]);
    const h = x.add(1);
    const y = h.mul(x);
    h.mul_(2);
    assert.throws(() => y.sum().backward(), /in-place/);
    // A constant operand saved by mul is checked too.
    const c = f64([3, 4]);
    const z = x.mul(c);
    c.add_(1);
    assert.throws(
      () => z.sum().backward(),
      (e: unknown) => e instanceof tg.AutogradError && /MulBackward0/.test(e.message) && /version 1/.test(e.message),
    );
  });

  it("an op that saves nothing does not mind in-place changes", () => {
    const x = leaf([1, 2]);
    const h = x.mul(1);
    const y = h.add(1); // AddBackward0 saves nothing
    h.add_(5);
    y.sum().backward();
    assertClose(gradOf(x), [1, 1]);
  });

  it("modifying a clone instead is fine", () => {
    const x = leaf([0, 1]);
    const y = x.exp();
    const z = y.clone();
    z.add_(1);
    z.mul(y).sum().backward(); // (e^x + 1)·e^x → d/dx = 2e^{2x} + e^x
    assertClose(gradOf(x), [3, 2 * Math.exp(2) + Math.E]);
  });

  it("views share the version counter with their base", () => {
    const x = leaf([1, 2, 3]);
    const c = f64([4, 5, 6]);
    const y = x.mul(c);
    const v = c.get("1:");
    const before = c._version;
    v.mul_(2); // writes into c through a view
    assert.equal(c._version, before + 1);
    assert.equal(v._version, c._version);
    assertClose(c, [4, 10, 12]);
    assert.throws(() => y.sum().backward(), /in-place/);
    // ...and the other way round: writing the base invalidates a saved view.
    const b = f64([1, 2, 3]);
    const view = b.get("0:2");
    const z = x.get("0:2").mul(view);
    b.zero_();
    assert.throws(() => z.sum().backward(), /in-place/);
  });

  it("detach() shares the version counter too", () => {
    const x = leaf([1, 2]);
    const y = x.exp();
    y.detach().zero_();
    assert.throws(() => y.sum().backward(), /in-place/);
  });
});

describe("in-place restrictions", () => {
  it("an expanded (stride-0) view cannot be written", () => {
    const e = f64([1]).expand([3]);
    assert.throws(
      () => e.add_(1),
      (err: unknown) => err instanceof tg.ValueError && /expanded/.test(err.message),
    );
    assert.throws(
      () =>
        f64([[1, 2]])
          .expand([2, 2])
          .zero_(),
      tg.ValueError,
    );
    assert.throws(
      () =>
        f64([[1, 2]])
          .expand([2, 2])
          .copy_(f64([3, 4])),
      tg.ValueError,
    );
    // A size-1 dim with stride 0 is still one element per place.
    const ok = f64([5]).expand([1]);
    ok.add_(1);
    assertClose(ok, [6]);
  });

  it("in-place on a view of a tensor that requires grad is refused (no view rebasing)", () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(1);
    assert.throws(
      () => y.get("0:2").add_(1),
      (e: unknown) => e instanceof tg.AutogradError && /view/.test(e.message),
    );
    assert.throws(() => y.select(0, 0).zero_(), tg.AutogradError);
    // Also when only the written value requires grad: the base could not see the new graph.
    const w = leaf([7, 8, 9]);
    const base = tg.zeros([2, 3], { dtype: "float64" });
    assert.throws(() => base.select(0, 0).copy_(w), tg.AutogradError);
    assert.throws(() => base.get("0:1").add_(w), tg.AutogradError);
    assertClose(base, tg.zeros([2, 3], { dtype: "float64" }));
    // Writing into the base itself with set() is the differentiable way.
    base.set(0, w);
    assert.equal(base.requiresGrad, true);
    base
      .mul(
        f64([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      )
      .sum()
      .backward();
    assertClose(gradOf(w), [1, 2, 3]);
    // A view of a leaf that requires grad can still be written under noGrad.
    tg.noGrad(() => x.get("1:").zero_());
    assertClose(x, [1, 0, 0]);
  });

  it("the result dtype must fit the tensor: float into int32 throws DTypeError", () => {
    const i = int([1, 2]);
    assert.throws(() => i.add_(1.5), tg.DTypeError);
    assert.throws(() => i.mul_(f64([1, 2])), tg.DTypeError);
    assert.throws(() => i.div_(2), tg.DTypeError); // true division gives floats
    assertEqual(i, [1, 2], "int32");
    assert.equal(i._version, 0);
    // int into float, and int into int, are fine.
    i.add_(int([10, 20]));
    assertEqual(i, [11, 22], "int32");
    i.div_(2, { roundingMode: "floor" });
    assertEqual(i, [5, 11], "int32");
    const f = tg.tensor([1, 2]);
    f.add_(int([1, 1]));
    assertEqual(f, [2, 3], "float32");
    // bool is the narrowest: adding an int to a bool tensor in place throws.
    assert.throws(() => tg.tensor([true, false]).add_(int([1, 1])), tg.DTypeError);
  });
});
