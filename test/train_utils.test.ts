import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

const { nn, utils } = tg;

const ints = (xs: number[]) => tg.tensor(xs, { dtype: "int32" });

describe("EarlyStopping", () => {
  it("stops after `patience` epochs without improvement and tracks the best", () => {
    const s = new utils.EarlyStopping({ patience: 2, restoreBestWeights: false });
    const losses = [1.0, 0.8, 0.9, 0.7, 0.75, 0.71, 0.72];
    const stops = losses.map((l) => s.step(l));
    // Best 0.7 at epoch 3; epochs 4 and 5 don't beat it, so epoch 5 says stop.
    assert.deepEqual(stops, [false, false, false, false, false, true, true]);
    assert.equal(s.best, 0.7);
    assert.equal(s.bestEpoch, 3);
    assert.equal(s.stopped, true);
  });

  it("counts only improvements larger than minDelta; NaN never improves; mode max", () => {
    const s = new utils.EarlyStopping({ patience: 2, minDelta: 0.1, restoreBestWeights: false });
    assert.equal(s.step(1.0), false);
    assert.equal(s.step(0.95), false); // not better by more than 0.1: first bad epoch
    assert.equal(s.step(0.85), false); // 0.85 < 1.0 - 0.1: an improvement
    assert.equal(s.best, 0.85);
    assert.equal(s.step(0.76), false); // 0.09 better: bad
    assert.equal(s.step(0.8), true); // second bad epoch in a row
    assert.equal(s.bestEpoch, 2);
    const m = new utils.EarlyStopping({ patience: 1, mode: "max", restoreBestWeights: false });
    assert.equal(m.step(0.5), false);
    assert.equal(m.step(0.6), false);
    assert.equal(m.step(Number.NaN), true);
    assert.equal(m.best, 0.6);
    assert.equal(m.bestEpoch, 1);
    const zero = new utils.EarlyStopping({ patience: 0, restoreBestWeights: false });
    assert.equal(zero.step(1), false);
    assert.equal(zero.step(1), true);
    assert.throws(() => new utils.EarlyStopping({ patience: -1 }), tg.ValueError);
    assert.throws(() => new utils.EarlyStopping({ minDelta: -0.1 }), tg.ValueError);
  });

  it("restores the best weights into the model when it stops", () => {
    tg.manualSeed(0);
    const model = new nn.Linear(3, 2);
    const s = new utils.EarlyStopping({ patience: 2 });
    const snapshots: number[][][] = [];
    const metrics = [0.9, 0.5, 0.6, 0.7];
    let stopped = false;
    for (const metric of metrics) {
      tg.noGrad(() => model.weight.add_(1)); // "training" changes the weights every epoch
      snapshots.push(model.weight.tolist() as number[][]);
      stopped = s.step(metric, model);
    }
    assert.equal(stopped, true);
    assert.equal(s.bestEpoch, 1);
    assert.deepEqual(model.weight.tolist(), snapshots[1]);
    // The snapshot is a copy: changing the model doesn't change what restore() brings back.
    tg.noGrad(() => model.weight.zero_());
    assert.equal(s.restore(model), true);
    assert.deepEqual(model.weight.tolist(), snapshots[1]);
    s.reset();
    assert.equal(s.restore(model), false);
    assert.equal(s.best, Number.POSITIVE_INFINITY);
  });
});

