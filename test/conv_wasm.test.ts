import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { ConvGeometry, View } from "../src/backend/backend.ts";
import { thresholds, wasmBackend } from "../src/backend/wasm/index.ts";
import { getKernels } from "../src/backend/wasm/module.ts";
import { threadStats } from "../src/backend/wasm/threads.ts";
import { col2imImage, im2colImage } from "../src/nn/functional/conv_image.ts";
import { maxPoolPlanes } from "../src/nn/functional/max_pool_fast.ts";
import { assertClose, forEachBackend, tg } from "./helpers.ts";

// The WASM conv2d kernels (src/backend/wasm/conv.ts, assembly/conv.ts) against the per-image path they replace (each
// image's columns by conv_image.ts's loops, multiplied on the same backend's matmul): equal bit for bit, on one thread
// and on two, on odd shapes, strides, padding, dilation and batch sizes; and against float64 to float32 precision.

const F = tg.nn.functional;
const saved = { ...thresholds };
after(() => {
  Object.assign(thresholds, saved);
  tg.setNumThreads(1);
});

/** Deterministic float32 data in [-1, 1). */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

const strides = (shape: readonly number[]): number[] => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
const view = (buffer: Float32Array, shape: number[], offset = 0): View => ({
  buffer,
  dtype: "float32",
  shape,
  strides: strides(shape),
  offset,
});

