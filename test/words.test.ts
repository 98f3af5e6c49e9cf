import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

const { data } = tg;

describe("tokenize", () => {
  it("lower-cases, drops punctuation and the possessive 's, keeps contractions and numbers", () => {
    assert.deepEqual(data.tokenize("The Nation's debt: $1,000,000 in 1790! We don't; 3.5 per cent, well-being."), [
      "the",
      "nation",
      "debt",
      "1000000",
      "in",
      "1790",
      "we",
      "don't",
      "3.5",
      "per",
      "cent",
      "well",
      "being",
    ]);
  });
  it("normalizes curly apostrophes, keeps non-ASCII letters, and has options", () => {
    assert.deepEqual(data.tokenize("Mexico’s señor can’t"), ["mexico", "señor", "can't"]);
    assert.deepEqual(data.tokenize("In 1812 War", { lowercase: false, numbers: false }), ["In", "War"]);
    assert.deepEqual(data.tokenize("  ...  "), []);
  });
  it("refuses unknown options and non-strings", () => {
    assert.throws(() => data.tokenize("a", { lower: true } as never), /tokenize: unknown option "lower"/);
    assert.throws(() => data.tokenize("a", { numbers: 1 } as never), /numbers must be a boolean/);
    assert.throws(() => data.tokenize(3 as never), /text must be a string/);
  });
});

describe("Vocab", () => {
  const docs = [data.tokenize("the cat and the hat"), data.tokenize("the cat sat")];
  it("orders words by frequency then alphabetically, after <unk>, with counts", () => {
    const v = data.Vocab.build(docs);
    assert.deepEqual(v.itos, ["<unk>", "the", "cat", "and", "hat", "sat"]);
    assert.deepEqual(Array.from(v.counts), [0, 3, 2, 1, 1, 1]);
    assert.equal(v.count("cat"), 2);
    assert.deepEqual(Array.from(v.encode(["the", "dog", "sat"])), [1, 0, 5]);
    assert.deepEqual(v.decode([2, 1]), ["cat", "the"]);
  });
  it("applies minFreq and maxSize", () => {
    assert.deepEqual(data.Vocab.build(docs, { minFreq: 2 }).itos, ["<unk>", "the", "cat"]);
    assert.deepEqual(data.Vocab.build(docs, { maxSize: 1 }).itos, ["<unk>", "the"]);
    assert.deepEqual(data.Vocab.build(docs, { specials: [] }).itos.slice(0, 2), ["the", "cat"]);
    assert.throws(() => data.Vocab.build(docs, { specials: [] }).encode(["dog"]), /unknown token "dog"/);
  });
  it("round-trips through JSON and refuses malformed JSON", () => {
    const v = data.Vocab.build(docs);
    const back = data.Vocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    assert.deepEqual(back.itos, v.itos);
    assert.deepEqual(Array.from(back.counts), Array.from(v.counts));
    assert.throws(() => data.Vocab.fromJSON(null), /expected an object/);
    assert.throws(
      () => data.Vocab.fromJSON({ itos: ["<unk>", 3], counts: [0, 1], specials: ["<unk>"] }),
      /itos must be an array of strings/,
    );
    assert.throws(() => data.Vocab.fromJSON({ itos: ["<unk>", "a"], counts: [0], specials: ["<unk>"] }), /2 words but 1 counts/);
    assert.throws(() => data.Vocab.fromJSON({ itos: ["<unk>", "a", "a"], counts: [0, 1, 1], specials: ["<unk>"] }), /duplicate word "a"/);
    assert.throws(() => data.Vocab.fromJSON({ itos: ["a", "<unk>"], counts: [1, 0], specials: ["<unk>"] }), /must be at index 0/);
    assert.throws(() => data.Vocab.fromJSON({ itos: ["<unk>", "a"], counts: [0, -1], specials: ["<unk>"] }), /non-negative/);
    assert.throws(() => data.Vocab.build(docs, { minCount: 2 } as never), /unknown option "minCount"/);
  });
});

