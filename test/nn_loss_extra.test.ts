import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";
import { checkCase, FX } from "./loss_extra_fixtures.ts";

// The margin, embedding and Poisson/Gaussian NLL losses: values and gradients against PyTorch 1.13
// (test/fixtures/loss_extra_torch.py), gradcheck, argument forms and errors, and learning with one of them.
const F = tg.nn.functional;
const nn = tg.nn;
const f64 = (data: tg.NestedArray | number): tg.Tensor => tg.tensor(data, { dtype: "float64" });
const i32 = (data: tg.NestedArray | number): tg.Tensor => tg.tensor(data, { dtype: "int32" });

describe("extra losses against PyTorch: each reduction, the module form and the gradients", () => {
  for (const c of FX.cases) {
    it(`${c.fn} ${JSON.stringify(c.options)} on ${c.inputs.map((a) => ("shape" in a ? `[${a.shape}]` : "lengths")).join(", ")}`, () => {
      checkCase(c);
    });
  }
});

describe("extra losses: gradcheck in float64", () => {
  const sign = (shape: number[]) =>
    tg
      .randint(0, 2, shape, { generator: new tg.Generator(7) })
      .mul(2)
      .sub(1);

  it("marginRankingLoss, hingeEmbeddingLoss, softMarginLoss", () => {
    const y = sign([6]);
    checkGrads((a, b) => F.marginRankingLoss(a, b, y, { margin: 0.3 }), [[6], [6]]);
    checkGrads((x) => F.hingeEmbeddingLoss(x, y, { margin: 0.8, reduction: "sum" }), [[6]]);
    checkGrads((x) => F.softMarginLoss(x, y.reshape([2, 3]), { reduction: "none" }), [[2, 3]], { gradgrad: true });
  });

  it("cosineEmbeddingLoss and tripletMarginLoss (p = 2, p = 1 with swap, p = 3)", () => {
    const y = f64([1, -1, -1, 1]);
    checkGrads(
      (a, b) => F.cosineEmbeddingLoss(a, b, y, { margin: -0.5 }),
      [
        [4, 3],
        [4, 3],
      ],
    );
    const shapes = [
      [3, 4],
      [3, 4],
      [3, 4],
    ];
    checkGrads((a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 3 }), shapes);
    checkGrads((a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 3, p: 1, swap: true, reduction: "none" }), shapes);
    checkGrads((a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 3, p: 3, reduction: "sum" }), shapes);
  });

  it("poissonNllLoss and gaussianNllLoss (input, target and var)", () => {
    const counts = f64([
      [0, 1, 2],
      [3, 5, 0.5],
    ]);
    checkGrads((x) => F.poissonNllLoss(x, counts, { full: true }), [[2, 3]], { gradgrad: true });
    checkGrads((x) => F.poissonNllLoss(x, counts, { logInput: false, reduction: "sum" }), [[2, 3]], { positive: true });
    checkGrads((x, t, v) => F.gaussianNllLoss(x, t, v.abs().add(0.1), { full: true }), [[3, 2], [3, 2], [3]]);
  });

  it("multilabelSoftMarginLoss and multiMarginLoss (p = 1 and 2, weighted)", () => {
    const labels = f64([
      [1, 0, 1, 0],
      [0, 0, 1, 1],
    ]);
    const w = f64([0.5, 2, 1, 1.5]);
    checkGrads((x) => F.multilabelSoftMarginLoss(x, labels, { weight: w }), [[2, 4]], { gradgrad: true });
    const target = i32([2, 0, 3]);
    checkGrads((x) => F.multiMarginLoss(x, target, { margin: 2 }), [[3, 4]]);
    checkGrads((x) => F.multiMarginLoss(x, target, 2, 2, w, { reduction: "none" }), [[3, 4]]);
  });
});