interface Case {
  x: [number, number, number, number];
  o: number;
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

const CASES: Case[] = [
  { x: [1, 1, 5, 5], o: 2, kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
  { x: [3, 2, 7, 6], o: 5, kernel: [2, 3], stride: [2, 1], padding: [1, 2], dilation: [1, 2] },
  { x: [2, 3, 9, 8], o: 7, kernel: [3, 2], stride: [1, 3], padding: [2, 0], dilation: [2, 1] },
  { x: [5, 1, 4, 11], o: 3, kernel: [1, 4], stride: [3, 2], padding: [0, 3], dilation: [1, 3] },
  { x: [7, 2, 3, 3], o: 9, kernel: [3, 3], stride: [2, 2], padding: [3, 3], dilation: [1, 1] },
  { x: [4, 13, 10, 9], o: 11, kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { x: [3, 32, 12, 12], o: 64, kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
];

const outSize = (size: number, k: number, s: number, p: number, d: number): number => Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;

function geometryOf(c: Case): ConvGeometry {
  const oh = outSize(c.x[2], c.kernel[0], c.stride[0], c.padding[0], c.dilation[0]);
  const ow = outSize(c.x[3], c.kernel[1], c.stride[1], c.padding[1], c.dilation[1]);
  return { kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, oh, ow };
}

const asF32 = (b: object | null): Float32Array => {
  assert.ok(b instanceof Float32Array, "expected a Float32Array");
  return b;
};

/** The per-image path of conv_image.ts on the WASM backend's matmul: forward, input gradient, weight gradient. */
function perImage(c: Case, g: ConvGeometry, x: Float32Array, w: Float32Array, gy: Float32Array) {
  const [n, ch, h, wd] = c.x;
  const ckk = ch * c.kernel[0] * c.kernel[1];
  const l = g.oh * g.ow;
  const d = { c: ch, h, w: wd, oh: g.oh, ow: g.ow };
  const wg = { kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation };
  const cols = new Float32Array(ckk * l);
  const y = new Float32Array(n * c.o * l);
  const gx = new Float32Array(n * ch * h * wd);
  const gw = new Float32Array(c.o * ckk);
  const wView = view(w, [c.o, ckk]);
  const wT: View = { ...wView, shape: [ckk, c.o], strides: [1, ckk] };
  for (let b = 0; b < n; b++) {
    im2colImage(x, b * ch * h * wd, cols, d, wg);
    y.set(asF32(wasmBackend.matmul(wView, view(cols, [ckk, l]), "float32")), b * c.o * l);
    const gyb = view(gy, [c.o, l], b * c.o * l);
    col2imImage(asF32(wasmBackend.matmul(wT, gyb, "float32")), gx, b * ch * h * wd, d, wg);
    const colsT: View = { buffer: cols, dtype: "float32", shape: [l, ckk], strides: [1, l], offset: 0 };
    const p = asF32(wasmBackend.matmul(gyb, colsT, "float32"));
    for (let i = 0; i < gw.length; i++) gw[i] += p[i];
  }
  return { y, gx, gw };
}

function bitsEqual(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]}`);
}

/** Runs a large conv until a helper thread has computed a block (helpers start asynchronously). */
function warmUp(): void {
  const before = threadStats.helperChunks;
  const x = tg.tensor(data(8 * 16 * 20 * 20, 1)).reshape([8, 16, 20, 20]);
  const w = tg.tensor(data(32 * 16 * 9, 2)).reshape([32, 16, 3, 3]);
  const deadline = performance.now() + 10_000;
  while (threadStats.helperChunks === before && performance.now() < deadline) F.conv2d(x, w);
  assert.ok(threadStats.helperChunks > before, "no block was computed by a helper thread");
}

describe("WASM conv2d kernels", { skip: getKernels() === null ? "no WASM SIMD here" : false }, () => {
  for (const threads of [1, 2]) {
    for (const c of CASES) {
      it(`${threads} thread(s): forward, input and weight gradients equal the per-image path bit for bit: ${JSON.stringify(c)}`, () => {
        Object.assign(thresholds, { matmul: 0, threads: 0 });
        tg.setNumThreads(threads);
        if (threads > 1) warmUp();
        const g = geometryOf(c);
        const [n, ch, h, wd] = c.x;
        const x = data(n * ch * h * wd, 3);
        const w = data(c.o * ch * c.kernel[0] * c.kernel[1], 4);
        const gy = data(n * c.o * g.oh * g.ow, 5);
        const want = perImage(c, g, x, w, gy);
        const wShape = [c.o, ch, ...c.kernel];
        const yShape = [n, c.o, g.oh, g.ow];
        bitsEqual(asF32(wasmBackend.conv2d?.(view(x, [...c.x]), view(w, wShape), g) ?? null), want.y, "forward");
        const gx = wasmBackend.conv2dInputGrad?.(view(gy, yShape), view(w, wShape), g, c.x) ?? null;
        bitsEqual(asF32(gx), want.gx, "input gradient");
        const gw = wasmBackend.conv2dWeightGrad?.(view(gy, yShape), view(x, [...c.x]), g, wShape) ?? null;
        bitsEqual(asF32(gw), want.gw, "weight gradient");
      });
    }
  }

  it("the forward with a bias: each output rounded once from the product and the bias, as a separate add", () => {
    Object.assign(thresholds, { matmul: 0, threads: 0 });
    for (const threads of [1, 2]) {
      tg.setNumThreads(threads);
      for (const c of [CASES[2], CASES[5]]) {
        const g = geometryOf(c);
        const [n, ch, h, wd] = c.x;
        const x = data(n * ch * h * wd, 12);
        const w = data(c.o * ch * c.kernel[0] * c.kernel[1], 13);
        const bias = data(c.o + 2, 14);
        const wShape = [c.o, ch, ...c.kernel];
        const plain = asF32(wasmBackend.conv2d?.(view(x, [...c.x]), view(w, wShape), g) ?? null);
        const want = plain.map((v, i) => v + bias[2 + (Math.floor(i / (g.oh * g.ow)) % c.o)]);
        const got = wasmBackend.conv2d?.(view(x, [...c.x]), view(w, wShape), g, view(bias, [c.o], 2)) ?? null;
        bitsEqual(asF32(got), want, `bias, ${threads} thread(s)`);
      }
    }
  });

  it("F.conv2d with a bias: output and the three gradients as conv2d then a separate add, bit for bit", () => {
    Object.assign(thresholds, saved);
    tg.setNumThreads(1);
    forEachBackend((backend) => {
      if (backend === "webgpu") return;
      const make = () => [
        tg
          .tensor(data(3 * 4 * 9 * 8, 15))
          .reshape([3, 4, 9, 8])
          .requiresGrad_(true),
        tg
          .tensor(data(6 * 4 * 3 * 3, 16))
          .reshape([6, 4, 3, 3])
          .requiresGrad_(true),
        tg.tensor(data(6, 17)).requiresGrad_(true),
      ];
      const opts = { stride: [1, 2] as [number, number], padding: [1, 0] as [number, number] };
      const [x1, w1, b1] = make();
      const y1 = F.conv2d(x1, w1, b1, opts);
      const [x2, w2, b2] = make();
      const y2 = F.conv2d(x2, w2, null, opts).add(b2.reshape([6, 1, 1]));
      const gy = tg.tensor(data(y1.numel(), 18)).reshape(y1.shape);
      y1.mul(gy).sum().backward();
      y2.mul(gy).sum().backward();
      bitsEqual(y1.toArray() as Float32Array, y2.toArray() as Float32Array, `${backend}: output`);
      for (const [a, b, what] of [
        [x1, x2, "input"],
        [w1, w2, "weight"],
        [b1, b2, "bias"],
      ] as const) {
        bitsEqual(
          (a.grad as tg.Tensor).toArray() as Float32Array,
          (b.grad as tg.Tensor).toArray() as Float32Array,
          `${backend}: ${what} grad`,
        );
      }
      // A bias of another dtype is added after the convolution, promoting as the add does.
      const y64 = F.conv2d(x1.detach(), w1.detach(), b1.detach().double(), opts);
      assert.equal(y64.dtype, "float64");
      assertClose(y64, F.conv2d(x1.detach(), w1.detach(), null, opts).add(b1.detach().double().reshape([6, 1, 1])), { atol: 0 });
    });
  });

  it("operands at an offset and a non-contiguous input give the contiguous results", () => {
    Object.assign(thresholds, { matmul: 0, threads: 0 });
    tg.setNumThreads(1);
    const c = CASES[1];
    const g = geometryOf(c);
    const [n, ch, h, wd] = c.x;
    const x = data(n * ch * h * wd, 6);
    const w = data(c.o * ch * 6, 7);
    const wShape = [c.o, ch, ...c.kernel];
    const want = asF32(wasmBackend.conv2d?.(view(x, [...c.x]), view(w, wShape), g) ?? null);
    const shifted = new Float32Array(x.length + 5);
    shifted.set(x, 5);
    bitsEqual(asF32(wasmBackend.conv2d?.(view(shifted, [...c.x], 5), view(w, wShape), g) ?? null), want, "at an offset");
    // The same input stored [N, H, W, C] and viewed as [N, C, H, W].
    const nhwc = new Float32Array(x.length);
    for (let b = 0; b < n; b++)
      for (let ci = 0; ci < ch; ci++) for (let i = 0; i < h * wd; i++) nhwc[(b * h * wd + i) * ch + ci] = x[(b * ch + ci) * h * wd + i];
    const strided: View = { buffer: nhwc, dtype: "float32", shape: [...c.x], strides: [h * wd * ch, 1, wd * ch, ch], offset: 0 };
    bitsEqual(asF32(wasmBackend.conv2d?.(strided, view(w, wShape), g) ?? null), want, "strided input");
  });

  it("float64 operands are left to the per-image path (null)", () => {
    const v: View = { buffer: new Float64Array(25), dtype: "float64", shape: [1, 1, 5, 5], strides: [25, 25, 5, 1], offset: 0 };
    const w: View = { buffer: new Float64Array(9), dtype: "float64", shape: [1, 1, 3, 3], strides: [9, 9, 3, 1], offset: 0 };
    const g: ConvGeometry = { kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], oh: 3, ow: 3 };
    assert.equal(wasmBackend.conv2d?.(v, w, g), null);
  });

  it("F.conv2d in float32 on the WASM backend: forward and gradients match float64 to float32 precision, 1 and 2 threads alike", () => {
    Object.assign(thresholds, saved);
    const before = tg.getBackend().name;
    tg.setBackend("wasm");
    try {
      const run = (dtype: "float32" | "float64") => {
        const x = tg
          .tensor(data(6 * 5 * 13 * 12, 8))
          .reshape([6, 5, 13, 12])
          .to(dtype)
          .requiresGrad_(true);
        const w = tg
          .tensor(data(8 * 5 * 3 * 3, 9))
          .reshape([8, 5, 3, 3])
          .to(dtype)
          .requiresGrad_(true);
        const y = F.conv2d(x, w, null, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] });
        const gy = tg.tensor(data(y.numel(), 10)).reshape(y.shape).to(dtype);
        y.mul(gy).sum().backward();
        return [y, x.grad as tg.Tensor, w.grad as tg.Tensor];
      };
      tg.setNumThreads(1);
      const one = run("float32");
      tg.setNumThreads(2);
      warmUp();
      const two = run("float32");
      const ref = run("float64");
      for (let i = 0; i < 3; i++) {
        bitsEqual(one[i].toArray() as Float32Array, two[i].toArray() as Float32Array, `output ${i}, 1 vs 2 threads`);
        assertClose(one[i].double(), ref[i], { atol: 1e-4, rtol: 1e-4 });
      }
    } finally {
      tg.setBackend(before);
    }
  });
});

describe("WASM max_pool2d kernel", { skip: getKernels() === null ? "no WASM SIMD here" : false }, () => {
  const cases: Case[] = [
    { x: [2, 3, 8, 8], o: 0, kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
    { x: [3, 2, 9, 13], o: 0, kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
    { x: [1, 4, 11, 17], o: 0, kernel: [3, 2], stride: [2, 3], padding: [1, 1], dilation: [2, 1] },
    { x: [5, 1, 7, 20], o: 0, kernel: [2, 4], stride: [3, 2], padding: [0, 2], dilation: [1, 2] },
    { x: [2, 2, 24, 24], o: 0, kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
    { x: [1, 1, 5, 30], o: 0, kernel: [1, 3], stride: [1, 4], padding: [0, 1], dilation: [1, 3] },
  ];
  for (const c of cases) {
    it(`values, first-maximum indices and the input gradient equal the JS loops', with ties and NaNs: ${JSON.stringify(c)}`, () => {
      const g = geometryOf(c);
      const [n, ch, h, w] = c.x;
      const x = data(n * ch * h * w, 11).map((v) => Math.round(v * 3) / 3);
      // Ties (the rounding above) and NaNs, some sharing a window.
      for (let i = 0; i < x.length; i += 17) x[i] = Number.NaN;
      for (let i = 5; i < x.length; i += 41) x[i] = Number.NaN;
      const planes = n * ch;
      const want = new Float32Array(planes * g.oh * g.ow);
      const wantIdx = new Int32Array(want.length);
      const wg = { kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation };
      maxPoolPlanes(x, 0, planes, h, w, g.oh, g.ow, wg, want, wantIdx);
      const got = wasmBackend.maxPool2d?.(view(x, [...c.x]), g) ?? null;
      assert.ok(got !== null);
      bitsEqual(asF32(got.out), want, "values");
      assert.deepEqual(Array.from(got.idx), Array.from(wantIdx), "indices");
      // The backward: each output gradient added at its index, in order (ties of indices add up).
      const gy = data(want.length, 19);
      const wantGx = new Float32Array(planes * h * w);
      for (let q = 0, o = 0; q < planes; q++) for (let k = 0; k < g.oh * g.ow; k++, o++) wantGx[q * h * w + wantIdx[o]] += gy[o];
      const gx = wasmBackend.maxPool2dBackward?.(view(gy, [n, ch, g.oh, g.ow]), got.idx, c.x) ?? null;
      bitsEqual(asF32(gx), wantGx, "input gradient");
    });
  }
});

