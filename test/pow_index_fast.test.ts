import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkGrads, tg } from "./helpers.ts";

// Issue 11's speed items pinned to their results: x.pow(e) for a number e takes PyTorch's special cases (x·x for 2,
// x·x·x for 3, sqrt for ½...; float32 integer powers by squaring in float64), and x.get(intTensor) skips the index
// wrap when no entry is negative. The values must stay those of PyTorch 1.13 and of the generic paths.

const X = [-2.5, -1.3, -0.7, -0, 0, 0.3, 0.9, 1.1, 1.7, 3.2];
// torch.linspace(-1, 1, 10) in float32.
const G = [
  -1.0, -0.7777777910232544, -0.5555555820465088, -0.3333333134651184, -0.1111111044883728, 0.1111111044883728, 0.3333333134651184,
  0.5555555820465088, 0.7777777910232544, 1.0,
];

// [exponent, x.pow(e), the gradient of (x.pow(e) · G).sum()] from torch 1.13 in float32 (CPU).
const TORCH: [number, number[], number[]][] = [
  [0, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
  [
    1,
    [
      -2.5, -1.2999999523162842, -0.699999988079071, -0, 0.0, 0.30000001192092896, 0.8999999761581421, 1.100000023841858,
      1.7000000476837158, 3.200000047683716,
    ],
    [
      -1.0, -0.7777777910232544, -0.5555555820465088, -0.3333333134651184, -0.1111111044883728, 0.1111111044883728, 0.3333333134651184,
      0.5555555820465088, 0.7777777910232544, 1.0,
    ],
  ],
  [
    2,
    [
      6.25, 1.6899998188018799, 0.4899999797344208, 0.0, 0.0, 0.09000000357627869, 0.809999942779541, 1.2100000381469727, 2.890000104904175,
      10.24000072479248,
    ],
    [
      5.0, 2.0222222805023193, 0.7777777910232544, 0.0, -0, 0.06666666269302368, 0.5999999642372131, 1.2222223281860352, 2.644444465637207,
      6.400000095367432,
    ],
  ],
  [
    3,
    [
      -15.625, -2.1969997882843018, -0.34299999475479126, -0, 0.0, 0.027000002562999725, 0.7289999127388, 1.3310000896453857,
      4.913000106811523, 32.768001556396484,
    ],
    [
      -18.75, -3.943333148956299, -0.8166666626930237, -0, -0, 0.029999999329447746, 0.8099998831748962, 2.016666889190674,
      6.743333339691162, 30.720001220703125,
    ],
  ],
  [
    -2,
    [
      0.1599999964237213,
      0.5917160511016846,
      2.040816307067871,
      Infinity,
      Infinity,
      11.11111068725586,
      1.2345679998397827,
      0.8264462351799011,
      0.34602075815200806,
      0.0976562425494194,
    ],
    [
      -0.12800000607967377,
      -0.7080363035202026,
      -3.239391326904297,
      -Infinity,
      Infinity,
      -8.230451583862305,
      -0.9144947528839111,
      -0.8347942233085632,
      -0.3166202902793884,
      -0.0610351525247097,
    ],
  ],
  [
    0.5,
    [NaN, NaN, NaN, -0, 0.0, 0.547722578048706, 0.9486832618713379, 1.0488088130950928, 1.3038405179977417, 1.7888543605804443],
    [
      NaN,
      NaN,
      NaN,
      Infinity,
      -Infinity,
      0.10143009573221207,
      0.17568209767341614,
      0.2648507356643677,
      0.29826417565345764,
      0.279508501291275,
    ],
  ],
  [
    -0.5,
    [NaN, NaN, NaN, -Infinity, Infinity, 1.8257417678833008, 1.0540926456451416, 0.9534626007080078, 0.7669649720191956, 0.55901700258255],
    [
      NaN,
      NaN,
      NaN,
      Infinity,
      Infinity,
      -0.3381003141403198,
      -0.1952023208141327,
      -0.24077339470386505,
      -0.17544950544834137,
      -0.0873464047908783,
    ],
  ],
  [
    -1,
    [
      -0.4000000059604645,
      -0.7692307829856873,
      -1.4285714626312256,
      -Infinity,
      Infinity,
      3.3333332538604736,
      1.1111111640930176,
      0.9090908765792847,
      0.5882352590560913,
      0.3125,
    ],
    [
      0.1599999964237213,
      0.46022361516952515,
      1.133786916732788,
      Infinity,
      Infinity,
      -1.2345677614212036,
      -0.41152265667915344,
      -0.45913681387901306,
      -0.2691272497177124,
      -0.0976562425494194,
    ],
  ],
  [
    4,
    [
      39.0625, 2.8560996055603027, 0.2400999814271927, 0.0, 0.0, 0.008100001141428947, 0.6560999155044556, 1.4641001224517822,
      8.35210132598877, 104.85760498046875,
    ],
    [
      62.5, 6.835110664367676, 0.7622222304344177, 0.0, -0, 0.012000000104308128, 0.9719998240470886, 2.957778215408325, 15.284889221191406,
      131.07200622558594,
    ],
  ],
  [
    5,
    [
      -97.65625, -3.7129292488098145, -0.168069988489151, -0, 0.0, 0.002430000575259328, 0.59048992395401, 1.610510230064392,
      14.198572158813477, 335.5443420410156,
    ],
    [
      -195.3125, -11.107054710388184, -0.6669444441795349, -0, -0, 0.004500000737607479, 1.093499779701233, 4.0669450759887695,
      32.48039245605469, 524.2880249023438,
    ],
  ],
  [
    -3,
    [
      -0.06400000303983688,
      -0.45516619086265564,
      -2.915452003479004,
      -Infinity,
      Infinity,
      37.03703308105469,
      1.3717422485351562,
      0.7513147592544556,
      0.2035416066646576,
      0.03051757626235485,
    ],
    [
      0.07679999619722366,
      0.8169649839401245,
      6.941553115844727,
      Infinity,
      Infinity,
      -41.152252197265625,
      -1.5241581201553345,
      -1.1383556127548218,
      -0.27937081456184387,
      -0.0286102257668972,
    ],
  ],
  [
    7,
    [
      -610.3515625, -6.274849891662598, -0.08235429227352142, -0, 0.0, 0.0002187000645790249, 0.47829681634902954, 1.9487173557281494,
      41.03387451171875, 3435.97412109375,
    ],
    [
      -1708.984375, -26.279287338256836, -0.4575238823890686, -0, -0, 0.000567000126466155, 1.240028738975525, 6.889405250549316,
      131.41567993164062, 7516.193359375,
    ],
  ],
  [
    2.5,
    [NaN, NaN, NaN, 0.0, 0.0, 0.049295034259557724, 0.7684333920478821, 1.2690588235855103, 3.768099308013916, 18.317869186401367],
    [NaN, NaN, NaN, -0, -0, 0.04564354568719864, 0.7115124464035034, 1.6023470163345337, 4.309917449951172, 14.310835838317871],
  ],
];

const values = (t: tg.Tensor): number[] => Array.from(t.toArray(), Number);

describe("pow with a number exponent", () => {
  it("gives PyTorch's float32 values and gradients bit for bit, -0, inf and NaN included", () => {
    for (const [e, y, grad] of TORCH) {
      const x = tg.tensor(X).requiresGrad_(true);
      const out = x.pow(e);
      assert.equal(out.dtype, "float32");
      assert.deepEqual(values(out), y, `x.pow(${e})`);
      out.backward(tg.tensor(G));
      assert.deepEqual(values(x.grad as tg.Tensor), grad, `grad of x.pow(${e})`);
    }
  });

  it("gives the generic pow kernel's correctly rounded float32 powers for x² and other integers but 3 and −2", () => {
    // (x·x·x and 1/(x·x) round twice, as PyTorch's kernel does.)
    tg.manualSeed(3);
    const x = tg.randn([2000]).mul(2);
    for (const e of [2, 4, 5, 6, 7, 8, -3, -4, 16]) {
      const fast = values(x.pow(e));
      const generic = values(x.pow(tg.tensor(e)));
      // Correctly rounded powers of float32 values: the fast path rounds the float64 product once.
      const off = fast.filter((v, i) => v !== generic[i] && Math.abs(v - generic[i]) > 1e-7 * Math.abs(generic[i]));
      assert.deepEqual(off, [], `x.pow(${e})`);
    }
  });

  it("gives PyTorch's float64 values", () => {
    const x = tg.tensor([-1.5, -0.25, 0.75, 2.0], { dtype: "float64" });
    assert.deepEqual(values(x.pow(3)), [-3.375, -0.015625, 0.421875, 8.0]);
    assert.deepEqual(values(x.pow(-2)), [0.4444444444444444, 16.0, 1.7777777777777777, 0.25]);
    assert.deepEqual(values(x.pow(4)), [5.0625, 0.00390625, 0.31640625, 16.0]);
    assert.deepEqual(values(x.pow(-3)), [-0.2962962962962963, -64.0, 2.3703703703703702, 0.125]);
    assert.deepEqual(values(x.pow(0.5)), [Number.NaN, Number.NaN, 0.8660254037844386, Math.SQRT2]);
    assert.equal(x.pow(3).dtype, "float64");
  });

  it("names its node PowBackward0, as PyTorch's scalar-exponent pow, and keeps integer tensors on the integer path", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    assert.equal(x.pow(3).gradFn?.name, "PowBackward0");
    const i = tg.tensor([2, 3], { dtype: "int32" });
    assert.equal(i.pow(2).dtype, "int32");
    assert.deepEqual(i.pow(3).tolist(), [8, 27]);
  });

  it("passes gradcheck and gradgradcheck in float64 for every special exponent", () => {
    for (const e of [0, 1, 2, 3, -2, 0.5, -0.5, -1, 4, 7, -3, 2.5]) {
      checkGrads((x) => x.pow(e), [[3, 4]], { positive: true, gradgrad: true });
    }
    for (const e of [2, 3, 4, 5]) checkGrads((x) => x.pow(e), [[5]], { gradgrad: true });
  });

  it("works in place (pow_) and in float32 training through higher-order gradients", () => {
    const x = tg.tensor([1.5, -2]);
    x.pow_(3);
    assert.deepEqual(values(x), [3.375, -8]);
    const w = tg.tensor(2, { requiresGrad: true });
    const [dy] = tg.autograd.grad(w.pow(3), [w], { createGraph: true });
    const [d2y] = tg.autograd.grad(dy as tg.Tensor, [w]);
    assert.equal((dy as tg.Tensor).item(), 12);
    assert.equal((d2y as tg.Tensor).item(), 12);
  });
});

