import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// Expected values are derived by hand from PyTorch's definitions (computed with python3's math module).
const F = tg.nn.functional;
const f64 = (data: tg.NestedArray): tg.Tensor => tg.tensor(data, { dtype: "float64" });
const i32 = (data: tg.NestedArray | number): tg.Tensor => tg.tensor(data, { dtype: "int32" });

const reductions = ["none", "sum", "mean"] as const;

/** Runs `fn` for each reduction against [none, sum, mean] expectations. */
function eachReduction(
  fn: (reduction: tg.nn.functional.Reduction) => tg.Tensor,
  expected: [tg.NestedArray, number, number],
  atol = 1e-9,
): void {
  reductions.forEach((reduction, i) => {
    assertClose(fn(reduction), expected[i] as tg.NestedArray, { atol, rtol: 1e-9 });
  });
}

describe("regression losses", () => {
  // d = input − target = [−0.5, −2, 2, 0]
  const x = f64([0.5, -1, 2, 3]);
  const y = f64([1, 1, 0, 3]);

  it("mseLoss: (x − y)² with each reduction; mean is the default", () => {
    eachReduction((reduction) => F.mseLoss(x, y, { reduction }), [[0.25, 4, 4, 0], 8.25, 2.0625]);
    assertClose(F.mseLoss(x, y), 2.0625);
    assertClose(F.mseLoss(x.reshape([2, 2]), y.reshape([2, 2]), { reduction: "none" }), [
      [0.25, 4],
      [4, 0],
    ]);
  });

  it("l1Loss: |x − y|", () => {
    eachReduction((reduction) => F.l1Loss(x, y, { reduction }), [[0.5, 2, 2, 0], 4.5, 1.125]);
  });

  it("huberLoss: quadratic below delta, delta·(|d| − delta/2) above", () => {
    eachReduction((reduction) => F.huberLoss(x, y, { reduction }), [[0.125, 1.5, 1.5, 0], 3.125, 0.78125]);
    assertClose(F.huberLoss(x, y, { delta: 1.5, reduction: "none" }), [0.125, 1.875, 1.875, 0]);
    assertClose(F.huberLoss(x, y, { delta: 3, reduction: "sum" }), 4.125);
  });

  it("smoothL1Loss: ½d²/beta below beta, |d| − beta/2 above; beta = 0 is L1", () => {
    eachReduction((reduction) => F.smoothL1Loss(x, y, { reduction }), [[0.125, 1.5, 1.5, 0], 3.125, 0.78125]);
    assertClose(F.smoothL1Loss(x, y, { beta: 0.4, reduction: "none" }), [0.3, 1.8, 1.8, 0]);
    assertClose(F.smoothL1Loss(x, y, { beta: 4, reduction: "none" }), [0.03125, 0.5, 0.5, 0]);
    assertClose(F.smoothL1Loss(x, y, { beta: 0 }), 1.125);
  });

  it("mseLoss gradient is 2(x − y)/n", () => {
    const xg = x.detach().requiresGrad_(true);
    F.mseLoss(xg, y).backward();
    assertClose(xg.grad as tg.Tensor, [-0.25, -1, 1, 0]);
  });

  it("keeps float32 inputs float32", () => {
    const out = F.mseLoss(tg.tensor([1, 2]), tg.tensor([0, 0]));
    assert.equal(out.dtype, "float32");
    assert.equal(out.item(), 2.5);
  });
});