describe("the MNIST example's net, small, end to end on the WASM kernels", { skip: getKernels() === null }, () => {
  /** Trains PyTorch examples' CNN shape (two convs, max-pool, dropouts, Adadelta) on 10×10 bars; the losses per step. */
  function train(threads: number): number[] {
    tg.setNumThreads(threads);
    tg.manualSeed(1);
    const { nn } = tg;
    const n = 48;
    const labels = tg.randint(0, 2, [n]);
    const images = tg.randn([n, 1, 10, 10]).mul(0.3);
    const at = tg.randint(2, 8, [n]).toArray();
    const lab = labels.toArray();
    tg.noGrad(() => {
      for (let i = 0; i < n; i++) (lab[i] === 0 ? images.get(i, 0, at[i]) : images.get(i, 0, ":", at[i])).add_(1);
    });
    const model = new nn.Sequential(
      new nn.Conv2d(1, 8, 3, 1),
      new nn.ReLU(),
      new nn.Conv2d(8, 16, 3, 1),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Dropout(0.25),
      new nn.Flatten(),
      new nn.Linear(16 * 3 * 3, 32),
      new nn.ReLU(),
      new nn.Dropout(0.5),
      new nn.Linear(32, 2),
      new nn.LogSoftmax(1),
    );
    const opt = new tg.optim.Adadelta(model.parameters(), { lr: 1 });
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      opt.zeroGrad();
      const loss = F.nllLoss(model(images), labels);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    return losses;
  }

  it("learns, with the same losses bit for bit on one thread and on two", () => {
    const before = tg.getBackend().name;
    tg.setBackend("wasm");
    Object.assign(thresholds, { matmul: 0, threads: 0 });
    try {
      const one = train(1);
      tg.setNumThreads(2);
      warmUp();
      const two = train(2);
      assert.deepEqual(two, one);
      const last = one.slice(-5).reduce((a, b) => a + b, 0) / 5;
      assert.ok(last < 0.2, `loss ${one[0]} -> ${last}`);
    } finally {
      Object.assign(thresholds, saved);
      tg.setBackend(before);
    }
  });
});
