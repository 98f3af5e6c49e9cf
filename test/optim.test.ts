import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

const { nn, optim } = tg;

type AnyOptimizer = tg.optim.Optimizer<{ lr: number }>;
type Name = "SGD" | "Adam" | "AdamW" | "RMSprop" | "Adagrad";

/** Builds an optimizer by name; `options` are the constructor's options. */
function make(name: Name, params: tg.optim.ParamsInput<{ lr: number }>, options: object = {}): AnyOptimizer {
  switch (name) {
    case "SGD":
      return new optim.SGD(params as tg.optim.ParamsInput<tg.optim.SGDOptions>, { lr: 0.1, ...options }) as unknown as AnyOptimizer;
    case "Adam":
      return new optim.Adam(params as tg.optim.ParamsInput<tg.optim.AdamOptions>, options) as unknown as AnyOptimizer;
    case "AdamW":
      return new optim.AdamW(params as tg.optim.ParamsInput<tg.optim.AdamOptions>, options) as unknown as AnyOptimizer;
    case "RMSprop":
      return new optim.RMSprop(params as tg.optim.ParamsInput<tg.optim.RMSpropOptions>, options) as unknown as AnyOptimizer;
    case "Adagrad":
      return new optim.Adagrad(params as tg.optim.ParamsInput<tg.optim.AdagradOptions>, options) as unknown as AnyOptimizer;
  }
}

const P0 = [1, -2, 3];
const GRADS = [
  [0.5, -1, 2],
  [-0.3, 0.8, 0.1],
  [1.5, 0.2, -0.7],
];

/** Steps `opt` once per gradient in GRADS (set by hand on `p`) and returns `p` after each step. */
function runFixed(opt: AnyOptimizer, p: tg.Tensor): number[][] {
  return GRADS.map((g) => {
    p.grad = tg.tensor(g, { dtype: p.dtype });
    opt.step();
    return p.tolist() as number[];
  });
}

