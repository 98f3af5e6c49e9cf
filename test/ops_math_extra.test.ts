import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// nansum, nanmean, logcumsumexp, cummax, cummin, rot90, cross, kron, tensordot (issue 11, part 2): forward values are
// PyTorch 2's, gradients go through gradcheck in float64.

const NaN_ = Number.NaN;

describe("nansum / nanmean", () => {
  const x = () =>
    tg.tensor([
      [1, NaN_, 2],
      [NaN_, NaN_, NaN_],
      [3, 4, NaN_],
    ]);
  it("forward values match PyTorch", () => {
    assertClose(tg.nansum(x()), 10);
    assertClose(tg.nansum(x(), 1), [3, 0, 7]);
    assertClose(tg.nansum(x(), 0, true), [[4, 4, 2]]);
    assertClose(tg.nansum(x(), { dim: [0, 1] }), 10);
    assertClose(tg.nanmean(x()), 2.5);
    assertClose(tg.nanmean(x(), 1), [1.5, NaN_, 3.5]);
    assertClose(tg.nanmean(x(), { dim: 0 }), [2, 4, 2]);
    assert.equal(tg.nansum(tg.tensor([1, 2], { dtype: "int32" })).item(), 3);
    assert.equal(tg.nanmean(tg.tensor([1, 2], { dtype: "int32" }), { dtype: "float64" }).item(), 1.5);
  });
  it("NaN entries get a zero gradient", () => {
    const t = tg.tensor([1, NaN_, 3], { requiresGrad: true });
    tg.nanmean(t).backward();
    assertClose(t.grad!, [0.5, 0, 0.5]);
  });
  it("errors", () => {
    assert.throws(() => tg.nanmean(tg.tensor([1, 2], { dtype: "int32" })), tg.DTypeError);
    assert.throws(() => tg.nansum(tg.tensor([1]), { keep_dim: true } as never), tg.ArgumentError);
  });
  it("gradcheck", () => {
    checkGrads((t) => tg.nansum(t, 1), [[2, 3]]);
    checkGrads((t) => tg.nanmean(t, [0, 1], true), [[2, 3]]);
  });
});

describe("logcumsumexp", () => {
  const y = () =>
    tg.tensor([
      [0.5, -1, 2, 100],
      [-3, 0, 0, 1],
    ]);
  it("forward values match PyTorch", () => {
    assertClose(tg.logcumsumexp(y(), 1), [
      [0.5, 0.7014132738113403, 2.2413113117218018, 100.0],
      [-3.0, 0.04858735203742981, 0.7177359461784363, 1.561941385269165],
    ]);
    assertClose(tg.logcumsumexp(y(), 0), [
      [0.5, -1.0, 2.0, 100.0],
      [0.529750406742096, 0.3132616877555847, 2.1269280910491943, 100.0],
    ]);
    assertClose(tg.logcumsumexp(y(), -2), tg.logcumsumexp(y(), 0));
    // 150 entries: three blocks of the scan, carried on by logaddexp.
    const long = tg.linspace(-3, 5, 150).sin().mul(tg.arange(150).float().div(10));
    const r = tg.logcumsumexp(long, 0);
    assertClose(
      tg.stack([0, 63, 64, 65, 127, 128, 149].map((i) => r.select(0, i))),
      [0.0, 3.9208316802978516, 4.180295944213867, 4.462277412414551, 11.447273254394531, 11.447273254394531, 11.447273254394531],
      { atol: 1e-4 },
    );
  });
  it("gradcheck", () => {
    checkGrads((t) => tg.logcumsumexp(t, 1), [[2, 4]], { gradgrad: true });
    checkGrads((t) => tg.logcumsumexp(t, 0), [[3, 2]]);
    checkGrads((t) => tg.logcumsumexp(t, 1), [[1, 70]]);
  });
});

