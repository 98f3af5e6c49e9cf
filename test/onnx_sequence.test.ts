import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ort from "onnxruntime-web";
import * as tg from "tensorgrad";

const { nn } = tg;
ort.env.wasm.numThreads = 1; // no worker threads in the test process

const ortType = (t: tg.Tensor) =>
  t.dtype === "int32" ? "int32" : t.dtype === "float64" ? "float64" : t.dtype === "bool" ? "bool" : "float32";

/** Runs ONNX bytes in onnxruntime-web (WASM, in Node) on `inputs`; returns each output's values and dims, in graph order. */
async function runOnnx(bytes: Uint8Array, inputs: tg.Tensor[]) {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const x = inputs[i];
    const data = x.dtype === "bool" ? Uint8Array.from(x.toArray() as ArrayLike<number>) : x.toArray();
    feeds[name] = new ort.Tensor(ortType(x), data as Float32Array, x.shape);
  });
  const result = await session.run(feeds);
  return session.outputNames.map((name) => ({ data: Array.from(result[name].data as Float32Array), dims: [...result[name].dims] }));
}

/** The max abs difference between onnxruntime's outputs and ours, checked ≤ 1e-4 (relative to outputs over 1). */
async function check(bytes: Uint8Array, inputs: tg.Tensor[], want: tg.Tensor[]): Promise<number> {
  const got = await runOnnx(bytes, inputs);
  assert.equal(got.length, want.length, "one graph output per result tensor");
  let worst = 0;
  got.forEach((g, k) => {
    assert.deepEqual(g.dims, want[k].shape, `output ${k} shape`);
    const w = Array.from(want[k].toArray() as ArrayLike<number>);
    const scale = Math.max(1, ...w.map(Math.abs));
    const err = Math.max(0, ...g.data.map((v, i) => Math.abs(v - w[i])));
    assert.ok(err <= 1e-4 * scale, `output ${k}: max abs error ${err} (scale ${scale})`);
    worst = Math.max(worst, err);
  });
  return worst;
}

/** The tensors of a forward result (tuples flattened, nulls skipped), as the exporter lists outputs. */
const flat = (v: unknown): tg.Tensor[] => (v instanceof tg.Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);

/** Exports `model` on `inputs`, runs the file, compares every output with the model's own forward. */
async function checkModel(model: tg.nn.AnyModule, inputs: tg.Tensor[], options: tg.onnx.OnnxExportOptions = {}) {
  model.eval();
  const bytes = tg.onnx.export(model, inputs, options);
  const want = flat(tg.noGrad(() => (model as unknown as (...a: tg.Tensor[]) => unknown)(...inputs)));
  await check(bytes, inputs, want);
  // And back: tg.onnx.load runs the same graph with tensorgrad ops.
  const back = tg.noGrad(() => tg.onnx.load(bytes).runAll(...inputs));
  assert.equal(back.length, want.length);
  back.forEach((b, k) => {
    assert.deepEqual(b.shape, want[k].shape);
    const scale = Math.max(1, want[k].abs().max().item());
    assert.ok(b.sub(want[k]).abs().max().item() <= 1e-5 * scale, `tg.onnx.load gives our output ${k}`);
  });
  return bytes;
}

