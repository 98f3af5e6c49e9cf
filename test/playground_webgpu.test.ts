/**
 * The playground's trainer and worker core on the webgpu device, in Node (Dawn through the `webgpu` package, on
 * SwiftShader or lavapipe without a GPU). The same seed gives the same weights, batches and losses on both devices, so
 * the webgpu trainer is checked against the CPU trainer, and training must reach a low loss. Without an adapter the
 * suite skips with what to install; in CI (CI set) that fails instead. The browser's switch is tested in
 * playground_e2e.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tg from "tensorgrad";
import { makeData } from "../playground/src/datasets.ts";
import { adapterLabel } from "../playground/src/device.ts";
import { networkConfig } from "../playground/src/model.ts";
import type { FromWorker } from "../playground/src/protocol.ts";
import { decodeState, defaultState, encodeState, type PlaygroundState } from "../playground/src/state.ts";
import { type Snapshot, Trainer } from "../playground/src/trainer.ts";
import { WorkerCore } from "../playground/src/worker_core.ts";
import { describeWebgpu } from "./helpers_webgpu.ts";

/** The circle with squared features, lr 0.3, batches of 30: a few epochs reach a low loss, which keeps SwiftShader quick. */
const state = (patch: Partial<PlaygroundState> = {}): PlaygroundState => ({
  ...defaultState(),
  features: ["x1", "x2", "x1sq", "x2sq"],
  learningRate: 0.3,
  batchSize: 30,
  ...patch,
});

