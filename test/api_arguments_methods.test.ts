import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

// The argument rule, walked over every exported top-level function, every public Tensor method and every learning-
// rate scheduler: each is called with its full valid positional arguments (the call must work), then with one junk
// positional argument more, then with an unknown option, and both must throw an ArgumentError naming it. Every export
// and method must be listed, so a new one cannot skip the rule.

type Fn = (...args: unknown[]) => unknown;
const JUNK = Symbol("junk"); // no argument type accepts a symbol
const BAD = { bogusOption: 1 };

const x = () => tg.randn([2, 3]);
const sq = () => tg.randn([3, 3]);
const idx = () => tg.tensor([[0, 1, 2]], { dtype: "int32" });
const mask = () =>
  tg.tensor([
    [true, false, true],
    [false, true, false],
  ]);

/** Full positional arguments of every top-level function. */
const FUNCTIONS: Record<string, () => unknown[]> = {
  ...Object.fromEntries(
    ["abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "exp", "exp2", "expm1", "floor", "isfinite", "isinf", "isnan"]
      .concat(["log", "log10", "log1p", "log2", "logicalNot", "neg", "reciprocal", "relu", "round", "rsqrt", "sigmoid", "sign"])
      .concat(["sin", "sinh", "sqrt", "square", "tan", "tanh", "clone", "contiguous", "detach", "trace", "nonzero", "unique"])
      .map((n) => [n, () => [n === "trace" ? sq() : x()]]),
  ),
  ...Object.fromEntries(
    ["add", "sub", "mul", "div", "pow", "atan2", "logaddexp", "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr"]
      .concat(["maximum", "minimum", "isclose", "allclose", "equal"])
      .map((n) => [n, () => [x(), x()]]),
  ),
  ...Object.fromEntries(
    ["all", "amax", "amin", "any", "argmax", "argmin", "max", "min", "mean", "prod", "sum", "logsumexp", "nansum", "nanmean"]
      .concat(["mode", "median"])
      .map((n) => [n, () => [x(), 1, true]]),
  ),
  ...Object.fromEntries(["cumsum", "cumprod", "logcumsumexp", "cummax", "cummin"].map((n) => [n, () => [x(), 1]])),
  ...Object.fromEntries(["bmm", "matmul", "mm"].map((n) => [n, () => [sq(), sq()]])),
  bmm: () => [tg.randn([1, 2, 2]), tg.randn([1, 2, 2])],
  dot: () => [tg.randn([3]), tg.randn([3])],
  outer: () => [tg.randn([3]), tg.randn([3])],
  clamp: () => [x(), 0, 1],
  clip: () => [x(), 0, 1],
  where: () => [mask(), x(), x()],
  lerp: () => [x(), x(), 0.5],
  norm: () => [x(), 2, 1, true],
  var: () => [x(), 1, true, true],
  std: () => [x(), 1, true, true],
  cat: () => [[x(), x()], 0],
  stack: () => [[x(), x()], 0],
  chunk: () => [x(), 2, 1],
  split: () => [x(), 2, 1],
  unbind: () => [x(), 1],
  flip: () => [x(), [0]],
  repeat: () => [x(), [1, 2]],
  tile: () => [x(), [1, 2]],
  tril: () => [x(), 0],
  triu: () => [x(), 0],
  oneHot: () => [tg.tensor([0, 2], { dtype: "int32" }), 3],
  gather: () => [x(), 1, idx()],
  indexSelect: () => [x(), 1, tg.tensor([0, 2], { dtype: "int32" })],
  maskedFill: () => [x(), mask(), 0],
  scatter: () => [x(), 1, idx(), x()],
  scatterAdd: () => [x(), 1, idx(), x()],
  expand: () => [tg.randn([1, 3]), [2, 3]],
  flatten: () => [x(), 0, -1],
  narrow: () => [x(), 1, 0, 2],
  select: () => [x(), 1, 0],
  squeeze: () => [tg.randn([2, 1]), 1],
  unflatten: () => [x(), 1, [3, 1]],
  unsqueeze: () => [x(), 0],
  view: () => [x(), [3, 2]],
  reshape: () => [x(), [3, 2]],
  permute: () => [x(), [1, 0]],
  transpose: () => [x(), 0, 1],
  addmm: () => [sq(), sq(), sq()],
  baddbmm: () => [tg.randn([1, 2, 2]), tg.randn([1, 2, 2]), tg.randn([1, 2, 2])],
  addcmul: () => [x(), x(), x()],
  addcdiv: () => [x(), x(), x().abs().add(1)],
  cross: () => [sq(), sq(), 1],
  kron: () => [x(), x()],
  rot90: () => [x(), 1, [0, 1]],
  tensordot: () => [x(), tg.randn([3, 2]), 1],
  cdist: () => [x(), x(), 2],
  diag: () => [tg.randn([3]), 0],
  diagonal: () => [sq(), 0, 0, 1],
  roll: () => [x(), 1, 1],
  searchsorted: () => [tg.tensor([1, 2, 3]), tg.tensor([2.5])],
  bucketize: () => [tg.tensor([2.5]), tg.tensor([1, 2, 3])],
  histc: () => [x(), 4, -1, 1],
  sort: () => [x(), 1, false],
  argsort: () => [x(), 1, false],
  topk: () => [x(), 2, 1, true, true],
  kthvalue: () => [x(), 1, 1, false],
  multinomial: () => [tg.tensor([0.5, 0.5]), 2, true],
  pad: () => [x(), [1, 1], "constant", 0],
  tensor: () => [[1, 2]],
  full: () => [[2], 1],
  fullLike: () => [x(), 1],
  zerosLike: () => [x()],
  onesLike: () => [x()],
  emptyLike: () => [x()],
  randLike: () => [x()],
  randnLike: () => [x()],
  randperm: () => [4],
  normal: () => [0, 1, [2]],
  bernoulli: () => [tg.tensor([0.5]), [2]],
  arange: () => [0, 4, 1],
  linspace: () => [0, 1, 5],
  eye: () => [2, 3],
  empty: () => [[2, 3]],
  zeros: () => [[2, 3]],
  ones: () => [[2, 3]],
  rand: () => [[2, 3]],
  randn: () => [[2, 3]],
  randint: () => [0, 10, [3]],
  manualSeed: () => [0],
  noGrad: () => [() => 1],
  enableGrad: () => [() => 1],
  isGradEnabled: () => [],
  setGradEnabled: () => [true],
  getBackend: () => [],
  getDefaultDevice: () => [],
  getNumThreads: () => [],
  listBackends: () => [],
  setBackend: () => [tg.getBackend().name],
  setDefaultDevice: () => ["cpu"],
  setNumThreads: () => [tg.getNumThreads()],
  registerBackend: () => [tg.getBackend()],
  promoteTypes: () => ["float32", "int32"],
  slice: () => [0, 2, 1],
};

/**
 * Variadic as in PyTorch, so an extra argument is one more operand, not a junk one: einsum(equation, ...operands),
 * resultType(...operands) (each operand is checked: a symbol is refused below all the same).
 */
const VARIADIC_FUNCTIONS = new Set(["einsum", "resultType"]);

/** Full positional arguments of every public Tensor method, and the tensor it is called on. */
const METHODS: Record<string, () => [self: unknown, ...args: unknown[]]> = {
  ...Object.fromEntries(
    ["cpu", "float", "double", "int", "bool", "t", "contiguous", "clone", "detach", "zero_", "logicalNot", "neg", "abs", "sign"]
      .concat(["exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos", "tanh", "sigmoid", "relu"])
      .concat(["erf", "floor", "ceil", "round", "isnan", "isinf", "isfinite", "neg_", "abs_", "exp_", "log_", "sqrt_", "relu_"])
      .concat(["sigmoid_", "tanh_", "numel", "dim", "storageOffset", "isContiguous", "toArray", "tolist", "toString"])
      .map((n) => [n, () => [x()]]),
  ),
  retainGrad: () => [tg.randn([2], { requiresGrad: true }).mul(2)],
  item: () => [tg.tensor(1)],
  ...Object.fromEntries(
    ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr"]
      .concat(["add_", "sub_", "mul_", "div_", "pow_", "kron", "viewAs", "reshapeAs", "expandAs", "typeAs", "copy_"])
      .map((n) => [n, () => [x(), x()]]),
  ),
  ...Object.fromEntries(["matmul", "mm"].map((n) => [n, () => [sq(), sq()]])),
  bmm: () => [tg.randn([1, 2, 2]), tg.randn([1, 2, 2])],
  dot: () => [tg.randn([3]), tg.randn([3])],
  outer: () => [tg.randn([3]), tg.randn([3])],
  ...Object.fromEntries(
    ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "all", "any", "logsumexp", "nansum", "nanmean"]
      .concat(["mode"])
      .map((n) => [n, () => [x(), 1, true]]),
  ),
  ...Object.fromEntries(["cumsum", "logcumsumexp", "cummax", "cummin", "softmax", "logSoftmax", "unbind"].map((n) => [n, () => [x(), 1]])),
  var: () => [x(), 1, true, true],
  std: () => [x(), 1, true, true],
  norm: () => [x(), 2, 1, true],
  clamp: () => [x(), 0, 1],
  clamp_: () => [x(), 0, 1],
  clip: () => [x(), 0, 1],
  where: () => [x(), mask(), 0],
  to: () => [x(), "cpu", "float64"],
  cross: () => [sq(), sq(), 1],
  rot90: () => [x(), 1, [0, 1]],
  // src/tensor/methods_more.ts
  ...Object.fromEntries(["tan", "asin", "acos", "atan", "sinh", "cosh", "log2", "log10", "exp2", "nonzero"].map((n) => [n, () => [x()]])),
  ...Object.fromEntries(["atan2", "logaddexp", "equal"].map((n) => [n, () => [x(), x()]])),
  ...Object.fromEntries(["isclose", "allclose"].map((n) => [n, () => [x(), x(), 1e-5, 1e-8, false]])),
  ...Object.fromEntries(["addcmul", "addcdiv", "addcdiv_"].map((n) => [n, () => [x(), x(), tg.ones([2, 3])]])),
  lerp: () => [x(), x(), 0.5],
  diag: () => [sq(), 0],
  diagonal: () => [sq(), 0, 0, 1],
  trace: () => [sq()],
  roll: () => [x(), 1, 0],
  cumprod: () => [x(), 1],
  multinomial: () => [tg.ones([2, 3]), 2, true],
  unique: () => [x(), true, false, false],
  median: () => [x(), 1, true],
  kthvalue: () => [x(), 1, 1, true],
  addmm: () => [sq(), sq(), sq()],
  baddbmm: () => [tg.randn([1, 2, 2]), tg.randn([1, 2, 2]), tg.randn([1, 2, 2])],
  histc: () => [x(), 10, -1, 1],
  sort: () => [x(), 1, false],
  argsort: () => [x(), 1, false],
  topk: () => [x(), 2, 1, true, true],
  transpose: () => [x(), 0, 1],
  newZeros: () => [x(), [2]],
  newOnes: () => [x(), [2]],
  newEmpty: () => [x(), [2]],
  newFull: () => [x(), [2], 1],
  newTensor: () => [x(), [1, 2]],
  squeeze: () => [tg.randn([2, 1]), 1],
  unsqueeze: () => [x(), 0],
  flatten: () => [x(), 0, -1],
  unflatten: () => [x(), 1, [3, 1]],
  select: () => [x(), 1, 0],
  narrow: () => [x(), 1, 0, 2],
  set: () => [x(), "0, 0", 1],
  gather: () => [x(), 1, idx()],
  indexSelect: () => [x(), 1, tg.tensor([0], { dtype: "int32" })],
  scatter: () => [x(), 1, idx(), x()],
  scatter_: () => [x(), 1, idx(), x()],
  scatterAdd: () => [x(), 1, idx(), x()],
  scatterAdd_: () => [x(), 1, idx(), x()],
  maskedFill: () => [x(), mask(), 0],
  maskedFill_: () => [x(), mask(), 0],
  split: () => [x(), 2, 1],
  chunk: () => [x(), 2, 1],
  flip: () => [x(), [0]],
  tril: () => [x(), 0],
  triu: () => [x(), 0],
  addcmul_: () => [x(), x(), x()],
  fill_: () => [x(), 1],
  uniform_: () => [x(), 0, 1],
  normal_: () => [x(), 0, 1],
  size: () => [x(), 0],
  stride: () => [x(), 0],
  requiresGrad_: () => [x(), true],
  registerHook: () => [tg.randn([2], { requiresGrad: true }), (g: unknown) => g],
  backward: () => [tg.randn([2], { requiresGrad: true }).sum(), tg.tensor(1)],
};

