import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

type Ctx = tg.autograd.FunctionCtx;
const leaf = (data: tg.NestedArray): tg.Tensor => tg.tensor(data, { dtype: "float64", requiresGrad: true });
const f64 = (data: tg.NestedArray): tg.Tensor => tg.tensor(data, { dtype: "float64" });

function gradOf(t: tg.Tensor): tg.Tensor {
  assert.ok(t.grad, "expected .grad to be set");
  return t.grad;
}

/** x³, saving x for backward. */
class Cube extends tg.autograd.Function {
  static override forward(ctx: Ctx, x: tg.Tensor): tg.Tensor {
    ctx.saveForBackward(x);
    return x.pow(3);
  }
  static override backward(ctx: Ctx, g: tg.Tensor): tg.Tensor[] {
    const [x] = ctx.savedTensors;
    return [g.mul(x.square()).mul(3)];
  }
}

/** exp(x), saving its output (as PyTorch's exp does). */
class Exp extends tg.autograd.Function {
  static override forward(ctx: Ctx, x: tg.Tensor): tg.Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: Ctx, g: tg.Tensor): tg.Tensor {
    const [y] = ctx.savedTensors;
    return g.mul(y);
  }
}

/** a·x + b·y with a non-tensor scale; records which inputs need a gradient. */
class ScaledMulAdd extends tg.autograd.Function {
  static calls: boolean[][] = [];
  static override forward(ctx: Ctx, x: tg.Tensor, y: tg.Tensor, scale: number): tg.Tensor {
    ctx.saveForBackward(x, y);
    ctx.scale = scale;
    return x.mul(y).mul(scale);
  }
  static override backward(ctx: Ctx, g: tg.Tensor): (tg.Tensor | null)[] {
    ScaledMulAdd.calls.push([...ctx.needsInputGrad]);
    const [x, y] = ctx.savedTensors;
    const scale = ctx.scale as number;
    return [
      ctx.needsInputGrad[0] ? g.mul(y).mul(scale) : null,
      ctx.needsInputGrad[1] ? g.mul(x).mul(scale) : null,
      null, // the number gets no gradient
    ];
  }
}

/** Splits x into (2x, x²): two outputs. */
class TwoOutputs extends tg.autograd.Function {
  static override forward(ctx: Ctx, x: tg.Tensor): tg.Tensor[] {
    ctx.saveForBackward(x);
    return [x.mul(2), x.square()];
  }
  static override backward(ctx: Ctx, g1: tg.Tensor, g2: tg.Tensor): tg.Tensor[] {
    const [x] = ctx.savedTensors;
    return [g1.mul(2).add(g2.mul(x).mul(2))];
  }
}

