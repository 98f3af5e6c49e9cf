import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

// PyTorch's string paddings ("valid", "same") for conv1d/conv2d and nn.Conv1d/Conv2d, and Conv1d/Conv2d's padding
// modes (zeros, reflect, replicate, circular), against torch 1.13's numbers. "same" with an even kernel (or an odd
// dilation·(k − 1)) pads one more on the right/bottom, as ATen does. Inputs and weights are sin(arange(n) · a) · s,
// the same in both libraries, so no random numbers need to match.

const { nn } = tg;
const F = tg.nn.functional;

function seq(shape: number[], a: number, s = 1): tg.Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tg.arange(n, { dtype: "float64" }).mul(a).sin().mul(s).reshape(shape);
}

/** Computed by torch 1.13 (float64) from the same sequences; rounded to 7 decimals. */
const TORCH: Record<string, { shape: number[]; values: number[] }> = {
  conv2d_same: {
    shape: [1, 3, 5, 9],
    values: [
      2.3139629, 2.9359924, 2.7426845, 2.4930935, 1.5615793, 0.4187127, 0.091856, -0.7143734, -0.5193949, -2.356502, -2.8868222, -2.4978958,
      -2.0538915, -0.9967441, 0.1953079, 0.3241274, 1.0942702, 0.6897994, 2.3156387, 2.7354802, 2.1647004, 1.5419972, 0.3966317, -0.8024161,
      -0.7286392, -1.4354381, -0.8357901, -2.1928193, -2.4873229, -1.754891, -0.9755279, 0.2175185, 1.3811248, 1.1073626, 1.7258023,
      0.9522001, 1.3102923, 1.7596871, 1.3920608, 1.2778008, 0.5586647, -0.2360841, -0.3863148, -0.9734462, -0.6801842, -1.0591742,
      -0.8123869, -0.224543, 0.7754006, 1.6907737, 2.3893707, 2.0223571, 1.946199, 1.2365968, 1.1229758, 0.701806, 0.0817727, -1.0831761,
      -1.9021579, -2.4516295, -1.8382199, -1.6305578, -0.830933, -0.7937038, -0.2130578, 0.4172205, 1.7059442, 2.3995488, 2.7804479,
      1.9423523, 1.610536, 0.7491891, 0.7896694, 0.0700977, -0.5481185, -1.9150059, -2.4586851, -2.6575307, -1.6244114, -1.1801846,
      -0.2876008, -0.8252113, -0.6677958, -0.1769871, 0.5511838, 1.1393867, 1.5854411, 1.1172141, 1.1643742, 0.5738678, -0.8874888,
      -1.7987151, -2.2942694, -3.216458, -3.3576198, -3.0334009, -2.276461, -1.380986, -0.7444203, 1.225833, 2.2496992, 2.5873562,
      3.5084921, 3.411065, 2.8629088, 2.0152679, 1.0017773, 0.4692112, -1.200255, -2.300524, -2.468333, -3.3558151, -3.0232471, -2.2705542,
      -1.3622125, -0.2665761, 0.1431415, 1.452734, 2.5904646, 2.5824867, 3.4049046, 2.8489663, 1.9183763, 0.9814822, -0.1575227, -0.429891,
      -0.1579866, -0.7918482, -0.9993739, -1.7384177, -1.7085647, -1.4365228, -0.7376023, -0.2057353, 0.1929851,
    ],
  },
  conv2d_valid: {
    shape: [1, 3, 4, 3],
    values: [
      2.4930935, 1.5615793, 0.4187127, -2.0538915, -0.9967441, 0.1953079, 1.5419972, 0.3966317, -0.8024161, -0.9755279, 0.2175185,
      1.3811248, 0.7754006, 1.6907737, 2.3893707, -1.0831761, -1.9021579, -2.4516295, 1.7059442, 2.3995488, 2.7804479, -1.9150059,
      -2.4586851, -2.6575307, -3.216458, -3.3576198, -3.0334009, 3.5084921, 3.411065, 2.8629088, -3.3558151, -3.0232471, -2.2705542,
      3.4049046, 2.8489663, 1.9183763,
    ],
  },
  conv1d_same: {
    shape: [2, 2, 7],
    values: [
      0.2201384, 0.0483173, -0.4203198, -0.8192854, -1.0824476, -1.0370462, -0.7631403, 0.2496942, 0.7514104, 1.3790917, 1.778177,
      1.8825146, 1.439652, 0.8866183, 0.5470474, 0.6438388, 0.2026762, -0.2720817, -0.7017398, -0.8964975, -0.793313, -0.5213814, -0.251391,
      0.5149048, 1.1958509, 1.6785747, 1.4869299, 1.0536466,
    ],
  },
  Conv2d_reflect: {
    shape: [1, 2, 5, 5],
    values: [
      0.8565436, 0.7432821, 0.8909697, 0.9180687, 1.1153091, 1.1538948, 1.3294566, 1.2254434, 0.9555722, 0.6954387, -0.224766, -0.4037217,
      -0.834665, -1.1526404, -1.0816774, -1.0300081, -1.1069331, -0.7653923, -0.3202593, -0.0992392, -1.1393037, -0.9204673, -0.8836794,
      -0.7272896, -0.7809059, -0.7992305, -0.6751457, -0.8048098, -0.8134846, -1.0019546, -1.05085, -1.2344671, -1.1533357, -0.9040437,
      -0.646659, 0.255871, 0.4314545, 0.8707086, 1.2041785, 1.1417827, 1.1371819, 1.2240209, 0.9007812, 0.4676871, 0.2446937, 1.2296682,
      1.0030576, 0.9486098, 0.7778342, 0.821522,
    ],
  },
  Conv2d_replicate: {
    shape: [1, 2, 4, 5],
    values: [
      1.2362345, 1.3294566, 1.2254434, 0.9555722, 0.652308, -0.0893757, -0.4037217, -0.834665, -1.1526404, -1.2179299, -1.1869723,
      -1.1069331, -0.7653923, -0.3202593, 0.0189912, -1.0279296, -0.5712788, 0.0743752, 0.7099629, 1.101979, -1.1261256, -1.2344671,
      -1.1533357, -0.9040437, -0.6107272, 0.1175181, 0.4314545, 0.8707086, 1.2041785, 1.2831242, 1.288715, 1.2240209, 0.9007812, 0.4676871,
      0.1308572, 1.1305946, 0.674956, 0.0242196, -0.6177328, -1.0182973,
    ],
  },
  Conv2d_circular: {
    shape: [1, 2, 5, 7],
    values: [
      0.7522784, 0.2590801, 0.2265366, 0.8419554, 1.3434194, 0.7522784, 0.2590801, 0.489007, 0.6620554, 1.3294566, 1.2254434, 0.9555722,
      0.489007, 0.6620554, -0.6313203, -0.270748, -0.4037217, -0.834665, -1.1526404, -0.6313203, -0.270748, -0.1410356, -0.5128244,
      -1.1069331, -0.7653923, -0.3202593, -0.1410356, -0.5128244, 0.7522784, 0.2590801, 0.2265366, 0.8419554, 1.3434194, 0.7522784,
      0.2590801, -0.6643277, -0.1619023, -0.1035425, -0.7269086, -1.2398289, -0.6643277, -0.1619023, -0.4187593, -0.5719133, -1.2344671,
      -1.1533357, -0.9040437, -0.4187593, -0.5719133, 0.6923076, 0.3206742, 0.4314545, 0.8707086, 1.2041785, 0.6923076, 0.3206742, 0.264536,
      0.622527, 1.2240209, 0.9007812, 0.4676871, 0.264536, 0.622527, -0.6643277, -0.1619023, -0.1035425, -0.7269086, -1.2398289, -0.6643277,
      -0.1619023,
    ],
  },
  Conv2d_zeros: {
    shape: [1, 2, 4, 5],
    values: [
      0.7556855, 1.3294566, 1.2254434, 0.9555722, 0.2621314, 0.1754935, -0.4037217, -0.834665, -1.1526404, -0.9255577, -0.8524141,
      -1.1069331, -0.7653923, -0.3202593, 0.248018, -0.3241152, -0.0868239, 0.1622187, 0.3893057, 0.1717056, -0.6462854, -1.2344671,
      -1.1533357, -0.9040437, -0.208321, -0.128505, 0.4314545, 0.8707086, 1.2041785, 1.0043181, 0.9444779, 1.2240209, 0.9007812, 0.4676871,
      -0.1178764, 0.4274172, 0.1945501, -0.0697243, -0.3124998, -0.1007753,
    ],
  },
  Conv1d_circular_same_dil2: {
    shape: [2, 2, 7],
    values: [
      -0.72897, -0.4298065, -0.6297094, -0.3653272, -0.453538, -0.7212467, -0.5559513, 1.3894199, 1.1368981, 1.3814516, 1.1684756,
      1.0177454, 1.3491416, 1.1128682, -0.4780387, -0.0625444, -0.3475378, 0.164256, 0.007612, -0.3478152, -0.1918364, 0.9801562, 0.5339757,
      1.0139695, 0.6026152, 0.3321717, 0.8702314, 0.474496,
    ],
  },
};

