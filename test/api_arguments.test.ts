import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkGrads, tg } from "./helpers.ts";

// The argument rule, walked over the public API: every exported layer, loss, functional op, optimizer, schedule and
// creation function is called with valid arguments plus one option it does not have, and must throw an
// ArgumentError naming itself and the option. Every export must be listed here, so a new one cannot skip the rule.

const nn = tg.nn;
const F = tg.nn.functional;
const BAD = { bogusOption: 1 };

type Ctor = new (...args: never[]) => unknown;
type Fn = (...args: never[]) => unknown;

const x4 = () => tg.randn([2, 3, 5, 5]);
const x3 = () => tg.randn([2, 3, 6]);
const labels = () => tg.tensor([0, 2], { dtype: "int32" });
const params = () => [tg.zeros([2], { requiresGrad: true })];

/** Valid constructor arguments of every tg.nn class (those that take none get []). */
/** A tg.nn layer made by name (undefined while a class is still being written in this tree; its entry is then skipped). */
const layer = (name: string, ...args: unknown[]): unknown => {
  const C = (nn as unknown as Record<string, Ctor | undefined>)[name];
  return C ? new C(...(args as never[])) : undefined;
};

const MODULES: Record<string, () => unknown[]> = {
  CosineEmbeddingLoss: () => [],
  CTCLoss: () => [],
  GaussianNLLLoss: () => [],
  HingeEmbeddingLoss: () => [],
  MarginRankingLoss: () => [],
  MultiLabelSoftMarginLoss: () => [],
  MultiMarginLoss: () => [],
  PoissonNLLLoss: () => [],
  SoftMarginLoss: () => [],
  TripletMarginLoss: () => [],
  Transformer: () => [8, 2, 1, 1, 16],
  TransformerEncoderLayer: () => [8, 2, 16],
  TransformerDecoderLayer: () => [8, 2, 16],
  TransformerEncoder: () => [layer("TransformerEncoderLayer", 8, 2, 16), 1],
  TransformerDecoder: () => [layer("TransformerDecoderLayer", 8, 2, 16), 1],
  CELU: () => [],
  GLU: () => [],
  Hardshrink: () => [],
  Hardsigmoid: () => [],
  Hardswish: () => [],
  LogSigmoid: () => [],
  ReLU6: () => [],
  RReLU: () => [],
  Softmax2d: () => [],
  SELU: () => [],
  Softmin: () => [1],
  Softshrink: () => [],
  Softsign: () => [],
  Tanhshrink: () => [],
  AdaptiveAvgPool1d: () => [2],
  AdaptiveAvgPool2d: () => [2],
  AdaptiveMaxPool1d: () => [2],
  AdaptiveMaxPool2d: () => [2],
  AlphaDropout: () => [0.5],
  AvgPool1d: () => [2],
  MaxPool1d: () => [2],
  AvgPool2d: () => [2],
  BCELoss: () => [],
  BCEWithLogitsLoss: () => [],
  BatchNorm1d: () => [3],
  BatchNorm2d: () => [3],
  Bilinear: () => [2, 3, 4],
  Conv1d: () => [3, 4, 3],
  Conv2d: () => [3, 4, 3],
  Conv3d: () => [3, 4, 3],
  ConvTranspose1d: () => [3, 4, 3],
  ConvTranspose2d: () => [3, 4, 3],
  CosineSimilarity: () => [],
  PairwiseDistance: () => [],
  ConstantPad1d: () => [1, 0.5],
  ConstantPad2d: () => [1, 0.5],
  CrossEntropyLoss: () => [],
  Dropout: () => [0.5],
  Dropout1d: () => [0.5],
  Dropout2d: () => [0.5],
  ELU: () => [],
  Embedding: () => [10, 3],
  Flatten: () => [],
  Fold: () => [[4, 5], 2],
  GELU: () => [],
  GRU: () => [3, 4],
  GRUCell: () => [3, 4],
  GroupNorm: () => [1, 3],
  Hardtanh: () => [],
  HuberLoss: () => [],
  Identity: () => [],
  InstanceNorm1d: () => [3],
  InstanceNorm2d: () => [3],
  KLDivLoss: () => [],
  L1Loss: () => [],
  LSTM: () => [3, 4],
  LSTMCell: () => [3, 4],
  LayerNorm: () => [4],
  LocalResponseNorm: () => [2],
  LeakyReLU: () => [],
  Linear: () => [3, 4],
  LogSoftmax: () => [1],
  MSELoss: () => [],
  MaxPool2d: () => [2],
  Maxout: () => [2],
  Mish: () => [],
  MultiheadAttention: () => [4, 2],
  NLLLoss: () => [],
  PReLU: () => [],
  Parameter: () => [tg.zeros([2])],
  PixelShuffle: () => [2],
  PixelUnshuffle: () => [2],
  RMSNorm: () => [4],
  RNN: () => [3, 4],
  RNNCell: () => [3, 4],
  ReLU: () => [],
  ReflectionPad1d: () => [1],
  ReflectionPad2d: () => [1],
  ReplicationPad1d: () => [1],
  ReplicationPad2d: () => [1],
  SiLU: () => [],
  Sigmoid: () => [],
  SmoothL1Loss: () => [],
  Softmax: () => [1],
  Softplus: () => [],
  Tanh: () => [],
  Threshold: () => [0.1, 0],
  Unflatten: () => [1, [2, 2]],
  Unfold: () => [2],
  Upsample: () => [null, 2],
  ZeroPad1d: () => [1],
  ZeroPad2d: () => [1],
};

