import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const nn = tg.nn;
const F = tg.nn.functional;

// Inputs k·sin(0..n) reshaped; expected values from PyTorch (float64; RMSNorm's from its formula
// x·rsqrt(mean(x²) + eps)·weight with eps = finfo(float64).eps, as torch.nn.functional.rms_norm).
const s = (shape: number[], k = 1) =>
  tg
    .arange(
      0,
      shape.reduce((a, b) => a * b, 1),
      1,
      { dtype: "float64" },
    )
    .sin()
    .mul(k)
    .reshape(shape);

describe("RMSNorm, LocalResponseNorm, AlphaDropout", () => {
  it("rmsNorm / RMSNorm: values, weight, eps", () => {
    const w = tg.arange(0, 4, 1, { dtype: "float64" }).mul(0.5).add(0.25);
    assertClose(
      F.rmsNorm(s([2, 3, 4]), [4], w).flatten(),
      [
        0.0, 1.0122591939206333, 1.8230865887051424, 0.3961119663409289, -0.2674370584731179, -1.016587110524917, -0.49369590740921726,
        1.6251504871463878, 0.3163870668122562, 0.3953743525252623, -0.8698630862262076, -2.2385094434695487, -0.19626249806753274,
        0.46105401234485743, 1.811674310336611, 1.6649923651281056, -0.11403140981403224, -1.142357573305474, -1.4872377208727725,
        0.4155386884868596, 0.30434017533144897, 0.8367246234793402, -0.014753398515449873, -1.9746770814495367,
      ],
    );
    const expected2 = [
      0.0, 1.0862279366009775, 1.1737829176877992, 0.182167297429724, -0.9769320959777048, -1.2378446256964215, -0.3606885151628168,
      0.8480829528111706, 1.2771308651054893, 0.5319905498125653, -0.7022594235779124, -1.2908553215661187, -0.7070032623510227,
      0.5536236656814585, 1.3052515486527512, 0.856837177268625, -0.379349343389179, -1.2667638271941013, -0.9895214902574662,
      0.19748234140972737, 1.202921819121296, 1.1024005238909398, -0.011662729024256092, -1.1150033226599814,
    ];
    assertClose(F.rmsNorm(s([2, 3, 4]), [3, 4], { eps: 0.1 }).flatten(), expected2);
    const m = new nn.RMSNorm([3, 4], 0.1, { dtype: "float64" });
    assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
    assertClose(m(s([2, 3, 4])).flatten(), expected2);
    assert.equal(new nn.RMSNorm(4, { elementwiseAffine: false }).weight, null);
    checkGrads((x, g) => F.rmsNorm(x, [4], g, 1e-3), [[2, 3, 4], [4]]);
    assert.throws(() => F.rmsNorm(s([2, 3, 4]), [3]), tg.ShapeError);
  });

  it("localResponseNorm / LocalResponseNorm", () => {
    assertClose(
      F.localResponseNorm(s([2, 4, 3], 2), 2).flatten(),
      [
        0.0, 1.682763244790987, 1.8183693381984298, 0.28223917300725243, -1.5133142566699223, -1.9173463154117798, -0.5588227827392317,
        1.3137752726883978, 1.9781532312971344, 0.8242063207482017, -1.0879234895418493, -1.999386981366354, -1.0730994928432915,
        0.8403118214114393, 1.9809231356899222, 1.300437033151942, -0.5757842272359923, -1.9222455586998521, -1.501752197025479,
        0.29974968247668177, 1.8254092294997533, 1.6729940938125982, -0.017702558724444553, -1.692047534714073,
      ],
    );
    const out = new nn.LocalResponseNorm(3, 0.5, 0.9, 2)(s([2, 5, 3, 2], 3));
    assert.deepEqual(out.shape, [2, 5, 3, 2]);
    assertClose(
      out.flatten().narrow(0, 0, 12),
      [
        0.0, 0.7758370827929535, 0.6764485680635182, 0.20126800703852482, -0.7746019428321751, -0.6908533371367261, -0.36111263589247145,
        0.5692938906875568, 0.5761796307832151, 0.4714545947721072, -0.5386034803268899, -0.5752335937166304,
      ],
    );
    assertClose(
      out.flatten().narrow(0, 48, 12),
      [
        -0.5820782107568768, -0.5790158744010753, -0.343608630321754, 0.5716051378366446, 0.5764156084733593, 0.4604255221045743,
        -0.5641550008235694, -0.7223409874183072, -0.6831432625320073, 0.4928546576305719, 0.7075415239758251, 0.7458358568773314,
      ],
    );
    checkGrads((x) => F.localResponseNorm(x, 3, { alpha: 0.5, beta: 0.9, k: 2 }), [[1, 4, 3]]);
    assert.throws(() => F.localResponseNorm(tg.randn([2, 3]), 2), tg.ShapeError);
  });

  it("alphaDropout / AlphaDropout: identity in eval (and by default for the function), SELU statistics kept in training", () => {
    const x = tg.randn([200000], { dtype: "float64", generator: new tg.Generator(7) });
    assert.equal(F.alphaDropout(x, 0.5), x);
    const m = new nn.AlphaDropout(0.2);
    m.eval();
    assert.equal(m(x), x);
    m.train();
    const y = m(x);
    // Standard normal in, standard normal statistics out.
    assert.ok(Math.abs(y.mean().item()) < 0.02);
    assert.ok(Math.abs(y.std().item() - 1) < 0.02);
    // Dropped units all take the same value, a·(−alpha') + b = −alpha'·a·(1 − p).
    const alpha = 1.7580993408473766;
    const a = 1 / Math.sqrt((alpha * alpha * 0.2 + 1) * 0.8);
    const dropped = -alpha * a * (1 - 0.2);
    const hits = y.sub(dropped).abs().lt(1e-12).sum().item();
    assert.ok(Math.abs(hits / 200000 - 0.2) < 0.01);
    assertClose(F.alphaDropout(x.narrow(0, 0, 5), 1, true), [0, 0, 0, 0, 0]);
    assert.throws(() => new nn.AlphaDropout(1.5), tg.ValueError);
  });
});
