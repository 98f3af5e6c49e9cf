import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

const { Optimizer } = tg.optim;
const { StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, LambdaLR, OneCycleLR, ReduceLROnPlateau, SequentialLR } =
  tg.optim.lrScheduler;
type LRScheduler = tg.optim.lrScheduler.LRScheduler;

/** A bare optimizer (`p -= lr·grad`), so these tests don't depend on the concrete optimizers. */
class Plain<O extends { lr: number } = { lr: number }> extends Optimizer<O> {
  protected override update(p: tg.Tensor, grad: tg.Tensor, _state: tg.optim.ParamState, group: tg.optim.ParamGroup<O>): void {
    p.sub_(grad.mul(group.lr));
  }
}

/** A Plain optimizer with one group per learning rate. */
function plain(...lrs: number[]): Plain {
  return new Plain(
    lrs.map((lr) => ({ params: [tg.zeros([2], { requiresGrad: true })], lr })),
    { lr: lrs[0] },
  );
}

/** A Plain optimizer whose groups carry a `momentum` option (for OneCycleLR's momentum cycling). */
function withMomentum(lr: number, momentum = 0.9): Plain<{ lr: number; momentum: number }> {
  return new Plain([tg.zeros([2], { requiresGrad: true })], { lr, momentum });
}

/** The learning rates of every group at epochs 0..n-1 (the construction step, then n-1 steps). */
function run(sched: { step(): void; getLastLr(): number[] }, n: number): number[][] {
  const out = [sched.getLastLr()];
  for (let i = 1; i < n; i++) {
    sched.step();
    out.push(sched.getLastLr());
  }
  return out;
}

/** The first group's learning rate at epochs 0..n-1. */
const run0 = (sched: { step(): void; getLastLr(): number[] }, n: number): number[] => run(sched, n).map((lrs) => lrs[0]);

/** Asserts two sequences agree to 1e-12 (relative to values above 1). */
function assertSeq(actual: readonly number[], expected: readonly number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i]));
    assert.ok(
      ok,
      `step ${i}: got ${actual[i]}, expected ${expected[i]}\nactual:   [${actual.join(", ")}]\nexpected: [${expected.join(", ")}]`,
    );
  }
}

function assertSeq2(actual: readonly number[][], expected: readonly number[][]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, i) => {
    assertSeq(row, expected[i]);
  });
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const cosAnneal = (start: number, end: number, pct: number): number => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);

/**
 * Runs `make` for `k` steps, saves the scheduler and optimizer state (through JSON), restores them into a
 * fresh optimizer and scheduler, and checks the restored pair continues the uninterrupted sequence.
 */
function checkRoundTrip<S extends LRScheduler>(
  makeOpt: () => tg.optim.Optimizer<{ lr: number }>,
  make: (opt: tg.optim.Optimizer<{ lr: number }>) => S,
  k: number,
  n: number,
): void {
  const reference = run(make(makeOpt()), n);
  const opt = makeOpt();
  const sched = make(opt);
  for (let i = 1; i <= k; i++) sched.step();
  const saved = JSON.parse(JSON.stringify(sched.stateDict())) as tg.optim.lrScheduler.SchedulerStateDict;
  const savedOpt = opt.stateDict();
  sched.step(); // moves on; the restore below must not see this
  const opt2 = makeOpt();
  const sched2 = make(opt2);
  opt2.loadStateDict(savedOpt);
  sched2.loadStateDict(saved);
  assertSeq(sched2.getLastLr(), reference[k]);
  assert.equal(sched2.lastEpoch, k);
  const rest: number[][] = [];
  for (let i = k + 1; i < n; i++) {
    sched2.step();
    rest.push(sched2.getLastLr());
  }
  assertSeq2(rest, reference.slice(k + 1));
}

