import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// PyTorch's convolutions take an unbatched input ([C, H, W], [C, L]) and return an unbatched output: the same
// numbers as the batch of one.
const F = tg.nn.functional;

describe("convolutions on unbatched inputs", () => {
  it("conv2d, conv1d and the transposed ones equal the batch of one, squeezed", () => {
    tg.manualSeed(3);
    const x2 = tg.randn([3, 7, 6]);
    const w2 = tg.randn([4, 3, 3, 2]);
    const b = tg.randn([4]);
    const batched = F.conv2d(x2.unsqueeze(0), w2, b, 2, 1, [1, 2]);
    const one = F.conv2d(x2, w2, b, 2, 1, [1, 2]);
    assert.deepEqual(one.shape, batched.shape.slice(1));
    assertClose(one, batched.squeeze(0));
    assertClose(F.conv2d(x2, w2, b, { padding: "same" }), F.conv2d(x2.unsqueeze(0), w2, b, { padding: "same" }).squeeze(0));

    const x1 = tg.randn([3, 9]);
    const w1 = tg.randn([4, 3, 3]);
    assertClose(F.conv1d(x1, w1, b, 2, 1), F.conv1d(x1.unsqueeze(0), w1, b, 2, 1).squeeze(0));

    const wt2 = tg.randn([3, 2, 3, 3]);
    const bt = tg.randn([2]);
    assertClose(F.convTranspose2d(x2, wt2, bt, 2, 1, 1), F.convTranspose2d(x2.unsqueeze(0), wt2, bt, 2, 1, 1).squeeze(0));
    const wt1 = tg.randn([3, 2, 3]);
    assertClose(F.convTranspose1d(x1, wt1, bt, 2, 1, 1), F.convTranspose1d(x1.unsqueeze(0), wt1, bt, 2, 1, 1).squeeze(0));
  });

  it("the layers take unbatched inputs, padding modes included", () => {
    tg.manualSeed(4);
    const x = tg.randn([2, 5, 5]);
    for (const paddingMode of ["zeros", "reflect", "replicate", "circular"] as const) {
      const conv = new tg.nn.Conv2d(2, 3, 3, { padding: 1, paddingMode });
      assertClose(conv.forward(x), conv.forward(x.unsqueeze(0)).squeeze(0));
    }
    const conv1 = new tg.nn.Conv1d(2, 3, 3, { padding: "same" });
    const x1 = tg.randn([2, 8]);
    assertClose(conv1.forward(x1), conv1.forward(x1.unsqueeze(0)).squeeze(0));
    const up = new tg.nn.ConvTranspose2d(2, 3, 2, { stride: 2 });
    assert.deepEqual(up.forward(x).shape, [3, 10, 10]);
  });

  it("gradients of the unbatched form (float64 gradcheck)", () => {
    checkGrads(
      (x, w) => F.conv2d(x, w, null, 1, 1),
      [
        [2, 4, 5],
        [3, 2, 3, 3],
      ],
    );
    const conv1 = new tg.nn.Conv1d(2, 3, 3).double();
    checkGrads((x) => conv1.forward(x), [[2, 6]]);
  });

  it("other ranks are refused, naming the accepted ones", () => {
    assert.throws(
      () => F.conv2d(tg.randn([5, 5]), tg.randn([1, 1, 3, 3])),
      (e: unknown) => e instanceof tg.ShapeError && /3-D or 4-D/.test(String(e)),
    );
    assert.throws(
      () => F.conv1d(tg.randn([5]), tg.randn([1, 1, 3])),
      (e: unknown) => e instanceof tg.ShapeError && /2-D or 3-D/.test(String(e)),
    );
  });
});
