import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { col2imImage, im2colImage } from "../src/nn/functional/conv_image.ts";
import type { WindowGeometry } from "../src/nn/functional/unfold.ts";
import { col2imAdd, type FloatArray, im2colInto, type WindowDims } from "../src/nn/functional/window_kernels.ts";
import { assertClose, checkGrads, forEachBackend, tg } from "./helpers.ts";

const F = tg.nn.functional;

/** Odd shapes, strides, dilations and batch sizes (the inputs are already padded, as im2col sees them). */
const CASES: { d: Omit<WindowDims, "oh" | "ow">; g: WindowGeometry }[] = [
  { d: { n: 1, c: 1, hp: 5, wp: 5 }, g: { kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] } },
  { d: { n: 3, c: 2, hp: 7, wp: 6 }, g: { kernel: [2, 3], stride: [2, 1], padding: [0, 0], dilation: [1, 2] } },
  { d: { n: 2, c: 3, hp: 9, wp: 8 }, g: { kernel: [3, 2], stride: [1, 3], padding: [0, 0], dilation: [2, 1] } },
  { d: { n: 5, c: 1, hp: 4, wp: 11 }, g: { kernel: [1, 4], stride: [3, 2], padding: [0, 0], dilation: [1, 3] } },
];

const dimsOf = (c: (typeof CASES)[number]): WindowDims => {
  const oh = Math.floor((c.d.hp - c.g.dilation[0] * (c.g.kernel[0] - 1) - 1) / c.g.stride[0]) + 1;
  const ow = Math.floor((c.d.wp - c.g.dilation[1] * (c.g.kernel[1] - 1) - 1) / c.g.stride[1]) + 1;
  return { ...c.d, oh, ow };
};

/** Index of column entry [b, ci, i, j, y, x] and of the input element it reads, by the definition of im2col. */
function* entries(d: WindowDims, g: WindowGeometry): Generator<[number, number]> {
  const [kh, kw] = g.kernel;
  let o = 0;
  for (let b = 0; b < d.n; b++)
    for (let ci = 0; ci < d.c; ci++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let y = 0; y < d.oh; y++)
            for (let x = 0; x < d.ow; x++) {
              const h = y * g.stride[0] + i * g.dilation[0];
              const w = x * g.stride[1] + j * g.dilation[1];
              yield [o++, ((b * d.c + ci) * d.hp + h) * d.wp + w];
            }
}

const filled = <T extends FloatArray>(a: T, seed: number): T => a.map((_, i) => Math.sin(i * 1.37 + seed) * 3) as T;

describe("window kernels (im2col / col2im on typed arrays) against their definition", () => {
  for (const c of CASES) {
    const d = dimsOf(c);
    const label = `n=${d.n} c=${d.c} ${d.hp}x${d.wp} kernel ${c.g.kernel} stride ${c.g.stride} dilation ${c.g.dilation}`;
    for (const Ctor of [Float32Array, Float64Array]) {
      it(`im2col, ${Ctor.name}, ${label}, at offsets`, () => {
        const size = d.n * d.c * d.hp * d.wp;
        const cols = d.n * d.c * c.g.kernel[0] * c.g.kernel[1] * d.oh * d.ow;
        const src = filled(new Ctor(size + 3), 1);
        const out = new Ctor(cols + 5).fill(-7);
        im2colInto(src, 3, out, 2, d, c.g);
        const want = new Ctor(cols + 5).fill(-7);
        for (const [o, s] of entries(d, c.g)) want[o + 2] = src[s + 3];
        assert.deepEqual(out, want);
      });
      it(`col2im adds in the order of the kernel offsets, ${Ctor.name}, ${label}`, () => {
        const size = d.n * d.c * d.hp * d.wp;
        const cols = filled(new Ctor(d.n * d.c * c.g.kernel[0] * c.g.kernel[1] * d.oh * d.ow + 1), 2);
        const out = filled(new Ctor(size + 4), 3);
        const want = out.slice();
        col2imAdd(cols, 1, out, 4 - 0, d, c.g);
        // Entries come in (b, ci, i, j, ...) order: each input element receives its kernel offsets in (i, j) order.
        for (const [o, s] of entries(d, c.g)) want[s + 4] += cols[o + 1];
        assert.deepEqual(out, want);
      });
    }
  }
});

