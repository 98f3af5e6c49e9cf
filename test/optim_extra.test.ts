import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

// Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS against torch.optim step for step. The reference numbers come from torch
// 1.13 in float64 (torch.set_default_dtype(torch.float64)), 8 steps of each optimizer on the problem below; NAdam's
// use PyTorch 2's mu_product_next (pytorch#92699 fixed 1.13's), and the PyTorch 2 options (maximize and
// decoupled_weight_decay for NAdam/RAdam) come from PyTorch 2's update written out in torch ops.
const REF = {
  adamax: {
    w: [0.8397772214385019, -1.4529355247403692, -0.04671249255523099, 0.4211790947819644, -0.1457318226790545, 0.7151774095018121],
    b: [-0.13182116960757173, -0.26630137048630576, -0.3109553268098314],
    step: 8.0,
    exp_inf: [0.10508302112394043, 0.04027476280316371, 0.08327127516850098, 0.20373661342390934, 0.136326170481378, 0.22735529359214196],
  },
  adamax_wd_max: {
    w: [0.13479213570306323, -0.8063146974091142, 0.3078036274364555, 1.1128722869379075, -0.7589088545330337, 1.3729407589522025],
    b: [0.24318098773662397, 0.10757268076471939, 0.2548877947312908],
  },
  nadam: {
    w: [0.7831678531068211, -1.4120507811231995, -0.017843399295190653, 0.49215821804675475, -0.17893430162397392, 0.7709247625636504],
    b: [-0.06964439272999681, -0.2531580851904487, -0.2838974603793495],
    step: 8.0,
    mu_product: 0.0016914170062261762,
  },
  nadam_wd: {
    w: [0.6844011661620424, -0.8247816593568046, -0.027722057236915766, 0.454257828004289, -0.11258813387445209, 0.7353807841733457],
    b: [-0.04924404746225087, -0.14017447314724088, -0.2955742585841732],
  },
  nadam_dec_max: {
    w: [0.1798985045920634, -0.8359453330925225, 0.4689434844356901, 1.0655868127402295, -0.7298776272931942, 1.3580534354311458],
    b: [0.31438770112772585, 0.11927105854079523, 0.2623636198330326],
  },
  radam: {
    w: [0.5417811407754116, -1.224973095497749, 0.2709532774063201, 0.7332707370622203, -0.35134578537225347, 1.0357169167483753],
    b: [0.07412041247073613, -0.21645371583272122, 0.018147854575468005],
  },
  radam_wd: {
    w: [0.5187114641455642, -1.1749817699940885, 0.27411082535088116, 0.7241571980524324, -0.3519359512398349, 1.0188488280480208],
    b: [0.08225343446885497, -0.1916787901645221, 0.027609669433939707],
  },
  radam_dec_max: {
    w: [0.4391192542971727, -1.127154372273201, 0.3162737607629715, 0.833578456721138, -0.43417079548930815, 1.1188906371666225],
    b: [0.12166809074585473, -0.17516785386533398, 0.0789500188366604],
  },
  rprop: {
    w: [1.1457952, -1.4468000000000003, 0.04196800000000001, 0.15420480000000003, -0.15320000000000003, 0.27504576000000014],
    b: [-0.011152000000000023, -0.2705, -0.38428799999999996],
    step: 8.0,
    step_size: [
      0.07464959999999998, 0.021599999999999998, 0.062207999999999986, 0.07464959999999998, 0.021599999999999998, 0.17915903999999996,
    ],
    prev: [0.0, 0.0022155913355002593, -0.018814757455378413, 0.0, -0.005944988006681046, 0.18255067875650238],
  },
  rprop_custom_max: {
    w: [0.21000000000000005, -0.9099999999999997, 0.4979999999999999, 1.0900000000000003, -0.6900000000000002, 1.3900000000000003],
    b: [0.35, 0.09, 0.3],
  },
  asgd: {
    w: [0.5367853462026809, -1.1227172704024515, 0.22729214586375027, 0.5736138393103393, -0.2765333415414942, 0.8375841677518973],
    b: [0.06176185767279969, -0.18587998473836914, -0.005617631756820277],
    step: 8.0,
    eta: 0.09960238411119948,
    mu: 0.2,
    ax: [0.5307205456513142, -1.1377291747664502, 0.24144718491817596, 0.6144817580747902, -0.2965804005470348, 0.8886101641944232],
  },
  asgd_default_max: {
    w: [0.4915248561135796, -1.1966718277984139, 0.30420425115588967, 0.8163083908767346, -0.4111661742781136, 1.1153023120168586],
    b: [0.10338621511411443, -0.19943869571809764, 0.05515947278741663],
  },
  lbfgs: {
    w: [1.6936188527563145, -1.455520214563734, -1.4224532177761344, -2.413490441270199, 0.010042633217478355, -6.089731927253375],
    b: [-0.23210158515316395, -0.5299537960125038, -0.8513090711304343],
    losses: [0.6294415358019032, 0.5078469608017241, 0.381698066705005],
    func_evals: 15,
    n_iter: 15,
    history: 3,
  },
  lbfgs_wolfe: {
    w: [0.8823676577738556, -1.4514602687483167, -0.22846353531940516, 0.1684811150897148, -0.16679969676889014, -0.18646547464923197],
    b: [0.03948290093543224, -0.26407979388528974, 0.32774584112346333],
    losses: [0.6294415358019032, 0.15467740025570229, 0.14255870827462025],
    func_evals: 18,
    n_iter: 13,
    history: 3,
  },
  lbfgs_small: {
    w: [2.842495155237858, -1.549467622187705, -3.044377501361188, -5.533902157620049, -0.8453082756079544, -12.091451465134242],
    b: [-0.5542529929572713, -1.266299108636405, -2.0696953718257216],
    losses: [0.6294415358019032, 0.5205431753904081, 0.408686290888636, 0.944647665261607],
    func_evals: 16,
    n_iter: 12,
    history: 2,
  },
  rosen_None: {
    after1: [-0.781122729831648, 0.6131352916809746],
    after2: [0.08303252319322772, 0.005052944696990406],
    final: [0.9999956484454162, 0.999991789284527],
    func_evals: 104,
    n_iter: 104,
  },
  rosen_strong_wolfe: {
    after1: [-0.08511855589860293, -0.028757058413769698],
    after2: [0.9995835472529905, 0.9991550319577943],
    final: [0.9999979943196398, 0.9999973438921637],
    func_evals: 70,
    n_iter: 58,
  },
} as const;

