import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";
import { FX, loadParams, T } from "./rnn_fixtures.ts";

const nn = tg.nn;
const tight = { atol: 1e-9, rtol: 1e-7 };

/** Runs a fixture case through our module: same outputs, loss and gradients as PyTorch, state-dict keys in its order. */
function checkCase(name: string, make: () => tg.nn.RNN | tg.nn.LSTM | tg.nn.GRU, lstm: boolean) {
  const c = FX[name];
  const m = make();
  assert.deepEqual(Object.keys(m.stateDict()), c.keys);
  loadParams(m, c.params);
  const x = T(c.x, true);
  const hx: tg.Tensor[] | undefined = c.hx?.map((h: never) => T(h, true));
  let out: tg.Tensor;
  let hs: tg.Tensor[];
  if (lstm) {
    const [o, [h, cc]] = (m as tg.nn.LSTM)(x, hx ? [hx[0], hx[1]] : null);
    out = o;
    hs = [h, cc];
  } else {
    const [o, h] = (m as tg.nn.GRU)(x, hx ? hx[0] : null);
    out = o;
    hs = [h];
  }
  assertClose(out, T(c.out), tight);
  hs.forEach((h, i) => {
    assertClose(h, T(c.h[i]), tight);
  });
  let loss = out.mul(out).sum().add(out.sin().sum());
  hs.forEach((h, i) => {
    loss = loss.add(h.mul(i + 1).sum());
  });
  assert.ok(Math.abs(loss.item() - c.loss) < 1e-8);
  loss.backward();
  assertClose(x.grad as tg.Tensor, T(c.gx), tight);
  hx?.forEach((h, i) => {
    assertClose(h.grad as tg.Tensor, T(c.ghx[i]), tight);
  });
  for (const [k, p] of m.namedParameters()) assertClose(p.grad as tg.Tensor, T(c.grads[k]), tight);
}

describe("RNN, LSTM, GRU against PyTorch", () => {
  it("RNN tanh, 2 layers, bidirectional, with h0", () => {
    checkCase("rnn_tanh_2l_bi", () => new nn.RNN(3, 4, 2, { bidirectional: true, dtype: "float64" }), false);
  });
  it("RNN relu, batchFirst, no bias, zero h0", () => {
    checkCase("rnn_relu_bf_nobias", () => new nn.RNN(3, 4, 1, "relu", false, true, { dtype: "float64" }), false);
  });
  it("LSTM, 2 layers, bidirectional, batchFirst, with [h0, c0]", () => {
    checkCase("lstm_2l_bi_bf", () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, dtype: "float64" }), true);
  });
  it("LSTM with projSize (weight_hr_l0)", () => {
    checkCase("lstm_proj", () => new nn.LSTM(3, 4, { projSize: 2, dtype: "float64" }), true);
  });
  it("GRU, 2 layers, bidirectional, with h0", () => {
    checkCase("gru_2l_bi", () => new nn.GRU(3, 4, 2, true, false, 0, true, { dtype: "float64" }), false);
  });
});

describe("RNN cells against PyTorch", () => {
  for (const [name, make] of [
    ["rnn_cell", () => new nn.RNNCell(3, 4, { dtype: "float64" })],
    ["lstm_cell", () => new nn.LSTMCell(3, 4, { dtype: "float64" })],
    ["gru_cell", () => new nn.GRUCell(3, 4, { dtype: "float64" })],
  ] as const) {
    it(`${name}: one step, outputs and gradients`, () => {
      const c = FX[name];
      const m = make();
      assert.deepEqual(Object.keys(m.stateDict()), c.keys);
      loadParams(m, c.params);
      const x = T(c.x, true);
      const hx = c.hx.map((h: never) => T(h));
      const outs = m instanceof nn.LSTMCell ? m(x, [hx[0], hx[1]]) : [(m as tg.nn.GRUCell)(x, hx[0])];
      outs.forEach((o, i) => {
        assertClose(o, T(c.out[i]), tight);
      });
      outs
        .map((o) => o.mul(o).sum().add(o.sum()))
        .reduce((a, b) => a.add(b))
        .backward();
      assertClose(x.grad as tg.Tensor, T(c.gx), tight);
      for (const [k, p] of m.namedParameters()) assertClose(p.grad as tg.Tensor, T(c.grads[k]), tight);
    });
  }

  it("cells take unbatched input and default to a zero state", () => {
    const cell = new nn.GRUCell(3, 4);
    const x = tg.randn([3]);
    const h = cell(x);
    assert.deepEqual(h.shape, [4]);
    assertClose(h, cell(x.unsqueeze(0), tg.zeros([1, 4])).squeeze(0));
    const [h2, c2] = new nn.LSTMCell(3, 5)(x);
    assert.deepEqual([h2.shape, c2.shape], [[5], [5]]);
    assert.throws(() => cell(tg.randn([2, 4])), tg.ShapeError);
    assert.throws(() => cell(tg.randn([2, 3]), tg.zeros([3, 4])), tg.ShapeError);
  });
});