// Expected parameters after each of three steps from P0 with the fixed GRADS, computed in float64 with
// numpy by transcribing the single-tensor loops of torch/optim/{sgd,adam,rmsprop,adagrad}.py.
const CASES: [Name, object, number[][]][] = [
  [
    "SGD",
    { lr: 0.1 },
    [
      [0.95, -1.9, 2.8],
      [0.98, -1.98, 2.79],
      [0.83, -2.0, 2.86],
    ],
  ],
  [
    "SGD",
    { lr: 0.1, momentum: 0.9 },
    [
      [0.95, -1.9, 2.8],
      [0.9349999999999999, -1.89, 2.61],
      [0.7715, -1.9009999999999998, 2.509],
    ],
  ],
  [
    "SGD",
    { lr: 0.1, momentum: 0.9, dampening: 0.5 },
    [
      [0.95, -1.9, 2.8],
      [0.9199999999999999, -1.8499999999999999, 2.6149999999999998],
      [0.818, -1.815, 2.4835],
    ],
  ],
  [
    "SGD",
    { lr: 0.1, momentum: 0.9, nesterov: true },
    [
      [0.905, -1.81, 2.62],
      [0.9215, -1.881, 2.439],
      [0.62435, -1.9109, 2.4181],
    ],
  ],
  [
    "SGD",
    { lr: 0.1, momentum: 0.5, weightDecay: 0.1 },
    [
      [0.94, -1.88, 2.77],
      [0.9306, -1.8812, 2.6173],
      [0.766594, -1.8829879999999999, 2.5847770000000003],
    ],
  ],
  [
    "SGD",
    { lr: 0.1, weightDecay: 0.2, maximize: true },
    [
      [1.03, -2.06, 3.14],
      [0.9794, -1.9388, 3.0872],
      [1.109812, -1.8800240000000001, 2.9554560000000003],
    ],
  ],
  [
    "Adam",
    {},
    [
      [0.99900000002, -1.9990000000099999, 2.999000000005],
      [0.9988085019894177, -1.9989418749633405, 2.9982935996293607],
      [0.9981594320828768, -1.9989961316866123, 2.9979891776961836],
    ],
  ],
  [
    "Adam",
    { lr: 0.1 },
    [
      [0.900000002, -1.900000001, 2.9000000005],
      [0.8808501989417752, -1.8941874963340561, 2.8293599629360613],
      [0.8159432082876905, -1.89961316866124, 2.798917769618365],
    ],
  ],
  [
    "Adam",
    { lr: 0.1, weightDecay: 0.1 },
    [
      [0.9000000016666666, -1.9000000008333333, 2.900000000434783],
      [0.8613529972101512, -1.8740084498469742, 2.8214916553803224],
      [0.7909442502242412, -1.8545161923143367, 2.77303080074967],
    ],
  ],
  [
    "Adam",
    { lr: 0.1, amsgrad: true },
    [
      [0.900000002, -1.900000001, 2.9000000005],
      [0.8808501989417752, -1.8941874963340561, 2.8293599629360613],
      [0.8159432082876905, -1.89961316866124, 2.798917769618365],
    ],
  ],
  [
    "Adam",
    { lr: 0.1, betas: [0.9, 0.5] },
    [
      [0.900000002, -1.900000001, 2.9000000005],
      [0.8791472179272939, -1.8939627449147636, 2.8136131586881326],
      [0.8271665762914883, -1.9008378207621863, 2.773290374983365],
    ],
  ],
  [
    "Adam",
    { lr: 0.1, betas: [0.9, 0.5], amsgrad: true },
    [
      [0.900000002, -1.900000001, 2.9000000005],
      [0.8806619255569749, -1.8939627449147636, 2.8387627573054206],
      [0.8286812839211692, -1.8989918416288531, 2.8141113845517283],
    ],
  ],
  [
    "Adam",
    { lr: 0.1, betas: [0.8, 0.99], eps: 0.001, maximize: true },
    [
      [1.0998003992015968, -2.0999000999001, 3.099950024987506],
      [1.113257882711876, -2.0999000999001, 3.166769080223926],
      [1.1826053631878268, -2.088929870560291, 3.1889233746542347],
    ],
  ],
  [
    "Adam",
    { lr: 0.1, betas: [0.6, 0.9], weightDecay: 0.5, amsgrad: true },
    [
      [0.900000001, -1.9000000005, 2.9000000002857145],
      [0.8353872733221269, -1.8418485452171318, 2.8141871948993344],
      [0.7417234650290085, -1.777557233938582, 2.7477833054385314],
    ],
  ],
  [
    "AdamW",
    { lr: 0.1 },
    [
      [0.899000002, -1.898000001, 2.8970000005],
      [0.8789511989397751, -1.890289496333056, 2.823462962935561],
      [0.8131652570867507, -1.893824879163907, 2.790197306654929],
    ],
  ],
  [
    "AdamW",
    { lr: 0.1, weightDecay: 0.5, amsgrad: true },
    [
      [0.8500000019999999, -1.800000001, 2.7500000004999996],
      [0.7883501988417752, -1.704187496284056, 2.5418599629110608],
      [0.6840256982456017, -1.624403793797037, 2.3843247714478113],
    ],
  ],
  [
    "AdamW",
    { lr: 0.1, weightDecay: 0.5, maximize: true, betas: [0.6, 0.9] },
    [
      [1.049999998, -1.999999999, 2.9499999994999997],
      [0.9974999981, -1.886115620427121, 2.861444944418807],
      [1.026776539154695, -1.769302778630368, 2.721847585305903],
    ],
  ],
  [
    "RMSprop",
    {},
    [
      [0.900000019999996, -1.900000009999999, 2.900000005],
      [0.9516397890605408, -1.9626608410910604, 2.8949811491196042],
      [0.8583284389520147, -1.9782133908209927, 2.928275622243],
    ],
  ],
  [
    "RMSprop",
    { lr: 0.1, alpha: 0.9, centered: true },
    [
      [0.6666666888888874, -1.6666666777777774, 2.666666672222222],
      [0.836304465232556, -1.8705917693534297, 2.6491228128808864],
      [0.5212074507520261, -1.9235769665486928, 2.7651946823591778],
    ],
  ],
  [
    "RMSprop",
    { lr: 0.1, momentum: 0.9 },
    [
      [1.9999996059283376e-7, -1.0000000999999903, 2.000000049999998],
      [-0.3836019293946266, -0.7266085009105964, 1.0498115361960378],
      [-1.6619573469350157, -0.6360815590294643, 0.5275866050064323],
    ],
  ],
  [
    "RMSprop",
    { lr: 0.05, alpha: 0.8, eps: 0.01, weightDecay: 0.1, momentum: 0.5, centered: true },
    [
      [0.88, -1.8775510204081634, 2.8763440860215055],
      [0.8603932677090054, -1.8711667954291522, 2.791259422143248],
      [0.7310209151498552, -1.869259317515769, 2.7742579560167866],
    ],
  ],
  [
    "RMSprop",
    { lr: 0.1, maximize: true },
    [
      [1.9999998000000394, -2.9999999000000095, 3.999999950000002],
      [1.483602109394591, -2.373391589089395, 4.05018850880396],
      [2.4167156104798515, -2.2178660917900723, 3.717243777570002],
    ],
  ],
  [
    "Adagrad",
    {},
    [
      [0.990000000002, -1.990000000001, 2.9900000000005],
      [0.9951449575553929, -1.9962469504760565, 2.989500623831086],
      [0.9858244110659541, -1.9977899839755584, 2.9928004554764676],
    ],
  ],
  [
    "Adagrad",
    { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.5 },
    [
      [0.9422649730877041, -1.918350341913894, 2.905719095846238],
      [0.972021958116638, -1.9680656820577438, 2.9014383539432758],
      [0.9009119426221116, -1.9793537730816226, 2.9275258136796065],
    ],
  ],
  [
    "Adagrad",
    { lr: 0.1, weightDecay: 0.1, eps: 0.001 },
    [
      [0.9001663893510815, -1.9000832639467111, 2.9000434593654933],
      [0.9331472174761185, -1.945363798106118, 2.8833325560687126],
      [0.8403206751989687, -1.9457693669280345, 2.9007033706842646],
    ],
  ],
  [
    "Adagrad",
    { lr: 0.1, maximize: true },
    [
      [1.09999999998, -2.09999999999, 3.099999999995],
      [1.048550424446071, -2.0375304952394355, 3.10499376168914],
      [1.1417558893404596, -2.022100160244417, 3.0719954452353235],
    ],
  ],
];

