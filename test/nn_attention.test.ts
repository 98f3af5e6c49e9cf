import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";
import { FX, loadParams, T } from "./rnn_fixtures.ts";

const nn = tg.nn;
const F = tg.nn.functional;
const tight = { atol: 1e-9, rtol: 1e-7 };

describe("scaledDotProductAttention against PyTorch's reference", () => {
  const c = FX.sdpa;
  it("no mask, bool mask, float mask with scale, causal", () => {
    const [q, k, v] = [T(c.q), T(c.k), T(c.v)];
    assertClose(F.scaledDotProductAttention(q, k, v), T(c.plain), tight);
    assertClose(F.scaledDotProductAttention(q, k, v, T(c.bool_mask)), T(c.bool), tight);
    assertClose(F.scaledDotProductAttention(q, k, v, { attnMask: T(c.float_mask), scale: 0.3 }), T(c.float_scale), tight);
    const k4 = k.narrow(2, 0, 4);
    const v4 = v.narrow(2, 0, 4);
    assertClose(F.scaledDotProductAttention(q, k4, v4, null, 0, true), T(c.causal), tight);
  });
  it("gradients with a bool mask, and gradcheck with a causal mask", () => {
    const [q, k, v] = [T(c.q, true), T(c.k, true), T(c.v, true)];
    const out = F.scaledDotProductAttention(q, k, v, { attnMask: T(c.bool_mask) });
    out.mul(out).sum().backward();
    assertClose(q.grad as tg.Tensor, T(c.gq), tight);
    assertClose(k.grad as tg.Tensor, T(c.gk), tight);
    assertClose(v.grad as tg.Tensor, T(c.gv), tight);
    const g = new tg.Generator(1);
    const r = (s: number[]) => tg.randn(s, { dtype: "float64", generator: g }).requiresGrad_(true);
    assert.ok(
      tg.autograd.gradcheck(
        (a, b, d) => F.scaledDotProductAttention(a, b, d, { isCausal: true }),
        [r([2, 3, 2]), r([2, 3, 2]), r([2, 3, 4])],
      ),
    );
  });
  it("dropoutP drops weights (seeded), and bad arguments throw", () => {
    const q = tg.randn([1, 4, 8]);
    const base = F.scaledDotProductAttention(q, q, q);
    const dropped = F.scaledDotProductAttention(q, q, q, { dropoutP: 0.5, generator: new tg.Generator(1) });
    assert.ok(dropped.sub(base).abs().max().item() > 1e-4);
    assert.throws(() => F.scaledDotProductAttention(q, q, q, { causal: true } as never), tg.ArgumentError);
    assert.throws(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: tg.ones([4, 4]) }), tg.ValueError);
    assert.throws(() => F.scaledDotProductAttention(q, tg.randn([1, 4, 7]), q), tg.ShapeError);
    assert.throws(() => F.scaledDotProductAttention(q, q, q, { dropoutP: 1.5 }), tg.ValueError);
  });
});