describe("crossEntropy", () => {
  const X = f64([
    [1, 2, 3],
    [1, -1, 0],
    [0.5, 0.5, -2],
    [2, 0, 1],
  ]);
  const W = f64([0.2, 1, 3]);

  it("class indices, each reduction", () => {
    eachReduction(
      (reduction) => F.crossEntropy(X, i32([2, 0, 1, 1]), { reduction }),
      [[0.4076059644443806, 0.40760596444438035, 0.7333697948272113, 2.4076059644443806], 3.9561876881603526, 0.9890469220400882],
    );
  });

  it("matches nllLoss of logSoftmax", () => {
    const t = i32([2, 0, 1, 1]);
    assertClose(F.nllLoss(F.logSoftmax(X, 1), t), F.crossEntropy(X, t), { atol: 1e-12 });
  });

  it("class weights and ignoreIndex: mean divides by the weights of the targets not ignored", () => {
    eachReduction(
      (reduction) => F.crossEntropy(X, i32([2, 0, -100, 1]), { weight: W, reduction }),
      [[1.2228178933331417, 0.08152119288887608, 0, 2.4076059644443806], 3.7119450506663982, 0.8837964406348567],
    );
  });

  it("an ignoreIndex inside the class range", () => {
    const t = i32([2, 0, 1, 0]);
    assertClose(F.crossEntropy(X, t, { ignoreIndex: 0, reduction: "none" }), [0.4076059644443806, 0, 0.7333697948272113, 0]);
    assertClose(F.crossEntropy(X, t, { ignoreIndex: 0 }), 0.570487879635796, { atol: 1e-12 });
  });

  it("label smoothing: (1 − ε)·nll + ε/C·Σ −logp", () => {
    eachReduction(
      (reduction) => F.crossEntropy(X, i32([2, 0, 1, 1]), { labelSmoothing: 0.1, reduction }),
      [[0.5076059644443807, 0.5076059644443804, 0.8167031281605447, 2.3076059644443805], 4.139521021493686, 1.0348802553734215],
    );
  });

  it("label smoothing with weights and ignoreIndex: the smooth term is weighted and shares the nll's denominator", () => {
    eachReduction(
      (reduction) => F.crossEntropy(X, i32([2, 0, -100, 1]), { weight: W, labelSmoothing: 0.2, reduction }),
      [[1.1857173180442735, 0.5126799576888607, 0, 2.3735477749332645], 4.071945050666399, 0.9695107263491425],
    );
  });

  it("class-probability targets: mean divides by the number of samples", () => {
    const P = f64([
      [0.1, 0.2, 0.7],
      [1, 0, 0],
      [0.3, 0.3, 0.4],
      [0, 0.5, 0.5],
    ]);
    eachReduction(
      (reduction) => F.crossEntropy(X, P, { reduction }),
      [[0.8076059644443805, 0.40760596444438035, 1.7333697948272113, 1.9076059644443806], 4.856187688160353, 1.2140469220400882],
    );
    eachReduction(
      (reduction) => F.crossEntropy(X, P, { weight: W, labelSmoothing: 0.1, reduction }),
      [[1.1708127554487466, 0.29710057528886835, 4.0823229632132145, 3.207422237688765], 8.757658531639596, 2.189414632909899],
    );
    // A one-hot probability target is the same as its class index.
    const oneHot = tg.nn.functional.oneHot(i32([2, 0, 1, 1]), 3).to("float64");
    assertClose(F.crossEntropy(X, oneHot), 0.9890469220400882, { atol: 1e-12 });
  });

  it("extra dims: input [N, C, d], target [N, d], with weights and ignoreIndex", () => {
    const A = f64([
      [
        [1, 0],
        [2, -1],
        [0.5, 3],
      ],
      [
        [0, 1],
        [-1, 1],
        [2, 2],
      ],
    ]);
    const T = i32([
      [2, 0],
      [1, -100],
    ]);
    eachReduction(
      (reduction) => F.crossEntropy(A, T, { weight: W, reduction }),
      [
        [
          [5.893106352323835, 0.6131767807514859],
          [3.1698460195562856, 0],
        ],
        9.676129152631606,
        2.3038402744360966,
      ],
    );
    assertClose(F.crossEntropy(A, T, { weight: W, labelSmoothing: 0.1 }), 2.1975865213668597, { atol: 1e-12 });
  });

  it("unbatched: input [C] with a 0-dim target", () => {
    const out = F.crossEntropy(f64([0.5, -1, 2]), i32(1));
    assert.deepEqual(out.shape, []);
    assertClose(out, 3.241311296657157, { atol: 1e-12 });
    assertClose(F.crossEntropy(f64([0.5, -1, 2]), i32(1), { reduction: "none" }), 3.241311296657157, { atol: 1e-12 });
  });

  it("is stable for logits like ±1000 (value and gradient)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const logits = tg.tensor(
        [
          [1000, 0],
          [0, -1000],
        ],
        { dtype, requiresGrad: true },
      );
      assertClose(F.crossEntropy(logits, i32([0, 1]), { reduction: "none" }), [0, 1000]);
      const loss = F.crossEntropy(logits, i32([0, 1]));
      assertClose(loss, 500);
      loss.backward();
      // (softmax − onehot)/N
      assertClose(logits.grad as tg.Tensor, [
        [0, 0],
        [0.5, -0.5],
      ]);
    }
  });

  it("all targets ignored gives NaN under mean (0/0), as PyTorch", () => {
    assert.ok(Number.isNaN(F.crossEntropy(X, i32([-100, -100, -100, -100])).item()));
    assert.equal(F.crossEntropy(X, i32([-100, -100, -100, -100]), { reduction: "sum" }).item(), 0);
  });
});

