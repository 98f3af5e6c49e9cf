import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { loadCheckpoint, saveCheckpoint, saveSafetensors } from "tensorgrad/node";
import { tg } from "./helpers.ts";

const { nn, io } = tg;

function makeModel(seed: number) {
  tg.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3));
}

/** A few Adam steps, so the weights, BatchNorm's running stats and Adam's moments all differ from a fresh start. */
function train(model: ReturnType<typeof makeModel>, opt: tg.optim.Adam, steps: number, seed: number): void {
  const g = new tg.Generator(seed);
  const x = tg.randn([16, 4], { generator: g });
  const y = tg.randint(0, 3, [16], { generator: g });
  const lossFn = new nn.CrossEntropyLoss();
  model.train();
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    lossFn(model(x), y).backward();
    opt.step();
  }
}

function assertSameTensors(a: Record<string, tg.Tensor>, b: Record<string, tg.Tensor>): void {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const k of Object.keys(a)) {
    assert.equal(a[k].dtype, b[k].dtype, k);
    assert.deepEqual(a[k].tolist(), b[k].tolist(), k);
  }
}

function assertSameOptimizerState(a: tg.optim.OptimizerStateDict<unknown>, b: tg.optim.OptimizerStateDict<unknown>): void {
  assert.deepEqual(a.paramGroups, b.paramGroups);
  assert.deepEqual(Object.keys(a.state), Object.keys(b.state));
  for (const [i, s] of Object.entries(a.state)) {
    const t = b.state[Number(i)];
    assert.deepEqual(Object.keys(s).sort(), Object.keys(t).sort());
    for (const [k, v] of Object.entries(s)) {
      const w = t[k];
      if (v instanceof tg.Tensor && w instanceof tg.Tensor) assert.deepEqual(v.tolist(), w.tolist(), `state ${i}.${k}`);
      else assert.equal(v, w, `state ${i}.${k}`);
    }
  }
}

