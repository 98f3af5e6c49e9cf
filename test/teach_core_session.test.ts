import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadTeachModel } from "../playground/teach/src/core/import.ts";
import { TeachSession } from "../playground/teach/src/core/session.ts";
import { DEFAULT_SETTINGS, type FromWorker, type ToWorker } from "../playground/teach/src/protocol.ts";
import { fakeReads, useFakeWebGpu } from "./helpers/fake_webgpu.ts";
import { SCENE_NAMES, sceneSamples } from "./helpers/teach_scenes.ts";

type Of<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>;

/** A session with its posted messages, driven as the worker drives it. */
function open() {
  const posted: FromWorker[] = [];
  const session = new TeachSession(
    (msg) => posted.push(msg),
    (fn) => setImmediate(fn),
  );
  const send = (msg: ToWorker) => session.handle(msg);
  const of = <T extends FromWorker["type"]>(type: T): Of<T>[] => posted.filter((m): m is Of<T> => m.type === type);
  /** Waits until a message of `type` arrives (as a worker's page would). */
  const until = async <T extends FromWorker["type"]>(type: T, count = 1): Promise<Of<T>> => {
    while (of(type).length < count) await new Promise((r) => setImmediate(r));
    return of(type)[count - 1];
  };
  return { session, posted, send, of, until };
}

const samples = sceneSamples(12, 11);
const heldOut = sceneSamples(4, 12);
const settings = { ...DEFAULT_SETTINGS, epochs: 6, validationFraction: 0.25, seed: 2 };

