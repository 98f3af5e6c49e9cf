import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const nn = tg.nn;
const F = tg.nn.functional;

// Inputs sin(0..69) as [1, 2, 5, 7] and sin(0..13) as [1, 2, 7]; expected values from PyTorch 2.x (float64).
const x = () => tg.arange(0, 70, 1, { dtype: "float64" }).sin().reshape([1, 2, 5, 7]);
const x1 = () => tg.arange(0, 14, 1, { dtype: "float64" }).sin().reshape([1, 2, 7]);

describe("maxPool2d / maxPool1d with ceilMode: PyTorch's values and gradients", () => {
  it("kernel 2, stride 2: the partial last windows are kept", () => {
    const expected = [
      0.9893582466233818, 0.9092974268256817, -0.5365729180004349, 0.4201670368266409, 0.9906073556948704, -0.2879033166650653,
      0.7625584504796027, 0.956375928404503, 0.27090578830786904, -0.404037645323065, 0.9999118601072672, 0.5290826861200238,
      -0.428182669496151, 0.8509035245341184, 0.9637953862840878, -0.158622668804709, 0.43616475524782494, 0.9928726480845371,
      0.39592515018183416, -0.7391806966492228, 0.9200260381967906, 0.8268286794901034, -0.8555199789753223, -0.11478481378318722,
    ];
    const out = F.maxPool2d(x(), 2, 2, { ceilMode: true });
    assert.deepEqual(out.shape, [1, 2, 3, 4]);
    assertClose(out.flatten(), expected);
    assertClose(new nn.MaxPool2d(2, { ceilMode: true })(x()).flatten(), expected);
  });

  it("kernel 3, stride 2, padding 1 (positional ceilMode)", () => {
    const out = F.maxPool2d(x(), 3, 2, 1, 1, true);
    assert.deepEqual(out.shape, [1, 2, 3, 4]);
    assertClose(
      out.flatten(),
      [
        0.9893582466233818, 0.9893582466233818, 0.1411200080598672, 0.4201670368266409, 0.9906073556948704, 0.9893582466233818,
        0.7625584504796027, 0.956375928404503, 0.8366556385360561, -0.008851309290403876, 0.9999118601072672, 0.9999118601072672,
        -0.428182669496151, 0.8509035245341184, 0.9637953862840878, 0.7451131604793488, 0.43616475524782494, 0.9928726480845371,
        0.9866275920404853, 0.123573122745224, 0.9200260381967906, 0.9928726480845371, 0.6367380071391379, -0.11478481378318722,
      ],
    );
    // The last window may not start in the padding: 6x6, kernel 3, stride 2, padding 1 gives 4x4, not 5x5.
    assert.deepEqual(new nn.MaxPool2d(3, 2, 1, 1, false, true)(tg.zeros([1, 1, 6, 6])).shape, [1, 1, 4, 4]);
  });

  it("kernel [2, 3], stride [2, 3], dilation [2, 1]", () => {
    const out = F.maxPool2d(x(), [2, 3], { stride: [2, 3], dilation: [2, 1], ceilMode: true });
    assert.deepEqual(out.shape, [1, 2, 2, 3]);
    assertClose(
      out.flatten(),
      [
        0.9906073556948704, 0.14987720966295234, 0.9129452507276277, 0.9906073556948704, 0.9999118601072672, 0.9129452507276277,
        0.6702291758433747, 0.9866275920404853, -0.158622668804709, 0.9200260381967906, 0.9866275920404853, -0.11478481378318722,
      ],
    );
  });

  it("maxPool1d / MaxPool1d with ceilMode", () => {
    const expected = [
      [
        [0.8414709848078965, 0.9092974268256817, -0.7568024953079282, -0.27941549819892586],
        [0.9893582466233818, 0.4121184852417566, -0.5365729180004349, 0.4201670368266409],
      ],
    ];
    assertClose(F.maxPool1d(x1(), 2, { ceilMode: true }), expected);
    assertClose(new nn.MaxPool1d(2, { ceilMode: true })(x1()), expected);
  });

  it("gradients (float64 gradcheck)", () => {
    checkGrads((t) => F.maxPool2d(t, 2, { ceilMode: true }), [[1, 2, 5, 7]]);
    checkGrads((t) => F.maxPool2d(t, 3, 2, 1, 1, true), [[1, 1, 6, 5]]);
  });
});