describe("extra losses: PyTorch's positional forms, module state and dtypes", () => {
  it("positional arguments mean what they mean in PyTorch", () => {
    const m = new nn.MultiMarginLoss(2, 0.5, f64([1, 2]));
    assert.equal(m.p, 2);
    assert.equal(m.margin, 0.5);
    assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
    const t = new nn.TripletMarginLoss(0.5, 1, 1e-3, true);
    assert.deepEqual([t.margin, t.p, t.eps, t.swap], [0.5, 1, 1e-3, true]);
    const p = new nn.PoissonNLLLoss(false, true, null, 1e-4);
    assert.deepEqual([p.logInput, p.full, p.eps], [false, true, 1e-4]);
    assert.equal(new nn.MarginRankingLoss(0.2).margin, 0.2);
    assert.equal(new nn.HingeEmbeddingLoss().margin, 1);
    assert.equal(new nn.CosineEmbeddingLoss().margin, 0);
    assert.equal(new nn.SoftMarginLoss(null, null, "sum").reduction, "sum");
    assert.ok(new nn.MultiLabelSoftMarginLoss(f64([1, 2, 3])).weight);
    assert.match(new nn.TripletMarginLoss().toString(), /TripletMarginLoss\(margin=1, p=2, eps=0.000001, swap=false, reduction=mean\)/);

    const [a, b, c] = [tg.randn([3, 4]), tg.randn([3, 4]), tg.randn([3, 4])];
    assertClose(F.tripletMarginLoss(a, b, c, 0.5, 1, 1e-6, true), F.tripletMarginLoss(a, b, c, { margin: 0.5, p: 1, swap: true }));
    const x = tg.randn([3, 4]);
    const y = i32([1, 0, 3]);
    assertClose(F.multiMarginLoss(x, y, 2, 0.5, null, null, null, "sum"), F.multiMarginLoss(x, y, { p: 2, margin: 0.5, reduction: "sum" }));
  });

  it("GaussianNLLLoss takes keyword-only options, as PyTorch; the deprecated sizeAverage and reduce accept only null", () => {
    assert.throws(() => new (nn.GaussianNLLLoss as unknown as new (...a: unknown[]) => unknown)(true), tg.ArgumentError);
    assert.equal(new nn.GaussianNLLLoss({ full: true, eps: 1e-3 }).eps, 1e-3);
    assert.throws(() => new nn.MarginRankingLoss(0, true as never), /sizeAverage is deprecated/);
    assert.throws(() => F.softMarginLoss(tg.randn([2]), tg.randn([2]), null, false as never), /reduce is deprecated/);
    assert.throws(() => F.hingeEmbeddingLoss(tg.randn([2]), tg.randn([2]), { reduction: "batchmean" as never }), tg.ArgumentError);
    assert.throws(() => F.multiMarginLoss(tg.randn([2, 3]), i32([0, 1]), { p: 3 as never }), tg.ArgumentError);
  });

  it("float32 inputs give float32 losses", () => {
    const x = tg.randn([3, 4]);
    assert.equal(F.multiMarginLoss(x, i32([0, 1, 2])).dtype, "float32");
    assert.equal(F.poissonNllLoss(x, tg.rand([3, 4]), { full: true }).dtype, "float32");
    assert.equal(F.gaussianNllLoss(x, x, tg.rand([3])).dtype, "float32");
    assert.equal(F.cosineEmbeddingLoss(x, x, tg.ones([3])).dtype, "float32");
  });

  it("softMarginLoss stays finite where e^(−y·x) overflows", () => {
    assertClose(F.softMarginLoss(tg.tensor([100, -100]), tg.tensor([-1, -1]), { reduction: "none" }), [100, 0]);
  });
});

