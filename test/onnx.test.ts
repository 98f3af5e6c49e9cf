import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as ort from "onnxruntime-web";
import * as tg from "tensorgrad";
import { exportOnnxFile, loadModel, saveCheckpoint, saveModel } from "tensorgrad/node";
import { makeData } from "../playground/src/datasets.ts";
import { applyFeatures } from "../playground/src/features.ts";
import { networkConfig } from "../playground/src/model.ts";
import { defaultState } from "../playground/src/state.ts";
import { Trainer } from "../playground/src/trainer.ts";
import { exportCommand } from "../src/cli/export.ts";
import { main } from "../src/cli/main.ts";
import { buildModel, type ModelConfig } from "../src/cli/models.ts";
import { encodeModel, GraphBuilder } from "../src/onnx/graph.ts";

const { nn } = tg;
ort.env.wasm.numThreads = 1; // no worker threads in the test process

/** Runs ONNX bytes in onnxruntime-web (WASM, in Node) on `x`; returns the output and its dims. */
async function runOnnx(bytes: Uint8Array, x: tg.Tensor, names = { input: "input", output: "output" }) {
  const session = await ort.InferenceSession.create(bytes);
  const type = x.dtype === "int32" ? "int32" : x.dtype === "float64" ? "float64" : "float32";
  const result = await session.run({ [names.input]: new ort.Tensor(type, x.toArray() as Float32Array, x.shape) });
  const out = result[names.output];
  return { data: Array.from(out.data as Float32Array), dims: [...out.dims] };
}

/** Exports `model` on `x`, runs it in onnxruntime, and compares with our forward pass (max abs error ≤ 1e-5 relative). */
async function checkModel(model: tg.nn.Module, x: tg.Tensor, options: tg.onnx.OnnxExportOptions = {}) {
  model.eval();
  const bytes = tg.onnx.export(model, x, options);
  const want = tg.noGrad(() => model(x));
  const names = { input: options.inputNames?.[0] ?? "input", output: options.outputNames?.[0] ?? "output" };
  const got = await runOnnx(bytes, x, names);
  assert.deepEqual(got.dims, want.shape);
  const w = want.toArray();
  const scale = Math.max(1, ...Array.from(w, Math.abs));
  const err = Math.max(...got.data.map((v, i) => Math.abs(v - w[i])));
  assert.ok(err <= 1e-5 * scale, `max abs error ${err} (scale ${scale})`);
  // And back: tg.onnx.load runs the same graph with tensorgrad ops.
  const back = tg.noGrad(() => tg.onnx.load(bytes)(x));
  assert.deepEqual(back.shape, want.shape);
  assert.ok(back.sub(want).abs().max().item() <= 1e-5 * scale, "tg.onnx.load gives our outputs");
  return bytes;
}

/** Trains a few steps so BatchNorm statistics and weights are not at their initial values. */
function warm(model: tg.nn.Module, x: tg.Tensor): void {
  model.train();
  for (let i = 0; i < 2; i++) model(x);
}

