import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// Ops added for PyTorch fidelity (issue 11, part 2): forward values are PyTorch 2's (float32), gradients go
// through gradcheck in float64.

const x = () => tg.tensor([-0.9, -0.3, 0, 0.5, 0.8]);

describe("elementwise math PyTorch has", () => {
  it("forward values match PyTorch", () => {
    assertClose(tg.tan(x()), [-1.2601581811904907, -0.30933627486228943, 0.0, 0.5463024973869324, 1.0296385288238525]);
    assertClose(tg.asin(x()), [-1.1197694540023804, -0.30469265580177307, 0.0, 0.5235987901687622, 0.9272952079772949]);
    assertClose(tg.acos(x()), [2.690565824508667, 1.8754889965057373, 1.5707963705062866, 1.0471975803375244, 0.6435011029243469]);
    assertClose(tg.atan(x()), [-0.7328150868415833, -0.29145681858062744, 0.0, 0.46364760398864746, 0.6747409701347351]);
    assertClose(tg.sinh(x()), [-1.0265166759490967, -0.30452030897140503, 0.0, 0.5210952758789062, 0.8881060481071472]);
    assertClose(tg.cosh(x()), [1.4330863952636719, 1.04533851146698, 1.0, 1.1276259422302246, 1.3374348878860474]);
    assertClose(tg.exp2(x()), [0.5358867645263672, 0.812252402305603, 1.0, 1.4142135381698608, 1.7411011457443237]);
    const p = tg.tensor([0.5, 1, 2, 10]);
    assertClose(tg.log2(p), [-1.0, 0.0, 1.0, 3.321928024291992]);
    assertClose(tg.log10(p), [-0.3010300099849701, 0.0, 0.3010300099849701, 1.0]);
    assertClose(
      tg.atan2(tg.tensor([1, -1, 0, 2]), tg.tensor([1, -1, -1, 0])),
      [0.7853981852531433, -2.356194496154785, 3.1415927410125732, 1.5707963705062866],
    );
    assertClose(tg.lerp(tg.tensor([1, 2]), tg.tensor([3, 6]), 0.25), [1.5, 3.0]);
    const inf = Number.POSITIVE_INFINITY;
    assert.deepEqual(
      tg
        .logaddexp(tg.tensor([1, 100, -inf, inf]), tg.tensor([2, 100, -inf, inf]))
        .toArray()
        .slice(2),
      new Float32Array([-inf, inf]),
    );
    assertClose(tg.logaddexp(tg.tensor([1, 100]), tg.tensor([2, 100])), [2.3132617473602295, 100.69314575195312]);
    assert.deepEqual(tg.clip(tg.tensor([-2, 0.5, 3]), 0, 1).tolist(), [0, 0.5, 1]);
    assert.equal(
      tg
        .asin(tg.tensor([2]))
        .isnan()
        .item(),
      1,
      "NaN outside the domain, as PyTorch",
    );
  });

  it("logaddexp's gradient is sigma(a - b), 1/2 each at a tie (PyTorch's)", () => {
    const a = tg.tensor([1, 2], { requiresGrad: true });
    const b = tg.tensor([1, 3], { requiresGrad: true });
    tg.logaddexp(a, b).sum().backward();
    assertClose(a.grad!, [0.5, 0.2689414322376251]);
    assertClose(b.grad!, [0.5, 0.7310585975646973]);
  });

  it("gradcheck", () => {
    for (const f of [tg.tan, tg.sinh, tg.cosh, tg.exp2, tg.atan]) checkGrads((t) => f(t), [[2, 3]], { gradgrad: true });
    // asin/acos on (-1, 1): scale the inputs in.
    checkGrads((t) => tg.asin(t.tanh().mul(0.9)), [[2, 3]]);
    checkGrads((t) => tg.acos(t.tanh().mul(0.9)), [[2, 3]]);
    checkGrads((t) => tg.log2(t), [[2, 3]], { positive: true });
    checkGrads((t) => tg.log10(t), [[2, 3]], { positive: true });
    checkGrads((y, x) => tg.atan2(y, x), [[2, 3], [3]]);
    checkGrads((a, b, w) => tg.lerp(a, b, w), [[2, 3], [2, 3], [3]]);
    checkGrads(
      (a, b) => tg.logaddexp(a, b),
      [
        [2, 3],
        [2, 3],
      ],
      { gradgrad: true },
    );
  });
});