describe("packed sequences", () => {
  for (const [name, lstm] of [
    ["packed_gru", false],
    ["packed_lstm", true],
  ] as const) {
    it(`${name}: unsorted lengths, batchFirst, 2 layers bidirectional = PyTorch`, () => {
      const c = FX[name];
      const m = lstm
        ? new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, dtype: "float64" })
        : new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, dtype: "float64" });
      loadParams(m, c.params);
      const x = T(c.x, true);
      const packed = nn.utils.packPaddedSequence(x, c.lengths, true, false);
      assertClose(packed.data, T(c.packed_data), tight);
      assert.deepEqual(packed.batchSizes.tolist(), c.batch_sizes);
      assert.deepEqual(packed.sortedIndices?.tolist(), c.sorted_indices);
      const [out, h] = lstm ? (m as tg.nn.LSTM)(packed) : (m as tg.nn.GRU)(packed);
      assert.ok(out instanceof nn.utils.PackedSequence);
      assertClose(out.data, T(c.out_data), tight);
      const [padded, lens] = nn.utils.padPackedSequence(out, true);
      assert.deepEqual(lens.tolist(), c.lengths);
      assertClose(padded, T(c.padded), tight);
      const hs = Array.isArray(h) ? h : [h];
      hs.forEach((s, i) => {
        assertClose(s, T(c.h[i]), tight);
      });
      let loss = padded.mul(padded).sum();
      hs.forEach((s, i) => {
        loss = loss.add(s.mul(i + 1).sum());
      });
      loss.backward();
      assertClose(x.grad as tg.Tensor, T(c.gx), tight);
    });
  }

  it("padSequence pads right or left, batchFirst or not", () => {
    const a = tg.tensor([[1], [2], [3]]);
    const b = tg.tensor([[4]]);
    assert.deepEqual(nn.utils.padSequence([a, b]).tolist(), [
      [[1], [4]],
      [[2], [0]],
      [[3], [0]],
    ]);
    assert.deepEqual(nn.utils.padSequence([a, b], true, -1).tolist(), [
      [[1], [2], [3]],
      [[4], [-1], [-1]],
    ]);
    assert.deepEqual(nn.utils.padSequence([a, b], { batchFirst: true, paddingSide: "left" }).tolist(), [
      [[1], [2], [3]],
      [[0], [0], [4]],
    ]);
    assert.throws(() => nn.utils.padSequence([a, tg.ones([2, 2])]), tg.ShapeError);
    assert.throws(() => nn.utils.padSequence([a], { batch_first: true } as never), tg.ArgumentError);
  });

  it("packSequence / padPackedSequence round trip with totalLength and paddingValue", () => {
    const seqs = [tg.tensor([1, 2]), tg.tensor([3, 4, 5]), tg.tensor([6])];
    const packed = nn.utils.packSequence(seqs, false);
    assert.deepEqual(packed.data.tolist(), [3, 1, 6, 4, 2, 5]);
    assert.deepEqual(packed.batchSizes.tolist(), [3, 2, 1]);
    const [padded, lens] = nn.utils.padPackedSequence(packed, { batchFirst: true, paddingValue: 9, totalLength: 4 });
    assert.deepEqual(padded.tolist(), [
      [1, 2, 9, 9],
      [3, 4, 5, 9],
      [6, 9, 9, 9],
    ]);
    assert.deepEqual(lens.tolist(), [2, 3, 1]);
    assert.throws(() => nn.utils.packSequence(seqs), /sorted in decreasing order/);
    assert.throws(() => nn.utils.padPackedSequence(packed, { totalLength: 2 }), tg.ValueError);
    assert.throws(() => nn.utils.packPaddedSequence(tg.ones([3, 2]), [3, 0]), /greater than 0/);
  });
});

