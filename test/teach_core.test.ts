import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import * as tg from "tensorgrad";
import { Classifier } from "../playground/teach/src/core/classifier.ts";
import { exportProject, toBase64 } from "../playground/teach/src/core/files.ts";
import { IMAGE_SIZE, toChw } from "../playground/teach/src/core/image.ts";
import { importProject, loadTeachModel } from "../playground/teach/src/core/import.ts";
import { CLASSIFY_TS } from "../playground/teach/src/core/snippet.ts";
import { stratifiedSplit } from "../playground/teach/src/core/split.ts";
import { type Progress, Trainer, type TrainReport } from "../playground/teach/src/core/train.ts";
import { DEFAULT_SETTINGS, type ExportFile, type Sample, type TrainSettings } from "../playground/teach/src/protocol.ts";
import { SCENE_NAMES, sceneSamples } from "./helpers/teach_scenes.ts";

ort.env.wasm.numThreads = 1;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const settings: TrainSettings = { ...DEFAULT_SETTINGS, epochs: 10, validationFraction: 0.2, seed: 3 };
const heldOut = sceneSamples(10, 99); // other frames than the training ones
const file = (files: ExportFile[], name: string): ExportFile => files.find((f) => f.name === name)!;
const argmax = (p: number[]): number => p.indexOf(Math.max(...p));
const maxDiff = (a: number[][], b: number[][]): number => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));