describe("optimizers follow PyTorch's update rules", () => {
  for (const [name, options, expected] of CASES) {
    it(`${name} ${JSON.stringify(options)}`, () => {
      const p = tg.tensor(P0, { dtype: "float64", requiresGrad: true });
      const got = runFixed(make(name, [p], options), p);
      got.forEach((row, i) => {
        assertClose(tg.tensor(row, { dtype: "float64" }), expected[i], { atol: 1e-12, rtol: 1e-10 });
      });
      assert.ok(p.isLeaf && p.requiresGrad && p.gradFn === null, "the parameter stays a leaf that requires grad");
    });
  }

  it("float32 parameters keep float32 state and agree with the float64 reference", () => {
    const p = tg.tensor(P0, { requiresGrad: true });
    const opt = new optim.Adam([p], { lr: 0.1, amsgrad: true });
    const got = runFixed(opt as unknown as AnyOptimizer, p);
    const expected = CASES.find(([n, o]) => n === "Adam" && JSON.stringify(o) === '{"lr":0.1,"amsgrad":true}')?.[2];
    assert.ok(expected);
    assertClose(tg.tensor(got[2]), expected[2], { atol: 1e-6, rtol: 1e-6 });
    assert.equal(p.dtype, "float32");
    const state = opt.state.get(p);
    assert.ok(state);
    assert.equal((state.expAvg as tg.Tensor).dtype, "float32");
    assert.equal((state.maxExpAvgSq as tg.Tensor).dtype, "float32");
  });

  it("SGD's momentum buffer starts as the first gradient, without dampening", () => {
    const p = tg.tensor(P0, { dtype: "float64", requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    p.grad = tg.tensor([0.5, -1, 2], { dtype: "float64" });
    opt.step();
    assert.deepEqual((opt.state.get(p)!.momentumBuffer as tg.Tensor).tolist(), [0.5, -1, 2]);
    p.grad = tg.tensor([1, 1, 1], { dtype: "float64" });
    opt.step();
    // 0.9·buf + (1 − 0.5)·g
    assertClose(opt.state.get(p)?.momentumBuffer as tg.Tensor, [0.95, -0.4, 2.3], { atol: 1e-12 });
  });

  it("keeps step counts in the state", () => {
    for (const name of ["Adam", "AdamW", "RMSprop", "Adagrad"] as const) {
      const p = tg.tensor(P0, { dtype: "float64", requiresGrad: true });
      const opt = make(name, [p], { lr: 0.1 });
      runFixed(opt, p);
      assert.equal(opt.state.get(p)?.step, 3, name);
    }
    const sgd = new optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1 });
    assert.equal(sgd.state.size, 0);
  });

  it("Adagrad creates its state up front, filled with initialAccumulatorValue", () => {
    const p = tg.zeros([2, 2], { requiresGrad: true });
    const opt = new optim.Adagrad([p], { initialAccumulatorValue: 0.25 });
    const state = opt.state.get(p);
    assert.ok(state);
    assert.equal(state.step, 0);
    assert.deepEqual((state.sum as tg.Tensor).tolist(), [
      [0.25, 0.25],
      [0.25, 0.25],
    ]);
  });

  it("AdamW differs from Adam with weight decay, and equals it without", () => {
    const run = (ctor: typeof optim.Adam, weightDecay: number) => {
      const p = tg.tensor(P0, { dtype: "float64", requiresGrad: true });
      return runFixed(new ctor([p], { lr: 0.1, weightDecay }) as unknown as AnyOptimizer, p)[2];
    };
    assert.deepEqual(run(optim.Adam, 0), run(optim.AdamW, 0));
    assert.notDeepEqual(run(optim.Adam, 0.1), run(optim.AdamW, 0.1));
    assert.equal(new optim.AdamW([tg.zeros([1], { requiresGrad: true })]).defaults.weightDecay, 1e-2);
    assert.ok(new optim.AdamW([tg.zeros([1], { requiresGrad: true })]) instanceof optim.Adam);
  });
});

