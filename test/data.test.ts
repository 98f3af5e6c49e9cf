import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, tg } from "./helpers.ts";

const { data } = tg;

/** A dataset that returns tuples of (number, tensor) and counts its reads. */
class Squares extends data.Dataset<[number, tg.Tensor]> {
  reads = 0;
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  get(i: number): [number, tg.Tensor] {
    this.reads++;
    return [i, tg.tensor([i, i * i])];
  }
}

const flat = (batches: Iterable<tg.Tensor[]>, k = 1): number[] => [...batches].flatMap((b) => Array.from(b[k].toArray()));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("Dataset and TensorDataset", () => {
  it("TensorDataset gives the i-th row of each tensor, negative indices from the end", () => {
    const ds = new data.TensorDataset(tg.arange(12).reshape([4, 3]), tg.tensor([5, 6, 7, 8], { dtype: "int32" }));
    assert.equal(ds.length, 4);
    const [x, y] = ds.get(1);
    assertEqual(x, [3, 4, 5], "int32");
    assertEqual(y, 6, "int32");
    assertEqual(ds.get(-1)[0], [9, 10, 11]);
    assert.throws(() => ds.get(4), { name: "IndexError", message: /index 4 is out of range for a dataset of length 4/ });
    assert.throws(() => ds.get(-5), tg.IndexError);
    assert.equal([...ds].length, 4);
  });

  it("TensorDataset checks that the first dimensions agree", () => {
    assert.throws(() => new data.TensorDataset(tg.zeros([3, 2]), tg.zeros([4])), {
      name: "ValueError",
      message: /size mismatch between tensors: tensor 0 has shape \[3, 2\], tensor 1 has \[4\]/,
    });
    assert.throws(() => new data.TensorDataset(tg.zeros([])), /0-d/);
    assert.throws(() => new data.TensorDataset(), /at least one tensor/);
  });

  it("Subset reads the parent at its indices", () => {
    const sub = new data.Subset(new Squares(10), [7, 2, 2]);
    assert.equal(sub.length, 3);
    assert.deepEqual(
      [...sub].map(([i]) => i),
      [7, 2, 2],
    );
    assert.equal(sub.get(-1)[0], 2);
    assert.throws(() => sub.get(3), tg.IndexError);
  });
});