/** Classes that are not built with arguments of their own: the bases a user subclasses, and the containers. */
const NOT_CONSTRUCTED = new Set(["Module", "NormBase"]);

/** Valid arguments of every tg.nn.functional function. */
const FUNCTIONAL: Record<string, () => unknown[]> = {
  cosineEmbeddingLoss: () => [tg.randn([2, 3]), tg.randn([2, 3]), tg.tensor([1, -1])],
  ctcLoss: () => [tg.randn([4, 2, 3]).logSoftmax(2), tg.tensor([1, 2, 2], { dtype: "int32" }), [4, 3], [2, 1]],
  gaussianNllLoss: () => [tg.randn([4]), tg.randn([4]), tg.rand([4])],
  hingeEmbeddingLoss: () => [tg.randn([4]), tg.tensor([1, -1, 1, -1])],
  marginRankingLoss: () => [tg.randn([4]), tg.randn([4]), tg.tensor([1, -1, 1, -1])],
  multiMarginLoss: () => [tg.randn([2, 3]), labels()],
  multilabelSoftMarginLoss: () => [tg.randn([2, 3]), tg.rand([2, 3]).round()],
  poissonNllLoss: () => [tg.randn([4]), tg.rand([4])],
  softMarginLoss: () => [tg.randn([4]), tg.tensor([1, -1, 1, -1])],
  tripletMarginLoss: () => [tg.randn([2, 3]), tg.randn([2, 3]), tg.randn([2, 3])],
  relu6: () => [x3()],
  rrelu: () => [x3()],
  selu: () => [x3()],
  celu: () => [x3()],
  hardsigmoid: () => [x3()],
  hardswish: () => [x3()],
  hardshrink: () => [x3()],
  softshrink: () => [x3()],
  tanhshrink: () => [x3()],
  logsigmoid: () => [x3()],
  softsign: () => [x3()],
  softmin: () => [x3(), 1],
  glu: () => [x3()],
  adaptiveAvgPool1d: () => [x3(), 2],
  adaptiveAvgPool2d: () => [x4(), 2],
  adaptiveMaxPool1d: () => [x3(), 2],
  adaptiveMaxPool2d: () => [x4(), 2],
  alphaDropout: () => [x3()],
  avgPool1d: () => [x3(), 2],
  maxPool1d: () => [x3(), 2],
  avgPool2d: () => [x4(), 2],
  batchNorm: () => [x3(), tg.zeros([3]), tg.ones([3])],
  bilinear: () => [tg.randn([2, 2]), tg.randn([2, 3]), tg.randn([4, 2, 3])],
  binaryCrossEntropy: () => [tg.rand([4]), tg.rand([4])],
  binaryCrossEntropyWithLogits: () => [tg.randn([4]), tg.rand([4])],
  channelDropout: () => [x3()],
  conv1d: () => [x3(), tg.randn([4, 3, 3])],
  conv2d: () => [x4(), tg.randn([4, 3, 3, 3])],
  conv3d: () => [tg.randn([1, 3, 4, 4, 4]), tg.randn([4, 3, 3, 3, 3])],
  convTranspose1d: () => [x3(), tg.randn([3, 4, 3])],
  convTranspose2d: () => [x4(), tg.randn([3, 4, 3, 3])],
  cosineSimilarity: () => [x3(), x3()],
  pairwiseDistance: () => [x3(), x3()],
  normalize: () => [x3()],
  gumbelSoftmax: () => [x3()],
  crossEntropy: () => [tg.randn([2, 3]), labels()],
  dropout: () => [x3()],
  dropout1d: () => [x3(), 0.5, true, false],
  dropout2d: () => [x4(), 0.5, true, false],
  dropout3d: () => [tg.randn([1, 3, 2, 2, 2]), 0.5, true, false],
  elu: () => [x3()],
  embedding: () => [labels(), tg.randn([3, 4])],
  fold: () => [tg.randn([1, 12, 12]), [4, 5], 2],
  gelu: () => [x3()],
  groupNorm: () => [x3(), 1],
  hardtanh: () => [x3()],
  huberLoss: () => [tg.randn([4]), tg.randn([4])],
  instanceNorm: () => [x3()],
  interpolate: () => [x3(), null, 2],
  klDiv: () => [tg.randn([4]), tg.rand([4])],
  l1Loss: () => [tg.randn([4]), tg.randn([4])],
  layerNorm: () => [x3(), [6]],
  leakyRelu: () => [x3()],
  linear: () => [tg.randn([2, 3]), tg.randn([4, 3])],
  localResponseNorm: () => [x3(), 2],
  logSoftmax: () => [x3(), 1],
  maxPool2d: () => [x4(), 2],
  maxout: () => [x3(), 2],
  mish: () => [x3()],
  mseLoss: () => [tg.randn([4]), tg.randn([4])],
  nllLoss: () => [tg.randn([2, 3]), labels()],
  pad: () => [x3(), [1, 1]],
  pixelShuffle: () => [tg.randn([1, 4, 2, 2]), 2],
  pixelUnshuffle: () => [tg.randn([1, 1, 4, 4]), 2],
  prelu: () => [x3(), tg.tensor([0.25])],
  relu: () => [x3()],
  rmsNorm: () => [x3(), [6]],
  scaledDotProductAttention: () => [tg.randn([2, 3, 4]), tg.randn([2, 5, 4]), tg.randn([2, 5, 4])],
  sigmoid: () => [x3()],
  silu: () => [x3()],
  smoothL1Loss: () => [tg.randn([4]), tg.randn([4])],
  softmax: () => [x3(), 1],
  softplus: () => [x3()],
  tanh: () => [x3()],
  threshold: () => [x3(), 0.1, 0],
  unfold: () => [x4(), 2],
};