describe("metrics", () => {
  it("accuracy from logits, labels and a binary logit column", () => {
    const logits = tg.tensor([
      [2, 1, 0],
      [0, 3, 1],
      [1, 0, 4],
      [5, 0, 0],
    ]);
    assert.equal(utils.accuracy(logits, ints([0, 1, 1, 0])), 0.75);
    assert.equal(utils.accuracy(ints([1, 2, 3]), ints([1, 2, 0])), 2 / 3);
    assert.equal(utils.accuracy(tg.tensor([[2], [-1], [0.5]]), ints([1, 0, 0])), 2 / 3);
    assert.throws(() => utils.accuracy(logits, ints([0, 1])), tg.ShapeError);
    assert.throws(() => utils.accuracy(tg.tensor([0.5]), ints([1])), /not a class index/);
  });

  it("confusion matrix: rows are true classes, columns predictions", () => {
    const preds = ints([0, 1, 2, 2, 1, 0, 2]);
    const targets = ints([0, 1, 1, 2, 1, 2, 2]);
    const cm = utils.confusionMatrix(preds, targets);
    assert.equal(cm.dtype, "int32");
    assert.deepEqual(cm.tolist(), [
      [1, 0, 0],
      [0, 2, 1],
      [1, 0, 2],
    ]);
    assert.deepEqual(utils.confusionMatrix(ints([0]), ints([0]), 3).tolist(), [
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.throws(() => utils.confusionMatrix(ints([3]), ints([0]), 3), tg.IndexError);
  });

  it("precision, recall and F1 per class and macro-averaged, as scikit-learn computes them", () => {
    const preds = ints([0, 1, 2, 2, 1, 0, 2]);
    const targets = ints([0, 1, 1, 2, 1, 2, 2]);
    const r = utils.precisionRecallF1(preds, targets);
    // class 0: tp 1, predicted 2, actual 1 → p 1/2, r 1, f1 2/3
    // class 1: tp 2, predicted 2, actual 3 → p 1, r 2/3, f1 4/5
    // class 2: tp 2, predicted 3, actual 3 → p 2/3, r 2/3, f1 2/3
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
    const expected = { precision: [0.5, 1, 2 / 3], recall: [1, 2 / 3, 2 / 3], f1: [2 / 3, 0.8, 2 / 3] };
    for (const key of ["precision", "recall", "f1"] as const) {
      for (let k = 0; k < 3; k++) close(r.perClass[key][k], expected[key][k]);
    }
    assert.deepEqual(r.perClass.support, [1, 3, 3]);
    close(r.precision, (0.5 + 1 + 2 / 3) / 3);
    close(r.recall, (1 + 2 / 3 + 2 / 3) / 3);
    close(r.f1, (2 / 3 + 0.8 + 2 / 3) / 3);
    // A class never predicted nor present (3 with numClasses 4) is left out of the macro average.
    const four = utils.precisionRecallF1(preds, targets, 4);
    close(four.f1, r.f1);
    // A class present but never predicted scores 0.
    const miss = utils.precisionRecallF1(ints([0, 0]), ints([0, 1]));
    assert.deepEqual(miss.perClass.precision, [0.5, 0]);
    close(miss.recall, 0.5);
  });
});

class MLP extends nn.Module {
  fc1 = new nn.Linear(2, 16);
  fc2 = new nn.Linear(16, 1);
  forward(x: tg.Tensor): tg.Tensor {
    return this.fc2(this.fc1(x).tanh());
  }
}

describe("gradient diagnostics", () => {
  it("gradientNorms gives each parameter's gradient norm by dotted name", () => {
    tg.manualSeed(1);
    const model = new MLP();
    assert.deepEqual(utils.gradientNorms(model), {});
    model(tg.randn([4, 2]))
      .sum()
      .backward();
    const norms = utils.gradientNorms(model);
    assert.deepEqual(Object.keys(norms), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    const g = model.fc1.weight.grad as tg.Tensor;
    const expected = Math.sqrt([...g.toArray()].reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norms["fc1.weight"] - expected) < 1e-6);
    // d(sum of 4 outputs)/d fc2.bias = 4.
    assert.ok(Math.abs(norms["fc2.bias"] - 4) < 1e-6);
    assert.ok(Math.abs(utils.gradientNorms(model, 1)["fc2.bias"] - 4) < 1e-6);
  });

  it("checkGradients names the layer whose gradient is NaN", () => {
    tg.manualSeed(2);
    const model = new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 1));
    // sqrt of a negative output makes NaN gradients everywhere; the first parameter listed is layer "0".
    model(tg.randn([3, 2]))
      .sub(100)
      .sqrt()
      .sum()
      .backward();
    assert.throws(
      () => utils.checkGradients(model),
      (e: unknown) => {
        assert.ok(e instanceof tg.AutogradError);
        assert.match(e.message, /"0\.weight" in layer "0" \(Linear\) has \d+ NaN/);
        return true;
      },
    );
    // Only the last layer broken: it is the one named.
    model.zeroGrad();
    model(tg.randn([3, 2]))
      .sum()
      .backward();
    (model.at(2) as tg.nn.Linear).bias!.grad = tg.tensor([Number.POSITIVE_INFINITY]);
    assert.throws(() => utils.checkGradients(model), /"2\.bias" in layer "2" \(Linear\) has 0 NaN and 1 Inf/);
  });

  it("checkGradients reports vanishing and missing gradients", () => {
    tg.manualSeed(3);
    const model = new MLP();
    tg.noGrad(() => model.fc2.weight.mul_(1e-12));
    model.fc1.bias!.requiresGrad_(false);
    model(tg.randn([4, 2]))
      .sum()
      .backward();
    model.fc2.bias!.grad = null;
    const r = utils.checkGradients(model);
    assert.ok(r.vanishing.includes("fc1.weight"), JSON.stringify(r));
    assert.deepEqual(r.missing, ["fc2.bias"]);
    assert.ok(!("fc1.bias" in r.norms));
    assert.ok(r.warnings.some((w) => /"fc1.weight" in layer "fc1" \(Linear\) is vanishing/.test(w)));
    assert.ok(r.warnings.some((w) => /no gradient reached fc2.bias/.test(w)));
    model.zeroGrad();
    tg.noGrad(() => model.fc2.weight.fill_(1));
    model(tg.randn([4, 2]))
      .sum()
      .backward();
    const healthy = utils.checkGradients(model);
    assert.deepEqual(healthy.warnings, []);
  });
});