describe("extra losses: errors name the op and the shapes", () => {
  const x = () => tg.randn([2, 3]);
  it("shapes", () => {
    assert.throws(
      () => F.marginRankingLoss(tg.randn([3]), tg.randn([3]), tg.tensor(1)),
      /marginRankingLoss: .*same number of dims.*\[3\], \[3\] and \[\]/,
    );
    assert.throws(
      () => F.marginRankingLoss(tg.randn([3]), tg.randn([4]), tg.ones([3])),
      (e: unknown) => e instanceof tg.ShapeError,
    );
    assert.throws(
      () => F.hingeEmbeddingLoss(x(), tg.ones([4])),
      /hingeEmbeddingLoss: the shapes do not broadcast together: input \[2, 3\], target \[4\]/,
    );
    assert.throws(() => F.cosineEmbeddingLoss(x(), x(), tg.ones([2, 1])), /cosineEmbeddingLoss: expected a 0-dim or 1-dim target/);
    assert.throws(() => F.cosineEmbeddingLoss(x(), x(), tg.tensor(1)), /a 0-dim target expects 1-dim inputs/);
    assert.throws(() => F.tripletMarginLoss(x(), tg.randn([3]), x()), /tripletMarginLoss: .*same number of dims/);
    assert.throws(() => F.tripletMarginLoss(tg.tensor(1), tg.tensor(1), tg.tensor(1)), tg.ShapeError);
    assert.throws(
      () => F.multilabelSoftMarginLoss(x(), tg.ones([4, 2, 3])),
      /target of shape \[4, 2, 3\] must broadcast to the input's shape \[2, 3\]/,
    );
    assert.throws(() => F.multilabelSoftMarginLoss(tg.tensor(1), tg.tensor(1)), tg.ShapeError);
    assert.throws(() => F.multilabelSoftMarginLoss(x(), x(), { weight: tg.ones([4]) }), /weight of shape \[4\]/);
    assert.throws(() => F.poissonNllLoss(x(), tg.ones([3, 3])), tg.ShapeError);
  });

  it("gaussianNllLoss: var's shape and sign", () => {
    assert.throws(
      () => F.gaussianNllLoss(x(), x(), tg.ones([3])),
      (e: unknown) => e instanceof tg.ValueError && /var of shape \[3\]/.test(String(e)),
    );
    assert.throws(() => F.gaussianNllLoss(x(), x(), tg.ones([1, 3])), tg.ValueError);
    assert.throws(
      () =>
        F.gaussianNllLoss(
          x(),
          x(),
          tg.tensor([
            [1, -1, 1],
            [1, 1, 1],
          ]),
        ),
      /var has negative entries/,
    );
    // [2] is the input's shape without its last dim, [2, 1] with a last dim of 1: one variance per row.
    const [input, target, v] = [x(), x(), tg.rand([2]).add(0.1)];
    const perElement = F.gaussianNllLoss(input, target, v.unsqueeze(1).expand([2, 3]).contiguous(), { reduction: "none" });
    assertClose(F.gaussianNllLoss(input, target, v, { reduction: "none" }), perElement);
    assertClose(F.gaussianNllLoss(input, target, v.reshape([2, 1]), { reduction: "none" }), perElement);
  });

  it("multiMarginLoss: targets, weights, input dims", () => {
    assert.throws(
      () => F.multiMarginLoss(x(), i32([0, 3])),
      (e: unknown) => e instanceof tg.IndexError && /index 3 is out of range for 3 classes/.test(String(e)),
    );
    assert.throws(() => F.multiMarginLoss(x(), tg.tensor([0, 1])), tg.DTypeError);
    assert.throws(() => F.multiMarginLoss(x(), i32([0, 1, 2])), /one class index per sample, 2 for input \[2, 3\], got shape \[3\]/);
    assert.throws(() => F.multiMarginLoss(x(), i32([0, 1]), { weight: tg.ones([1, 3]) }), /weight must be one-dimensional/);
    assert.throws(() => F.multiMarginLoss(x(), i32([0, 1]), { weight: tg.ones([4]) }), tg.ShapeError);
    assert.throws(() => F.multiMarginLoss(tg.randn([2, 3, 4]), i32([0, 1])), tg.ShapeError);
    assert.throws(() => F.softMarginLoss(i32([1, 2]), tg.ones([2])), tg.DTypeError);
  });
});

describe("extra losses: learning", () => {
  it("a linear classifier trained with MultiMarginLoss separates three clusters", () => {
    const g = new tg.Generator(3);
    const centers = tg.tensor([
      [2, 0],
      [-1, 1.7],
      [-1, -1.7],
    ]);
    const labels = tg.randint(0, 3, [90], { generator: g, dtype: "int32" });
    const points = centers.indexSelect(0, labels).add(tg.randn([90, 2], { generator: g }).mul(0.3));
    tg.manualSeed(0);
    const model = new nn.Linear(2, 3);
    const lossFn = new nn.MultiMarginLoss({ margin: 1 });
    const opt = new tg.optim.SGD(model.parameters(), 0.1);
    const first = lossFn(model(points), labels).item();
    let last = first;
    for (let step = 0; step < 100; step++) {
      opt.zeroGrad();
      const loss = lossFn(model(points), labels);
      loss.backward();
      opt.step();
      last = loss.item();
    }
    const accuracy = model(points).argmax(1).eq(labels).float().mean().item();
    assert.ok(last < first / 5, `loss ${first} -> ${last}`);
    assert.ok(accuracy >= 0.95, `accuracy ${accuracy}`);
  });

  it("embeddings trained with TripletMarginLoss pull a class together and push the other away", () => {
    tg.manualSeed(1);
    const emb = new nn.Embedding(6, 4); // items 0-2 are one class, 3-5 another
    const opt = new tg.optim.Adam(emb.parameters(), 0.05);
    const lossFn = new nn.TripletMarginLoss({ margin: 1 });
    const anchor = i32([0, 1, 2, 3, 4, 5]);
    const positive = i32([1, 2, 0, 4, 5, 3]);
    const negative = i32([3, 4, 5, 0, 1, 2]);
    let loss = 0;
    for (let step = 0; step < 150; step++) {
      opt.zeroGrad();
      const l = lossFn(emb(anchor), emb(positive), emb(negative));
      l.backward();
      opt.step();
      loss = l.item();
    }
    assert.ok(loss < 0.05, `loss ${loss}`);
    const w = emb.weight.detach();
    const d = (i: number, j: number) => w.get(i).sub(w.get(j)).norm().item();
    assert.ok(d(0, 1) + 1 <= d(0, 3) + 1e-3 && d(3, 4) + 1 <= d(3, 0) + 1e-3, `distances ${d(0, 1)} ${d(0, 3)}`);
  });
});
