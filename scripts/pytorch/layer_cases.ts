/**
 * One instance of every `tg.nn` class, by class name, with example inputs: test/interop_coverage.test.ts checks that
 * each is described by the module-tree spec (rebuilt with the same outputs, written as PyTorch) or refused by name,
 * and `npm run test:pytorch` runs each described single-input layer's model.py in PyTorch against our output.
 */
import * as tg from "../../src/index.js";

const { nn } = tg;

export interface LayerCase {
  make: () => tg.nn.AnyModule;
  /** The forward's arguments (absent: the class is refused, or its forward takes more than tensors). */
  inputs?: () => tg.Tensor[];
}

const r =
  (...shape: number[]) =>
  () => [tg.randn(shape)];
const loss = (name: string): LayerCase => ({
  make: () => new (nn as unknown as Record<string, new () => tg.nn.AnyModule>)[name](),
});
const LOSSES =
  "BCELoss BCEWithLogitsLoss CTCLoss CosineEmbeddingLoss CrossEntropyLoss GaussianNLLLoss HingeEmbeddingLoss HuberLoss KLDivLoss L1Loss MSELoss MarginRankingLoss MultiLabelSoftMarginLoss MultiMarginLoss NLLLoss PoissonNLLLoss SmoothL1Loss SoftMarginLoss TripletMarginLoss";
const encoderLayer = () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });
const decoderLayer = () => new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true });

