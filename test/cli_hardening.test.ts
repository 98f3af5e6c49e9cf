import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { main } from "../src/cli/main.ts";
import { decodeSafetensors, encodeSafetensors } from "../src/io/safetensors.ts";

/** Runs the CLI in this process, capturing what it prints. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

/** Runs the CLI as a user would (a separate process), for what only a process shows: stacks, hangs. */
function spawn(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "scripts/cli.ts", ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), "tg-clih-"));
/** One line, no stack trace. */
const oneLine = (err: string) => assert.ok(!/\n\s+at /.test(err) && err.trim().split("\n").length <= 3, err);

/** A small trained run (a circle set, one epoch); returns its folder. */
async function smallRun(...extra: string[]): Promise<string> {
  const out = tmp();
  const r = await run(
    "train",
    "--dataset",
    "circle",
    "--samples",
    "200",
    "--hidden",
    "4",
    "--epochs",
    "1",
    "--quiet",
    "--out",
    out,
    ...extra,
  );
  assert.equal(r.code, 0, r.err);
  return out;
}

/** A copy of a run's checkpoint with its config and training state rewritten. */
function craft(
  dir: string,
  edit: (config: Record<string, unknown>, state: Record<string, unknown>, meta: Record<string, string>) => void,
): string {
  const { tensors, metadata } = decodeSafetensors(readFileSync(join(dir, "checkpoint.safetensors")));
  const config = JSON.parse(metadata["tensorgrad.config"]);
  const state = JSON.parse(metadata["tensorgrad.training_state"]);
  edit(config, state, metadata);
  metadata["tensorgrad.config"] = JSON.stringify(config);
  metadata["tensorgrad.training_state"] = JSON.stringify(state);
  const file = join(tmp(), "crafted.safetensors");
  writeFileSync(file, encodeSafetensors(tensors, metadata));
  return file;
}

describe("CLI hardening: flags", () => {
  it("accepts only declared flags, never object-prototype names", async () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const r = await run("train", `--${name}`, "1");
      assert.equal(r.code, 2, name);
      assert.match(r.err, new RegExp(`unknown flag --${name}`));
    }
  });

  it("caps sizes before generating or building anything", async () => {
    let r = await run("train", "--dataset", "circle", "--samples", "1e9");
    assert.equal(r.code, 2);
    assert.match(r.err, /--samples must be an integer from 1 to 1000000, got 1000000000/);
    r = await run("train", "--dataset", "circle", "--hidden", "1000000000");
    assert.equal(r.code, 2);
    assert.match(r.err, /--hidden must be sizes up to 65536/);
    r = await run("train", "--dataset", "mnist", "--hidden", "60000,60000");
    assert.equal(r.code, 2);
    assert.match(r.err, /the model would have \d+ weights, over the limit of 67108864/);
    r = await run("train", "--dataset", "circle", "--epochs", "1.5");
    assert.match(r.err, /--epochs must be an integer from 1 to 100000, got 1.5/);
    r = await run("train", "--dataset", "circle", "--seed", "0.5");
    assert.match(r.err, /--seed must be an integer/);
  });

  it("refuses a bad --out with one line: empty, a file, a dangling link, /proc", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "file"), "x");
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    const cases: [string, RegExp][] = [
      ["", /--out is empty; give a folder name/],
      [join(dir, "file"), /is a file, not a folder/],
      [join(dir, "file", "sub"), /is a file, not a folder/],
      [join(dir, "dangling", "sub"), /is a symbolic link to nothing/],
      ["/proc/nope/deeper", /--out \/proc\/nope\/deeper: (can't create|.* not writable)/],
    ];
    for (const [out, msg] of cases) {
      const r = await run("train", "--dataset", "circle", "--samples", "100", "--epochs", "1", "--hidden", "2", "--quiet", "--out", out);
      assert.equal(r.code, 2, `${out}: ${r.err}`);
      assert.match(r.err, msg);
      oneLine(r.err);
    }
  });
});

