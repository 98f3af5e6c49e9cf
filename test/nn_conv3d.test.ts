import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONV3D_CASES, CONV3D_MODES } from "./conv3d_fixtures.ts";
import { assertClose, checkGrads, tg } from "./helpers.ts";

const { nn } = tg;
const F = tg.nn.functional;

/** The fixtures' inputs: a formula of the flat index, the same in PyTorch. */
const seq = (shape: number[], a: number, b: number, fn: "sin" | "cos", dtype: tg.DType = "float64"): tg.Tensor => {
  const n = shape.reduce((p, s) => p * s, 1);
  const t = tg.arange(n, { dtype: "float64" }).mul(a).add(b);
  return (fn === "sin" ? t.sin() : t.cos()).reshape(shape).to(dtype);
};
const X = (shape: number[], dtype?: tg.DType) => seq(shape, 0.7, 0.3, "sin", dtype);
const W = (shape: number[], dtype?: tg.DType) => seq(shape, 1.3, 0, "cos", dtype).mul(0.5);
const B = (n: number, dtype: tg.DType = "float64") => tg.arange(n, { dtype: "float64" }).mul(0.1).sub(0.2).to(dtype);

type Triple = [number, number, number];

/** Conv3d by its definition, one output element at a time (zero padding given per dim as [before, after]). */
function reference(
  x: tg.Tensor,
  w: tg.Tensor,
  b: tg.Tensor | null,
  stride: Triple,
  pads: [number, number][],
  dilation: Triple,
  groups: number,
): { shape: number[]; out: number[] } {
  const [n, c, d, h, wd] = x.shape;
  const [o, cg, kd, kh, kw] = w.shape;
  const xv = x.toArray();
  const wv = w.toArray();
  const bv = b?.toArray();
  const dims = [d, h, wd];
  const k = [kd, kh, kw];
  const os = dims.map((s, i) => Math.floor((s + pads[i][0] + pads[i][1] - dilation[i] * (k[i] - 1) - 1) / stride[i]) + 1);
  const out: number[] = [];
  const og = o / groups;
  for (let ni = 0; ni < n; ni++)
    for (let oi = 0; oi < o; oi++)
      for (let z = 0; z < os[0]; z++)
        for (let y = 0; y < os[1]; y++)
          for (let xx = 0; xx < os[2]; xx++) {
            let s = bv ? Number(bv[oi]) : 0;
            const g = Math.floor(oi / og);
            for (let ci = 0; ci < cg; ci++)
              for (let a = 0; a < kd; a++)
                for (let p = 0; p < kh; p++)
                  for (let q = 0; q < kw; q++) {
                    const iz = z * stride[0] - pads[0][0] + a * dilation[0];
                    const iy = y * stride[1] - pads[1][0] + p * dilation[1];
                    const ix = xx * stride[2] - pads[2][0] + q * dilation[2];
                    if (iz < 0 || iz >= d || iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                    const cin = g * cg + ci;
                    s +=
                      Number(xv[(((ni * c + cin) * d + iz) * h + iy) * wd + ix]) *
                      Number(wv[(((oi * cg + ci) * kd + a) * kh + p) * kw + q]);
                  }
            out.push(s);
          }
  return { shape: [n, o, ...os], out };
}

describe("F.conv3d", () => {
  it("matches PyTorch's numbers: plain, strided/padded/dilated/grouped, 'same' with an even kernel, 'valid' unbatched", () => {
    for (const c of CONV3D_CASES) {
      const out = F.conv3d(X(c.x), W(c.w), c.bias ? B(c.w[0]) : null, c.options as tg.nn.functional.Conv3dOptions);
      assertClose(out, tg.tensor(c.out, { dtype: "float64" }).reshape(c.shape), { atol: 1e-7, rtol: 1e-6 });
    }
  });

  it("in float32 too (the default dtype), within float32 rounding", () => {
    const c = CONV3D_CASES[1];
    const out = F.conv3d(X(c.x, "float32"), W(c.w, "float32"), B(c.w[0], "float32"), c.options as tg.nn.functional.Conv3dOptions);
    assert.equal(out.dtype, "float32");
    assertClose(out, tg.tensor(c.out, { dtype: "float64" }).reshape(c.shape), { atol: 1e-5, rtol: 1e-5 });
  });

  it("equals the definition over many stride, padding, dilation and group settings", () => {
    const g = new tg.Generator(7);
    const settings: [Triple, Triple, Triple, number, number][] = [
      [[1, 1, 1], [0, 0, 0], [1, 1, 1], 1, 1],
      [[2, 2, 2], [1, 1, 1], [1, 1, 1], 1, 2],
      [[1, 2, 3], [2, 0, 1], [2, 1, 1], 2, 3],
      [[3, 1, 1], [0, 2, 0], [1, 1, 2], 4, 1],
      [[1, 1, 2], [1, 1, 1], [1, 3, 1], 2, 2],
    ];
    for (const [stride, padding, dilation, groups, n] of settings) {
      const x = tg.randn([n, 4, 6, 7, 5], { dtype: "float64", generator: g });
      const w = tg.randn([4, 4 / groups, 2, 3, 2], { dtype: "float64", generator: g });
      const b = tg.randn([4], { dtype: "float64", generator: g });
      const out = F.conv3d(x, w, b, stride, padding, dilation, groups);
      const ref = reference(
        x,
        w,
        b,
        stride,
        padding.map((p) => [p, p]),
        dilation,
        groups,
      );
      assertClose(out, tg.tensor(ref.out, { dtype: "float64" }).reshape(ref.shape), { atol: 1e-10, rtol: 1e-10 });
    }
  });

  it("passes gradcheck in float64 for input, weight and bias", () => {
    checkGrads((x, w, b) => F.conv3d(x, w, b), [[1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [2]]);
    checkGrads(
      (x, w, b) => F.conv3d(x, w, b, { stride: [2, 1, 2], padding: [1, 0, 1], dilation: [1, 2, 1], groups: 2 }),
      [[2, 2, 4, 5, 4], [4, 1, 2, 2, 2], [4]],
    );
    checkGrads(
      (x, w) => F.conv3d(x, w, null, 1, "same"),
      [
        [2, 3, 3, 3],
        [2, 2, 2, 3, 2],
      ],
    );
  });

  it("reads PyTorch's positional form and rejects what PyTorch rejects", () => {
    const x = X([1, 2, 4, 4, 4]);
    const w = W([2, 2, 3, 3, 3]);
    assert.deepEqual(F.conv3d(x, w, null, 1, 1).shape, [1, 2, 4, 4, 4]);
    assert.deepEqual(F.conv3d(x, w, null, 2).shape, [1, 2, 1, 1, 1]);
    assert.throws(() => F.conv3d(x, w, null, 2, "same"), /padding="same" is not supported for strided convolutions/);
    assert.throws(() => F.conv3d(x, w, null, { paddingMode: "zeros" } as never), tg.ArgumentError);
    assert.throws(() => F.conv3d(x, w, null, 1, "full" as never), /padding must be/);
    assert.throws(() => F.conv3d(X([1, 2, 4, 4]).reshape([2, 4, 4]), w), /expected a 5-D input/);
    assert.throws(() => F.conv3d(X([1, 3, 4, 4, 4]), w), /expects 2 input channels/);
    assert.throws(() => F.conv3d(X([1, 2, 2, 4, 4]), w), /padded input depth \(2\) is smaller than the dilated kernel depth \(3\)/);
    assert.throws(() => F.conv3d(x, w, null, { groups: 3 }), /groups=3 must divide/);
  });
});

describe("nn.Conv3d", () => {
  it("has PyTorch's parameters, initialization bounds, state-dict keys and repr", () => {
    tg.manualSeed(0);
    const conv = new nn.Conv3d(4, 6, [2, 3, 3], { groups: 2 });
    assert.deepEqual(conv.weight.shape, [6, 2, 2, 3, 3]);
    assert.deepEqual(Object.keys(conv.stateDict()), ["weight", "bias"]);
    const bound = 1 / Math.sqrt(2 * 2 * 3 * 3);
    assert.ok(conv.weight.abs().max().item() <= bound);
    assert.ok((conv.bias as tg.Tensor).abs().max().item() <= bound);
    assert.equal(
      conv.toString().split("\n")[0],
      "Conv3d(4, 6, kernelSize=(2, 3, 3), stride=(1, 1, 1), padding=(0, 0, 0), dilation=(1, 1, 1), groups=2, bias=true)",
    );
    const same = new nn.Conv3d(2, 4, 3, 1, "same", 1, 1, false, "circular");
    assert.equal(same.bias, null);
    assert.match(same.toString(), /padding="same".*paddingMode="circular"/);
    assert.deepEqual(same(tg.randn([3, 2, 4, 5, 6])).shape, [3, 4, 4, 5, 6]);
    assert.deepEqual(same(tg.randn([2, 4, 5, 6])).shape, [4, 4, 5, 6]);
  });

  it("pads with reflect, replicate and circular modes as PyTorch's", () => {
    for (const c of CONV3D_MODES) {
      const conv = new nn.Conv3d(2, 2, [2, 3, 3], 1, [1, 1, 2], { paddingMode: c.mode, dtype: "float64" });
      tg.noGrad(() => {
        conv.weight.copy_(W([2, 2, 2, 3, 3]));
        (conv.bias as tg.Tensor).copy_(B(2));
      });
      assertClose(conv(X([1, 2, 3, 4, 4])), tg.tensor(c.out, { dtype: "float64" }).reshape(c.shape), { atol: 1e-7, rtol: 1e-6 });
    }
  });

  it("rejects bad arguments when built and bad inputs when called, naming the layer and the shapes", () => {
    assert.throws(() => new nn.Conv3d(3, 4, 3, { groups: 2 }), /inChannels \(3\) must be divisible by groups \(2\)/);
    assert.throws(() => new nn.Conv3d(2, 4, 3, 2, "same"), /padding="same" is not supported for strided convolutions/);
    assert.throws(() => new nn.Conv3d(2, 4, 3, { paddingMode: "mirror" } as never), tg.ArgumentError);
    assert.throws(() => new nn.Conv3d(2, 4, [3, 3] as never), /kernelSize must be/);
    assert.throws(() => new nn.Conv3d(2, 4, 3)(tg.randn([1, 3, 4, 4, 4])), /Conv3d.*\[1, 3, 4, 4, 4\]/);
  });

  it("learns: a Conv3d student fits a fixed Conv3d teacher's outputs", () => {
    tg.manualSeed(1);
    const teacher = new nn.Conv3d(2, 3, 3, { padding: 1 });
    const student = new nn.Conv3d(2, 3, 3, { padding: 1 });
    const x = tg.randn([4, 2, 5, 5, 5]);
    const target = tg.noGrad(() => teacher(x));
    const opt = new tg.optim.Adam(student.parameters(), { lr: 0.02 });
    const lossAt = () => F.mseLoss(student(x), target);
    const first = tg.noGrad(lossAt).item();
    for (let step = 0; step < 150; step++) {
      opt.zeroGrad();
      lossAt().backward();
      opt.step();
    }
    const last = tg.noGrad(lossAt).item();
    assert.ok(last < first / 50, `loss ${first} → ${last}`);
  });
});