describe("tg.onnx.export of recurrent layers (ONNX RNN/LSTM/GRU), checked in onnxruntime-web", () => {
  it("LSTM: 2 layers, bidirectional, batchFirst: output, h_n and c_n", async () => {
    tg.manualSeed(0);
    const lstm = new nn.LSTM(5, 7, { numLayers: 2, bidirectional: true, batchFirst: true });
    await checkModel(lstm, [tg.randn([3, 4, 5])]);
  });

  it("LSTM with free batch and sequence axes runs on other sizes", async () => {
    tg.manualSeed(1);
    const lstm = new nn.LSTM(3, 6, 2);
    const bytes = tg.onnx.export(lstm, tg.randn([5, 2, 3]), {
      outputNames: ["output", "h_n", "c_n"],
      dynamicAxes: { input: { 0: "seq", 1: "batch" }, output: { 0: "seq", 1: "batch" }, h_n: { 1: "batch" }, c_n: { 1: "batch" } },
    });
    const x = tg.randn([9, 4, 3]);
    await check(bytes, [x], flat(tg.noGrad(() => lstm(x))));
  });

  it("GRU (linear_before_reset, gates reordered): 2 layers, bidirectional; unbatched input; no bias", async () => {
    tg.manualSeed(2);
    await checkModel(new nn.GRU(4, 6, { numLayers: 2, bidirectional: true }), [tg.randn([5, 3, 4])]);
    await checkModel(new nn.GRU(4, 6, { batchFirst: true }), [tg.randn([5, 4])]);
    await checkModel(new nn.GRU(4, 6, { bias: false, numLayers: 2 }), [tg.randn([3, 2, 4])]);
  });

  it("RNN tanh and relu, bidirectional, 3 layers", async () => {
    tg.manualSeed(3);
    await checkModel(new nn.RNN(4, 5, { numLayers: 3, bidirectional: true }), [tg.randn([6, 2, 4])]);
    await checkModel(new nn.RNN(4, 5, { nonlinearity: "relu", batchFirst: true }), [tg.randn([2, 6, 4])]);
  });

  it("initial states as graph inputs: LSTM(x, [h0, c0]) in a custom forward", async () => {
    tg.manualSeed(4);
    class Stateful extends nn.Module<[tg.Tensor, tg.Tensor, tg.Tensor], unknown> {
      lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
      forward(x: tg.Tensor, h: tg.Tensor, c: tg.Tensor) {
        return this.lstm(x, [h, c]);
      }
    }
    const inputs = [tg.randn([5, 2, 3]), tg.randn([4, 2, 4]), tg.randn([4, 2, 4])];
    await checkModel(new Stateful(), inputs, { inputNames: ["x", "h0", "c0"], outputNames: ["y", "h_n", "c_n"] });
  });

  it("a character LSTM language model (Embedding → LSTM → Linear, log-softmax) traced from its forward", async () => {
    tg.manualSeed(5);
    class CharLM extends nn.Module {
      emb = new nn.Embedding(11, 6);
      lstm = new nn.LSTM(6, 8, { batchFirst: true });
      head = new nn.Linear(8, 11);
      forward(x: tg.Tensor) {
        const [h] = this.lstm(this.emb(x));
        return this.head(h).logSoftmax(-1);
      }
    }
    const model = new CharLM();
    const opt = new tg.optim.Adam(model.parameters(), { lr: 0.05 });
    const x = tg.tensor([[1, 2, 3, 4, 5, 6]], { dtype: "int32" });
    const y = tg.tensor([2, 3, 4, 5, 6, 7], { dtype: "int32" });
    const loss = () => tg.nn.functional.nllLoss(model(x).reshape([-1, 11]), y);
    const before = loss().item();
    for (let i = 0; i < 30; i++) {
      opt.zeroGrad();
      loss().backward();
      opt.step();
    }
    assert.ok(loss().item() < before / 4, "the model learned before it is exported");
    await checkModel(model, [x], { dynamicAxes: { input: { 1: "seq" }, output: { 1: "seq" } } });
  });

  it("refuses what ONNX's operators can't express, naming it", () => {
    assert.throws(() => tg.onnx.export(new nn.LSTM(3, 4, { projSize: 2 }), tg.randn([2, 1, 3])), /projSize 2 has no ONNX translation/);
  });
});