/** Exports of tg.nn.functional that are not PyTorch functions with a signature of their own (internal helpers, or owned elsewhere). */
const FUNCTIONAL_NOT_WALKED = new Set(["checkP", "embeddingSparse", "oneHot"]);

/** Valid arguments of the optimizers and the learning-rate schedules. */
const OPTIMIZERS: Record<string, () => unknown[]> = {
  Adadelta: () => [params()],
  Adagrad: () => [params()],
  Adam: () => [params()],
  AdamW: () => [params()],
  Adamax: () => [params()],
  ASGD: () => [params()],
  LBFGS: () => [params()],
  NAdam: () => [params()],
  RAdam: () => [params()],
  RMSprop: () => [params()],
  Rprop: () => [params()],
  SGD: () => [params(), 0.1],
};

/** Creation functions, the sizes given both ways. */
const CREATION: Record<string, () => unknown[]> = {
  zeros: () => [2, 3],
  ones: () => [[2, 3]],
  empty: () => [2],
  rand: () => [2, 3],
  randn: () => [[2]],
  randint: () => [0, 10, [3]],
};

/** Asserts that `call` throws an ArgumentError naming `fn` and the bogus option. */
function assertRefused(fn: string, call: () => unknown): void {
  assert.throws(
    call,
    (e: unknown) =>
      e instanceof tg.ArgumentError &&
      e instanceof tg.ValueError &&
      e.fn === fn &&
      e.argument === "bogusOption" &&
      e.message.startsWith(`${fn}: unknown option "bogusOption"`),
    `${fn} must refuse an unknown option`,
  );
}

