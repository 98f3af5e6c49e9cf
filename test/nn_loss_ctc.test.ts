import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";
import { checkCase, FX } from "./loss_extra_fixtures.ts";

// CTC: values and gradients against PyTorch 1.13 (test/fixtures/loss_extra_torch.py), against a brute-force sum
// over every alignment, gradcheck, the forms of targets and lengths, errors, and learning a sequence.
const F = tg.nn.functional;
const i32 = (data: tg.NestedArray | number): tg.Tensor => tg.tensor(data, { dtype: "int32" });

/** −ln Σ over every path of T labels that collapses (merge repeats, drop blanks) to `target`, by enumeration. */
function bruteForceCtc(logProbs: number[][], target: number[], blank: number): number {
  const steps = logProbs.length;
  const classes = logProbs[0].length;
  let total = 0;
  const path = new Array<number>(steps).fill(0);
  for (let code = 0; code < classes ** steps; code++) {
    let c = code;
    for (let t = 0; t < steps; t++) {
      path[t] = c % classes;
      c = Math.floor(c / classes);
    }
    const collapsed = path.filter((l, t) => l !== blank && (t === 0 || l !== path[t - 1]));
    if (collapsed.length === target.length && collapsed.every((l, i) => l === target[i])) {
      total += Math.exp(path.reduce((s, l, t) => s + logProbs[t][l], 0));
    }
  }
  return -Math.log(total);
}

describe("ctcLoss against PyTorch: each reduction, the module form and the gradients (through logSoftmax)", () => {
  const names = [
    "padded targets with repeats",
    "concatenated targets, an empty target, blank 4",
    "unbatched",
    "zeroInfinity",
    "an infinite loss",
    "40 steps, int32 lengths",
  ];
  FX.ctc.forEach((c, i) => {
    it(names[i] ?? `case ${i}`, () => checkCase(c, 1e-9));
  });
});

