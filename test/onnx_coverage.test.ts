import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ort from "onnxruntime-web";
import * as tg from "tensorgrad";
import { LAYER_CASES } from "../scripts/pytorch/layer_cases.ts";

// Every tg.nn layer the module-tree spec describes exports to ONNX (onnxruntime-web and tg.onnx.load give our
// outputs, for one input or several), or is refused with an error naming what it can't translate: only those listed here.

const { nn } = tg;
ort.env.wasm.numThreads = 1; // no worker threads in the test process

/** Layers whose export is refused, and what the error names (none at present: every described layer exports). */
const REFUSED: Record<string, RegExp> = {};

type Forward = (...inputs: tg.Tensor[]) => unknown;

function first(v: unknown): tg.Tensor {
  if (v instanceof tg.Tensor) return v;
  if (Array.isArray(v)) return first(v[0]);
  throw new Error(`no tensor in ${String(v)}`);
}

async function runOrt(bytes: Uint8Array, feeds: Record<string, tg.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  const input = Object.fromEntries(
    Object.entries(feeds).map(([k, x]) => [
      k,
      new ort.Tensor(x.dtype === "int32" ? "int32" : "float32", x.toArray() as Float32Array, x.shape),
    ]),
  );
  return session.run(input);
}

/** Max abs difference of onnxruntime's output from `want`, relative to max(1, |want|). */
function relErr(got: ort.Tensor, want: tg.Tensor): number {
  assert.deepEqual([...got.dims], want.shape);
  const w = want.toArray();
  const scale = Math.max(1, ...Array.from(w, Math.abs));
  return Math.max(0, ...Array.from(got.data as Float32Array, (v, i) => Math.abs(v - w[i]))) / scale;
}

describe("ONNX coverage of the described layers", () => {
  for (const [name, c] of Object.entries(LAYER_CASES)) {
    const xs = c.inputs?.();
    if (!xs || !(tg.io.SPEC_TYPES as readonly string[]).includes(name)) continue;
    it(`${name}: ${REFUSED[name] ? "refused, naming the op and the layer" : "onnxruntime and tg.onnx.load give our outputs"}`, async () => {
      tg.manualSeed(0);
      const model = c.make();
      const call = () => (model as unknown as Forward)(...xs);
      model.train();
      tg.noGrad(call); // running statistics move
      model.eval();
      const inputNames = xs.map((_, i) => (i === 0 ? "input" : `input_${i}`));
      if (REFUSED[name]) {
        assert.throws(() => tg.onnx.export(model, xs, { inputNames }), REFUSED[name]);
        return;
      }
      const want = first(tg.noGrad(call));
      const bytes = tg.onnx.export(model, xs, { inputNames });
      const out = await runOrt(bytes, Object.fromEntries(xs.map((x, i) => [inputNames[i], x])));
      const err = relErr(out.output, want);
      assert.ok(err <= 1e-5, `onnxruntime: ${err}`);
      const back = tg.noGrad(() => tg.onnx.load(bytes).runAll(...xs)[0]);
      assert.ok(back.sub(want).abs().max().item() <= 1e-5 * Math.max(1, want.abs().max().item()), "tg.onnx.load");
    });
  }
});