describe("DataLoader", () => {
  const x = tg.arange(20).reshape([10, 2]).float();
  const y = tg.arange(10);
  const ds = new data.TensorDataset(x, y);

  it("yields batches of batchSize with a smaller last batch; length counts batches", () => {
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    assert.equal(loader.length, 3);
    const batches = [...loader];
    assert.equal(batches.length, 3);
    assert.deepEqual(
      batches.map(([xb, yb]) => [xb.shape, yb.shape]),
      [
        [[4, 2], [4]],
        [[4, 2], [4]],
        [[2, 2], [2]],
      ],
    );
    assertEqual(batches[2][0], [
      [16, 17],
      [18, 19],
    ]);
    assert.equal(batches[0][0].dtype, "float32");
    assert.equal(batches[0][1].dtype, "int32");
    assert.deepEqual(flat(batches), range(10));
  });

  it("dropLast drops the partial batch", () => {
    const loader = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
    assert.equal(loader.length, 2);
    assert.deepEqual(flat(loader), range(8));
    assert.equal(new data.DataLoader(ds, { batchSize: 5, dropLast: true }).length, 2);
    assert.equal(new data.DataLoader(ds, { batchSize: 11, dropLast: true }).length, 0);
    assert.equal([...new data.DataLoader(ds, { batchSize: 11, dropLast: true })].length, 0);
    assert.equal(new data.DataLoader(ds).length, 10);
  });

  it("shuffle visits a permutation of all items, a new one each pass, reproducibly with a seed", () => {
    tg.manualSeed(5);
    const loader = new data.DataLoader(ds, { batchSize: 3, shuffle: true });
    const first = flat(loader);
    const second = flat(loader);
    assert.deepEqual(
      [...first].sort((a, b) => a - b),
      range(10),
    );
    assert.deepEqual(
      [...second].sort((a, b) => a - b),
      range(10),
    );
    assert.notDeepEqual(first, range(10));
    assert.notDeepEqual(first, second);
    tg.manualSeed(5);
    assert.deepEqual(flat(loader), first);
    assert.deepEqual(flat(loader), second);
    // With its own generator, the order depends only on that generator's seed.
    const a = flat(new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new tg.Generator(9) }));
    tg.manualSeed(123);
    const b = flat(new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new tg.Generator(9) }));
    assert.deepEqual(a, b);
    // x rows stay paired with their labels.
    for (const [xb, yb] of loader) assertEqual(xb.get(":, 0"), yb.mul(2).float().tolist());
  });

  it("the TensorDataset fast path matches stacking rows, and batches by indexSelect", () => {
    const w = x.clone().requiresGrad_(true);
    const wds = new data.TensorDataset(w, y);
    const fast = [...new data.DataLoader(wds, { batchSize: 4, shuffle: true, generator: new tg.Generator(1) })];
    const slow = [
      ...new data.DataLoader(wds, { batchSize: 4, shuffle: true, generator: new tg.Generator(1), collate: data.defaultCollate }),
    ];
    assert.equal(fast.length, slow.length);
    fast.forEach(([xf, yf], i) => {
      assertEqual(xf, slow[i][0].tolist());
      assertEqual(yf, slow[i][1].tolist());
    });
    assert.equal(fast[0][0].gradFn?.name, "GatherBackward0");
    assert.notEqual(slow[0][0].gradFn?.name, "GatherBackward0");
    // Gradients flow back to the dataset's tensor through the batches.
    fast[0][0].sum().backward();
    assert.equal(w.grad?.sum().item(), 8);
  });

  it("a Subset of a TensorDataset batches the subset's rows", () => {
    const sub = new data.Subset(ds, [9, 0, 5]);
    const [[xb, yb]] = [...new data.DataLoader(sub, { batchSize: 3 })];
    assertEqual(yb, [9, 0, 5]);
    assertEqual(xb, [
      [18, 19],
      [0, 1],
      [10, 11],
    ]);
    // A subset of a subset (as randomSplit of a split gives) maps through both index lists.
    const nested = new data.Subset(sub, [2, -3]);
    const [[xn, yn]] = [...new data.DataLoader(nested, { batchSize: 2 })];
    assertEqual(yn, [5, 9]);
    assertEqual(xn, [
      [10, 11],
      [18, 19],
    ]);
  });

  it("default collate stacks tensors and numbers field by field", () => {
    const sq = new Squares(5);
    const batches = [...new data.DataLoader(sq, { batchSize: 2 })];
    assert.equal(sq.reads, 5);
    assert.equal(batches.length, 3);
    const [i0, t0] = batches[0];
    assertEqual(i0, [0, 1], "int32");
    assertEqual(t0, [
      [0, 0],
      [1, 1],
    ]);
    assertEqual(batches[2][1], [[4, 16]]);
    const objects = [
      { id: "a", value: 0.5, flag: true, pair: [tg.zeros([2]), 1] as [tg.Tensor, number] },
      { id: "b", value: 2, flag: false, pair: [tg.ones([2]), 2] as [tg.Tensor, number] },
    ];
    const [batch] = [...new data.DataLoader(objects, { batchSize: 2 })];
    assert.deepEqual(batch.id, ["a", "b"]);
    assertEqual(batch.value, [0.5, 2], "float32");
    assertEqual(batch.flag, [1, 0], "bool");
    assertEqual(batch.pair[0], [
      [0, 0],
      [1, 1],
    ]);
    assertEqual(batch.pair[1], [1, 2], "int32");
  });

  it("default collate rejects mismatched items", () => {
    assert.throws(() => data.defaultCollate([tg.zeros([2]), tg.zeros([3])]), tg.ShapeError);
    assert.throws(() => data.defaultCollate<unknown>([1, "a"]), { name: "ValueError", message: /item 0 is a number but item 1 is string/ });
    assert.throws(() => data.defaultCollate([[1, 2], [3]]), /equal size/);
    assert.throws(() => data.defaultCollate([null]), /must be tensors, numbers/);
    assert.throws(() => data.defaultCollate([]), /empty batch/);
  });

  it("a custom collate gets the items and decides the batch", () => {
    const loader = new data.DataLoader(new Squares(5), { batchSize: 2, collate: (items) => items.map(([i]) => i).join(",") });
    assert.deepEqual([...loader], ["0,1", "2,3", "4"]);
  });

  it("rejects a bad batch size", () => {
    assert.throws(() => new data.DataLoader(ds, { batchSize: 0 }), /batchSize should be a positive integer/);
    assert.throws(() => new data.DataLoader(ds, { batchSize: 1.5 }), tg.ValueError);
  });
});