describe("per-image window kernels (conv_image.ts) with padding, against their definition", () => {
  const cases: { c: number; h: number; w: number; g: WindowGeometry }[] = [
    { c: 1, h: 5, w: 5, g: { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] } },
    { c: 2, h: 7, w: 6, g: { kernel: [2, 3], stride: [2, 1], padding: [1, 2], dilation: [1, 2] } },
    { c: 3, h: 9, w: 8, g: { kernel: [3, 2], stride: [1, 3], padding: [2, 0], dilation: [2, 1] } },
    { c: 1, h: 4, w: 11, g: { kernel: [1, 4], stride: [3, 2], padding: [0, 3], dilation: [1, 3] } },
    { c: 2, h: 3, w: 3, g: { kernel: [3, 3], stride: [2, 2], padding: [3, 3], dilation: [1, 1] } },
  ];
  for (const k of cases) {
    const [kh, kw] = k.g.kernel;
    const oh = Math.floor((k.h + 2 * k.g.padding[0] - k.g.dilation[0] * (kh - 1) - 1) / k.g.stride[0]) + 1;
    const ow = Math.floor((k.w + 2 * k.g.padding[1] - k.g.dilation[1] * (kw - 1) - 1) / k.g.stride[1]) + 1;
    const d = { c: k.c, h: k.h, w: k.w, oh, ow };
    /** [column index, input index or -1 for padding] by the definition. */
    const pairs: [number, number][] = [];
    for (let ci = 0, o = 0; ci < k.c; ci++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let y = 0; y < oh; y++)
            for (let x = 0; x < ow; x++, o++) {
              const hh = y * k.g.stride[0] - k.g.padding[0] + i * k.g.dilation[0];
              const ww = x * k.g.stride[1] - k.g.padding[1] + j * k.g.dilation[1];
              pairs.push([o, hh < 0 || hh >= k.h || ww < 0 || ww >= k.w ? -1 : (ci * k.h + hh) * k.w + ww]);
            }
    const label = `c=${k.c} ${k.h}x${k.w} kernel ${k.g.kernel} stride ${k.g.stride} padding ${k.g.padding} dilation ${k.g.dilation}`;
    for (const Ctor of [Float32Array, Float64Array]) {
      it(`im2colImage and col2imImage, ${Ctor.name}, ${label}`, () => {
        const size = k.c * k.h * k.w;
        const src = filled(new Ctor(size + 2), 5);
        const cols = new Ctor(pairs.length).fill(9);
        im2colImage(src, 2, cols, d, k.g);
        const want = new Ctor(pairs.length);
        for (const [o, s] of pairs) want[o] = s < 0 ? 0 : src[s + 2];
        assert.deepEqual(cols, want);
        const back = filled(new Ctor(size + 3), 6);
        const wantBack = back.slice();
        const colsIn = want.map((v, i) => v + i * 0.25);
        col2imImage(colsIn, back, 3, d, k.g);
        for (const [o, s] of pairs) if (s >= 0) wantBack[s + 3] += colsIn[o];
        assert.deepEqual(back, wantBack);
      });
    }
  }
});

/**
 * Direct convolution by its definition (float64), and the gradients of Σ gy·conv(x, w) by the same loops: the
 * independent reference for conv2d and its backward.
 */
function directConv(
  x: tg.Tensor,
  w: tg.Tensor,
  gy: tg.Tensor | null,
  cfg: { stride: number[]; padding: number[]; dilation: number[]; groups: number },
): { y: tg.Tensor; gx: tg.Tensor; gw: tg.Tensor } {
  const { stride, padding, dilation, groups } = cfg;
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  const xv = Float64Array.from(x.flatten().toArray());
  const wv = Float64Array.from(w.flatten().toArray());
  const gv = gy ? Float64Array.from(gy.flatten().toArray()) : null;
  const out = new Float64Array(n * o * oh * ow);
  const gx = new Float64Array(xv.length);
  const gw = new Float64Array(wv.length);
  const og = o / groups;
  let k = 0;
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++, k++) {
          let s = 0;
          for (let ci = 0; ci < cg; ci++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const hh = y * stride[0] - padding[0] + i * dilation[0];
                const ww = xx * stride[1] - padding[1] + j * dilation[1];
                if (hh < 0 || hh >= h || ww < 0 || ww >= wd) continue;
                const xi = ((b * c + Math.floor(oc / og) * cg + ci) * h + hh) * wd + ww;
                const wi = ((oc * cg + ci) * kh + i) * kw + j;
                s += xv[xi] * wv[wi];
                if (gv) {
                  gx[xi] += gv[k] * wv[wi];
                  gw[wi] += gv[k] * xv[xi];
                }
              }
          out[k] = s;
        }
  return {
    y: tg.tensor(out).reshape([n, o, oh, ow]),
    gx: tg.tensor(gx).reshape(x.shape),
    gw: tg.tensor(gw).reshape(w.shape),
  };
}