describe("nllLoss", () => {
  const L = f64([
    [-1, -2, -0.5],
    [-0.3, -4, -2],
    [-1.5, -0.1, -3],
  ]);
  const t = i32([2, 0, 1]);

  it("picks −input[y], weighted; mean divides by the weight sum", () => {
    eachReduction((reduction) => F.nllLoss(L, t, { reduction }), [[0.5, 0.3, 0.1], 0.9, 0.3]);
    const weight = f64([0.2, 1, 3]);
    eachReduction((reduction) => F.nllLoss(L, t, { weight, reduction }), [[1.5, 0.06, 0.1], 1.66, 1.66 / 4.2]);
    assertClose(F.nllLoss(L, i32([2, -100, 1]), { weight }), 1.6 / 4, { atol: 1e-12 });
  });

  it("gradient is −w[y]/Σw at the target", () => {
    const Lg = L.detach().requiresGrad_(true);
    F.nllLoss(Lg, t, { weight: f64([0.2, 1, 3]) }).backward();
    assertClose(Lg.grad as tg.Tensor, [
      [0, 0, -3 / 4.2],
      [-0.2 / 4.2, 0, 0],
      [0, -1 / 4.2, 0],
    ]);
  });
});

describe("binaryCrossEntropy", () => {
  const p = f64([0.2, 0.9, 0.5, 0, 1]);
  const y = f64([0, 1, 1, 1, 1]);

  it("−(y·ln p + (1 − y)·ln(1 − p)), logs clamped at −100", () => {
    eachReduction(
      (reduction) => F.binaryCrossEntropy(p, y, { reduction }),
      [[0.2231435513142097, 0.10536051565782628, Math.LN2, 100, 0], 101.02165124753198, 20.204330249506395],
    );
  });

  it("per-element weights", () => {
    const weight = f64([1, 2, 1, 0.5, 1]);
    assertClose(F.binaryCrossEntropy(p, y, { weight, reduction: "none" }), [0.2231435513142097, 0.21072103131565256, Math.LN2, 50, 0]);
    assertClose(F.binaryCrossEntropy(p, y, { weight }), 10.22540235263796, { atol: 1e-9 });
  });

  it("the gradient stays finite at p = 0 and p = 1", () => {
    const pg = p.detach().requiresGrad_(true);
    F.binaryCrossEntropy(pg, y).backward();
    const g = (pg.grad as tg.Tensor).toArray();
    assert.ok([...g].every(Number.isFinite), `gradient ${pg.grad}`);
    // d/dp at p = 0.2, y = 0: 1/(1 − p)/n
    assert.ok(Math.abs(Number(g[0]) - 1 / 0.8 / 5) < 1e-12);
  });
});