describe("randomSplit", () => {
  const ds = new data.TensorDataset(tg.arange(10));
  const all = (subsets: tg.data.Subset<tg.Tensor[]>[]): number[] => subsets.flatMap((s) => [...s.indices]);

  it("splits by lengths into disjoint subsets covering the dataset", () => {
    const parts = data.randomSplit(ds, [3, 7], new tg.Generator(0));
    assert.deepEqual(
      parts.map((p) => p.length),
      [3, 7],
    );
    assert.deepEqual(
      all(parts).sort((a, b) => a - b),
      range(10),
    );
    assert.notDeepEqual(all(parts), range(10));
    assert.equal(parts[0].get(0)[0].item(), parts[0].indices[0]);
  });

  it("splits by fractions with PyTorch's round-robin remainder", () => {
    assert.deepEqual(
      data.randomSplit(ds, [0.5, 0.5]).map((p) => p.length),
      [5, 5],
    );
    // floor(10 · 0.33) = 3 each; the one left over goes to the first split.
    assert.deepEqual(
      data.randomSplit(ds, [0.33, 0.33, 0.34]).map((p) => p.length),
      [4, 3, 3],
    );
    assert.deepEqual(
      data.randomSplit(ds, [0.25, 0.25, 0.25, 0.25]).map((p) => p.length),
      [3, 3, 2, 2],
    );
    assert.deepEqual(
      data.randomSplit(ds, [0.1, 0.2, 0.3, 0.4]).map((p) => p.length),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      all(data.randomSplit(ds, [0.7, 0.3])).sort((a, b) => a - b),
      range(10),
    );
  });

  it("is reproducible with a seed", () => {
    const a = all(data.randomSplit(ds, [0.8, 0.2], new tg.Generator(3)));
    const b = all(data.randomSplit(ds, [0.8, 0.2], new tg.Generator(3)));
    assert.deepEqual(a, b);
    tg.manualSeed(4);
    const c = all(data.randomSplit(ds, [5, 5]));
    tg.manualSeed(4);
    assert.deepEqual(all(data.randomSplit(ds, [5, 5])), c);
  });

  it("rejects lengths that do not add up", () => {
    assert.throws(() => data.randomSplit(ds, [3, 3]), {
      name: "ValueError",
      message: /sum of input lengths \(6\) does not equal .* \(10\)/,
    });
    assert.throws(() => data.randomSplit(ds, [0.5, 0.4]), /does not equal/);
    assert.throws(() => data.randomSplit(ds, [1.5, -0.5]), /not between 0 and 1/);
    assert.throws(() => data.randomSplit(ds, [12, -2]), /non-negative integers/);
  });
});

