import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { before, describe, it } from "node:test";
import { type CharLm, sampleName, trainCharLm } from "../examples/char_lm_model.ts";
import { WordVectors } from "../examples/word_vectors.ts";
import { tg } from "./helpers.ts";

/** Runs an example as a student would (short runs via TG_QUICK=1) and returns what it printed. */
function run(name: string): string {
  return execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", `examples/${name}`], {
    encoding: "utf8",
    env: { ...process.env, TG_QUICK: "1" },
    timeout: 60_000,
  });
}

/** The number in `out` captured by `re`'s first group, failing with the output when it is missing. */
function num(out: string, re: RegExp): number {
  const m = re.exec(out);
  assert.ok(m, `no match for ${re} in:\n${out}`);
  return Number(m[1]);
}

describe("lecture examples: perceptron.ts", () => {
  let out = "";
  before(() => {
    out = run("perceptron.ts");
  });

  it("McCulloch–Pitts units with hand-set weights compute OR and AND", () => {
    assert.match(out, /^MP OR: {2}0 1 1 1$/m);
    assert.match(out, /^MP AND: 0 0 0 1$/m);
  });

  it("the perceptron rule converges on OR and AND with correct outputs", () => {
    assert.match(out, /^OR: converged in epoch \d+: .*outputs 0 1 1 1$/m);
    assert.match(out, /^AND: converged in epoch \d+: .*outputs 0 0 0 1$/m);
  });

  it("the perceptron rule does not converge on XOR; two layers of threshold units do compute it", () => {
    assert.match(out, /^XOR: did not converge: no epoch in 100 classified all four \(best [0-3]\/4\)/m);
    assert.match(out, /XOR = 0 1 1 0$/m);
  });
});

describe("lecture examples: depth_vs_width.ts", () => {
  it("prints a table where a line fails and every model with enough hidden units succeeds", () => {
    const out = run("depth_vs_width.ts");
    const rows = new Map<string, { params: number; trainLoss: number; testAcc: number }>();
    for (const m of out.matchAll(/^(.+?)\s+\|\s+(\d+) \|\s+([\d.]+) \|\s+[\d.]+% \|\s+([\d.]+)% \|/gm))
      rows.set(m[1], { params: Number(m[2]), trainLoss: Number(m[3]), testAcc: Number(m[4]) });
    assert.deepEqual(
      [...rows].map(([name, r]) => [name, r.params]),
      [
        ["no hidden layer", 3],
        ["1 × 4", 17],
        ["1 × 16", 65],
        ["1 × 64", 257],
        ["2 × 8", 105],
        ["3 × 8", 177],
        ["3 × 16", 609],
      ],
      out,
    );
    assert.ok(rows.get("no hidden layer")!.testAcc < 70, out);
    for (const name of ["1 × 16", "1 × 64", "2 × 8", "3 × 8", "3 × 16"]) assert.ok(rows.get(name)!.testAcc >= 90, `${name}\n${out}`);
    assert.ok(rows.get("3 × 8")!.trainLoss < rows.get("1 × 64")!.trainLoss, out);
  });
});

describe("lecture examples: dropout_scaling.ts", () => {
  it("zeroes about p of the units, scales survivors by 1/(1 − p), keeps the mean, and is the identity in eval", () => {
    const out = run("dropout_scaling.ts");
    const inputMean = num(out, /mean (\d+\.\d+)/);
    const rows = [...out.matchAll(/^p=([\d.]+) \|\s+([\d.]+) \|\s+([\d.]+) \|\s+([\d.]+) \|\s+([\d.]+) \|\s+([\d.]+) \| (\w+)$/gm)];
    assert.equal(rows.length, 4, out);
    for (const [, p, zeroed, scale, inv, trainMean, evalMean, identical] of rows.map((r) => r.map(String))) {
      assert.ok(Math.abs(Number(zeroed) - Number(p)) < 0.02, `zeroed ${zeroed} for p=${p}`);
      assert.ok(Math.abs(Number(scale) - 1 / (1 - Number(p))) < 1e-3, `scale ${scale} vs ${inv}`);
      assert.ok(Math.abs(Number(trainMean) - inputMean) < 0.02, `train mean ${trainMean}`);
      assert.equal(Number(evalMean), inputMean);
      assert.equal(identical, "yes");
    }
  });
});