const expected = (name: string) => tg.tensor(TORCH[name].values, { dtype: "float64" }).reshape(TORCH[name].shape);
const near = (actual: tg.Tensor, name: string) => assertClose(actual, expected(name), { atol: 2e-7, rtol: 0 });

describe('conv padding "same" / "valid"', () => {
  const x = () => seq([1, 2, 5, 9], 0.37);
  const w = () => seq([3, 2, 2, 4], 0.53, 0.5);
  const b = () => seq([3], 1.1, 0.1);

  it('F.conv2d(x, w, b, 1, "same", [1, 2]): a 2×4 kernel dilated [1, 2], the extra row at the bottom (torch)', () => {
    const y = F.conv2d(x(), w(), b(), 1, "same", [1, 2]);
    assert.deepEqual(y.shape, [1, 3, 5, 9]);
    near(y, "conv2d_same");
    near(F.conv2d(x(), w(), { bias: b(), padding: "same", dilation: [1, 2] }), "conv2d_same");
  });

  it('F.conv2d(..., "valid") is padding 0', () => {
    near(F.conv2d(x(), w(), b(), 1, "valid", [1, 2]), "conv2d_valid");
  });

  it('F.conv1d(x, w, null, 1, "same"): a kernel of 4, one more on the right (torch)', () => {
    near(F.conv1d(seq([2, 2, 7], 0.41), seq([2, 2, 4], 0.29, 0.5), null, 1, "same"), "conv1d_same");
  });

  it('PyTorch\'s errors: "same" with a stride, an unknown string', () => {
    assert.throws(() => F.conv2d(x(), w(), null, 2, "same"), /conv2d: padding="same" is not supported for strided convolutions/);
    assert.throws(() => F.conv1d(seq([1, 1, 5], 1), seq([1, 1, 3], 1), null, [2] as never, "same"), tg.ArgumentError);
    assert.throws(() => F.conv1d(seq([1, 1, 5], 1), seq([1, 1, 3], 1), null, 2, "same"), /conv1d: padding="same" is not supported/);
    assert.throws(
      () => F.conv2d(x(), w(), null, 1, "full" as never),
      (e: unknown) => e instanceof tg.ArgumentError && e.argument === "padding",
    );
    assert.throws(() => new nn.Conv2d(1, 1, 3, 2, "same"), /Conv2d: padding="same" is not supported for strided convolutions/);
    assert.throws(() => new nn.Conv1d(1, 1, 3, { stride: 3, padding: "same" }), /Conv1d: padding="same" is not supported/);
  });

  it('gradcheck through the uneven "same" padding (input, weight, bias)', () => {
    const xs = seq([1, 2, 3, 4], 0.7).requiresGrad_(true);
    const ws = seq([2, 2, 2, 3], 0.3).requiresGrad_(true);
    const bs = seq([2], 0.9).requiresGrad_(true);
    assert.ok(tg.autograd.gradcheck((a: tg.Tensor, k: tg.Tensor, c: tg.Tensor) => F.conv2d(a, k, c, 1, "same", [2, 1]), [xs, ws, bs]));
    const x1 = seq([1, 2, 5], 0.7).requiresGrad_(true);
    assert.ok(tg.autograd.gradcheck((a: tg.Tensor) => F.conv1d(a, seq([1, 2, 4], 0.3), null, 1, "same"), [x1]));
  });
});

