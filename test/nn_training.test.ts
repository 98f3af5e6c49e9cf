import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

const { nn } = tg;

/** Plain SGD, written out: the optimizers come with the training work. */
function sgdStep(params: tg.nn.Parameter[], lr: number): void {
  tg.noGrad(() => {
    for (const p of params) if (p.grad) p.sub_(p.grad.mul(lr));
  });
}

function accuracy(logits: tg.Tensor, labels: tg.Tensor): number {
  return logits.argmax(1).eq(labels).float().mean().item();
}

// End-to-end: real models trained on small synthetic problems must actually learn.
describe("training with nn", () => {
  it("a 2-layer MLP learns XOR", () => {
    tg.manualSeed(1);
    const x = tg.tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tg.tensor([[0], [1], [1], [0]]);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
    const lossFn = new nn.BCEWithLogitsLoss();
    let loss = Number.NaN;
    for (let step = 0; step < 1500; step++) {
      model.zeroGrad();
      const l = lossFn(model(x), y);
      l.backward();
      sgdStep(model.parameters(), 0.5);
      loss = l.item();
    }
    assert.ok(loss < 0.05, `final loss ${loss}`);
    const predicted = tg.noGrad(() => model(x).gt(0).int());
    assert.deepEqual(predicted.reshape([-1]).tolist(), [0, 1, 1, 0]);
  });

  it("an MLP with BatchNorm and Dropout separates gaussian blobs", () => {
    tg.manualSeed(2);
    const classes = 3;
    const perClass = 100;
    const centers = tg.randn([classes, 10]).mul(2);
    const labels = tg.arange(classes).repeat([perClass]);
    const x = centers.indexSelect(0, labels).add(tg.randn([classes * perClass, 10]));
    const model = new nn.Sequential(
      new nn.Linear(10, 32),
      new nn.BatchNorm1d(32),
      new nn.ReLU(),
      new nn.Dropout(0.1),
      new nn.Linear(32, classes),
    );
    const lossFn = new nn.CrossEntropyLoss();
    let loss = Number.NaN;
    for (let epoch = 0; epoch < 30; epoch++) {
      const order = tg.randperm(classes * perClass);
      for (const batch of order.split(50)) {
        model.zeroGrad();
        const l = lossFn(model(x.indexSelect(0, batch)), labels.indexSelect(0, batch));
        l.backward();
        sgdStep(model.parameters(), 0.1);
        loss = l.item();
      }
    }
    model.eval();
    const logits = tg.noGrad(() => model(x));
    const evalLoss = lossFn(logits, labels).item();
    assert.ok(loss < 0.3, `last training batch loss ${loss}`);
    assert.ok(evalLoss < 0.2, `eval loss ${evalLoss}`);
    assert.ok(accuracy(logits, labels) > 0.95, `accuracy ${accuracy(logits, labels)}`);
  });

  it("a small CNN tells horizontal from vertical bars", () => {
    tg.manualSeed(3);
    const n = 64;
    const labels = tg.randint(0, 2, [n]);
    // An 8×8 image with one bright row (label 0) or column (label 1) at a random place, plus noise.
    const images = tg.randn([n, 1, 8, 8]).mul(0.3);
    const where = tg.randint(1, 7, [n]).toArray();
    const lab = labels.toArray();
    tg.noGrad(() => {
      for (let i = 0; i < n; i++) {
        const bar = lab[i] === 0 ? images.get(i, 0, where[i]) : images.get(i, 0, ":", where[i]);
        bar.add_(1);
      }
    });
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(4 * 4 * 4, 2),
    );
    const lossFn = new nn.CrossEntropyLoss();
    let loss = Number.NaN;
    for (let step = 0; step < 150; step++) {
      model.zeroGrad();
      const l = lossFn(model(images), labels);
      l.backward();
      sgdStep(model.parameters(), 0.2);
      loss = l.item();
    }
    assert.ok(loss < 0.1, `final loss ${loss}`);
    assert.equal(
      accuracy(
        tg.noGrad(() => model(images)),
        labels,
      ),
      1,
    );
  });
});