describe("ctcLoss", () => {
  it("equals the brute-force sum over alignments (repeats need a blank between them)", () => {
    const g = new tg.Generator(5);
    const lp = tg.randn([5, 3], { dtype: "float64", generator: g }).logSoftmax(1);
    const rows = lp.tolist() as number[][];
    for (const [target, blank] of [
      [[1, 2], 0],
      [[1, 1], 0],
      [[2], 0],
      [[0, 1, 0], 2],
      [[], 0],
    ] as [number[], number][]) {
      const loss = F.ctcLoss(lp, i32(target), [5], [target.length], { blank, reduction: "sum" });
      assertClose(loss, bruteForceCtc(rows, target, blank), { atol: 1e-12, rtol: 1e-12 });
    }
  });

  it("gradcheck in float64, through logSoftmax and on the log-probabilities themselves", () => {
    const targets = i32([
      [1, 2, 2],
      [3, 1, 0],
    ]);
    checkGrads((x) => F.ctcLoss(x.logSoftmax(2), targets, [6, 5], [3, 2]), [[6, 2, 4]]);
    // The gradient is the derivative of the forward for any input, normalized or not (PyTorch's is only right after
    // a logSoftmax in the graph: pytorch/pytorch#52241).
    checkGrads((x) => F.ctcLoss(x, targets, [6, 4], [3, 1], { reduction: "none" }), [[6, 2, 4]]);
  });

  it("padded and concatenated targets, arrays and int32 tensors for the lengths, give the same loss", () => {
    const lp = tg.randn([6, 2, 5]).logSoftmax(2);
    const padded = F.ctcLoss(
      lp,
      i32([
        [1, 2, 3],
        [4, 4, 0],
      ]),
      [6, 5],
      [3, 2],
      { reduction: "none" },
    );
    assertClose(F.ctcLoss(lp, i32([1, 2, 3, 4, 4]), i32([6, 5]), i32([3, 2]), { reduction: "none" }), padded);
    assertClose(new tg.nn.CTCLoss(0, "none")(lp, i32([1, 2, 3, 4, 4]), [6, 5], [3, 2]), padded);
    // "mean" divides each loss by its target length, then averages.
    assertClose(F.ctcLoss(lp, i32([1, 2, 3, 4, 4]), [6, 5], [3, 2]), padded.div(tg.tensor([3, 2])).mean());
    // An unbatched [T, C] input is the batch of one.
    assertClose(F.ctcLoss(lp.select(1, 0), i32([1, 2, 3]), i32(6), i32(3), { reduction: "none" }), padded.get(0));
  });

  it("an impossible alignment: +Infinity with a zero gradient, or 0 with zeroInfinity", () => {
    const x = tg.randn([3, 2, 4], { requiresGrad: true });
    const loss = F.ctcLoss(
      x.logSoftmax(2),
      i32([
        [1, 1],
        [1, 2],
      ]),
      [2, 3],
      [2, 2],
      { reduction: "none" },
    );
    assert.equal(loss.get(0).item(), Infinity); // 1, 1 needs three steps: 1, blank, 1
    assert.ok(Number.isFinite(loss.get(1).item()));
    loss.sum().backward(); // PyTorch's gradient is NaN here; the infinite loss contributes 0
    const grad = x.grad as tg.Tensor;
    assert.ok((grad.toArray() as Float32Array).every(Number.isFinite));
    assert.equal(grad.get(":, 0").abs().sum().item(), 0);
    assert.ok(grad.get(":, 1").abs().sum().item() > 0);
    const zeroed = F.ctcLoss(
      x.logSoftmax(2),
      i32([
        [1, 1],
        [1, 2],
      ]),
      [2, 3],
      [2, 2],
      { reduction: "none", zeroInfinity: true },
    );
    assertClose(zeroed, [0, loss.get(1).item()]);
  });

  it("float32 log-probabilities give a float32 loss", () => {
    const loss = F.ctcLoss(tg.randn([4, 3]).logSoftmax(1), i32([1, 2]), [4], [2]);
    assert.equal(loss.dtype, "float32");
    assert.ok(Number.isFinite(loss.item()));
  });

  it("errors name the argument and the values", () => {
    const lp = tg.randn([5, 2, 4]).logSoftmax(2);
    const t = i32([
      [1, 2],
      [3, 3],
    ]);
    assert.throws(() => F.ctcLoss(lp, t, [5, 4], [2, 2], { blank: 4 }), /blank 4 must be a class in \[0, 4\)/);
    assert.throws(() => F.ctcLoss(lp, t, [5, 6], [2, 2]), /each input length must be in \[1, T = 5\], got 6/);
    assert.throws(() => F.ctcLoss(lp, t, [5, 0], [2, 2]), tg.ValueError);
    assert.throws(() => F.ctcLoss(lp, t, [5, 4], [2, 3]), /padded targets must be \[N, S\] with N = 2 and S ≥ the longest target length 3/);
    assert.throws(() => F.ctcLoss(lp, i32([1, 2, 3]), [5, 4], [2, 2]), /4 labels \(the sum of targetLengths\), got 3/);
    assert.throws(
      () =>
        F.ctcLoss(
          lp,
          i32([
            [1, 0],
            [3, 3],
          ]),
          [5, 4],
          [2, 2],
        ),
      (e: unknown) => e instanceof tg.IndexError && /label 0/.test(String(e)),
    );
    assert.throws(
      () =>
        F.ctcLoss(
          lp,
          i32([
            [1, 4],
            [3, 3],
          ]),
          [5, 4],
          [2, 2],
        ),
      tg.IndexError,
    );
    assert.throws(() => F.ctcLoss(lp, t.float(), [5, 4], [2, 2]), tg.DTypeError);
    assert.throws(() => F.ctcLoss(lp, t, [5], [2, 2]), /inputLengths must have one entry per batch entry \(2\), got 1/);
    assert.throws(() => F.ctcLoss(lp, t, [5, -1] as never, [2, 2]), tg.ArgumentError);
    assert.throws(() => F.ctcLoss(lp, t, 5 as never, [2, 2]), tg.ArgumentError);
    assert.throws(() => F.ctcLoss(lp, t, tg.tensor([5, 4]) as never, [2, 2]), tg.ArgumentError);
    assert.throws(() => F.ctcLoss(lp.unsqueeze(0), t, [5, 4], [2, 2]), tg.ShapeError);
    assert.throws(() => F.ctcLoss(i32([[1]]), t, [1], [1]), tg.DTypeError);
    assert.throws(() => new tg.nn.CTCLoss({ zero_infinity: true } as never), /did you mean "zeroInfinity"/);
  });

  it("learns to emit a label sequence: greedy decoding of the trained outputs gives the target", () => {
    tg.manualSeed(0);
    const T = 12;
    const target = [3, 1, 1, 2];
    const model = new tg.nn.Linear(T, 5); // one-hot time step -> logits over blank and 4 labels
    const steps = tg.eye(T);
    const opt = new tg.optim.Adam(model.parameters(), 0.1);
    const ctc = new tg.nn.CTCLoss();
    let first = 0;
    let last = 0;
    for (let i = 0; i < 60; i++) {
      opt.zeroGrad();
      const loss = ctc(model(steps).logSoftmax(1), i32(target), [T], [target.length]);
      loss.backward();
      opt.step();
      if (i === 0) first = loss.item();
      last = loss.item();
    }
    const best = (model(steps).argmax(1).tolist() as number[]).filter((l, t, p) => l !== 0 && (t === 0 || l !== p[t - 1]));
    assert.deepEqual(best, target);
    assert.ok(last < first / 10, `loss ${first} -> ${last}`);
  });
});