describe("teach core: training on synthetic webcam scenes", () => {
  let trainer: Trainer;
  let report: TrainReport;
  const progress: Progress[] = [];
  let samples: Sample[];
  let files: ExportFile[];
  let classifier: Classifier;
  let probs: number[][];

  before(async () => {
    samples = sceneSamples(30, 7);
    trainer = new Trainer(SCENE_NAMES, samples, settings);
    while (!trainer.done) progress.push(await trainer.step());
    report = await trainer.finish();
    classifier = new Classifier(trainer.model, SCENE_NAMES);
    probs = await classifier.predictBatch(heldOut.map((s) => s.rgba));
    files = exportProject(trainer.model, SCENE_NAMES, { samples, settings });
  });

  it("reaches ≥ 90% validation accuracy, reports progress per batch, and the confusion matrix sums right", () => {
    assert.equal(report.valCount, 18); // 20% of 30 per class
    assert.equal(report.trainCount, 72);
    assert.equal(report.evaluatedOn, "validation");
    assert.equal(report.stopped, false);
    const correct = report.perClass.reduce((a, r) => a + r.correct, 0);
    assert.ok(correct / report.valCount >= 0.9, `validation accuracy ${correct}/${report.valCount}`);
    assert.deepEqual(
      report.perClass.map((r) => [r.name, r.total]),
      SCENE_NAMES.map((n) => [n, 6]),
    );
    assert.equal(
      report.confusion.flat().reduce((a, b) => a + b, 0),
      report.valCount,
    );
    report.confusion.forEach((row, c) => {
      assert.equal(
        row.reduce((a, b) => a + b, 0),
        report.perClass[c].total,
      );
      assert.equal(row[c], report.perClass[c].correct);
    });
    const batches = Math.ceil(72 / settings.batchSize);
    assert.equal(progress.length, settings.epochs * batches);
    assert.deepEqual(
      progress.slice(0, batches + 1).map((p) => [p.epoch, p.batch, p.batches, p.epochs]),
      [...Array.from({ length: batches }, (_, b) => [1, b + 1, batches, 10]), [2, 1, batches, 10]],
    );
    const ends = progress.filter((p) => p.valAccuracy !== undefined);
    assert.equal(ends.length, settings.epochs);
    assert.ok(ends.every((p) => p.batch === batches && Number.isFinite(p.valLoss)));
    assert.ok(progress.at(-1)!.loss < progress[0].loss / 3, `loss ${progress[0].loss} → ${progress.at(-1)!.loss}`);
  });

  it("tells held-out frames apart (≥ 90%); predict is fast enough for a live preview", async () => {
    const hits = heldOut.filter((s, i) => argmax(probs[i]) === s.label).length;
    assert.ok(hits / heldOut.length >= 0.9, `held-out accuracy ${hits}/${heldOut.length}`);
    for (const p of probs) assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await classifier.predict(heldOut[i % heldOut.length].rgba);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`# predict: median ${times[10].toFixed(2)} ms, max ${times[19].toFixed(2)} ms (one image, CPU)`);
  });

  it("the same seed trains the same model", async () => {
    // One after the other: dropout draws from tensorgrad's global generator, which the constructor seeds.
    const first = new Trainer(SCENE_NAMES, samples, { ...settings, epochs: 1 });
    while (!first.done) await first.step();
    const again = new Trainer(SCENE_NAMES, samples, { ...settings, epochs: 1 });
    while (!again.done) await again.step();
    const a = again.model.stateDict();
    const b = first.model.stateDict();
    for (const k of Object.keys(a)) assert.deepEqual(a[k].toArray(), b[k].toArray(), k);
  });

  it("stop ends training after the current batch and reports the model so far", async () => {
    const t = new Trainer(SCENE_NAMES, samples.slice(0, 30), { ...settings, epochs: 5 });
    await t.step();
    t.stop();
    assert.ok(t.done);
    const r = await t.finish();
    assert.equal(r.stopped, true);
    assert.equal(
      r.confusion.flat().reduce((a, b) => a + b, 0),
      r.valCount,
    );
    await assert.rejects(() => t.step(), /training is over/);
  });

  it("export → import gives identical predictions, with the samples of project.json", async () => {
    assert.deepEqual(
      files.map((f) => f.name),
      ["model.safetensors", "model.json", "model.onnx", "classify.ts", "model.py", "check.safetensors", "project.json"],
    );
    const imported = importProject(files);
    assert.deepEqual(imported.classes, SCENE_NAMES);
    assert.deepEqual(imported.settings, settings);
    assert.equal(imported.samples.length, samples.length);
    imported.samples.forEach((s, i) => {
      assert.equal(s.label, samples[i].label);
      assert.deepEqual(s.rgba, samples[i].rgba);
    });
    const again = await imported.classifier!.predictBatch(heldOut.map((s) => s.rgba));
    assert.deepEqual(again, probs);
  });

  it("export → loadTeachModel in Node, and tg.nn.loadModel on model.safetensors → the same predictions", async () => {
    const m = loadTeachModel([file(files, "model.json"), file(files, "model.safetensors")]);
    assert.deepEqual(m.classes, SCENE_NAMES);
    assert.deepEqual(await m.predictBatch(heldOut.map((s) => s.rgba)), probs);
    const model = tg.nn.loadModel(file(files, "model.safetensors").bytes);
    model.eval();
    const x = tg.tensor(toChw(heldOut[0].rgba)).reshape([1, 3, IMAGE_SIZE, IMAGE_SIZE]);
    assert.deepEqual(Array.from(tg.noGrad(() => model(x).softmax(1)).toArray() as Float32Array), probs[0]);
    // PyTorch's state-dict keys.
    const keys = Object.keys(tg.io.decodeSafetensors(file(files, "model.safetensors").bytes).tensors).sort();
    assert.ok(
      keys.includes("0.weight") && keys.includes("1.running_mean") && keys.includes("1.num_batches_tracked") && keys.includes("13.bias"),
      keys.join(),
    );
  });

  it("model.py builds the network in PyTorch; check.safetensors holds the first sample and our logits for it", async () => {
    const py = new TextDecoder().decode(file(files, "model.py").bytes);
    assert.match(py, /nn\.Conv2d\(3, 16, \(3, 3\), stride=1, padding=1/);
    assert.match(py, /nn\.Linear\(64, 3, bias=True\)/);
    assert.match(py, /model\.load_state_dict\(state, strict=True\)/);
    const check = tg.io.decodeSafetensors(file(files, "check.safetensors").bytes).tensors;
    assert.deepEqual(check.input.toArray(), toChw(samples[0].rgba));
    const logits = Array.from(check.output.toArray() as Float32Array);
    const p = logits.map((v) => Math.exp(v - Math.max(...logits)));
    const z = p.reduce((a, b) => a + b, 0);
    assert.ok(maxDiff([p.map((v) => v / z)], [await classifier.predict(samples[0].rgba)]) < 1e-6);
  });

  it("model.onnx runs in onnxruntime-web with the same outputs (batch axis free)", async () => {
    const session = await ort.InferenceSession.create(file(files, "model.onnx").bytes);
    const n = 4;
    const x = new Float32Array(n * 3 * IMAGE_SIZE * IMAGE_SIZE);
    for (let i = 0; i < n; i++) toChw(heldOut[i].rgba, IMAGE_SIZE, x, i * 3 * IMAGE_SIZE * IMAGE_SIZE);
    const out = await session.run({ image: new ort.Tensor("float32", x, [n, 3, IMAGE_SIZE, IMAGE_SIZE]) });
    const logits = out.logits.data as Float32Array;
    const k = SCENE_NAMES.length;
    const onnxProbs = Array.from({ length: n }, (_, i) => {
      const row = Array.from(logits.subarray(i * k, (i + 1) * k));
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
    assert.ok(maxDiff(onnxProbs, probs.slice(0, n)) < 1e-5);
  });

  it("classify.ts is the checked-in snippet, and runs with tsx on the exported files", () => {
    assert.equal(CLASSIFY_TS, readFileSync(join(ROOT, "playground/teach/src/core/snippet_classify.ts"), "utf8"));
    const dir = mkdtempSync(join(tmpdir(), "teach-classify-"));
    try {
      for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(ROOT, join(dir, "node_modules", "tensorgrad"));
      writeFileSync(join(dir, "image.rgba"), heldOut[1].rgba);
      const out = execFileSync(
        process.execPath,
        ["--conditions=source", "--import", "tsx", join(dir, "classify.ts"), join(dir, "image.rgba")],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      );
      const lines = out.trim().split("\n");
      assert.equal(lines[0], SCENE_NAMES[argmax(probs[1])]);
      assert.equal(lines.length, 1 + SCENE_NAMES.length);
      for (const [i, name] of SCENE_NAMES.entries()) assert.equal(lines[1 + i], `  ${name}: ${(probs[1][i] * 100).toFixed(1)}%`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("hostile files are refused with clear errors", () => {
    const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
    const modelJson = (): Record<string, unknown> => JSON.parse(new TextDecoder().decode(file(files, "model.json").bytes));
    const project = (): Record<string, unknown> => JSON.parse(new TextDecoder().decode(file(files, "project.json").bytes));
    const withModel = (m: unknown): ExportFile[] => [{ name: "model.json", bytes: json(m) }, file(files, "model.safetensors")];
    const cases: [string, () => ExportFile[], RegExp][] = [
      ["no files", () => [], /no model.json or project.json/],
      ["weights alone", () => [file(files, "model.safetensors")], /model.safetensors came without model.json/],
      ["model.json alone", () => [file(files, "model.json")], /model.json came without model.safetensors/],
      ["an unknown file", () => [{ name: "evil.exe", bytes: new Uint8Array(4) }], /evil.exe: expected model.json/],
      ["not JSON", () => [{ name: "model.json", bytes: new TextEncoder().encode("{nope") }], /model.json is not JSON/],
      ["not UTF-8", () => [{ name: "model.json", bytes: new Uint8Array([0xff, 0xfe]) }], /not UTF-8/],
      ["another format", () => withModel({ ...modelJson(), format: "keras" }), /neither a model.json nor a project.json/],
      ["a newer version", () => withModel({ ...modelJson(), version: 2 }), /version the number 2 is not supported/],
      ["an unknown field", () => withModel({ ...modelJson(), extra: 1 }), /unknown field "extra"/],
      ["a missing field", () => withModel({ ...modelJson(), classes: undefined }), /missing field "classes"/],
      [
        "11 classes",
        () => withModel({ ...modelJson(), classes: Array.from({ length: 11 }, (_, i) => `c${i}`) }),
        /expected 2 to 10 classes, got 11/,
      ],
      ["a class that is not a string", () => withModel({ ...modelJson(), classes: ["a", 3, "c"] }), /classes\[1\]: expected a string/],
      ["duplicate classes", () => withModel({ ...modelJson(), classes: ["a", "a", "b"] }), /two classes are named "a"/],
      ["a huge class name", () => withModel({ ...modelJson(), classes: ["a", "x".repeat(1000), "c"] }), /at most 60 characters/],
      [
        "other preprocessing",
        () => withModel({ ...modelJson(), preprocessing: { ...(modelJson().preprocessing as object), imageSize: 64 } }),
        /preprocessing differs/,
      ],
      [
        "an architecture with a huge layer",
        () => {
          const m = modelJson();
          const arch = JSON.parse(JSON.stringify(m.architecture));
          arch.children[13].args = [64, 100000000];
          return withModel({ ...m, architecture: arch });
        },
        /architecture is not this page's CNN/,
      ],
      [
        "class count unlike the weights",
        () => withModel({ ...modelJson(), classes: ["a", "b"] }),
        /architecture is not this page's CNN for 2 classes/,
      ],
      [
        "truncated weights",
        () => [file(files, "model.json"), { name: "model.safetensors", bytes: file(files, "model.safetensors").bytes.subarray(0, 100) }],
        /model.safetensors: /,
      ],
      [
        "weights with NaN",
        () => {
          const t = tg.io.decodeSafetensors(file(files, "model.safetensors").bytes).tensors;
          t["13.bias"] = tg.tensor([Number.NaN, 0, 0]);
          return [file(files, "model.json"), { name: "model.safetensors", bytes: tg.io.encodeSafetensors(t) }];
        },
        /"13.bias" holds NaN/,
      ],
      [
        "weights of another shape",
        () => {
          const t = tg.io.decodeSafetensors(file(files, "model.safetensors").bytes).tensors;
          t["13.bias"] = tg.zeros([4]);
          return [file(files, "model.json"), { name: "model.safetensors", bytes: tg.io.encodeSafetensors(t) }];
        },
        /does not fit the model.json architecture: .*13.bias/,
      ],
      ["two weight files", () => [...files, { name: "b.safetensors", bytes: new Uint8Array(8) }], /two weight files/],
      ["too many files", () => Array.from({ length: 17 }, () => file(files, "model.json")), /at most 16 files/],
      ["a file without bytes", () => [{ name: "model.json", bytes: "{}" } as unknown as ExportFile], /needs a name \(string\) and bytes/],
      [
        "project.json with a bad label",
        () => [{ name: "project.json", bytes: json({ ...project(), samples: [{ label: 3, rgba: toBase64(new Uint8Array(4096)) }] }) }],
        /samples\[0\].label: must be in \[0, 2\], got 3/,
      ],
      [
        "project.json with a short image",
        () => [{ name: "project.json", bytes: json({ ...project(), samples: [{ label: 0, rgba: "AAAA" }] }) }],
        /samples\[0\].rgba must be 5464 characters of base64/,
      ],
      [
        "project.json with bad base64",
        () => [{ name: "project.json", bytes: json({ ...project(), samples: [{ label: 0, rgba: "!".repeat(5464) }] }) }],
        /samples\[0\].rgba is not base64/,
      ],
      [
        "project.json with bad settings",
        () => [{ name: "project.json", bytes: json({ ...project(), settings: { ...settings, epochs: 1e9 } }) }],
        /settings.epochs: must be in \[1, 500\]/,
      ],
      [
        "project.json and model.json disagree",
        () => [
          ...files.filter((f) => f.name !== "project.json"),
          { name: "project.json", bytes: json({ ...project(), classes: ["x", "y", "z"] }) },
        ],
        /name different classes/,
      ],
    ];
    for (const [name, make, message] of cases) {
      it(name, () => {
        assert.throws(
          () => importProject(make()),
          (e: unknown) => e instanceof tg.ValueError && message.test(e.message) && e.message.startsWith("import: "),
        );
      });
    }
    it("a project.json with too many samples is refused before decoding them", () => {
      const many = { format: "tensorgrad-teach-project", version: 1, classes: ["a", "b"], samples: new Array(5001).fill(0) };
      assert.throws(() => importProject([{ name: "project.json", bytes: json(many) }]), /at most 5000 samples, got 5001/);
    });
    it("an oversized project.json is refused before parsing", () => {
      const big = { name: "project.json", bytes: new Uint8Array(64 * 1024 * 1024 + 1) };
      assert.throws(() => importProject([big]), /over the 67108864-byte limit/);
    });
  });
});

describe("teach core: requests are checked", () => {
  const samples = sceneSamples(2, 1, 2);
  const names = ["a", "b"];
  it("refuses bad settings, samples and classes by field", () => {
    assert.throws(() => new Trainer(names, samples, { ...settings, learningRate: 0 }), /settings.learningRate: must be greater than 0/);
    assert.throws(() => new Trainer(names, samples, { ...settings, batchSize: 1.5 }), /settings.batchSize: expected an integer/);
    assert.throws(() => new Trainer(names, samples, { ...settings, validationFraction: 0.9 }), /validationFraction: must be in \[0, 0.5\]/);
    assert.throws(() => new Trainer(names, samples, { ...settings, extra: 1 } as TrainSettings), /settings: unknown field "extra"/);
    assert.throws(() => new Trainer(names, samples.slice(0, 1), settings), /class "b" has no samples/);
    assert.throws(() => new Trainer(["a"], samples, settings), /expected 2 to 10 classes, got 1/);
    assert.throws(
      () => new Trainer(names, [{ label: 0, rgba: new Uint8ClampedArray(10) }], settings),
      /samples\[0\].rgba: expected 4096 bytes/,
    );
    assert.throws(() => new Trainer(names, [{ label: 2, rgba: samples[0].rgba }], settings), /samples\[0\].label: must be in \[0, 1\]/);
  });

  it("with no validation samples, the report is on the training samples", async () => {
    const t = new Trainer(names, samples, { ...settings, epochs: 1, validationFraction: 0 });
    while (!t.done) await t.step();
    const r = await t.finish();
    assert.equal(r.evaluatedOn, "training");
    assert.equal(r.valCount, 0);
    assert.equal(
      r.confusion.flat().reduce((a, b) => a + b, 0),
      4,
    );
  });

  it("stratifiedSplit holds out the same share of each class, seeded, keeping one sample to train on", () => {
    const labels = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2];
    const s = stratifiedSplit(labels, 3, 0.2, 5);
    assert.deepEqual(
      s.val.map((i) => labels[i]),
      [0, 0, 1],
    );
    assert.equal(s.train.length + s.val.length, labels.length);
    assert.deepEqual(new Set([...s.train, ...s.val]).size, labels.length);
    assert.deepEqual(stratifiedSplit(labels, 3, 0.2, 5), s);
    assert.notDeepEqual(stratifiedSplit(labels, 3, 0.2, 6).val, s.val);
    assert.deepEqual(stratifiedSplit([0, 1], 2, 0.5, 1).val, []);
  });
});

after(() => {
  // nothing to release: tensors are garbage-collected
});