describe("Optimizer base", () => {
  it("param groups take their own lr and inherit the other defaults", () => {
    const a = tg.tensor([1, 1], { dtype: "float64", requiresGrad: true });
    const b = tg.tensor([1, 1], { dtype: "float64", requiresGrad: true });
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.01 }], { lr: 0.1, momentum: 0.9 });
    assert.equal(opt.paramGroups.length, 2);
    assert.equal(opt.paramGroups[0].lr, 0.1);
    assert.equal(opt.paramGroups[1].lr, 0.01);
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    for (let i = 0; i < 2; i++) {
      a.grad = tg.tensor([1, -2], { dtype: "float64" });
      b.grad = tg.tensor([1, -2], { dtype: "float64" });
      opt.step();
    }
    // Two momentum steps: buffers g then 1.9·g, so the parameter moves by lr·2.9·g.
    assertClose(a, [1 - 0.29, 1 + 0.58], { atol: 1e-12 });
    assertClose(b, [1 - 0.029, 1 + 0.058], { atol: 1e-12 });
  });

  it("addParamGroup adds parameters and rejects duplicates, non-leaves, and bad inputs", () => {
    const a = tg.zeros([2], { requiresGrad: true });
    const b = tg.zeros([2], { requiresGrad: true });
    const opt = new optim.Adam([a]);
    opt.addParamGroup({ params: [b], lr: 0.5 });
    assert.equal(opt.paramGroups[1].lr, 0.5);
    assert.deepEqual(opt.paramGroups[1].betas, [0.9, 0.999]);
    b.grad = tg.ones([2]);
    opt.step();
    assertClose(b, [-0.5, -0.5], { atol: 1e-6 });
    assert.throws(
      () => opt.addParamGroup({ params: [a] }),
      (e: unknown) => e instanceof tg.ValueError && /more than one/.test(e.message),
    );
    assert.throws(() => new optim.SGD([a.mul(2)], { lr: 1 }), /non-leaf/);
    assert.throws(() => new optim.SGD([], { lr: 1 }), /empty parameter list/);
    assert.throws(() => new optim.SGD(a as unknown as tg.Tensor[], { lr: 1 }), /single tensor/);
  });

  it("zeroGrad sets grads to null by default, or zeroes them in place", () => {
    const p = tg.tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.square().sum().backward();
    const g = p.grad;
    opt.zeroGrad({ setToNone: false });
    assert.equal(p.grad, g);
    assert.deepEqual(p.grad?.tolist(), [0, 0]);
    opt.zeroGrad();
    assert.equal(p.grad, null);
  });

  it("step skips parameters without a gradient", () => {
    const a = tg.tensor([1, 2], { requiresGrad: true });
    const b = tg.tensor([3, 4], { requiresGrad: true });
    const opt = new optim.Adam([a, b], { lr: 0.1 });
    a.grad = tg.tensor([1, 1]);
    opt.step();
    assert.deepEqual(b.tolist(), [3, 4]);
    assert.equal(opt.state.has(b), false);
    assert.equal(opt.state.has(a), true);
  });

  it("maximize climbs the gradient", () => {
    const p = tg.tensor([0, 0], { dtype: "float64", requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.5, maximize: true });
    p.grad = tg.tensor([1, -2], { dtype: "float64" });
    opt.step();
    assert.deepEqual(p.tolist(), [0.5, -1]);
  });

  it("step(closure) evaluates the loss with grad enabled, even under noGrad", () => {
    const p = tg.tensor([3], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.25 });
    const closure = () => {
      opt.zeroGrad();
      const loss = p.square().sum();
      loss.backward();
      return loss.item();
    };
    assert.equal(opt.step(closure), 9);
    assert.deepEqual(p.tolist(), [1.5]); // 3 − 0.25·6
    assert.equal(
      tg.noGrad(() => opt.step(closure)),
      2.25,
    );
    assert.deepEqual(p.tolist(), [0.75]);
    assert.equal(opt.step(), undefined);
  });
});

