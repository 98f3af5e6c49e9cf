import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const { nn } = tg;
const F = tg.nn.functional;

// Reference values: torch 1.13, float64, from torch.nn.functional on A and B below.
const f64 = (v: tg.NestedArray) => tg.tensor(v, { dtype: "float64" });
const A = f64([
  [0.5, -1.2, 2.0, 0.3],
  [1.5, 0.2, -0.7, -2.2],
  [0, 0, 0, 0],
]);
const B = f64([
  [1.0, 0.4, -0.3, 0.8],
  [-0.6, 1.1, 0.9, 0.05],
]);
const A2 = A.narrow(0, 0, 2);
const tight = { atol: 1e-12, rtol: 1e-12 };

describe("F.normalize", () => {
  it("matches PyTorch for p = 2, 1, 3, Infinity over dims 1, 0, −1; zero vectors stay zero", () => {
    assertClose(
      F.normalize(A),
      [
        [0.20797258270192576, -0.4991341984846218, 0.831890330807703, 0.12478354962115545],
        [0.5433926670016638, 0.07245235560022184, -0.2535832446007764, -0.7969759116024402],
        [0, 0, 0, 0],
      ],
      tight,
    );
    assertClose(
      F.normalize(A, 1, 0),
      [
        [0.25, -0.8571428571428572, 0.7407407407407407, 0.12],
        [0.75, 0.14285714285714288, -0.25925925925925924, -0.8800000000000001],
        [0, 0, 0, 0],
      ],
      tight,
    );
    assertClose(
      F.normalize(A, { p: Infinity, dim: -1 }),
      [
        [0.25, -0.6, 1.0, 0.15],
        [0.6818181818181818, 0.09090909090909091, -0.3181818181818181, -1.0],
        [0, 0, 0, 0],
      ],
      tight,
    );
    assertClose(
      F.normalize(A, 3),
      [
        [0.2330152560043189, -0.5592366144103653, 0.9320610240172756, 0.13980915360259133],
        [0.6169245394494571, 0.08225660525992762, -0.2878981184097466, -0.9048226578592038],
        [0, 0, 0, 0],
      ],
      tight,
    );
  });
  it("gradcheck and gradgradcheck", () => {
    checkGrads((x) => F.normalize(x), [[3, 4]], { gradgrad: true });
    checkGrads((x) => F.normalize(x, 1, 0), [[3, 4]]);
    checkGrads((x) => F.normalize(x, { p: 3, dim: -1 }), [[2, 3, 4]]);
  });
  it("refuses bad arguments by name", () => {
    assert.throws(() => F.normalize(A, { dim: 2 }), /normalize: dim 2 is out of range/);
    assert.throws(() => F.normalize(A, { axis: 1 } as never), /normalize: unknown option "axis"/);
    assert.throws(() => F.normalize(tg.tensor([1, 2], { dtype: "int32" }), { dim: 0 }), /normalize: expected floating/);
  });
});