describe("CLI hardening: data", () => {
  it("trains on a CSV of 130,000 rows (labels spread into Math.max used to overflow the stack) and says which task it chose", async () => {
    const dir = tmp();
    const rows = ["a,b,label"];
    for (let i = 0; i < 130_000; i++) rows.push(`${(i % 13) / 13},${(i % 7) / 7},${i % 2}`);
    writeFileSync(join(dir, "big.csv"), rows.join("\n"));
    const r = await run(
      "train",
      "--dataset",
      `csv:${join(dir, "big.csv")}`,
      "--epochs",
      "1",
      "--batch-size",
      "4096",
      "--hidden",
      "4",
      "--out",
      join(dir, "run"),
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /task: classification: the target column "label" holds class labels 0\.\.1/);
    writeFileSync(join(dir, "reg.csv"), "a,y\n1,-1\n2,0.5\n3,1000\n4,2\n5,3\n");
    const reg = await run(
      "train",
      "--dataset",
      `csv:${join(dir, "reg.csv")}`,
      "--epochs",
      "1",
      "--hidden",
      "2",
      "--out",
      join(dir, "run2"),
    );
    assert.equal(reg.code, 0, reg.err);
    assert.match(reg.out, /task: regression \(mean squared error\): the target column "y" holds values that are not class labels/);
  });

  it("explains CSV files that can't train in one line: label-only, header-only, CR-only, missing, a folder, bad gzip", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "labels.csv"), "label\n0\n1\n0\n");
    writeFileSync(join(dir, "header.csv"), "a,b,label\n");
    writeFileSync(join(dir, "cr.csv"), "a,b,label\r1,2,0\r3,4,1\r5,6,0\r7,8,1\r1,1,0\r");
    writeFileSync(join(dir, "bad.csv.gz"), gzipSync("a,b\n1,2\n").fill(9, 10, 20));
    mkdirSync(join(dir, "folder"));
    const cases: [string, number, RegExp][] = [
      ["labels.csv", 1, /labels\.csv has only the target column "label": there are no features to learn from/],
      ["header.csv", 1, /header\.csv has 0 data rows: training needs at least 2/],
      ["missing.csv", 1, /readCsv: can't read .*missing\.csv: no such file/],
      ["folder", 1, /readCsv: can't read .*folder: it is a folder/],
      ["bad.csv.gz", 1, /bad\.csv\.gz starts like gzip but is not valid gzip data/],
    ];
    for (const [file, code, msg] of cases) {
      const r = await run("train", "--dataset", `csv:${join(dir, file)}`, "--epochs", "1", "--quiet", "--out", join(dir, "out"));
      assert.equal(r.code, code, `${file}: ${r.err}`);
      assert.match(r.err, msg);
      oneLine(r.err);
    }
    const cr = await run(
      "train",
      "--dataset",
      `csv:${join(dir, "cr.csv")}`,
      "--epochs",
      "1",
      "--hidden",
      "2",
      "--quiet",
      "--out",
      join(dir, "out"),
    );
    assert.equal(cr.code, 0, cr.err);
  });

  it("prints one line for an unexpected error, and the stack with --debug or TENSORGRAD_DEBUG=1", () => {
    const dir = tmp();
    const plain = spawn("eval", "--checkpoint", join(dir, "none"));
    assert.equal(plain.code, 1);
    assert.match(plain.err, /^tensorgrad: loadCheckpoint: can't read .*none[/\\]checkpoint\.safetensors: no such file/);
    oneLine(plain.err);
    const debug = spawn("eval", "--checkpoint", join(dir, "none"), "--debug");
    assert.equal(debug.code, 1);
    assert.match(debug.err, /\n\s+at /);
  });
});