describe("subsampling and negative sampling", () => {
  it("keep probabilities follow word2vec's formula; count 0 is never kept", () => {
    // total 1000, t = 0.01: threshold 10. count 100 → (√10 + 1)/10; count 5 → 1 (capped); count 0 → 0.
    const keep = data.subsamplingProbs([0, 100, 5, 895], 0.01);
    assert.equal(keep[0], 0);
    assert.ok(Math.abs(keep[1] - (Math.sqrt(10) + 1) / 10) < 1e-12);
    assert.equal(keep[2], 1);
    assert.ok(Math.abs(keep[3] - (Math.sqrt(89.5) + 1) / 89.5) < 1e-12);
  });
  it("subsample keeps each id with its probability", () => {
    const g = new tg.Generator(1);
    const ids = new Int32Array(20000).map((_, i) => i % 2);
    const kept = data.subsample(ids, Float64Array.from([0.25, 1]), g);
    const zeros = kept.filter((x) => x === 0).length;
    assert.equal(kept.length - zeros, 10000);
    assert.ok(Math.abs(zeros / 10000 - 0.25) < 0.02, `kept ${zeros} of 10000 zeros`);
  });
  it("negative samples follow count^0.75", () => {
    const neg = new data.NegativeSampler([0, 16, 1, 81], 0.75, new tg.Generator(2));
    const p = [0, 8, 1, 27].map((x) => x / 36);
    p.forEach((pi, i) => {
      assert.ok(Math.abs(neg.probs[i] - pi) < 1e-12);
    });
    const draws = neg.sampleIds(36000);
    const freq = [0, 0, 0, 0];
    for (const d of draws) freq[d]++;
    assert.equal(freq[0], 0);
    p.forEach((pi, i) => {
      assert.ok(Math.abs(freq[i] / 36000 - pi) < 0.01, `id ${i}: ${freq[i] / 36000} vs ${pi}`);
    });
    const t = neg.sample([4, 5]);
    assert.deepEqual(t.shape, [4, 5]);
    assert.equal(t.dtype, "int32");
    assert.throws(() => new data.NegativeSampler([0, 0]), /every count is 0/);
  });
});

describe("SkipGramDataset and CbowDataset", () => {
  const doc = Int32Array.from([1, 2, 3, 4]);
  it("skip-gram streams every (center, context) pair within the window", () => {
    const ds = new data.SkipGramDataset([doc], { window: 1, batchSize: 4, shrinkWindow: false, shuffle: false });
    const batches = [...ds];
    assert.deepEqual(
      batches.map((b) => b[0].shape[0]),
      [4, 2],
    );
    const pairs = batches.flatMap(([c, x]) => Array.from(c.toArray(), (ci, i) => `${ci}-${x.toArray()[i]}`));
    assert.deepEqual(pairs, ["1-2", "2-1", "2-3", "3-2", "3-4", "4-3"]);
    assert.equal(ds.estimatedPairs(), 8); // 4 tokens × 2 (the ends have one neighbour each: an estimate)
  });
  it("shrinking windows and subsampling give fewer pairs, never across documents", () => {
    const docs = [Int32Array.from({ length: 200 }, (_, i) => 1 + (i % 5)), Int32Array.from([9, 9])];
    const full = [...new data.SkipGramDataset(docs, { window: 3, shrinkWindow: false })].reduce((a, [c]) => a + c.shape[0], 0);
    const shrunk = [...new data.SkipGramDataset(docs, { window: 3 })].reduce((a, [c]) => a + c.shape[0], 0);
    assert.equal(full, 2 * (3 * 200 - 6) + 2);
    assert.ok(shrunk < full && shrunk > full / 3, `${shrunk} of ${full}`);
    const keep = new Float64Array(10).fill(1);
    keep[9] = 0;
    for (const [c, x] of new data.SkipGramDataset(docs, { window: 3, keepProbs: keep })) {
      assert.ok(!c.toArray().includes(9) && !x.toArray().includes(9));
    }
  });
  it("CBOW yields padded contexts with a mask", () => {
    const [[ctx, mask, center]] = [...new data.CbowDataset([doc], { window: 1, batchSize: 8, shrinkWindow: false, shuffle: false })];
    assert.deepEqual(center.tolist(), [1, 2, 3, 4]);
    assert.deepEqual(ctx.tolist(), [
      [2, 0],
      [1, 3],
      [2, 4],
      [3, 0],
    ]);
    assert.deepEqual(mask.tolist(), [
      [1, 0],
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
  });
  it("validates options", () => {
    assert.throws(() => new data.SkipGramDataset([doc], { window: 0 }), /window must be a positive integer/);
    assert.throws(() => new data.SkipGramDataset([doc], { windowSize: 2 } as never), /unknown option "windowSize"/);
    assert.throws(() => new data.CbowDataset([[1, 2]] as never), /docs must be an array of Int32Array/);
  });
});
