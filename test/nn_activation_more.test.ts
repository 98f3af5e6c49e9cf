import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const { nn } = tg;
const F = tg.nn.functional;
const values = (t: tg.Tensor): number[] => Array.from(t.toArray(), Number);
const X = [-3, -1.25, -0, 0, 0.5, 2];

describe("F.rrelu and nn.RReLU", () => {
  it("in eval mode is a leaky ReLU of slope (lower + upper)/2, values and gradient as PyTorch's", () => {
    // torch 1.13: F.rrelu(x) (training=False by default) in float32, backward of [1..6].
    const x = tg.tensor(X).requiresGrad_(true);
    const y = F.rrelu(x);
    assert.deepEqual(values(y), [-0.6875, -0.2864583432674408, -0, 0, 0.5, 2]);
    y.backward(tg.tensor([1, 2, 3, 4, 5, 6]));
    assert.deepEqual(values(x.grad as tg.Tensor), [0.2291666716337204, 0.4583333432674408, 0.6875, 0.9166666865348816, 5, 6]);
    // F.rrelu(x, 0.1, 0.7) in float64.
    assert.deepEqual(values(F.rrelu(tg.tensor(X, { dtype: "float64" }), 0.1, 0.7)), [-1.2, -0.49999999999999994, -0, 0, 0.5, 2]);
    const act = new nn.RReLU(0.1, 0.3);
    act.eval();
    assertClose(act(tg.tensor([-1, 2])), [-0.2, 2]);
  });

  it("in training mode draws each slope from U(lower, upper), seeded, and backpropagates that slope", () => {
    tg.manualSeed(0);
    const x = tg.linspace(-4, 4, 4001, { dtype: "float64" }).requiresGrad_(true);
    const y = F.rrelu(x, 0.1, 0.3, true);
    const xs = values(x);
    const ys = values(y);
    const slopes = xs.map((v, i) => (v < 0 ? ys[i] / v : Number.NaN)).filter((s) => !Number.isNaN(s));
    assert.ok(slopes.every((s) => s >= 0.1 && s < 0.3));
    const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
    assert.ok(Math.abs(mean - 0.2) < 0.01, `mean slope ${mean}`);
    assert.ok(new Set(slopes.map((s) => s.toFixed(6))).size > slopes.length / 2, "slopes differ element to element");
    xs.forEach((v, i) => {
      if (v > 0) assert.equal(ys[i], v);
    });
    y.sum().backward();
    const grad = values(x.grad as tg.Tensor);
    xs.forEach((v, i) => {
      if (v < 0) assert.ok(Math.abs(grad[i] - ys[i] / v) < 1e-12);
      if (v > 0) assert.equal(grad[i], 1);
    });
    // The same seed gives the same slopes; a generator of one's own too.
    tg.manualSeed(0);
    assert.deepEqual(values(F.rrelu(x.detach(), 0.1, 0.3, true)), ys);
    const a = F.rrelu(x.detach(), { training: true, generator: new tg.Generator(5) });
    const b = F.rrelu(x.detach(), { training: true, generator: new tg.Generator(5) });
    assert.deepEqual(values(a), values(b));
    assert.notDeepEqual(values(F.rrelu(x.detach(), 0.1, 0.3, true)), ys);
  });

  it("nn.RReLU follows the module's mode, with PyTorch's defaults and repr", () => {
    tg.manualSeed(1);
    const act = new nn.RReLU();
    assert.equal(act.toString().split("\n")[0], "RReLU(lower=0.125, upper=0.3333333333333333)");
    const x = tg.full([1000], -1);
    const train = values(act(x));
    assert.ok(train.every((v) => v <= -0.125 && v > -1 / 3));
    assert.ok(new Set(train).size > 100);
    act.eval();
    assert.ok(values(act(x)).every((v) => v === Math.fround(-(1 / 8 + 1 / 3) / 2)));
  });

  it("passes gradcheck in float64 (eval, and training with a fixed generator)", () => {
    checkGrads((x) => F.rrelu(x, 0.2, 0.6), [[3, 5]]);
    checkGrads((x) => F.rrelu(x, 0.2, 0.6, true, { generator: new tg.Generator(3) }), [[3, 5]]);
  });

  it("rejects what PyTorch rejects", () => {
    assert.throws(() => F.rrelu(tg.randn([3]), 0.5, 0.1, true), /lower \(0.5\) should be less than or equal to upper \(0.1\)/);
    assert.throws(() => F.rrelu(tg.randn([3]), { inplace: true } as never), tg.ArgumentError);
    assert.throws(() => F.rrelu(tg.tensor([1, -2], { dtype: "int32" })), tg.DTypeError);
    assert.throws(() => new nn.RReLU({ lower_bound: 0.1 } as never), /unknown option "lower_bound"; the options are lower, upper, inplace/);
  });
});

describe("nn.Softmax2d", () => {
  // torch.manual_seed(0); t = torch.randn(2, 3, 2, 2, dtype=torch.float64); torch.nn.Softmax2d()(t)
  const T = [
    -2.310411800234176, -0.3732508612577643, -1.0608166785462863, 0.9995093547811761, -0.8840250045832653, -1.2755469302148053,
    -0.623224579866079, -0.8664416019125772, 0.23871805816817063, 0.7335283685272841, -1.3218818291421377, 1.3148113651971234,
    -1.4874956356507338, -0.7135753396468577, 0.519998663178938, -0.9528856397032842, 0.6748575435940039, 1.0468653769814655,
    0.15429517864658948, -0.7498915228391941, -0.7233897004977882, 0.08636989238234997, -1.746404903728242, 1.041012457033509,
  ];
  const OUT = [
    0.05568055041681047, 0.225721489001877, 0.3012770815453609, 0.3959733962125045, 0.2318330955401995, 0.09156103698829454,
    0.4666700498980834, 0.06127647929490071, 0.7124863540429901, 0.6827174740098285, 0.2320528685565558, 0.5427501244925949,
    0.08446915971902837, 0.11061434650254146, 0.5563613923721321, 0.10450225678607727, 0.7341693126868091, 0.643222380309755,
    0.38595260804802606, 0.1280220844848157, 0.18136152759416263, 0.2461632731877037, 0.05768599957984186, 0.767475658729107,
  ];

  it("is a softmax over the channels of 4-D and 3-D inputs, as PyTorch's", () => {
    const m = new nn.Softmax2d();
    const t = tg.tensor(T, { dtype: "float64" }).reshape([2, 3, 2, 2]);
    assertClose(m(t), tg.tensor(OUT, { dtype: "float64" }).reshape([2, 3, 2, 2]), { atol: 1e-14, rtol: 1e-12 });
    assertClose(m(t.get(0)), tg.tensor(OUT.slice(0, 12), { dtype: "float64" }).reshape([3, 2, 2]), { atol: 1e-14, rtol: 1e-12 });
    assertClose(m(tg.randn([4, 5, 3, 3])).sum(1), tg.ones([4, 3, 3]));
    assert.equal(m.toString().split("\n")[0], "Softmax2d()");
  });

  it("passes gradcheck and rejects inputs that are not 3-D or 4-D, and any argument", () => {
    const m = new nn.Softmax2d();
    checkGrads((x) => m(x), [[2, 3, 2, 2]]);
    assert.throws(() => m(tg.randn([2, 3])), /Softmax2d.*got input of shape \[2, 3\].*3-D \[C, H, W\] or 4-D \[N, C, H, W\]/);
    assert.throws(() => new nn.Softmax2d({ dim: 1 } as never), tg.ArgumentError);
  });
});
