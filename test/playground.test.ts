import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as tg from "tensorgrad";
import { CsvError, parseCsv } from "../playground/src/csv.ts";
import { makeData } from "../playground/src/datasets.ts";
import { applyFeatures, gridPoints } from "../playground/src/features.ts";
import { buildModel, layerSpecs, networkConfig } from "../playground/src/model.ts";
import type { FromWorker } from "../playground/src/protocol.ts";
import { DEFAULT_STATE, decodeState, defaultState, encodeState, type PlaygroundState } from "../playground/src/state.ts";
import { GRID_RES, Trainer } from "../playground/src/trainer.ts";
import { WorkerCore } from "../playground/src/worker_core.ts";
import { buildPlayground } from "../scripts/build-playground.ts";

const state = (patch: Partial<PlaygroundState> = {}): PlaygroundState => ({ ...defaultState(), ...patch });

function trainer(s: PlaygroundState): Trainer {
  const data = makeData(s);
  return new Trainer(networkConfig(s, data.classes), data, s);
}

describe("playground: URL state", () => {
  it("round-trips every setting through the URL hash", () => {
    const s = state({
      problem: "multiclass",
      dataset: "spirals",
      classes: 5,
      noise: 25,
      trainRatio: 70,
      batchSize: 17,
      seed: 4242,
      features: ["x1", "x2", "x1sq", "sinx2"],
      layers: [8, 3, 1],
      activations: ["relu", "tanh", "sigmoid"],
      learningRate: 0.003,
      optimizer: "adam",
      regularization: "l2",
      regRate: 0.01,
      dropout: 0.2,
      batchNorm: true,
      init: "xavier",
      showTest: true,
      discretize: true,
      hide: ["features", "optimizer"],
    });
    const hash = `#${encodeState(s)}`;
    assert.deepEqual(decodeState(hash), s);
    assert.deepEqual(decodeState(encodeState(DEFAULT_STATE)), defaultState());
    assert.deepEqual(decodeState(""), defaultState());
  });

  it("falls back to defaults for invalid values and keeps the state consistent", () => {
    const s = decodeState("#problem=regression&dataset=xor&layers=4,99&lr=-1&noise=abc&activations=relu&features=x1,bogus&hide=nope");
    assert.equal(s.problem, "regression");
    assert.equal(s.dataset, "plane", "a classification dataset is replaced by the problem's first");
    assert.deepEqual(s.layers, DEFAULT_STATE.layers);
    assert.deepEqual(s.activations, ["relu", "relu"], "one activation per layer");
    assert.equal(s.learningRate, DEFAULT_STATE.learningRate);
    assert.equal(s.noise, 0);
    assert.deepEqual(s.features, ["x1"]);
    assert.deepEqual(s.hide, []);
    assert.deepEqual(decodeState("#layers=").layers, [], "zero hidden layers is allowed");
  });
});

describe("playground: features", () => {
  it("computes X1, X2, X1², X2², X1·X2, sin X1, sin X2 in canonical order", () => {
    const pts = new Float32Array([2, -3, 0.5, 1]);
    const out = applyFeatures(pts, ["sinx2", "x1x2", "x1", "x2", "x1sq", "x2sq", "sinx1"]);
    const expect = (x1: number, x2: number) => [x1, x2, x1 * x1, x2 * x2, x1 * x2, Math.sin(x1), Math.sin(x2)];
    const want = [...expect(2, -3), ...expect(0.5, 1)];
    assert.equal(out.length, 14);
    for (const [i, v] of want.entries()) assert.ok(Math.abs(out[i] - v) < 1e-6, `feature ${i}: ${out[i]} vs ${v}`);
    assert.deepEqual(Array.from(applyFeatures(pts, ["x1sq"])), [4, 0.25]);
    assert.throws(() => applyFeatures(pts, []), /at least one input feature/);
  });

  it("lays the grid out row by row from the top of the domain", () => {
    const g = gridPoints(2, { x0: -6, x1: 6, y0: -6, y1: 6 });
    assert.deepEqual(Array.from(g), [-3, 3, 3, 3, -3, -3, 3, -3]);
  });
});