describe("cummax / cummin", () => {
  const z = () =>
    tg.tensor([
      [1, 3, 3],
      [2, 0, 5],
      [2, 4, -1],
    ]);
  it("values and indices match PyTorch (ties take the latest index, NaN sticks)", () => {
    const mx = tg.cummax(z(), 0);
    assert.deepEqual(mx.values.tolist(), [
      [1, 3, 3],
      [2, 3, 5],
      [2, 4, 5],
    ]);
    assert.deepEqual(mx.indices.tolist(), [
      [0, 0, 0],
      [1, 0, 1],
      [2, 2, 1],
    ]);
    assert.equal(mx.indices.dtype, "int32");
    const mn = tg.cummin(z(), 1);
    assert.deepEqual(mn.values.tolist(), [
      [1, 1, 1],
      [2, 0, 0],
      [2, 2, -1],
    ]);
    assert.deepEqual(mn.indices.tolist(), [
      [0, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    const n = tg.cummax(tg.tensor([1, 3, 3, 2, 5, NaN_, 1]), 0);
    assert.deepEqual(n.indices.tolist(), [0, 1, 2, 2, 4, 5, 5]);
    assert.deepEqual(tg.cummin(tg.tensor([1, 3, 3, 2, 5, NaN_, 1]), 0).indices.tolist(), [0, 0, 0, 0, 0, 5, 5]);
  });
  it("gradcheck", () => {
    checkGrads((t) => tg.cummax(t, 1).values, [[3, 4]]);
    checkGrads((t) => tg.cummin(t, 0).values, [[3, 4]]);
  });
});

describe("rot90", () => {
  const a = () => tg.arange(6).reshape([2, 3]);
  it("matches PyTorch", () => {
    assert.deepEqual(tg.rot90(a()).tolist(), [
      [2, 5],
      [1, 4],
      [0, 3],
    ]);
    assert.deepEqual(tg.rot90(a(), 2).tolist(), [
      [5, 4, 3],
      [2, 1, 0],
    ]);
    assert.deepEqual(tg.rot90(a(), -1).tolist(), [
      [3, 0],
      [4, 1],
      [5, 2],
    ]);
    assert.deepEqual(tg.rot90(a(), 3, [1, 0]).tolist(), [
      [2, 5],
      [1, 4],
      [0, 3],
    ]);
    assert.deepEqual(tg.rot90(a(), { k: 4 }).tolist(), a().tolist());
    assert.throws(() => tg.rot90(a(), 1, [0, 0]), tg.ShapeError);
    assert.throws(() => tg.rot90(tg.arange(3)), tg.ShapeError);
  });
  it("gradcheck", () => checkGrads((t) => tg.rot90(t, 1, [1, 2]), [[2, 3, 4]]));
});

describe("cross", () => {
  const u = () =>
    tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  const v = () =>
    tg.tensor([
      [-1, 0.5, 2],
      [3, -2, 1],
    ]);
  it("matches PyTorch", () => {
    assertClose(tg.cross(u(), v(), 1), [
      [2.5, -5.0, 2.5],
      [17.0, 14.0, -23.0],
    ]);
    assertClose(tg.cross(u(), tg.tensor([[0, 0, 1]]), { dim: -1 }), [
      [2, -1, 0],
      [5, -4, 0],
    ]);
    // Without dim: the first dim of size 3.
    assertClose(
      tg.cross(
        tg.tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        tg.tensor([
          [1, 0],
          [0, 1],
          [1, 1],
        ]),
      ),
      [
        [3, -2],
        [4, -2],
        [-3, 2],
      ],
    );
    assert.throws(() => tg.cross(u(), v(), 0), tg.ShapeError);
    assert.throws(() => tg.cross(u(), tg.tensor([0, 0, 1])), tg.ShapeError);
  });
  it("gradcheck", () =>
    checkGrads(
      (a, b) => tg.cross(a, b, -1),
      [
        [2, 3],
        [2, 3],
      ],
      { gradgrad: true },
    ));
});

describe("kron", () => {
  it("matches PyTorch", () => {
    assert.deepEqual(
      tg
        .kron(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          tg.tensor([
            [0, 1],
            [1, 0],
          ]),
        )
        .tolist(),
      [
        [0, 1, 0, 2],
        [1, 0, 2, 0],
        [0, 3, 0, 4],
        [3, 0, 4, 0],
      ],
    );
    assert.deepEqual(tg.kron(tg.tensor([1, 2]), tg.tensor([[1, 2, 3]])).tolist(), [[1, 2, 3, 2, 4, 6]]);
  });
  it("gradcheck", () =>
    checkGrads(
      (a, b) => tg.kron(a, b),
      [
        [2, 3],
        [3, 2],
      ],
      { gradgrad: true },
    ));
});

describe("tensordot", () => {
  const A = () => tg.arange(24).float().reshape([2, 3, 4]);
  const B = () => tg.arange(12).float().reshape([4, 3]).sub(5);
  it("matches PyTorch", () => {
    assert.deepEqual([...tg.tensordot(A(), B(), 1).shape], [2, 3, 3]);
    assertClose(
      tg.tensordot(A(), B(), [
        [1, 2],
        [1, 0],
      ]),
      [110, 182],
    );
    assertClose(tg.tensordot(A().select(0, 0), A().select(0, 1)), 1298);
    assertClose(tg.tensordot(A(), B(), { dims: 1 }), tg.matmul(A(), B()));
    assert.throws(() => tg.tensordot(A(), B(), [[0], [0]]), tg.ShapeError);
  });
  it("gradcheck", () =>
    checkGrads(
      (a, b) =>
        tg.tensordot(a, b, [
          [0, 2],
          [1, 0],
        ]),
      [
        [2, 3, 4],
        [4, 2, 3],
      ],
    ));
});
