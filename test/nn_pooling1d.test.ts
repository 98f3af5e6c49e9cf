import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const nn = tg.nn;
const F = tg.nn.functional;

// Inputs sin(0..13) as [1, 2, 7] and cos(0..29) as [1, 1, 5, 6]; expected values from PyTorch 2.x (float64).
const x = () => tg.arange(0, 14, 1, { dtype: "float64" }).sin().reshape([1, 2, 7]);
const y = () => tg.arange(0, 30, 1, { dtype: "float64" }).cos().reshape([1, 1, 5, 6]);

describe("1-D pooling and adaptive max pooling: PyTorch's values and gradients", () => {
  it("maxPool1d / MaxPool1d (stride, padding, dilation)", () => {
    const expected = [
      [
        [0.8414709848078965, 0.9092974268256817, 0.1411200080598672, -0.27941549819892586],
        [0.9893582466233818, 0.9893582466233818, -0.5365729180004349, 0.4201670368266409],
      ],
    ];
    assertClose(F.maxPool1d(x(), 3, 2, 1), expected);
    assertClose(new nn.MaxPool1d(3, { stride: 2, padding: 1 })(x()), expected);
    assertClose(F.maxPool1d(x(), 2, 1, 0, 2), [
      [
        [0.9092974268256817, 0.8414709848078965, 0.9092974268256817, 0.1411200080598672, -0.27941549819892586],
        [0.6569865987187891, 0.9893582466233818, 0.4121184852417566, -0.5365729180004349, 0.4201670368266409],
      ],
    ]);
    assert.deepEqual(new nn.MaxPool1d(2)(tg.randn([3, 8])).shape, [3, 4]);
    checkGrads((t) => F.maxPool1d(t, 3, { stride: 2, padding: 1, dilation: 1 }), [[2, 3, 9]]);
  });

  it("avgPool1d / AvgPool1d (zero padding counted)", () => {
    const expected = [
      [
        [0.2804903282692988, 0.6306294732311485, -0.5248689206370665, -0.4127799242873548],
        [0.548781615114057, 0.2858185403252562, -0.6935280784801693, -0.03880196039126468],
      ],
    ];
    assertClose(F.avgPool1d(x(), 3, 2, 1), expected);
    assertClose(new nn.AvgPool1d(3, 2, 1)(x()), expected);
    checkGrads((t) => F.avgPool1d(t, 3, 2, 1), [[2, 3, 9]]);
  });

  it("adaptiveAvgPool1d / AdaptiveAvgPool1d", () => {
    const expected = [
      [
        [0.583589470544526, 0.09787164652587355, -0.6650474227233308],
        [0.6861544435279758, -0.3772976107327722, -0.37213202924149913],
      ],
    ];
    assertClose(F.adaptiveAvgPool1d(x(), 3), expected);
    assertClose(new nn.AdaptiveAvgPool1d(3)(x()), expected);
    checkGrads((t) => F.adaptiveAvgPool1d(t, 3), [[2, 7]]);
  });

  it("adaptiveMaxPool1d / AdaptiveMaxPool1d", () => {
    const expected = [
      [
        [0.9092974268256817, 0.9092974268256817, -0.27941549819892586],
        [0.9893582466233818, 0.4121184852417566, 0.4201670368266409],
      ],
    ];
    assertClose(F.adaptiveMaxPool1d(x(), 3), expected);
    assertClose(new nn.AdaptiveMaxPool1d(3)(x()), expected);
    checkGrads((t) => F.adaptiveMaxPool1d(t, 3), [[2, 2, 7]]);
  });

  it("adaptiveMaxPool2d / AdaptiveMaxPool2d", () => {
    const expected = [
      [
        [
          [1.0, 0.9074467814501962, -0.6536436208636119, 0.28366218546322625],
          [0.9912028118634736, 0.9912028118634736, -0.2921388087338362, -0.27516333805159693],
        ],
      ],
    ];
    assertClose(F.adaptiveMaxPool2d(y(), [2, 4]), expected);
    assertClose(new nn.AdaptiveMaxPool2d([2, 4])(y()), expected);
    assert.deepEqual(new nn.AdaptiveMaxPool2d(1)(tg.randn([3, 5, 6])).shape, [3, 1, 1]);
    checkGrads((t) => F.adaptiveMaxPool2d(t, [2, 3]), [[1, 2, 5, 7]]);
  });

  it("refuses what PyTorch refuses or what is not implemented", () => {
    assert.throws(() => F.maxPool1d(tg.randn([2, 3, 4, 5]), 2), tg.ShapeError);
    assert.throws(() => F.maxPool1d(x(), 2, 1, 2), /at most half/);
    assert.throws(() => new nn.AvgPool1d(2, { ceilMode: true as never }), /ceilMode is not implemented/);
    assert.throws(() => new nn.AdaptiveMaxPool1d(2, true as never), /returnIndices is not implemented/);
    assert.throws(() => F.adaptiveMaxPool2d(tg.randn([5, 6]), 2), tg.ShapeError);
  });
});