function trainers(s: PlaygroundState): { cpu: Trainer; gpu: Promise<Trainer> } {
  const data = makeData(s);
  const config = networkConfig(s, data.classes);
  return { cpu: new Trainer(config, data, s), gpu: Trainer.create(config, data, s, "webgpu") };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function assertSnapshotsClose(gpu: Snapshot, cpu: Snapshot, tol: number): void {
  assert.equal(gpu.device, "webgpu");
  assert.equal(cpu.device, "cpu");
  assert.equal(gpu.epoch, cpu.epoch);
  assert.ok(Math.abs(gpu.trainLoss - cpu.trainLoss) < tol, `train loss ${gpu.trainLoss} vs ${cpu.trainLoss}`);
  assert.ok(Math.abs(gpu.testLoss - cpu.testLoss) < tol, `test loss ${gpu.testLoss} vs ${cpu.testLoss}`);
  assert.equal(gpu.history.length, cpu.history.length);
  gpu.history.forEach((p, i) => {
    assert.equal(p.epoch, cpu.history[i].epoch);
    assert.ok(maxDiff(p.gradNorms, cpu.history[i].gradNorms) < tol, `gradient norms ${p.gradNorms} vs ${cpu.history[i].gradNorms}`);
  });
  gpu.weights.forEach((w, i) => {
    assert.ok(maxDiff(w.weight, cpu.weights[i].weight) < tol, `weights of layer ${i}`);
    assert.ok(maxDiff(w.bias, cpu.weights[i].bias) < tol, `biases of layer ${i}`);
  });
  assert.deepEqual(
    gpu.grids.map((l) => l.length),
    cpu.grids.map((l) => l.length),
  );
  gpu.grids.forEach((layer, i) => {
    layer.forEach((g, j) => {
      assert.ok(maxDiff(g, cpu.grids[i][j]) < tol, `heatmap grid ${i}.${j}`);
    });
  });
}

describe("playground: devices", () => {
  it("keeps the device in the URL", () => {
    const s = state({ device: "webgpu" });
    assert.match(encodeState(s), /&device=webgpu$/);
    assert.deepEqual(decodeState(encodeState(s)), s);
    assert.equal(decodeState("#device=cuda").device, "cpu", "an unknown device falls back to the CPU");
  });

  it("labels a software adapter as slow", () => {
    const info = {
      vendor: "google",
      architecture: "swiftshader",
      device: "",
      description: "SwiftShader driver 5.0.0",
      isFallbackAdapter: true,
      isSoftware: true,
      source: "navigator.gpu",
      limits: {},
    };
    assert.equal(adapterLabel(info), "google swiftshader, software (slow)");
    assert.equal(
      adapterLabel({ ...info, vendor: "nvidia", architecture: "hopper", isFallbackAdapter: false, isSoftware: false }),
      "nvidia hopper",
    );
    assert.equal(
      adapterLabel({ ...info, vendor: "", architecture: "", isSoftware: false, isFallbackAdapter: false }),
      "SwiftShader driver 5.0.0",
    );
  });
});

describeWebgpu("playground on webgpu", () => {
  it("trains as the CPU trainer does (losses, gradient norms, weights, grids), reading back once per chunk, and learns", async () => {
    const { cpu, gpu: pending } = trainers(state());
    const gpu = await pending;
    assertSnapshotsClose(await gpu.snapshotAsync(), cpu.snapshot(), 1e-5);
    for (let e = 0; e < 3; e++) assert.ok(cpu.trainEpoch());
    assert.equal(await gpu.trainEpochsAsync(3), true);
    assertSnapshotsClose(await gpu.snapshotAsync(), cpu.snapshot(), 1e-4);
    const start = (await gpu.snapshotAsync()).testLoss;
    while (gpu.epoch < 40 && (await gpu.snapshotAsync()).testLoss >= 0.1) assert.ok(await gpu.trainEpochsAsync(8));
    const end = await gpu.snapshotAsync();
    console.log(
      `# webgpu (${tg.webgpu.info()?.description}): circle test loss ${start.toFixed(3)} → ${end.testLoss.toFixed(4)} at epoch ${gpu.epoch}`,
    );
    assert.ok(end.testLoss < 0.1, `test loss ${end.testLoss} after ${gpu.epoch} epochs`);
  });

  it("the NaN guard stops a diverging run on webgpu and keeps the last good weights", async () => {
    const s = state({ problem: "regression", dataset: "plane", learningRate: 10, layers: [8, 8], activations: ["linear", "linear"] });
    const { cpu, gpu: pending } = trainers(s);
    const gpu = await pending;
    let cpuEpochs = 0;
    while (cpuEpochs < 50 && cpu.trainEpoch()) cpuEpochs++;
    while (gpu.epoch < 50 && (await gpu.trainEpochsAsync(4)));
    assert.ok(gpu.diverged, "training should have diverged");
    assert.equal(gpu.diverged.kind, cpu.diverged?.kind);
    assert.equal(gpu.epoch, cpuEpochs, "stops at the same epoch as on the CPU");
    assert.match(gpu.diverged.message, /Training stopped at epoch \d+: (gradients exploded|the loss became)/);
    assert.equal(await gpu.trainEpochsAsync(1), false);
    const snap = await gpu.snapshotAsync();
    assert.ok(
      snap.weights.every((w) => w.weight.every(Number.isFinite)),
      "weights stay finite",
    );
  });

  it("the worker core reports the adapter, trains on webgpu, edits a weight and exports", async () => {
    const posted: FromWorker[] = [];
    const queue: (() => void)[] = [];
    const core = new WorkerCore(
      (m) => posted.push(m),
      (fn) => queue.push(fn),
    );
    core.handle({ type: "probe" });
    core.handle({ type: "init", state: state({ device: "webgpu" }), csv: null });
    await core.idle();
    assert.deepEqual(
      posted.map((m) => m.type),
      ["devices", "data", "snapshot"],
    );
    const report = posted[0];
    assert.ok(report.type === "devices" && report.report.webgpu, JSON.stringify(report));
    const info = tg.webgpu.info();
    assert.ok(info);
    assert.equal(report.report.adapter, adapterLabel(info));
    if (info.isSoftware) assert.match(report.report.adapter, /software \(slow\)$/);
    core.handle({ type: "play" });
    for (let i = 0; i < 3 && queue.length > 0; i++) {
      queue.shift()?.();
      await core.idle();
    }
    core.handle({ type: "pause" });
    await core.idle();
    const last = posted.filter((m) => m.type === "snapshot").at(-1);
    assert.ok(last?.type === "snapshot" && last.snapshot.device === "webgpu" && last.snapshot.epoch >= 3 && !last.playing);
    core.handle({ type: "setWeight", layer: 0, to: 1, from: 0, value: 2.5 });
    await core.idle();
    const edited = posted.at(-1);
    assert.ok(edited?.type === "snapshot" && edited.snapshot.weights[0].weight[1 * 4 + 0] === 2.5);
    core.handle({ type: "export" });
    core.handle({ type: "exportOnnx" });
    await core.idle();
    const [exp, onnx] = posted.slice(-2);
    assert.ok(exp?.type === "exported" && onnx?.type === "exportedOnnx");
    const { tensors } = tg.io.decodeSafetensors(exp.bytes);
    assert.deepEqual(Array.from(tensors["0.weight"].toArray() as Float32Array), Array.from(edited.snapshot.weights[0].weight));
    assert.ok(onnx.bytes.length > 100);
    assert.deepEqual(
      posted.filter((m) => m.type === "error"),
      [],
    );
  });
});