describe("tg.onnx.export of attention and transformer layers, checked in onnxruntime-web", () => {
  it("MultiheadAttention: self-attention (batchFirst) with averaged weights, and per-head weights", async () => {
    tg.manualSeed(6);
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const x = tg.randn([2, 5, 8]);
    await checkModel(mha, [x, x, x]);
    await checkModel(mha, [x, x, x], { opsetVersion: 21 }); // ReduceMean takes its axes as an input from opset 18
    class PerHead extends nn.Module<[tg.Tensor], unknown> {
      mha = mha;
      forward(q: tg.Tensor) {
        return this.mha(q, q, q, { averageAttnWeights: false });
      }
    }
    await checkModel(new PerHead(), [x]);
  });

  it("MultiheadAttention: cross-attention with kdim/vdim, a bool causal mask and a key padding mask; unbatched", async () => {
    tg.manualSeed(7);
    const mha = new nn.MultiheadAttention(8, 4, { kdim: 6, vdim: 5 });
    const causal = tg.ones([4, 4]).triu(1).gt(0);
    const padding = tg.tensor([
      [false, false, false, true],
      [false, false, false, false],
    ]);
    class Cross extends nn.Module<[tg.Tensor, tg.Tensor, tg.Tensor], unknown> {
      mha = mha;
      forward(q: tg.Tensor, k: tg.Tensor, v: tg.Tensor) {
        return this.mha(q, k, v, { attnMask: causal, keyPaddingMask: padding });
      }
    }
    await checkModel(new Cross(), [tg.randn([4, 2, 8]), tg.randn([4, 2, 6]), tg.randn([4, 2, 5])]);
    const self = new nn.MultiheadAttention(6, 3);
    const u = tg.randn([3, 6]);
    await checkModel(self, [u, u, u]);
  });

  it("TransformerEncoderLayer: post-norm relu, pre-norm gelu (batchFirst), a stack with a final norm and causal mask", async () => {
    tg.manualSeed(8);
    await checkModel(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), [tg.randn([5, 2, 8])]);
    await checkModel(
      new nn.TransformerEncoderLayer(8, 4, { dimFeedforward: 12, activation: "gelu", normFirst: true, batchFirst: true }),
      [tg.randn([2, 5, 8])],
      { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } },
    );
    const mask = nn.Transformer.generateSquareSubsequentMask(5);
    class Encoder extends nn.Module {
      enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, new nn.LayerNorm(8));
      forward(x: tg.Tensor) {
        return this.enc(x, { mask });
      }
    }
    await checkModel(new Encoder(), [tg.randn([5, 3, 8])]);
  });

  it("TransformerDecoderLayer and a whole nn.Transformer, traced through their forwards (two inputs)", async () => {
    tg.manualSeed(12);
    const tgtMask = nn.Transformer.generateSquareSubsequentMask(4);
    class Decoder extends nn.Module<[tg.Tensor, tg.Tensor], tg.Tensor> {
      dec = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, activation: "gelu" });
      forward(tgt: tg.Tensor, memory: tg.Tensor) {
        return this.dec(tgt, memory, { tgtMask });
      }
    }
    await checkModel(new Decoder(), [tg.randn([4, 2, 8]), tg.randn([6, 2, 8])]);
    const model = new nn.Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 2,
      numDecoderLayers: 1,
      dimFeedforward: 16,
      batchFirst: true,
    });
    await checkModel(model, [tg.randn([2, 6, 8]), tg.randn([2, 4, 8])], { inputNames: ["src", "tgt"] });
  });

  it("refuses addBiasKv and a function activation, naming them", () => {
    const x = tg.randn([3, 1, 4]);
    assert.throws(() => tg.onnx.export(new nn.MultiheadAttention(4, 2, { addBiasKv: true }), [x, x, x]), /addBiasKv or addZeroAttn/);
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, activation: (t: tg.Tensor) => t.tanh() });
    assert.throws(() => tg.onnx.export(layer, x), /function activation/);
  });
});