/**
 * Variadic as in PyTorch, each argument a size, dim or index part that is checked (`x.view(2, 3)`,
 * `x.get(0, "1:2")`), so an extra one is one more size: view, reshape, permute, expand, repeat, tile, get.
 * Asynchronous forms are walked by their synchronous twins (same call forms); names starting with "_" are internal.
 */
const VARIADIC_METHODS = new Set(["view", "reshape", "permute", "expand", "repeat", "tile", "get"]);
const ASYNC = (n: string) => n.endsWith("Async") || n === "nested" || n.startsWith("_") || n === "constructor";

/** Every scheduler with its full valid positional arguments after the optimizer. */
const opt = () => new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
const SCHEDULERS: Record<string, (o: ReturnType<typeof opt>) => unknown[]> = {
  StepLR: () => [2, 0.5, -1],
  MultiStepLR: () => [[2, 4], 0.5, -1],
  ExponentialLR: () => [0.9, -1],
  CosineAnnealingLR: () => [10, 0, -1],
  LinearLR: () => [0.5, 1, 4, -1],
  LambdaLR: () => [(e: number) => 0.9 ** e, -1],
  SequentialLR: (o) => [[new tg.optim.lrScheduler.LinearLR(o, 0.5), new tg.optim.lrScheduler.ExponentialLR(o, 0.9)], [2], -1],
  OneCycleLR: () => [1, 10, null, null, 0.3, "cos", true, 0.85, 0.95, 25, 1e4, false, -1],
  ReduceLROnPlateau: () => ["min", 0.1, 10, 1e-4, "rel", 0, 0, 1e-8],
};