describe("playground datasets", () => {
  const classifiers = { circle: data.circle, xor: data.xor, gauss: data.gauss, spiral: data.spiral, moons: data.moons };
  const regressions = { plane: data.plane, gaussian: data.gaussian };

  it("have [n, 2] float32 points and [n] int32 0/1 labels, balanced", () => {
    for (const [name, make] of Object.entries(classifiers)) {
      const { x, y } = make({ n: 200, seed: 1 });
      assert.deepEqual(x.shape, [200, 2], name);
      assert.equal(x.dtype, "float32", name);
      assert.deepEqual(y.shape, [200], name);
      assert.equal(y.dtype, "int32", name);
      const labels = Array.from(y.toArray());
      assert.ok(
        labels.every((l) => l === 0 || l === 1),
        name,
      );
      const ones = labels.filter((l) => l === 1).length;
      if (name === "xor") assert.ok(ones > 70 && ones < 130, `${name}: ${ones} ones`);
      else assert.equal(ones, 100, name);
      // Shuffled: not all of one class first.
      assert.notDeepEqual(labels.slice(0, 100), new Array(100).fill(1), name);
    }
    assert.deepEqual(data.circle({ n: 7, seed: 0 }).y.sum().item(), 4);
    assert.deepEqual(data.spiral({ n: 0 }).x.shape, [0, 2]);
  });

  it("have [n] float32 targets for regression", () => {
    for (const [name, make] of Object.entries(regressions)) {
      const { x, y } = make({ n: 300, seed: 2 });
      assert.deepEqual(x.shape, [300, 2], name);
      assert.equal(y.dtype, "float32", name);
      assert.deepEqual(y.shape, [300], name);
      assert.ok(x.abs().amax().item() <= 6, name);
      assert.ok(y.abs().amax().item() <= 1.2 + 1e-6, name);
      assert.ok(y.std().item() > 0.1, name);
    }
    // Without noise, the plane's target is exactly (x0 + x1) / 10 and the bumps' lie in [-1, 1].
    const { x, y } = data.plane({ n: 100, seed: 3 });
    assertClose(y, x.sum(1).div(10));
    assert.ok(data.gaussian({ n: 100, seed: 3 }).y.abs().amax().item() <= 1);
  });

  it("the same seed gives the same points, another seed others", () => {
    for (const make of [...Object.values(classifiers), ...Object.values(regressions)]) {
      const a = make({ n: 50, noise: 0.2, seed: 7 });
      const b = make({ n: 50, noise: 0.2, seed: 7 });
      const c = make({ n: 50, noise: 0.2, seed: 8 });
      assertEqual(a.x, b.x.tolist());
      assertEqual(a.y, b.y.tolist());
      assert.notDeepEqual(a.x.tolist(), c.x.tolist());
    }
    tg.manualSeed(11);
    const a = data.xor({ n: 20 });
    tg.manualSeed(11);
    assertEqual(data.xor({ n: 20 }).x, a.x.tolist());
  });

  it("follow the Playground's geometry without noise", () => {
    const { x, y } = data.circle({ n: 400, seed: 4 });
    const r = x.square().sum(1).sqrt();
    // Label 1 inside radius 2.5, label 0 on the ring from 3.5 to 5.
    assertEqual(r.lt(2.5).int(), y.tolist());
    assert.ok(r.amax().item() <= 5 + 1e-5);
    assert.ok(r.sub(3.5).mul(y.eq(0).float()).amin().item() >= -1e-5, "ring points lie at radius >= 3.5");
    const xo = data.xor({ n: 400, seed: 4 });
    assertEqual(xo.x.get(":, 0").mul(xo.x.get(":, 1")).ge(0).int(), xo.y.tolist());
    assert.ok(xo.x.abs().amin().item() >= 0.3 - 1e-6);
    const g = data.gauss({ n: 400, seed: 4, shuffle: false });
    assertClose(g.x.get(":200").mean(0), [2, 2], { atol: 0.25 });
    assertClose(g.x.get("200:").mean(0), [-2, -2], { atol: 0.25 });
    assertClose(g.x.get(":200").var(0), [0.5, 0.5], { atol: 0.15 });
    // Each spiral arm's radius grows linearly from 0 to 5.
    const s = data.spiral({ n: 100, seed: 4, shuffle: false });
    assertClose(s.x.square().sum(1).sqrt().get(":50"), tg.arange(50).float().div(10));
    // Point 10 of 50 on the first arm: r = 1 at angle 1.75 · 10/50 · 2π; the second arm is half a turn on.
    assertClose(s.x.get(10), [Math.sin(0.7 * Math.PI), Math.cos(0.7 * Math.PI)]);
    assertClose(s.x.get(60), [-Math.sin(0.7 * Math.PI), -Math.cos(0.7 * Math.PI)]);
    const m = data.moons({ n: 100, seed: 4, shuffle: false });
    assertClose(m.x.get(":50").square().sum(1), tg.ones([50]));
  });

  it("noise perturbs points or labels as the Playground does", () => {
    const clean = data.circle({ n: 400, seed: 5 });
    const noisy = data.circle({ n: 400, seed: 5, noise: 0.5 });
    const mismatch = (d: tg.data.Points2D): number => d.x.square().sum(1).sqrt().lt(2.5).int().ne(d.y).sum().item();
    assert.equal(mismatch(clean), 0);
    assert.ok(mismatch(noisy) > 20, `${mismatch(noisy)} flipped labels`);
    const spread = (noise: number): number => data.gauss({ n: 400, seed: 5, noise, shuffle: false }).x.get(":200").var(0).mean().item();
    assertClose(tg.tensor([spread(0.5)]), [4], { atol: 0.8 });
    assert.ok(spread(0.5) > 3 * spread(0));
    const plane = data.plane({ n: 200, seed: 5, noise: 0.3 });
    assert.ok(plane.y.sub(plane.x.sum(1).div(10)).abs().amax().item() > 0.1);
    const s = data.spiral({ n: 100, seed: 4, shuffle: false, noise: 0.5 });
    assert.ok(s.x.square().sum(1).sqrt().get(":50").sub(tg.arange(50).float().div(10)).abs().amax().item() > 0.05);
  });

  it("validate their options", () => {
    assert.throws(() => data.circle({ n: -1 }), /n must be a non-negative integer/);
    assert.throws(() => data.xor({ noise: -0.1 }), /noise must be a finite number >= 0/);
  });
});