describe("ONNX export of the padding layers, LocalResponseNorm, the RNN cells, norm() and CosineSimilarity", () => {
  it("padding layers are one Pad node (constant value, reflect, edge)", () => {
    const x = tg.randn([1, 2, 3, 4]);
    const ops = (m: tg.nn.Module, input = x) =>
      tg.onnx.load(tg.onnx.export(m, input)).graphNodes.map((n) => `${n.op}${n.attrs.mode ? `:${n.attrs.mode}` : ""}`);
    assert.deepEqual(ops(new nn.ConstantPad2d([1, 0, 2, 1], 0.5)), ["Pad:constant", "Identity"]);
    assert.deepEqual(ops(new nn.ReflectionPad2d(1)), ["Pad:reflect", "Identity"]);
    assert.deepEqual(ops(new nn.ReplicationPad1d([0, 2]), tg.randn([2, 3, 4])), ["Pad:edge", "Identity"]);
  });

  it("LocalResponseNorm exports as LRN for odd sizes; an even size, whose ONNX window is shifted, is refused", async () => {
    tg.manualSeed(1);
    const x = tg.randn([2, 6, 3, 3]);
    const odd = new nn.LocalResponseNorm(5, 0.01, 0.6, 1.5);
    const out = await runOrt(tg.onnx.export(odd, x), { input: x });
    assert.ok(relErr(out.output, odd(x)) <= 1e-5);
    assert.throws(() => tg.onnx.export(new nn.LocalResponseNorm(4), x), /LocalResponseNorm with an even size \(4\)/);
  });

  it("RNNCell, LSTMCell and GRUCell with a given state, batched and unbatched: every output matches", async () => {
    tg.manualSeed(2);
    const rnn = new nn.RNNCell(4, 3);
    const lstm = new nn.LSTMCell(4, 3);
    const gru = new nn.GRUCell(4, 3);
    class WithState extends nn.Module<[tg.Tensor, tg.Tensor, tg.Tensor], tg.Tensor[]> {
      rnn = rnn;
      lstm = lstm;
      gru = gru;
      forward(x: tg.Tensor, h: tg.Tensor, c: tg.Tensor): tg.Tensor[] {
        return [this.rnn(x, h), ...this.lstm(x, [h, c]), this.gru(x, h)];
      }
    }
    const model = new WithState();
    for (const batch of [[2], []]) {
      const [x, h, c] = [tg.randn([...batch, 4]), tg.randn([...batch, 3]), tg.randn([...batch, 3])];
      const want = tg.noGrad(() => model(x, h, c));
      const names = ["rnn", "lstm_h", "lstm_c", "gru"];
      const bytes = tg.onnx.export(model, [x, h, c], { inputNames: ["x", "h", "c"], outputNames: names });
      const out = await runOrt(bytes, { x, h, c });
      names.forEach((n, i) => {
        assert.ok(relErr(out[n], want[i]) <= 1e-5, `${n} [${batch}]`);
      });
      const back = tg.noGrad(() => tg.onnx.load(bytes).runAll(x, h, c));
      back.forEach((t, i) => {
        assert.ok(t.sub(want[i]).abs().max().item() <= 1e-5, `tg.onnx.load ${names[i]}`);
      });
    }
  });

  it("x.norm(p, dim, keepdim) in a custom forward: 2, 1, 1.5, ±∞, 0 and 'fro', over one dim, several or all", async () => {
    tg.manualSeed(3);
    const x = tg.cat([tg.tensor([[0, 1, -2, 0, 3]]), tg.randn([2, 5])]); // zeros for p = 0
    const forms: unknown[][] = [
      [],
      [2, undefined, false],
      [1, 1],
      [1.5, 0, true],
      [Infinity, -1],
      [-Infinity, 1, true],
      [0, 1],
      ["fro", [0, 1], true],
      [3, 1],
    ];
    for (const form of forms) {
      class Norm extends nn.Module<[tg.Tensor], tg.Tensor> {
        forward(t: tg.Tensor): tg.Tensor {
          return (t.norm as (...a: unknown[]) => tg.Tensor)(...form).mul(2);
        }
      }
      const model = new Norm();
      const bytes = tg.onnx.export(model, x);
      try {
        const out = await runOrt(bytes, { input: x });
        assert.ok(relErr(out.output, model(x)) <= 1e-5, JSON.stringify(form));
      } catch (e) {
        throw new Error(`${JSON.stringify(form)}: ${(e as Error).message}`);
      }
    }
  });

  it("CosineSimilarity broadcasts its inputs and clamps each norm at eps, as PyTorch 1.13", async () => {
    const model = new nn.CosineSimilarity(-1, 1e-3);
    // a[0] is a zero vector: its norm is clamped at eps, its similarities are 0.
    const [a, b] = [tg.cat([tg.zeros([1, 1, 4]), tg.randn([1, 1, 4])]), tg.randn([3, 4])];
    const want = model(a, b);
    assert.deepEqual(Array.from(want.get(0).toArray()), [0, 0, 0]);
    const out = await runOrt(tg.onnx.export(model, [a, b], { inputNames: ["a", "b"] }), { a, b });
    assert.ok(relErr(out.output, want) <= 1e-5);
  });
});