describe("tg.onnx.export traces a custom forward", () => {
  it("GroupNorm and mean-reductions at opsets 18 and 21 (ReduceMean's axes became an input)", async () => {
    tg.manualSeed(11);
    class Pool extends nn.Module {
      gn = new nn.GroupNorm(2, 4);
      forward(x: tg.Tensor) {
        return this.gn(x).mean([2, 3]).add(x.amax(-1).sum(-1)).sub(x.amin(-1).mean(-1));
      }
    }
    for (const opsetVersion of [17, 18, 21]) await checkModel(new Pool(), [tg.randn([2, 4, 3, 5])], { opsetVersion });
  });

  it("residual adds, concat, stack, transpose/permute, reshape, narrow/chunk, mean, scalar ops and parameters", async () => {
    tg.manualSeed(9);
    class Block extends nn.Module {
      pos = new nn.Parameter(tg.randn([5, 8]).mul(0.1));
      attn = new nn.MultiheadAttention(8, 2, { batchFirst: true });
      norm = new nn.LayerNorm(8);
      proj = new nn.Linear(16, 8);
      forward(x: tg.Tensor) {
        const h = x.add(this.pos); // a parameter broadcast over the batch
        const [a] = this.attn(h, h, h, { needWeights: false });
        const r = this.norm(h.add(a)); // residual
        const both = tg.cat([r, h.mul(0.5).sub(1)], -1); // [B, 5, 16]
        const y = this.proj(both).relu();
        const [p, q] = y.chunk(2, -1); // [B, 5, 4] each
        const z = tg.stack([p, q.sigmoid()], 1); // [B, 2, 5, 4]
        const t = z.permute(0, 2, 1, 3).reshape([-1, 5, 8]).transpose(1, 2); // [B, 8, 5]
        return t.narrow(2, 1, 3).mean(-1).softmax(-1).div(2).sqrt();
      }
    }
    const model = new Block();
    await checkModel(model, [tg.randn([3, 5, 8])], { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } });
    // The batch axis is free: another batch size runs with our outputs.
    const bytes = tg.onnx.export(model, tg.randn([3, 5, 8]), { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } });
    const x = tg.randn([6, 5, 8]);
    await check(bytes, [x], [tg.noGrad(() => model(x))]);
  });

  it("a Sequential inside a custom module, int ops on the input (padding mask), squeeze/unsqueeze/select", async () => {
    tg.manualSeed(10);
    class Classifier extends nn.Module {
      emb = new nn.Embedding(9, 8, { paddingIdx: 0 });
      attn = new nn.MultiheadAttention(8, 2, { batchFirst: true });
      mlp = new nn.Sequential(new nn.Linear(8, 8), new nn.GELU(), new nn.Linear(8, 3));
      forward(x: tg.Tensor) {
        const pad = x.eq(0); // [B, T] bool, from the input
        const e = this.emb(x);
        const [a] = this.attn(e, e, e, { keyPaddingMask: pad, needWeights: false });
        const keep = pad.logicalNot().unsqueeze(-1).float(); // [B, T, 1]
        const pooled = a.mul(keep).sum(1).div(keep.sum(1)); // masked mean over time
        const last = e.get(":, -1, 1:7:2"); // [B, 3]: x[:, -1, 1:7:2]
        const first = e.get("...", tg.slice(null, 3)).get(tg.tensor([0], { dtype: "int32" }), null, 0); // [1, 1, 3]
        const out = this.mlp(pooled.unsqueeze(1)).squeeze(1);
        return out
          .add(e.select(1, 0).narrow(1, 0, 3))
          .add(last)
          .add(first.reshape([1, 3]));
      }
    }
    const x = tg.tensor(
      [
        [3, 4, 5, 0],
        [1, 2, 0, 0],
      ],
      { dtype: "int32" },
    );
    await checkModel(new Classifier(), [x]);
  });

  it("functions read back from autograd: tg.exp/tanh/sigmoid chains, F.relu, tg.cat with a constant class token", async () => {
    tg.manualSeed(13);
    class Tokens extends nn.Module {
      cls = new nn.Parameter(tg.randn([1, 1, 4]));
      lin = new nn.Linear(4, 4);
      forward(x: tg.Tensor) {
        const h = tg
          .exp(tg.tanh(this.lin(x)))
          .add(tg.nn.functional.relu(x))
          .mul(tg.sigmoid(x));
        return tg.cat([this.cls.expand([x.shape[0], 1, 4]), h, tg.neg(h)], 1);
      }
    }
    await checkModel(new Tokens(), [tg.randn([2, 3, 4])]);
    class Field extends nn.Module {
      lin = new nn.Linear(4, 2);
      forward = (x: tg.Tensor) => this.lin(x).mul(3); // forward as an instance field
    }
    const field = new Field();
    await checkModel(field, [tg.randn([2, 4])]);
    assert.equal(Object.hasOwn(field, "forward"), true, "the instance's forward is put back");
  });

  it("refuses an op it does not trace, naming the autograd node, instead of baking a constant", () => {
    class Flip extends nn.Module {
      lin = new nn.Linear(3, 3);
      forward(x: tg.Tensor) {
        return tg.flip(this.lin(x), 0).add(1); // a function, not a method: caught through the autograd graph
      }
    }
    assert.throws(() => tg.onnx.export(new Flip(), tg.randn([2, 3])), /does not trace \(FlipBackward0\).*\(in model \(Flip\)\)$/);
    assert.throws(() => tg.onnx.export(new Flip(), [tg.randn([2, 3])], { inputNames: ["a", "b"] }), /inputNames must be an array of 1/);
    class ArgMax extends nn.Module {
      lin = new nn.Linear(3, 4);
      emb = new nn.Embedding(4, 2);
      forward(x: tg.Tensor) {
        return this.emb(this.lin(x).argmax(-1)); // int, no autograd history: caught by the method, not the graph
      }
    }
    assert.throws(
      () => tg.onnx.export(new ArgMax(), tg.randn([2, 3])),
      /calls \.argmax\(\) on a value computed from the input.*\(in model\.emb \(Embedding\)\)$/,
    );
    class InPlace extends nn.Module {
      lin = new nn.Linear(3, 3);
      forward(x: tg.Tensor) {
        const h = this.lin(x);
        h.mul_(2);
        return h.add(1);
      }
    }
    assert.throws(() => tg.onnx.export(new InPlace(), tg.randn([2, 3])), /calls \.mul_\(\).*in-place ops are not traced/);
  });
});