/** A deterministic loss for resume tests: Σ c·(p − t)² + Σ p³/10, with its gradient from autograd. */
function lossOf(ps: tg.Tensor[]): tg.Tensor {
  return ps
    .map((p, i) =>
      p
        .sub(i + 0.5)
        .square()
        .mul(i + 1)
        .sum()
        .add(p.pow(3).div(10).sum()),
    )
    .reduce((s, l) => s.add(l));
}

function freshParams(): tg.Tensor[] {
  return [
    tg.tensor([1, -2, 3]),
    tg.tensor([
      [0.5, 0.25],
      [-1, 2],
    ]),
  ].map((t) => t.requiresGrad_(true));
}

function train(opt: AnyOptimizer, ps: tg.Tensor[], steps: number): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    lossOf(ps).backward();
    opt.step();
  }
}

const RESUME: [Name, object][] = [
  ["SGD", { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01 }],
  ["SGD", { lr: 0.01, momentum: 0.9, dampening: 0.1 }],
  ["Adam", { lr: 0.05, amsgrad: true, weightDecay: 0.1 }],
  ["AdamW", { lr: 0.05, betas: [0.8, 0.9] }],
  ["RMSprop", { lr: 0.01, momentum: 0.5, centered: true }],
  ["Adagrad", { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }],
];

