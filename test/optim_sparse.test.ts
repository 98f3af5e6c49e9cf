import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

const { nn, optim } = tg;

// Row-sparse gradients (nn.Embedding({ sparse: true })) in the dense optimizers, as torch 1.13: SGD (momentum,
// dampening, nesterov, maximize; weight decay throws) and Adagrad (weight decay throws) take them; Adam, AdamW,
// RMSprop and Adadelta throw. Reference numbers: torch.nn.Embedding(5, 3, sparse=True) in float64 with W0, three steps
// of loss (out·C).sum() + (out²).sum() on the index lists of STEPS.

const W0 = [
  [0.1, -0.2, 0.3],
  [0.4, 0.5, -0.6],
  [-0.7, 0.8, 0.9],
  [1.0, -1.1, 1.2],
  [0.05, 0.15, -0.25],
];
const C = tg.tensor(
  [
    [1, 2, 3],
    [-1, 0.5, 2],
    [0.3, -0.3, 1],
  ],
  { dtype: "float64" },
);
const STEPS = [
  [1, 3, 1],
  [0, 1, 4],
  [1, 1, 2],
];
const ids = (xs: number[]) => tg.tensor(xs, { dtype: "int32" });

function embedding(sparse: boolean): tg.nn.Embedding {
  const emb = new nn.Embedding(5, 3, { sparse, dtype: "float64" });
  tg.noGrad(() => emb.weight.copy_(tg.tensor(W0, { dtype: "float64" })));
  return emb;
}

function lossOf(emb: tg.nn.Embedding, xs: number[]): tg.Tensor {
  const out = emb(ids(xs));
  return out.mul(C).sum().add(out.square().sum());
}

/** The weights after STEPS with `make`'s optimizer, and the optimizer. */
function train(sparse: boolean, make: (p: tg.Tensor[]) => tg.optim.Optimizer<{ lr: number }>) {
  const emb = embedding(sparse);
  const opt = make(emb.parameters());
  for (const xs of STEPS) {
    opt.zeroGrad();
    lossOf(emb, xs).backward();
    if (sparse) assert.equal(emb.weight.grad, null);
    opt.step();
  }
  return { weight: emb.weight, opt };
}

const f64 = (rows: number[][]) => tg.tensor(rows, { dtype: "float64" });