describe("playground: CSV upload", () => {
  it("parses a file with a header, and -1/1 labels", () => {
    const r = parseCsv("x,y,label\n1,2,1\n3,4,-1\n\n5,6,1\n7,8,-1\n", "classification");
    assert.deepEqual(r.header, ["x", "y", "label"]);
    assert.deepEqual(Array.from(r.points), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(Array.from(r.labels), [1, 0, 1, 0]);
    assert.equal(parseCsv("1;2;0\n3;4;2\n5;6;1\n7;8;0", "multiclass").classes, 3);
    assert.equal(parseCsv("1\t2\t0.5\n3\t4\t1.5\n5\t6\t2\n7\t8\t3", "regression").classes, 1);
  });

  it("says which line and column is wrong", () => {
    const bad: [string, "classification" | "multiclass" | "regression", RegExp][] = [
      ["", "classification", /the file is empty/],
      ["a,b,c\n", "classification", /header but no data rows/],
      ["1,2,1\n3,4,0\n5,6\n7,8,1", "classification", /line 3: expected 3 columns \(x1, x2, label\), found 2/],
      ["1,2,1\n3,abc,0\n5,6,1\n7,8,0", "classification", /line 2, column 2 \(x2\): "abc" is not a number/],
      ["1,2,1\n3,4,0.5\n5,6,1\n7,8,0", "classification", /line 2, column 3 \(label\): classification labels must be 0 or 1/],
      ["1,2,1\n3,4,2.5\n5,6,1\n7,8,0", "multiclass", /multiclass labels must be class numbers/],
      ["1,2,1\n3,4,1\n5,6,1\n7,8,1", "classification", /same label/],
      ["1,2,1\n3,4,0", "classification", /only 2 data rows; at least 4/],
      ["1,2,,\n", "classification", /expected 3 columns/],
      ["1,2,1\n3,,0\n5,6,1\n7,8,0", "regression", /line 2, column 2 \(x2\): an empty cell is not a number/],
      ["\u0000\u0001PK", "regression", /not a text file/],
    ];
    for (const [text, problem, re] of bad) {
      assert.throws(
        () => parseCsv(text, problem),
        (e: unknown) => e instanceof CsvError && re.test(e.message),
        `${JSON.stringify(text)} should fail with ${re}`,
      );
    }
  });

  it("trains on uploaded data", () => {
    const rows = ["x1,x2,label"];
    const g = new tg.Generator(3);
    for (let i = 0; i < 200; i++) {
      const [a, b] = [g.random() * 20 - 10, g.random() * 20 - 10];
      rows.push(`${a},${b},${a + b > 0 ? 1 : 0}`);
    }
    const csv = parseCsv(rows.join("\n"), "classification");
    const s = state({ dataset: "csv", layers: [2], activations: ["tanh"] });
    const data = makeData(s, csv);
    assert.ok(data.domain.x1 - data.domain.x0 > 19, "the domain covers the uploaded points");
    const t = new Trainer(networkConfig(s, data.classes), data, s);
    for (let e = 0; e < 20; e++) t.trainEpoch();
    assert.ok(t.snapshot().testLoss < 0.3, `test loss ${t.snapshot().testLoss}`);
  });
});

describe("playground: network config → tg.nn", () => {
  it("builds Linear / BatchNorm1d / activation / Dropout layers per hidden layer", () => {
    const s = state({ features: ["x1", "x2", "x1x2"], layers: [3, 2], activations: ["relu", "sigmoid"], dropout: 0.1, batchNorm: true });
    const cfg = networkConfig(s, 2);
    assert.deepEqual(
      layerSpecs(cfg).map((l) => l.kind),
      ["linear", "batchnorm", "activation", "dropout", "linear", "batchnorm", "activation", "dropout", "linear"],
    );
    const { model, linearIndices, activationIndices } = buildModel(cfg);
    assert.deepEqual(linearIndices, [0, 4, 8]);
    assert.deepEqual(activationIndices, [2, 6]);
    assert.ok(model.at(0) instanceof tg.nn.Linear && model.at(2) instanceof tg.nn.ReLU && model.at(6) instanceof tg.nn.Sigmoid);
    assert.ok(model.at(1) instanceof tg.nn.BatchNorm1d && model.at(3) instanceof tg.nn.Dropout);
    assert.deepEqual((model.at(0) as tg.nn.Linear).weight.shape, [3, 3]);
    assert.deepEqual((model.at(8) as tg.nn.Linear).weight.shape, [1, 2]);
    const multi = buildModel(networkConfig(state({ problem: "multiclass", dataset: "blobs", layers: [] }), 4));
    assert.deepEqual((multi.model.at(0) as tg.nn.Linear).weight.shape, [4, 2], "no hidden layer: a linear model with one output per class");
  });

  it("applies the init choice and seeds the weights", () => {
    const cfg = networkConfig(state({ init: "zeros" }), 2);
    const { model } = buildModel(cfg);
    for (const p of model.parameters()) assert.ok(Array.from(p.toArray() as Float32Array).every((v) => v === 0));
    const a = buildModel(networkConfig(state({ init: "xavier" }), 2)).model.stateDict();
    const b = buildModel(networkConfig(state({ init: "xavier" }), 2)).model.stateDict();
    for (const k of Object.keys(a)) assert.deepEqual(a[k].tolist(), b[k].tolist());
  });
});

describe("playground: training (the worker's step, in Node)", () => {
  it("the loss falls on the circle dataset, and snapshots carry every neuron's grid", () => {
    const t = trainer(state({ learningRate: 0.03 }));
    const first = t.snapshot();
    assert.equal(first.epoch, 0);
    assert.deepEqual(
      first.grids.map((l) => l.length),
      [2, 4, 2, 1],
    );
    assert.ok(first.grids.flat().every((g) => g.length === GRID_RES * GRID_RES));
    for (let e = 0; e < 40; e++) assert.ok(t.trainEpoch());
    const s = t.snapshot();
    assert.equal(s.epoch, 40);
    assert.equal(s.history.length, 40);
    assert.ok(s.testLoss < first.testLoss * 0.6, `test loss ${first.testLoss} → ${s.testLoss}`);
    assert.ok(s.history.every((h) => h.gradNorms.length === 3 && h.gradNorms.every((g) => Number.isFinite(g) && g >= 0)));
    assert.deepEqual([s.weights[0].outFeatures, s.weights[0].inFeatures], [4, 2]);
  });

  it("multiclass (softmax + cross-entropy) with Adam, and regression (MSE) with momentum, learn", () => {
    const m = trainer(state({ problem: "multiclass", dataset: "blobs", classes: 4, optimizer: "adam", learningRate: 0.01 }));
    const m0 = m.snapshot().testLoss;
    for (let e = 0; e < 15; e++) m.trainEpoch();
    const ms = m.snapshot();
    assert.ok(ms.testLoss < m0 * 0.5, `multiclass ${m0} → ${ms.testLoss}`);
    assert.equal(ms.grids.at(-1)?.length, 4, "one output grid per class");
    const r = trainer(
      state({ problem: "regression", dataset: "plane", optimizer: "momentum", learningRate: 0.01, regularization: "l2", regRate: 0.001 }),
    );
    const r0 = r.snapshot().testLoss;
    for (let e = 0; e < 15; e++) r.trainEpoch();
    assert.ok(r.snapshot().testLoss < r0 * 0.5);
  });

  it("the NaN guard stops a diverging run and says why, keeping the last good weights", () => {
    const t = trainer(
      state({ problem: "regression", dataset: "plane", learningRate: 10, layers: [8, 8], activations: ["linear", "linear"] }),
    );
    let epochs = 0;
    while (epochs < 50 && t.trainEpoch()) epochs++;
    assert.ok(t.diverged, "training should have diverged");
    assert.match(t.diverged.message, /Training stopped at epoch \d+: (gradients exploded|the loss became)/);
    assert.match(t.diverged.message, /learning rate/);
    assert.equal(t.trainEpoch(), false);
    const s = t.snapshot();
    assert.ok(
      s.weights.every((w) => w.weight.every(Number.isFinite)),
      "weights stay finite",
    );
  });

  it("the worker core trains in chunks and posts snapshots and the export", () => {
    const posted: FromWorker[] = [];
    const queue: (() => void)[] = [];
    const core = new WorkerCore(
      (m) => posted.push(m),
      (fn) => queue.push(fn),
    );
    core.handle({ type: "init", state: state(), csv: null });
    assert.deepEqual(
      posted.map((m) => m.type),
      ["data", "snapshot"],
    );
    core.handle({ type: "play" });
    for (let i = 0; i < 3 && queue.length > 0; i++) queue.shift()?.();
    core.handle({ type: "pause" });
    const last = posted.filter((m) => m.type === "snapshot").at(-1);
    assert.ok(last?.type === "snapshot" && last.snapshot.epoch >= 3 && !last.playing);
    core.handle({ type: "setWeight", layer: 0, to: 1, from: 0, value: 2.5 });
    const edited = posted.at(-1);
    assert.ok(edited?.type === "snapshot" && edited.snapshot.weights[0].weight[1 * 2 + 0] === 2.5);
    core.handle({ type: "export" });
    const exp = posted.at(-1);
    assert.ok(exp?.type === "exported");
    const { tensors, metadata } = tg.io.decodeSafetensors(exp.bytes);
    assert.deepEqual(Object.keys(tensors).sort(), ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]);
    assert.match(metadata["tensorgrad.playground"] ?? "", /"layers":\[4,2\]/);
    assert.match(exp.snippet, /new nn\.Sequential\(\n {2}new nn\.Linear\(2, 4\),\n {2}new nn\.Tanh\(\),/);
  });

  it("the exported snippet rebuilds the model in Node with the same predictions", () => {
    const s = state({
      features: ["x1", "x2", "x1x2", "sinx1"],
      layers: [5, 3],
      activations: ["relu", "tanh"],
      batchNorm: true,
      dropout: 0.1,
    });
    const t = trainer(s);
    for (let e = 0; e < 3; e++) t.trainEpoch();
    const { bytes, snippet, fileName } = t.exportModel();
    mkdirSync("test-artifacts", { recursive: true });
    const dir = mkdtempSync(join("test-artifacts", "playground-export-"));
    try {
      writeFileSync(join(dir, fileName), bytes);
      writeFileSync(join(dir, "predict.ts"), snippet);
      const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", join(dir, "predict.ts")], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const expected = t.predict(new Float32Array([0, 0, 3, -2])).map((v) => (v + 1) / 2);
      const got = [...r.stdout.matchAll(/-?\d+\.\d+(e[-+]?\d+)?/g)].map((m) => Number(m[0]));
      assert.equal(got.length, 2, r.stdout);
      for (const [i, v] of got.entries()) assert.ok(Math.abs(v - expected[i]) < 1e-3, `prediction ${i}: ${v} vs ${expected[i]}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("playground: static build", () => {
  it("npm run build:playground writes index.html, style.css, teach.html, teach.css and JS bundles with no node: imports", async () => {
    const out = mkdtempSync(join(tmpdir(), "tg-playground-"));
    const build = await buildPlayground(out, { minify: false });
    const bundles = ["main.js", "worker.js", "teach.js", "teach_worker.js"];
    assert.deepEqual(
      build.externalImports,
      Object.fromEntries(
        bundles.flatMap((b) => [
          [b, []],
          [`${b}.map`, []],
        ]),
      ),
    );
    const files = readdirSync(out);
    for (const f of ["index.html", "style.css", "teach.html", "teach.css", ...bundles])
      assert.ok(files.includes(f), `${f} in ${files.join(", ")}`);
    for (const [page, script] of [
      ["index.html", "main"],
      ["teach.html", "teach"],
    ]) {
      const html = readFileSync(join(out, page), "utf8");
      assert.match(html, new RegExp(`<script type="module" src="\\./${script}\\.js"></script>`));
      assert.doesNotMatch(html, /https?:\/\//, "no external resources");
    }
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    for (const f of bundles) {
      const code = readFileSync(join(out, f), "utf8");
      // (The exported snippet's text mentions "node:fs" inside a string; real imports would show in externalImports.)
      for (const m of code.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g)) assert.ok(!builtins.has(m[1]), `${f} requires ${m[1]}`);
      assert.doesNotMatch(code, /\bimport\s*\(\s*["']node:/, `${f} imports a node: module dynamically`);
      assert.doesNotMatch(code, /fetch\(\s*["']https?:/, `${f} fetches from the network`);
    }
    assert.match(
      readFileSync(join(out, "main.js"), "utf8"),
      /new Worker\(new URL\("\.\/worker\.js", import\.meta\.url\), \{ type: "module" \}\)/,
    );
  });
});