describe("parseCsv", () => {
  const good = "x1,x2,label\n1,2,0\n3.5,-4e-1,1\n\n  5 , 6 ,1\r\n";

  it("parses features and target, skipping blank lines", () => {
    const { features, target, columns, targetColumn } = data.parseCsv(good, { target: "label", targetDtype: "int32" });
    assertEqual(features, [
      [1, 2],
      [3.5, -0.4000000059604645],
      [5, 6],
    ]);
    assert.equal(features.dtype, "float32");
    assertEqual(target, [0, 1, 1], "int32");
    assert.deepEqual(columns, ["x1", "x2"]);
    assert.equal(targetColumn, "label");
  });

  it("takes the last column by default, or a column index, a delimiter, no header", () => {
    assertEqual(data.parseCsv(good).target, [0, 1, 1], "float32");
    const first = data.parseCsv(good, { target: 0, dtype: "float64" });
    assertEqual(first.target, [1, 3.5, 5]);
    assertEqual(first.features, [
      [2, 0],
      [-0.4, 1],
      [6, 1],
    ]);
    assert.deepEqual(first.columns, ["x2", "label"]);
    const noHeader = data.parseCsv("1;2;3\n4;5;6", { header: false, delimiter: ";", target: -2 });
    assertEqual(noHeader.features, [
      [1, 3],
      [4, 6],
    ]);
    assertEqual(noHeader.target, [2, 5]);
    assert.deepEqual(noHeader.columns, ["0", "2"]);
    const headerOnly = data.parseCsv("a,b,c\n");
    assert.deepEqual(headerOnly.features.shape, [0, 2]);
  });

  it("reads quoted fields and categorical targets", () => {
    const csv = '"sepal length","sepal ""width""",species\n5.1,3.5,setosa\n7.0,3.2,"versicolor"\n4.9,3.0,setosa\n';
    const { features, target, columns, classes } = data.parseCsv(csv, { target: "species", categoricalTarget: true });
    assert.deepEqual(columns, ["sepal length", 'sepal "width"']);
    assert.deepEqual(classes, ["setosa", "versicolor"]);
    assertEqual(target, [0, 1, 0], "int32");
    assert.deepEqual(features.shape, [3, 2]);
  });

  it("names the line and column of ragged rows, missing values and non-numeric cells", () => {
    const err = (text: string, options?: tg.data.CsvOptions) => {
      try {
        data.parseCsv(text, options);
      } catch (e) {
        assert.ok(e instanceof tg.ValueError, String(e));
        return e.message;
      }
      assert.fail("parseCsv did not throw");
    };
    assert.equal(err("a,b,c\n1,2,3\n4,5\n"), "parseCsv: line 3 has 2 columns, expected 3 (as the header on line 1)");
    assert.equal(err("a,b,c\n1,2,3,4\n"), "parseCsv: line 2 has 4 columns, expected 3 (as the header on line 1)");
    assert.equal(err("1,2\n\n3,4,5", { header: false }), "parseCsv: line 3 has 3 columns, expected 2 (as line 1)");
    assert.equal(err("a,b,c\n1,2,3\n4,,6\n"), 'parseCsv: missing value at line 3, column 2 ("b")');
    assert.equal(err("a,b,c\n1,NA,3\n"), 'parseCsv: missing value at line 2, column 2 ("b"): "NA"');
    assert.equal(err("a,b,c\n1,2,?\n"), 'parseCsv: missing value at line 2, column 3 ("c"): "?"');
    assert.equal(err("a,b,c\n1,2,3\n4,five,6\n"), 'parseCsv: non-numeric value "five" at line 3, column 2 ("b")');
    assert.equal(err("1,2,x\n", { header: false }), 'parseCsv: non-numeric value "x" at line 1, column 3');
    assert.equal(
      err("a,b\n1,2.5\n", { targetDtype: "int32" }),
      'parseCsv: target value "2.5" at line 2, column 2 ("b") is not an integer, but targetDtype is int32',
    );
    assert.equal(err('a,b\n"1,2\n'), "parseCsv: line 2, column 1: unterminated quoted field");
    assert.match(err("a,b\n1,2", { target: "z" }), /target column "z" not found; the columns are "a", "b"/);
    assert.match(err("a,b\n1,2", { target: 2 }), /target column index 2 is out of range for 2 columns/);
    assert.match(err("a,b\n1,2", { target: "a", header: false }), /header is false/);
    assert.match(err(" \n\n"), /no rows/);
    assert.match(err("a,b", { delimiter: ",," }), /delimiter must be one character/);
  });
});