describe("MultiheadAttention against PyTorch", () => {
  const cases: [string, () => tg.nn.MultiheadAttention][] = [
    ["mha_basic", () => new nn.MultiheadAttention(6, 2, { dtype: "float64" })],
    ["mha_bf_kpm_float", () => new nn.MultiheadAttention(6, 3, { batchFirst: true, dtype: "float64" })],
    ["mha_kvdim_heads", () => new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, dtype: "float64" })],
    ["mha_biaskv_zero", () => new nn.MultiheadAttention(4, 2, 0, true, true, true, { dtype: "float64" })],
    ["mha_nobias_noweights", () => new nn.MultiheadAttention(4, 1, { bias: false, dtype: "float64" })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: outputs, weights, gradients, state-dict keys`, () => {
      const c = FX[name];
      const m = make();
      assert.deepEqual(Object.keys(m.stateDict()), c.keys);
      loadParams(m, c.params);
      m.eval();
      const [q, k, v] = [T(c.q, true), T(c.k, true), T(c.v, true)];
      const [out, w] = m(q, k, v, {
        keyPaddingMask: c.key_padding_mask ? T(c.key_padding_mask) : null,
        attnMask: c.attn_mask ? T(c.attn_mask) : null,
        needWeights: c.fwd.need_weights ?? true,
        averageAttnWeights: c.fwd.average_attn_weights ?? true,
      });
      assertClose(out, T(c.out), tight);
      if (c.w === null) assert.equal(w, null);
      else assertClose(w as tg.Tensor, T(c.w), tight);
      out.mul(out).sum().add(out.sum()).backward();
      assertClose(q.grad as tg.Tensor, T(c.gq), tight);
      assertClose(k.grad as tg.Tensor, T(c.gk), tight);
      assertClose(v.grad as tg.Tensor, T(c.gv), tight);
      for (const [key, p] of m.namedParameters()) assertClose(p.grad as tg.Tensor, T(c.grads[key]), tight);
    });
  }

  it("unbatched input, shapes of weights, gradcheck with both masks", () => {
    const m = new nn.MultiheadAttention(4, 2, { dtype: "float64" });
    const x = tg.randn([3, 4], { dtype: "float64" });
    const [o, w] = m(x, x, x);
    assert.deepEqual(
      [o.shape, w?.shape],
      [
        [3, 4],
        [3, 3],
      ],
    );
    const [ob, wb] = m(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1), null, true, null, false);
    assertClose(ob.squeeze(1), o, tight);
    assert.deepEqual(wb?.shape, [1, 2, 3, 3]);
    const causal = tg.ones([3, 3]).triu(1).gt(0);
    const kpm = tg.tensor([[false, false, true]]);
    const fn = (a: tg.Tensor) => m(a, a, a, { attnMask: causal, keyPaddingMask: kpm })[0].sum();
    assert.ok(tg.autograd.gradcheck(fn, [tg.randn([3, 1, 4], { dtype: "float64" }).requiresGrad_(true), ...m.parameters()]));
  });

  it("refuses bad shapes and options", () => {
    assert.throws(() => new nn.MultiheadAttention(6, 4), /divisible/);
    assert.throws(() => new nn.MultiheadAttention(6, 2, { batch_first: true } as never), tg.ArgumentError);
    const m = new nn.MultiheadAttention(4, 2);
    const x = tg.randn([3, 2, 4]);
    assert.throws(() => m(x, x, x, { attnMask: tg.ones([2, 2]) }), tg.ShapeError);
    assert.throws(() => m(x, x, x, { keyPaddingMask: tg.ones([3, 3]).gt(0) }), tg.ShapeError);
    assert.throws(() => m(x, x, tg.randn([3, 2, 5])), tg.ShapeError);
    assert.throws(() => m(x, x, x, { isCausal: true }), tg.ValueError);
    assert.throws(() => m(x, x, x, { needweights: false } as never), tg.ArgumentError);
  });

  it("a one-layer attention model learns to copy the token at a given offset", () => {
    tg.manualSeed(0);
    const V = 6;
    const L = 5;
    const emb = new nn.Embedding(V, 16);
    const pos = new nn.Embedding(L, 16);
    const attn = new nn.MultiheadAttention(16, 2, { batchFirst: true });
    const head = new nn.Linear(16, V);
    const params = [...emb.parameters(), ...pos.parameters(), ...attn.parameters(), ...head.parameters()];
    const opt = new tg.optim.Adam(params, { lr: 0.01 });
    const g = new tg.Generator(2);
    const positions = tg.arange(0, L, 1, { dtype: "int32" });
    let loss = Number.POSITIVE_INFINITY;
    for (let step = 0; step < 250; step++) {
      const tokens = tg.randint(0, V, [32, L], { generator: g, dtype: "int32" });
      // Target: the first token of the sequence, at every position (causal attention may always see it).
      const target = tokens.narrow(1, 0, 1).expand([32, L]).reshape([-1]);
      const h = emb(tokens).add(pos(positions));
      const mask = tg.ones([L, L]).triu(1).gt(0);
      const [a] = attn(h, h, h, { attnMask: mask, needWeights: false });
      const l = F.crossEntropy(head(a).reshape([-1, V]), target);
      opt.zeroGrad();
      l.backward();
      opt.step();
      loss = l.item();
    }
    assert.ok(loss < 0.1, `final loss ${loss}`);
  });
});