describe("LRScheduler base", () => {
  it("records initialLr per group, steps once on construction, and getLastLr copies", () => {
    const opt = plain(0.1, 0.02);
    const sched = new StepLR(opt, 2, 0.5);
    assert.equal(sched.lastEpoch, 0);
    assert.deepEqual(sched.baseLrs, [0.1, 0.02]);
    assert.deepEqual(
      opt.paramGroups.map((g) => (g as unknown as { initialLr: number }).initialLr),
      [0.1, 0.02],
    );
    const last = sched.getLastLr();
    assert.deepEqual(last, [0.1, 0.02]);
    last[0] = 123;
    assert.deepEqual(sched.getLastLr(), [0.1, 0.02]);
    sched.step();
    sched.step();
    assert.deepEqual(sched.getLastLr(), [0.05, 0.01]);
    assert.deepEqual(
      opt.paramGroups.map((g) => g.lr),
      [0.05, 0.01],
    );
  });

  it("a second scheduler on the same optimizer keeps the first's initialLr (chaining)", () => {
    const opt = plain(1);
    const a = new ExponentialLR(opt, 0.9);
    const b = new MultiStepLR(opt, [3, 6], 0.1);
    assert.deepEqual(b.baseLrs, [1]);
    const got = [opt.paramGroups[0].lr];
    for (let t = 1; t < 10; t++) {
      a.step();
      b.step();
      got.push(opt.paramGroups[0].lr);
    }
    const passed = (t: number) => [3, 6].filter((m) => m <= t).length;
    assertSeq(
      got,
      range(10).map((t) => 0.9 ** t * 0.1 ** passed(t)),
    );
  });

  it("resuming with lastEpoch >= 0 needs initialLr in the groups", () => {
    assert.throws(
      () => new StepLR(plain(0.1), 2, 0.5, 3),
      (e: unknown) => e instanceof tg.ValueError && /initialLr/.test(e.message),
    );
    // With initialLr present (a restored optimizer), it continues from lastEpoch + 1 using the chainable form.
    const opt = plain(0.1);
    (opt.paramGroups[0] as unknown as { initialLr: number }).initialLr = 0.1;
    const sched = new ExponentialLR(opt, 0.5, 0);
    assert.equal(sched.lastEpoch, 1);
    assertSeq(sched.getLastLr(), [0.05]);
    // CosineAnnealingLR's first step when resuming uses the closed form at lastEpoch + 1, from the base lr.
    const opt2 = plain(0.1);
    (opt2.paramGroups[0] as unknown as { initialLr: number }).initialLr = 0.1;
    const cos = new CosineAnnealingLR(opt2, 10, 0.01, 3);
    assertSeq(cos.getLastLr(), [0.01 + (0.09 * (1 + Math.cos((Math.PI * 4) / 10))) / 2]);
    cos.step();
    assertSeq(cos.getLastLr(), [0.01 + (0.09 * (1 + Math.cos((Math.PI * 5) / 10))) / 2]);
  });

  it("step(epoch) jumps with the closed form", () => {
    const sched = new StepLR(plain(1), 3, 0.5);
    sched.step(7);
    assert.equal(sched.lastEpoch, 7);
    assertSeq(sched.getLastLr(), [0.25]);
    sched.step();
    assertSeq(sched.getLastLr(), [0.25]);
    sched.step();
    assertSeq(sched.getLastLr(), [0.125]);
    const cos = new CosineAnnealingLR(plain(1), 10, 0.1);
    cos.step(4);
    assertSeq(cos.getLastLr(), [0.1 + (0.9 * (1 + Math.cos((Math.PI * 4) / 10))) / 2]);
    assert.throws(() => cos.step(-1), tg.ValueError);
    assert.throws(() => cos.step(1.5), tg.ValueError);
  });

  it("rejects a non-optimizer and a bad lastEpoch", () => {
    assert.throws(() => new StepLR({} as unknown as tg.optim.Optimizer<{ lr: number }>, 2), tg.ValueError);
    assert.throws(() => new StepLR(plain(1), 2, 0.1, -2), tg.ValueError);
    assert.throws(() => new StepLR(plain(1), 2, 0.1, 0.5), tg.ValueError);
  });

  it("bad arguments throw ValueErrors that name the scheduler and the argument", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => new StepLR(plain(1), 0), /StepLR: stepSize/],
      [() => new StepLR(plain(1), 2.5), /StepLR: stepSize/],
      [() => new StepLR(plain(1), 2, Number.NaN), /StepLR: gamma/],
      [() => new MultiStepLR(plain(1), [2, -1]), /MultiStepLR: milestones/],
      [() => new MultiStepLR(plain(1), [1.5]), /MultiStepLR: milestones/],
      [() => new ExponentialLR(plain(1), Number.POSITIVE_INFINITY), /ExponentialLR: gamma/],
      [() => new CosineAnnealingLR(plain(1), 0), /CosineAnnealingLR: tMax/],
      [() => new CosineAnnealingLR(plain(1), 10, Number.NaN), /CosineAnnealingLR: etaMin/],
      [() => new LinearLR(plain(1), 0), /LinearLR: startFactor/],
      [() => new LinearLR(plain(1), 1.5), /LinearLR: startFactor/],
      [() => new LinearLR(plain(1), 0.5, 1.5), /LinearLR: endFactor/],
      [() => new LinearLR(plain(1), 0.5, -0.1), /LinearLR: endFactor/],
      [() => new LinearLR(plain(1), 0.5, 1, 0), /LinearLR: totalIters/],
      [() => new LambdaLR(plain(1, 2), [(e: number) => e]), /LambdaLR: expected 2 lrLambdas, got 1/],
      [() => new OneCycleLR(plain(1), 1), /OneCycleLR: you must define either totalSteps/],
      [() => new OneCycleLR(plain(1), 1, { totalSteps: 0 }), /OneCycleLR: .*totalSteps/],
      [() => new OneCycleLR(plain(1), 1, { epochs: 2 }), /OneCycleLR: you must define/],
      [() => new OneCycleLR(plain(1), 1, { epochs: 2, stepsPerEpoch: 1.5 }), /stepsPerEpoch/],
      [() => new OneCycleLR(plain(1), 1, { totalSteps: 10, pctStart: 1.2 }), /pctStart/],
      [() => new OneCycleLR(plain(1), 1, { totalSteps: 10, annealStrategy: "exp" as "cos" }), /annealStrategy/],
      [() => new OneCycleLR(plain(1), [1, 2], { totalSteps: 10 }), /expected 1 values for maxLr, got 2/],
      [() => new OneCycleLR(plain(1), 1, { totalSteps: 10, cycleMomentum: true }), /momentum or beta1/],
      [() => new ReduceLROnPlateau(plain(1), { factor: 1 }), /ReduceLROnPlateau: factor/],
      [() => new ReduceLROnPlateau(plain(1), { mode: "up" as "min" }), /mode 'up' is unknown/],
      [() => new ReduceLROnPlateau(plain(1), { thresholdMode: "x" as "rel" }), /threshold mode 'x' is unknown/],
      [() => new ReduceLROnPlateau(plain(1), { patience: -1 }), /patience/],
      [() => new ReduceLROnPlateau(plain(1, 2), { minLr: [0] }), /expected 2 minLrs, got 1/],
    ];
    for (const [f, re] of cases) {
      assert.throws(f, (e: unknown) => e instanceof tg.ValueError && re.test(e.message), `expected ${re}`);
    }
  });
});