describe("binaryCrossEntropyWithLogits", () => {
  const x = f64([0.5, -1, 2, 0]);
  const y = f64([1, 0, 0.3, 1]);

  it("y·softplus(−x) + (1 − y)·softplus(x)", () => {
    eachReduction(
      (reduction) => F.binaryCrossEntropyWithLogits(x, y, { reduction }),
      [[0.4740769841801067, 0.31326168751822286, 1.5269280110429726, Math.LN2], 3.0074138633012475, 0.7518534658253119],
    );
    assertClose(F.binaryCrossEntropyWithLogits(x, y), F.binaryCrossEntropy(x.sigmoid(), y), { atol: 1e-12 });
  });

  it("posWeight and weight", () => {
    const opts = { posWeight: f64([2.5]), weight: f64([1, 2, 0.5, 1]) };
    assertClose(
      F.binaryCrossEntropyWithLogits(x, y, { ...opts, reduction: "none" }),
      [1.1851924604502666, 0.6265233750364457, 0.7920228080061551, 1.7328679513998633],
    );
    assertClose(F.binaryCrossEntropyWithLogits(x, y, opts), 1.0841516487231826, { atol: 1e-9 });
  });

  it("gradient is (σ(x) − y)/n, including at x = 0", () => {
    const xg = x.detach().requiresGrad_(true);
    F.binaryCrossEntropyWithLogits(xg, y).backward();
    assertClose(xg.grad as tg.Tensor, [-0.09438516719953635, 0.06723535534249878, 0.1451992694944706, -0.125], { atol: 1e-12 });
  });

  it("is stable for logits ±1000 (finite value and gradient)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const logits = tg.tensor([1000, -1000, 1000, -1000], { dtype, requiresGrad: true });
      const target = tg.tensor([1, 0, 0, 1], { dtype });
      assertClose(F.binaryCrossEntropyWithLogits(logits, target, { reduction: "none" }), [0, 0, 1000, 1000]);
      const loss = F.binaryCrossEntropyWithLogits(logits, target);
      assertClose(loss, 500);
      loss.backward();
      assertClose(logits.grad as tg.Tensor, [0, 0, 0.25, -0.25]);
    }
  });
});

describe("klDiv", () => {
  const inp = f64([
    [Math.log(0.2), Math.log(0.3), Math.log(0.5)],
    [Math.log(0.6), Math.log(0.3), Math.log(0.1)],
  ]);
  const target = f64([
    [0.1, 0, 0.9],
    [0.5, 0.25, 0.25],
  ]);

  it("target·(ln target − input), 0 where target = 0; mean, sum, batchmean, none", () => {
    const none = [
      [-0.06931471805599451, 0, 0.529007998411907],
      [-0.09116077839697728, -0.04558038919848861, 0.22907268296853872],
    ];
    eachReduction((reduction) => F.klDiv(inp, target, { reduction }), [none, 0.5520247957289853, 0.09200413262149755]);
    assertClose(F.klDiv(inp, target, { reduction: "batchmean" }), 0.27601239786449266, { atol: 1e-12 });
    assertClose(F.klDiv(inp, target), 0.09200413262149755, { atol: 1e-12 });
  });

  it("logTarget: e^target·(target − input)", () => {
    eachReduction(
      (reduction) => F.klDiv(inp, target, { reduction, logTarget: true }),
      [
        [
          [1.8892210670781133, 1.2039728043259361, 3.9185097618361646],
          [1.666569706871714, 1.866938035927254, 3.2775841376625965],
        ],
        13.822795513701779,
        2.3037992522836297,
      ],
    );
    assertClose(F.klDiv(inp, target.clamp(1e-12).log(), { reduction: "batchmean", logTarget: true }), 0.27601239786449266, { atol: 1e-9 });
  });

  it("the gradient with respect to a zero target is finite", () => {
    const tg_ = target.detach().requiresGrad_(true);
    F.klDiv(inp, tg_, { reduction: "sum" }).backward();
    assert.ok([...(tg_.grad as tg.Tensor).toArray()].every(Number.isFinite));
  });
});