const seq = (shape: readonly number[], f: (i: number) => number): tg.Tensor =>
  tg.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i))).reshape(shape);

describe("conv2d through the window kernels", () => {
  const configs = [
    { x: [1, 1, 5, 5], w: [2, 1, 3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 },
    { x: [3, 4, 7, 6], w: [6, 2, 2, 3], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 },
    { x: [2, 3, 9, 8], w: [3, 1, 3, 2], stride: [1, 3], padding: [2, 0], dilation: [2, 1], groups: 3 },
    { x: [5, 2, 6, 11], w: [4, 2, 1, 4], stride: [3, 2], padding: [0, 1], dilation: [1, 3], groups: 1 },
    { x: [3, 2, 7, 6], w: [5, 2, 2, 3], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 1 },
    { x: [1, 3, 5, 4], w: [2, 3, 3, 3], stride: [2, 3], padding: [2, 1], dilation: [2, 1], groups: 1 },
    { x: [7, 1, 3, 3], w: [3, 1, 3, 3], stride: [2, 2], padding: [3, 3], dilation: [1, 1], groups: 1 },
  ];
  for (const cfg of configs) {
    it(`forward and both gradients match the direct convolution: ${JSON.stringify(cfg)}`, () => {
      forEachBackend((backend) => {
        if (backend === "webgpu") return;
        const x = seq(cfg.x, (i) => Math.sin(i)).requiresGrad_(true);
        const w = seq(cfg.w, (i) => Math.cos(i * 0.7)).requiresGrad_(true);
        const opts = {
          stride: cfg.stride as [number, number],
          padding: cfg.padding as [number, number],
          dilation: cfg.dilation as [number, number],
        };
        const y = F.conv2d(x, w, null, { ...opts, groups: cfg.groups });
        const gy = seq(y.shape, (i) => Math.sin(i * 0.3 + 1));
        const ref = directConv(x, w, gy, cfg);
        assertClose(y, ref.y, { atol: 1e-12 });
        y.mul(gy).sum().backward();
        assertClose(x.grad as tg.Tensor, ref.gx, { atol: 1e-12 });
        assertClose(w.grad as tg.Tensor, ref.gw, { atol: 1e-12 });
      });
    });
  }

  it("float32 on both CPU backends: the same numbers as float64 to float32 precision", () => {
    forEachBackend((backend) => {
      if (backend === "webgpu") return;
      const x = seq([3, 5, 8, 7], (i) => Math.sin(i));
      const w = seq([4, 5, 3, 3], (i) => Math.cos(i * 0.7));
      const y64 = F.conv2d(x, w, null, { padding: 1, stride: [1, 2] });
      const y32 = F.conv2d(x.float(), w.float(), null, { padding: 1, stride: [1, 2] });
      assertClose(y32.double(), y64, { atol: 1e-4 });
    });
  });

  it("PyTorch's numbers: groups 2, stride (2, 1), padding (1, 2), dilation (1, 2), bias, and the gradients", () => {
    const x = seq([2, 4, 6, 5], (i) => Math.sin(i)).requiresGrad_(true);
    const w = seq([6, 2, 3, 2], (i) => Math.cos(i * 0.7)).requiresGrad_(true);
    const b = seq([6], (i) => i * 0.1).requiresGrad_(true);
    const y = F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 });
    assert.deepEqual(y.shape, [2, 6, 3, 7]);
    const every = (t: tg.Tensor, k: number) => Array.from(t.flatten().toArray()).filter((_, i) => i % k === 0);
    assertClose(
      tg.tensor(every(y, 7)),
      [
        -0.1555729324, -0.2720923735, -0.096557641, 0.2691140088, 0.2767064039, 0.6414447689, 0.1799349604, 0.2885691122, -0.2657746097,
        0.6681914584, 0.3972571924, 0.5326291459, 0.0702136033, 0.6026764472, -0.4545608594, 0.4743172097, 0.1922476486, 1.1548983712,
        -0.5649426907, 0.1251799613, -0.4554762796, 0.5281499841, -0.4922322619, 1.2142926324, 0.3202758327, 0.6898990271, -0.5018027631,
        0.9853025109, 0.0438150841, 0.8015216524, -0.1352440057, 1.2955546651, -0.844723623, 0.3705897678, -0.1739178376, 1.2912200575,
      ],
      { atol: 1e-9 },
    );
    y.mul(seq(y.shape, (i) => Math.sin(i)))
      .sum()
      .backward();
    assertClose(
      tg.tensor(every(x.grad as tg.Tensor, 11)),
      [
        -0.3572230011, 0.6232325039, 0.1758623004, -0.5077634699, -0.1549754774, 0.757390126, -0.084603737, -0.2420421709, 0.4896800367,
        0.0966340895, 0.1910453997, 0.4785936601, 0.4068496629, -0.5969869395, -0.3429690362, -0.0800917792, 0.2935457099, -0.2697098536,
        0.0615542347, -0.2717115402, 0.3753312556, -0.474001558,
      ],
      { atol: 1e-9 },
    );
    assertClose(
      tg.tensor(every(w.grad as tg.Tensor, 5)),
      [
        -0.1661962222, 1.4778226103, -0.2240273483, -2.6267885186, 3.9326403927, 0.616563524, -0.1752580633, 3.4460522072, 5.2042957489,
        -1.3628887609, 2.8822117461, 1.1592635899, 0.4671984698, -3.6845136615, 3.6788558749,
      ],
      { atol: 1e-9 },
    );
    assertClose(b.grad as tg.Tensor, [2.4485842129, 0.8873301172, -3.4206175502, 2.8598145234, 0.2878093636, -3.175097743], { atol: 1e-9 });
  });

  it("only the input's or only the weight's gradient; float32 through the per-image path against float64", () => {
    forEachBackend((backend) => {
      if (backend === "webgpu") return;
      const cfg = { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 1 };
      const x = seq([3, 2, 7, 6], (i) => Math.sin(i));
      const w = seq([5, 2, 2, 3], (i) => Math.cos(i * 0.7));
      const opts = { stride: [2, 1] as [number, number], padding: [1, 2] as [number, number], dilation: [1, 2] as [number, number] };
      const gy = seq([3, 5, 4, 6], (i) => Math.sin(i * 0.3 + 1));
      const ref = directConv(x, w, gy, cfg);
      const xg = x.float().requiresGrad_(true);
      F.conv2d(xg, w.float(), null, opts).mul(gy.float()).sum().backward();
      assertClose((xg.grad as tg.Tensor).double(), ref.gx, { atol: 1e-5 });
      const wg = w.float().requiresGrad_(true);
      const y = F.conv2d(x.float(), wg, null, opts);
      assertClose(y.double(), ref.y, { atol: 1e-5 });
      y.mul(gy.float()).sum().backward();
      assertClose((wg.grad as tg.Tensor).double(), ref.gw, { atol: 1e-5 });
    });
  });

  it("gradcheck and gradgradcheck (float64) through the per-image path: stride, padding, dilation, bias", () => {
    checkGrads((x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [2, 1] }), [[2, 3, 6, 5], [2, 3, 2, 3], [2]], {
      gradgrad: true,
    });
  });

  it("gradcheck (float64): stride, padding, dilation and groups together", () => {
    checkGrads(
      (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 }),
      [[2, 4, 5, 6], [4, 2, 2, 2], [4]],
    );
  });
});