const isClass = (v: unknown): v is Ctor => typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v));

describe("argument rule: every public constructor and function refuses an unknown option", () => {
  it("tg.nn: every layer, loss and activation", () => {
    const names = Object.entries(nn)
      .filter(([k, v]) => isClass(v) && !NOT_CONSTRUCTED.has(k))
      .map(([k]) => k);
    const containers = ["Sequential", "ModuleList", "ModuleDict"];
    assert.deepEqual(
      names.filter((k) => !(k in MODULES) && !containers.includes(k)),
      [],
      "every tg.nn class is listed in MODULES",
    );
    for (const [name, args] of Object.entries(MODULES)) {
      const C = (nn as unknown as Record<string, Ctor>)[name];
      if (!C) continue; // listed ahead of a layer still being written in this tree
      new C(...(args() as never[])); // the valid call works
      assertRefused(name, () => new C(...([...args(), BAD] as never[])));
    }
  });

  it("tg.nn containers refuse anything that is not a module", () => {
    assert.throws(() => new nn.Sequential(new nn.ReLU(), BAD as never), tg.ArgumentError);
    assert.throws(() => new (nn.ModuleList as unknown as Ctor)(...([[new nn.ReLU()], BAD] as never[])), tg.ArgumentError);
    assert.throws(() => new nn.ModuleList([BAD as never]), tg.ArgumentError);
    assert.throws(() => new nn.ModuleDict({ a: BAD as never }), tg.ArgumentError);
  });

  it("tg.nn.functional: every function", () => {
    const names = Object.entries(F)
      .filter(([k, v]) => typeof v === "function" && !FUNCTIONAL_NOT_WALKED.has(k))
      .map(([k]) => k);
    assert.deepEqual(
      names.filter((k) => !(k in FUNCTIONAL)),
      [],
      "every tg.nn.functional function is listed",
    );
    for (const [name, args] of Object.entries(FUNCTIONAL)) {
      const fn = (F as unknown as Record<string, Fn>)[name];
      if (!fn) continue;
      fn(...(args() as never[]));
      assertRefused(name, () => fn(...([...args(), BAD] as never[])));
    }
  });

  it("tg.optim: every optimizer, and unknown keys in parameter groups", () => {
    const names = Object.entries(tg.optim)
      .filter(([k, v]) => isClass(v) && k !== "Optimizer" && k !== "SparseAdam")
      .map(([k]) => k);
    assert.deepEqual(
      names.filter((k) => !(k in OPTIMIZERS)),
      [],
    );
    for (const [name, args] of Object.entries(OPTIMIZERS)) {
      const C = (tg.optim as unknown as Record<string, Ctor>)[name];
      new C(...(args() as never[]));
      assertRefused(name, () => new C(...([...args(), BAD] as never[])));
      assert.throws(() => new C(...([[{ params: params(), bogusOption: 1 }]] as never[])), tg.ArgumentError);
    }
  });

  it("creation functions, with the size as separate numbers or one array", () => {
    for (const [name, args] of Object.entries(CREATION)) {
      const fn = (tg as unknown as Record<string, Fn>)[name];
      fn(...(args() as never[]));
      assert.throws(
        () => fn(...([...args(), BAD] as never[])),
        (e: unknown) => e instanceof tg.ArgumentError && e.argument === "bogusOption",
        name,
      );
    }
  });

  it("var and std", () => {
    const x = tg.randn([3, 4]);
    assertRefused("var", () => x.var(0, BAD as never));
    assertRefused("std", () => tg.std(x, 0, BAD as never));
  });
});

