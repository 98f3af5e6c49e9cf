import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

const { nn, optim } = tg;

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
const ids = (xs: number[]) => tg.tensor(xs, { dtype: "int32" });

function embeddingWith(sparse: boolean, paddingIdx?: number): tg.nn.Embedding {
  const emb = new nn.Embedding(5, 3, { sparse, dtype: "float64", paddingIdx });
  tg.noGrad(() => emb.weight.copy_(tg.tensor(W0, { dtype: "float64" })));
  return emb;
}

describe("nn.Embedding({ sparse: true })", () => {
  it("gives the dense gradient as rows, repeated indices and paddingIdx included, and leaves .grad null", () => {
    for (const pad of [undefined, 3]) {
      const dense = embeddingWith(false, pad);
      const sparse = embeddingWith(true, pad);
      const x = ids([1, 3, 1, 0, 3, 4]).reshape([2, 3]);
      const loss = (e: tg.nn.Embedding) =>
        e(x)
          .square()
          .sum()
          .add(e(x).mul(C.sum(0)).sum());
      loss(dense).backward();
      const out = loss(sparse);
      assertClose(out, loss(dense));
      out.backward();
      assert.equal(sparse.weight.grad, null);
      const g = nn.utils.sparseGrad(sparse.weight);
      assert.ok(g);
      assert.equal(g.nnz, 12); // two lookups of 6 indices, uncoalesced
      assertClose(g.toDense(), dense.weight.grad!, { atol: 1e-12, rtol: 0 });
      const c = g.coalesce();
      assert.deepEqual(c.indices.tolist(), [0, 1, 3, 4]);
      assert.ok(c.isCoalesced);
      assertClose(c.toDense(), dense.weight.grad!, { atol: 1e-12, rtol: 0 });
      if (pad === 3) assert.deepEqual(c.values.get(2).tolist(), [0, 0, 0]);
    }
  });
  it("records nothing under noGrad or for a frozen weight, and validates the option", () => {
    const emb = embeddingWith(true);
    tg.noGrad(() => emb(ids([1, 2])));
    emb.weight.requiresGrad_(false);
    assert.equal(emb(ids([1, 2])).requiresGrad, false);
    assert.equal(nn.utils.sparseGrad(emb.weight), null);
    assert.throws(() => new nn.Embedding(3, 2, { sparse: "yes" } as never), /Embedding.*sparse/);
    assert.match(new nn.Embedding(3, 2, { sparse: true }).toString(), /sparse=true/);
    assert.throws(() => new nn.Embedding(3, 2, { sparse: true })(ids([3])), /index 3 is out of range/);
  });
});

describe("optim.SparseAdam", () => {
  it("matches torch.optim.SparseAdam step for step", () => {
    // torch.nn.Embedding(5, 3, sparse=True) with these float64 weights, SparseAdam(lr=0.1), loss (out·C).sum() + (out²).sum().
    const emb = embeddingWith(true);
    const opt = new optim.SparseAdam(emb.parameters(), { lr: 0.1 });
    for (const xs of [
      [1, 3, 1],
      [0, 1, 4],
    ]) {
      opt.zeroGrad();
      const out = emb(ids(xs));
      out.mul(C).sum().add(out.square().sum()).backward();
      opt.step();
    }
    assertClose(
      emb.weight,
      tg.tensor(
        [
          [0.02558633725302374, -0.2744136676494058, 0.2255863241798769],
          [0.24379593464176125, 0.31210808730785605, -0.7888754524928363],
          [-0.7, 0.8, 0.9],
          [0.9000000316227666, -1.00000001860163, 1.1000000071869942],
          [-0.024413623527563377, 0.15, -0.3244136352933829],
        ],
        { dtype: "float64" },
      ),
      { atol: 1e-12, rtol: 0 },
    );
    // Rows never looked up keep their values and have no moments yet.
    const state = opt.stateDict().state[0];
    assert.equal(state.step, 2);
    assert.deepEqual((state.expAvg as tg.Tensor).get(2).tolist(), [0, 0, 0]);
  });
  it("the composed path (for other backends) equals the in-place one", async () => {
    // Imported after the library (./helpers.ts) has loaded, as a user's import of "tensorgrad" would order modules.
    const { sparseAdamComposed } = await import("../src/optim/sparse_adam.ts");
    const a = embeddingWith(true);
    const b = embeddingWith(true);
    const m = tg.zerosLike(b.weight);
    const v = tg.zerosLike(b.weight);
    const opt = new optim.SparseAdam(a.parameters(), { lr: 0.05, maximize: true });
    a(ids([4, 0, 4]))
      .mul(C)
      .sum()
      .backward();
    b(ids([4, 0, 4]))
      .mul(C)
      .sum()
      .backward();
    opt.step();
    const g = nn.utils.sparseGrad(b.weight)!.coalesce();
    tg.noGrad(() => sparseAdamComposed(b.weight, m, v, g, (0.05 * Math.sqrt(1 - 0.999)) / (1 - 0.9), 0.9, 0.999, 1e-8, true));
    assertClose(b.weight, a.weight, { atol: 1e-12, rtol: 0 });
    assertClose(m, opt.stateDict().state[0].expAvg as tg.Tensor, { atol: 1e-12, rtol: 0 });
  });
  it("zeroGrad clears sparse gradients; dense gradients and bad options are refused", () => {
    const emb = embeddingWith(true);
    const opt = new optim.SparseAdam(emb.parameters());
    emb(ids([1]))
      .sum()
      .backward();
    opt.zeroGrad();
    assert.equal(nn.utils.sparseGrad(emb.weight), null);
    const lin = new nn.Linear(2, 2);
    const dense = new optim.SparseAdam(lin.parameters());
    lin(tg.ones([1, 2]))
      .sum()
      .backward();
    assert.throws(() => dense.step(), /SparseAdam does not support dense gradients/);
    assert.throws(() => new optim.SparseAdam(emb.parameters(), { lr: -1 }), /Invalid learning rate: -1/);
    assert.throws(() => new optim.SparseAdam(emb.parameters(), { weightDecay: 0.1 } as never), /unknown option "weightDecay"/);
  });
});