describe("CLI hardening: checkpoints and --resume", () => {
  it("honours --epochs=N on resume and refuses other flags by name", async () => {
    const out = await smallRun();
    let r = await run("train", "--resume", out, "--epochs=3", "--quiet");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /after 3 epochs/);
    for (const [flag, value, msg] of [
      ["--lr", "0.5", /--lr can't change when resuming/],
      ["--batch-size", "0", /--batch-size can't change when resuming/],
      ["--dataset", "spiral", /--dataset: this run was trained on circle; it can't change/],
      ["--epochs", "-5", /--epochs must be an integer from 1 to 100000, got -5/],
      ["--epochs", "1.5", /--epochs must be an integer from 1 to 100000, got 1.5/],
      ["--epochs", "2", /--epochs 2: the run has trained 3 epochs already; ask for more/],
    ] as const) {
      r = await run("train", "--resume", out, flag, value, "--quiet");
      assert.equal(r.code, 2, `${flag} ${value}: ${r.err}`);
      assert.match(r.err, msg);
    }
    r = await run("train", "--resume", out, "--quiet");
    assert.match(r.err, /the run has trained all its 3 epochs; give --epochs with a larger number to go on/);
  });

  it("checks every field of a crafted checkpoint and names it", async () => {
    const out = await smallRun();
    const cases: [(c: Record<string, unknown>, s: Record<string, unknown>) => void, RegExp][] = [
      [(c) => Object.assign(c.model as object, { kind: "rnn" }), /config\.model\.kind must be one of mlp, cnn, got "rnn"/],
      [(c) => Object.assign(c.model as object, { activation: "evil" }), /config\.model\.activation must be one of relu/],
      [(c) => Object.assign(c.model as object, { kind: "cnn" }), /config\.model\.inputShape must be \[C, H, W\] for a cnn, got \[2\]/],
      [(c) => Object.assign(c, { optimizer: "nope" }), /config\.optimizer must be one of sgd, adam/],
      [(c) => Object.assign(c, { extra: 1 }), /config\.extra is not a known field/],
      [(c) => Object.assign(c.model as object, { hidden: [60000, 60000] }), /config\.model describes \d+ weights, over the limit/],
      [
        (c) => Object.assign(c.model as object, { hidden: [4000] }),
        /describes a model of 20002 weights, but the file holds 22; the checkpoint is inconsistent/,
      ],
      [(_, s) => Object.assign(s, { epoch: "abc" }), /trainingState\.epoch must be an integer from 0 to 100000, got "abc"/],
      [(_, s) => Object.assign(s, { epoch: -100 }), /trainingState\.epoch must be an integer from 0 to 100000, got -100/],
      [(_, s) => Object.assign(s, { history: 5 }), /trainingState\.history must be a list of at most 1 epochs/],
    ];
    for (const [edit, msg] of cases) {
      const file = craft(out, edit);
      for (const cmd of [
        ["eval", "--checkpoint", file],
        ["train", "--resume", file, "--epochs", "5", "--quiet"],
      ]) {
        const r = await run(...cmd);
        assert.equal(r.code, 1, `${cmd[0]}: ${r.err}`);
        assert.match(r.err, msg);
        oneLine(r.err);
      }
    }
  });

  it("never reads a file a checkpoint names: a CSV comes from --dataset only", async () => {
    const dir = tmp();
    const csv = join(dir, "d.csv");
    writeFileSync(csv, `a,b,label\n${Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 3},${i % 2}`).join("\n")}\n`);
    const out = join(dir, "run");
    assert.equal((await run("train", "--dataset", `csv:${csv}`, "--epochs", "1", "--hidden", "2", "--quiet", "--out", out)).code, 0);
    const secret = join(dir, "secret.txt");
    writeFileSync(secret, "root:x:0:0:SECRET-CONTENT\n");
    const file = craft(out, (c) => Object.assign(c, { dataset: `csv:${secret}` }));
    for (const cmd of [
      ["eval", "--checkpoint", file],
      ["predict", "--checkpoint", file],
      ["train", "--resume", file, "--epochs", "3", "--quiet"],
    ]) {
      const r = await run(...cmd);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /was trained on a CSV file: name it with --dataset csv:<path> \(a checkpoint never chooses a file to read\)/);
      assert.ok(!r.err.includes("SECRET"), r.err);
    }
    const ok = await run("eval", "--checkpoint", file, "--dataset", `csv:${csv}`);
    assert.equal(ok.code, 0, ok.err);
    // A file the user names that does not fit the run: one short line.
    const wrong = await run("eval", "--checkpoint", file, "--dataset", `csv:${secret}`);
    assert.equal(wrong.code, 1);
    oneLine(wrong.err);
  });
});