/** The same in float32 (torch's default dtype), 1.13's NAdam patched as above. */
const REF32 = {
  adamax: {
    w: [0.8397772312164307, -1.4529355764389038, -0.04671252891421318, 0.4211791157722473, -0.1457318812608719, 0.7151775360107422],
    b: [-0.1318211704492569, -0.2663014233112335, -0.31095531582832336],
  },
  nadam: {
    w: [0.6890468001365662, -0.8704516887664795, -0.004110508598387241, 0.49312400817871094, -0.1343454122543335, 0.7786732912063599],
    b: [-0.06084495037794113, -0.12841622531414032, -0.2659114599227905],
  },
  radam: {
    w: [0.5417811870574951, -1.224973201751709, 0.27095332741737366, 0.7332707047462463, -0.3513457477092743, 1.0357167720794678],
    b: [0.0741204097867012, -0.21645371615886688, 0.01814785785973072],
  },
  rprop: {
    w: [1.1457953453063965, -1.4467999935150146, 0.04196798801422119, 0.15420466661453247, -0.15319998562335968, 0.27504563331604004],
    b: [-0.011151999235153198, -0.2705000042915344, -0.3842880129814148],
  },
  asgd: {
    w: [0.5774996280670166, -1.2162737846374512, 0.24999161064624786, 0.6294369101524353, -0.30456656217575073, 0.9240542054176331],
    b: [0.06766210496425629, -0.202561154961586, -0.004775459878146648],
  },
  lbfgs_wolfe: {
    w: [0.8823680877685547, -1.4514647722244263, -0.2284630686044693, 0.1684815138578415, -0.1668003499507904, -0.1864653378725052],
    b: [0.03948305919766426, -0.2640804350376129, 0.32774612307548523],
  },
} as const;