describe("checkpoints as bytes", () => {
  it("restores a model and its optimizer exactly: same outputs, same state, same next step", () => {
    const model = makeModel(1);
    const opt = new tg.optim.Adam(model.parameters(), { lr: 0.01, betas: [0.8, 0.95] });
    train(model, opt, 5, 10);
    const bytes = io.checkpointToBytes({ model, optimizer: opt, config: { hidden: 8 }, trainingState: { epoch: 4, step: 5 } });

    const other = makeModel(2);
    const otherOpt = new tg.optim.Adam(other.parameters(), { lr: 0.5 });
    const x = tg.randn([5, 4]);
    model.eval();
    other.eval();
    assert.notDeepEqual(other(x).tolist(), model(x).tolist());

    const ckpt = io.checkpointFromBytes(bytes);
    const state = io.restoreCheckpoint(ckpt, { model: other, optimizer: otherOpt });
    assert.equal(state?.epoch, 4);
    assert.deepEqual(other(x).tolist(), model(x).tolist());
    assertSameTensors(other.stateDict(), model.stateDict());
    assertSameOptimizerState(otherOpt.stateDict(), opt.stateDict());
    assert.deepEqual(otherOpt.paramGroups[0].betas, [0.8, 0.95]);
    assert.equal(otherOpt.paramGroups[0].lr, 0.01);

    // Training on from both gives the same weights: the moments and step counts came back too.
    train(model, opt, 2, 11);
    train(other, otherOpt, 2, 11);
    assertSameTensors(other.stateDict(), model.stateDict());
  });

  it("stores weights under their state-dict names, as PyTorch's load_file reads them, and the rest in metadata", () => {
    const model = makeModel(3);
    const opt = new tg.optim.Adam(model.parameters());
    train(model, opt, 1, 1);
    const { tensors, metadata } = io.decodeSafetensors(io.checkpointToBytes({ model, optimizer: opt }));
    const modelKeys = Object.keys(model.stateDict());
    assert.ok(modelKeys.includes("0.weight") && modelKeys.includes("3.bias"), modelKeys.join(", "));
    assert.equal(tensors["0.weight"].dtype, "float32");
    assert.deepEqual(tensors["0.weight"].tolist(), model.stateDict()["0.weight"].tolist());
    for (const k of modelKeys) assert.ok(k in tensors, `weight ${k} missing`);
    const optimizerKeys = Object.keys(tensors).filter((k) => !modelKeys.includes(k));
    assert.ok(optimizerKeys.length > 0);
    for (const k of optimizerKeys) assert.match(k, /^optimizer\.state\.\d+\./);
    assert.equal(metadata.format, "pt");
    assert.equal(metadata["tensorgrad.checkpoint"], "1");
    const optMeta = JSON.parse(metadata["tensorgrad.optimizer"]) as { type: string; paramGroups: { params: number[] }[] };
    assert.equal(optMeta.type, "Adam");
    assert.deepEqual(optMeta.paramGroups[0].params, [0, 1, 2, 3, 4, 5]);
  });

  it("round-trips config and training state (NaN, Infinity, nesting, tensors) and the random generator", () => {
    const model = makeModel(4);
    const config = { layers: [4, 8, 3], name: "mlp", dropout: 0, nested: { act: "relu", flags: [true, false, null] } };
    const trainingState = {
      epoch: 7,
      step: 700,
      bestMetric: Number.NaN,
      worst: Number.NEGATIVE_INFINITY,
      history: [0.5, 0.25],
      ema: tg.tensor([1, 2]),
    };
    tg.manualSeed(99);
    tg.randn([3]); // leaves a spare normal in the generator state
    const bytes = io.checkpointToBytes({ model, config, trainingState });
    const expectedNext = tg.randn([4]).tolist();
    tg.manualSeed(123);
    const ckpt = io.checkpointFromBytes(bytes);
    assert.deepEqual(ckpt.config, config);
    const ts = ckpt.trainingState as Record<string, unknown>;
    assert.equal(ts.epoch, 7);
    assert.ok(Number.isNaN(ts.bestMetric));
    assert.equal(ts.worst, Number.NEGATIVE_INFINITY);
    assert.deepEqual(ts.history, [0.5, 0.25]);
    assert.deepEqual((ts.ema as tg.Tensor).tolist(), [1, 2]);
    assert.equal(ckpt.optimizerState, null);
    // The tensor in the training state is not mistaken for a weight.
    assert.deepEqual(Object.keys(ckpt.modelState).sort(), Object.keys(model.stateDict()).sort());
    io.restoreCheckpoint(ckpt, { model });
    assert.deepEqual(tg.randn([4]).tolist(), expectedNext);
    // saveRngState: false leaves it out.
    const noRng = io.checkpointFromBytes(io.checkpointToBytes({ model, saveRngState: false }));
    assert.equal(noRng.trainingState, null);
  });

  it("reads a plain safetensors file (as PyTorch writes) as model state", () => {
    const model = makeModel(5);
    const bytes = io.encodeSafetensors(model.stateDict());
    const ckpt = io.checkpointFromBytes(bytes);
    assert.equal(ckpt.config, null);
    const other = makeModel(6);
    io.loadModelState(other, ckpt);
    assertSameTensors(other.stateDict(), model.stateDict());
  });

  it("gives clear errors for a missing or mismatched optimizer state, clashes and bad metadata", () => {
    const model = makeModel(7);
    const adam = new tg.optim.Adam(model.parameters());
    train(model, adam, 1, 2);
    const ckpt = io.checkpointFromBytes(io.checkpointToBytes({ model, optimizer: adam }));
    assert.throws(
      () => io.loadOptimizerState(new tg.optim.SGD(model.parameters(), { lr: 0.1 }), ckpt),
      /holds Adam state, which can't load into SGD/,
    );
    const bare = io.checkpointFromBytes(io.checkpointToBytes({ model }));
    assert.throws(() => io.loadOptimizerState(adam, bare), /holds no optimizer state/);
    // A model weight named like an optimizer tensor.
    const fake = { stateDict: () => ({ "optimizer.state.0.expAvg": tg.ones([2]) }), loadStateDict: model.loadStateDict.bind(model) };
    const p = new nn.Parameter(tg.ones([2]));
    const sgd = new tg.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tg.ones([2]);
    sgd.step();
    const clashState = sgd.stateDict().state[0];
    const clashKey = `optimizer.state.0.${Object.keys(clashState).find((k) => clashState[k] instanceof tg.Tensor)}`;
    const clashing = { stateDict: () => ({ [clashKey]: tg.ones([2]) }), loadStateDict: fake.loadStateDict };
    assert.throws(() => io.checkpointToBytes({ model: clashing, optimizer: sgd }), /clashes/);
    // Corrupt JSON in the metadata.
    const broken = io.encodeSafetensors({ w: tg.ones([1]) }, { "tensorgrad.optimizer": "{not json" });
    assert.throws(() => io.checkpointFromBytes(broken), /"tensorgrad.optimizer" is not valid JSON/);
    const malformed = io.encodeSafetensors(
      { w: tg.ones([1]) },
      { "tensorgrad.optimizer": '{"type":"SGD","state":{},"paramGroups":[{"params":"x"}]}' },
    );
    assert.throws(() => io.checkpointFromBytes(malformed), /optimizer state is malformed/);
    const dangling = io.encodeSafetensors({ w: tg.ones([1]) }, { "tensorgrad.training_state": '{"ema":{"$tensor":"training_state.ema"}}' });
    assert.throws(() => io.checkpointFromBytes(dangling), /refers to tensor "training_state.ema", which the file lacks/);
    const future = io.encodeSafetensors({ w: tg.ones([1]) }, { "tensorgrad.checkpoint": "99" });
    assert.throws(() => io.checkpointFromBytes(future), /version 99 is not supported/);
  });
});

