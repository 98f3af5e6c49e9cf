import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const leaf = (data: tg.NestedArray, dtype: tg.DType = "float64"): tg.Tensor => tg.tensor(data, { dtype, requiresGrad: true });

/** The grad of `t`, failing the test when it is missing. */
function gradOf(t: tg.Tensor): tg.Tensor {
  assert.ok(t.grad, "expected .grad to be set");
  return t.grad;
}

describe("requiresGrad and leaves", () => {
  it("requiresGrad flows from any input that requires grad", () => {
    const x = leaf([1, 2]);
    const c = tg.tensor([3, 4], { dtype: "float64" });
    assert.equal(c.requiresGrad, false);
    assert.equal(x.add(c).requiresGrad, true);
    assert.equal(c.mul(x).requiresGrad, true);
    assert.equal(c.mul(2).requiresGrad, false);
    assert.equal(x.sum().exp().requiresGrad, true);
    assert.equal(c.mul(c).gradFn, null);
    // Comparisons give bool tensors, which never require grad.
    assert.equal(x.gt(1).requiresGrad, false);
  });

  it("leaves are user-made tensors; op results that require grad are not", () => {
    const x = leaf([1, 2]);
    const c = tg.tensor([3, 4]);
    assert.equal(x.isLeaf, true);
    assert.equal(c.isLeaf, true);
    assert.equal(x.gradFn, null);
    const y = x.mul(2);
    assert.equal(y.isLeaf, false);
    assert.ok(y.gradFn);
    // A result of ops on tensors that do not require grad is a leaf, with no gradFn.
    const z = c.mul(2);
    assert.equal(z.isLeaf, true);
    assert.equal(z.gradFn, null);
  });

  it(".grad accumulates over two backward calls", () => {
    const x = leaf([1, 2, 3]);
    x.mul(x).sum().backward();
    assertClose(gradOf(x), [2, 4, 6]);
    x.mul(x).sum().backward();
    assertClose(gradOf(x), [4, 8, 12]);
    x.grad = null;
    x.mul(3).sum().backward();
    assertClose(gradOf(x), [3, 3, 3]);
  });

  it("a stored .grad is not aliased to the incoming gradient", () => {
    const x = leaf([1, 2]);
    const seed = tg.tensor([5, 7], { dtype: "float64" });
    x.mul(1).backward(seed);
    const g = gradOf(x);
    x.mul(1).backward(seed);
    assertClose(seed, [5, 7]);
    assertClose(g, [5, 7], { atol: 0, rtol: 0 });
    assertClose(gradOf(x), [10, 14]);
    assert.equal(gradOf(x).requiresGrad, false);
  });

  it("a non-leaf's .grad stays null unless retainGrad() is called", () => {
    const x = leaf([1, 2]);
    const h = x.mul(3);
    const k = x.mul(4);
    k.retainGrad();
    assert.equal(h.retainsGrad, false);
    assert.equal(k.retainsGrad, true);
    h.mul(k).sum().backward();
    assert.equal(h.grad, null);
    // d(h·k)/dk = h = 3x
    assertClose(gradOf(k), [3, 6]);
    // d(12x²)/dx = 24x
    assertClose(gradOf(x), [24, 48]);
  });

  it("retainGrad on a tensor that does not require grad throws", () => {
    assert.throws(() => tg.tensor([1]).retainGrad(), tg.AutogradError);
  });

  it("requiresGrad_() sets the flag on float leaves and refuses int tensors and non-leaves", () => {
    const x = tg.tensor([1, 2]);
    assert.equal(x.requiresGrad_(), x);
    assert.equal(x.requiresGrad, true);
    x.requiresGrad_(false);
    assert.equal(x.requiresGrad, false);
    assert.throws(
      () => tg.tensor([1, 2], { dtype: "int32" }).requiresGrad_(),
      (e: unknown) => {
        assert.ok(e instanceof tg.AutogradError);
        assert.match(e.message, /floating point/);
        return true;
      },
    );
    assert.throws(() => tg.tensor([true]).requiresGrad_(), tg.AutogradError);
    assert.throws(() => tg.tensor([1], { dtype: "int32", requiresGrad: true }), tg.AutogradError);
    const y = leaf([1]).mul(2);
    assert.throws(() => y.requiresGrad_(false), tg.AutogradError);
    // requiresGrad_(false) on an int tensor is allowed: it already does not require grad.
    assert.equal(tg.tensor([1], { dtype: "int32" }).requiresGrad_(false).requiresGrad, false);
  });

  it("detach() gives a leaf sharing storage, cut from the graph", () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(2);
    const d = y.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.isLeaf, true);
    assert.equal(d.gradFn, null);
    assertClose(d, [2, 4, 6]);
    // Shares memory with y.
    d.add_(1);
    assertClose(y.detach(), [3, 5, 7]);
    // The detached branch contributes no gradient.
    const z = x.mul(x.detach()).sum();
    z.backward();
    assertClose(gradOf(x), [1, 2, 3]);
  });
});

