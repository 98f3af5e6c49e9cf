import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

const { data } = tg;

/**
 * A corpus with two topics: documents use the words of one group only ("alpha"... or "north"...), so words of a group
 * share contexts and should end up nearest each other.
 */
function twoTopicCorpus(docs: number, length: number, seed: number): string[][] {
  const groups = [
    ["alpha", "beta", "gamma", "delta", "epsilon"],
    ["north", "south", "east", "west", "center"],
  ];
  const g = new tg.Generator(seed);
  return Array.from({ length: docs }, (_, d) => Array.from({ length }, () => groups[d % 2][Math.floor(g.random() * 5)]));
}

// Imported after the library (./helpers.ts) has loaded, as the CLI's entry point orders modules.
const { Word2Vec } = await import("../src/cli/word2vec_model.ts");

function train(arch: "skipgram" | "cbow"): tg.data.KeyedVectors {
  tg.manualSeed(0);
  const tokens = twoTopicCorpus(60, 30, 1);
  const vocab = data.Vocab.build(tokens);
  const docs = tokens.map((t) => vocab.encode(t));
  const opts = { window: 2, batchSize: 64 };
  const sampler = new data.NegativeSampler(vocab.counts);
  const model = new Word2Vec(vocab.size, 8);
  const opt = new tg.optim.SparseAdam(model.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    let sum = 0;
    let n = 0;
    const batches =
      arch === "skipgram"
        ? [...new data.SkipGramDataset(docs, opts)].map(
            ([c, x]) =>
              () =>
                model(c, x, sampler.sample([c.shape[0], 3])),
          )
        : [...new data.CbowDataset(docs, opts)].map(
            ([ctx, m, c]) =>
              () =>
                model.cbowLoss(ctx, m, c, sampler.sample([c.shape[0], 3])),
          );
    for (const lossOf of batches) {
      opt.zeroGrad();
      const loss = lossOf();
      loss.backward();
      opt.step();
      sum += loss.item();
      n++;
    }
    losses.push(sum / n);
  }
  // Learning happened: the loss fell from log(2)·(1 + k) ≈ 2.77 at the start (zero output vectors).
  assert.ok(losses[2] < losses[0] && losses[2] < 2.2, `losses ${losses.map((l) => l.toFixed(3))}`);
  return data.KeyedVectors.fromCheckpoint({ modelState: model.stateDict(), config: { vocab: vocab.toJSON() } });
}

describe("word2vec on a tiny corpus", () => {
  for (const arch of ["skipgram", "cbow"] as const) {
    it(`${arch}: each word's 4 nearest neighbours are the other words of its topic`, () => {
      const kv = train(arch);
      assert.equal(kv.size, 10);
      for (const [word, group] of [
        ["alpha", ["beta", "gamma", "delta", "epsilon"]],
        ["west", ["north", "south", "east", "center"]],
      ] as const) {
        const near = kv.mostSimilar(word, 4).map((n) => n.word);
        assert.deepEqual([...near].sort(), [...group].sort(), `${word}: ${near}`);
      }
      assert.ok(kv.similarity("alpha", "beta") > kv.similarity("alpha", "north"));
    });
  }
});