describe("nn.Conv2d / nn.Conv1d paddingMode", () => {
  const x2 = () => seq([1, 1, 4, 5], 0.37);
  const layer = (padding: number | [number, number] | "same", mode: "zeros" | "reflect" | "replicate" | "circular") => {
    const m = new nn.Conv2d(1, 2, [2, 3], 1, padding, 1, 1, true, mode, { dtype: "float64" });
    tg.noGrad(() => {
      m.weight.copy_(seq([2, 1, 2, 3], 0.53, 0.5));
      m.bias?.copy_(seq([2], 1.1, 0.1));
    });
    return m;
  };

  it('reflect (padding 1), replicate and zeros with "same", circular ([1, 2]) as torch.nn.Conv2d', () => {
    near(layer(1, "reflect")(x2()), "Conv2d_reflect");
    near(layer("same", "replicate")(x2()), "Conv2d_replicate");
    near(layer([1, 2], "circular")(x2()), "Conv2d_circular");
    near(layer("same", "zeros")(x2()), "Conv2d_zeros");
  });

  it('Conv1d(2, 2, 4, 1, "same", 2, 1, false, "circular") as torch', () => {
    const m = new nn.Conv1d(2, 2, 4, 1, "same", 2, 1, false, "circular", { dtype: "float64" });
    tg.noGrad(() => m.weight.copy_(seq([2, 2, 4], 0.29, 0.5)));
    near(m(seq([2, 2, 7], 0.41)), "Conv1d_circular_same_dil2");
  });

  it("prints the padding string and the mode; gradcheck through reflect padding", () => {
    assert.equal(
      new nn.Conv2d(1, 2, 3, { padding: "same", paddingMode: "reflect" }).describe(),
      'Conv2d(1, 2, kernelSize=[3, 3], stride=1, padding="same", dilation=1, groups=1, bias=true, paddingMode="reflect")',
    );
    const m = layer(1, "reflect");
    const xs = x2().requiresGrad_(true);
    assert.ok(tg.autograd.gradcheck((a: tg.Tensor) => m(a), [xs]));
  });

  it("an unknown mode is refused", () => {
    assert.throws(
      () => new nn.Conv2d(1, 1, 3, { paddingMode: "mirror" as never }),
      /Conv2d: paddingMode must be "zeros" \| "reflect" \| "replicate" \| "circular"/,
    );
  });
});