describe("stateDict / loadStateDict", () => {
  for (const [name, options] of RESUME) {
    it(`${name} ${JSON.stringify(options)} resumes bit-identically`, () => {
      const ps = freshParams();
      const opt = make(name, [{ params: [ps[0]] }, { params: [ps[1]], lr: 0.02 }], options);
      train(opt, ps, 3);
      opt.paramGroups[0].lr *= 0.5; // a changed hyperparameter travels with the state dict
      const sd = opt.stateDict();
      const copies = ps.map((p) => p.detach().clone().requiresGrad_(true));
      const resumed = make(name, [{ params: [copies[0]] }, { params: [copies[1]] }], { ...options, lr: 123 });
      resumed.loadStateDict(sd);
      assert.equal(resumed.paramGroups[0].lr, opt.paramGroups[0].lr);
      assert.equal(resumed.paramGroups[1].lr, 0.02);
      train(opt, ps, 4);
      train(resumed, copies, 4);
      ps.forEach((p, i) => {
        assert.deepEqual(copies[i].tolist(), p.tolist());
      });
      // The snapshot did not move with the later steps.
      if (name !== "SGD") {
        assert.equal(sd.state[0].step, 3);
        assert.equal(opt.state.get(ps[0])?.step, 7);
      }
    });
  }

  it("the snapshot is independent of later steps", () => {
    const ps = freshParams();
    const opt = new optim.SGD(ps, { lr: 0.01, momentum: 0.9 });
    train(opt as unknown as AnyOptimizer, ps, 2);
    const sd = opt.stateDict();
    const before = (sd.state[0].momentumBuffer as tg.Tensor).tolist();
    train(opt as unknown as AnyOptimizer, ps, 2);
    assert.deepEqual((sd.state[0].momentumBuffer as tg.Tensor).tolist(), before);
    assert.notDeepEqual((opt.state.get(ps[0])!.momentumBuffer as tg.Tensor).tolist(), before);
    assert.deepEqual(sd.paramGroups[0].params, [0, 1]);
  });

  it("rejects a state dict with a different layout", () => {
    const ps = freshParams();
    const sd = new optim.Adam(ps).stateDict();
    const other = new optim.Adam([{ params: [ps[0]] }, { params: [ps[1]] }]);
    assert.throws(
      () => other.loadStateDict(sd),
      (e: unknown) => e instanceof tg.ValueError && /parameter groups/.test(e.message),
    );
    const fewer = new optim.Adam([ps[0]]);
    assert.throws(() => fewer.loadStateDict(sd), /parameters in the state dict/);
  });
});

describe("option validation", () => {
  const p = () => [tg.zeros([1], { requiresGrad: true })];
  const cases: [() => unknown, string][] = [
    [() => new optim.SGD(p(), { lr: -1 }), "Invalid learning rate: -1"],
    [() => new optim.SGD(p(), { lr: Number.NaN }), "Invalid learning rate: NaN"],
    [() => new optim.SGD(p(), { lr: 0.1, momentum: -0.5 }), "Invalid momentum value: -0.5"],
    [() => new optim.SGD(p(), { lr: 0.1, weightDecay: -1 }), "Invalid weightDecay value: -1"],
    [() => new optim.SGD(p(), { lr: 0.1, nesterov: true }), "Nesterov momentum requires a momentum and zero dampening"],
    [() => new optim.SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), "Nesterov momentum requires"],
    [() => new optim.Adam(p(), { lr: -0.001 }), "Invalid learning rate: -0.001"],
    [() => new optim.Adam(p(), { eps: -1 }), "Invalid epsilon value: -1"],
    [() => new optim.Adam(p(), { betas: [1, 0.999] }), "Invalid beta parameter at index 0: 1"],
    [() => new optim.AdamW(p(), { betas: [0.9, -0.1] }), "Invalid beta parameter at index 1: -0.1"],
    [() => new optim.AdamW(p(), { weightDecay: -0.01 }), "Invalid weightDecay value: -0.01"],
    [() => new optim.RMSprop(p(), { alpha: -1 }), "Invalid alpha value: -1"],
    [() => new optim.RMSprop(p(), { momentum: -1 }), "Invalid momentum value: -1"],
    [() => new optim.RMSprop(p(), { eps: -1 }), "Invalid epsilon value: -1"],
    [() => new optim.Adagrad(p(), { lrDecay: -1 }), "Invalid lrDecay value: -1"],
    [() => new optim.Adagrad(p(), { initialAccumulatorValue: -1 }), "Invalid initialAccumulatorValue value: -1"],
    [() => new optim.Adagrad(p(), { lr: -2 }), "Invalid learning rate: -2"],
  ];
  for (const [fn, message] of cases) {
    it(message, () => {
      assert.throws(fn, (e: unknown) => e instanceof tg.ValueError && e.code === "value" && e.message.startsWith(message));
    });
  }

  it("accepts edge values", () => {
    assert.equal(new optim.SGD(p(), { lr: 0 }).defaults.lr, 0);
    assert.deepEqual(new optim.Adam(p(), { betas: [0, 0] }).defaults.betas, [0, 0]);
    assert.equal(new optim.RMSprop(p(), { alpha: 0, eps: 0 }).defaults.alpha, 0);
  });
});

