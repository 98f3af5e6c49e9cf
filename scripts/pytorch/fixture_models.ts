/**
 * The tensorgrad twins of make_fixture.py's PyTorch models, by fixture name: `npm run test:pytorch` and
 * test/interop.test.ts load PyTorch's state dicts into them (strict) and compare outputs.
 */
import * as tg from "../../src/index.js";

const { nn } = tg;

/** make_fixture.py's Recurrent: Embedding → 2-layer batch-first LSTM or GRU → Linear on every position. */
export class Recurrent extends nn.Module<[tg.Tensor], tg.Tensor> {
  emb = new nn.Embedding(12, 6);
  rnn: tg.nn.LSTM | tg.nn.GRU;
  head = new nn.Linear(8, 3);
  constructor(kind: "lstm" | "gru") {
    super();
    const options = { numLayers: 2, batchFirst: true };
    this.rnn = kind === "lstm" ? new nn.LSTM(6, 8, options) : new nn.GRU(6, 8, options);
  }
  forward(x: tg.Tensor): tg.Tensor {
    const e = this.emb(x);
    return this.head(this.rnn instanceof nn.LSTM ? this.rnn(e)[0] : this.rnn(e)[0]);
  }
}

export const fixtureModels = {
  mlp: () => new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3)),
  cnn: () =>
    new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.BatchNorm2d(4),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(36, 5),
    ),
  emb: () => new nn.Sequential(new nn.Embedding(10, 6), new nn.LayerNorm(6), new nn.Linear(6, 2)),
  lstm: () => new Recurrent("lstm"),
  gru: () => new Recurrent("gru"),
  attn: () =>
    new nn.Sequential(
      new nn.Embedding(12, 8),
      new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }),
      new nn.Linear(8, 3),
    ),
};
