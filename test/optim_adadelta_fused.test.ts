import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { forEachBackend, tg } from "./helpers.ts";

// Adadelta's one-pass update (Backend.adadelta: src/backend/cpu/adadelta.ts, the WASM kernel) against the same update
// composed from tensor ops (the formula of torch.optim.Adadelta, written here op by op): equal bit for bit, float32 and float64, both CPU backends,
// over several steps with varied gradients, with and without maximize; the optimizer's state holds the same numbers.

/** One Adadelta step on `p` composed from tensor ops, as the optimizer did before its one-pass update. */
function composedStep(p: tg.Tensor, grad: tg.Tensor, sq: tg.Tensor, acc: tg.Tensor, lr: number, rho: number, eps: number, max: boolean) {
  tg.noGrad(() => {
    const g = max ? grad.neg() : grad;
    sq.mul_(rho).add_(g.mul(g), { alpha: 1 - rho });
    const std = sq.add(eps).sqrt_();
    const delta = acc.add(eps).sqrt_().div_(std).mul_(g);
    acc.mul_(rho).add_(delta.mul(delta), { alpha: 1 - rho });
    p.add_(delta, { alpha: -lr });
  });
}

const bits = (t: tg.Tensor): number[] => Array.from(t.toArray() as Float32Array | Float64Array);

describe("Adadelta's one-pass update", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const maximize of [false, true]) {
      it(`${dtype}, maximize ${maximize}: parameters and state equal the composed update bit for bit`, () => {
        forEachBackend((backend) => {
          if (backend === "webgpu") return;
          tg.manualSeed(3);
          const shape = [37, 29];
          const w = tg.randn(shape, { dtype }).requiresGrad_(true);
          const ref = w.detach().clone();
          const sq = tg.zeros(shape, { dtype });
          const acc = tg.zeros(shape, { dtype });
          const [lr, rho, eps] = [0.7, 0.85, 1e-5];
          const opt = new tg.optim.Adadelta([w], { lr, rho, eps, maximize });
          for (let s = 0; s < 4; s++) {
            const x = tg.randn([5, 37], { dtype }).mul(s + 1);
            opt.zeroGrad();
            x.matmul(w).tanh().square().sum().backward();
            const grad = w.grad as tg.Tensor;
            composedStep(ref, grad, sq, acc, lr, rho, eps, maximize);
            opt.step();
            assert.deepEqual(bits(w), bits(ref), `${backend}: parameters after step ${s + 1}`);
          }
          const state = opt.stateDict().state[0] as Record<string, tg.Tensor>;
          assert.deepEqual(bits(state.squareAvg), bits(sq), `${backend}: squareAvg`);
          assert.deepEqual(bits(state.accDelta), bits(acc), `${backend}: accDelta`);
        });
      });
    }
  }

  it("a non-contiguous parameter takes the composed update, with the same numbers as a contiguous one", () => {
    tg.manualSeed(4);
    const base = tg.randn([6, 8]);
    const a = base.clone().t().requiresGrad_(true);
    const b = base.clone().t().contiguous().requiresGrad_(true);
    const oa = new tg.optim.Adadelta([a]);
    const ob = new tg.optim.Adadelta([b]);
    for (let s = 0; s < 3; s++) {
      for (const [p, o] of [
        [a, oa],
        [b, ob],
      ] as const) {
        o.zeroGrad();
        p.sin().sum().backward();
        o.step();
      }
      assert.deepEqual(bits(a.contiguous()), bits(b));
    }
  });
});