describe("KeyedVectors", () => {
  const kv = new data.KeyedVectors(
    ["man", "woman", "king", "queen", "apple"],
    tg.tensor([
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 1],
      [0, 1, 1],
      [-1, -1, 0.2],
    ]),
  );
  it("ranks by cosine similarity, excluding the query words", () => {
    const near = kv.mostSimilar("king", 2);
    assert.deepEqual(
      near.map((n) => n.word),
      ["man", "queen"],
    );
    assert.ok(Math.abs(near[0].similarity - Math.SQRT1_2) < 1e-6);
    assert.equal(kv.analogy("man", "king", "woman")[0].word, "queen");
    assert.deepEqual(
      kv.mostSimilar(["king", "woman"], 1, { negative: ["man"] }).map((n) => n.word),
      ["queen"],
    );
    assert.equal(kv.mostSimilar(tg.tensor([0, 1, 0]), 1)[0].word, "woman");
    assert.ok(Math.abs(kv.similarity("man", "woman")) < 1e-6);
  });
  it("names close spellings for an unknown word", () => {
    assert.throws(() => kv.mostSimilar("qween"), /"qween" is not in the vocabulary \(5 words\); did you mean "queen"\?/);
    assert.throws(() => kv.mostSimilar("zzzzzzzz"), /^ValueError: "zzzzzzzz" is not in the vocabulary \(5 words\)$/);
    assert.throws(() => kv.mostSimilar("king", 0), /k must be a positive integer/);
    assert.throws(() => kv.mostSimilar("king", 2, { topn: 3 } as never), /unknown option "topn"/);
  });
  it("refuses a checkpoint without a vocabulary or with mismatched weights", () => {
    assert.throws(() => data.KeyedVectors.fromCheckpoint({ modelState: {}, config: null }), /no vocabulary/);
    const vocab = data.Vocab.build([["a", "b"]]).toJSON();
    assert.throws(
      () => data.KeyedVectors.fromCheckpoint({ modelState: { "inEmbed.weight": tg.zeros([2, 4]) }, config: { vocab } }),
      /has shape \[2, 4\] but the vocabulary has 3 entries/,
    );
  });
});

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "scripts/cli.ts", ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe("tensorgrad train --model word2vec, similar, analogy", () => {
  it("trains on a text file and answers queries; unknown words get one clear line", () => {
    const dir = mkdtempSync(join(tmpdir(), "tg-w2v-"));
    const file = join(dir, "corpus.txt");
    writeFileSync(
      file,
      twoTopicCorpus(60, 30, 2)
        .map((d) => `${d.join(" ")}.`)
        .join("\n\n"),
    );
    const out = join(dir, "run");
    const flags = "--epochs 3 --dim 8 --window 2 --min-count 1 --sample 0 --lr 0.05 --batch-size 64 --quiet".split(" ");
    const r = cli("train", "--dataset", `text:${file}`, "--out", out, ...flags);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Result: 10 word vectors of size 8 after 3 epochs/);
    for (const f of ["checkpoint.safetensors", "metrics.csv", "chart.svg", "words.svg", "words_tsne.svg"]) {
      assert.ok(readFileSync(join(out, f)).length > 0);
    }
    assert.match(readFileSync(join(out, "words.svg"), "utf8"), /<text[^>]*>alpha<\/text>/);
    const tsneSvg = readFileSync(join(out, "words_tsne.svg"), "utf8");
    assert.match(tsneSvg, /t-SNE \(perplexity 2, cosine\)/);
    assert.match(tsneSvg, /<text[^>]*>alpha<\/text>/);
    assert.doesNotMatch(tsneSvg, /NaN/);
    const sim = cli("similar", "--checkpoint", out, "alpha", "--k", "4");
    assert.equal(sim.code, 0, sim.err);
    const lines = sim.out.trim().split("\n");
    assert.equal(lines.length, 4);
    assert.deepEqual(lines.map((l) => l.split(" ")[0]).sort(), ["beta", "delta", "epsilon", "gamma"]);
    assert.match(lines[0], /^\w+ -?\d\.\d{4}$/);
    const ana = cli("analogy", "--checkpoint", out, "alpha", "beta", "north", "--k", "3");
    assert.equal(ana.code, 0, ana.err);
    assert.equal(ana.out.trim().split("\n").length, 3);
    const unknown = cli("similar", "--checkpoint", out, "alpah");
    assert.equal(unknown.code, 1);
    assert.equal(unknown.err.trim().split("\n").length, 1);
    assert.match(unknown.err, /"alpah" is not in the vocabulary \(10 words\); did you mean "alpha"/);
    assert.equal(cli("analogy", "--checkpoint", out, "alpha", "beta").code, 2);
    assert.equal(cli("train", "--model", "word2vec", "--dim", "0").code, 2);
  });
});