describe("argument rule: PyTorch's positional forms mean what they mean in PyTorch", () => {
  it("layers", () => {
    assert.deepEqual(new nn.Conv2d(1, 8, 3, 1, 1)(tg.randn([1, 1, 8, 8])).shape, [1, 8, 8, 8]);
    assert.equal(new nn.Conv2d(1, 8, 3, 2, 0, 1, 1, false).bias, null);
    assert.equal(new nn.Linear(30, 200, false).bias, null);
    const bn = new nn.BatchNorm1d(200, 1e-3, 0.001);
    assert.equal(bn.eps, 1e-3);
    assert.equal(bn.momentum, 0.001);
    assert.equal(new nn.BatchNorm2d(4, 1e-5, 0.1, false).weight, null);
    assert.equal(new nn.LayerNorm(4, 1e-3).eps, 1e-3);
    assert.equal(new nn.LayerNorm(4, 1e-5, false).weight, null);
    assert.equal(new nn.Embedding(10, 3, 0).paddingIdx, 0);
    assert.equal(new nn.GroupNorm(2, 4, 1e-3, false).weight, null);
    assert.equal(new nn.LeakyReLU(0.2).negativeSlope, 0.2);
    assert.equal(new nn.GELU("tanh").approximate, "tanh");
    assert.equal(new nn.Dropout(0.3).p, 0.3);
    assert.deepEqual(new nn.MaxPool2d(3, 1)(tg.randn([1, 1, 5, 5])).shape, [1, 1, 3, 3]);
    const w = tg.tensor([1, 2, 3]);
    assert.equal(new nn.CrossEntropyLoss(w).weight, w);
    assert.equal(new nn.NLLLoss(null, null, 5).ignoreIndex, 5);
  });

  it("functional ops", () => {
    const x = tg.randn([1, 2, 6, 6]);
    const w = tg.randn([3, 2, 3, 3]);
    const b = tg.randn([3]);
    assert.deepEqual(F.conv2d(x, w, b, 1, 1).shape, [1, 3, 6, 6]);
    assert.deepEqual(F.conv2d(x, w, b, 1, 1).tolist(), F.conv2d(x, w, b, { padding: 1 }).tolist());
    assert.deepEqual(F.maxPool2d(x, 3, 1).shape, [1, 2, 4, 4]);
    const h = tg.randn([2, 4]);
    const lnW = tg.tensor([1, 2, 3, 4]);
    const lnB = tg.tensor([0, 1, 0, 1]);
    assert.deepEqual(F.layerNorm(h, [4], lnW, lnB).tolist(), F.layerNorm(h, [4], { weight: lnW, bias: lnB }).tolist());
    assert.notDeepEqual(F.layerNorm(h, [4], lnW, lnB).tolist(), F.layerNorm(h, [4]).tolist());
    const g = tg.randn([2, 4, 3]);
    assert.deepEqual(F.groupNorm(g, 2, lnW, lnB).tolist(), F.groupNorm(g, 2, { weight: lnW, bias: lnB }).tolist());
    const logits = tg.tensor([
      [1, 2, 3],
      [1, 0, -1],
    ]);
    const cw = tg.tensor([1, 2, 3]);
    assert.equal(F.crossEntropy(logits, labels(), cw).item(), F.crossEntropy(logits, labels(), { weight: cw }).item());
    assert.deepEqual(F.pad(tg.tensor([1, 2]), [1, 1], "constant", 5).tolist(), [5, 1, 2, 5]);
    assert.deepEqual(F.gelu(tg.tensor([1]), { approximate: "tanh" }).tolist(), F.gelu(tg.tensor([1]), "tanh").tolist());
    const rm = tg.zeros([4]);
    const rv = tg.ones([4]);
    F.batchNorm(h, rm, rv, null, null, true);
    assert.ok(rm.abs().sum().item() > 0, "training=true as the 6th argument updated the running mean");
  });

  it("var/std(dim, unbiased, keepdim) with PyTorch's numbers", () => {
    const x = tg.tensor([
      [1, 2, 3],
      [4, 5, 7],
    ]);
    // torch.tensor([[1., 2, 3], [4, 5, 7]]).var(0, False) and friends
    assert.deepEqual(x.var(0, false).tolist(), [2.25, 2.25, 4]);
    assert.deepEqual(x.std(0, false).tolist(), [1.5, 1.5, 2]);
    assert.ok(Math.abs(x.var(false).item() - 3.8888888) < 1e-5);
    assert.ok(Math.abs(x.var().item() - 4.6666666) < 1e-5);
    assert.deepEqual(x.var(1, true, true).shape, [2, 1]);
    assert.throws(() => x.var(0, { unbiased: false, correction: 0 }), tg.ValueError);
  });

  it("optimizers and creation ops", () => {
    const p = tg.tensor([1], { requiresGrad: true });
    const opt = new tg.optim.SGD([p], 0.5, 0.9);
    assert.equal(opt.paramGroups[0].lr, 0.5);
    assert.equal(opt.paramGroups[0].momentum, 0.9);
    assert.equal(new tg.optim.SGD([p]).paramGroups[0].lr, 1e-3, "PyTorch 2's default");
    assert.deepEqual(new tg.optim.Adam([p], 0.01, [0.8, 0.9]).paramGroups[0].betas, [0.8, 0.9]);
    assert.deepEqual(tg.zeros(2, 3).shape, [2, 3]);
    assert.deepEqual(tg.randn(2, 3).shape, [2, 3]);
    assert.deepEqual(tg.randint(10, [4]).shape, [4]);
    assert.throws(() => tg.randint(0, 10, 32 as never), /randint: size must be an array of integers, got 32/);
  });
});