describe("sparse gradients in SGD and Adagrad", () => {
  it("SGD with Nesterov momentum matches torch 1.13 and the dense path", () => {
    const make = (p: tg.Tensor[]) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true });
    const torch = f64([
      [-0.22519999999999998, -0.6336, -0.6756000000000001],
      [-0.13919280000000006, -0.8772784000000001, -1.3390112],
      [-0.49099999999999994, 0.553, 0.36800000000000005],
      [0.6561000000000001, -0.51537, -0.3131600000000004],
      [-0.05840000000000001, 0.15, -0.38549999999999995],
    ]);
    const sparse = train(true, make);
    assertClose(sparse.weight, torch, { atol: 1e-12, rtol: 0 });
    assertClose(sparse.weight, train(false, make).weight, { atol: 1e-12, rtol: 0 });
  });
  it("SGD with dampening and maximize matches torch 1.13; momentum 0 updates only the rows used", () => {
    const make = (p: tg.Tensor[]) => new optim.SGD(p, { lr: 0.05, momentum: 0.5, dampening: 0.3, maximize: true });
    const torch = f64([
      [0.163, -0.11600000000000002, 0.489],
      [0.7453660000000001, 1.1274380000000002, -0.297096],
      [-0.7384999999999999, 0.8455, 0.998],
      [1.0875, -1.24875, 1.585],
      [0.07100000000000001, 0.15, -0.22375],
    ]);
    assertClose(train(true, make).weight, torch, { atol: 1e-12, rtol: 0 });
    const plain = (p: tg.Tensor[]) => new optim.SGD(p, 0.1);
    const sparse = train(true, plain).weight;
    assertClose(sparse, train(false, plain).weight, { atol: 1e-12, rtol: 0 });
    const once = embedding(true);
    lossOf(once, [4, 0, 4]).backward();
    new optim.SGD(once.parameters(), 0.1).step();
    for (const r of [1, 2, 3]) assert.deepEqual(once.weight.get(r).tolist(), W0[r]); // rows not looked up: untouched
  });
  it("SGD in float32 agrees with the dense path to float32 rounding", () => {
    const make = (p: tg.Tensor[]) => new optim.SGD(p, { lr: 0.01, momentum: 0.9 });
    const run = (sparse: boolean) => {
      tg.manualSeed(3);
      const emb = new nn.Embedding(50, 8, { sparse });
      const opt = make(emb.parameters());
      for (let s = 0; s < 5; s++) {
        opt.zeroGrad();
        emb(tg.randint(0, 50, [16], { dtype: "int32" }))
          .sin()
          .sum()
          .backward();
        opt.step();
      }
      return emb.weight;
    };
    assertClose(run(true), run(false), { atol: 1e-6, rtol: 1e-5 });
  });
  it("Adagrad (lrDecay, initialAccumulatorValue) matches torch 1.13 and the dense path; maximize too", () => {
    const make = (p: tg.Tensor[]) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 });
    const torch = f64([
      [0.00425865774727384, -0.2971309844669104, 0.20136988522624663],
      [0.27553252036852555, 0.2979950750362962, -0.8075414420761767],
      [-0.6057770135055713, 0.7047386646563834, 0.8025801159463253],
      [0.9046537410845317, -1.001686461571425, 1.1002572682443],
      [-0.027669756475137617, 0.15, -0.3336786390678871],
    ]);
    const sparse = train(true, make);
    assertClose(sparse.weight, torch, { atol: 1e-12, rtol: 0 });
    const dense = train(false, make);
    assertClose(sparse.weight, dense.weight, { atol: 1e-12, rtol: 0 });
    const state = (o: tg.optim.Optimizer<{ lr: number }>, w: tg.Tensor) => o.state.get(w) as tg.optim.ParamState;
    assert.equal(state(sparse.opt, sparse.weight).step, 3);
    assertClose(state(sparse.opt, sparse.weight).sum as tg.Tensor, state(dense.opt, dense.weight).sum as tg.Tensor, {
      atol: 1e-12,
      rtol: 0,
    });
    const max = (p: tg.Tensor[]) => new optim.Adagrad(p, { lr: 0.1, maximize: true });
    assertClose(train(true, max).weight, train(false, max).weight, { atol: 1e-12, rtol: 0 });
  });
  it("the composed row updates (for other backends) equal the in-place ones", async () => {
    // Imported after the library (./helpers.ts) has loaded, as a user's import of "tensorgrad" would order modules.
    const { addRows_, adagradRows_ } = await import("../src/optim/sparse_rows.ts");
    const emb = embedding(true);
    lossOf(emb, [4, 0, 4]).backward();
    const g = nn.utils.sparseGrad(emb.weight)!;
    const [a, b] = [f64(W0), f64(W0)];
    tg.noGrad(() => {
      addRows_(a, g, -0.3);
      addRows_(b, g, -0.3, true);
    });
    assertClose(a, b, { atol: 1e-14, rtol: 0 });
    const [sa, sb] = [tg.full([5, 3], 0.2, { dtype: "float64" }), tg.full([5, 3], 0.2, { dtype: "float64" })];
    tg.noGrad(() => {
      adagradRows_(a, sa, g.coalesce(), 0.1, 1e-10, -1);
      adagradRows_(b, sb, g.coalesce(), 0.1, 1e-10, -1, true);
    });
    assertClose(a, b, { atol: 1e-14, rtol: 0 });
    assertClose(sa, sb, { atol: 1e-14, rtol: 0 });
  });
  it("a parameter with a dense and a sparse gradient steps on their sum, as PyTorch's dense + sparse", () => {
    const emb = embedding(true);
    const dense = embedding(false);
    const opt = new optim.Adam(emb.parameters(), { lr: 0.1 });
    const ref = new optim.Adam(dense.parameters(), { lr: 0.1 });
    for (const e of [emb, dense]) {
      lossOf(e, [1, 3, 3]).backward();
      e.weight.square().sum().backward(); // a dense use of the same weight (a tied output layer)
    }
    opt.step();
    ref.step();
    assertClose(emb.weight, dense.weight, { atol: 1e-12, rtol: 0 });
  });
  it("learns: a sparse embedding trained by SGD with momentum fits its targets", () => {
    tg.manualSeed(0);
    const emb = new nn.Embedding(20, 4, { sparse: true });
    const target = tg.randn([20, 4]);
    const opt = new optim.SGD(emb.parameters(), { lr: 0.2, momentum: 0.5 });
    const lossAt = () => tg.noGrad(() => emb.weight.sub(target).square().mean().item());
    const before = lossAt();
    for (let s = 0; s < 60; s++) {
      const batch = tg.randint(0, 20, [8], { dtype: "int32" });
      opt.zeroGrad();
      emb(batch).sub(target.indexSelect(0, batch)).square().sum().backward();
      opt.step();
    }
    assert.ok(lossAt() < before * 1e-3, `loss ${lossAt()} from ${before}`);
  });
});