describe("F.cosineSimilarity and nn.CosineSimilarity", () => {
  it("matches PyTorch with broadcasting, the default dim 1, dim 0 and a zero vector", () => {
    assertClose(
      F.cosineSimilarity(A.unsqueeze(1), B.unsqueeze(0), { dim: -1 }),
      [
        [-0.10286889997472792, 0.05254776360501079],
        [0.007905200090854159, -0.3332686053383475],
        [0, 0],
      ],
      tight,
    );
    assertClose(F.cosineSimilarity(B, B.get(1)), [-0.18378804169810314, 1.0], tight);
    assertClose(
      F.cosineSimilarity(A2, B, 0),
      [-0.21693045781865616, -0.18259219384277633, -0.6118721499133979, 0.07304379461771704],
      tight,
    );
    assertClose(new nn.CosineSimilarity(-1)(A.unsqueeze(1), B.unsqueeze(0)), F.cosineSimilarity(A.unsqueeze(1), B.unsqueeze(0), -1));
  });
  it("gradients match PyTorch's, also below eps where the norm is clamped", () => {
    const x = A2.clone().requiresGrad_(true);
    const y = B.clone().requiresGrad_(true);
    F.cosineSimilarity(x, y)
      .mul(f64([1, -2]))
      .sum()
      .backward();
    assertClose(
      x.grad!,
      [
        [0.3114542819304047, 0.09966537021772949, -0.05517190137052882, 0.24738368679043574],
        [0.15042732879306583, -0.5338260570518871, -0.3612227092721285, 0.1689689446680505],
      ],
      tight,
    );
    assertClose(
      y.grad!,
      [
        [0.20570578348510024, -0.3412955100313103, 0.5887827795005437, 0.13430906797198375],
        [-0.5362303336119577, -0.40161864060548386, 0.07678727749619196, 1.0186750950456975],
      ],
      tight,
    );
    const small = f64([[1e-9, 0]]).requiresGrad_(true);
    const c = F.cosineSimilarity(small, f64([[1, 2]]));
    assertClose(c, [0.044721359549995794], tight);
    c.backward();
    assertClose(small.grad!, [[44274145.95449584, 89442719.09999159]], { atol: 1e-6, rtol: 1e-12 });
  });
  it("gradcheck and gradgradcheck", () => {
    checkGrads(
      (a, b) => F.cosineSimilarity(a, b),
      [
        [3, 4],
        [3, 4],
      ],
      { gradgrad: true },
    );
    checkGrads(
      (a, b) => F.cosineSimilarity(a, b, { dim: -1 }),
      [
        [2, 1, 3],
        [4, 3],
      ],
    );
  });
  it("refuses bad arguments by name", () => {
    assert.throws(() => F.cosineSimilarity(A, B), /cosineSimilarity: shapes \[3, 4\] and \[2, 4\]/);
    assert.throws(() => F.cosineSimilarity(A, A, { dim: 3 }), /cosineSimilarity: dim 3 is out of range/);
    assert.throws(() => new nn.CosineSimilarity({ dims: 1 } as never), /CosineSimilarity: unknown option "dims"/);
    assert.match(new nn.CosineSimilarity().toString(), /dim=1, eps=1e-8/);
  });
});

describe("F.pairwiseDistance and nn.PairwiseDistance", () => {
  it("matches PyTorch for p = 2, 1 (keepdim), Infinity, −Infinity, 0 and 3 with broadcasting", () => {
    assertClose(F.pairwiseDistance(A2, B), [2.8896365515413875, 3.5836426579674487], tight);
    assertClose(F.pairwiseDistance(A2, B, 1, { keepdim: true }), [[4.899998], [6.849998]], tight);
    assertClose(F.pairwiseDistance(A2, B, Infinity), [2.300001, 2.249999], tight);
    assertClose(F.pairwiseDistance(A2, B, -Infinity), [0.499999, 0.8999990000000001], tight);
    assertClose(F.pairwiseDistance(A2, B, 0), [4, 4], tight);
    assertClose(F.pairwiseDistance(A, B.get(0), 3, 1e-3), [2.546834708898882, 3.006289113802784, 1.1690896802982171], tight);
    assert.deepEqual(F.pairwiseDistance(B.get(0), B.get(1)).shape, []);
    assert.deepEqual(F.pairwiseDistance(B.get(0), B.get(1), { keepdim: true }).shape, [1]);
    assertClose(new nn.PairwiseDistance(1, { keepdim: true })(A2, B), F.pairwiseDistance(A2, B, 1, { keepdim: true }));
  });
  it("gradcheck and gradgradcheck", () => {
    checkGrads(
      (a, b) => F.pairwiseDistance(a, b),
      [
        [3, 4],
        [3, 4],
      ],
      { gradgrad: true },
    );
    checkGrads((a, b) => F.pairwiseDistance(a, b, 3), [[2, 3, 4], [4]]);
    checkGrads(
      (a, b) => F.pairwiseDistance(a, b, 1, { keepdim: true }),
      [
        [3, 4],
        [3, 4],
      ],
    );
  });
  it("refuses bad arguments by name", () => {
    assert.throws(() => F.pairwiseDistance(A2, B, "2" as never), /pairwiseDistance: p must be a number/);
    assert.throws(() => new nn.PairwiseDistance({ norm: 2 } as never), /PairwiseDistance: unknown option "norm"/);
    assert.match(new nn.PairwiseDistance().toString(), /p=2, eps=0.000001, keepdim=false/);
  });
});