/** Every `tg.nn` module class; a class missing here fails the coverage test. */
export const LAYER_CASES: Record<string, LayerCase> = {
  Sequential: { make: () => new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU()), inputs: r(2, 4) },
  Identity: { make: () => new nn.Identity(), inputs: r(2, 3) },
  Flatten: { make: () => new nn.Flatten(), inputs: r(2, 3, 4) },
  Unflatten: { make: () => new nn.Unflatten(1, [2, 3]), inputs: r(2, 6) },
  Linear: { make: () => new nn.Linear(4, 3), inputs: r(2, 4) },
  Bilinear: { make: () => new nn.Bilinear(3, 4, 2), inputs: () => [tg.randn([2, 3]), tg.randn([2, 4])] },
  Conv1d: { make: () => new nn.Conv1d(2, 3, 4, { padding: "same", dilation: 2, paddingMode: "reflect" }), inputs: r(2, 2, 9) },
  Conv2d: { make: () => new nn.Conv2d(2, 4, [2, 3], { padding: "same", groups: 2, paddingMode: "replicate" }), inputs: r(1, 2, 5, 5) },
  Conv3d: { make: () => new nn.Conv3d(2, 3, [2, 3, 3], { padding: "same", dilation: [1, 1, 2] }), inputs: r(1, 2, 4, 5, 6) },
  ConvTranspose1d: {
    make: () => new nn.ConvTranspose1d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
    inputs: r(1, 2, 5),
  },
  ConvTranspose2d: { make: () => new nn.ConvTranspose2d(2, 3, [3, 2], { stride: 2, dilation: [2, 1] }), inputs: r(1, 2, 4, 5) },
  BatchNorm1d: { make: () => new nn.BatchNorm1d(4, { momentum: 0.2 }), inputs: r(3, 4) },
  BatchNorm2d: { make: () => new nn.BatchNorm2d(3), inputs: r(2, 3, 4, 4) },
  InstanceNorm1d: { make: () => new nn.InstanceNorm1d(3, { affine: true }), inputs: r(2, 3, 6) },
  InstanceNorm2d: { make: () => new nn.InstanceNorm2d(2, { trackRunningStats: true }), inputs: r(2, 2, 4, 4) },
  LayerNorm: { make: () => new nn.LayerNorm(5), inputs: r(2, 5) },
  GroupNorm: { make: () => new nn.GroupNorm(2, 4), inputs: r(2, 4, 3) },
  RMSNorm: { make: () => new nn.RMSNorm([3, 4], { eps: 1e-5 }), inputs: r(2, 3, 4) },
  LocalResponseNorm: { make: () => new nn.LocalResponseNorm(3, 1e-3, 0.7, 2), inputs: r(1, 5, 3, 3) },
  Embedding: { make: () => new nn.Embedding(10, 4), inputs: () => [tg.randint(0, 10, [2, 3], { dtype: "int32" })] },
  Dropout: { make: () => new nn.Dropout(0.3), inputs: r(2, 5) },
  Dropout1d: { make: () => new nn.Dropout1d(0.3), inputs: r(2, 3, 4) },
  Dropout2d: { make: () => new nn.Dropout2d(0.3), inputs: r(2, 3, 4, 4) },
  AlphaDropout: { make: () => new nn.AlphaDropout(0.2), inputs: r(2, 5) },
  MaxPool1d: { make: () => new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true }), inputs: r(2, 3, 10) },
  MaxPool2d: { make: () => new nn.MaxPool2d(3, { stride: 2, ceilMode: true }), inputs: r(1, 2, 7, 8) },
  AvgPool1d: { make: () => new nn.AvgPool1d(3, { stride: 2, padding: 1 }), inputs: r(2, 3, 10) },
  AvgPool2d: { make: () => new nn.AvgPool2d(2), inputs: r(1, 2, 6, 6) },
  AdaptiveAvgPool1d: { make: () => new nn.AdaptiveAvgPool1d(3), inputs: r(2, 3, 10) },
  AdaptiveAvgPool2d: { make: () => new nn.AdaptiveAvgPool2d([2, 3]), inputs: r(1, 2, 5, 7) },
  AdaptiveMaxPool1d: { make: () => new nn.AdaptiveMaxPool1d(4), inputs: r(2, 3, 10) },
  AdaptiveMaxPool2d: { make: () => new nn.AdaptiveMaxPool2d([3, 2]), inputs: r(1, 2, 7, 5) },
  ZeroPad1d: { make: () => new nn.ZeroPad1d([1, 2]), inputs: r(2, 3, 4) },
  ZeroPad2d: { make: () => new nn.ZeroPad2d([1, 0, 2, 1]), inputs: r(1, 2, 3, 4) },
  ConstantPad1d: { make: () => new nn.ConstantPad1d(2, 0.5), inputs: r(2, 3, 4) },
  ConstantPad2d: { make: () => new nn.ConstantPad2d([1, 1, 0, 2], -1), inputs: r(1, 2, 3, 4) },
  ReflectionPad1d: { make: () => new nn.ReflectionPad1d(2), inputs: r(1, 2, 5) },
  ReflectionPad2d: { make: () => new nn.ReflectionPad2d([1, 2, 1, 0]), inputs: r(1, 2, 4, 5) },
  ReplicationPad1d: { make: () => new nn.ReplicationPad1d([0, 3]), inputs: r(1, 2, 5) },
  ReplicationPad2d: { make: () => new nn.ReplicationPad2d(1), inputs: r(1, 2, 4, 5) },
  PixelShuffle: { make: () => new nn.PixelShuffle(2), inputs: r(1, 8, 2, 3) },
  PixelUnshuffle: { make: () => new nn.PixelUnshuffle(2), inputs: r(1, 2, 4, 6) },
  Upsample: { make: () => new nn.Upsample({ scaleFactor: 2, mode: "bilinear", alignCorners: false }), inputs: r(1, 2, 3, 4) },
  Unfold: { make: () => new nn.Unfold([2, 3], { padding: 1, stride: [1, 2] }), inputs: r(1, 2, 4, 5) },
  Fold: { make: () => new nn.Fold([4, 5], [2, 2]), inputs: r(1, 8, 12) },
  ReLU: { make: () => new nn.ReLU(), inputs: r(2, 5) },
  ReLU6: { make: () => new nn.ReLU6(), inputs: () => [tg.randn([2, 5]).mul(5)] },
  Sigmoid: { make: () => new nn.Sigmoid(), inputs: r(2, 5) },
  Tanh: { make: () => new nn.Tanh(), inputs: r(2, 5) },
  SiLU: { make: () => new nn.SiLU(), inputs: r(2, 5) },
  Mish: { make: () => new nn.Mish(), inputs: r(2, 5) },
  GELU: { make: () => new nn.GELU("tanh"), inputs: r(2, 5) },
  ELU: { make: () => new nn.ELU(0.5), inputs: r(2, 5) },
  CELU: { make: () => new nn.CELU(0.7), inputs: r(2, 5) },
  SELU: { make: () => new nn.SELU(), inputs: r(2, 5) },
  LeakyReLU: { make: () => new nn.LeakyReLU(0.1), inputs: r(2, 5) },
  PReLU: { make: () => new nn.PReLU(3), inputs: r(2, 3) },
  RReLU: { make: () => new nn.RReLU(0.1, 0.3), inputs: r(2, 5) },
  Softplus: { make: () => new nn.Softplus(2, 10), inputs: r(2, 5) },
  Hardtanh: { make: () => new nn.Hardtanh(-0.5, 0.5), inputs: r(2, 5) },
  Hardsigmoid: { make: () => new nn.Hardsigmoid(), inputs: () => [tg.randn([2, 5]).mul(4)] },
  Hardswish: { make: () => new nn.Hardswish(), inputs: () => [tg.randn([2, 5]).mul(4)] },
  Hardshrink: { make: () => new nn.Hardshrink(0.3), inputs: r(2, 5) },
  Softshrink: { make: () => new nn.Softshrink(0.3), inputs: r(2, 5) },
  Tanhshrink: { make: () => new nn.Tanhshrink(), inputs: r(2, 5) },
  LogSigmoid: { make: () => new nn.LogSigmoid(), inputs: r(2, 5) },
  Softsign: { make: () => new nn.Softsign(), inputs: r(2, 5) },
  Threshold: { make: () => new nn.Threshold(0.1, -1), inputs: r(2, 5) },
  Softmax: { make: () => new nn.Softmax(1), inputs: r(2, 5) },
  Softmin: { make: () => new nn.Softmin(1), inputs: r(2, 5) },
  LogSoftmax: { make: () => new nn.LogSoftmax(1), inputs: r(2, 5) },
  Softmax2d: { make: () => new nn.Softmax2d(), inputs: r(2, 3, 4, 4) },
  GLU: { make: () => new nn.GLU(-1), inputs: r(2, 6) },
  CosineSimilarity: { make: () => new nn.CosineSimilarity({ dim: 1 }), inputs: () => [tg.randn([2, 5]), tg.randn([2, 5])] },
  PairwiseDistance: { make: () => new nn.PairwiseDistance({ p: 3, keepdim: true }), inputs: () => [tg.randn([2, 5]), tg.randn([2, 5])] },
  RNN: { make: () => new nn.RNN(4, 5, { numLayers: 2, batchFirst: true }), inputs: r(2, 3, 4) },
  LSTM: { make: () => new nn.LSTM(4, 5), inputs: r(3, 2, 4) },
  GRU: { make: () => new nn.GRU(4, 5, { bidirectional: true }), inputs: r(3, 2, 4) },
  RNNCell: { make: () => new nn.RNNCell(4, 5, { nonlinearity: "relu" }), inputs: r(2, 4) },
  LSTMCell: { make: () => new nn.LSTMCell(4, 5), inputs: r(2, 4) },
  GRUCell: { make: () => new nn.GRUCell(4, 5, { bias: false }), inputs: r(2, 4) },
  MultiheadAttention: {
    make: () => new nn.MultiheadAttention(8, 2, { batchFirst: true }),
    inputs: () => [tg.randn([2, 3, 8]), tg.randn([2, 3, 8]), tg.randn([2, 3, 8])],
  },
  TransformerEncoderLayer: { make: encoderLayer, inputs: r(2, 3, 8) },
  TransformerDecoderLayer: { make: decoderLayer, inputs: () => [tg.randn([2, 3, 8]), tg.randn([2, 4, 8])] },
  TransformerEncoder: { make: () => new nn.TransformerEncoder(encoderLayer(), 2, { norm: new nn.LayerNorm(8) }), inputs: r(2, 3, 8) },
  TransformerDecoder: {
    make: () => new nn.TransformerDecoder(decoderLayer(), 2),
    inputs: () => [tg.randn([2, 3, 8]), tg.randn([2, 4, 8])],
  },
  Transformer: {
    make: () =>
      new nn.Transformer({
        dModel: 8,
        nhead: 2,
        numEncoderLayers: 2,
        numDecoderLayers: 1,
        dimFeedforward: 16,
        dropout: 0,
        activation: "gelu",
      }),
    inputs: () => [tg.randn([5, 2, 8]), tg.randn([3, 2, 8])],
  },
  // Refused: the spec names their reason.
  Maxout: { make: () => new nn.Maxout(2) },
  ModuleList: { make: () => new nn.ModuleList([new nn.Linear(2, 2)]) },
  ModuleDict: { make: () => new nn.ModuleDict({ a: new nn.Linear(2, 2) }) },
  NormBase: { make: () => new nn.BatchNorm1d(2) }, // abstract: only refusal() is checked
  ...Object.fromEntries(LOSSES.split(" ").map((name) => [name, loss(name)])),
};