describe("get with an int tensor index", () => {
  const C = () => tg.arange(27 * 4, { dtype: "float32" }).reshape([27, 4]);

  it("equals indexSelect + reshape for a 2-D index, forward and backward", () => {
    tg.manualSeed(0);
    const X = tg.randint(0, 27, [50, 3], { dtype: "int32" });
    const c = C().requiresGrad_(true);
    const out = c.get(X);
    assert.deepEqual(out.shape, [50, 3, 4]);
    const ref = C()
      .indexSelect(0, X.reshape([-1]))
      .reshape([50, 3, 4]);
    assert.deepEqual(values(out), values(ref));
    out
      .mul(tg.arange(12).reshape([3, 4]))
      .sum()
      .backward();
    const c2 = C().requiresGrad_(true);
    c2.indexSelect(0, X.reshape([-1]))
      .reshape([50, 3, 4])
      .mul(tg.arange(12).reshape([3, 4]))
      .sum()
      .backward();
    assert.deepEqual(values(c.grad as tg.Tensor), values(c2.grad as tg.Tensor));
  });

  it("still wraps negative entries and rejects out-of-range ones, naming the index and the size", () => {
    const x = tg.tensor([10, 11, 12, 13]);
    assert.deepEqual(
      values(
        x.get(
          tg.tensor(
            [
              [-1, 0],
              [2, -4],
            ],
            { dtype: "int32" },
          ),
        ),
      ),
      [13, 10, 12, 10],
    );
    assert.deepEqual(values(x.get(tg.tensor([3, 1], { dtype: "int32" }))), [13, 11]);
    assert.throws(() => x.get(tg.tensor([0, 4], { dtype: "int32" })), /index 4 is out of bounds for dimension 0 with size 4/);
    assert.throws(() => x.get(tg.tensor([-5, 1], { dtype: "int32" })), /index -5 is out of bounds/);
    assert.deepEqual(x.get(tg.tensor([], { dtype: "int32" })).shape, [0]);
  });

  it("indexes an inner dim after a slice", () => {
    const x = tg.arange(24).reshape([2, 3, 4]);
    const out = x.get(":", tg.tensor([[2], [0]], { dtype: "int32" }));
    assert.deepEqual(out.shape, [2, 2, 1, 4]);
    assert.deepEqual(out.tolist(), [
      [[[8, 9, 10, 11]], [[0, 1, 2, 3]]],
      [[[20, 21, 22, 23]], [[12, 13, 14, 15]]],
    ]);
  });
});