describe("StepLR, MultiStepLR, ExponentialLR", () => {
  it("StepLR follows base·gamma^floor(t/stepSize) for each group", () => {
    const got = run(new StepLR(plain(0.05, 0.5), 3, 0.1), 20);
    assertSeq2(
      got,
      range(20).map((t) => [0.05 * 0.1 ** Math.floor(t / 3), 0.5 * 0.1 ** Math.floor(t / 3)]),
    );
  });

  it("MultiStepLR follows base·gamma^(milestones <= t), unsorted and repeated milestones included", () => {
    const got = run0(new MultiStepLR(plain(0.05), [9, 2, 5, 5], 0.1), 15);
    const passed = (t: number) => [2, 5, 5, 9].filter((m) => m <= t).length;
    assertSeq(
      got,
      range(15).map((t) => 0.05 * 0.1 ** passed(t)),
    );
    // PyTorch's test: milestones [2, 5, 9], gamma 0.1 from 0.05.
    assertSeq(
      run0(new MultiStepLR(plain(0.05), [2, 5, 9], 0.1), 10),
      [0.05, 0.05, 0.005, 0.005, 0.005, 0.0005, 0.0005, 0.0005, 0.0005, 0.00005],
    );
  });

  it("ExponentialLR follows base·gamma^t", () => {
    assertSeq(
      run0(new ExponentialLR(plain(0.05), 0.9), 20),
      range(20).map((t) => 0.05 * 0.9 ** t),
    );
  });
});