describe("backward()", () => {
  it("on a non-scalar without a gradient throws AutogradError", () => {
    const y = leaf([1, 2, 3]).mul(2);
    assert.throws(
      () => y.backward(),
      (e: unknown) => e instanceof tg.AutogradError && /scalar/.test(e.message),
    );
  });

  it("on a non-scalar with a gradient computes the vector-Jacobian product", () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(x); // J = diag(2x)
    y.backward(tg.tensor([1, 0.1, 0.01], { dtype: "float64" }));
    assertClose(gradOf(x), [2, 0.4, 0.06]);
    // A full Jacobian: y = W·x, vᵀJ = vᵀW.
    const w = tg.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float64" },
    );
    const x2 = leaf([1, 1, 1]);
    w.matmul(x2).backward(tg.tensor([1, -1], { dtype: "float64" }));
    assertClose(gradOf(x2), [-3, -3, -3]);
  });

  it("a gradient of the wrong shape throws ShapeError", () => {
    const y = leaf([1, 2, 3]).mul(2);
    assert.throws(() => y.backward(tg.ones([2], { dtype: "float64" })), tg.ShapeError);
  });

  it("on a tensor that does not require grad throws", () => {
    assert.throws(() => tg.tensor(1).backward(), tg.AutogradError);
  });

  it("on a leaf puts ones in its grad", () => {
    const x = leaf(3);
    x.backward();
    assert.equal(gradOf(x).item(), 1);
  });

  it("a second backward through a freed graph throws, mentioning retainGraph", () => {
    const x = leaf([1, 2]);
    const y = x.exp().sum();
    y.backward();
    assert.throws(
      () => y.backward(),
      (e: unknown) => e instanceof tg.AutogradError && /retainGraph/.test(e.message) && /second time/.test(e.message),
    );
  });

  it("works twice with {retainGraph: true}", () => {
    const x = leaf([0, 1]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assertClose(gradOf(x), [2, 2 * Math.E]);
    // ...and the second call (without retainGraph) freed it.
    assert.throws(() => y.backward(), tg.AutogradError);
  });

  it("frees saved tensors after backward (unpackSaved throws)", () => {
    const x = leaf([1, 2]);
    const e = x.exp();
    const node = e.gradFn as tg.autograd.Node;
    assert.equal(node.unpackSaved().length, 1);
    assertClose(node.unpackSaved()[0], [Math.exp(1), Math.exp(2)]);
    e.sum().backward();
    assert.throws(() => node.unpackSaved(), /retainGraph/);
    // With retainGraph the saved values survive.
    const e2 = x.exp();
    e2.sum().backward(undefined, { retainGraph: true });
    assert.equal((e2.gradFn as tg.autograd.Node).unpackSaved().length, 1);
  });

  it("a graph with no saved tensors can be walked twice (as in PyTorch)", () => {
    const x = leaf([1, 2]);
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    assertClose(gradOf(x), [2, 2]);
  });

  it("broadcast gradients are summed back to the input's shape", () => {
    const x = tg.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
        [10, 11, 12],
      ],
      { dtype: "float64", requiresGrad: true },
    );
    const b = leaf([0.5, -1, 2]);
    x.add(b).sum().backward();
    assertClose(gradOf(b), [4, 4, 4]);
    assertClose(gradOf(x), tg.ones([4, 3], { dtype: "float64" }));
    // Weighted, so the sum over rows is visible: d/db Σ (x + b)·x = Σ_rows x.
    const b2 = leaf([0, 0, 0]);
    x.detach().add(b2).mul(x.detach()).sum().backward();
    assertClose(gradOf(b2), [22, 26, 30]);
    // Size-1 dims are summed with keepdim: [4, 1] and [1, 3].
    const col = leaf([[1], [2], [3], [4]]);
    const row = leaf([[1, 2, 3]]);
    col.mul(row).sum().backward();
    assertClose(gradOf(col), [[6], [6], [6], [6]]);
    assertClose(gradOf(row), [[10, 10, 10]]);
    // A 0-dim tensor broadcast against a matrix.
    const s = leaf(2);
    s.mul(x.detach()).sum().backward();
    assert.equal(gradOf(s).item(), 78);
    assert.deepEqual(gradOf(s).shape, []);
  });

  it("diamond graphs accumulate the gradient from both paths", () => {
    const x = leaf(3);
    x.mul(x).backward();
    assert.equal(gradOf(x).item(), 6);
    const y = leaf(3);
    const a = y.add(1);
    const b = y.mul(2);
    a.mul(b).backward(); // (y + 1)·2y = 2y² + 2y → 4y + 2
    assert.equal(gradOf(y).item(), 14);
    // A deeper diamond: h is used by three consumers.
    const z = leaf(0.5);
    const h = z.mul(z);
    h.exp().add(h.sin()).add(h).backward(); // d/dz = 2z·(e^h + cos h + 1)
    const hv = 0.25;
    assertClose(gradOf(z), 2 * 0.5 * (Math.exp(hv) + Math.cos(hv) + 1));
  });

  it("a chain of 10,000 ops does not overflow the stack", () => {
    const x = leaf(1);
    let y = x;
    for (let i = 0; i < 10_000; i++) y = y.mul(1.0001).add(0);
    y.backward();
    assertClose(gradOf(x), 1.0001 ** 10_000, { rtol: 1e-9 });
  });

  it("a wide graph (one leaf used 2,000 times) accumulates every use", () => {
    const x = leaf(2);
    let acc = x.mul(0);
    for (let i = 0; i < 2000; i++) acc = acc.add(x.mul(i));
    acc.backward();
    assert.equal(gradOf(x).item(), (1999 * 2000) / 2);
  });

  it("float32 leaves get float32 gradients, also through mixed-dtype ops", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const w = leaf([3, 4]);
    x.mul(w).sum().backward();
    assert.equal(gradOf(x).dtype, "float32");
    assert.equal(gradOf(w).dtype, "float64");
    assertClose(gradOf(x), [3, 4]);
    assertClose(gradOf(w), [1, 2]);
  });
});