describe("optimizers minimize", () => {
  const settings: [Name, object, number][] = [
    ["SGD", { lr: 0.05 }, 200],
    ["SGD", { lr: 0.02, momentum: 0.9, nesterov: true }, 200],
    ["Adam", { lr: 0.1 }, 300],
    ["Adam", { lr: 0.1, amsgrad: true }, 300],
    ["AdamW", { lr: 0.1, weightDecay: 1e-4 }, 300],
    ["RMSprop", { lr: 0.01 }, 500],
    ["RMSprop", { lr: 0.01, centered: true, momentum: 0.5 }, 300],
    ["Adagrad", { lr: 0.5 }, 300],
  ];
  for (const [name, options, steps] of settings) {
    it(`${name} ${JSON.stringify(options)} finds the minimum of a quadratic`, () => {
      const target = tg.tensor([1, -2, 0.5, 3]);
      const scale = tg.tensor([1, 2, 0.5, 4]);
      const x = tg.zeros([4], { requiresGrad: true });
      const opt = make(name, [x], options);
      const f = () => x.sub(target).square().mul(scale).sum();
      const start = f().item();
      for (let i = 0; i < steps; i++) {
        opt.zeroGrad();
        f().backward();
        opt.step();
      }
      const end = tg.noGrad(f).item();
      assert.ok(end < 1e-3 * start, `${name}: loss ${start} -> ${end}`);
      assertClose(x.detach(), target, { atol: 0.05 });
    });
  }

  for (const name of ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"] as const) {
    it(`${name} trains a small MLP on a regression task`, () => {
      tg.manualSeed(7);
      const x = tg.randn([64, 3]);
      const y = x.matmul(tg.tensor([[1.5], [-2], [0.5]])).add(x.select(1, 0).mul(x.select(1, 1)).unsqueeze(1).mul(0.5));
      const model = new nn.Sequential(new nn.Linear(3, 16), new nn.Tanh(), new nn.Linear(16, 1));
      const lr = { SGD: 0.05, Adam: 0.01, AdamW: 0.01, RMSprop: 0.005, Adagrad: 0.1 }[name];
      const opt = make(name, model.parameters(), name === "SGD" ? { lr, momentum: 0.9 } : { lr });
      const lossFn = new nn.MSELoss();
      const first = tg.noGrad(() => lossFn(model(x), y)).item();
      let loss = first;
      for (let i = 0; i < 300; i++) {
        opt.zeroGrad();
        const l = lossFn(model(x), y);
        l.backward();
        opt.step();
        loss = l.item();
      }
      assert.ok(loss < 0.05 && loss < first / 20, `${name}: loss ${first} -> ${loss}`);
    });
  }
});