describe("teach worker session (protocol ↔ core)", () => {
  it("init, train with predictions and progress in between, export, import: the page's whole round", async () => {
    const { session, posted, send, of, until } = open();
    send({ type: "predict", id: 0, rgba: heldOut[0].rgba });
    assert.deepEqual(await until("error"), {
      type: "error",
      message: "predict: there is no model yet: train one or import one",
      request: "predict",
    });
    send({ type: "init", device: "cpu" });
    assert.deepEqual(await until("ready"), { type: "ready", device: "cpu" });
    send({ type: "train", classes: SCENE_NAMES, samples, settings });
    send({ type: "train", classes: SCENE_NAMES, samples, settings });
    assert.match((await until("error", 2)).message, /training is already running/);
    assert.equal(of("error")[1].request, "train");
    await until("progress", 2);
    // Served between batches, by the model of the previous training (none yet).
    send({ type: "predict", id: 1, rgba: heldOut[0].rgba });
    assert.match((await until("error", 3)).message, /no model yet/);
    assert.equal(of("trained").length, 0);
    const trained = await until("trained");
    const progress = of("progress");
    const batches = Math.ceil(27 / 16);
    assert.equal(progress.length, settings.epochs * batches);
    assert.deepEqual(progress.at(-1)!.epoch, settings.epochs);
    assert.equal(trained.valCount, 9);
    assert.equal(trained.stopped, false);
    assert.equal(
      trained.confusion.flat().reduce((a, b) => a + b, 0),
      9,
    );
    // The trained model answers, in order, with the request's id.
    for (let i = 0; i < heldOut.length; i++) send({ type: "predict", id: 10 + i, rgba: heldOut[i].rgba });
    await until("prediction", heldOut.length);
    const predictions = of("prediction");
    assert.deepEqual(
      predictions.map((p) => p.id),
      heldOut.map((_, i) => 10 + i),
    );
    const hits = predictions.filter((p, i) => p.probabilities.indexOf(Math.max(...p.probabilities)) === heldOut[i].label).length;
    assert.ok(hits >= 10, `held-out ${hits}/12`);
    // Train again while predictions keep coming from the first model; stop it early.
    send({ type: "train", classes: SCENE_NAMES, samples, settings: { ...settings, epochs: 50 } });
    await until("progress", progress.length + 1);
    send({ type: "predict", id: 20, rgba: heldOut[0].rgba });
    const during = await until("prediction", heldOut.length + 1);
    assert.deepEqual(during, { ...predictions[0], id: 20 });
    send({ type: "stop" });
    const second = await until("trained", 2);
    assert.equal(second.stopped, true);
    assert.ok(of("progress").length < progress.length + 50 * batches);
    // Export with samples, then import into a fresh session: same predictions, same samples.
    send({ type: "export", samples: true });
    const exported = await until("exported");
    assert.deepEqual(
      exported.files.map((f) => f.name),
      ["model.safetensors", "model.json", "model.onnx", "classify.ts", "model.py", "check.safetensors", "project.json"],
    );
    send({ type: "predict", id: 30, rgba: heldOut[1].rgba });
    const before = await until("prediction", heldOut.length + 2);
    const other = open();
    other.send({ type: "import", files: exported.files });
    const imported = await other.until("imported");
    assert.deepEqual(imported.classes, SCENE_NAMES);
    assert.equal(imported.model, true);
    assert.equal(imported.samples.length, samples.length);
    assert.deepEqual(imported.settings, { ...settings, epochs: 50 });
    other.send({ type: "predict", id: 30, rgba: heldOut[1].rgba });
    assert.deepEqual(await other.until("prediction"), before);
    // project.json alone: samples, no model.
    other.send({ type: "import", files: exported.files.filter((f) => f.name === "project.json") });
    const onlySamples = await other.until("imported", 2);
    assert.equal(onlySamples.model, false);
    assert.equal(onlySamples.samples.length, samples.length);
    other.send({ type: "predict", id: 31, rgba: heldOut[1].rgba });
    assert.match((await other.until("error")).message, /no model yet/);
    // A bad import is an error message, and the session goes on.
    other.send({ type: "import", files: [{ name: "model.json", bytes: new Uint8Array([1, 2]) }] });
    const bad = await other.until("error", 2);
    assert.match(bad.message, /^import: model.json is not JSON/);
    assert.equal(bad.request, "import");
    await session.idle();
    await other.session.idle();
    assert.ok(posted.every((m) => m.type !== "error" || /no model yet|already running/.test(m.message)));
  });

  it("bad training requests come back as errors naming the field", async () => {
    const { send, until, of } = open();
    send({ type: "train", classes: ["a", "b"], samples: samples.slice(0, 2), settings: { ...settings, epochs: 0 } });
    assert.match((await until("error")).message, /settings.epochs: must be in \[1, 500\], got 0/);
    send({ type: "export" });
    assert.match((await until("error", 2)).message, /export: there is no model yet/);
    send({ type: "fly" } as unknown as ToWorker);
    assert.match((await until("error", 3)).message, /unknown message type "fly"/);
    assert.deepEqual(
      of("error").map((e) => e.request),
      ["train", "export", "fly"],
    );
  });

  it("on a device read only asynchronously (the fake webgpu), trains, predicts and exports without a blocking read", async () => {
    useFakeWebGpu();
    const { session, send, of, until } = open();
    session.device = "webgpu"; // as after init {device: "webgpu"} found an adapter
    const sync = fakeReads.sync;
    send({ type: "train", classes: SCENE_NAMES, samples, settings: { ...settings, epochs: 2 } });
    const trained = await until("trained");
    assert.equal(
      trained.confusion.flat().reduce((a, b) => a + b, 0),
      9,
    );
    assert.equal(session.classifier?.model.parameters()[0].device, "webgpu");
    send({ type: "predict", id: 1, rgba: heldOut[0].rgba });
    const p = await until("prediction");
    send({ type: "export" });
    const { files } = await until("exported");
    assert.equal(fakeReads.sync, sync, "no synchronous read of the device");
    assert.deepEqual(of("error"), []);
    const cpu = await loadTeachModel(files).predict(heldOut[0].rgba);
    assert.ok(Math.max(...cpu.map((v, i) => Math.abs(v - p.probabilities[i]))) < 1e-6);
  });
});