describe("sort, argsort, topk, kthvalue, median", () => {
  const y = () =>
    tg.tensor([
      [3, 1, 2, 1],
      [Number.NaN, 0, 5, -1],
    ]);
  it("match PyTorch (stable order for ties, NaN as the largest value)", () => {
    const s = tg.sort(y(), 1);
    assert.deepEqual(s.indices.tolist(), [
      [1, 3, 2, 0],
      [3, 1, 2, 0],
    ]);
    const values = s.values.tolist() as number[][];
    assert.deepEqual(values[0], [1, 1, 2, 3]);
    assert.deepEqual(values[1].slice(0, 3), [-1, 0, 5]);
    assert.ok(Number.isNaN(values[1][3]));
    const d = tg.sort(y(), 1, true);
    assert.deepEqual(d.indices.tolist(), [
      [0, 2, 1, 3],
      [0, 2, 1, 3],
    ]);
    assert.deepEqual(tg.argsort(y(), { dim: 1, descending: true }).tolist(), d.indices.tolist());
    const t = tg.tensor([[1, 5, 3, 4]]);
    assert.deepEqual(tg.topk(t, 2).values.tolist(), [[5, 4]]);
    assert.deepEqual(tg.topk(t, 2).indices.tolist(), [[1, 3]]);
    assert.deepEqual(tg.topk(t, 2, -1, false).indices.tolist(), [[0, 2]]);
    const k = tg.kthvalue(tg.tensor([5, 1, 4]), 2);
    assert.equal(k.values.item(), 4);
    assert.equal(k.indices.item(), 2);
    assert.equal(tg.median(tg.tensor([1, 4, 2, 3])).item(), 2);
    const m = tg.median(
      tg.tensor([
        [1, 4, 2, 3],
        [9, 8, 7, 6],
      ]),
      1,
    );
    assert.deepEqual(m.values.tolist(), [2, 7]);
    assert.deepEqual(m.indices.tolist(), [2, 2]);
    assert.deepEqual(tg.sort(tg.randn([3, 4, 5]), 0).values.shape, [3, 4, 5]);
  });

  it("gradients flow to where each value came from (gradcheck)", () => {
    checkGrads((t) => tg.sort(t, 0).values, [[4, 3]]);
    checkGrads((t) => tg.topk(t, 2, 1).values, [[3, 4]]);
    checkGrads((t) => tg.kthvalue(t, 2, 0, true).values, [[3, 2]]);
    checkGrads((t) => tg.median(t), [[5]]);
  });

  it("bad k and unknown options throw", () => {
    assert.throws(() => tg.topk(tg.ones([3]), 4), /k \(4\) is larger/);
    assert.throws(() => tg.sort(tg.ones([3]), { bogus: 1 } as never), tg.ArgumentError);
  });
});