describe("loss gradients (gradcheck, float64)", () => {
  const idx = i32([2, 0, -100, 1]);
  const W = f64([0.2, 1, 3]);

  it("regression losses", () => {
    const y = f64([
      [0.3, -1, 2],
      [0, 1, -0.5],
    ]);
    for (const reduction of reductions) {
      checkGrads((x) => F.mseLoss(x, y, { reduction }), [[2, 3]], { gradgrad: true });
      checkGrads((x) => F.l1Loss(x, y, { reduction }), [[2, 3]]);
      checkGrads((x) => F.huberLoss(x, y, { reduction, delta: 0.7 }), [[2, 3]]);
      checkGrads((x) => F.smoothL1Loss(x, y, { reduction, beta: 0.7 }), [[2, 3]]);
    }
    // gradients with respect to the target too
    checkGrads(
      (x, t) => F.mseLoss(x, t),
      [
        [2, 3],
        [2, 3],
      ],
    );
  });

  it("crossEntropy (index and probability targets, weights, smoothing, extra dims) and nllLoss", () => {
    for (const reduction of reductions) {
      checkGrads((x) => F.crossEntropy(x, idx, { reduction }), [[4, 3]], { gradgrad: true });
      checkGrads((x) => F.crossEntropy(x, idx, { weight: W, labelSmoothing: 0.2, reduction }), [[4, 3]], { gradgrad: true });
      checkGrads((x) => F.nllLoss(x, idx, { weight: W, reduction }), [[4, 3]]);
    }
    const P = f64([
      [0.1, 0.2, 0.7],
      [1, 0, 0],
      [0.3, 0.3, 0.4],
      [0, 0.5, 0.5],
    ]);
    checkGrads((x) => F.crossEntropy(x, P, { weight: W, labelSmoothing: 0.1 }), [[4, 3]], { gradgrad: true });
    const T = i32([
      [2, 0],
      [1, -100],
    ]);
    checkGrads((x) => F.crossEntropy(x, T, { weight: W, labelSmoothing: 0.1 }), [[2, 3, 2]], { gradgrad: true });
    checkGrads((x) => F.crossEntropy(x, i32(1)), [[3]], { gradgrad: true });
  });

  it("binary cross-entropy, with and without logits", () => {
    const y = f64([
      [1, 0, 0.3],
      [0, 1, 0.8],
    ]);
    for (const reduction of reductions) {
      checkGrads((x) => F.binaryCrossEntropy(x.sigmoid(), y, { reduction, weight: f64([1, 2, 0.5]) }), [[2, 3]]);
      checkGrads(
        (x) => F.binaryCrossEntropyWithLogits(x, y, { reduction, weight: f64([1, 2, 0.5]), posWeight: f64([3, 1, 0.5]) }),
        [[2, 3]],
      );
    }
  });

  it("klDiv, with respect to the input and the target", () => {
    for (const reduction of [...reductions, "batchmean"] as const) {
      checkGrads(
        (x, t) => F.klDiv(F.logSoftmax(x, 1), F.softmax(t, 1), { reduction }),
        [
          [2, 3],
          [2, 3],
        ],
      );
      checkGrads(
        (x, t) => F.klDiv(F.logSoftmax(x, 1), t, { reduction, logTarget: true }),
        [
          [2, 3],
          [2, 3],
        ],
      );
    }
  });
});