describe("CosineAnnealingLR", () => {
  const closed = (base: number, etaMin: number, tMax: number, t: number) =>
    etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;

  it("follows etaMin + (base − etaMin)(1 + cos(πt/tMax))/2, past tMax too", () => {
    assertSeq(
      run0(new CosineAnnealingLR(plain(0.05), 10, 0.001), 25),
      range(25).map((t) => closed(0.05, 0.001, 10, t)),
    );
    assertSeq(
      run0(new CosineAnnealingLR(plain(1), 3), 15),
      range(15).map((t) => closed(1, 0, 3, t)),
    );
  });

  it("reaches etaMin at tMax and is back at the base lr at 2·tMax", () => {
    const lrs = run0(new CosineAnnealingLR(plain(0.1), 4, 0.01), 9);
    assertSeq([lrs[4], lrs[8]], [0.01, 0.1]);
  });
});

describe("LinearLR", () => {
  it("default warm-up: factors 1/3 → 1 over 5 epochs", () => {
    const expected = range(12).map((t) => 0.05 * (1 / 3 + ((1 - 1 / 3) * Math.min(5, t)) / 5));
    assertSeq(run0(new LinearLR(plain(0.05)), 12), expected);
  });

  it("PyTorch's example: startFactor 0.5 over 4 epochs from 0.05, and a decreasing schedule", () => {
    assertSeq(run0(new LinearLR(plain(0.05), 0.5, 1, 4), 7), [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05]);
    const expected = range(10).map((t) => 2 * (1 + ((0.25 - 1) * Math.min(6, t)) / 6));
    assertSeq(run0(new LinearLR(plain(2), 1, 0.25, 6), 10), expected);
  });
});

describe("LambdaLR", () => {
  it("sets base·lambda(t), one function for all groups or one per group", () => {
    assertSeq2(
      run(new LambdaLR(plain(0.1, 1), (t) => 0.95 ** t), 12),
      range(12).map((t) => [0.1 * 0.95 ** t, 0.95 ** t]),
    );
    assertSeq2(
      run(new LambdaLR(plain(0.1, 1), [(t) => t + 1, (t) => 1 / (t + 1)]), 8),
      range(8).map((t) => [0.1 * (t + 1), 1 / (t + 1)]),
    );
  });

  it("leaves the functions out of its state dict", () => {
    const sd = new LambdaLR(plain(1), (t) => t).stateDict();
    assert.ok(!("lrLambdas" in sd));
    assert.ok(!("optimizer" in sd));
    assert.equal(sd.lastEpoch, 0);
  });
});