type Opt = tg.optim.Optimizer<{ lr: number }>;

type Float = "float32" | "float64";
const X = (dtype: Float = "float64") =>
  tg.tensor(
    [
      [0.3, -1.2],
      [1.5, 0.4],
      [-0.7, 0.9],
      [0.2, 2.0],
    ],
    { dtype },
  );
const Y = (dtype: Float = "float64") =>
  tg.tensor(
    [
      [0.1, -0.5, 0.7],
      [0.9, 0.2, -0.3],
      [-0.4, 0.6, 0.0],
      [0.5, -0.8, 0.2],
    ],
    { dtype },
  );
const init = (dtype: Float = "float64"): [tg.Tensor, tg.Tensor] => [
  tg.tensor(
    [
      [0.5, -1.2, 0.3],
      [0.8, -0.4, 1.1],
    ],
    { dtype, requiresGrad: true },
  ),
  tg.tensor([0.1, -0.2, 0.05], { dtype, requiresGrad: true }),
];
const lossOf = (w: tg.Tensor, b: tg.Tensor) => {
  const dtype = w.dtype as Float;
  return X(dtype).matmul(w).add(b).tanh().sub(Y(dtype)).square().mean();
};

/** Runs `steps` plain steps (zeroGrad, backward, step) and returns the parameters. */
function train(make: (p: tg.Tensor[]) => Opt, steps = 8, dtype: Float = "float64"): { w: tg.Tensor; b: tg.Tensor; opt: Opt } {
  const [w, b] = init(dtype);
  const opt = make([w, b]);
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    lossOf(w, b).backward();
    opt.step();
  }
  return { w, b, opt };
}

const close = { atol: 1e-12, rtol: 1e-10 };
const flat = (t: tg.Tensor | number) => (t instanceof tg.Tensor ? t.reshape(-1) : tg.tensor([t], { dtype: "float64" }));
function assertRef(got: { w: tg.Tensor; b: tg.Tensor; opt: Opt }, ref: { w: readonly number[]; b: readonly number[] }): void {
  assertClose(got.w.reshape(-1), [...ref.w], close);
  assertClose(got.b, [...ref.b], close);
}
/** The state of the first parameter (w) under `key`, as a flat float64 tensor. */
const stateOf = (opt: Opt, w: tg.Tensor, key: string) => flat(opt.state.get(w)?.[key] as tg.Tensor | number);