describe("sparse gradients elsewhere", () => {
  it("Adam, AdamW, RMSprop and Adadelta throw, naming the optimizer and the parameter, before changing anything", () => {
    const makers: [string, (p: tg.Tensor[]) => tg.optim.Optimizer<{ lr: number }>][] = [
      ["Adam", (p) => new optim.Adam(p)],
      ["AdamW", (p) => new optim.AdamW(p)],
      ["RMSprop", (p) => new optim.RMSprop(p)],
      ["Adadelta", (p) => new optim.Adadelta(p)],
    ];
    for (const [name, make] of makers) {
      const lin = new nn.Linear(3, 2, { dtype: "float64" });
      const emb = embedding(true);
      const opt = make([...lin.parameters(), ...emb.parameters()]);
      const w = lin.weight.clone();
      lin(lossOf(emb, [0, 1, 0]).reshape([1, 1]).expand([1, 3]))
        .sum()
        .backward();
      assert.throws(
        () => opt.step(),
        (e: Error) =>
          e instanceof tg.ValueError &&
          e.message.startsWith(`${name} does not support sparse gradients: parameter 2 of group 0 (shape [5, 3])`),
      );
      assert.deepEqual(lin.weight.tolist(), w.tolist());
    }
  });
  it("weight decay with sparse gradients throws in SGD and Adagrad, as in PyTorch", () => {
    for (const make of [
      (p: tg.Tensor[]) => new optim.SGD(p, { lr: 0.1, weightDecay: 0.01 }),
      (p: tg.Tensor[]) => new optim.Adagrad(p, { weightDecay: 0.01 }),
    ]) {
      assert.throws(() => train(true, make), /weightDecay \(0\.01\) is not (supported|compatible) with sparse gradients/);
    }
  });
  it("optimizer.zeroGrad() and module.zeroGrad() drop sparse gradients", () => {
    const emb = embedding(true);
    const opt = new optim.SGD(emb.parameters(), 0.1);
    lossOf(emb, [1, 1, 1]).backward();
    opt.zeroGrad();
    assert.equal(nn.utils.sparseGrad(emb.weight), null);
    lossOf(emb, [1, 1, 1]).backward();
    emb.zeroGrad();
    assert.equal(nn.utils.sparseGrad(emb.weight), null);
    opt.step();
    assert.deepEqual(emb.weight.tolist(), W0);
  });
});