function assertRefused(fn: string, call: () => unknown, what: string): void {
  assert.throws(call, (e: unknown) => e instanceof tg.ArgumentError && e.fn === fn, `${fn} must refuse ${what}`);
}

const isClass = (v: unknown) => typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v));

describe("argument rule: top-level functions, Tensor methods and schedulers refuse an extra argument", () => {
  it("every exported top-level function", () => {
    const exported = Object.entries(tg)
      .filter(([, v]) => typeof v === "function" && !isClass(v))
      .map(([k]) => k);
    assert.deepEqual(
      exported.filter((k) => !(k in FUNCTIONS) && !VARIADIC_FUNCTIONS.has(k)),
      [],
      "every function is listed",
    );
    const grad = tg.isGradEnabled();
    for (const [name, args] of Object.entries(FUNCTIONS)) {
      const fn = (tg as unknown as Record<string, Fn>)[name];
      if (!fn) continue;
      fn(...args()); // the full valid call works
      assertRefused(name, () => fn(...args(), JUNK), "one positional argument too many");
      assertRefused(name, () => fn(...args(), BAD), "an unknown option");
    }
    tg.setGradEnabled(grad);
    assert.throws(() => tg.einsum("ij->ji", x(), JUNK as never), tg.TensorGradError);
  });

  it("every public Tensor method", () => {
    const names = new Set<string>();
    for (let p = tg.Tensor.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const k of Object.getOwnPropertyNames(p)) {
        if (typeof Object.getOwnPropertyDescriptor(p, k)?.value === "function" && !ASYNC(k)) names.add(k);
      }
    }
    assert.deepEqual(
      [...names].filter((k) => !(k in METHODS) && !VARIADIC_METHODS.has(k)),
      [],
      "every method is listed",
    );
    for (const [name, make] of Object.entries(METHODS)) {
      const call = (extra: unknown[]) => {
        const [self, ...args] = make();
        return ((self as Record<string, Fn>)[name] as Fn).call(self, ...args, ...extra);
      };
      call([]);
      assertRefused(name, () => call([JUNK]), "one positional argument too many");
      assertRefused(name, () => call([BAD]), "an unknown option");
    }
  });

  it("every learning-rate scheduler", () => {
    const S = tg.optim.lrScheduler as unknown as Record<string, new (...a: unknown[]) => unknown>;
    const exported = Object.entries(S)
      .filter(([k, v]) => isClass(v) && k !== "LRScheduler")
      .map(([k]) => k);
    assert.deepEqual(
      exported.filter((k) => !(k in SCHEDULERS)),
      [],
      "every scheduler is listed",
    );
    for (const [name, args] of Object.entries(SCHEDULERS)) {
      const o = opt();
      new S[name](o, ...args(o));
      const o2 = opt();
      assertRefused(name, () => new S[name](o2, ...args(o2), JUNK), "one positional argument too many");
      const o3 = opt();
      assertRefused(name, () => new S[name](o3, ...args(o3), BAD), "an unknown option");
    }
  });
});