describe("optim: Adamax, NAdam, RAdam, Rprop, ASGD step for step against PyTorch", () => {
  const O = tg.optim;
  it("Adamax: defaults with lr, then betas, eps, weightDecay positionally with maximize", () => {
    const a = train((p) => new O.Adamax(p, { lr: 0.05 }));
    assertRef(a, REF.adamax);
    assert.equal(a.opt.state.get(a.w)?.step, 8);
    assertClose(stateOf(a.opt, a.w, "expInf"), [...REF.adamax.exp_inf], close);
    assertRef(
      train((p) => new O.Adamax(p, 0.05, [0.8, 0.99], 1e-3, 0.1, { maximize: true })),
      REF.adamax_wd_max,
    );
  });

  it("NAdam: muProduct, momentumDecay and weightDecay, and PyTorch 2's decoupledWeightDecay with maximize", () => {
    const a = train((p) => new O.NAdam(p, { lr: 0.05 }));
    assertRef(a, REF.nadam);
    assertClose(stateOf(a.opt, a.w, "muProduct"), [REF.nadam.mu_product], close);
    assertRef(
      train((p) => new O.NAdam(p, 0.05, [0.8, 0.99], 1e-8, 0.1, 0.01)),
      REF.nadam_wd,
    );
    assertRef(
      train((p) => new O.NAdam(p, { lr: 0.05, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true })),
      REF.nadam_dec_max,
    );
  });

  it("RAdam: the untractable first steps and the rectified ones, weightDecay both ways, maximize", () => {
    assertRef(
      train((p) => new O.RAdam(p, { lr: 0.05, betas: [0.9, 0.99] })),
      REF.radam,
    );
    assertRef(
      train((p) => new O.RAdam(p, { lr: 0.05, weightDecay: 0.1 })),
      REF.radam_wd,
    );
    assertRef(
      train((p) => new O.RAdam(p, 0.05, [0.9, 0.99], 1e-8, 0.1, true, { maximize: true })),
      REF.radam_dec_max,
    );
  });

  it("Rprop: step sizes grow, shrink on a sign flip (that element waits a step) and stay within stepSizes", () => {
    const a = train((p) => new O.Rprop(p, { lr: 0.05 }));
    assertRef(a, REF.rprop);
    assertClose(stateOf(a.opt, a.w, "stepSize"), [...REF.rprop.step_size], close);
    assertClose(stateOf(a.opt, a.w, "prev"), [...REF.rprop.prev], close);
    assertRef(
      train((p) => new O.Rprop(p, 0.02, [0.3, 1.5], [1e-3, 0.04], { maximize: true })),
      REF.rprop_custom_max,
    );
  });

  it("ASGD: eta, mu and the averaged weights ax once averaging starts at t0", () => {
    const a = train((p) => new O.ASGD(p, 0.1, 0.01, 0.5, 3, 0.1));
    assertRef(a, REF.asgd);
    assertClose(stateOf(a.opt, a.w, "eta"), [REF.asgd.eta], close);
    assertClose(stateOf(a.opt, a.w, "mu"), [REF.asgd.mu], close);
    assertClose(stateOf(a.opt, a.w, "ax"), [...REF.asgd.ax], close);
    assertRef(
      train((p) => new O.ASGD(p, { maximize: true })),
      REF.asgd_default_max,
    );
  });
});

describe("optim extras in float32", () => {
  it("Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS match PyTorch's float32 runs", () => {
    const O = tg.optim;
    const f32 = { atol: 2e-6, rtol: 1e-5 };
    const check = (got: { w: tg.Tensor; b: tg.Tensor }, ref: { w: readonly number[]; b: readonly number[] }) => {
      assert.equal(got.w.dtype, "float32");
      assertClose(got.w.reshape(-1), [...ref.w], f32);
      assertClose(got.b, [...ref.b], f32);
    };
    check(
      train((p) => new O.Adamax(p, 0.05), 8, "float32"),
      REF32.adamax,
    );
    check(
      train((p) => new O.NAdam(p, { lr: 0.05, weightDecay: 0.1 }), 8, "float32"),
      REF32.nadam,
    );
    check(
      train((p) => new O.RAdam(p, 0.05, [0.9, 0.99]), 8, "float32"),
      REF32.radam,
    );
    check(
      train((p) => new O.Rprop(p, 0.05), 8, "float32"),
      REF32.rprop,
    );
    check(
      train((p) => new O.ASGD(p, 0.1, 0.01, 0.5, 3), 8, "float32"),
      REF32.asgd,
    );
    check(lbfgs({ maxIter: 5, historySize: 3, lineSearchFn: "strong_wolfe" }, 3, "float32"), REF32.lbfgs_wolfe);
  });
});

/** Runs LBFGS for `steps` closure steps; returns the losses `step` returned. */
function lbfgs(options: Partial<tg.optim.LBFGSOptions>, steps: number, dtype: Float = "float64") {
  const [w, b] = init(dtype);
  const opt = new tg.optim.LBFGS([w, b], options);
  const closure = () => {
    opt.zeroGrad();
    const loss = lossOf(w, b);
    loss.backward();
    return loss;
  };
  const losses = Array.from({ length: steps }, () => opt.step(closure));
  return { w, b, opt, losses };
}

const rosenbrock = (x: tg.Tensor) => {
  const [a, c] = [x.select(0, 0), x.select(0, 1)];
  return a.neg().add(1).square().add(c.sub(a.square()).square().mul(100));
};