describe("tg.onnx.export, checked in onnxruntime-web", () => {
  it("Linear, BatchNorm1d, ReLU, Dropout, LogSoftmax, Flatten", async () => {
    tg.manualSeed(0);
    const model = new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(12, 8),
      new nn.BatchNorm1d(8),
      new nn.ReLU(),
      new nn.Dropout(0.3),
      new nn.Linear(8, 3),
      new nn.LogSoftmax(1),
    );
    const x = tg.randn([4, 3, 4]);
    warm(model, x);
    await checkModel(model, x);
  });

  it("Conv2d (padding, stride, groups), BatchNorm2d, GELU, MaxPool2d, GroupNorm, SiLU, AvgPool2d, AdaptiveAvgPool2d", async () => {
    tg.manualSeed(1);
    const model = new nn.Sequential(
      new nn.Conv2d(2, 4, 3, { padding: 1 }),
      new nn.BatchNorm2d(4),
      new nn.GELU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2 }),
      new nn.GroupNorm(3, 6),
      new nn.SiLU(),
      new nn.AvgPool2d(2),
      new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(),
      new nn.Linear(6, 2),
    );
    const x = tg.randn([2, 2, 8, 8]);
    warm(model, x);
    await checkModel(model, x);
  });

  it("Embedding (int32 indices), LayerNorm, Linear on 3-D inputs, Mish, Softmax", async () => {
    tg.manualSeed(2);
    const model = new nn.Sequential(new nn.Embedding(10, 6), new nn.LayerNorm(6), new nn.Linear(6, 4), new nn.Mish(), new nn.Softmax(-1));
    await checkModel(
      model,
      tg.tensor(
        [
          [1, 2, 3],
          [4, 5, 9],
        ],
        { dtype: "int32" },
      ),
    );
  });

  it("Conv1d and every other activation: PReLU, ELU, LeakyReLU, Softplus, Hardtanh, tanh-GELU, Tanh, Sigmoid; Unflatten", async () => {
    tg.manualSeed(3);
    const model = new nn.Sequential(
      new nn.Conv1d(3, 4, 3),
      new nn.PReLU(4),
      new nn.ELU(0.5),
      new nn.LeakyReLU(0.1),
      new nn.Softplus(2),
      new nn.Hardtanh(-0.5, 0.7),
      new nn.GELU("tanh"),
      new nn.Tanh(),
      new nn.Sigmoid(),
      new nn.Flatten(),
      new nn.Unflatten(1, [2, 8]),
    );
    await checkModel(model, tg.randn([2, 3, 6]).mul(2));
  });

  it("names inputs and outputs and leaves dynamic axes free (another batch size runs)", async () => {
    tg.manualSeed(4);
    const model = new nn.Sequential(new nn.Linear(5, 3), new nn.Tanh());
    const bytes = await checkModel(model, tg.randn([2, 5]), {
      inputNames: ["x"],
      outputNames: ["y"],
      dynamicAxes: { x: { 0: "batch" }, y: [0] },
      opsetVersion: 18,
    });
    const x = tg.randn([7, 5]);
    const got = await runOnnx(bytes, x, { input: "x", output: "y" });
    assert.deepEqual(got.dims, [7, 3]);
    const want = tg.noGrad(() => model(x)).toArray();
    assert.ok(Math.max(...got.data.map((v, i) => Math.abs(v - want[i]))) <= 1e-5);
  });

  it("restores training mode and refuses what it can't express, naming it", () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    model.train();
    tg.onnx.export(model, tg.randn([1, 2]));
    assert.equal(model.training, true);
    class Custom extends nn.Module {
      forward(x: tg.Tensor) {
        return x.flip(1).mul(2);
      }
    }
    assert.throws(
      () => tg.onnx.export(new nn.Sequential(new Custom()), tg.randn([1, 2])),
      /calls \.flip\(\) on a value computed from the input/,
    );
    assert.throws(() => tg.onnx.export(model, tg.randn([1, 2]), { opsetVersion: 9 }), /opsetVersion must be an integer from 17 to 21/);
    assert.throws(() => tg.onnx.export(model, tg.randn([1, 2]), { dynamicAxes: { inp: [0] } }), /neither the input/);
    assert.throws(
      () => tg.onnx.export(model, tg.randn([1, 2]), { verbose: true } as tg.onnx.OnnxExportOptions),
      /unknown option "verbose"/,
    );
    const noStats = new nn.Sequential(new nn.BatchNorm1d(2, { trackRunningStats: false }));
    assert.throws(() => tg.onnx.export(noStats, tg.randn([3, 2])), /without running statistics/);
  });
});