describe("OneCycleLR", () => {
  it("PyTorch's cosine test: lr and momentum over 10 steps", () => {
    const opt = withMomentum(0.1);
    const sched = new OneCycleLR(opt, 25, { finalDivFactor: 2, baseMomentum: 1, maxMomentum: 22, totalSteps: 10 });
    const lrs = [1, 13, 25, ...range(7).map((i) => cosAnneal(25, 0.5, (i + 1) / 7))];
    const moms = [22, 11.5, 1, ...range(7).map((i) => cosAnneal(1, 22, (i + 1) / 7))];
    const gotLr: number[] = [];
    const gotMom: number[] = [];
    for (let i = 0; i < 10; i++) {
      if (i > 0) sched.step();
      gotLr.push(opt.paramGroups[0].lr);
      gotMom.push(opt.paramGroups[0].momentum);
    }
    assertSeq(gotLr, lrs);
    assertSeq(gotMom, moms);
    const g = opt.paramGroups[0] as unknown as Record<string, number>;
    assert.deepEqual([g.initialLr, g.maxLr, g.minLr, g.maxMomentum, g.baseMomentum], [1, 25, 0.5, 22, 1]);
  });

  it("PyTorch's linear test", () => {
    const opt = withMomentum(0.1);
    const sched = new OneCycleLR(opt, 25, {
      finalDivFactor: 2,
      baseMomentum: 1,
      maxMomentum: 22,
      totalSteps: 10,
      annealStrategy: "linear",
    });
    const moms: number[] = [opt.paramGroups[0].momentum];
    const lrs = [sched.getLastLr()[0]];
    for (let i = 1; i < 10; i++) {
      sched.step();
      lrs.push(sched.getLastLr()[0]);
      moms.push(opt.paramGroups[0].momentum);
    }
    assertSeq(lrs, [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5]);
    assertSeq(moms, [22, 11.5, 1, 4, 7, 10, 13, 16, 19, 22]);
  });

  it("PyTorch's three-phase linear test", () => {
    const opt = withMomentum(0.1);
    const sched = new OneCycleLR(opt, 25, {
      divFactor: 25,
      baseMomentum: 1,
      maxMomentum: 22,
      totalSteps: 10,
      annealStrategy: "linear",
      pctStart: 0.4,
      finalDivFactor: 4,
      threePhase: true,
    });
    const moms: number[] = [opt.paramGroups[0].momentum];
    const lrs = [sched.getLastLr()[0]];
    for (let i = 1; i < 10; i++) {
      sched.step();
      lrs.push(sched.getLastLr()[0]);
      moms.push(opt.paramGroups[0].momentum);
    }
    assertSeq(lrs, [1, 9, 17, 25, 17, 9, 1, 0.75, 0.5, 0.25]);
    assertSeq(moms, [22, 15, 8, 1, 8, 15, 22, 22, 22, 22]);
  });

  it("default options over epochs·stepsPerEpoch, per-group maxLr, no momentum cycling on a plain optimizer", () => {
    const opt = plain(1, 1);
    const sched = new OneCycleLR(opt, [0.1, 0.2], { epochs: 4, stepsPerEpoch: 5 });
    assert.equal(sched.totalSteps, 20);
    assert.equal(sched.cycleMomentum, false);
    // pctStart 0.3 of 20 → the peak is at step 5; then cosine down to maxLr/25/1e4 at step 19.
    const up = 0.3 * 20 - 1;
    const expected = (maxLr: number, t: number) =>
      t <= up ? cosAnneal(maxLr / 25, maxLr, t / up) : cosAnneal(maxLr, maxLr / 25 / 1e4, (t - up) / (19 - up));
    assertSeq2(
      run(sched, 20),
      range(20).map((t) => [expected(0.1, t), expected(0.2, t)]),
    );
    assert.ok(!("momentum" in opt.paramGroups[0]));
  });

  it("cycles beta1 of an optimizer with betas, keeping beta2", () => {
    const opt = new Plain<{ lr: number; betas: [number, number] }>([tg.zeros([2], { requiresGrad: true })], { lr: 1, betas: [0.9, 0.999] });
    const sched = new OneCycleLR(opt, 1, { totalSteps: 10, annealStrategy: "linear", pctStart: 0.4, baseMomentum: 0.8, maxMomentum: 0.95 });
    const betas = [opt.paramGroups[0].betas];
    for (let i = 1; i < 10; i++) {
      sched.step();
      betas.push(opt.paramGroups[0].betas);
    }
    assertSeq(
      betas.map((b) => b[0]),
      [0.95, 0.9, 0.85, 0.8, ...range(6).map((i) => 0.8 + ((0.95 - 0.8) * (i + 1)) / 6)],
    );
    assert.ok(betas.every((b) => b[1] === 0.999 && b.length === 2));
  });

  it("stepping past totalSteps throws and leaves the scheduler where it was", () => {
    const sched = new OneCycleLR(plain(1), 1, { totalSteps: 4 });
    for (let i = 0; i < 4; i++) sched.step(); // lastEpoch 4 = totalSteps is still allowed, as in PyTorch
    const last = sched.getLastLr();
    assert.throws(
      () => sched.step(),
      (e: unknown) => e instanceof tg.ValueError && /tried to step 5 times/.test(e.message),
    );
    assert.equal(sched.lastEpoch, 4);
    assert.deepEqual(sched.getLastLr(), last);
  });

  it("works with tg.optim.SGD's momentum and tg.optim.Adam's betas", () => {
    const sgd = new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    const s1 = new OneCycleLR(sgd, 0.5, { totalSteps: 10 });
    assert.equal(s1.cycleMomentum, true);
    assert.equal(sgd.paramGroups[0].momentum, 0.95);
    s1.step();
    assert.ok(sgd.paramGroups[0].momentum < 0.95);
    const adam = new tg.optim.Adam([tg.zeros([2], { requiresGrad: true })], { lr: 0.1 });
    const s2 = new OneCycleLR(adam, 0.5, { totalSteps: 10 });
    assert.equal(s2.useBeta1, true);
    assert.deepEqual(adam.paramGroups[0].betas, [0.95, 0.999]);
  });
});