describe("multinomial", () => {
  it("samples with the weights' frequencies, reproducibly from a generator", () => {
    const probs = tg.tensor([0.1, 0, 0.6, 0.3]);
    const s = tg.multinomial(probs, 20000, true, { generator: new tg.Generator(3) });
    assert.equal(s.dtype, "int32");
    const counts = [0, 0, 0, 0];
    for (const v of s.toArray()) counts[v]++;
    assert.equal(counts[1], 0, "a zero weight is never drawn");
    for (const [i, p] of [0.1, 0, 0.6, 0.3].entries()) assert.ok(Math.abs(counts[i] / 20000 - p) < 0.015, `category ${i}: ${counts[i]}`);
    assert.deepEqual(
      tg.multinomial(probs, 5, true, { generator: new tg.Generator(1) }).tolist(),
      tg.multinomial(probs, 5, true, { generator: new tg.Generator(1) }).tolist(),
    );
  });

  it("without replacement the samples of a row are distinct; rows sample independently", () => {
    tg.manualSeed(0);
    const w = tg.tensor([
      [1, 1, 1, 1, 0],
      [0, 0, 5, 1, 1],
    ]);
    const s = tg.multinomial(w, 3);
    assert.deepEqual(s.shape, [2, 3]);
    for (const row of s.tolist() as number[][]) assert.equal(new Set(row).size, 3);
    assert.ok((s.tolist() as number[][])[1].every((v) => v >= 2));
    assert.throws(() => tg.multinomial(w, 5), /without replacement/);
    assert.throws(() => tg.multinomial(tg.tensor([0, 0]), 1), /sum to zero/);
    assert.throws(() => tg.multinomial(tg.tensor([-1, 2]), 1), /non-negative/);
  });
});

describe("addmm, baddbmm, addcmul, addcdiv", () => {
  const m1 = () =>
    tg.tensor([
      [1, 2],
      [3, 4],
    ]);
  const m2 = () =>
    tg.tensor([
      [0.5, -1],
      [2, 0],
    ]);
  it("match PyTorch, beta = 0 ignoring the input (NaN included)", () => {
    assertClose(tg.addmm(tg.tensor([1, 2]), m1(), m2(), { beta: 0.5, alpha: 2 }), [
      [9.5, -1.0],
      [19.5, -5.0],
    ]);
    assertClose(tg.addmm(tg.tensor([Number.NaN, 0]), m1(), m2(), { beta: 0 }), [
      [4.5, -1.0],
      [9.5, -3.0],
    ]);
    const b = tg.ones([2, 2, 2]);
    assertClose(tg.baddbmm(tg.ones([2, 2]), b, b, { alpha: 0.5 }), tg.full([2, 2, 2], 2));
    assertClose(tg.addcmul(tg.tensor([1, 2]), tg.tensor([3, 4]), tg.tensor([5, 6]), { value: 0.1 }), [2.5, 4.400000095367432]);
    assertClose(tg.addcdiv(tg.tensor([1, 2]), tg.tensor([3, 4]), tg.tensor([5, 8]), { value: 2 }), [2.200000047683716, 3.0]);
    assert.throws(
      () => tg.addmm(tg.zeros([2]), m1(), m2(), 0.5 as never),
      tg.ArgumentError,
      "beta and alpha are keyword-only, as in PyTorch",
    );
  });

  it("gradcheck", () => {
    checkGrads((i, a, b) => tg.addmm(i, a, b, { beta: 0.5, alpha: -2 }), [[3], [2, 4], [4, 3]], { gradgrad: true });
    checkGrads(
      (i, a, b) => tg.baddbmm(i, a, b, { beta: 2 }),
      [
        [2, 3],
        [2, 2, 4],
        [2, 4, 3],
      ],
    );
    checkGrads((i, a, b) => tg.addcmul(i, a, b, { value: 0.3 }), [[2, 3], [2, 3], [3]]);
    checkGrads((i, a, b) => tg.addcdiv(i, a, b, { value: 0.3 }), [[2, 3], [2, 3], [3]], { positive: true });
  });
});