/** An IDX buffer: zero, zero, type code, dims, big-endian sizes, then `body`. */
function idx(type: number, shape: number[], body: number[] | Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(head.buffer);
  head[2] = type;
  head[3] = shape.length;
  shape.forEach((s, d) => {
    view.setUint32(4 + 4 * d, s, false);
  });
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

describe("parseIdx", () => {
  it("parses unsigned bytes (MNIST images and labels)", () => {
    const images = data.parseIdx(idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]));
    assertEqual(
      images,
      [
        [
          [0, 1, 2],
          [3, 4, 5],
        ],
        [
          [250, 251, 252],
          [253, 254, 255],
        ],
      ],
      "int32",
    );
    assertEqual(data.parseIdx(idx(0x08, [3], [7, 0, 9])), [7, 0, 9], "int32");
  });

  it("reads the wider types big-endian", () => {
    const body = (bytes: number, write: (v: DataView, i: number) => void, n: number): Uint8Array => {
      const b = new Uint8Array(bytes * n);
      const v = new DataView(b.buffer);
      for (let i = 0; i < n; i++) write(v, i);
      return b;
    };
    assertEqual(data.parseIdx(idx(0x09, [2], [0xff, 0x7f])), [-1, 127], "int32");
    assertEqual(
      data.parseIdx(
        idx(
          0x0b,
          [2],
          body(2, (v, i) => v.setInt16(2 * i, [-300, 1000][i]), 2),
        ),
      ),
      [-300, 1000],
      "int32",
    );
    assertEqual(
      data.parseIdx(
        idx(
          0x0c,
          [1, 2],
          body(4, (v, i) => v.setInt32(4 * i, [-70000, 123456][i]), 2),
        ),
      ),
      [[-70000, 123456]],
      "int32",
    );
    assertEqual(
      data.parseIdx(
        idx(
          0x0d,
          [2],
          body(4, (v, i) => v.setFloat32(4 * i, [0.5, -2.25][i]), 2),
        ),
      ),
      [0.5, -2.25],
      "float32",
    );
    assertEqual(
      data.parseIdx(
        idx(
          0x0e,
          [1],
          body(8, (v) => v.setFloat64(0, Math.PI), 1),
        ),
      ),
      [Math.PI],
      "float64",
    );
  });

  it("works on a view into a larger buffer", () => {
    const inner = idx(0x08, [2], [5, 6]);
    const big = new Uint8Array(inner.length + 3);
    big.set(inner, 3);
    assertEqual(data.parseIdx(big.subarray(3)), [5, 6]);
  });

  it("rejects bad magic numbers, unknown types, truncated and trailing data", () => {
    assert.throws(() => data.parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0])), {
      name: "ValueError",
      message: /bad magic number 0x1f8b0800.*gzip/,
    });
    assert.throws(() => data.parseIdx(idx(0x0a, [1], [0])), /unknown data type code 0x0a/);
    assert.throws(() => data.parseIdx(new Uint8Array([0, 0])), /truncated header: expected at least 4 bytes, got 2/);
    assert.throws(
      () => data.parseIdx(idx(0x08, [2, 3], [1, 2, 3]).subarray(0, 8)),
      /truncated header: 2 dimensions need 12 header bytes, got 8/,
    );
    assert.throws(
      () => data.parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5])),
      /truncated data: shape \[2, 3\] of uint8 needs 6 data bytes, got 5/,
    );
    assert.throws(() => data.parseIdx(idx(0x0c, [2], [0, 0, 0, 1, 0, 0])), /needs 8 data bytes, got 6/);
    assert.throws(() => data.parseIdx(idx(0x08, [2], [1, 2, 3])), /1 unexpected trailing bytes/);
  });
});