describe("grad mode", () => {
  it("noGrad: results do not require grad, and the flag comes back", () => {
    const x = leaf([1, 2]);
    assert.equal(tg.isGradEnabled(), true);
    const y = tg.noGrad(() => {
      assert.equal(tg.isGradEnabled(), false);
      return x.mul(2);
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.equal(tg.isGradEnabled(), true);
    assert.equal(x.mul(2).requiresGrad, true);
  });

  it("enableGrad nests inside noGrad, and noGrad inside that", () => {
    const x = leaf([1, 2]);
    tg.noGrad(() => {
      assert.equal(x.mul(2).requiresGrad, false);
      const y = tg.enableGrad(() => {
        assert.equal(tg.isGradEnabled(), true);
        const inner = tg.noGrad(() => x.mul(3));
        assert.equal(inner.requiresGrad, false);
        return x.mul(2).sum();
      });
      assert.equal(y.requiresGrad, true);
      assert.equal(tg.isGradEnabled(), false);
      // Ops on y here are not recorded...
      assert.equal(y.mul(2).requiresGrad, false);
      // ...but backward inside noGrad still works on the graph recorded under enableGrad.
      y.backward();
    });
    assertClose(gradOf(x), [2, 2]);
    assert.equal(tg.isGradEnabled(), true);
  });

  it("noGrad and enableGrad restore the flag after an exception", () => {
    assert.throws(
      () =>
        tg.noGrad(() => {
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.equal(tg.isGradEnabled(), true);
    tg.noGrad(() => {
      assert.throws(() =>
        tg.enableGrad(() => {
          throw new Error("boom");
        }),
      );
      assert.equal(tg.isGradEnabled(), false);
    });
    assert.equal(tg.isGradEnabled(), true);
  });

  it("setGradEnabled returns the previous setting", () => {
    const prev = tg.setGradEnabled(false);
    try {
      assert.equal(prev, true);
      assert.equal(leaf([1]).mul(2).requiresGrad, false);
    } finally {
      tg.setGradEnabled(prev);
    }
    assert.equal(tg.isGradEnabled(), true);
    assert.equal(tg.autograd.noGrad, tg.noGrad);
  });

  it("backward restores grad mode even when a backward function throws", () => {
    const x = leaf([1]);
    const y = x.exp();
    y.sum().backward();
    assert.throws(() => y.sum().backward());
    assert.equal(tg.isGradEnabled(), true);
  });
});

describe("the graph (gradFn, nextFunctions)", () => {
  it("can be walked for (x1 + x2)·x3 − x4", () => {
    const [x1, x2, x3, x4] = [5, 4, 3, 2].map((v) => leaf(v));
    const f = x1.add(x2).mul(x3).sub(x4);
    const sub = f.gradFn as tg.autograd.Node;
    assert.equal(sub.name, "SubBackward0");
    assert.equal(sub.nextFunctions.length, 2);
    const [mulEdge, x4Edge] = sub.nextFunctions;
    assert.ok(mulEdge && x4Edge);
    assert.equal(mulEdge.node.name, "MulBackward0");
    assert.equal(x4Edge.node.name, "AccumulateGrad");
    assert.ok(x4Edge.node instanceof tg.autograd.AccumulateGrad);
    assert.equal(x4Edge.node.variable, x4);
    const [addEdge, x3Edge] = mulEdge.node.nextFunctions;
    assert.ok(addEdge && x3Edge);
    assert.equal(addEdge.node.name, "AddBackward0");
    assert.equal((x3Edge.node as tg.autograd.AccumulateGrad).variable, x3);
    const leaves = addEdge.node.nextFunctions.map((e) => (e?.node as tg.autograd.AccumulateGrad | undefined)?.variable);
    assert.equal(leaves[0], x1);
    assert.equal(leaves[1], x2);
    assert.deepEqual(
      addEdge.node.nextFunctions.map((e) => e?.node.nextFunctions.length),
      [0, 0],
    );
    assert.equal(String(sub), "<SubBackward0>");
  });

  it("inputs that do not require grad have null edges; one leaf has one AccumulateGrad", () => {
    const x = leaf([1, 2]);
    const c = tg.tensor([3, 4], { dtype: "float64" });
    const y = x.mul(c);
    const [ex, ec] = (y.gradFn as tg.autograd.Node).nextFunctions;
    assert.equal(ec, null);
    assert.equal(ex?.node.name, "AccumulateGrad");
    const sq = x.mul(x).gradFn as tg.autograd.Node;
    assert.equal(sq.nextFunctions[0]?.node, sq.nextFunctions[1]?.node);
    assert.equal(sq.nextFunctions[0]?.node, ex?.node);
  });

  it("split outputs are views whose gradients land in the right slices", () => {
    const x = leaf([1, 2, 3, 4]);
    const [a, b] = x.split(2);
    const y = a.mul(b);
    const [ea, eb] = (y.gradFn as tg.autograd.Node).nextFunctions;
    assert.ok(ea && eb);
    assert.notEqual(ea.node, eb.node);
    y.sum().backward();
    assertClose(gradOf(x), [3, 4, 1, 2]);
  });
});

describe("autograd.grad", () => {
  it("returns gradients without touching .grad", () => {
    const x = leaf([1, 2, 3]);
    const y = leaf(2);
    const out = x.mul(x).sum().mul(y);
    const [gx, gy] = tg.autograd.grad(out, [x, y]);
    assert.ok(gx && gy);
    assertClose(gx, [4, 8, 12]);
    assertClose(gy, 14);
    assert.equal(x.grad, null);
    assert.equal(y.grad, null);
    assert.equal(gx.requiresGrad, false);
  });

  it("takes a single tensor for outputs and inputs", () => {
    const x = leaf(3);
    const [g] = tg.autograd.grad(x.pow(2), x);
    assert.equal(g?.item(), 6);
  });

  it("gives the gradient of a non-leaf input", () => {
    const x = leaf([1, 2]);
    const h = x.mul(3);
    const out = h.mul(h).sum();
    const [gh] = tg.autograd.grad(out, [h]);
    assertClose(gh as tg.Tensor, [6, 12]);
    assert.equal(x.grad, null);
    assert.equal(h.grad, null);
  });

  it("throws for an unused input, and gives null with allowUnused", () => {
    const x = leaf([1, 2]);
    const unused = leaf([5]);
    assert.throws(
      () => tg.autograd.grad(x.sum().mul(2), [x, unused]),
      (e: unknown) => e instanceof tg.AutogradError && /allowUnused/.test(e.message),
    );
    const [gx, gu] = tg.autograd.grad(x.sum().mul(2), [x, unused], { allowUnused: true });
    assertClose(gx as tg.Tensor, [2, 2]);
    assert.equal(gu, null);
  });

  it("throws for an input that does not require grad", () => {
    const x = leaf([1, 2]);
    assert.throws(() => tg.autograd.grad(x.sum(), [tg.tensor([1])]), tg.AutogradError);
  });

  it("uses gradOutputs as the vector of the vector-Jacobian product", () => {
    const x = leaf([1, 2, 3]);
    const y = x.pow(2);
    assert.throws(() => tg.autograd.grad(y, [x]), tg.AutogradError);
    const [g] = tg.autograd.grad(y, [x], { gradOutputs: tg.tensor([1, -1, 0.5], { dtype: "float64" }) });
    assertClose(g as tg.Tensor, [2, -4, 3]);
    assert.throws(() => tg.autograd.grad(x.pow(2), [x], { gradOutputs: [tg.ones([2], { dtype: "float64" })] }), tg.ShapeError);
  });

  it("sums over several outputs, each with its own gradOutput", () => {
    const x = leaf([1, 2]);
    const a = x.mul(2);
    const b = x.pow(3).sum();
    const [g] = tg.autograd.grad([a, b], [x], {
      gradOutputs: [tg.tensor([1, 10], { dtype: "float64" }), null],
    });
    // 2·[1, 10] + 3x² = [2 + 3, 20 + 12]
    assertClose(g as tg.Tensor, [5, 32]);
  });

  it("frees the graph unless retainGraph is set", () => {
    const x = leaf([1, 2]);
    const y = x.exp().sum();
    tg.autograd.grad(y, [x], { retainGraph: true });
    const [g] = tg.autograd.grad(y, [x]);
    assertClose(g as tg.Tensor, [Math.E, Math.exp(2)]);
    assert.throws(() => tg.autograd.grad(y, [x]), /retainGraph/);
  });

  it("runs hooks on the captured gradient", () => {
    const x = leaf([1, 2]);
    x.registerHook((g) => g.mul(10));
    const [g] = tg.autograd.grad(x.mul(3).sum(), [x]);
    assertClose(g as tg.Tensor, [30, 30]);
  });

  it("sums the gradients of an output given twice, as PyTorch does", () => {
    const x = leaf([1, 2, 3]);
    const y = x.mul(2).sum();
    const [g] = tg.autograd.grad([y, y], [x]);
    assertClose(g as tg.Tensor, [4, 4, 4]);
  });
});

describe("higher-order gradients", () => {
  it("createGraph gives second and third derivatives of x³ at 2", () => {
    const x = leaf(2);
    const y = x.pow(3);
    const [dx] = tg.autograd.grad(y, [x], { createGraph: true });
    assert.ok(dx);
    assert.equal(dx.item(), 12); // 3x²
    assert.equal(dx.requiresGrad, true);
    const [d2x] = tg.autograd.grad(dx, [x], { createGraph: true });
    assert.ok(d2x);
    assert.equal(d2x.item(), 12); // 6x
    const [d3x] = tg.autograd.grad(d2x, [x]);
    assert.equal(d3x?.item(), 6);
  });

  it("backward with createGraph leaves a differentiable .grad", () => {
    const x = leaf(2);
    x.pow(3).backward(undefined, { createGraph: true });
    const g = gradOf(x);
    assert.equal(g.item(), 12);
    assert.equal(g.requiresGrad, true);
    const [d2] = tg.autograd.grad(g, [x]);
    assert.equal(d2?.item(), 12);
  });

  it("Hessian-vector product of f(x) = (Σ xᵢ²)(Σ xⱼ)", () => {
    // ∇f_k = 2x_k·S1 + S2; H_kl = 2δ_kl·S1 + 2x_k + 2x_l; Hv = 2v·S1 + 2x·Σv + 2(x·v).
    const x = leaf([1, 2, 3]);
    const v = tg.tensor([1, 0, -1], { dtype: "float64" });
    const f = x.pow(2).sum().mul(x.sum());
    const [g] = tg.autograd.grad(f, [x], { createGraph: true });
    assert.ok(g);
    assertClose(g, [2 * 6 + 14, 4 * 6 + 14, 6 * 6 + 14]);
    const [hv] = tg.autograd.grad(g.mul(v).sum(), [x], { retainGraph: true });
    assertClose(hv as tg.Tensor, [8, -4, -16]);
    // The same through gradOutputs.
    const [hv2] = tg.autograd.grad(g, [x], { gradOutputs: v });
    assertClose(hv2 as tg.Tensor, [8, -4, -16]);
  });

  it("the full Hessian of a quadratic form xᵀAx is A + Aᵀ", () => {
    const a = tg.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float64" },
    );
    const x = leaf([0.5, -1]);
    const f = x.matmul(a.matmul(x));
    const [g] = tg.autograd.grad(f, [x], { createGraph: true });
    assert.ok(g);
    const rows = [0, 1].map((i) => tg.autograd.grad(g.get(i), [x], { retainGraph: true })[0] as tg.Tensor);
    assertClose(tg.stack(rows), [
      [2, 5],
      [5, 8],
    ]);
  });

  it("a gradient penalty ‖∇f‖² backpropagates", () => {
    // f = Σ x³, ∇f = 3x², ‖∇f‖² = Σ 9x⁴, d/dx = 36x³.
    const x = leaf([1, 2]);
    const [g] = tg.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
    assert.ok(g);
    g.pow(2).sum().backward();
    assertClose(gradOf(x), [36, 288]);
  });

  it("a gradient penalty through a weight: loss + ‖∂loss/∂x‖²", () => {
    // loss = Σ tanh(w·x); ∂loss/∂x_i = w(1 − t_i²); penalty = w²·Σ(1 − t_i²)².
    const w = leaf(0.7);
    const x = leaf([0.3, -0.2]);
    const loss = w.mul(x).tanh().sum();
    const [gx] = tg.autograd.grad(loss, [x], { createGraph: true });
    assert.ok(gx);
    loss.add(gx.pow(2).sum()).backward();
    // Compare with finite differences of the same scalar as a function of w.
    const value = (wv: number) =>
      [0.3, -0.2].reduce((s, xv) => {
        const t = Math.tanh(wv * xv);
        return s + t + wv * wv * (1 - t * t) ** 2;
      }, 0);
    const eps = 1e-6;
    assertClose(gradOf(w), (value(0.7 + eps) - value(0.7 - eps)) / (2 * eps), { rtol: 1e-6 });
  });

  it("without createGraph the gradient is a constant", () => {
    const x = leaf(2);
    const [g] = tg.autograd.grad(x.pow(3), [x]);
    assert.equal(g?.requiresGrad, false);
    assert.equal(tg.isGradEnabled(), true);
  });
});

describe("hooks", () => {
  it("a hook on a leaf replaces its gradient, and remove() takes it off", () => {
    const x = leaf([1, 2]);
    const seen: number[][] = [];
    const h1 = x.registerHook((g) => {
      seen.push(Array.from(g.toArray()));
      return undefined;
    });
    const h2 = x.registerHook((g) => g.mul(2));
    x.mul(3).sum().backward();
    assertClose(gradOf(x), [6, 6]);
    assert.deepEqual(seen, [[3, 3]]);
    h2.remove();
    h2.remove(); // a second remove is harmless
    x.grad = null;
    x.mul(3).sum().backward();
    assertClose(gradOf(x), [3, 3]);
    h1.remove();
    x.mul(3).sum().backward();
    assert.equal(seen.length, 2);
  });

  it("a hook on a non-leaf changes what flows to its inputs", () => {
    const x = leaf([1, 2]);
    const h = x.mul(3);
    const handle = h.registerHook((g) => g.mul(10));
    h.mul(h).sum().backward(undefined, { retainGraph: true }); // d/dh = 2h = [6, 12]
    assertClose(gradOf(x), [180, 360]);
    handle.remove();
    x.grad = null;
    h.mul(h).sum().backward();
    assertClose(gradOf(x), [18, 36]);
  });

  it("a hook on a non-leaf sees the total gradient once, and a retained grad sees the hooked value", () => {
    const x = leaf(1);
    const h = x.mul(2);
    let calls = 0;
    h.registerHook((g) => {
      calls++;
      return g.add(1);
    });
    h.retainGrad();
    h.add(h).mul(h).backward(); // 2h², d/dh = 4h = 8
    assert.equal(calls, 1);
    assert.equal(gradOf(h).item(), 9);
    assert.equal(gradOf(x).item(), 18);
  });

  it("a backward run inside a hook, through nodes the outer run is still walking, leaves the outer run intact", () => {
    const w = leaf([1, 2, 3]);
    const t = w.mul(2);
    let inner: number[] | null = null;
    let nested = false;
    t.registerHook((g) => {
      if (!nested) {
        nested = true;
        // Through t's own node (kept by retainGraph) and w's sink, both still pending in the outer run.
        const [gw] = tg.enableGrad(() => tg.autograd.grad(t.mul(w).sum(), [w], { retainGraph: true }));
        inner = (gw as tg.Tensor).tolist() as number[];
        tg.enableGrad(() => w.mul(3).sum().backward()); // accumulates into w.grad midway through the outer run
        nested = false;
      }
      return g.mul(10);
    });
    t.sum().add(w.sum()).backward();
    // d/dw Σ t·w through both factors, t's share hooked too: 10·w·2 + t.
    assert.deepEqual(inner, [22, 44, 66]);
    // 3 (the nested backward) + 1 (w.sum()) + 10·2 (t's hooked gradient through t = 2w).
    assertClose(gradOf(w), [24, 24, 24]);
  });

  it("registering a hook on a tensor that does not require grad throws", () => {
    assert.throws(() => tg.tensor([1]).registerHook((g) => g), tg.AutogradError);
  });
});

describe("detectAnomaly", () => {
  it("throws AnomalyError naming the backward node that made NaN, with the forward stack", () => {
    const x = leaf(0);
    assert.throws(
      () =>
        tg.autograd.detectAnomaly(() => {
          const y = x.sqrt().mul(0); // sqrt'(0) = inf, times 0 → NaN
          y.backward();
        }),
      (e: unknown) => {
        assert.ok(e instanceof tg.AnomalyError);
        assert.equal(e.code, "anomaly");
        assert.match(e.message, /SqrtBackward0/);
        assert.match(e.message, /nan or inf/);
        assert.match(e.message, /forward call/);
        assert.match(e.message, /autograd\.test\.ts/);
        return true;
      },
    );
    assert.equal(tg.autograd.isAnomalyEnabled(), false);
  });

  it("catches inf from log(0) too", () => {
    const x = leaf([1, 0]);
    assert.throws(() => tg.autograd.detectAnomaly(() => x.log().sum().backward()), /LogBackward0/);
  });

  it("with only backward inside detectAnomaly it still throws, without a forward stack", () => {
    const x = leaf(0);
    const y = x.sqrt().mul(0);
    assert.equal((y.gradFn as tg.autograd.Node).forwardStack, undefined);
    assert.throws(
      () => tg.autograd.detectAnomaly(() => y.backward()),
      (e: unknown) => e instanceof tg.AnomalyError && /SqrtBackward0/.test(e.message) && !/forward call/.test(e.message),
    );
  });

  it("without anomaly mode, NaN gradients pass silently", () => {
    const x = leaf(0);
    x.sqrt().mul(0).backward();
    assert.ok(Number.isNaN(gradOf(x).item()));
  });

  it("finite gradients pass under detectAnomaly, and nodes keep their forward stack", () => {
    const x = leaf([1, 4]);
    const y = tg.autograd.detectAnomaly(() => {
      assert.equal(tg.autograd.isAnomalyEnabled(), true);
      const r = x.sqrt();
      r.sum().backward(undefined, { retainGraph: true });
      return r;
    });
    assertClose(gradOf(x), [0.5, 0.25]);
    assert.match((y.gradFn as tg.autograd.Node).forwardStack ?? "", /autograd\.test\.ts/);
  });
});

describe("gradcheck", () => {
  it("returns true for correct gradients", () => {
    const x = tg.randn([3], { dtype: "float64", generator: new tg.Generator(1) }).requiresGrad_();
    const w = tg.randn([2, 3], { dtype: "float64", generator: new tg.Generator(2) }).requiresGrad_();
    assert.equal(
      tg.autograd.gradcheck((x, w) => w.matmul(x.tanh()), [x, w]),
      true,
    );
    // Inputs that do not require grad are held fixed; they may be of any dtype.
    const idx = tg.tensor([2, 0], { dtype: "int32" });
    assert.equal(
      tg.autograd.gradcheck((x, i) => x.indexSelect(0, i).exp(), [x, idx]),
      true,
    );
    // Multiple outputs.
    assert.equal(
      tg.autograd.gradcheck((x) => [x.sin(), x.pow(2).sum()], [x]),
      true,
    );
    checkGrads((a, b) => a.mul(b).add(a.div(b.abs().add(1))), [[2, 3], [3]]);
  });

  it("restores the inputs' values after perturbing them", () => {
    const x = leaf([0.1, 0.2, 0.3]);
    tg.autograd.gradcheck((x) => x.exp(), [x]);
    assertClose(x, [0.1, 0.2, 0.3], { atol: 0, rtol: 0 });
  });

  it("detects a wrong gradient", () => {
    class BadSquare extends tg.autograd.Function {
      static override forward(ctx: tg.autograd.FunctionCtx, x: tg.Tensor): tg.Tensor {
        ctx.saveForBackward(x);
        return x.square();
      }
      static override backward(ctx: tg.autograd.FunctionCtx, g: tg.Tensor): tg.Tensor[] {
        const [x] = ctx.savedTensors;
        return [g.mul(x).mul(3)]; // should be 2x
      }
    }
    const x = leaf([0.5, -1.5]);
    assert.throws(
      () => tg.autograd.gradcheck((x) => BadSquare.apply(x), [x]),
      (e: unknown) => e instanceof tg.GradcheckError && e.code === "gradcheck" && /numerical/.test(e.message),
    );
    assert.equal(
      tg.autograd.gradcheck((x) => BadSquare.apply(x), [x], { raiseException: false }),
      false,
    );
    // Errors that are not a mismatch still throw with raiseException: false.
    assert.throws(() => tg.autograd.gradcheck((x) => x.exp(), [leaf([1], "float32")], { raiseException: false }), tg.DTypeError);
  });

  it("rejects float32 inputs that require grad", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    assert.throws(
      () => tg.autograd.gradcheck((x) => x.exp(), [x]),
      (e: unknown) => e instanceof tg.DTypeError && /float64/.test(e.message),
    );
  });

  it("gradgradcheck passes on composites", () => {
    checkGrads((x) => x.pow(3).sum(), [[3]], { gradgrad: true });
    checkGrads((x, y) => x.mul(y).tanh(), [[2, 2], [2]], { gradgrad: true, seed: 7 });
    checkGrads((x) => x.exp().div(x.exp().sum()), [[4]], { gradgrad: true, seed: 3 });
    checkGrads(
      (x, w) => x.matmul(w).sigmoid().sum(1),
      [
        [2, 3],
        [3, 2],
      ],
      { gradgrad: true, seed: 11 },
    );
    checkGrads((x) => x.log().mul(x.sqrt()), [[3]], { gradgrad: true, positive: true });
  });

  it("gradgradcheck catches a Function whose backward is right but not differentiable correctly", () => {
    // backward detaches x: first derivatives are right, second derivatives are zero instead of 6x.
    class DetachedCube extends tg.autograd.Function {
      static override forward(ctx: tg.autograd.FunctionCtx, x: tg.Tensor): tg.Tensor {
        ctx.saveForBackward(x);
        return x.pow(3);
      }
      static override backward(ctx: tg.autograd.FunctionCtx, g: tg.Tensor): tg.Tensor[] {
        const [x] = ctx.savedTensors;
        return [g.mul(x.detach().square().mul(3))];
      }
    }
    const x = leaf([0.5, 1.5]);
    assert.equal(
      tg.autograd.gradcheck((x) => DetachedCube.apply(x), [x]),
      true,
    );
    assert.equal(
      tg.autograd.gradgradcheck((x) => DetachedCube.apply(x), [x], { raiseException: false }),
      false,
    );
  });
});