describe("optim.LBFGS", () => {
  const cases = [
    ["fixed steps", { lr: 0.2, maxIter: 5 }, 3, REF.lbfgs],
    ["strong Wolfe line search", { maxIter: 5, historySize: 3, lineSearchFn: "strong_wolfe" as const }, 3, REF.lbfgs_wolfe],
    ["maxEval and a full history", { lr: 0.3, maxIter: 4, maxEval: 4, historySize: 2 }, 4, REF.lbfgs_small],
  ] as const;
  for (const [name, options, steps, ref] of cases) {
    it(`${name}: the parameters, losses, evaluation and iteration counts of PyTorch`, () => {
      const got = lbfgs(options, steps);
      assertRef(got, ref);
      assertClose(tg.tensor(got.losses, { dtype: "float64" }), [...ref.losses], close);
      const state = got.opt.state.get(got.w);
      assert.equal(state?.funcEvals, ref.func_evals);
      assert.equal(state?.nIter, ref.n_iter);
      const dirs = got.opt.stateDict().state[0].oldDirs as tg.Tensor;
      assert.deepEqual(dirs.shape, [ref.history, 9]);
    });
  }

  for (const lineSearchFn of [null, "strong_wolfe"] as const) {
    it(`minimizes the Rosenbrock function from (-1.5, 2) (lineSearchFn ${lineSearchFn})`, () => {
      const ref = lineSearchFn ? REF.rosen_strong_wolfe : REF.rosen_None;
      const x = tg.tensor([-1.5, 2], { dtype: "float64", requiresGrad: true });
      const opt = new tg.optim.LBFGS([x], { lineSearchFn });
      const closure = () => {
        opt.zeroGrad();
        const loss = rosenbrock(x);
        loss.backward();
        return loss.item();
      };
      const first = opt.step(closure);
      assert.equal(first, 2.5 ** 2 + 100 * 0.25 ** 2, "step returns the loss before the step");
      assertClose(x, [...ref.after1], close);
      opt.step(closure);
      assertClose(x, [...ref.after2], { atol: 1e-9, rtol: 1e-8 });
      for (let i = 2; i < 20; i++) opt.step(closure);
      assertClose(x, [1, 1], { atol: 1e-4, rtol: 0 });
      assert.ok(rosenbrock(x).item() < 1e-8, `f = ${rosenbrock(x).item()}`);
      assertClose(x, [...ref.final], { atol: 1e-6, rtol: 0 });
    });
  }

  it("needs a closure and one parameter group; maxEval defaults to maxIter · 5 / 4", () => {
    const [w, b] = init();
    const opt = new tg.optim.LBFGS([w, b]);
    assert.equal(opt.paramGroups[0].maxEval, 25);
    assert.equal(new tg.optim.LBFGS([w], 1, 7).paramGroups[0].maxEval, 8);
    assert.throws(() => opt.step(), /LBFGS.step needs a closure/);
    assert.throws(() => opt.addParamGroup({ params: [tg.zeros([1], { requiresGrad: true })] }), /parameter groups/);
    assert.throws(() => new tg.optim.LBFGS([{ params: [w] }, { params: [b] }]), /parameter groups/);
  });
});

