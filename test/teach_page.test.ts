/**
 * The teach page's logic that needs no DOM, in Node: the class list (names, caps, what training needs, the labels the
 * worker gets) and the advanced settings' checks. The page itself is tested in Chromium (test/teach_e2e.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClassList, MAX_NAME_LENGTH, nameProblem } from "../playground/teach/src/page/classes.ts";
import { readSettings } from "../playground/teach/src/page/train_panel.ts";
import { DEFAULT_SETTINGS, MAX_CLASSES, MAX_SAMPLES } from "../playground/teach/src/protocol.ts";

const img = (v: number) => new Uint8ClampedArray(16).fill(v);

describe("teach page: classes", () => {
  it("starts with Class 1 and Class 2, adds 'Class N' (N from the count + 1, skipping names taken), stops at the cap", () => {
    const list = new ClassList();
    assert.deepEqual(
      list.list.map((c) => c.name),
      ["Class 1", "Class 2"],
    );
    list.remove(list.list[0].id);
    assert.equal(list.add()?.name, "Class 3");
    assert.equal(list.add()?.name, "Class 4");
    while (!list.full) list.add();
    assert.equal(list.list.length, MAX_CLASSES);
    assert.equal(list.add(), null);
    assert.equal(new Set(list.list.map((c) => c.name)).size, MAX_CLASSES);
  });

  it("renames only to a new, non-empty, short enough name (case-insensitively unique)", () => {
    const list = new ClassList();
    const [a, b] = list.list;
    assert.equal(list.rename(a.id, "  cats "), "");
    assert.equal(a.name, "cats");
    assert.match(list.rename(b.id, "CATS"), /already a class named "CATS"/);
    assert.match(list.rename(b.id, "   "), /needs a name/);
    assert.match(list.rename(b.id, "x".repeat(MAX_NAME_LENGTH + 1)), /at most 40 characters/);
    assert.equal(b.name, "Class 2");
    assert.equal(nameProblem("dogs", ["cats"]), "");
  });

  it("says what training still needs, then gives the worker samples labelled by position", () => {
    const list = new ClassList();
    const [a, b] = list.list;
    assert.match(list.trainProblem(), /"Class 1", "Class 2" have no samples/);
    list.addSamples(a.id, [img(1), img(2)]);
    assert.match(list.trainProblem(), /"Class 2" has no samples/);
    list.addSamples(b.id, [img(3)]);
    assert.match(list.trainProblem(), /"Class 2" needs at least 2 samples/);
    list.addSamples(b.id, [img(4)]);
    assert.equal(list.trainProblem(), "");
    list.remove(a.id);
    assert.match(list.trainProblem(), /at least two classes/);
    list.add("other");
    list.addSamples(list.list[1].id, [img(5), img(6)]);
    const set = list.trainingSet();
    assert.deepEqual(set.classes, ["Class 2", "other"]);
    assert.deepEqual(
      set.samples.map((s) => [s.label, s.rgba[0]]),
      [
        [0, 3],
        [0, 4],
        [1, 5],
        [1, 6],
      ],
    );
  });

  it("deletes one sample or all, and caps the project at MAX_SAMPLES", () => {
    const list = new ClassList();
    const [a, b] = list.list;
    list.addSamples(a.id, [img(1), img(2), img(3)]);
    list.removeSample(a.id, a.samples[1].id);
    assert.deepEqual(
      a.samples.map((s) => s.rgba[0]),
      [1, 3],
    );
    list.clearSamples(a.id);
    assert.equal(a.samples.length, 0);
    assert.equal(
      list.addSamples(
        a.id,
        Array.from({ length: MAX_SAMPLES - 1 }, () => img(0)),
      ),
      MAX_SAMPLES - 1,
    );
    assert.equal(list.addSamples(b.id, [img(0), img(0), img(0)]), 1);
    assert.equal(list.total, MAX_SAMPLES);
  });

  it("replaces everything with an imported project", () => {
    const list = new ClassList();
    list.replace(
      ["x", "y", "z"],
      [
        { label: 2, rgba: img(9) },
        { label: 0, rgba: img(8) },
        { label: 7, rgba: img(7) },
      ],
    );
    assert.deepEqual(
      list.list.map((c) => [c.name, c.samples.length]),
      [
        ["x", 1],
        ["y", 0],
        ["z", 1],
      ],
    );
  });
});

describe("teach page: advanced settings", () => {
  it("reads valid fields over the defaults and names the first bad one", () => {
    const ok = readSettings({ epochs: "12", batchSize: "8", learningRate: "0.01", augment: false });
    assert.deepEqual(ok, { ...DEFAULT_SETTINGS, epochs: 12, batchSize: 8, learningRate: 0.01, augment: false });
    const bad: [Record<string, string>, RegExp][] = [
      [{ epochs: "0" }, /Epochs must be a whole number from 1 to 500, got "0"/],
      [{ epochs: "2.5" }, /Epochs must be a whole number/],
      [{ epochs: "" }, /Epochs .* got ""/],
      [{ batchSize: "513" }, /Batch size must be a whole number from 1 to 512/],
      [{ learningRate: "2" }, /Learning rate must be a number from 0.000001 to 1, got "2"/],
      [{ learningRate: "abc" }, /Learning rate/],
      [{ learningRate: "0" }, /Learning rate/],
    ];
    for (const [fields, message] of bad) {
      const got = readSettings({ epochs: "10", batchSize: "16", learningRate: "0.001", augment: true, ...fields });
      assert.equal(typeof got, "string", JSON.stringify(fields));
      assert.match(got as string, message);
    }
  });
});