describe("ReduceLROnPlateau", () => {
  it("min mode, relative threshold: reduces after more than `patience` bad epochs", () => {
    const sched = new ReduceLROnPlateau(plain(1), { factor: 0.5, patience: 2 });
    assert.deepEqual(sched.getLastLr(), [1]);
    // 8.9999 is not better than 9 by the relative threshold 1e-4.
    const metrics = [10, 9, 9, 9, 9, 8.9999, 8, 8, 8, 8, 8, 8];
    const got = metrics.map((m) => {
      sched.step(m);
      return sched.getLastLr()[0];
    });
    assertSeq(got, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
    assert.equal(sched.lastEpoch, 12);
    assert.equal(sched.best, 8);
  });

  it("max mode, absolute threshold, cooldown and per-group minLr", () => {
    const opt = plain(1, 0.5);
    const sched = new ReduceLROnPlateau(opt, {
      mode: "max",
      thresholdMode: "abs",
      threshold: 0.1,
      patience: 1,
      cooldown: 2,
      minLr: [0.02, 0.004],
      factor: 0.1,
    });
    const metrics = [0.5, 0.55, 0.7, 0.75, 0.7, 0.65, 0.8, 0.85, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
    const got = metrics.map((m) => {
      sched.step(m);
      return sched.getLastLr();
    });
    const a: number[] = [1, 0.5];
    const b: number[] = [0.1, 0.05];
    const c: number[] = [0.02, 0.005];
    const d: number[] = [0.02, 0.004];
    assertSeq2(got, [a, a, a, a, b, b, b, b, c, c, c, c, d, d, d]);
  });

  it("skips reductions smaller than eps, and takes one-element tensor metrics", () => {
    const sched = new ReduceLROnPlateau(plain(1e-8), { factor: 0.5, patience: 0 });
    for (let i = 0; i < 5; i++) sched.step(tg.tensor([1]));
    assert.deepEqual(sched.getLastLr(), [1e-8]);
    assert.throws(() => sched.step(tg.tensor([1, 2])), tg.ValueError);
  });

  it("state dict round trip (through JSON, where best = Infinity becomes null) continues the sequence", () => {
    const metrics = [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3];
    const make = (opt: tg.optim.Optimizer<{ lr: number }>) => new ReduceLROnPlateau(opt, { factor: 0.5, patience: 1, cooldown: 1 });
    const refOpt = plain(1);
    const ref = make(refOpt);
    const expected = metrics.map((m) => {
      ref.step(m);
      return ref.getLastLr()[0];
    });
    for (const k of [0, 4, 7]) {
      const opt = plain(1);
      const sched = make(opt);
      for (const m of metrics.slice(0, k)) sched.step(m);
      const saved = JSON.parse(JSON.stringify(sched.stateDict())) as tg.optim.lrScheduler.SchedulerStateDict;
      const opt2 = plain(1);
      opt2.loadStateDict(opt.stateDict());
      const restored = make(opt2);
      restored.loadStateDict(saved);
      const got = metrics.slice(k).map((m) => {
        restored.step(m);
        return restored.getLastLr()[0];
      });
      assertSeq(got, expected.slice(k));
    }
  });

  it("a group added later gets the single minLr", () => {
    const opt = plain(1);
    const sched = new ReduceLROnPlateau(opt, { patience: 0, minLr: 0.5 });
    opt.addParamGroup({ params: [tg.zeros([1], { requiresGrad: true })], lr: 2 });
    sched.step(1);
    sched.step(1);
    assert.deepEqual(sched.getLastLr(), [0.5, 0.5]);
  });
});

describe("SequentialLR", () => {
  it("PyTorch's test: ExponentialLR(0.8) then StepLR(4, 0.1) at milestone 3", () => {
    const opt = plain(0.05);
    const sched = new SequentialLR(opt, [new ExponentialLR(opt, 0.8), new StepLR(opt, 4, 0.1)], [3]);
    const expected = [0.05, 0.04, 0.032, ...[1, 0.1, 0.01, 0.001].flatMap((f) => [0, 0, 0, 0].map(() => 0.05 * f))];
    assertSeq(run0(sched, 19), expected);
  });

  it("warm-up then exponential decay, and three schedulers with two milestones", () => {
    const opt = plain(0.05);
    const sched = new SequentialLR(opt, [new LinearLR(opt, 0.1, 1, 3), new ExponentialLR(opt, 0.9)], [3]);
    assertSeq(run0(sched, 12), [0.005, 0.02, 0.035, ...range(9).map((k) => 0.05 * 0.9 ** k)]);

    const opt3 = plain(0.05);
    const three = new SequentialLR(opt3, [new LinearLR(opt3, 0.1, 1, 5), new ExponentialLR(opt3, 0.8), new StepLR(opt3, 2, 0.1)], [3, 6]);
    const w = (t: number) => 0.05 * (0.1 + (0.9 * t) / 5);
    assertSeq(run0(three, 12), [w(0), w(1), w(2), 0.05, 0.04, 0.032, 0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005]);
  });

  it("warm-up into cosine annealing", () => {
    const opt = plain(0.1);
    const sched = new SequentialLR(opt, [new LinearLR(opt, 0.25, 1, 4), new CosineAnnealingLR(opt, 10, 0.001)], [4]);
    const expected = range(16).map((t) =>
      t < 4 ? 0.1 * (0.25 + (0.75 * t) / 4) : 0.001 + ((0.1 - 0.001) * (1 + Math.cos((Math.PI * (t - 4)) / 10))) / 2,
    );
    assertSeq(run0(sched, 16), expected);
  });

  it("rejects bad arguments", () => {
    const opt = plain(1);
    const other = plain(1);
    const a = new ExponentialLR(opt, 0.9);
    assert.throws(() => new SequentialLR(opt, [], []), /at least one scheduler/);
    assert.throws(() => new SequentialLR(opt, [a, new StepLR(opt, 2)], []), /one fewer milestone/);
    assert.throws(() => new SequentialLR(opt, [a, new StepLR(other, 2)], [2]), /same optimizer/);
    assert.throws(
      () => new SequentialLR(opt, [a, new ReduceLROnPlateau(opt) as unknown as LRScheduler], [2]),
      (e: unknown) => e instanceof tg.ValueError && /ReduceLROnPlateau/.test(e.message),
    );
    assert.throws(() => new SequentialLR(opt, [a, new StepLR(opt, 2), new StepLR(opt, 3)], [5, 2]), /sorted/);
  });
});

describe("state dicts", () => {
  it("hold the scheduler's own fields, not the optimizer", () => {
    const sd = new StepLR(plain(0.1), 3, 0.5).stateDict();
    assert.ok(!("optimizer" in sd));
    assert.deepEqual(
      { stepSize: sd.stepSize, gamma: sd.gamma, lastEpoch: sd.lastEpoch, baseLrs: sd.baseLrs },
      { stepSize: 3, gamma: 0.5, lastEpoch: 0, baseLrs: [0.1] },
    );
  });

  it("a restored scheduler continues the same sequence", () => {
    const cases: [string, () => tg.optim.Optimizer<{ lr: number }>, (o: tg.optim.Optimizer<{ lr: number }>) => LRScheduler][] = [
      ["StepLR", () => plain(0.1, 1), (o) => new StepLR(o, 3, 0.5)],
      ["MultiStepLR", () => plain(0.1), (o) => new MultiStepLR(o, [2, 6, 6], 0.3)],
      ["ExponentialLR", () => plain(0.1), (o) => new ExponentialLR(o, 0.7)],
      ["CosineAnnealingLR", () => plain(0.1), (o) => new CosineAnnealingLR(o, 5, 0.01)],
      ["LinearLR", () => plain(0.1), (o) => new LinearLR(o, 0.2, 0.9, 8)],
      ["LambdaLR", () => plain(0.1), (o) => new LambdaLR(o, (t) => 1 / (1 + t))],
      ["OneCycleLR", () => withMomentum(0.1), (o) => new OneCycleLR(o, 1, { totalSteps: 16, threePhase: true })],
      ["SequentialLR", () => plain(0.1), (o) => new SequentialLR(o, [new LinearLR(o, 0.5, 1, 3), new CosineAnnealingLR(o, 6)], [4])],
    ];
    for (const [name, makeOpt, make] of cases) {
      for (const k of [1, 5, 9]) {
        try {
          checkRoundTrip(makeOpt, make, k, 16);
        } catch (e) {
          throw new Error(`${name}, restored after ${k} steps: ${(e as Error).message}`);
        }
      }
    }
  });

  it("OneCycleLR's momentum continues after a restore", () => {
    const make = (o: tg.optim.Optimizer<{ lr: number }>) => new OneCycleLR(o, 1, { totalSteps: 12 });
    const refOpt = withMomentum(0.1);
    const ref = make(refOpt);
    const moms: number[] = [];
    for (let i = 0; i < 11; i++) {
      ref.step();
      moms.push(refOpt.paramGroups[0].momentum);
    }
    const opt = withMomentum(0.1);
    const sched = make(opt);
    for (let i = 0; i < 5; i++) sched.step();
    const opt2 = withMomentum(0.1);
    const sched2 = make(opt2);
    opt2.loadStateDict(opt.stateDict());
    sched2.loadStateDict(sched.stateDict());
    const got: number[] = [];
    for (let i = 5; i < 11; i++) {
      sched2.step();
      got.push(opt2.paramGroups[0].momentum);
    }
    assertSeq(got, moms.slice(5));
  });
});

describe("with tg.optim.SGD in a training loop", () => {
  it("the scheduled lr drives the parameter updates", () => {
    const w = tg.zeros([1], { dtype: "float64", requiresGrad: true });
    const opt = new tg.optim.SGD([w], { lr: 0.1 });
    const sched = new StepLR(opt, 2, 0.5);
    const values: number[] = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      opt.zeroGrad();
      w.sum().backward(); // gradient 1: w moves by -lr
      opt.step();
      sched.step();
      values.push(w.item() as number);
    }
    // lr per epoch: 0.1, 0.1, 0.05, 0.05, 0.025, 0.025
    let acc = 0;
    const expected = [0.1, 0.1, 0.05, 0.05, 0.025, 0.025].map((lr) => {
      acc -= lr;
      return acc;
    });
    assertSeq(values, expected);
  });
});