describe("argument rule: tg.nn.init", () => {
  const w = () => tg.zeros([4, 3]);
  const INIT: Record<string, () => unknown[]> = {
    calculateFans: () => [w()],
    calculateGain: () => ["leaky_relu", 0.2],
    constant_: () => [w(), 0.5],
    eye_: () => [w()],
    kaimingNormal_: () => [w()],
    kaimingUniform_: () => [w()],
    normal_: () => [w(), 0, 1, new tg.Generator(0)],
    ones_: () => [w()],
    orthogonal_: () => [w(), 1, new tg.Generator(0)],
    uniform_: () => [w(), 0, 1, new tg.Generator(0)],
    xavierNormal_: () => [w(), 1, new tg.Generator(0)],
    xavierUniform_: () => [w(), 1, new tg.Generator(0)],
    zeros_: () => [w()],
    truncNormal_: () => [w(), 0, 1, -2, 2, new tg.Generator(0)],
    dirac_: () => [tg.zeros([2, 2, 3]), 1],
    sparse_: () => [w(), 0.5, 0.01, new tg.Generator(0)],
  };

  it("every function refuses one argument more and an unknown option", () => {
    const init = tg.nn.init as unknown as Record<string, Fn>;
    assert.deepEqual(
      Object.keys(init).filter((k) => typeof init[k] === "function" && !(k in INIT)),
      [],
      "every tg.nn.init function is listed",
    );
    for (const [name, args] of Object.entries(INIT)) {
      init[name](...args());
      assertRefused(name, () => init[name](...args(), JUNK), "one positional argument too many");
      assertRefused(name, () => init[name](...args(), BAD), "an unknown option");
    }
    // PyTorch's positional form (tensor, a, mode, nonlinearity): see test/api_arguments_more.test.ts
    assert.throws(() => init.kaimingUniform_(w(), 0.1, "fan_avg"), /kaimingUniform_: mode must be/);
    assert.throws(() => tg.nn.init.kaimingUniform_(w(), { mod: "fanOut" } as never), /unknown option "mod"/);
  });
});

