import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const nn = tg.nn;
const F = tg.nn.functional;

// Expected values from PyTorch 2.x on arange inputs.
describe("pixelShuffle / pixelUnshuffle", () => {
  it("pixelShuffle matches PyTorch", () => {
    const x = tg.arange(0, 96, 1, { dtype: "float64" }).reshape([2, 8, 2, 3]);
    const out = F.pixelShuffle(x, 2);
    assert.deepEqual(out.shape, [2, 2, 4, 6]);
    assertClose(
      out.flatten().narrow(0, 0, 48),
      [
        0, 6, 1, 7, 2, 8, 12, 18, 13, 19, 14, 20, 3, 9, 4, 10, 5, 11, 15, 21, 16, 22, 17, 23, 24, 30, 25, 31, 26, 32, 36, 42, 37, 43, 38,
        44, 27, 33, 28, 34, 29, 35, 39, 45, 40, 46, 41, 47,
      ],
    );
    assertClose(new nn.PixelShuffle(2)(x), out);
  });

  it("pixelUnshuffle matches PyTorch (3-D input) and inverts pixelShuffle", () => {
    const y = tg.arange(0, 48, 1, { dtype: "float64" }).reshape([2, 4, 6]);
    const out = F.pixelUnshuffle(y, 2);
    assert.deepEqual(out.shape, [8, 2, 3]);
    assertClose(
      out.flatten(),
      [
        0, 2, 4, 12, 14, 16, 1, 3, 5, 13, 15, 17, 6, 8, 10, 18, 20, 22, 7, 9, 11, 19, 21, 23, 24, 26, 28, 36, 38, 40, 25, 27, 29, 37, 39,
        41, 30, 32, 34, 42, 44, 46, 31, 33, 35, 43, 45, 47,
      ],
    );
    const z = tg.randn([2, 3, 18, 4, 6]);
    assertClose(new nn.PixelUnshuffle(3)(new nn.PixelShuffle(3)(z)), z);
  });

  it("gradients and errors", () => {
    checkGrads((t) => F.pixelShuffle(t, 2), [[1, 8, 2, 3]]);
    checkGrads((t) => F.pixelUnshuffle(t, 2), [[1, 2, 4, 2]]);
    assert.throws(() => F.pixelShuffle(tg.randn([1, 6, 2, 2]), 2), tg.ShapeError);
    assert.throws(() => F.pixelUnshuffle(tg.randn([1, 1, 5, 4]), 2), tg.ShapeError);
    assert.throws(() => new nn.PixelShuffle(0), tg.ArgumentError);
  });
});