describe("F.gumbelSoftmax", () => {
  const logits = f64([[Math.log(0.5), Math.log(0.3), Math.log(0.2)]]).expand([4000, 3]);
  it("soft samples are distributions; hard ones are one-hot and pick class k with probability softmax(logits)_k", () => {
    tg.manualSeed(0);
    const soft = F.gumbelSoftmax(logits);
    assertClose(soft.sum(-1), tg.ones([4000], { dtype: "float64" }), { atol: 1e-12, rtol: 0 });
    assert.ok(soft.min().item() > 0);
    const hard = F.gumbelSoftmax(logits, { tau: 0.5, hard: true });
    assert.ok(hard.eq(0).logicalOr(hard.eq(1)).all().item());
    assertClose(hard.sum(-1), tg.ones([4000], { dtype: "float64" }), { atol: 0, rtol: 0 });
    // The Gumbel-max trick: argmax frequencies are the softmax of the logits, whatever tau (3σ ≈ 0.024 at 4,000).
    assertClose(hard.mean(0), [0.5, 0.3, 0.2], { atol: 0.03, rtol: 0 });
    // A lower temperature gives samples closer to one-hot.
    const peak = (tau: number) => F.gumbelSoftmax(logits, tau).amax(-1).mean().item();
    assert.ok(peak(0.1) > 0.95 && peak(10) < 0.45, `${peak(0.1)} ${peak(10)}`);
  });
  it("is reproducible from the seed or a generator, and hard samples take the soft samples' gradient", () => {
    tg.manualSeed(7);
    const a = F.gumbelSoftmax(logits.narrow(0, 0, 5));
    tg.manualSeed(7);
    assert.deepEqual(F.gumbelSoftmax(logits.narrow(0, 0, 5)).tolist(), a.tolist());
    const gen = () => new tg.Generator(3);
    const x = f64([
      [0.2, -1, 0.5, 2],
      [1, 1, 0, -0.5],
    ]);
    const w = f64([
      [1, 2, 3, 4],
      [-1, 0.5, 2, 0],
    ]);
    const grad = (hard: boolean) => {
      const l = x.clone().requiresGrad_(true);
      const y = F.gumbelSoftmax(l, { tau: 0.7, hard, generator: gen() });
      y.mul(w).sum().backward();
      return { y, g: l.grad! };
    };
    const soft = grad(false);
    const hard = grad(true);
    assertClose(hard.g, soft.g, { atol: 1e-12, rtol: 0 });
    assert.deepEqual(hard.y.argmax(-1).tolist(), soft.y.argmax(-1).tolist());
    assert.deepEqual(hard.y.sum(-1).tolist(), [1, 1]);
    assert.deepEqual(F.gumbelSoftmax(x, { dim: 0, hard: true, generator: gen() }).sum(0).tolist(), [1, 1, 1, 1]);
  });
  it("gradcheck (fixed noise) and bad arguments", () => {
    checkGrads((l) => F.gumbelSoftmax(l, { tau: 0.8, generator: new tg.Generator(5) }), [[3, 5]]);
    assert.throws(() => F.gumbelSoftmax(logits, { eps: 1e-5 } as never), /gumbelSoftmax: eps must be 1e-10/);
    assert.throws(() => F.gumbelSoftmax(logits, 0), /gumbelSoftmax: tau must be a positive number/);
    assert.throws(() => F.gumbelSoftmax(logits, { dim: 2 }), /gumbelSoftmax: dim 2 is out of range/);
  });
});