function blobs() {
  const g = new tg.Generator(5);
  const x = tg.randn([12, 2], { generator: g });
  // XOR-like labels: the sign of x0 · x1, which a linear model can't fit but a small MLP can.
  const y = x.select(1, 0).mul(x.select(1, 1)).gt(0).float().reshape([12, 1]);
  return { x, y };
}

describe("overfitCheck", () => {
  it("passes for a healthy MLP with a sane learning rate, and leaves the weights as they were", () => {
    tg.manualSeed(4);
    const model = new MLP();
    const before = model.fc1.weight.tolist();
    const { x, y } = blobs();
    const r = utils.overfitCheck({ model, lossFn: new nn.BCEWithLogitsLoss(), inputs: x, targets: y, lr: 1 });
    assert.equal(r.passed, true, `loss ${r.initialLoss} → ${r.finalLoss}`);
    assert.ok(r.finalLoss < 0.1 * r.initialLoss);
    assert.deepEqual(r.hints, []);
    assert.equal(r.losses.length, 201);
    assert.deepEqual(model.fc1.weight.tolist(), before);
    assert.equal(model.fc1.weight.grad, null);
  });

  it("works with a tg.optim optimizer factory", () => {
    tg.manualSeed(4);
    const model = new MLP();
    const { x, y } = blobs();
    const r = utils.overfitCheck({
      model,
      lossFn: new nn.BCEWithLogitsLoss(),
      inputs: x,
      targets: y,
      lr: 0.05,
      optimizer: (params, lr) => new tg.optim.Adam(params, { lr }),
    });
    assert.equal(r.passed, true, `loss ${r.initialLoss} → ${r.finalLoss}`);
  });

  it("fails with a learning-rate hint when lr = 0", () => {
    tg.manualSeed(4);
    const { x, y } = blobs();
    const r = utils.overfitCheck({ model: new MLP(), lossFn: new nn.BCEWithLogitsLoss(), inputs: x, targets: y, lr: 0 });
    assert.equal(r.passed, false);
    assert.equal(r.finalLoss, r.initialLoss);
    assert.ok(
      r.hints.some((h) => /learning rate is 0/.test(h)),
      r.hints.join("\n"),
    );
  });

  it("fails with an initialization hint naming the stuck layers for an all-zero MLP", () => {
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 1));
    tg.noGrad(() => {
      for (const p of model.parameters()) p.zero_();
    });
    const { x } = blobs();
    // Only the last bias can learn (every hidden unit outputs relu(0) = 0): it fits the mean and no more.
    const target = x.select(1, 0).mul(x.select(1, 1)).reshape([12, 1]);
    const r = utils.overfitCheck({ model, lossFn: new nn.MSELoss(), inputs: x, targets: target, lr: 0.1 });
    assert.equal(r.passed, false);
    const hint = r.hints.find((h) => /always zero/.test(h));
    assert.ok(hint, r.hints.join("\n"));
    assert.match(hint, /0\.weight, 0\.bias, 2\.weight/);
    assert.match(hint, /initialization/);
    assert.doesNotMatch(hint, /2\.bias/);
  });

  it("fails with a too-high learning rate hint when the loss blows up", () => {
    tg.manualSeed(4);
    const { x } = blobs();
    const target = x.sum(1, true).mul(3);
    const r = utils.overfitCheck({ model: new MLP(), lossFn: new nn.MSELoss(), inputs: x, targets: target, lr: 50, steps: 50 });
    assert.equal(r.passed, false);
    assert.ok(
      r.hints.some((h) => /too high/.test(h)),
      r.hints.join("\n"),
    );
  });

  it("hints the learning rate is too low when the loss barely moves", () => {
    tg.manualSeed(4);
    const { x, y } = blobs();
    const r = utils.overfitCheck({ model: new MLP(), lossFn: new nn.BCEWithLogitsLoss(), inputs: x, targets: y, lr: 1e-4, steps: 20 });
    assert.equal(r.passed, false);
    assert.ok(
      r.hints.some((h) => /too\s+low/.test(h)),
      r.hints.join("\n"),
    );
  });

  it("refuses more than 30 examples", () => {
    const model = new MLP();
    assert.throws(
      () => utils.overfitCheck({ model, lossFn: new nn.MSELoss(), inputs: tg.zeros([31, 2]), targets: tg.zeros([31, 1]), lr: 0.1 }),
      /got 31 examples; use at most 30/,
    );
    assert.equal(
      typeof utils.overfitCheck({
        model,
        lossFn: new nn.MSELoss(),
        inputs: tg.zeros([30, 2]),
        targets: tg.zeros([30, 1]),
        lr: 0.1,
        steps: 1,
      }).passed,
      "boolean",
    );
  });
});