describe("tg.onnx.load", () => {
  it("runs an exported model with gradients to the input; refuses what it can't run, naming it", () => {
    tg.manualSeed(7);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1));
    const loaded = tg.onnx.load(tg.onnx.export(model, tg.randn([2, 3])));
    assert.match(loaded.toString(), /OnnxModule\(nodes=\d+, input=input, output=output\)/);
    assert.deepEqual(Object.keys(loaded.stateDict()).length, 4);
    const x = tg.randn([5, 3], { requiresGrad: true });
    const y = loaded(x);
    y.sum().backward();
    const x2 = x.detach().requiresGrad_();
    model(x2).sum().backward();
    assert.ok(
      (x.grad as tg.Tensor)
        .sub(x2.grad as tg.Tensor)
        .abs()
        .max()
        .item() <= 1e-6,
    );
    assert.throws(() => tg.onnx.load(new Uint8Array([1, 2, 3, 4, 5])), tg.ValueError);
    const g = new GraphBuilder();
    g.op("Hardmax", ["input"], {}, "output");
    const io = { name: "g", opsetVersion: 17, inputs: [{ name: "input", dtype: "float32" as const, shape: [2] }] };
    const unknown = encodeModel(g, { ...io, outputs: [{ name: "output", dtype: "float32", shape: [2] }] });
    assert.throws(() => tg.onnx.load(unknown), /Hardmax \(node "Hardmax_0"\) is not an op tensorgrad runs/);
    assert.throws(() => tg.onnx.load("model.onnx" as unknown as Uint8Array), /a Uint8Array/);
  });
});

describe("a model exported by PyTorch", () => {
  it("tg.onnx.load runs torch.onnx.export's CNN (PyTorch 1.13, opset 17) with PyTorch's outputs", async () => {
    const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));
    const bytes = fixture("pytorch_cnn.onnx");
    const { tensors } = tg.io.decodeSafetensors(fixture("pytorch_cnn_io.safetensors"));
    const y = tg.noGrad(() => tg.onnx.load(bytes)(tensors.input));
    assert.ok(y.sub(tensors.output).abs().max().item() <= 1e-5);
    const ort = await runOnnx(bytes, tensors.input);
    const want = tensors.output.toArray();
    assert.ok(Math.max(...ort.data.map((v, i) => Math.abs(v - want[i]))) <= 1e-5, "onnxruntime agrees with the fixture");
  });
});

describe("the playground's Export ONNX", () => {
  it("exports the trained network (batch norm, dropout) as ONNX that onnxruntime runs with the page's outputs", async () => {
    const s = { ...defaultState(), features: ["x1", "x2", "x1x2", "sinx1"], layers: [5, 3], batchNorm: true, dropout: 0.1 } as ReturnType<
      typeof defaultState
    >;
    const data = makeData(s);
    const t = new Trainer(networkConfig(s, data.classes), data, s);
    for (let e = 0; e < 3; e++) t.trainEpoch();
    const { bytes, fileName } = t.exportOnnx();
    assert.equal(fileName, "playground-model.onnx");
    const points = new Float32Array([0, 0, 3, -2, -1, 4]);
    const x = tg.tensor(Array.from(applyFeatures(points, s.features))).reshape([3, 4]);
    const got = await runOnnx(bytes, x);
    const want = t.predict(points); // the page's values: (2·sigmoid − 1) of the logit for two classes
    assert.deepEqual(got.dims, [3, 1]);
    const err = Math.max(...got.data.map((logit, i) => Math.abs(2 / (1 + Math.exp(-logit)) - 1 - want[i])));
    assert.ok(err < 1e-5, `max abs error ${err}`);
  });
});

describe("model files in Node", () => {
  it("saveModel/loadModel rebuild the model; exportOnnxFile writes what onnxruntime runs", async () => {
    tg.manualSeed(6);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ELU(), new nn.Linear(4, 2));
    model(tg.randn([5, 3]));
    model.eval();
    const dir = mkdtempSync(join(tmpdir(), "tg-model-"));
    await saveModel(join(dir, "m.safetensors"), model);
    const loaded = await loadModel(join(dir, "m.safetensors"));
    loaded.eval();
    const x = tg.randn([2, 3]);
    assert.equal(loaded(x).sub(model(x)).abs().max().item(), 0);
    await exportOnnxFile(join(dir, "m.onnx"), loaded, x);
    const got = await runOnnx(new Uint8Array(readFileSync(join(dir, "m.onnx"))), x);
    const want = model(x).toArray();
    assert.ok(Math.max(...got.data.map((v, i) => Math.abs(v - want[i]))) <= 1e-5);
  });
});

