import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";
import { loadParams, T } from "./rnn_fixtures.ts";

const nn = tg.nn;
const F = tg.nn.functional;
const tight = { atol: 1e-9, rtol: 1e-7 };
// biome-ignore lint/suspicious/noExplicitAny: free-form JSON written by test/fixtures/transformer_torch.py.
const FX: Record<string, any> = JSON.parse(readFileSync(new URL("fixtures/transformer_torch.json", import.meta.url), "utf8"));

/** Loads PyTorch's weights strictly, runs `run`, and compares output, input gradients and parameter gradients. */
function check(name: string, m: tg.nn.AnyModule, inputs: tg.Tensor[], run: () => tg.Tensor) {
  const c = FX[name];
  assert.deepEqual(Object.keys(m.stateDict()), c.keys);
  loadParams(m, c.params);
  m.eval();
  const out = run();
  assertClose(out, T(c.out), tight);
  out.mul(out).sum().add(out.sum()).backward();
  inputs.forEach((x, i) => {
    assertClose(x.grad as tg.Tensor, T(c.grads_in[i]), tight);
  });
  for (const [k, p] of m.namedParameters()) assertClose(p.grad as tg.Tensor, T(c.grads[k]), tight);
}

const causal4 = () => nn.Transformer.generateSquareSubsequentMask(4, { dtype: "float64" });

describe("Transformer layers against PyTorch", () => {
  it("generateSquareSubsequentMask", () => {
    const expected = FX.mask4.map((v: number | string) => (v === "-inf" ? Number.NEGATIVE_INFINITY : v));
    assert.deepEqual(Array.from(causal4().toArray()), expected);
  });

  it("TransformerEncoderLayer, post-norm relu, causal mask and key padding mask", () => {
    const c = FX.enc_post;
    const m = new nn.TransformerEncoderLayer(4, 2, 8, 0, { dtype: "float64" });
    const x = T(c.x, true);
    check("enc_post", m, [x], () => m(x, causal4(), T(c.kpm)));
  });

  it("TransformerEncoderLayer, normFirst, gelu, batchFirst, layerNormEps", () => {
    const c = FX.enc_pre_gelu_bf;
    const m = new nn.TransformerEncoderLayer(4, 2, {
      dimFeedforward: 8,
      dropout: 0,
      activation: "gelu",
      layerNormEps: 1e-3,
      batchFirst: true,
      normFirst: true,
      dtype: "float64",
    });
    const x = T(c.x, true);
    check("enc_pre_gelu_bf", m, [x], () => m(x));
  });

  it("TransformerDecoderLayer, post-norm, causal tgt mask, memory key padding mask", () => {
    const c = FX.dec_post;
    const m = new nn.TransformerDecoderLayer(4, 2, 8, 0, { dtype: "float64" });
    const [t, mem] = [T(c.tgt, true), T(c.memory, true)];
    check("dec_post", m, [t, mem], () => m(t, mem, { tgtMask: causal4(), memoryKeyPaddingMask: T(c.mkpm) }));
  });

  it("TransformerDecoderLayer, normFirst, batchFirst", () => {
    const c = FX.dec_pre_bf;
    const m = new nn.TransformerDecoderLayer(4, 2, 8, 0, { normFirst: true, batchFirst: true, dtype: "float64" });
    const [t, mem] = [T(c.tgt, true), T(c.memory, true)];
    check("dec_pre_bf", m, [t, mem], () => m(t, mem, causal4()));
  });

  it("Transformer (2 encoder layers, 1 decoder layer, batchFirst)", () => {
    const c = FX.transformer;
    const m = new nn.Transformer(4, 2, 2, 1, 8, 0, { batchFirst: true, dtype: "float64" });
    const [src, tgt] = [T(c.src, true), T(c.tgt, true)];
    check("transformer", m, [src, tgt], () => m(src, tgt, { tgtMask: causal4() }));
  });
});

describe("Transformer stacks", () => {
  it("TransformerEncoder copies the layer's weights into each layer and names them layers.i", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, 16);
    const enc = new nn.TransformerEncoder(layer, 3, new nn.LayerNorm(8));
    const keys = Object.keys(enc.stateDict());
    assert.ok(keys.includes("layers.2.self_attn.in_proj_weight") && keys.includes("norm.weight"));
    assertClose(enc.layers[1].linear1.weight, layer.linear1.weight);
    assert.notEqual(enc.layers[1].linear1.weight, layer.linear1.weight);
    enc.eval();
    const x = tg.randn([5, 2, 8]);
    assert.deepEqual(enc(x, { mask: nn.Transformer.generateSquareSubsequentMask(5) }).shape, [5, 2, 8]);
    const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, 16), 2);
    assert.deepEqual(dec(tg.randn([4, 2, 8]), x).shape, [4, 2, 8]);
  });

  it("refuses unknown options and bad arguments", () => {
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { norm_first: true } as never), tg.ArgumentError);
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { activation: "tanh" } as never), tg.ArgumentError);
    assert.throws(() => new nn.Transformer({ dModel: 6, nhead: 4 }), /divisible/);
    assert.throws(() => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2), tg.ArgumentError);
    const m = new nn.TransformerEncoderLayer(4, 2, 8);
    assert.throws(() => m(tg.randn([3, 2, 4]), { mask: null } as never), tg.ArgumentError);
  });

  it("a tiny causal transformer learns a tiny language (loss below 0.15)", () => {
    // Sequences count up modulo V from a random start: every next token is determined by the previous one.
    tg.manualSeed(0);
    const V = 7;
    const L = 6;
    const emb = new nn.Embedding(V, 16);
    const pos = new nn.Embedding(L, 16);
    const layer = new nn.TransformerEncoderLayer(16, 2, 32, 0, { batchFirst: true, normFirst: true });
    const head = new nn.Linear(16, V);
    const opt = new tg.optim.Adam([...emb.parameters(), ...pos.parameters(), ...layer.parameters(), ...head.parameters()], { lr: 0.01 });
    const g = new tg.Generator(5);
    const mask = nn.Transformer.generateSquareSubsequentMask(L);
    const positions = tg.arange(0, L, 1, { dtype: "int32" });
    let loss = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 150; i++) {
      const starts = Array.from(tg.randint(0, V, [16], { generator: g, dtype: "int32" }).toArray(), Number);
      const seq = tg.tensor(
        starts.map((s0) => Array.from({ length: L + 1 }, (_, t) => (s0 + t) % V)),
        { dtype: "int32" },
      );
      const x = seq.narrow(1, 0, L);
      const y = seq.narrow(1, 1, L).reshape([-1]);
      const h = layer(emb(x).add(pos(positions)), mask, null, true);
      const l = F.crossEntropy(head(h).reshape([-1, V]), y);
      opt.zeroGrad();
      l.backward();
      opt.step();
      loss = l.item();
    }
    assert.ok(loss < 0.15, `final loss ${loss}`);
  });
});