describe("custom autograd.Function", () => {
  it("forward runs without recording, and apply attaches a node named after the class", () => {
    const x = leaf([1, 2]);
    let gradModeInForward: boolean | undefined;
    class Probe extends tg.autograd.Function {
      static override forward(_ctx: Ctx, x: tg.Tensor): tg.Tensor {
        gradModeInForward = tg.isGradEnabled();
        return x.mul(2);
      }
      static override backward(_ctx: Ctx, g: tg.Tensor): tg.Tensor[] {
        return [g.mul(2)];
      }
    }
    const y = Probe.apply(x);
    assert.equal(gradModeInForward, false);
    assert.equal(y.requiresGrad, true);
    assert.equal(y.gradFn?.name, "ProbeBackward");
    const edge = y.gradFn?.nextFunctions[0];
    assert.ok(edge?.node instanceof tg.autograd.AccumulateGrad);
    assert.equal(edge.node.variable, x);
    assertClose(y, [2, 4]);
    y.sum().backward();
    assertClose(gradOf(x), [2, 2]);
  });

  it("saveForBackward / savedTensors give backward what forward kept", () => {
    const x = leaf([1, -2, 0.5]);
    const y = Cube.apply(x);
    assertClose(y, [1, -8, 0.125]);
    y.sum().backward();
    assertClose(gradOf(x), [3, 12, 0.75]);
    const z = Exp.apply(x);
    x.grad = null;
    z.sum().backward();
    assertClose(gradOf(x), [Math.E, Math.exp(-2), Math.exp(0.5)]);
  });

  it("savedTensors is readable in forward too, before the node exists", () => {
    let seen = -1;
    class Peek extends tg.autograd.Function {
      static override forward(ctx: Ctx, x: tg.Tensor): tg.Tensor {
        ctx.saveForBackward(x, x.mul(2));
        seen = ctx.savedTensors.length;
        return x.clone();
      }
      static override backward(_ctx: Ctx, g: tg.Tensor): tg.Tensor {
        return g;
      }
    }
    Peek.apply(leaf([1]));
    assert.equal(seen, 2);
  });

  it("needsInputGrad tells which arguments are tensors that require grad", () => {
    ScaledMulAdd.calls = [];
    const x = leaf([1, 2]);
    const c = f64([3, 4]);
    const y = ScaledMulAdd.apply(x, c, 10);
    assertClose(y, [30, 80]);
    y.sum().backward();
    assert.deepEqual(ScaledMulAdd.calls, [[true, false, false]]);
    assertClose(gradOf(x), [30, 40]);
    assert.equal(c.grad, null);

    const w = leaf([5, 6]);
    ScaledMulAdd.apply(c, w, 2).sum().backward();
    assert.deepEqual(ScaledMulAdd.calls[1], [false, true, false]);
    assertClose(gradOf(w), [6, 8]);
  });

  it("non-tensor arguments and ctx extra fields reach backward", () => {
    class Pow extends tg.autograd.Function {
      static override forward(ctx: Ctx, x: tg.Tensor, p: number, label: string): tg.Tensor {
        ctx.saveForBackward(x);
        ctx.p = p;
        ctx.label = label;
        ctx.meta = { calls: 0 };
        return x.pow(p);
      }
      static override backward(ctx: Ctx, g: tg.Tensor): (tg.Tensor | null)[] {
        const [x] = ctx.savedTensors;
        const p = ctx.p as number;
        assert.equal(ctx.label, "power");
        (ctx.meta as { calls: number }).calls++;
        return [g.mul(x.pow(p - 1)).mul(p), null, null];
      }
    }
    const x = leaf([2, 3]);
    const y = Pow.apply(x, 3, "power");
    y.sum().backward();
    assertClose(gradOf(x), [12, 27]);
    assert.equal(
      tg.autograd.gradcheck((x) => Pow.apply(x, 2.5, "power"), [leaf([0.7, 1.3])]),
      true,
    );
  });

  it("a shorter backward result is padded with nulls for trailing non-tensor arguments", () => {
    class Scale extends tg.autograd.Function {
      static override forward(ctx: Ctx, x: tg.Tensor, k: number): tg.Tensor {
        ctx.k = k;
        return x.mul(k);
      }
      static override backward(ctx: Ctx, g: tg.Tensor): tg.Tensor {
        return g.mul(ctx.k as number);
      }
    }
    const x = leaf([1, 2]);
    Scale.apply(x, 4).sum().backward();
    assertClose(gradOf(x), [4, 4]);
  });

  it("a gradient returned for a non-tensor argument is ignored", () => {
    class Sloppy extends tg.autograd.Function {
      static override forward(_ctx: Ctx, x: tg.Tensor, _k: number): tg.Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: Ctx, g: tg.Tensor): tg.Tensor[] {
        return [g.mul(2), g.mul(100)];
      }
    }
    const x = leaf([1]);
    Sloppy.apply(x, 3).sum().backward();
    assertClose(gradOf(x), [2]);
  });

  it("multiple outputs: each gets its gradient, an unused one gets zeros", () => {
    const x = leaf([1, 2]);
    const [a, b] = TwoOutputs.apply(x);
    assertClose(a, [2, 4]);
    assertClose(b, [1, 4]);
    assert.equal(a.gradFn, b.gradFn);
    a.sum().add(b.mul(3).sum()).backward(); // 2 + 3·2x
    assertClose(gradOf(x), [8, 14]);
    // Only the second output used: the first's gradient is zeros.
    x.grad = null;
    const [, b2] = TwoOutputs.apply(x);
    b2.sum().backward();
    assertClose(gradOf(x), [2, 4]);
    assert.equal(
      tg.autograd.gradcheck((x) => TwoOutputs.apply(x), [leaf([0.3, -1.2])]),
      true,
    );
  });

  it("an input returned unchanged becomes a new tensor in the graph", () => {
    class Identity extends tg.autograd.Function {
      static override forward(_ctx: Ctx, x: tg.Tensor): tg.Tensor {
        return x;
      }
      static override backward(_ctx: Ctx, g: tg.Tensor): tg.Tensor {
        return g.mul(5);
      }
    }
    const x = leaf([1, 2]);
    const y = Identity.apply(x);
    assert.notEqual(y, x);
    assert.equal(x.isLeaf, true);
    assert.equal(y.gradFn?.name, "IdentityBackward");
    y.sum().backward();
    assertClose(gradOf(x), [5, 5]);
  });

  it("without inputs that require grad, the output does not require grad", () => {
    const y = Cube.apply(f64([2]));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assertClose(y, [8]);
    const z = tg.noGrad(() => Cube.apply(leaf([2])));
    assert.equal(z.requiresGrad, false);
  });

  it("a correct backward passes gradcheck and gradgradcheck", () => {
    checkGrads((x) => Cube.apply(x), [[4]], { gradgrad: true });
    checkGrads((x) => Exp.apply(x), [[2, 3]], { gradgrad: true });
    checkGrads((x, y) => ScaledMulAdd.apply(x, y, -1.5), [[3], [3]], { gradgrad: true });
    // Composed with built-in ops on both sides.
    checkGrads(
      (x) =>
        Cube.apply(x.tanh())
          .sum()
          .mul(Exp.apply(x.mul(0.5)).mean()),
      [[3]],
      { gradgrad: true },
    );
  });

  it("a wrong backward is caught by gradcheck", () => {
    class WrongSin extends tg.autograd.Function {
      static override forward(ctx: Ctx, x: tg.Tensor): tg.Tensor {
        ctx.saveForBackward(x);
        return x.sin();
      }
      static override backward(ctx: Ctx, g: tg.Tensor): tg.Tensor {
        const [x] = ctx.savedTensors;
        return g.mul(x.sin()); // should be cos
      }
    }
    const x = leaf([0.1, 0.7, 2]);
    assert.throws(
      () => tg.autograd.gradcheck((x) => WrongSin.apply(x), [x]),
      (e: unknown) => e instanceof tg.GradcheckError && /input 0/.test(e.message),
    );
    assert.equal(
      tg.autograd.gradcheck((x) => WrongSin.apply(x), [x], { raiseException: false }),
      false,
    );
    // Wrong in the second input only.
    class WrongSecond extends tg.autograd.Function {
      static override forward(ctx: Ctx, a: tg.Tensor, b: tg.Tensor): tg.Tensor {
        ctx.saveForBackward(a, b);
        return a.mul(b);
      }
      static override backward(ctx: Ctx, g: tg.Tensor): tg.Tensor[] {
        const [, b] = ctx.savedTensors;
        return [g.mul(b), g.mul(b)]; // the second should be g·a
      }
    }
    assert.throws(
      () => tg.autograd.gradcheck((a, b) => WrongSecond.apply(a, b), [leaf([1, 2]), leaf([3, 5])]),
      (e: unknown) => e instanceof tg.GradcheckError && /input 1/.test(e.message),
    );
  });

  it("a backward with the wrong number of gradients is reported", () => {
    class TooMany extends tg.autograd.Function {
      static override forward(_ctx: Ctx, x: tg.Tensor): tg.Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: Ctx, g: tg.Tensor): tg.Tensor[] {
        return [g, g];
      }
    }
    assert.throws(
      () =>
        TooMany.apply(leaf([1]))
          .sum()
          .backward(),
      tg.AutogradError,
    );
  });

  it("a backward returning null for an input that requires grad sends it nothing", () => {
    class StopGrad extends tg.autograd.Function {
      static override forward(_ctx: Ctx, x: tg.Tensor): tg.Tensor {
        return x.clone();
      }
      static override backward(): null[] {
        return [null];
      }
    }
    const x = leaf([1, 2]);
    // Through a non-leaf: the node before it runs on zeros.
    const h = x.mul(3);
    StopGrad.apply(h).add(x).sum().backward();
    assertClose(gradOf(x), [1, 1]);
  });

  it("a saved tensor modified in place since forward makes backward throw", () => {
    const x = leaf([1, 2]);
    const y = Cube.apply(x);
    tg.noGrad(() => x.add_(1));
    assert.throws(
      () => y.sum().backward(),
      (e: unknown) =>
        e instanceof tg.AutogradError && /modified by an in-place operation/.test(e.message) && /CubeBackward/.test(e.message),
    );
    // An output saved for backward and then modified is caught too.
    const z = Exp.apply(x);
    z.mul_(2);
    assert.throws(() => z.sum().backward(), /in-place/);
  });

  it("saved tensors are freed after backward; retainGraph keeps them", () => {
    const x = leaf([1, 2]);
    const y = Cube.apply(x);
    y.sum().backward(undefined, { retainGraph: true });
    y.sum().backward();
    assertClose(gradOf(x), [6, 24]);
    assert.throws(
      () => y.sum().backward(),
      (e: unknown) => e instanceof tg.AutogradError && /retainGraph/.test(e.message),
    );
  });

  it("a Function without forward or backward throws AutogradError", () => {
    class NoForward extends tg.autograd.Function {}
    assert.throws(() => NoForward.apply(leaf([1])), tg.AutogradError);
    class NoBackward extends tg.autograd.Function {
      static override forward(_ctx: Ctx, x: tg.Tensor): tg.Tensor {
        return x.mul(2);
      }
    }
    const y = NoBackward.apply(leaf([1]));
    assert.throws(() => y.sum().backward(), /backward/);
    class NotATensor extends tg.autograd.Function {
      static override forward(): tg.Tensor {
        return 3 as unknown as tg.Tensor;
      }
    }
    assert.throws(() => NotATensor.apply(), tg.AutogradError);
  });

  it("backward can build a graph itself, for second derivatives", () => {
    const x = leaf(2);
    const y = Cube.apply(x);
    const [g] = tg.autograd.grad(y, [x], { createGraph: true });
    assert.equal(g?.item(), 12);
    const [g2] = tg.autograd.grad(g as tg.Tensor, [x]);
    assert.equal(g2?.item(), 12);
  });
});
