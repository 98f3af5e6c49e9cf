import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// Tensor methods PyTorch has (issue 11, part 2): clip, addcmul_, typeAs, newZeros/newOnes/newEmpty/newFull/newTensor.

describe("Tensor.clip / addcmul_ / typeAs", () => {
  it("match PyTorch", () => {
    assert.deepEqual(tg.tensor([-2, 0.5, 3]).clip(0, 1).tolist(), [0, 0.5, 1]);
    assert.deepEqual(tg.tensor([-2, 0.5, 3]).clip(null, 1).tolist(), [-2, 0.5, 1]);
    const x = tg.tensor([1, 2, 3]);
    const out = x.addcmul_(tg.tensor([2, 2, 2]), tg.tensor([0.5, 1, -1]), { value: 0.5 });
    assert.equal(out, x);
    assertClose(x, [1.5, 3, 2]);
    assertClose(tg.tensor([1, 1]).addcmul_(tg.tensor([2, 3]), tg.tensor([4, 5])), [9, 16]);
    const y = tg.tensor([1.5, 2.5]).typeAs(tg.tensor([1], { dtype: "int32" }));
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.tolist(), [1, 2]);
    assert.equal(tg.tensor([1]).typeAs(tg.tensor([1], { dtype: "float64" })).dtype, "float64");
    assert.throws(() => tg.tensor([1]).addcmul_(tg.tensor([1]), tg.tensor([1]), { alpha: 1 } as never), tg.ArgumentError);
  });
  it("addcmul_ records a graph on a non-leaf; gradcheck", () => {
    checkGrads((a, b, c) => a.mul(1).addcmul_(b, c, { value: 0.3 }), [[2, 3], [2, 3], [3]]);
    checkGrads((a) => a.clip(-0.5, 0.5), [[2, 3]]);
  });
});

describe("Tensor.new*", () => {
  const d = () => tg.tensor([1, 2], { dtype: "float64" });
  it("take the tensor's dtype and device unless told otherwise", () => {
    const z = d().newZeros(2, 3);
    assert.equal(z.dtype, "float64");
    assert.deepEqual(z.tolist(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(d().newOnes([2]).tolist(), [1, 1]);
    assert.equal(d().newOnes([2], { dtype: "int32" }).dtype, "int32");
    assert.deepEqual([...d().newEmpty(4).shape], [4]);
    assert.equal(d().newEmpty(4).dtype, "float64");
    const f = d().newFull([2, 2], 7);
    assert.equal(f.dtype, "float64");
    assert.deepEqual(f.tolist(), [
      [7, 7],
      [7, 7],
    ]);
    const t = tg.tensor([1], { dtype: "int32" }).newTensor([[1, 2]]);
    assert.equal(t.dtype, "int32");
    assert.deepEqual(t.tolist(), [[1, 2]]);
    assert.equal(d().newZeros([1], { requiresGrad: true }).requiresGrad, true);
    assert.equal(d().newZeros([1]).device, d().device);
  });
  it("errors", () => {
    assert.throws(() => d().newZeros([2], { dtyp: "float32" } as never), tg.ArgumentError);
    assert.throws(() => d().newFull([2], "a" as never), tg.ArgumentError);
    assert.throws(() => d().typeAs(3 as never), tg.ArgumentError);
  });
});

describe("methods for the new ops", () => {
  it("delegate to the functions", () => {
    const x = tg.tensor([
      [1, Number.NaN, 2],
      [3, 4, 0],
    ]);
    assertClose(x.nansum(), 10);
    assertClose(x.nanmean(1), [1.5, 7 / 3]);
    assertClose(x.nansum({ dim: 0, keepdim: true }), [[4, 4, 2]]);
    const y = tg.tensor([
      [1, 3, 2],
      [0, 5, 4],
    ]);
    assertClose(y.logcumsumexp(1), tg.logcumsumexp(y, 1));
    assert.deepEqual(y.cummax(1).values.tolist(), [
      [1, 3, 3],
      [0, 5, 5],
    ]);
    assert.deepEqual(y.cummin(1).indices.tolist(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(tg.tensor([2, 1, 2]).mode().values.item(), 2);
    assert.deepEqual(y.rot90().tolist(), [
      [2, 4],
      [3, 5],
      [1, 0],
    ]);
    assert.deepEqual(y.rot90(1, [1, 0]).tolist(), tg.rot90(y, 1, [1, 0]).tolist());
    assert.deepEqual(
      tg
        .tensor([1, 0, 0])
        .cross(tg.tensor([0, 1, 0]))
        .tolist(),
      [0, 0, 1],
    );
    assert.deepEqual(
      tg
        .tensor([1, 2])
        .kron(tg.tensor([1, 10]))
        .tolist(),
      [1, 10, 2, 20],
    );
  });
});