describe("checkpoint files (tensorgrad/node)", () => {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tg-ckpt-"));
  });
  afterEach(() => {
    mock.restoreAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("saves atomically, leaving only the checkpoint in the folder, and loads it back", async () => {
    const model = makeModel(8);
    const opt = new tg.optim.Adam(model.parameters());
    train(model, opt, 2, 3);
    const file = path.join(dir, "ckpt.safetensors");
    await saveCheckpoint(file, { model, optimizer: opt, trainingState: { epoch: 1 } });
    await saveCheckpoint(file, { model, optimizer: opt, trainingState: { epoch: 2 } });
    assert.deepEqual(fs.readdirSync(dir), ["ckpt.safetensors"]);
    const ckpt = await loadCheckpoint(file);
    assert.equal(ckpt.trainingState?.epoch, 2);
    const other = makeModel(9);
    io.loadModelState(other, ckpt);
    assertSameTensors(other.stateDict(), model.stateDict());
  });

  it("keeps the previous checkpoint when the rename fails, and removes the temporary file", async () => {
    const model = makeModel(10);
    const file = path.join(dir, "ckpt.safetensors");
    await saveCheckpoint(file, { model, trainingState: { epoch: 1 } });
    const before = fs.readFileSync(file);
    mock.method(fs.promises, "rename", async () => {
      throw new Error("EIO: simulated crash during rename");
    });
    train(model, new tg.optim.Adam(model.parameters()), 1, 4);
    await assert.rejects(saveCheckpoint(file, { model, trainingState: { epoch: 2 } }), /simulated crash/);
    mock.restoreAll();
    assert.deepEqual(fs.readdirSync(dir), ["ckpt.safetensors"]);
    assert.deepEqual(fs.readFileSync(file), before);
    assert.equal((await loadCheckpoint(file)).trainingState?.epoch, 1);
  });

  it("keeps the previous checkpoint when the write dies halfway (disk full)", async () => {
    const model = makeModel(11);
    const file = path.join(dir, "ckpt.safetensors");
    await saveCheckpoint(file, { model, trainingState: { epoch: 1 } });
    const before = fs.readFileSync(file);
    const realOpen = fs.promises.open;
    let opened = 0;
    mock.method(fs.promises, "open", async (p: fs.PathLike, flags?: string) => {
      const handle = await realOpen(p, flags);
      if (flags === "wx") {
        opened++;
        const realWrite = handle.write.bind(handle) as (b: Uint8Array, o: number, l: number) => Promise<{ bytesWritten: number }>;
        Object.assign(handle, {
          write: async (b: Uint8Array, o: number, l: number) => {
            await realWrite(b, o, Math.floor(l / 2));
            throw new Error("ENOSPC: simulated full disk");
          },
        });
      }
      return handle;
    });
    await assert.rejects(saveCheckpoint(file, { model, trainingState: { epoch: 2 } }), /ENOSPC/);
    mock.restoreAll();
    assert.equal(opened, 1);
    assert.deepEqual(fs.readdirSync(dir), ["ckpt.safetensors"]);
    assert.deepEqual(fs.readFileSync(file), before);
  });

  it("gives clear errors for missing, truncated and corrupt files; a stale temp file changes nothing", async () => {
    const model = makeModel(12);
    const file = path.join(dir, "ckpt.safetensors");
    await assert.rejects(
      loadCheckpoint(file),
      (e: unknown) => e instanceof tg.ValueError && /can't read .*ckpt\.safetensors: no such file/.test(e.message),
    );
    await saveCheckpoint(file, { model, trainingState: { epoch: 3 } });
    const bytes = fs.readFileSync(file);
    // A crashed writer's leftover does not matter.
    fs.writeFileSync(path.join(dir, ".ckpt.safetensors.123.tmp"), bytes.subarray(0, 20));
    assert.equal((await loadCheckpoint(file)).trainingState?.epoch, 3);
    const truncated = path.join(dir, "truncated.safetensors");
    for (const cut of [4, 30, bytes.length - 1]) {
      fs.writeFileSync(truncated, bytes.subarray(0, cut));
      await assert.rejects(
        loadCheckpoint(truncated),
        (e: unknown) => e instanceof tg.ValueError && e.message.includes(truncated) && /truncated or corrupt/.test(e.message),
      );
    }
    const garbage = path.join(dir, "garbage.safetensors");
    fs.writeFileSync(garbage, "this is not a checkpoint at all");
    await assert.rejects(loadCheckpoint(garbage), /garbage\.safetensors is truncated or corrupt/);
    await assert.rejects(loadCheckpoint(dir), /it is a folder/);
  });

  it("saveSafetensors writes a plain safetensors file", async () => {
    const file = path.join(dir, "w.safetensors");
    await saveSafetensors(file, { w: tg.tensor([1, 2]) }, { format: "pt" });
    const { tensors, metadata } = tg.io.decodeSafetensors(fs.readFileSync(file));
    assert.deepEqual(tensors.w.tolist(), [1, 2]);
    assert.deepEqual(metadata, { format: "pt" });
  });
});