describe("errors name the function, the argument and the accepted forms", () => {
  it("wrong types, too many positional arguments, snake_case keys", () => {
    assert.throws(
      () => new nn.Conv2d(1, 8, 3, { padding: "full" as never }),
      /Conv2d: padding must be a non-negative integer or an array of 2 of them or "valid" \| "same", got "full"/,
    );
    assert.throws(
      () => new nn.Linear(3, 4, true, true as never),
      /Linear: takes at most 3 positional arguments \(inFeatures, outFeatures, bias\)/,
    );
    assert.throws(
      () => new tg.optim.Adam(params(), { weight_decay: 0.1 } as never),
      /unknown option "weight_decay" \(did you mean "weightDecay"\?\)/,
    );
    assert.throws(() => new (nn.Linear as unknown as Ctor)(...([3, 4, { bias: false }, BAD] as never[])), tg.ArgumentError);
    assert.throws(() => F.conv2d(x4(), tg.randn([4, 3, 3, 3]), null, 1, { stride: 2 }), /got two values for argument "stride"/);
  });

  it("arguments PyTorch has and tensorgrad does not implement are refused, not ignored", () => {
    assert.throws(() => new nn.AvgPool2d(2, { ceilMode: true as never }), /ceilMode is not implemented/);
    assert.throws(() => new nn.LeakyReLU(0.1, true as never), /in-place is not implemented/);
    assert.throws(() => new nn.Embedding(10, 3, null, 1 as never), /maxNorm is not implemented/);
    assert.throws(() => new nn.MSELoss(true as never), /sizeAverage is deprecated/);
  });
});