describe("isclose, allclose, equal", () => {
  it("match PyTorch", () => {
    const inf = Number.POSITIVE_INFINITY;
    const a = tg.tensor([1, 1e-9, inf, Number.NaN, 100]);
    const b = tg.tensor([1.00001, 0, inf, Number.NaN, 100.01]);
    assert.deepEqual(tg.isclose(a, b).tolist(), [0, 1, 1, 0, 0]);
    assert.deepEqual(tg.isclose(a, b, { equalNan: true }).tolist(), [0, 1, 1, 1, 0]);
    assert.deepEqual(tg.isclose(a, b, 1e-3).tolist(), [1, 1, 1, 0, 1]);
    assert.equal(tg.allclose(tg.tensor([1, 2]), tg.tensor([1, 2.000001])), true);
    assert.equal(tg.allclose(tg.tensor([1, 2]), tg.tensor([1, 2.1])), false);
    assert.equal(tg.equal(tg.tensor([1, 2]), tg.tensor([1, 2])), true);
    assert.equal(tg.equal(tg.tensor([1, 2]), tg.tensor([[1, 2]])), false, "no broadcasting");
  });
});

describe("tensor methods PyTorch users reach for", () => {
  it(".t(), .softmax(), .logSoftmax(), .sort(), .topk()", () => {
    const m = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(m.t().tolist(), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    assert.deepEqual(tg.tensor([1, 2]).t().tolist(), [1, 2]);
    assert.throws(() => tg.zeros([2, 2, 2]).t(), tg.ShapeError);
    assertClose(m.softmax(1), tg.nn.functional.softmax(m, 1));
    assertClose(m.logSoftmax(0), tg.nn.functional.logSoftmax(m, 0));
    assert.deepEqual(tg.tensor([3, 1, 2]).sort().indices.tolist(), [1, 2, 0]);
    assert.deepEqual(tg.tensor([3, 1, 2]).argsort({ descending: true }).tolist(), [0, 2, 1]);
    assert.deepEqual(tg.tensor([3, 1, 2]).topk(1).values.tolist(), [3]);
  });
});

describe("diagonal, diag, trace, roll, cumprod", () => {
  const x = () => tg.arange(12).reshape([3, 4]).float();
  it("match PyTorch", () => {
    assert.deepEqual(tg.diagonal(x()).tolist(), [0, 5, 10]);
    assert.deepEqual(tg.diagonal(x(), 1).tolist(), [1, 6, 11]);
    assert.deepEqual(tg.diagonal(x(), -1).tolist(), [4, 9]);
    assert.deepEqual(tg.diagonal(tg.arange(24).reshape([2, 3, 4]), 0, 1, 2).tolist(), [
      [0, 5, 10],
      [12, 17, 22],
    ]);
    assert.deepEqual(tg.diag(tg.tensor([1, 2]), 1).tolist(), [
      [0, 1, 0],
      [0, 0, 2],
      [0, 0, 0],
    ]);
    assert.deepEqual(tg.diag(tg.tensor([1, 2]), -1).tolist(), [
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
    ]);
    assert.equal(tg.trace(x()).item(), 15);
    assert.deepEqual(tg.roll(tg.tensor([1, 2, 3, 4]), 1).tolist(), [4, 1, 2, 3]);
    assert.deepEqual(tg.roll(x(), [1, -1], [0, 1]).tolist(), [
      [9, 10, 11, 8],
      [1, 2, 3, 0],
      [5, 6, 7, 4],
    ]);
    assert.deepEqual(tg.roll(x(), 5).tolist(), [
      [7, 8, 9, 10],
      [11, 0, 1, 2],
      [3, 4, 5, 6],
    ]);
    assert.deepEqual(
      tg
        .cumprod(
          tg.tensor([
            [1, 2, 0, -3],
            [2, 2, 2, 2],
          ]),
          1,
        )
        .tolist(),
      [
        [1, 2, 0, -0],
        [2, 4, 8, 16],
      ],
    );
  });

  it("gradcheck", () => {
    checkGrads((t) => tg.diagonal(t, 1), [[3, 4]], { gradgrad: true });
    checkGrads((t) => tg.diag(t, -1), [[3]]);
    checkGrads((t) => tg.trace(t), [[3, 3]]);
    checkGrads((t) => tg.roll(t, [2, -1], [0, 1]), [[3, 4]]);
    checkGrads((t) => tg.cumprod(t, 1), [[2, 4]], { gradgrad: true });
  });
});