describe("argument rule: the forms PyTorch has", () => {
  it("alpha and generator are keyword-only, as in PyTorch", () => {
    const a = tg.tensor([1, 2]);
    const b = tg.tensor([10, 20]);
    // torch.tensor([1., 2]).add(torch.tensor([10., 20]), alpha=2) -> [21., 42.]; sub -> [-19., -38.]
    assert.deepEqual(a.add(b, { alpha: 2 }).tolist(), [21, 42]);
    assert.deepEqual(tg.sub(a, b, { alpha: 2 }).tolist(), [-19, -38]);
    assert.deepEqual(a.clone().add_(b, { alpha: 0.5 }).tolist(), [6, 12]);
    assert.throws(() => a.add(b, 2 as never), /add: takes 1 positional argument \(other\) and then an options object, got 2/);
    assert.throws(() => tg.add(a, b, 2 as never), /add: takes 2 positional arguments \(input, other\)/);
    assert.throws(() => a.add(b, { alpa: 2 } as never), /add: unknown option "alpa"; the options are alpha/);
    const g1 = new tg.Generator(3);
    const g2 = new tg.Generator(3);
    assert.deepEqual(tg.zeros([3]).uniform_(0, 1, { generator: g1 }).tolist(), tg.zeros([3]).uniform_(0, 1, { generator: g2 }).tolist());
    assert.throws(() => tg.zeros([3]).uniform_(0, 1, g1 as never), tg.ArgumentError);
  });

  it("the issue's examples throw, naming the function and the accepted forms", () => {
    const t = x();
    assert.throws(
      () => (tg.exp as Fn)(t, 5),
      /^ArgumentError: exp: takes 1 positional argument \(input\), got 5 at position 1\. Usage: exp\(input\)$/,
    );
    assert.throws(() => (t.exp as Fn).call(t, 5), /exp: takes no arguments, got 5 at position 0/);
    assert.throws(() => (t.relu as Fn).call(t, true), /relu: takes no arguments, got true/);
    assert.throws(
      () => (t.sum as Fn).call(t, 0, true, "junk"),
      /sum: takes 2 positional arguments \(dim, keepdim\), got "junk" at position 2/,
    );
    // trailing undefined is no argument (a forwarded optional), as in the shared reader
    assert.deepEqual(t.sum(undefined, undefined).shape, []);
  });

  it("schedulers take PyTorch's positional forms or options", () => {
    const { StepLR, OneCycleLR, ReduceLROnPlateau } = tg.optim.lrScheduler;
    const o1 = opt();
    const o2 = opt();
    const s1 = new StepLR(o1, 2, 0.5);
    const s2 = new StepLR(o2, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 2; i++) for (const s of [s1, s2]) s.step();
    // StepLR(SGD(lr=0.1), 2, 0.5) after two steps: 0.05
    assert.deepEqual([s1.getLastLr(), s2.getLastLr()], [[0.05], [0.05]]);
    assert.throws(() => new StepLR(opt(), { step_size: 2 } as never), /unknown option "step_size" \(did you mean "stepSize"\?\)/);
    assert.throws(() => new StepLR(opt()), /StepLR: missing required argument "stepSize"/);
    const a = new OneCycleLR(opt(), 1, 10);
    const b = new OneCycleLR(opt(), { maxLr: 1, totalSteps: 10 });
    assert.deepEqual(a.getLastLr(), b.getLastLr());
    assert.equal(new ReduceLROnPlateau(opt(), "max", 0.5).factor, 0.5);
  });
});
