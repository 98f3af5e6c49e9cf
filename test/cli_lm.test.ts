import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

// Imported after the library (./helpers.ts) has loaded, as the CLI's entry point orders modules.
const { main } = await import("../src/cli/main.ts");
const { buildLm, lmNumel, LM_KINDS } = await import("../src/cli/lm_models.ts");
const { LineWindows, StreamWindows, LmVocab } = await import("../src/cli/lm_corpus.ts");
const { decodeSafetensors, encodeSafetensors } = await import("../src/io/safetensors.ts");

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

const tmp = () => mkdtempSync(join(tmpdir(), "tg-lm-"));
const cfg = (kind: (typeof LM_KINDS)[number]) => ({
  kind,
  vocabSize: 7,
  blockSize: 6,
  embed: 8,
  hidden: 12,
  layers: 2,
  heads: 2,
  context: 3,
  dropout: 0,
});

describe("language models of the CLI", () => {
  for (const kind of LM_KINDS) {
    it(`${kind}: logits [B, T, V], weights as counted, and no peeking at later tokens`, () => {
      tg.manualSeed(0);
      const model = buildLm(cfg(kind));
      model.eval();
      const n = model.parameters().reduce((a, p) => a + p.numel(), 0);
      assert.equal(n, lmNumel(cfg(kind)));
      const x = tg.tensor(
        [
          [1, 2, 3, 4, 5, 6],
          [0, 6, 5, 4, 3, 2],
        ],
        { dtype: "int32" },
      );
      const y = model(x);
      assert.deepEqual(y.shape, [2, 6, 7]);
      // Changing token 4 changes nothing at positions 0..3 (causal), and something at 4.
      const changed = tg.tensor(
        [
          [1, 2, 3, 4, 0, 6],
          [0, 6, 5, 4, 0, 2],
        ],
        { dtype: "int32" },
      );
      const y2 = model(changed);
      assert.ok(tg.allclose(y.narrow(1, 0, 4), y2.narrow(1, 0, 4), { atol: 1e-6 }), `${kind} looked ahead`);
      assert.ok(!tg.allclose(y.narrow(1, 4, 1), y2.narrow(1, 4, 1), { atol: 1e-6 }));
    });
  }

  it("PyTorch's state-dict names: nn.LSTM inside, the transformer's layers as nn.TransformerEncoder's", () => {
    const lstm = Object.keys(buildLm(cfg("lstm")).stateDict());
    for (const k of ["emb.weight", "rnn.weight_ih_l0", "rnn.bias_hh_l1", "head.weight"]) assert.ok(lstm.includes(k), k);
    const gpt = Object.keys(buildLm(cfg("transformer")).stateDict());
    for (const k of [
      "tokEmb.weight",
      "posEmb.weight",
      "blocks.layers.1.self_attn.in_proj_weight",
      "blocks.layers.0.linear1.weight",
      "norm.bias",
    ])
      assert.ok(gpt.includes(k), k);
  });

  it("windows: names padded with −1 targets, streams shifted by one token", () => {
    const lines = new LineWindows([Int32Array.from([0, 3, 4, 0]), Int32Array.from([0, 5, 0])], 3);
    assert.equal(lines.targets, 5);
    const [x, y] = lines.batch(Int32Array.from([1, 0]), 0, 2);
    assert.deepEqual(x.tolist(), [
      [0, 5, 0],
      [0, 3, 4],
    ]);
    assert.deepEqual(y.tolist(), [
      [5, 0, -1],
      [3, 4, 0],
    ]);
    const stream = new StreamWindows(Int32Array.from([1, 2, 3, 4, 5, 6, 7]), 3);
    assert.equal(stream.count, 2);
    const [xs, ys] = [...stream.inOrder(8)][0];
    assert.deepEqual(xs.tolist(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(ys.tolist(), [
      [2, 3, 4],
      [5, 6, 7],
    ]);
  });

  it("vocabularies round-trip through JSON and reject bad entries", () => {
    const v = LmVocab.ofChars(tg.data.CharVocab.fromWords(["ab", "c"]));
    assert.equal(LmVocab.fromJSON(v.toJSON()).decode([1, 2, 3]), "abc");
    assert.throws(() => LmVocab.fromJSON({ level: "char", chars: ["a", "a"], boundary: null }), /duplicate/);
    assert.throws(() => LmVocab.fromJSON({ level: "bytes" }), /level/);
  });
});

describe("tensorgrad train/sample/next for language models", () => {
  // A text that is easy to learn: one sentence repeated, with line breaks between paragraphs.
  const text = Array.from({ length: 60 }, (_, i) => `the cat sat on the mat ${i % 2 === 0 ? "again" : "today"}.\n\n`).join("");

  it("an LSTM learns a repetitive text: validation loss far below uniform, then samples and next-character odds", async () => {
    const dir = tmp();
    const file = join(dir, "cat.txt");
    writeFileSync(file, text);
    const out = join(dir, "run");
    const r = await run(
      "train",
      "--dataset",
      `text:${file}`,
      "--model",
      "lstm",
      "--epochs",
      "15",
      "--block-size",
      "16",
      "--hidden",
      "48",
      "--batch-size",
      "8",
      "--lr",
      "0.01",
      "--samples",
      "1",
      "--out",
      out,
      "--quiet",
    );
    assert.equal(r.code, 0, r.err);
    const m = /Result: validation loss (\d+\.\d+) nats per character/.exec(r.out);
    assert.ok(m, r.out);
    // 17 characters: uniform is ln 17 ≈ 2.83; the text is nearly deterministic.
    assert.ok(Number(m[1]) < 0.6, `validation loss ${m[1]}`);
    const csv = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 16);

    const next = await run("next", "--checkpoint", out, "the cat sat on the m", "--k", "3");
    assert.equal(next.code, 0, next.err);
    const [top, p] = next.out.split("\n")[0].split(" ");
    assert.equal(top, "a");
    assert.ok(Number(p) > 0.8, next.out);

    const s = await run("sample", "--checkpoint", out, "--prompt", "the cat", "--num", "2", "--length", "20", "--temperature", "0.5");
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /^the cat sat on/);
  });

  it("word level (--tokens word): a GRU learns which word follows, and next prints it first", async () => {
    const dir = tmp();
    const file = join(dir, "words.txt");
    const words =
      "the united states of america is a nation we must work together for the people of the united states and the congress".split(" ");
    writeFileSync(file, Array.from({ length: 300 }, (_, i) => `${words.slice(i % 5, (i % 5) + 12).join(" ")}.\n\n`).join(""));
    const out = join(dir, "run");
    const r = await run(
      "train",
      "--dataset",
      `text:${file}`,
      "--tokens",
      "word",
      "--model",
      "gru",
      "--epochs",
      "3",
      "--block-size",
      "8",
      "--samples",
      "1",
      "--out",
      out,
      "--quiet",
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /nats per word/);
    // --model mlp on a text corpus is the MLP language model (the corpus alone would mean word2vec).
    const mlp = await run(
      "train",
      "--dataset",
      `text:${file}`,
      "--tokens",
      "word",
      "--model",
      "mlp",
      "--epochs",
      "1",
      "--samples",
      "0",
      "--out",
      join(dir, "mlp"),
      "--quiet",
    );
    assert.equal(mlp.code, 0, mlp.err);
    assert.match(mlp.out, /nats per word/);
    const next = await run("next", "--checkpoint", out, "The United", "--k", "2");
    assert.equal(next.code, 0, next.err);
    const [word, p] = next.out.split("\n")[0].split(" ");
    assert.equal(word, "states");
    assert.ok(Number(p) > 0.5, next.out);
    // Unknown words are <unk>, not an error; a prompt of no words at all is.
    assert.equal((await run("next", "--checkpoint", out, "zebra")).code, 0);
    assert.match((await run("next", "--checkpoint", out, "!!")).err, /the prompt holds no known token/);
  });

  it("a small transformer on the bundled names reports train and validation loss per epoch", async () => {
    const out = join(tmp(), "run");
    const r = await run(
      "train",
      "--dataset",
      "names",
      "--model",
      "transformer",
      "--epochs",
      "1",
      "--layers",
      "1",
      "--embed",
      "32",
      "--hidden",
      "64",
      "--samples",
      "3",
      "--out",
      out,
      "--quiet",
    );
    assert.equal(r.code, 0, r.err);
    const m = /Result: validation loss (\d+\.\d+)/.exec(r.out);
    assert.ok(m, r.out);
    assert.ok(Number(m[1]) < 2.6, `validation loss ${m[1]} (uniform: ln 27 = 3.30)`);
    const samples = r.out.split("3 samples:\n")[1].split("\n").slice(0, 3);
    for (const name of samples) assert.match(name.trim(), /^[a-z]*$/);
    const next = await run("next", "--checkpoint", out, "emm");
    assert.equal(next.code, 0, next.err);
    const probs = next.out.split("\n").map((l) => Number(l.split(" ").at(-1)));
    assert.equal(probs.length, 10);
    assert.ok(probs.every((p, i) => p > 0 && p <= 1 && (i === 0 || p <= probs[i - 1])));
  });

  it("errors are one clear line: flags that don't apply, bad values, a classifier's checkpoint, a tampered config", async () => {
    let r = await run("train", "--dataset", "names", "--model", "lstm", "--heads", "2");
    assert.equal(r.code, 2);
    assert.match(r.err, /--heads applies to the transformer, not to --model lstm/);
    r = await run("train", "--dataset", "names", "--model", "transformer", "--embed", "30", "--heads", "4");
    assert.match(r.err, /--embed 30 must be divisible by --heads 4/);
    r = await run("train", "--dataset", "names", "--model", "gru", "--tokens", "word");
    assert.match(r.err, /--tokens word needs a text corpus/);
    r = await run("sample", "--checkpoint", join(tmp(), "missing"));
    assert.notEqual(r.code, 0);
    assert.equal(r.err.split("\n")[0].startsWith("tensorgrad: "), true);

    // A classifier's run is not a language model.
    const clf = join(tmp(), "clf");
    assert.equal((await run("train", "--dataset", "xor", "--epochs", "1", "--samples", "100", "--out", clf, "--quiet")).code, 0);
    r = await run("sample", "--checkpoint", clf);
    assert.match(r.err, /is not a language model's checkpoint/);

    // A language model's checkpoint whose config claims a huge model is refused before anything is built.
    const lm = join(tmp(), "lm");
    assert.equal(
      (await run("train", "--dataset", "names", "--model", "mlp", "--epochs", "1", "--samples", "0", "--out", lm, "--quiet")).code,
      0,
    );
    const path = join(lm, "checkpoint.safetensors");
    const decoded = decodeSafetensors(readFileSync(path));
    const meta = { ...decoded.metadata };
    const config = JSON.parse(meta["tensorgrad.config"] ?? "null");
    assert.ok(config, Object.keys(meta).join(","));
    config.model.hidden = 16_000;
    config.model.embed = 16_000;
    meta["tensorgrad.config"] = JSON.stringify(config);
    writeFileSync(path, encodeSafetensors(decoded.tensors, meta));
    r = await run("next", "--checkpoint", lm, "em");
    assert.match(r.err, /config\.model describes \d+ weights, over the limit/);
    r = await run("eval", "--checkpoint", lm);
    assert.match(r.err, /is a language model's checkpoint/);
  });
});