describe("RNN shapes and options", () => {
  it("every combination of layers, directions, batchFirst and state gives PyTorch's shapes", () => {
    for (const Cls of [nn.RNN, nn.GRU, nn.LSTM]) {
      for (const numLayers of [1, 2]) {
        for (const bidirectional of [false, true]) {
          for (const batchFirst of [false, true]) {
            const m = new Cls(3, 4, { numLayers, bidirectional, batchFirst });
            const D = bidirectional ? 2 : 1;
            const x = batchFirst ? tg.randn([2, 5, 3]) : tg.randn([5, 2, 3]);
            const [out, h] = (m as tg.nn.GRU)(x);
            assert.deepEqual(out.shape, batchFirst ? [2, 5, 4 * D] : [5, 2, 4 * D]);
            const hs = Array.isArray(h) ? h : [h];
            for (const s of hs) assert.deepEqual(s.shape, [numLayers * D, 2, 4]);
            // Unbatched input [T, in] gives unbatched output and states.
            const [uo, uh] = (m as tg.nn.GRU)(tg.randn([5, 3]));
            assert.deepEqual(uo.shape, [5, 4 * D]);
            for (const s of Array.isArray(uh) ? uh : [uh]) assert.deepEqual(s.shape, [numLayers * D, 4]);
          }
        }
      }
    }
  });

  it("state-dict keys are PyTorch's, and a state dict round-trips", () => {
    const gru = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, bias: false });
    assert.deepEqual(Object.keys(gru.stateDict()), [
      "weight_ih_l0",
      "weight_hh_l0",
      "weight_ih_l0_reverse",
      "weight_hh_l0_reverse",
      "weight_ih_l1",
      "weight_hh_l1",
      "weight_ih_l1_reverse",
      "weight_hh_l1_reverse",
    ]);
    assert.deepEqual(gru.stateDict().weight_ih_l1.shape, [12, 8]);
    const copy = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, bias: false });
    copy.loadStateDict(gru.stateDict());
    const x = tg.randn([4, 2, 3]);
    assertClose(copy(x)[0], gru(x)[0]);
  });

  it("initializes every parameter from U(−1/√H, 1/√H)", () => {
    const lstm = new nn.LSTM(30, 16, 2);
    for (const p of lstm.parameters()) {
      const v = Array.from(p.toArray(), Number);
      assert.ok(Math.max(...v) <= 0.25 && Math.min(...v) >= -0.25);
      assert.ok(Math.max(...v) > 0.2 && Math.min(...v) < -0.2);
    }
  });

  it("dropout applies between layers in training only", () => {
    tg.manualSeed(1);
    const m = new nn.GRU(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = tg.randn([5, 2, 3]);
    m.eval();
    const a = m(x)[0];
    assertClose(m(x)[0], a);
    m.train();
    assert.ok(m(x)[0].sub(a).abs().max().item() > 1e-6);
  });

  it("refuses wrong shapes and unknown options, naming the layer", () => {
    const m = new nn.LSTM(3, 4);
    assert.throws(() => m(tg.randn([5, 2, 2])), /LSTM: input.size\(-1\) must be equal to inputSize \(3\)/);
    assert.throws(() => m(tg.randn([5, 2, 3]), [tg.zeros([1, 3, 4]), tg.zeros([1, 2, 4])]), /expected h0 of shape \[1, 2, 4\]/);
    assert.throws(() => new nn.LSTM(3, 4, { num_layers: 2 } as never), tg.ArgumentError);
    assert.throws(() => new nn.RNN(3, 4, 1, "sigmoid" as never), tg.ArgumentError);
    assert.throws(() => new nn.GRU(3, 4, { dropout: 2 }), tg.ValueError);
    assert.throws(() => new nn.LSTM(3, 4, { projSize: 4 }), tg.ValueError);
  });
});

describe("RNN gradcheck (float64)", () => {
  const g = new tg.Generator(7);
  const r = (shape: number[]) => tg.randn(shape, { dtype: "float64", generator: g }).requiresGrad_(true);
  it("LSTM bidirectional with projSize, through input, states and weights", () => {
    const m = new nn.LSTM(2, 3, { bidirectional: true, projSize: 2, dtype: "float64" });
    const fn = (x: tg.Tensor, h: tg.Tensor, c: tg.Tensor) => {
      const [o, [hn, cn]] = m(x, [h, c]);
      return o.sum().add(hn.mul(2).sum()).add(cn.sum());
    };
    assert.ok(tg.autograd.gradcheck(fn, [r([3, 2, 2]), r([2, 2, 2]), r([2, 2, 3]), ...m.parameters()]));
  });
  it("GRU over a packed batch", () => {
    const m = new nn.GRU(2, 3, { dtype: "float64", bidirectional: true });
    const fn = (x: tg.Tensor) => {
      const [o] = m(nn.utils.packPaddedSequence(x, [1, 3], false, false));
      return nn.utils.padPackedSequence(o)[0].sum();
    };
    assert.ok(tg.autograd.gradcheck(fn, [r([3, 2, 2]), ...m.parameters()]));
  });
  it("RNN relu, 2 layers", () => {
    const m = new nn.RNN(2, 3, 2, "relu", { dtype: "float64" });
    assert.ok(tg.autograd.gradcheck((x: tg.Tensor) => m(x)[0].sum(), [r([3, 2, 2]), ...m.parameters()]));
  });
});

describe("RNN training", () => {
  it("an LSTM learns to output the sum of a sequence so far (MSE < 0.01)", () => {
    tg.manualSeed(0);
    const lstm = new nn.LSTM(1, 16, { batchFirst: true });
    const head = new nn.Linear(16, 1);
    const opt = new tg.optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 0.02 });
    const g = new tg.Generator(3);
    let last = Number.POSITIVE_INFINITY;
    for (let step = 0; step < 300; step++) {
      const x = tg.rand([16, 6, 1], { generator: g }).sub(0.5);
      const y = x.cumsum(1);
      const [out] = lstm(x);
      const loss = head(out).sub(y).square().mean();
      opt.zeroGrad();
      loss.backward();
      opt.step();
      last = loss.item();
    }
    assert.ok(last < 0.01, `final MSE ${last}`);
  });
});