describe("loss modules", () => {
  const x = f64([
    [1, 2, 3],
    [1, -1, 0],
  ]);
  const y = f64([
    [0.5, 2, 0],
    [1, 1, -1],
  ]);

  it("each module calls its functional with its options", () => {
    assertClose(new tg.nn.MSELoss()(x, y), F.mseLoss(x, y));
    assertClose(new tg.nn.L1Loss({ reduction: "sum" })(x, y), F.l1Loss(x, y, { reduction: "sum" }));
    assertClose(new tg.nn.HuberLoss({ delta: 0.5, reduction: "none" })(x, y), F.huberLoss(x, y, { delta: 0.5, reduction: "none" }));
    assertClose(new tg.nn.SmoothL1Loss({ beta: 2 })(x, y), F.smoothL1Loss(x, y, { beta: 2 }));
    const t = i32([2, -1]);
    const weight = f64([0.2, 1, 3]);
    const ceOpts = { weight, ignoreIndex: -1, labelSmoothing: 0.1 };
    assertClose(new tg.nn.CrossEntropyLoss(ceOpts)(x, t), F.crossEntropy(x, t, ceOpts));
    assertClose(new tg.nn.NLLLoss({ weight, ignoreIndex: -1 })(x, t), F.nllLoss(x, t, { weight, ignoreIndex: -1 }));
    const p = x.sigmoid();
    const b = f64([
      [1, 0, 1],
      [0, 0, 1],
    ]);
    assertClose(new tg.nn.BCELoss({ weight: f64([1, 2, 3]) })(p, b), F.binaryCrossEntropy(p, b, { weight: f64([1, 2, 3]) }));
    const bceOpts = { weight: f64([1, 2, 3]), posWeight: f64([2, 1, 1]) };
    assertClose(new tg.nn.BCEWithLogitsLoss(bceOpts)(x, b), F.binaryCrossEntropyWithLogits(x, b, bceOpts));
    const lp = F.logSoftmax(x, 1);
    const q = F.softmax(y, 1);
    assertClose(new tg.nn.KLDivLoss({ reduction: "batchmean" })(lp, q), F.klDiv(lp, q, { reduction: "batchmean" }));
    assertClose(new tg.nn.KLDivLoss({ logTarget: true })(lp, q.log()), F.klDiv(lp, q.log(), { logTarget: true }));
  });

  it("describe their options and keep class weights as buffers", () => {
    assert.equal(new tg.nn.MSELoss().describe(), "MSELoss(reduction=mean)");
    assert.equal(new tg.nn.HuberLoss({ delta: 2 }).describe(), "HuberLoss(reduction=mean, delta=2)");
    assert.equal(
      new tg.nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).describe(),
      "CrossEntropyLoss(reduction=mean, ignoreIndex=-100, labelSmoothing=0.1)",
    );
    assert.equal(new tg.nn.KLDivLoss({ reduction: "batchmean" }).describe(), "KLDivLoss(reduction=batchmean, logTarget=false)");
    const weight = f64([1, 2, 3]);
    const ce = new tg.nn.CrossEntropyLoss({ weight });
    assert.equal(ce.weight, weight);
    assert.deepEqual(Object.keys(ce.stateDict()), ["weight"]);
    assert.equal(ce.parameters().length, 0);
    assert.equal(new tg.nn.NLLLoss().weight, null);
  });

  it("train a linear classifier one step down the loss", () => {
    tg.manualSeed(0);
    const model = new tg.nn.Linear(3, 3, { dtype: "float64" });
    const criterion = new tg.nn.CrossEntropyLoss();
    const t = i32([2, 0]);
    const before = criterion(model(x), t);
    before.backward();
    tg.noGrad(() => {
      for (const param of model.parameters()) param.sub_((param.grad as tg.Tensor).mul(0.1));
    });
    assert.ok(criterion(model(x), t).item() < before.item());
  });
});

