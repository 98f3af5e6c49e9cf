import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.js";
import { ints, type OpCase, randn, runTable, uniform, values } from "./webgpu_ops_harness.js";

// nn.functional on webgpu against the CPU: activations, losses, normalization, convolution and pooling, dropout,
// embedding and linear layers.

const F = tg.nn.functional;
const idx = (data: number[]) => () => tg.tensor(data, { dtype: "int32" });

const cases: OpCase[] = [
  // Activations, on a transposed odd-shaped view.
  {
    name: "leakyRelu, elu, hardtanh, threshold",
    inputs: [randn([9, 5])],
    fn: (x) => [F.leakyRelu(x.T, 0.2), F.elu(x.T, 1.5), F.hardtanh(x.T, -0.5, 0.7), F.threshold(x.T, 0.1, -3)],
  },
  {
    name: "gelu exact and tanh, silu, mish",
    inputs: [randn([9, 5])],
    fn: (x) => [F.gelu(x.T), F.gelu(x.T, "tanh"), F.silu(x.T), F.mish(x.T)],
  },
  { name: "softplus with beta and threshold", inputs: [randn([9, 5])], fn: (x) => [F.softplus(x.mul(10)), F.softplus(x, 2, 3)] },
  { name: "prelu with per-channel weights", inputs: [randn([4, 3, 5]), uniform([3], 0, 0.5)], fn: (x, w) => F.prelu(x, w) },
  {
    name: "softmax and logSoftmax over dims 1 and -1",
    inputs: [randn([4, 7, 6])],
    fn: (x) => [F.softmax(x, 1), F.logSoftmax(x, -1), F.logSoftmax(x.mul(50), 1), F.softmax(x.mT, 0)],
  },
  {
    name: "logSoftmax of a strided view with -inf entries",
    inputs: [values([0, Number.NEGATIVE_INFINITY, 1, 2, Number.NEGATIVE_INFINITY, 3, 4, 5])],
    grad: false,
    fn: (x) => F.logSoftmax(x.reshape([2, 4]).T, 0),
  },
  { name: "maxout", inputs: [randn([5, 12])], fn: (x) => F.maxout(x, 3) },
  {
    name: "activations on an empty batch",
    inputs: [randn([0, 6])],
    fn: (x) => [F.gelu(x), F.softmax(x, 1), F.logSoftmax(x, -1), F.softplus(x)],
  },
  // Losses.
  {
    name: "mseLoss, l1Loss with every reduction",
    inputs: [randn([6, 5]), randn([6, 5])],
    fn: (a, b) => [F.mseLoss(a, b), F.mseLoss(a, b, { reduction: "sum" }), F.l1Loss(a.T, b.T, { reduction: "none" }), F.l1Loss(a, b)],
  },
  {
    name: "huberLoss and smoothL1Loss",
    inputs: [randn([6, 5]), randn([6, 5])],
    fn: (a, b) => [F.huberLoss(a.mul(2), b, { delta: 0.7 }), F.smoothL1Loss(a.mul(2), b, { beta: 0.5, reduction: "none" })],
  },
  {
    name: "nllLoss with weights and ignoreIndex",
    inputs: [randn([7, 4]), idx([0, 3, 1, 1, 2, 3, 0]), uniform([4])],
    fn: (x, t, w) => [
      F.nllLoss(F.logSoftmax(x, 1), t),
      F.nllLoss(F.logSoftmax(x, 1), t, { weight: w, ignoreIndex: 1 }),
      F.nllLoss(x, t, { reduction: "none" }),
    ],
  },
  {
    name: "crossEntropy with class indices, weights, ignoreIndex, labelSmoothing",
    inputs: [randn([7, 5]), idx([0, 4, 1, 1, 2, 3, 4]), uniform([5])],
    fn: (x, t, w) => [
      F.crossEntropy(x, t),
      F.crossEntropy(x.mul(30), t, { ignoreIndex: 1 }),
      F.crossEntropy(x, t, { labelSmoothing: 0.2 }),
      F.crossEntropy(x, t, { weight: w, ignoreIndex: 4, labelSmoothing: 0.1 }),
      F.crossEntropy(x, t, { reduction: "none" }),
    ],
  },
  {
    name: "crossEntropy with probabilities and extra dims",
    inputs: [randn([3, 4, 2, 5]), ints([3, 2, 5], 4)],
    fn: (x, t) => [
      F.crossEntropy(x, F.softmax(x.mul(0.5).detach(), 1)),
      F.crossEntropy(x, t),
      F.crossEntropy(x, t, { reduction: "sum", labelSmoothing: 0.05 }),
    ],
  },
  {
    name: "crossEntropy where every target is ignored",
    inputs: [randn([3, 4]), idx([2, 2, 2])],
    fn: (x, t) => [F.crossEntropy(x, t, { ignoreIndex: 2, reduction: "sum" }), F.crossEntropy(x, t, { ignoreIndex: 2 })],
  },
  {
    name: "binaryCrossEntropy with weights",
    inputs: [uniform([6, 3], 0.05, 0.95), uniform([6, 3], 0, 1), uniform([3])],
    fn: (p, y, w) => [F.binaryCrossEntropy(p, y), F.binaryCrossEntropy(p, y, { weight: w, reduction: "none" })],
  },
  {
    name: "binaryCrossEntropyWithLogits with posWeight and large logits",
    inputs: [randn([6, 3]), uniform([6, 3], 0, 1), uniform([3])],
    fn: (x, y, pw) => [
      F.binaryCrossEntropyWithLogits(x, y),
      F.binaryCrossEntropyWithLogits(x.mul(100), y, { posWeight: pw, reduction: "sum" }),
    ],
  },
  {
    name: "klDiv, batchmean and logTarget",
    inputs: [randn([4, 6]), uniform([4, 6], 0.1, 1)],
    fn: (x, t) => [
      F.klDiv(F.logSoftmax(x, 1), t, { reduction: "batchmean" }),
      F.klDiv(F.logSoftmax(x, 1), t.log(), { logTarget: true, reduction: "none" }),
    ],
  },
  // Normalization.
  {
    name: "batchNorm in training updates the running statistics",
    inputs: [randn([6, 4, 3]), uniform([4]), randn([4])],
    fn: (x, w, b) => {
      const rm = tg.zeros([4], { device: x.device });
      const rv = tg.ones([4], { device: x.device });
      const y = F.batchNorm(x, rm, rv, { weight: w, bias: b, training: true, momentum: 0.3 });
      return [y, rm, rv];
    },
  },
  {
    name: "batchNorm in eval with running statistics",
    inputs: [randn([5, 3, 2, 2]), randn([3]), uniform([3])],
    fn: (x, m, v) => F.batchNorm(x, m, v, { training: false }),
  },
  {
    name: "layerNorm over the last two dims, affine",
    inputs: [randn([3, 4, 5]), uniform([4, 5]), randn([4, 5])],
    fn: (x, w, b) => [F.layerNorm(x, [4, 5], { weight: w, bias: b }), F.layerNorm(x.mul(100), 5)],
  },
  {
    name: "groupNorm and instanceNorm",
    inputs: [randn([2, 6, 3, 4]), uniform([6]), randn([6])],
    fn: (x, w, b) => [
      F.groupNorm(x, 3, { weight: w, bias: b }),
      F.instanceNorm(x),
      F.instanceNorm(x.permute([0, 1, 3, 2]), { weight: w, bias: b }),
    ],
  },
  {
    name: "instanceNorm with running statistics, then in eval",
    inputs: [randn([3, 4, 5])],
    fn: (x) => {
      const rm = tg.zeros([4], { device: x.device });
      const rv = tg.ones([4], { device: x.device });
      const y = F.instanceNorm(x, { runningMean: rm, runningVar: rv, momentum: 0.5 });
      return [y, rm, rv, F.instanceNorm(x, { runningMean: rm, runningVar: rv, useInputStats: false })];
    },
  },
  // Convolution and pooling.
  {
    name: "conv2d with stride, padding and bias",
    inputs: [randn([2, 3, 7, 6]), randn([4, 3, 3, 2]), randn([4])],
    fn: (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: 1 }),
  },
  {
    name: "conv2d with dilation and groups",
    inputs: [randn([1, 4, 8, 8]), randn([6, 2, 3, 3])],
    fn: (x, w) => F.conv2d(x, w, null, { dilation: 2, groups: 2, padding: [2, 1] }),
  },
  {
    name: "conv2d of a permuted (channels-last) input",
    inputs: [randn([2, 5, 5, 3]), randn([2, 3, 2, 2])],
    fn: (x, w) => F.conv2d(x.permute([0, 3, 1, 2]), w),
  },
  {
    name: "conv1d",
    inputs: [randn([2, 3, 11]), randn([5, 3, 4]), randn([5])],
    fn: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 3 }),
  },
  {
    name: "maxPool2d with stride, padding, dilation and ties",
    inputs: [(g) => tg.randint(0, 3, [2, 3, 7, 8], { generator: g }).float()],
    fn: (x) => [F.maxPool2d(x, 3, { stride: 2, padding: 1 }), F.maxPool2d(x, [2, 3], { dilation: [2, 1] })],
  },
  {
    name: "avgPool2d and adaptiveAvgPool2d",
    inputs: [randn([2, 3, 7, 9])],
    fn: (x) => [F.avgPool2d(x, 2), F.avgPool2d(x, 3, { stride: 2, padding: 1 }), F.adaptiveAvgPool2d(x, [3, 4]), F.adaptiveAvgPool2d(x, 1)],
  },
  // Dropout: identity in eval; in training the mask comes from the host's generator, so both devices agree.
  {
    name: "dropout in eval and with p = 0",
    inputs: [randn([5, 7])],
    fn: (x) => [F.dropout(x, 0.4, false), F.dropout(x, 0, true), F.channelDropout(x.reshape([5, 7, 1]), 0.5, false)],
  },
  {
    name: "dropout in training with a seeded generator",
    inputs: [randn([6, 9])],
    fn: (x) => [
      F.dropout(x, { p: 0.3, generator: new tg.Generator(11) }),
      F.channelDropout(x.reshape([2, 3, 9]), { p: 0.5, generator: new tg.Generator(12) }),
    ],
  },
  // Embedding and linear layers.
  {
    name: "embedding with repeated indices and paddingIdx",
    inputs: [ints([4, 5], 6), randn([6, 3])],
    fn: (i, w) => [F.embedding(i, w), F.embedding(i, w, 2)],
  },
  {
    name: "linear with and without bias, batched input",
    inputs: [randn([2, 5, 7]), randn([4, 7]), randn([4])],
    fn: (x, w, b) => [F.linear(x, w, b), F.linear(x.get(0), w), F.linear(x, w.get("::2"), b.get("::2"))],
  },
  {
    name: "bilinear",
    inputs: [randn([5, 3]), randn([5, 4]), randn([2, 3, 4]), randn([2])],
    fn: (a, b, w, bias) => F.bilinear(a, b, w, bias),
  },
  // Large: ≥ 2^18 elements.
  {
    name: "large: logSoftmax and crossEntropy of [2048, 130]",
    inputs: [randn([2048, 130]), ints([2048], 130)],
    fn: (x, t) => [F.logSoftmax(x, 1), F.crossEntropy(x, t)],
  },
  {
    name: "batchNorm of [8, 16, 6, 6] without running statistics",
    inputs: [randn([8, 16, 6, 6])],
    fn: (x) => F.batchNorm(x, null, null, { training: true }),
  },
];

runTable(cases, await webgpuSkip());
