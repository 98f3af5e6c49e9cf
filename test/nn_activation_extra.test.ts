import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

// The activations added for PyTorch fidelity: values are PyTorch 2's (float32) at the same points, gradients via
// gradcheck in float64 (points away from the kinks, where finite differences are undefined).

const nn = tg.nn;
const F = tg.nn.functional;
const x = () => tg.tensor([-4, -3, -1, -0.3, 0, 0.2, 0.7, 3, 7]);

const EXPECTED: [string, (t: tg.Tensor) => tg.Tensor, tg.nn.Module<[tg.Tensor], tg.Tensor>, number[]][] = [
  ["relu6", F.relu6, new nn.ReLU6(), [0.0, 0.0, 0.0, 0.0, 0.0, 0.2, 0.7, 3.0, 6.0]],
  [
    "selu",
    F.selu,
    new nn.SELU(),
    [
      -1.7258986234664917, -1.6705687046051025, -1.1113307476043701, -0.4556673467159271, 0.0, 0.21014021337032318, 0.7354906797409058,
      3.1521029472351074, 7.354907035827637,
    ],
  ],
  [
    "celu",
    F.celu,
    new nn.CELU(),
    [-0.9816843867301941, -0.9502129554748535, -0.6321205496788025, -0.25918179750442505, 0.0, 0.2, 0.7, 3.0, 7.0],
  ],
  [
    "celu(2)",
    (t) => F.celu(t, 2),
    new nn.CELU(2),
    [-1.7293294668197632, -1.5537396669387817, -0.7869386672973633, -0.27858400344848633, 0.0, 0.2, 0.7, 3.0, 7.0],
  ],
  [
    "hardsigmoid",
    F.hardsigmoid,
    new nn.Hardsigmoid(),
    [0.0, 0.0, 0.3333333432674408, 0.45000001788139343, 0.5, 0.5333333611488342, 0.6166666746139526, 1.0, 1.0],
  ],
  [
    "hardswish",
    F.hardswish,
    new nn.Hardswish(),
    [0, 0, -0.3333333432674408, -0.13500000536441803, 0.0, 0.1066666767001152, 0.43166664242744446, 3.0, 7.0],
  ],
  ["hardshrink", F.hardshrink, new nn.Hardshrink(), [-4.0, -3.0, -1.0, 0.0, 0.0, 0.0, 0.7, 3.0, 7.0]],
  ["softshrink", F.softshrink, new nn.Softshrink(), [-3.5, -2.5, -0.5, 0.0, 0.0, 0.0, 0.19999998807907104, 2.5, 6.5]],
  [
    "tanhshrink",
    F.tanhshrink,
    new nn.Tanhshrink(),
    [
      -3.0006706714630127, -2.0049452781677246, -0.23840582370758057, -0.008687376976013184, 0.0, 0.0026246756315231323,
      0.09563219547271729, 2.0049452781677246, 6.000001907348633,
    ],
  ],
  [
    "logsigmoid",
    F.logsigmoid,
    new nn.LogSigmoid(),
    [
      -4.0181498527526855, -3.0485873222351074, -1.3132617473602295, -0.8543552160263062, -0.6931471824645996, -0.5981388688087463,
      -0.40318605303764343, -0.04858735203742981, -0.000911466486286372,
    ],
  ],
  [
    "softsign",
    F.softsign,
    new nn.Softsign(),
    [-0.8, -0.75, -0.5, -0.23076924681663513, 0.0, 0.1666666567325592, 0.4117646813392639, 0.75, 0.875],
  ],
];

describe("activations: ReLU6, SELU, CELU, Hardsigmoid, Hardswish, Hardshrink, Softshrink, Tanhshrink, LogSigmoid, Softsign, Softmin, GLU", () => {
  it("match PyTorch, as functions and as modules", () => {
    for (const [name, f, m, expected] of EXPECTED) {
      assertClose(f(x()), expected, { atol: 1e-6 });
      assertClose(m(x()), expected, { atol: 1e-6 });
      assert.ok(name);
    }
    assertClose(F.softmin(tg.tensor([[1, 2, 3]]), 1), [[0.6652409434318542, 0.2447284758090973, 0.09003057330846786]]);
    assertClose(new nn.Softmin(1)(tg.tensor([[1, 2, 3]])), [[0.6652409434318542, 0.2447284758090973, 0.09003057330846786]]);
    assertClose(F.glu(tg.tensor([[1, 2, 3, -4]])), [[0.9525741338729858, 0.03597242012619972]]);
    assertClose(new nn.GLU()(tg.tensor([[1, 2, 3, -4]])), [[0.9525741338729858, 0.03597242012619972]]);
    assert.equal(F.logsigmoid(tg.tensor([-1000])).item(), -1000, "no overflow");
  });

  it("gradcheck (and second derivatives of the smooth ones)", () => {
    // Inputs moved off the kinks at 0, ±0.5, ±3 so that central differences are valid.
    const offKinks = (t: tg.Tensor) => t.mul(4).add(0.1234);
    for (const f of [F.relu6, F.hardsigmoid, F.hardswish, F.hardshrink, F.softshrink]) checkGrads((t) => f(offKinks(t)), [[3, 4]]);
    for (const f of [F.selu, F.celu, F.tanhshrink, F.logsigmoid, F.softsign]) checkGrads((t) => f(t), [[3, 4]], { gradgrad: true });
    checkGrads((t) => F.softmin(t, 1), [[2, 3]], { gradgrad: true });
    checkGrads((t) => F.glu(t, 0), [[4, 3]], { gradgrad: true });
  });

  it("bad arguments", () => {
    assert.throws(() => F.glu(tg.ones([3])), tg.ShapeError);
    assert.throws(() => new nn.ReLU6(true as never), /in-place is not implemented/);
    assert.throws(() => new nn.CELU({ alfa: 1 } as never), /unknown option "alfa"/);
  });
});