describe("loss errors", () => {
  const X = f64([
    [1, 2, 3],
    [1, -1, 0],
  ]);

  it("crossEntropy: float targets not shaped like the input, and non-int32 indices, are DTypeErrors", () => {
    assert.throws(
      () => F.crossEntropy(X, f64([2, 0])),
      (e: unknown) => e instanceof tg.DTypeError && /int32/.test(e.message) && /\[2, 3\]/.test(e.message),
    );
    assert.throws(
      () => F.crossEntropy(X, tg.tensor([true, false])),
      (e: unknown) => e instanceof tg.DTypeError && /int32/.test(e.message) && /bool/.test(e.message),
    );
    assert.throws(() => F.nllLoss(X, f64([2, 0])), tg.DTypeError);
    assert.throws(() => F.crossEntropy(i32([[1, 2, 3]]), i32([0])), tg.DTypeError);
  });

  it("a class index out of range names the index and the number of classes", () => {
    assert.throws(
      () => F.crossEntropy(X, i32([3, 0])),
      (e: unknown) => e instanceof tg.IndexError && /\b3\b/.test(e.message) && /3 classes/.test(e.message),
    );
    assert.throws(
      () => F.crossEntropy(X, i32([0, -1])),
      (e: unknown) => e instanceof tg.IndexError && /-1/.test(e.message),
    );
    assert.throws(
      () => F.nllLoss(X, i32([0, 7])),
      (e: unknown) => e instanceof tg.IndexError && /\b7\b/.test(e.message),
    );
    // −1 is fine when it is the ignoreIndex
    assertClose(F.crossEntropy(X, i32([0, -1]), { ignoreIndex: -1, reduction: "sum" }), 2.4076059644443806, { atol: 1e-12 });
  });

  it("shape mismatches are ShapeErrors naming both shapes", () => {
    const names = (a: string, b: string) => (e: unknown) => e instanceof tg.ShapeError && e.message.includes(a) && e.message.includes(b);
    assert.throws(() => F.crossEntropy(X, i32([0, 1, 2])), names("[3]", "[2, 3]"));
    assert.throws(() => F.crossEntropy(X, i32([[0, 1]])), names("[1, 2]", "[2, 3]"));
    assert.throws(() => F.mseLoss(X, f64([1, 2, 3])), names("[3]", "[2, 3]"));
    assert.throws(() => F.l1Loss(X, f64([[1, 2]])), names("[1, 2]", "[2, 3]"));
    assert.throws(() => F.binaryCrossEntropyWithLogits(X, f64([1, 0, 1])), names("[3]", "[2, 3]"));
    assert.throws(() => F.binaryCrossEntropy(X.sigmoid(), f64([1, 0])), names("[2]", "[2, 3]"));
    assert.throws(() => F.klDiv(X, f64([[1, 0]])), names("[1, 2]", "[2, 3]"));
    assert.throws(() => F.crossEntropy(X, i32([0, 1]), { weight: f64([1, 2]) }), names("[2]", "[3]"));
  });

  it("bad options and BCE inputs outside [0, 1] are ValueErrors", () => {
    const y = f64([0, 1]);
    assert.throws(() => F.binaryCrossEntropy(f64([0.5, 1.5]), y), tg.ValueError);
    assert.throws(
      () => F.mseLoss(y, y, { reduction: "avg" as tg.nn.functional.Reduction }),
      (e: unknown) => e instanceof tg.ValueError && /avg/.test(e.message),
    );
    assert.throws(() => F.crossEntropy(X, i32([0, 1]), { labelSmoothing: 1.5 }), tg.ValueError);
    assert.throws(() => F.huberLoss(y, y, { delta: 0 }), tg.ValueError);
    assert.throws(() => F.smoothL1Loss(y, y, { beta: -1 }), tg.ValueError);
    assert.throws(() => F.klDiv(y, y, { reduction: "batchsum" as tg.nn.functional.KLDivReduction }), tg.ValueError);
  });
});

describe("softplus (used by the logistic losses)", () => {
  it("has gradient σ(0) = 0.5 at 0 and stays exact for large inputs", () => {
    const x = f64([0, -1000, 1000, 2]).requiresGrad_(true);
    const y = F.softplus(x);
    assertClose(y, [Math.LN2, 0, 1000, 2.1269280110429727], { atol: 1e-12 });
    y.sum().backward();
    assertClose(x.grad as tg.Tensor, [0.5, 0, 1, 0.8807970779778823], { atol: 1e-12 });
  });
});
