import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const nn = tg.nn;
const F = tg.nn.functional;

/** Sets a parameter's values by hand (init-style, outside the graph). */
const setTo = (p: tg.Tensor | null, values: tg.NestedArray) => {
  assert.ok(p);
  tg.noGrad(() => p.copy_(tg.tensor(values)));
};

const values = (t: tg.Tensor) => Array.from(t.toArray(), Number);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};

/** Every float64 module parameter, as extra gradcheck inputs (gradcheck nudges them in place). */
const gradcheckModule = (m: tg.nn.AnyModule, fn: (...xs: tg.Tensor[]) => tg.Tensor, inputs: tg.Tensor[]) => {
  assert.ok(tg.autograd.gradcheck(fn, [...inputs, ...m.parameters()]));
};

const randn64 = (shape: number[], seed: number) =>
  tg.randn(shape, { dtype: "float64", generator: new tg.Generator(seed) }).requiresGrad_(true);

/**
 * A direct 2-D cross-correlation by nested loops on plain arrays: x [N, C, H, W], w [O, C/g, kh, kw].
 */
function naiveConv2d(
  x: tg.Tensor,
  w: tg.Tensor,
  b: tg.Tensor | null,
  o: { stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number },
): number[][][][] {
  const X = x.tolist() as number[][][][];
  const W = w.tolist() as number[][][][];
  const B = b ? (b.tolist() as number[]) : null;
  const [n, c, h, wd] = x.shape;
  const [oc, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * o.padding[0] - o.dilation[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const ow = Math.floor((wd + 2 * o.padding[1] - o.dilation[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  const perGroupOut = oc / o.groups;
  assert.equal(cg * o.groups, c);
  const out: number[][][][] = [];
  for (let ni = 0; ni < n; ni++) {
    const planes: number[][][] = [];
    for (let f = 0; f < oc; f++) {
      const g = Math.floor(f / perGroupOut);
      const plane: number[][] = [];
      for (let y = 0; y < oh; y++) {
        const row: number[] = [];
        for (let xx = 0; xx < ow; xx++) {
          let s = B ? B[f] : 0;
          for (let ci = 0; ci < cg; ci++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const yy = y * o.stride[0] - o.padding[0] + i * o.dilation[0];
                const xi = xx * o.stride[1] - o.padding[1] + j * o.dilation[1];
                if (yy < 0 || yy >= h || xi < 0 || xi >= wd) continue;
                s += X[ni][g * cg + ci][yy][xi] * W[f][ci][i][j];
              }
            }
          }
          row.push(s);
        }
        plane.push(row);
      }
      planes.push(plane);
    }
    out.push(planes);
  }
  return out;
}

describe("Linear", () => {
  it("initializes weight and bias from U(−1/√in, 1/√in), PyTorch's default", () => {
    tg.manualSeed(0);
    const fin = 256;
    const l = new nn.Linear(fin, 1024);
    const bound = 1 / Math.sqrt(fin);
    const w = values(l.weight);
    assert.equal(w.length, 256 * 1024);
    assert.ok(
      w.every((v) => Math.abs(v) <= bound),
      "weights within ±1/√in",
    );
    // Uniform on (−a, a) has std a/√3.
    assert.ok(Math.abs(std(w) - 1 / Math.sqrt(3 * fin)) < 0.01 / Math.sqrt(3 * fin), `std ${std(w)}`);
    assert.ok(Math.abs(mean(w)) < 1e-3);
    const [lo, hi] = w.reduce(([a, b], v) => [Math.min(a, v), Math.max(b, v)], [0, 0]);
    assert.ok(hi > 0.99 * bound && lo < -0.99 * bound, "the whole range is used");
    const b = values(l.bias as tg.Tensor);
    assert.ok(b.every((v) => Math.abs(v) <= bound));
    assert.ok(std(b) > 0.8 / Math.sqrt(3 * fin) && std(b) < 1.2 / Math.sqrt(3 * fin));
  });

  it("is reproducible under manualSeed and differs between seeds", () => {
    tg.manualSeed(1);
    const a = new nn.Linear(4, 3);
    tg.manualSeed(1);
    const b = new nn.Linear(4, 3);
    tg.manualSeed(2);
    const c = new nn.Linear(4, 3);
    assert.deepEqual(a.weight.tolist(), b.weight.tolist());
    assert.notDeepEqual(a.weight.tolist(), c.weight.tolist());
  });

  it("computes x·Wᵀ + b (hand-computed)", () => {
    const l = new nn.Linear(2, 3);
    setTo(l.weight, [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    setTo(l.bias, [1, 0, -1]);
    assert.equal(l.weight.requiresGrad, true, "copy_ under noGrad keeps the parameter a leaf");
    const x = tg.tensor([
      [1, 1],
      [2, -1],
    ]);
    assertClose(l(x), [
      [4, 7, 10],
      [1, 2, 3],
    ]);
    // Leading batch dims and a 1-D input.
    assert.deepEqual(l(tg.ones([4, 5, 2])).shape, [4, 5, 3]);
    assertClose(l(tg.tensor([1, 1])), [4, 7, 10]);
    // The gradients: dW = gᵀ·x, db = Σ g.
    l(x).sum().backward();
    assertClose(l.weight.grad as tg.Tensor, [
      [3, 0],
      [3, 0],
      [3, 0],
    ]);
    assertClose(l.bias?.grad as tg.Tensor, [2, 2, 2]);
  });

  it("without bias computes x·Wᵀ", () => {
    const l = new nn.Linear(2, 1, { bias: false });
    assert.equal(l.bias, null);
    setTo(l.weight, [[2, -3]]);
    assertClose(l(tg.tensor([[1, 1]])), [[-1]]);
  });

  it("names the layer and both shapes for a bad input", () => {
    const l = new nn.Linear(784, 256);
    assert.throws(
      () => l(tg.zeros([32, 780])),
      (e: Error) => {
        assert.ok(e instanceof tg.ShapeError);
        assert.equal(e.message, "Linear(in=784, out=256) got input of shape [32, 780]; expected [..., 784]");
        return true;
      },
    );
    assert.throws(() => l(tg.tensor(1)), /Linear\(in=784, out=256\) got input of shape \[\]/);
    assert.throws(
      () => F.linear(tg.zeros([2, 3]), tg.zeros([4, 5])),
      /linear: input of shape \[2, 3\] does not match weight of shape \[4, 5\]/,
    );
  });

  it("float64 option and gradcheck of module and functional forms", () => {
    tg.manualSeed(3);
    const l = new nn.Linear(3, 2, { dtype: "float64" });
    assert.equal(l.weight.dtype, "float64");
    gradcheckModule(l, (x) => l(x), [randn64([4, 3], 1)]);
    checkGrads((x, w, b) => F.linear(x, w, b), [[2, 3], [4, 3], [4]], { gradgrad: true });
    checkGrads(
      (x, w) => F.linear(x, w),
      [
        [2, 5, 3],
        [4, 3],
      ],
    );
  });
});

describe("Bilinear", () => {
  it("computes x1ᵀ·A·x2 + b per output (hand-computed)", () => {
    const bl = new nn.Bilinear(2, 2, 2);
    setTo(bl.weight, [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
    setTo(bl.bias, [0.5, -1]);
    // [1, 2]·A0 = [7, 10], ·[3, −1] = 11; [1, 2]·A1·[3, −1] = 1·(−1) + 2·3 = 5.
    assertClose(bl(tg.tensor([[1, 2]]), tg.tensor([[3, -1]])), [[11.5, 4]]);
    assertClose(bl(tg.tensor([1, 2]), tg.tensor([3, -1])), [11.5, 4]);
    assert.deepEqual(bl(tg.ones([5, 3, 2]), tg.ones([5, 3, 2])).shape, [5, 3, 2]);
  });

  it("handles different input sizes, checks shapes, initializes within ±1/√in1", () => {
    tg.manualSeed(4);
    const bl = new nn.Bilinear(4, 3, 5, { bias: false });
    assert.deepEqual(bl.weight.shape, [5, 4, 3]);
    assert.equal(bl.bias, null);
    assert.ok(values(bl.weight).every((v) => Math.abs(v) <= 0.5));
    assert.deepEqual(bl(tg.randn([2, 4]), tg.randn([2, 3])).shape, [2, 5]);
    assert.throws(() => bl(tg.randn([2, 3]), tg.randn([2, 3])), tg.ShapeError);
  });

  it("gradcheck", () => {
    tg.manualSeed(5);
    const bl = new nn.Bilinear(3, 2, 2).double();
    gradcheckModule(bl, (a, b) => bl(a, b), [randn64([2, 3], 2), randn64([2, 2], 3)]);
    checkGrads((a, b, w, bias) => F.bilinear(a, b, w, bias), [[2, 3], [2, 2], [4, 3, 2], [4]], { gradgrad: true });
  });
});

describe("Embedding", () => {
  it("looks up rows for int32 indices of any shape", () => {
    const emb = new nn.Embedding(4, 2);
    setTo(emb.weight, [
      [0, 1],
      [10, 11],
      [20, 21],
      [30, 31],
    ]);
    const idx = tg.tensor(
      [
        [0, 2],
        [3, 3],
      ],
      { dtype: "int32" },
    );
    assert.deepEqual(emb(idx).tolist(), [
      [
        [0, 1],
        [20, 21],
      ],
      [
        [30, 31],
        [30, 31],
      ],
    ]);
    assert.deepEqual(emb(tg.tensor(1, { dtype: "int32" })).tolist(), [10, 11]);
    // Repeated indices accumulate gradient.
    emb(idx).sum().backward();
    assert.deepEqual(emb.weight.grad?.tolist(), [
      [1, 1],
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });

  it("initializes from N(0, 1)", () => {
    tg.manualSeed(6);
    const w = values(new nn.Embedding(1000, 64).weight);
    assert.ok(Math.abs(mean(w)) < 0.02);
    assert.ok(Math.abs(std(w) - 1) < 0.02);
  });

  it("the paddingIdx row is zero and gets no gradient", () => {
    tg.manualSeed(7);
    const emb = new nn.Embedding(5, 3, { paddingIdx: 0 });
    assert.deepEqual(emb.weight.get(0).tolist(), [0, 0, 0]);
    assert.ok(values(emb.weight.get(1)).some((v) => v !== 0));
    const idx = tg.tensor([0, 1, 0, 4], { dtype: "int32" });
    const out = emb(idx);
    assert.deepEqual(out.get(0).tolist(), [0, 0, 0]);
    out
      .mul(tg.arange(1, 5).reshape([4, 1]))
      .sum()
      .backward();
    assert.deepEqual(emb.weight.grad?.tolist(), [
      [0, 0, 0],
      [2, 2, 2],
      [0, 0, 0],
      [0, 0, 0],
      [4, 4, 4],
    ]);
    assert.equal(new nn.Embedding(5, 3, { paddingIdx: -1 }).paddingIdx, 4);
    assert.equal(new nn.Embedding(5, 3, { paddingIdx: 0 }).describe(), "Embedding(5, 3, paddingIdx=0)");
    assert.throws(() => new nn.Embedding(5, 3, { paddingIdx: 5 }), tg.ValueError);
  });

  it("rejects non-integer indices", () => {
    assert.throws(
      () => new nn.Embedding(3, 2)(tg.tensor([0, 1])),
      (e: Error) => e instanceof tg.DTypeError && /int32/.test(e.message),
    );
  });

  it("gradcheck with respect to the weight", () => {
    const idx = tg.tensor([[1, 0, 1]], { dtype: "int32" });
    checkGrads((w) => F.embedding(idx, w), [[3, 2]], { gradgrad: true });
    tg.manualSeed(18);
    const emb = new nn.Embedding(3, 2, { paddingIdx: 2 }).double();
    assert.equal(emb.weight.dtype, "float64");
    // The padding row is cut from the graph on purpose, so look it up nowhere here.
    gradcheckModule(emb, () => emb(idx).mul(emb(idx)), []);
  });
});

describe("Dropout", () => {
  it("in training zeroes about p of the elements and scales the rest by 1/(1 − p)", () => {
    tg.manualSeed(8);
    const p = 0.3;
    const x = tg.full([200, 500], 2);
    const y = values(new nn.Dropout(p)(x));
    const kept = 2 / (1 - p);
    assert.ok(
      y.every((v) => v === 0 || Math.abs(v - kept) < 1e-5),
      "values are 0 or x/(1 − p)",
    );
    const zeroed = y.filter((v) => v === 0).length / y.length;
    assert.ok(Math.abs(zeroed - p) < 0.005, `fraction zeroed ${zeroed}`);
    assert.ok(Math.abs(mean(y) - 2) < 0.02, `mean ${mean(y)}`);
  });

  it("the gradient is the same mask, scaled", () => {
    tg.manualSeed(9);
    const x = tg.ones([1000], { requiresGrad: true });
    const y = F.dropout(x, 0.5);
    y.sum().backward();
    assert.deepEqual(values(x.grad as tg.Tensor), values(y));
  });

  it("is the identity in eval mode and for p = 0; p = 1 zeroes everything", () => {
    const x = tg.randn([10, 10]);
    const d = new nn.Dropout(0.9);
    d.eval();
    assert.deepEqual(d(x).tolist(), x.tolist());
    assert.deepEqual(new nn.Dropout(0)(x).tolist(), x.tolist());
    assert.deepEqual(F.dropout(x, 0.5, false).tolist(), x.tolist());
    assert.ok(values(new nn.Dropout(1)(x)).every((v) => v === 0));
  });

  it("the same generator seed gives the same mask", () => {
    const x = tg.ones([50]);
    assert.deepEqual(
      F.dropout(x, 0.5, true, { generator: new tg.Generator(1) }).tolist(),
      F.dropout(x, 0.5, true, { generator: new tg.Generator(1) }).tolist(),
    );
  });

  it("rejects p outside [0, 1]", () => {
    for (const p of [-0.1, 1.5, Number.NaN]) {
      assert.throws(
        () => new nn.Dropout(p),
        (e: Error) => e instanceof tg.ValueError && /between 0 and 1/.test(e.message),
      );
      assert.throws(() => F.dropout(tg.ones([2]), p), tg.ValueError);
    }
    assert.throws(() => new nn.Dropout2d(2), tg.ValueError);
  });

  it("Dropout2d zeroes whole channels", () => {
    tg.manualSeed(10);
    const x = tg.ones([4, 16, 5, 5]);
    const y = new nn.Dropout2d(0.5)(x);
    const perChannel = y.reshape([64, 25]).tolist() as number[][];
    let dropped = 0;
    for (const ch of perChannel) {
      assert.ok(ch.every((v) => v === 0) || ch.every((v) => v === 2), `channel not uniform: ${ch}`);
      if (ch[0] === 0) dropped++;
    }
    assert.ok(dropped > 16 && dropped < 48, `${dropped} of 64 channels dropped`);
    const d = new nn.Dropout2d(0.5);
    d.eval();
    assert.equal(d(x), x);
  });

  it("Dropout1d zeroes whole channels of [N, C, L]", () => {
    tg.manualSeed(11);
    const y = new nn.Dropout1d(0.5)(tg.ones([8, 8, 10]));
    for (const ch of y.reshape([64, 10]).tolist() as number[][]) assert.ok(ch.every((v) => v === ch[0]));
  });

  it("gradcheck with a fixed mask", () => {
    checkGrads((x) => F.dropout(x, 0.4, true, { generator: new tg.Generator(3) }), [[4, 5]]);
    checkGrads((x) => F.channelDropout(x, 0.4, true, { generator: new tg.Generator(3) }), [[2, 3, 2, 2]]);
  });
});

describe("Conv2d", () => {
  const image = () => tg.arange(1, 10, 1, { dtype: "float32" }).reshape([1, 1, 3, 3]);
  const conv = (kernel: number[][], options: tg.nn.ConvOptions = {}) => {
    const c = new nn.Conv2d(1, 1, [kernel.length, kernel[0].length], options);
    setTo(c.weight, [[kernel]]);
    if (c.bias) setTo(c.bias, [0]);
    return c;
  };
  const k = [
    [1, 2],
    [3, 4],
  ];

  it("cross-correlates a 3×3 image with a 2×2 kernel (hand-computed)", () => {
    // [[1,2,3],[4,5,6],[7,8,9]] ⋆ [[1,2],[3,4]]: 1+4+12+20 = 37, 47, 67, 77.
    assertClose(conv(k)(image()), [
      [
        [
          [37, 47],
          [67, 77],
        ],
      ],
    ]);
    const withBias = conv(k);
    setTo(withBias.bias, [-7]);
    assertClose(withBias(image()), [
      [
        [
          [30, 40],
          [60, 70],
        ],
      ],
    ]);
  });

  it("stride, padding and dilation (hand-computed)", () => {
    // Padding 1, stride 2: the four corners see 1·4; 2·3 + 3·4; 4·2 + 7·4; 5·1 + 6·2 + 8·3 + 9·4.
    assertClose(conv(k, { stride: 2, padding: 1 })(image()), [
      [
        [
          [4, 18],
          [36, 77],
        ],
      ],
    ]);
    // Dilation 2: the kernel touches the corners: 1·1 + 3·2 + 7·3 + 9·4.
    assertClose(conv(k, { dilation: 2 })(image()), [[[[64]]]]);
    // Stride 2 without padding: only the top-left window fits.
    assertClose(conv(k, { stride: 2 })(image()), [[[[37]]]]);
    // Padding 1 with a 3×3 box filter of ones: sums of the neighbourhoods.
    const box = conv(
      [
        [1, 1, 1],
        [1, 1, 1],
        [1, 1, 1],
      ],
      { padding: 1 },
    );
    assertClose(box(image()), [
      [
        [
          [12, 21, 16],
          [27, 45, 33],
          [24, 39, 28],
        ],
      ],
    ]);
  });

  it("groups convolve channel groups separately (hand-computed)", () => {
    // Depthwise: 2 channels, 2 groups, a 1×1 kernel per channel scales each channel.
    const c = new nn.Conv2d(2, 2, 1, { groups: 2, bias: false });
    assert.deepEqual(c.weight.shape, [2, 1, 1, 1]);
    setTo(c.weight, [[[[2]]], [[[-1]]]]);
    const x = tg.tensor([[[[1, 2]], [[3, 4]]]]);
    assertClose(c(x), [[[[2, 4]], [[-3, -4]]]]);
  });

  it("matches a naive loop on random data (batch, channels, stride, padding, dilation, groups, bias)", () => {
    const configs: { cin: number; cout: number; k: [number, number]; opts: tg.nn.ConvOptions }[] = [
      { cin: 3, cout: 4, k: [3, 3], opts: {} },
      { cin: 2, cout: 3, k: [3, 2], opts: { stride: [2, 1], padding: [1, 2] } },
      { cin: 2, cout: 2, k: [2, 2], opts: { dilation: [2, 1], padding: 1, bias: false } },
      { cin: 4, cout: 6, k: [3, 3], opts: { groups: 2, stride: 2, padding: 1 } },
      { cin: 3, cout: 3, k: [1, 1], opts: { groups: 3 } },
    ];
    tg.manualSeed(12);
    for (const { cin, cout, k: ks, opts } of configs) {
      const c = new nn.Conv2d(cin, cout, ks, { ...opts, dtype: "float64" });
      const x = tg.randn([2, cin, 7, 6], { dtype: "float64" });
      const norm = (v: tg.nn.functional.Size2 | undefined, d: number): [number, number] =>
        v === undefined ? [d, d] : typeof v === "number" ? [v, v] : [v[0], v[1]];
      const expected = naiveConv2d(x, c.weight, c.bias, {
        stride: norm(opts.stride, 1),
        padding: norm(opts.padding as tg.nn.functional.Size2 | undefined, 0),
        dilation: norm(opts.dilation, 1),
        groups: opts.groups ?? 1,
      });
      assertClose(c(x), expected, { atol: 1e-12, rtol: 1e-12 });
    }
  });

  it("prints its settings, tuples as [h, w]", () => {
    assert.equal(
      new nn.Conv2d(2, 4, [3, 1], { stride: [2, 1], padding: 1, groups: 2, bias: false }).describe(),
      "Conv2d(2, 4, kernelSize=[3, 1], stride=[2, 1], padding=1, dilation=1, groups=2, bias=false)",
    );
    assert.equal(new nn.Conv1d(1, 2, 3).describe(), "Conv1d(1, 2, kernelSize=3, stride=1, padding=0, dilation=1, groups=1, bias=true)");
    assert.equal(new nn.MaxPool2d([2, 3], { stride: 1 }).describe(), "MaxPool2d(kernelSize=[2, 3], stride=1, padding=0)");
    assert.equal(new nn.AvgPool2d(2, { padding: [1, 0] }).describe(), "AvgPool2d(kernelSize=2, stride=2, padding=[1, 0])");
    assert.equal(new nn.AdaptiveAvgPool2d([7, 7]).describe(), "AdaptiveAvgPool2d(outputSize=[7, 7])");
  });

  it("output shapes", () => {
    const x = tg.zeros([2, 3, 32, 32]);
    assert.deepEqual(new nn.Conv2d(3, 8, 3)(x).shape, [2, 8, 30, 30]);
    assert.deepEqual(new nn.Conv2d(3, 8, 3, { padding: 1 })(x).shape, [2, 8, 32, 32]);
    assert.deepEqual(new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 })(x).shape, [2, 8, 16, 16]);
    assert.deepEqual(new nn.Conv2d(3, 8, [5, 1], { dilation: 2 })(x).shape, [2, 8, 24, 32]);
    assert.deepEqual(new nn.Conv2d(3, 6, 4, { stride: 4, groups: 3 })(x).shape, [2, 6, 8, 8]);
  });

  it("initializes weight and bias within ±1/√fanIn", () => {
    tg.manualSeed(13);
    const c = new nn.Conv2d(16, 32, 3);
    const bound = 1 / Math.sqrt(16 * 9);
    const w = values(c.weight);
    assert.ok(w.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.abs(std(w) - bound / Math.sqrt(3)) < 0.03 * bound);
    assert.ok(values(c.bias as tg.Tensor).every((v) => Math.abs(v) <= bound));
  });

  it("a wrong channel count names the layer and both shapes", () => {
    const c = new nn.Conv2d(3, 8, 3);
    assert.throws(
      () => c(tg.zeros([1, 2, 5, 5])),
      (e: Error) => {
        assert.ok(e instanceof tg.ShapeError);
        assert.match(
          e.message,
          /^Conv2d\(3, 8, kernelSize=\[3, 3\].*\) got input of shape \[1, 2, 5, 5\]; expected \[N, 3, H, W\] or \[3, H, W\]$/,
        );
        return true;
      },
    );
    assert.throws(() => c(tg.zeros([2, 5, 5])), /got input of shape \[2, 5, 5\]/);
    assert.throws(() => F.conv2d(tg.zeros([1, 2, 5, 5]), tg.zeros([8, 3, 3, 3])), /expects 3 input channels/);
    assert.throws(() => F.conv2d(tg.zeros([1, 3, 5, 5]), tg.zeros([8, 1, 3, 3]), null, { groups: 2 }), tg.ValueError);
    assert.throws(() => c(tg.zeros([1, 3, 2, 2])), /too small/);
  });

  it("channel counts not divisible by groups are rejected when the layer is built", () => {
    assert.throws(
      () => new nn.Conv2d(3, 4, 3, { groups: 2 }),
      (e: Error) => e instanceof tg.ValueError && /Conv2d: inChannels \(3\) must be divisible by groups \(2\)/.test(e.message),
    );
    assert.throws(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), /Conv2d: outChannels \(3\) must be divisible by groups \(2\)/);
    assert.throws(() => new nn.Conv1d(3, 4, 3, { groups: 2 }), /Conv1d: inChannels \(3\) must be divisible by groups \(2\)/);
    assert.throws(() => new nn.Conv2d(2, 2, 3, { groups: 0 }), /groups must be a positive integer/);
  });

  it("gradcheck through the module (float64) and the function with weights as inputs", () => {
    tg.manualSeed(14);
    const c = new nn.Conv2d(2, 4, 2, { stride: [1, 2], padding: 1, groups: 2 }).double();
    gradcheckModule(c, (x) => c(x), [randn64([1, 2, 4, 4], 4)]);
    checkGrads((x, w, b) => F.conv2d(x, w, b, { padding: 1, dilation: 2 }), [[2, 2, 4, 4], [3, 2, 2, 2], [3]]);
    checkGrads(
      (x, w) => F.conv2d(x, w, null, { stride: 2 }),
      [
        [1, 1, 4, 4],
        [1, 1, 2, 2],
      ],
      { gradgrad: true },
    );
  });
});

describe("Conv1d", () => {
  it("hand-computed: differences, padding, stride, dilation", () => {
    const c = new nn.Conv1d(1, 1, 2, { bias: false });
    setTo(c.weight, [[[1, -1]]]);
    const x = tg.tensor([[[1, 3, 6, 10]]]);
    assertClose(c(x), [[[-2, -3, -4]]]);
    const p = new nn.Conv1d(1, 1, 2, { padding: 1, stride: 2 });
    setTo(p.weight, [[[1, -1]]]);
    setTo(p.bias, [0.5]);
    // Padded [0, 1, 3, 6, 10, 0]: windows (0,1), (3,6), (10,0).
    assertClose(p(x), [[[-0.5, -2.5, 10.5]]]);
    const d = new nn.Conv1d(1, 1, 2, { dilation: 3, bias: false });
    setTo(d.weight, [[[1, 1]]]);
    assertClose(d(x), [[[11]]]);
  });

  it("matches a naive loop (via the 2-D loop with height 1)", () => {
    tg.manualSeed(15);
    const c = new nn.Conv1d(4, 6, 3, { stride: 2, padding: 2, dilation: 2, groups: 2, dtype: "float64" });
    const x = tg.randn([3, 4, 11], { dtype: "float64" });
    const expected = naiveConv2d(x.unsqueeze(2), c.weight.unsqueeze(2), c.bias, {
      stride: [1, 2],
      padding: [0, 2],
      dilation: [1, 2],
      groups: 2,
    });
    assertClose(c(x), tg.tensor(expected, { dtype: "float64" }).squeeze(2), { atol: 1e-12 });
    assert.deepEqual(c(x).shape, [3, 6, 6]);
  });

  it("a wrong channel count names the layer", () => {
    assert.throws(
      () => new nn.Conv1d(3, 2, 3)(tg.zeros([1, 4, 10])),
      /Conv1d\(3, 2, kernelSize=3.*\) got input of shape \[1, 4, 10\]; expected \[N, 3, L\] or \[3, L\]$/,
    );
  });

  it("gradcheck", () => {
    tg.manualSeed(16);
    const c = new nn.Conv1d(2, 2, 3, { padding: 1 }).double();
    gradcheckModule(c, (x) => c(x), [randn64([2, 2, 5], 5)]);
    checkGrads((x, w, b) => F.conv1d(x, w, b, { stride: 2, groups: 2 }), [[1, 2, 7], [4, 1, 3], [4]]);
  });
});

describe("pooling", () => {
  const grid = () => tg.arange(0, 16, 1, { dtype: "float32" }).reshape([1, 1, 4, 4]);

  it("MaxPool2d takes window maxima (hand-computed)", () => {
    assertClose(new nn.MaxPool2d(2)(grid()), [
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    assertClose(new nn.MaxPool2d(3, { stride: 1 })(grid()), [
      [
        [
          [10, 11],
          [14, 15],
        ],
      ],
    ]);
    // Padding counts as −∞, never as a maximum.
    const neg = grid().neg();
    assertClose(new nn.MaxPool2d(2, { padding: 1 })(neg), [
      [
        [
          [-0, -1, -3],
          [-4, -5, -7],
          [-12, -13, -15],
        ],
      ],
    ]);
    // 3-D input (no batch) and non-divisible sizes (floor).
    assert.deepEqual(new nn.MaxPool2d(2)(tg.zeros([3, 5, 7])).shape, [3, 2, 3]);
  });

  it("the max-pool gradient goes to the maximum of each window (the first on ties)", () => {
    const x = tg.tensor(
      [
        [
          [
            [1, 9, 2, 0],
            [3, 4, 8, 1],
            [5, 0, 0, 0],
            [6, 7, 0, 0],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    F.maxPool2d(x, 2).sum().backward();
    assert.deepEqual(x.grad?.tolist(), [
      [
        [
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 1, 0],
          [0, 1, 0, 0],
        ],
      ],
    ]);
    // Overlapping windows: the centre is the max of all four, so it collects 4.
    const y = tg.tensor(
      [
        [
          [
            [1, 2, 3],
            [4, 9, 5],
            [6, 7, 8],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    const out = F.maxPool2d(y, 2, { stride: 1 });
    assert.deepEqual(out.tolist(), [
      [
        [
          [9, 9],
          [9, 9],
        ],
      ],
    ]);
    out.sum().backward();
    assert.deepEqual(y.grad?.tolist(), [
      [
        [
          [0, 0, 0],
          [0, 4, 0],
          [0, 0, 0],
        ],
      ],
    ]);
  });

  it("AvgPool2d averages windows, counting zero padding (hand-computed)", () => {
    assertClose(new nn.AvgPool2d(2)(grid()), [
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
    const x = tg.tensor(
      [
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    const y = new nn.AvgPool2d(2, { padding: 1 })(x);
    assertClose(y, [
      [
        [
          [0.25, 0.5],
          [0.75, 1],
        ],
      ],
    ]);
    y.sum().backward();
    assertClose(x.grad as tg.Tensor, [
      [
        [
          [0.25, 0.25],
          [0.25, 0.25],
        ],
      ],
    ]);
    assertClose(new nn.AvgPool2d(3, { stride: 1 })(grid()), [
      [
        [
          [5, 6],
          [9, 10],
        ],
      ],
    ]);
    assert.throws(() => new nn.AvgPool2d(2, { padding: 2 })(grid()), /padding should be at most half of the kernel size/);
  });

  it("AdaptiveAvgPool2d averages into a fixed size (hand-computed)", () => {
    const x = tg.arange(0, 25, 1, { dtype: "float32" }).reshape([1, 1, 5, 5]);
    // 5 → 2 windows: rows/cols [0, 3) and [2, 5); the mean of r·5 + c is 5·mean(r) + mean(c).
    assertClose(new nn.AdaptiveAvgPool2d(2)(x), [
      [
        [
          [6, 8],
          [16, 18],
        ],
      ],
    ]);
    assertClose(new nn.AdaptiveAvgPool2d(1)(x), [[[[12]]]]);
    assertClose(new nn.AdaptiveAvgPool2d([1, 5])(x), [[[[10, 11, 12, 13, 14]]]]);
    assertClose(new nn.AdaptiveAvgPool2d(5)(x), x);
    assert.deepEqual(new nn.AdaptiveAvgPool2d([3, 2])(tg.zeros([2, 4, 7, 9])).shape, [2, 4, 3, 2]);
    assert.deepEqual(new nn.AdaptiveAvgPool2d(2)(tg.zeros([4, 6, 6])).shape, [4, 2, 2]);
  });

  it("pooling keeps channels and batch separate", () => {
    const x = tg.stack([grid(), grid().mul(-1)], 1).reshape([1, 2, 4, 4]);
    const y = new nn.MaxPool2d(4)(tg.cat([x, x.mul(2)], 0));
    assert.deepEqual(y.reshape([4]).tolist(), [15, -0, 30, -0]);
    assert.throws(() => F.maxPool2d(tg.zeros([4, 4]), 2), tg.ShapeError);
  });

  it("gradcheck through every pooling module and function", () => {
    // Random data: ties (where max pooling is not differentiable) have probability zero.
    const x = randn64([2, 2, 5, 5], 6);
    assert.ok(tg.autograd.gradcheck((t) => new nn.MaxPool2d(2, { stride: 1 })(t), [x]));
    assert.ok(tg.autograd.gradcheck((t) => new nn.MaxPool2d(3, { stride: 2, padding: 1 })(t), [x]));
    assert.ok(tg.autograd.gradcheck((t) => new nn.AvgPool2d(3, { stride: 2, padding: 1 })(t), [x]));
    assert.ok(tg.autograd.gradcheck((t) => new nn.AdaptiveAvgPool2d([2, 3])(t), [x]));
    checkGrads((t) => F.maxPool2d(t, 2, { dilation: 2 }), [[1, 1, 5, 5]]);
    checkGrads((t) => F.avgPool2d(t, 2), [[1, 2, 4, 4]], { gradgrad: true });
    checkGrads((t) => F.adaptiveAvgPool2d(t, 3), [[1, 1, 5, 4]], { gradgrad: true });
  });
});

describe("a small CNN end to end", () => {
  it("runs, has the right number of parameters and passes gradcheck in float64", () => {
    tg.manualSeed(17);
    const net = new nn.Sequential(
      new nn.Conv2d(1, 2, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(2 * 2 * 2, 3),
    ).double();
    assert.equal(net.countParameters(), 2 * 9 + 2 + 8 * 3 + 3);
    const x = randn64([2, 1, 4, 4], 7);
    assert.deepEqual(net(x).shape, [2, 3]);
    gradcheckModule(net, (t) => net(t), [x]);
  });
});