describe("CharVocab and charContextDataset", () => {
  const words = ["emma", "ava"];

  it("builds makemore's vocabulary with the boundary token at 0", () => {
    const vocab = data.CharVocab.fromWords(words);
    assert.deepEqual(vocab.itos, [".", "a", "e", "m", "v"]);
    assert.equal(vocab.size, 5);
    assert.equal(vocab.stoi.get("."), 0);
    assert.equal(vocab.stoi.get("v"), 4);
    assert.deepEqual(vocab.encode("emma"), [2, 3, 3, 1]);
    assert.equal(vocab.decode([4, 1, 0]), "va.");
    assert.equal(vocab.decode(tg.tensor([2, 3], { dtype: "int32" })), "em");
    assert.throws(() => vocab.encode("emx"), {
      name: "ValueError",
      message: 'CharVocab.encode: unknown character "x" at position 2 of "emx"',
    });
    assert.throws(() => vocab.decode([5]), /index 5 is out of range for a vocabulary of 5/);
  });

  it("builds a plain vocabulary from text", () => {
    const vocab = data.CharVocab.fromText("hello world");
    assert.deepEqual(vocab.itos, [" ", "d", "e", "h", "l", "o", "r", "w"]);
    assert.equal(vocab.boundary, undefined);
    assert.equal(vocab.decode(vocab.encode("hello world")), "hello world");
    assert.throws(() => new data.CharVocab(["a", "a"]), /duplicate character "a"/);
    assert.throws(() => new data.CharVocab(["a", "."], { boundary: "." }), /index 0/);
  });

  it("gives the context windows and next characters of makemore", () => {
    const ds = data.charContextDataset(words, 3);
    const [X, Y] = ds.tensors;
    assert.equal(ds.length, 9);
    assertEqual(
      X,
      [
        [0, 0, 0],
        [0, 0, 2],
        [0, 2, 3],
        [2, 3, 3],
        [3, 3, 1],
        [0, 0, 0],
        [0, 0, 1],
        [0, 1, 4],
        [1, 4, 1],
      ],
      "int32",
    );
    assertEqual(Y, [2, 3, 3, 1, 0, 1, 4, 1, 0], "int32");
    const [x0, y0] = ds.get(3);
    assert.equal(data.CharVocab.fromWords(words).decode(x0), "emm");
    assert.equal(y0.item(), 1);
    const [X1, Y1] = data.charContextDataset(["ab"], 1, data.CharVocab.fromWords(["abc"])).tensors;
    assertEqual(X1, [[0], [1], [2]]);
    assertEqual(Y1, [1, 2, 0]);
    assert.throws(() => data.charContextDataset(words, 3, data.CharVocab.fromText("aemv")), /boundary token/);
    assert.throws(() => data.charContextDataset(words, 0), /blockSize must be a positive integer/);
  });

  it("feeds a DataLoader", () => {
    const loader = new data.DataLoader(data.charContextDataset(words, 3), { batchSize: 4 });
    const shapes = [...loader].map(([x, y]) => [x.shape, y.shape]);
    assert.deepEqual(shapes, [
      [[4, 3], [4]],
      [[4, 3], [4]],
      [[1, 3], [1]],
    ]);
  });
});