describe("tensorgrad export", () => {
  it("a bad command line or a missing checkpoint gets one line and exit status 2 or 1", async () => {
    const errors: string[] = [];
    const error = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      assert.equal(await main(["export"]), 2);
      assert.match(errors.at(-1) ?? "", /--format is required: safetensors, pytorch or onnx/);
      assert.equal(await main(["export", "--format", "keras"]), 2);
      assert.match(errors.at(-1) ?? "", /--format must be one of safetensors, pytorch, onnx/);
      assert.equal(await main(["export", "--format", "onnx", "--checkpoint", join(tmpdir(), "tg-no-such-run")]), 1);
      assert.doesNotMatch(errors.at(-1) ?? "", /\n\s+at /, "no stack trace");
    } finally {
      console.error = error;
    }
  });

  const base: Omit<ModelConfig, "kind" | "inputShape"> = { outputs: 10, hidden: [32], activation: "relu", dropout: 0.2, norm: "batch" };
  const cases: [string, ModelConfig][] = [
    ["the CLI's MLP", { ...base, kind: "mlp", inputShape: [1, 28, 28], hidden: [64, 32] }],
    ["the CLI's CNN", { ...base, kind: "cnn", inputShape: [1, 28, 28] }],
  ];
  for (const [name, cfg] of cases) {
    it(`${name}: --format onnx runs in onnxruntime with our outputs; --format safetensors has PyTorch's keys only`, async () => {
      tg.manualSeed(5);
      const model = buildModel(cfg);
      const opt = new tg.optim.Adam(model.parameters());
      const x = tg.rand([8, ...cfg.inputShape]);
      new nn.CrossEntropyLoss()(model(x), tg.randint(0, 10, [8])).backward();
      opt.step();
      const dir = mkdtempSync(join(tmpdir(), "tg-export-"));
      await saveCheckpoint(join(dir, "checkpoint.safetensors"), { model, optimizer: opt, config: { model: cfg } });
      const log = console.log;
      console.log = () => {};
      try {
        await exportCommand(["--checkpoint", dir, "--format", "onnx"]);
        await exportCommand(["--checkpoint", dir, "--format", "safetensors"]);
        await exportCommand(["--checkpoint", dir, "--format", "pytorch"]);
      } finally {
        console.log = log;
      }
      model.eval();
      const input = tg.rand([3, ...cfg.inputShape]);
      const got = await runOnnx(new Uint8Array(readFileSync(join(dir, "model.onnx"))), input);
      const want = tg.noGrad(() => model(input)).toArray();
      assert.deepEqual(got.dims, [3, 10]);
      assert.ok(Math.max(...got.data.map((v, i) => Math.abs(v - want[i]))) <= 1e-5);
      const weights = tg.io.decodeSafetensors(new Uint8Array(readFileSync(join(dir, "model.safetensors"))));
      assert.deepEqual(Object.keys(weights.tensors).sort(), Object.keys(model.stateDict()).sort());
      assert.ok(Object.keys(weights.tensors).some((k) => k.endsWith(".running_mean")));
      for (const [k, t] of Object.entries(weights.tensors)) {
        if (k.endsWith("num_batches_tracked")) assert.equal(weights.fileDTypes[k], "I64");
        else assert.equal(t.sub(model.stateDict()[k]).abs().max().item(), 0);
      }
      const code = readFileSync(join(dir, "pytorch", "model.py"), "utf8");
      assert.match(code, cfg.kind === "cnn" ? /nn\.Conv2d\(1, 8, \(5, 5\)/ : /nn\.Linear\(784, 64, bias=True\)/);
    });
  }
});