describe("maxPool2d in one pass (max_pool_fast.ts)", () => {
  it("PyTorch's values and gradients: ties go to the first maximum; padding 1, stride 1", () => {
    forEachBackend((backend) => {
      if (backend === "webgpu") return;
      const x = tg
        .tensor([
          [
            [
              [2, 5, 5, 1],
              [5, 0, -1, 2],
              [0, 0, 0, 0],
            ],
          ],
        ])
        .requiresGrad_(true);
      const y = F.maxPool2d(x, [2, 2], { stride: 1, padding: 1 });
      assertClose(y, [
        [
          [
            [2, 5, 5, 5, 1],
            [5, 5, 5, 5, 2],
            [5, 5, 0, 2, 2],
            [0, 0, 0, 0, 0],
          ],
        ],
      ]);
      y.mul(tg.arange(20).reshape(y.shape)).sum().backward();
      assertClose((x.grad as tg.Tensor).flatten(), [0, 16, 11, 4, 26, 12, 0, 36, 31, 17, 18, 19]);
    });
  });

  it("PyTorch's values and gradients (float64): kernel [3, 2], stride [2, 3], padding [1, 1], dilation [2, 1]", () => {
    const x = seq([2, 3, 7, 9], (i) => Math.sin(i * 1.3)).requiresGrad_(true);
    const y = F.maxPool2d(x, [3, 2], { stride: [2, 3], padding: [1, 1], dilation: [2, 1] });
    assert.deepEqual(y.shape, [2, 3, 3, 4]);
    const flat = Array.from(y.flatten().toArray());
    assertClose(
      tg.tensor(flat.filter((_, i) => i % 5 === 0)),
      [
        -0.5162622201, 0.9867719643, 0.8268286795, 0.9863365129, 0.825828281, 0.9860423215, 0.8855265194, 0.9271403562, 0.5093999972,
        0.9264732837, 0.9989427281, 0.6812916998, 0.2246505637, 0.8883977815, 0.0106576813,
      ],
      { atol: 1e-9 },
    );
    y.mul(seq(y.shape, (i) => Math.cos(i)))
      .sum()
      .backward();
    const g = Array.from((x.grad as tg.Tensor).flatten().toArray());
    const nz = g.flatMap((v, i) => (v !== 0 ? [i] : []));
    assert.deepEqual(
      nz,
      [
        11, 15, 27, 30, 35, 45, 50, 72, 78, 93, 98, 108, 113, 135, 141, 156, 161, 171, 176, 198, 204, 219, 224, 234, 239, 261, 267, 282,
        287, 297, 302, 324, 330, 344, 348, 350, 360, 368,
      ],
    );
    assertClose(
      tg.tensor(nz.map((i) => g[i])),
      [
        0.8239644913, -0.4161468365, 1.0, -0.9111302619, -0.2316645443, -0.7991436547, 0.1210987576, 0.8438539587, 0.7970539265,
        0.0845541832, -0.303816315, -0.5495774185, -0.9999608264, 0.4241790073, 0.8011707722, 0.229868535, -0.281088656, -0.1283825058,
        -0.8485702748, -0.1279636896, 0.5550883291, 0.3033967632, -0.1705792353, 0.332905247, -0.4321779449, -0.6401443395, 0.1356561956,
        0.2821765845, -0.0067992699, 0.6902293269, 0.1191801354, -0.56055575, -0.3261402936, 0.1728348925, 0.6333192031, 0.9858965816,
        0.4401430225, -0.826792528,
      ],
      { atol: 1e-9 },
    );
  });

  it("against the window definition on odd shapes and batch sizes, float32, both CPU backends; a NaN wins its window", () => {
    forEachBackend((backend) => {
      if (backend === "webgpu") return;
      for (const [shape, k, s, p, d] of [
        [
          [3, 2, 5, 7],
          [2, 3],
          [1, 2],
          [1, 1],
          [1, 2],
        ],
        [
          [1, 1, 6, 6],
          [3, 3],
          [3, 3],
          [0, 0],
          [1, 1],
        ],
        [
          [5, 3, 4, 9],
          [1, 2],
          [2, 1],
          [0, 1],
          [3, 1],
        ],
      ] as [number[], [number, number], [number, number], [number, number], [number, number]][]) {
        const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
          i === 3 ? Number.NaN : Math.sin(i * 0.9) * 4,
        );
        const y = F.maxPool2d(tg.tensor(data).reshape(shape), k, { stride: s, padding: p, dilation: d });
        const [n, c, h, w] = shape;
        const [oh, ow] = [y.shape[2], y.shape[3]];
        const want: number[] = [];
        for (let q = 0; q < n * c; q++)
          for (let yy = 0; yy < oh; yy++)
            for (let xx = 0; xx < ow; xx++) {
              let m = Number.NEGATIVE_INFINITY;
              for (let i = 0; i < k[0]; i++)
                for (let j = 0; j < k[1]; j++) {
                  const hh = yy * s[0] - p[0] + i * d[0];
                  const ww = xx * s[1] - p[1] + j * d[1];
                  if (hh >= 0 && hh < h && ww >= 0 && ww < w) {
                    const v = data[(q * h + hh) * w + ww];
                    m = Number.isNaN(v) || Number.isNaN(m) ? Number.NaN : Math.max(m, v);
                  }
                }
              want.push(m);
            }
        assert.deepEqual(Array.from(y.flatten().toArray()), Array.from(Float32Array.from(want)));
      }
    });
  });

  it("gradcheck and gradgradcheck (float64) with stride, padding and dilation", () => {
    checkGrads((x) => F.maxPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 1], dilation: [1, 2] }), [[2, 3, 6, 7]], { gradgrad: true });
  });
});