describe("optim extras: state dicts, step(closure), argument errors, learning", () => {
  const O = tg.optim;
  const makers: Record<string, (p: tg.Tensor[]) => Opt> = {
    Adamax: (p) => new O.Adamax(p, { lr: 0.05 }),
    NAdam: (p) => new O.NAdam(p, { lr: 0.05, weightDecay: 0.01 }),
    RAdam: (p) => new O.RAdam(p, { lr: 0.05 }),
    Rprop: (p) => new O.Rprop(p, { lr: 0.05 }),
    ASGD: (p) => new O.ASGD(p, { lr: 0.05, t0: 2 }),
    LBFGS: (p) => new O.LBFGS(p, { lr: 0.2, maxIter: 3, historySize: 2 }),
  };
  const stepWith = (opt: Opt, w: tg.Tensor, b: tg.Tensor) =>
    opt.step(() => {
      opt.zeroGrad();
      const loss = lossOf(w, b);
      loss.backward();
      return loss.item();
    });

  it("a state dict saved mid-run and loaded into a fresh optimizer continues exactly", () => {
    for (const [name, make] of Object.entries(makers)) {
      const [w, b] = init();
      const opt = make([w, b]);
      for (let i = 0; i < 7; i++) stepWith(opt, w, b);
      const sd = opt.stateDict();
      const [w2, b2] = [w.detach().clone().requiresGrad_(), b.detach().clone().requiresGrad_()];
      for (let i = 0; i < 7; i++) stepWith(opt, w, b);
      const opt2 = make([w2, b2]);
      opt2.loadStateDict(sd);
      for (let i = 0; i < 7; i++) stepWith(opt2, w2, b2);
      assert.deepEqual(w2.toArray(), w.toArray(), `${name}: resumed weights`);
      assert.deepEqual(b2.toArray(), b.toArray(), `${name}: resumed biases`);
    }
  });

  it("checkpoint files: the state (numbers, LBFGS's flat history) comes back through safetensors and is checked", () => {
    for (const [name, make] of Object.entries(makers)) {
      tg.manualSeed(1);
      const x = tg.randn([16, 3]);
      const y = tg.randn([16, 2]);
      const run = (model: tg.nn.Linear, opt: Opt) =>
        opt.step(() => {
          opt.zeroGrad();
          const loss = tg.nn.functional.mseLoss(model(x), y);
          loss.backward();
          return loss.item();
        });
      const model = new tg.nn.Linear(3, 2);
      const opt = make(model.parameters());
      for (let i = 0; i < 4; i++) run(model, opt);
      const bytes = tg.io.checkpointToBytes({ model, optimizer: opt });
      const model2 = new tg.nn.Linear(3, 2);
      const opt2 = make(model2.parameters());
      tg.io.restoreCheckpoint(tg.io.checkpointFromBytes(bytes), { model: model2, optimizer: opt2 });
      for (let i = 0; i < 4; i++) {
        run(model, opt);
        run(model2, opt2);
      }
      assert.deepEqual(model2.weight.toArray(), model.weight.toArray(), `${name}: resumed from the file`);
    }
    const model = new tg.nn.Linear(3, 2);
    const opt = new O.LBFGS(model.parameters());
    opt.step(() => {
      opt.zeroGrad();
      const loss = model(tg.ones([1, 3])).sum();
      loss.backward();
      return loss.item();
    });
    const sd = opt.stateDict();
    sd.state[0].d = tg.zeros([5]);
    const ckpt = tg.io.checkpointFromBytes(tg.io.checkpointToBytes({ model, optimizer: opt }));
    ckpt.optimizerState = sd as never;
    assert.throws(
      () => tg.io.loadOptimizerState(new O.LBFGS(model.parameters()), ckpt),
      /"d" has shape \[5\], but the parameters hold 8 elements/,
    );
  });

  it("step(closure) returns the closure's loss and takes the same step as closure() then step()", () => {
    const all: Record<string, (p: tg.Tensor[]) => Opt> = {
      ...makers,
      SGD: (p) => new O.SGD(p, 0.1, 0.9),
      Adam: (p) => new O.Adam(p, 0.05),
      AdamW: (p) => new O.AdamW(p, 0.05),
      RMSprop: (p) => new O.RMSprop(p, 0.05),
      Adagrad: (p) => new O.Adagrad(p, 0.05),
      Adadelta: (p) => new O.Adadelta(p),
    };
    for (const [name, make] of Object.entries(all)) {
      const [w, b] = init();
      const opt = make([w, b]);
      const before = lossOf(w, b).item();
      assert.equal(stepWith(opt, w, b), before, `${name}: returns the loss`);
      assert.ok(lossOf(w, b).item() < before, `${name}: the step lowered the loss`);
      if (name === "LBFGS") continue;
      const [w2, b2] = init();
      const opt2 = make([w2, b2]);
      opt2.zeroGrad();
      lossOf(w2, b2).backward();
      assert.equal(opt2.step(), undefined);
      assert.deepEqual(w2.toArray(), w.toArray(), `${name}: same step`);
    }
  });

  it("refuses bad values, unknown options and PyTorch 2 switches it does not implement", () => {
    const p = () => [tg.zeros([2], { requiresGrad: true })];
    assert.throws(() => new O.Adamax(p(), { betas: [1, 0.9] }), /Invalid beta parameter at index 0: 1/);
    assert.throws(() => new O.NAdam(p(), { momentumDecay: -1 }), /Invalid momentumDecay value: -1/);
    assert.throws(() => new O.RAdam(p(), -0.1), /Invalid learning rate: -0.1/);
    assert.throws(() => new O.Rprop(p(), 0.01, [1.5, 1.2]), /Invalid eta values: 1.5, 1.2/);
    assert.throws(() => new O.ASGD(p(), { weightDecay: -1 }), /Invalid weightDecay value: -1/);
    assert.throws(() => new O.LBFGS(p(), { lineSearchFn: "backtracking" as never }), tg.ArgumentError);
    assert.throws(() => new O.LBFGS(p(), 1, 0), tg.ArgumentError);
    assert.throws(() => new O.Rprop(p(), { step_sizes: [1, 2] } as never), /did you mean "stepSizes"/);
    assert.throws(() => new O.NAdam(p(), { momentum_decay: 0.1 } as never), /did you mean "momentumDecay"/);
    for (const [name, C] of [
      ["Adamax", O.Adamax],
      ["NAdam", O.NAdam],
      ["RAdam", O.RAdam],
      ["Rprop", O.Rprop],
      ["ASGD", O.ASGD],
    ] as const) {
      const Ctor = C as unknown as new (...a: unknown[]) => Opt;
      for (const [key, value] of [
        ["foreach", true],
        ["capturable", true],
        ["differentiable", true],
      ] as const) {
        assert.throws(
          () => new Ctor(p(), { [key]: value }),
          (e: unknown) => e instanceof tg.ArgumentError && e.argument === key && /is not implemented/.test(e.message),
          `${name} ${key}`,
        );
      }
      new Ctor(p(), { foreach: null, capturable: false, differentiable: false });
      new Ctor(p(), { foreach: false });
      // The switches are not options of a parameter group.
      assert.throws(() => new Ctor([{ params: p(), foreach: null }]), tg.ArgumentError, name);
    }
    // ASGD takes all of PyTorch's arguments positionally.
    assert.equal(new O.ASGD(p(), 0.01, 1e-4, 0.75, 1e6, 0, null, true).paramGroups[0].maximize, true);
    assert.throws(() => new O.ASGD(p(), 0.01, 1e-4, 0.75, 1e6, 0, true as never), /foreach/);
  });

  it("learns: each optimizer fits a small regression", () => {
    for (const [name, make, steps] of [
      ["Adamax", (p: tg.Tensor[]) => new O.Adamax(p, 0.05), 150],
      ["NAdam", (p: tg.Tensor[]) => new O.NAdam(p, 0.05), 150],
      ["RAdam", (p: tg.Tensor[]) => new O.RAdam(p, 0.05), 150],
      ["Rprop", (p: tg.Tensor[]) => new O.Rprop(p), 150],
      ["ASGD", (p: tg.Tensor[]) => new O.ASGD(p, 0.1), 150],
      ["LBFGS", (p: tg.Tensor[]) => new O.LBFGS(p, { lineSearchFn: "strong_wolfe" }), 5],
    ] as const) {
      tg.manualSeed(0);
      const model = new tg.nn.Linear(3, 1);
      const x = tg.randn([64, 3]);
      const y = x.matmul(tg.tensor([[1], [-2], [0.5]])).add(0.3);
      const opt = make(model.parameters());
      const loss = () => tg.nn.functional.mseLoss(model(x), y);
      const first = loss().item();
      for (let i = 0; i < steps; i++) {
        opt.step(() => {
          opt.zeroGrad();
          const l = loss();
          l.backward();
          return l.item();
        });
      }
      assert.ok(loss().item() < first * 0.05, `${name}: loss ${first} -> ${loss().item()}`);
    }
  });
});