describe("pad modes (torch.nn.functional.pad)", () => {
  const x = () => tg.arange(6).reshape([1, 2, 3]).float();
  it("reflect, replicate and circular match PyTorch", () => {
    assert.deepEqual(F.pad(x(), [2, 1], "reflect").tolist(), [
      [
        [2, 1, 0, 1, 2, 1],
        [5, 4, 3, 4, 5, 4],
      ],
    ]);
    assert.deepEqual(F.pad(x(), [2, 1], "replicate").tolist(), [
      [
        [0, 0, 0, 1, 2, 2],
        [3, 3, 3, 4, 5, 5],
      ],
    ]);
    assert.deepEqual(F.pad(x(), [2, 1], { mode: "circular" }).tolist(), [
      [
        [1, 2, 0, 1, 2, 0],
        [4, 5, 3, 4, 5, 3],
      ],
    ]);
    const y = tg.arange(9).reshape([1, 1, 3, 3]).float();
    assert.deepEqual(F.pad(y, [1, 1, 1, 1], "reflect").tolist(), [
      [
        [
          [4, 3, 4, 5, 4],
          [1, 0, 1, 2, 1],
          [4, 3, 4, 5, 4],
          [7, 6, 7, 8, 7],
          [4, 3, 4, 5, 4],
        ],
      ],
    ]);
  });

  it("gradients (gradcheck) and bad paddings", () => {
    for (const mode of ["reflect", "replicate", "circular"] as const) {
      checkGrads((t) => F.pad(t, [2, 1, 1, 0], mode), [[2, 3, 4]]);
    }
    assert.throws(() => F.pad(x(), [3, 0], "reflect"), /too large/);
    assert.throws(() => F.pad(x(), [1, 0], "reflect", 2), /takes no fill value/);
    assert.throws(() => F.pad(x(), [1, 0], "mirror" as never), /mode must be "constant" \| "reflect" \| "replicate" \| "circular"/);
  });
});

describe("noGrad, Function.apply and .data as in PyTorch", () => {
  it("noGrad refuses async functions and promises instead of leaving the scope early", () => {
    assert.throws(
      () => tg.noGrad((async () => 1) as never),
      (e: unknown) => e instanceof tg.AutogradError && /async function/.test(String(e)),
    );
    assert.throws(() => tg.noGrad((() => Promise.resolve(1)) as never), /returned a Promise/);
    assert.equal(tg.isGradEnabled(), true, "grad mode is restored");
  });

  it("Function.apply works unbound", () => {
    class Cube extends tg.autograd.Function {
      static override forward(ctx: tg.autograd.FunctionCtx, x: tg.Tensor) {
        ctx.saveForBackward(x);
        return x.pow(3);
      }
      static override backward(ctx: tg.autograd.FunctionCtx, g: tg.Tensor) {
        const [x] = ctx.savedTensors;
        return [g.mul(x.square()).mul(3)];
      }
    }
    // Unbound at run time; TypeScript types `apply` with a `this` parameter, so the unbound form needs a cast to type-check.
    const cube = Cube.apply as unknown as (x: tg.Tensor) => tg.Tensor;
    const x = tg.tensor([2], { requiresGrad: true });
    const y = cube(x);
    y.sum().backward();
    assert.deepEqual(y.tolist(), [8]);
    assert.deepEqual(x.grad?.tolist(), [12]);
    assert.equal(y.gradFn?.name, "CubeBackward");
  });

  it(".data is a detached view sharing storage, and assignable", () => {
    const w = tg.tensor([1, 2, 3], { requiresGrad: true });
    const d = w.data;
    assert.equal(d.requiresGrad, false);
    d.mul_(2);
    assert.deepEqual(w.tolist(), [2, 4, 6], "writes through .data reach the tensor");
    w.data = tg.tensor([[5, 6]]);
    assert.deepEqual(w.shape, [1, 2]);
    assert.ok(w.requiresGrad && w.isLeaf);
    w.sum().backward();
    assert.deepEqual(w.grad?.tolist(), [[1, 1]]);
  });
});