describe("nn.utils.clipGradNorm_ / clipGradValue_", () => {
  const withGrads = (...grads: number[][]) =>
    grads.map((g) => {
      const p = tg.zeros([g.length], { requiresGrad: true });
      p.grad = tg.tensor(g);
      return p;
    });

  it("scales all gradients together by maxNorm / (total + 1e-6)", () => {
    const ps = withGrads([3, 4], [12]);
    const total = nn.utils.clipGradNorm_(ps, 6.5);
    assert.equal(total.ndim, 0);
    assertClose(total, 13);
    const c = 6.5 / (13 + 1e-6);
    assertClose(ps[0].grad as tg.Tensor, [3 * c, 4 * c], { atol: 1e-6 });
    assertClose(ps[1].grad as tg.Tensor, [12 * c], { atol: 1e-6 });
    assertClose(tg.cat(ps.map((p) => p.grad as tg.Tensor)).norm(), 6.5, { atol: 1e-5 });
  });

  it("leaves gradients alone below maxNorm", () => {
    const ps = withGrads([3, 4], [12]);
    assertClose(nn.utils.clipGradNorm_(ps, 20), 13);
    assert.deepEqual(ps[0].grad?.tolist(), [3, 4]);
    assert.deepEqual(ps[1].grad?.tolist(), [12]);
  });

  it("takes other norms, single tensors, and skips parameters without grads", () => {
    const ps = withGrads([3, -4], [-12]);
    assertClose(nn.utils.clipGradNorm_(ps, 100, 1), 19);
    assertClose(nn.utils.clipGradNorm_(ps, 6, Number.POSITIVE_INFINITY), 12);
    const c = 6 / (12 + 1e-6);
    assertClose(ps[1].grad as tg.Tensor, [-12 * c], { atol: 1e-6 });
    assertClose(ps[0].grad as tg.Tensor, [3 * c, -4 * c], { atol: 1e-6 });
    const q = withGrads([0.5, -2]);
    assertClose(nn.utils.clipGradNorm_(q[0], 1, "inf"), 2);
    assertClose(q[0].grad as tg.Tensor, [0.25, -1], { atol: 1e-6 });
    const noGradParam = tg.zeros([3], { requiresGrad: true });
    assertClose(nn.utils.clipGradNorm_([noGradParam, ...withGrads([6, 8])], 100), 10);
    const none = nn.utils.clipGradNorm_([noGradParam], 1);
    assert.equal(none.item(), 0);
    assert.equal(noGradParam.grad, null);
  });

  it("errorIfNonfinite throws on an infinite or NaN total norm", () => {
    const ps = withGrads([1, Number.POSITIVE_INFINITY]);
    assert.throws(
      () => nn.utils.clipGradNorm_(ps, 1, 2, { errorIfNonfinite: true }),
      (e: unknown) => e instanceof tg.ValueError && /non-finite/.test(e.message),
    );
    assert.deepEqual(ps[0].grad?.tolist(), [1, Number.POSITIVE_INFINITY], "nothing is scaled when it throws");
    assert.throws(() => nn.utils.clipGradNorm_(withGrads([Number.NaN]), 1, 2, { errorIfNonfinite: true }), /non-finite/);
    // Without the flag the norm comes back as is and the gradients are scaled by it (to 0 and NaN).
    const total = nn.utils.clipGradNorm_(ps, 1);
    assert.equal(total.item(), Number.POSITIVE_INFINITY);
    assert.equal(ps[0].grad?.toArray()[0], 0);
  });

  it("keeps float64 gradients in float64 and is not recorded by autograd", () => {
    const p = tg.zeros([2], { dtype: "float64", requiresGrad: true });
    p.grad = tg.tensor([0.3, 0.4], { dtype: "float64" });
    const total = nn.utils.clipGradNorm_([p], 0.25);
    assert.equal(total.dtype, "float64");
    assert.equal(total.requiresGrad, false);
    assertClose(p.grad, [0.3 * (0.25 / (0.5 + 1e-6)), 0.4 * (0.25 / (0.5 + 1e-6))], { atol: 1e-15, rtol: 1e-14 });
  });

  it("clipGradValue_ clamps every gradient in place", () => {
    const ps = withGrads([-3, 0.2, 1], [0.7, -0.1]);
    const g0 = ps[0].grad;
    nn.utils.clipGradValue_(ps, 0.5);
    assert.equal(ps[0].grad, g0);
    assertClose(ps[0].grad as tg.Tensor, [-0.5, 0.2, 0.5]);
    assertClose(ps[1].grad as tg.Tensor, [0.5, -0.1]);
    nn.utils.clipGradValue_(ps[1], 0.05);
    assertClose(ps[1].grad as tg.Tensor, [0.05, -0.05]);
  });
});

describe("exports", () => {
  it("tensorgrad/optim is the same module as tg.optim", async () => {
    const sub = await import("tensorgrad/optim");
    assert.equal(sub.Adam, optim.Adam);
    assert.equal(sub.SGD, optim.SGD);
    assert.equal(typeof optim.Optimizer, "function");
  });
});
