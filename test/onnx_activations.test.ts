import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ort from "onnxruntime-web";
import * as tg from "tensorgrad";

// Every activation layer exports to ONNX: onnxruntime gives our outputs, and tg.onnx.load reads the graph back.

const { nn } = tg;
ort.env.wasm.numThreads = 1; // no worker threads in the test process

const LAYERS: [string, () => tg.nn.AnyModule][] = [
  ["ReLU6", () => new nn.ReLU6()],
  ["SELU", () => new nn.SELU()],
  ["CELU(0.7)", () => new nn.CELU(0.7)],
  ["Hardsigmoid", () => new nn.Hardsigmoid()],
  ["Hardswish", () => new nn.Hardswish()],
  ["Hardshrink(0.8)", () => new nn.Hardshrink(0.8)],
  ["Softshrink(0.3)", () => new nn.Softshrink(0.3)],
  ["LogSigmoid", () => new nn.LogSigmoid()],
  ["Threshold(0.1, -2)", () => new nn.Threshold(0.1, -2)],
  ["RReLU (eval)", () => new nn.RReLU(0.1, 0.3)],
];

describe("ONNX export of the activation layers", () => {
  for (const [name, make] of LAYERS) {
    it(`${name}: onnxruntime and tg.onnx.load give our outputs`, async () => {
      tg.manualSeed(1);
      const model = new nn.Sequential(new nn.Linear(4, 6), make());
      model.eval();
      const x = tg.randn([5, 4]).mul(3);
      const want = tg.noGrad(() => model(x)).toArray();
      const bytes = tg.onnx.export(model, x);
      const session = await ort.InferenceSession.create(bytes);
      const out = (await session.run({ input: new ort.Tensor("float32", x.toArray() as Float32Array, x.shape) })).output;
      assert.deepEqual([...out.dims], [5, 6]);
      const got = out.data as Float32Array;
      const err = Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])));
      assert.ok(err <= 1e-5 * Math.max(1, ...Array.from(want, Math.abs)), `${name}: max abs error ${err}`);
      const back = tg.noGrad(() => tg.onnx.load(bytes)(x)).toArray();
      const errBack = Math.max(...Array.from(back, (v, i) => Math.abs(v - want[i])));
      assert.ok(errBack <= 1e-5, `${name} through tg.onnx.load: ${errBack}`);
    });
  }
});
