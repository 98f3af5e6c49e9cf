import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

// The worked examples of the lecture on backpropagation, with the numbers it gives.
describe("lecture examples", () => {
  it("f = (x + y)·z at (−2, 5, −4) has gradients (−4, −4, 3)", () => {
    const [x, y, z] = [-2, 5, -4].map((v) => tg.tensor(v, { requiresGrad: true }));
    const f = x.add(y).mul(z);
    f.backward();
    assert.equal(f.item(), -12);
    assert.deepEqual([x.grad?.item(), y.grad?.item(), z.grad?.item()], [-4, -4, 3]);
  });

  it("f = (x1 + x2)·x3 − x4 at (5, 4, 3, 2) has gradients (3, 3, 9, −1)", () => {
    const [x1, x2, x3, x4] = [5, 4, 3, 2].map((v) => tg.tensor(v, { requiresGrad: true }));
    const f = x1.add(x2).mul(x3).sub(x4);
    f.backward();
    assert.equal(f.item(), 25);
    assert.deepEqual(
      [x1, x2, x3, x4].map((t) => t.grad?.item()),
      [3, 3, 9, -1],
    );
  });

  it("z = x·y, w = z + y, o = relu(w) at x = 3, y = 2 gives x.grad = 2, y.grad = 4", () => {
    const x = tg.tensor(3, { requiresGrad: true });
    const y = tg.tensor(2, { requiresGrad: true });
    const o = x.mul(y).add(y).relu();
    o.backward();
    assert.equal(o.item(), 8);
    assert.equal(x.grad?.item(), 2);
    assert.equal(y.grad?.item(), 4);
  });
});