describe("lecture examples: normalization.ts", () => {
  it("each layer normalizes exactly its own groupings", () => {
    const out = run("normalization.ts");
    assert.match(out, /^input: not normalized over any grouping$/m);
    assert.match(out, /^BatchNorm1d: mean 0, std 1 per channel \(N,L\)$/m);
    assert.match(out, /^LayerNorm: mean 0, std 1 per example \(C,L\)$/m);
    assert.match(out, /^GroupNorm: mean 0, std 1 per example \(C,L\); per example\+group \(C\/2,L\)$/m);
    assert.match(out, /^InstanceNorm1d: mean 0, std 1 per channel \(N,L\); per example \(C,L\); .*per example\+channel \(L\)$/m);
  });
});

/** One short language-model run, shared by the tests that import the examples' functions. */
let shortRun: Promise<CharLm> | undefined;
const trained = () => {
  shortRun ??= trainCharLm({ steps: 300 });
  return shortRun;
};

describe("lecture examples: char_lm", () => {
  it("trainCharLm starts near ln 27 and gets below 2.5 validation loss in 300 steps", async () => {
    const { initialLoss, trainLoss, valLoss, valWords, trainWords } = await trained();
    assert.ok(Math.abs(initialLoss - Math.log(27)) < 0.05, `initial ${initialLoss}`);
    assert.ok(valLoss < 2.5, `validation loss ${valLoss}`);
    assert.ok(trainLoss < 2.5, `train loss ${trainLoss}`);
    assert.equal(new Set([...trainWords, ...valWords]).size, trainWords.length + valWords.length, "split by name");
  });

  it("samples names of the letters a–z only", async () => {
    const lm = await trained();
    const g = new tg.Generator(1);
    const names = Array.from({ length: 10 }, () => sampleName(lm, g));
    for (const n of names) assert.match(n, /^[a-z]*$/);
    assert.ok(names.filter((n) => n.length > 0).length >= 8, names.join(" "));
  });

  it("char_lm.ts (quick run) beats the bigram baseline on validation and prints ten names", () => {
    const out = run("char_lm.ts");
    const val = num(out, /^validation\s+loss (\d+\.\d+)/m);
    const bigram = num(out, /^bigram counts\s+loss (\d+\.\d+)/m);
    assert.ok(val < 2.3 && val < bigram, `validation ${val}, bigram ${bigram}\n${out}`);
    const names = out.split("ten new names:\n")[1]?.trim().split("\n") ?? [];
    assert.equal(names.length, 10, out);
    for (const n of names) assert.match(n.trim(), /^[a-z]*$/);
  });
});

describe("lecture examples: word_vectors", () => {
  it("mostSimilar ranks by cosine similarity on a hand-made table", () => {
    const wv = new WordVectors(
      tg.tensor([
        [1, 0],
        [0.9, 0.1],
        [-1, 0],
        [0, 2],
      ]),
      ["a", "b", "c", "d"],
    );
    const near = wv.mostSimilar("a", 3);
    assert.deepEqual(
      near.map((n) => n.token),
      ["b", "d", "c"],
    );
    assert.ok(Math.abs(near[0].similarity - 0.9 / Math.hypot(0.9, 0.1)) < 1e-6);
    assert.ok(Math.abs(near[1].similarity) < 1e-6);
    assert.ok(Math.abs(near[2].similarity + 1) < 1e-6);
    assert.throws(() => wv.mostSimilar("z", 1), /unknown token/);
  });

  it("mostSimilar over the learned embeddings returns k distinct tokens sorted by similarity", async () => {
    const { model, vocab } = await trained();
    const wv = new WordVectors(model.emb.weight.detach(), vocab.itos);
    for (const token of ["a", "e", "m", "."]) {
      const near = wv.mostSimilar(token, 5);
      assert.equal(near.length, 5);
      assert.equal(new Set(near.map((n) => n.token)).size, 5);
      assert.ok(!near.some((n) => n.token === token));
      for (let i = 1; i < near.length; i++) assert.ok(near[i - 1].similarity >= near[i].similarity);
      for (const n of near) assert.ok(n.similarity >= -1 - 1e-6 && n.similarity <= 1 + 1e-6);
    }
  });

  it("word_vectors.ts (quick run) prints the table, and vowels cluster well above chance", () => {
    const out = run("word_vectors.ts");
    assert.equal(out.match(/^ {2}\S {3}\| /gm)?.length, 14, out);
    const hits = num(out, /vowel neighbours of vowels: (\d+)\/20/);
    assert.ok(hits >= 8, `${hits}/20 vowel neighbours (chance ≈ 3.8)\n${out}`);
  });
});
