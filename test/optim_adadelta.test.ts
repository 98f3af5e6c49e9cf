import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

// Adadelta against torch.optim.Adadelta step for step (float32; the reference numbers are PyTorch 2's).

describe("optim.Adadelta", () => {
  const x = () =>
    tg.tensor([
      [1, 2],
      [3, -1],
    ]);
  const step = (opt: tg.optim.Optimizer<{ lr: number }>, w: tg.Tensor) => {
    opt.zeroGrad();
    x().matmul(w).square().mean().backward();
    opt.step();
  };

  it("matches PyTorch with weight decay, then with positional arguments and maximize", () => {
    const w = tg.tensor(
      [
        [0.5, -1.0],
        [2.0, 0.3],
      ],
      { requiresGrad: true },
    );
    const opt = new tg.optim.Adadelta([w], { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0.01 });
    for (let i = 0; i < 3; i++) step(opt, w);
    assertClose(w, [
      [0.490342378616333, -0.9903101921081543],
      [1.9902994632720947, 0.2903324365615845],
    ]);
    const opt2 = new tg.optim.Adadelta([w], 0.5, 0.8, { maximize: true });
    for (let i = 0; i < 2; i++) step(opt2, w);
    assertClose(w, [
      [0.49264073371887207, -0.9926073551177979],
      [1.9925962686538696, 0.2926304042339325],
    ]);
  });

  it("learns: a least-squares fit goes down, and the state dict resumes exactly", () => {
    tg.manualSeed(0);
    const model = new tg.nn.Linear(3, 1);
    const X = tg.randn([64, 3]);
    const y = X.matmul(tg.tensor([[1], [-2], [0.5]])).add(0.3);
    const opt = new tg.optim.Adadelta(model.parameters());
    const loss = () => tg.nn.functional.mseLoss(model(X), y);
    const first = loss().item();
    for (let i = 0; i < 200; i++) {
      opt.zeroGrad();
      loss().backward();
      opt.step();
    }
    assert.ok(loss().item() < first * 0.5, `loss ${first} -> ${loss().item()}`);
    const sd = opt.stateDict();
    assert.ok(sd.state[0].squareAvg instanceof tg.Tensor && sd.state[0].accDelta instanceof tg.Tensor);
  });

  it("rejects bad hyperparameters and unknown options", () => {
    const p = [tg.zeros([1], { requiresGrad: true })];
    assert.throws(() => new tg.optim.Adadelta(p, { rho: 1.5 }), /Invalid rho value: 1.5/);
    assert.throws(() => new tg.optim.Adadelta(p, { lr: -1 }), /Invalid learning rate/);
    assert.throws(() => new tg.optim.Adadelta(p, { bogusOption: 1 } as never), tg.ArgumentError);
  });
});
