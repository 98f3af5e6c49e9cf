import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

// F.dropout1d/2d/3d as torch.nn.functional's: whole channels dropped (zero) or kept (scaled by 1/(1 − p)) while
// training, the input itself in eval; the unbatched forms drop per channel.

const F = tg.nn.functional;

/** For each channel (the first `units` dims), the set of distinct values of out / x over its entries. */
function channelRatios(x: tg.Tensor, out: tg.Tensor, units: number): number[][] {
  const per = x.shape.slice(units).reduce((a, b) => a * b, 1);
  const xs = Array.from(x.toArray(), Number);
  const os = Array.from(out.toArray(), Number);
  const groups: number[][] = [];
  for (let c = 0; c < xs.length / per; c++) {
    const ratios = new Set<number>();
    for (let k = c * per; k < (c + 1) * per; k++) ratios.add(Math.round((os[k] / xs[k]) * 1e6) / 1e6);
    groups.push([...ratios]);
  }
  return groups;
}

describe("F.dropout1d / dropout2d / dropout3d", () => {
  const ones = (shape: number[]) => tg.rand(shape).add(0.5);

  it("drop whole channels, scale the rest by 1/(1 − p), about p of them", () => {
    const cases: [typeof F.dropout1d, number[], number][] = [
      [F.dropout1d, [8, 50, 6], 2],
      [F.dropout1d, [400, 6], 1], // unbatched [C, L]
      [F.dropout2d, [8, 50, 3, 3], 2],
      [F.dropout2d, [8, 50, 5], 2], // 3-D taken as [N, C, L], as torch 1.13
      [F.dropout3d, [4, 50, 2, 2, 2], 2],
      [F.dropout3d, [400, 2, 2, 2], 1], // unbatched [C, D, H, W]
    ];
    for (const [fn, shape, units] of cases) {
      const x = ones(shape);
      const groups = channelRatios(x, fn(x, 0.25, true, { generator: new tg.Generator(3) }), units);
      assert.ok(
        groups.every((g) => g.length === 1 && (g[0] === 0 || Math.abs(g[0] - 1 / 0.75) < 1e-5)),
        `${fn.name} ${shape}: one factor per channel`,
      );
      const dropped = groups.filter((g) => g[0] === 0).length / groups.length;
      assert.ok(Math.abs(dropped - 0.25) < 0.08, `${fn.name} ${shape}: dropped ${dropped}`);
    }
  });

  it("the identity in eval and for p = 0; zeros for p = 1; PyTorch's shape errors", () => {
    const x = ones([2, 3, 4]);
    assert.equal(F.dropout1d(x, 0.5, false), x);
    assert.equal(F.dropout2d(x, { p: 0 }), x);
    assertClose(F.dropout3d(ones([1, 2, 2, 2, 2]), 1), tg.zeros([1, 2, 2, 2, 2]));
    assert.throws(() => F.dropout1d(ones([2, 3, 4, 5])), /dropout1d: expected a 2-D \[C, L\] or 3-D \[N, C, L\] input/);
    assert.throws(() => F.dropout2d(x, 1.5), /dropout probability has to be between 0 and 1/);
    assert.throws(() => F.dropout2d(x, 0.5, true, true as never), tg.ArgumentError);
  });

  it("gradcheck with a fixed mask", () => {
    const x = tg.randn([2, 3, 2, 2], { dtype: "float64", requiresGrad: true });
    assert.ok(tg.autograd.gradcheck((t: tg.Tensor) => F.dropout2d(t, 0.4, true, { generator: new tg.Generator(1) }), [x]));
  });
});
