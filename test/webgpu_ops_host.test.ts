import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as tg from "tensorgrad";
import { loadSafetensors, saveModel, saveSafetensors } from "tensorgrad/node";
import { webgpuSkip } from "./helpers_webgpu.js";
import { bools, type Input, ints, type OpCase, randn, runTable, uniform, values } from "./webgpu_ops_harness.js";

// Ops that used to read their input on the host and now run on webgpu (asin, acos, atan, atan2; sort, argsort, topk,
// kthvalue, median, cummax, cummin; searchsorted, bucketize, mode, histc, multinomial) against the CPU, values and
// gradients; and the clear DeviceErrors of what must still read values on the host (nonzero, unique, mask indexing,
// sparse gradients, metrics, synchronous saving), each naming the op, the device and the way out.

const skip = await webgpuSkip();

const SPECIAL = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  1,
  -1,
  1.0000001,
  -1.5,
  0.5,
  -0.5,
  0.99999,
  1e-6,
  -1e-30,
  3e38,
  2.5,
];
/** Every pair of these as (y, x), for atan2's quadrants, axes, signed zeros and infinities. */
const PAIR = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1, -1, 2.5, -1e-30, 3e38];
const ys = PAIR.flatMap((y) => PAIR.map(() => y));
const xs = PAIR.flatMap(() => PAIR);

const cases: OpCase[] = [
  { name: "asin, acos on (-1, 1), a transposed odd shape", inputs: [uniform([13, 7], -0.999, 0.999)], fn: (x) => [x.T.asin(), x.T.acos()] },
  { name: "atan on a strided slice", inputs: [randn([13, 7])], fn: (x) => x.get("1::2, ::3").mul(5).atan() },
  {
    name: "asin, acos, atan on NaN, ±Inf, ±0, ±1 and near 1",
    inputs: [values(SPECIAL)],
    fn: (x) => [x.asin(), x.acos(), x.atan()],
    grad: false,
  },
  { name: "asin, acos, atan of int32 give float32", inputs: [ints([7], 4, -3)], fn: (x) => [x.asin(), x.acos(), x.atan()] },
  { name: "atan2 with broadcasting", inputs: [randn([5, 1, 3]), randn([4, 1])], fn: (y, x) => tg.atan2(y, x) },
  { name: "atan2 of a scalar and a transposed view", inputs: [randn([6, 5])], fn: (x) => [tg.atan2(x.T, 0.5), tg.atan2(-2, x)] },
  { name: "atan2 on NaN, ±Inf, ±0, tiny and huge", inputs: [values(ys), values(xs)], fn: (y, x) => tg.atan2(y, x), grad: false },
  { name: "asin and atan2 of an empty tensor", inputs: [randn([0, 3])], fn: (x) => [x.asin(), tg.atan2(x, x)] },
];

/** Integer-valued floats in [0, 4) with NaN and infinities mixed in: ties for stability, NaN ordered as the largest. */
const tied =
  (shape: number[]): Input =>
  (g) => {
    const r = tg.randint(0, 6, shape, { generator: g }).float();
    return tg.where(r.eq(4), Number.NaN, tg.where(r.eq(5), Number.NEGATIVE_INFINITY, r));
  };
const sortAll = (x: tg.Tensor, dim: number): tg.Tensor[] => {
  const a = x.sort(dim);
  const d = x.sort(dim, true);
  return [a.values, a.indices, d.values, d.indices];
};
// Rows from 2 to 3000 elements: one workgroup block (≤ 512), then merges across blocks with a padded tail.
for (const n of [2, 3, 7, 512, 513, 1000, 3000]) {
  cases.push({ name: `sort, ascending and descending, rows of ${n} with ties and NaN`, inputs: [tied([3, n])], fn: (x) => sortAll(x, -1) });
}
cases.push(
  { name: "sort along dim 0 of a transposed view", inputs: [randn([9, 13])], fn: (x) => sortAll(x.T, 0) },
  {
    name: "sort of a 0-dim tensor and of rows of 1",
    inputs: [randn([]), randn([4, 1])],
    fn: (a, b) => [...sortAll(a, 0), ...sortAll(b, 1)],
  },
  { name: "sort of int32 and bool", inputs: [ints([5, 33], 4, -3), bools([4, 9])], fn: (a, b) => [...sortAll(a, 1), ...sortAll(b, 1)] },
  { name: "sort of an empty tensor", inputs: [randn([0, 4])], fn: (x) => sortAll(x, 1) },
  { name: "argsort along dim 1 of [4, 5, 6]", inputs: [tied([4, 5, 6])], fn: (x) => [x.argsort(1), x.argsort(1, true)] },
  {
    name: "topk largest and smallest, sorted, of rows of 1000",
    inputs: [randn([5, 1000])],
    fn: (x) => {
      const l = x.topk(10);
      const s = x.topk(3, -1, false);
      return [l.values, l.indices, s.values, s.indices];
    },
  },
  { name: "topk along dim 0 with ties", inputs: [tied([6, 4])], fn: (x) => [x.topk(2, 0).values, x.topk(2, 0).indices] },
  { name: "kthvalue with keepdim", inputs: [tied([3, 7, 2])], fn: (x) => [x.kthvalue(3, 1, true).values, x.kthvalue(3, 1, true).indices] },
  {
    name: "median of all, and along a dim (even and odd counts)",
    inputs: [randn([4, 6])],
    fn: (x) => [x.median(), x.median(1).values, x.median(1).indices, x.median(0).values, x.median(0).indices],
  },
  {
    name: "cummax, cummin with ties and NaN, along each dim",
    inputs: [tied([5, 8])],
    fn: (x) => [x.cummax(1).values, x.cummax(1).indices, x.cummin(0).values, x.cummin(0).indices],
  },
  {
    name: "cummax, cummin of a strided view and int32",
    inputs: [randn([6, 9]), ints([3, 10], 5)],
    fn: (x, i) => [x.T.cummax(1).values, x.T.cummin(0).indices, i.cummax(1).indices, i.cummin(1).values],
  },
  {
    name: "mode along each dim, ties (the smallest value, its last index), keepdim, int32",
    inputs: [ints([6, 11], 4), ints([5, 4, 3], 3)],
    fn: (a, b) => {
      const x = a.float();
      const m1 = tg.mode(x, 1);
      const m0 = tg.mode(x, 0, true);
      const mi = tg.mode(b, 1);
      return [m1.values, m1.indices, m0.values, m0.indices, mi.values, mi.indices, tg.mode(x.T.mul(2), 1).values];
    },
  },
  {
    name: "mode's gradient flows to the index it returns",
    inputs: [(g) => tg.randint(0, 3, [4, 7], { generator: g }).float()],
    fn: (x) => tg.mode(x.mul(1.5), 1).values,
  },
  {
    name: "histc over a given range: edges, out of range, NaN and ±inf not counted",
    inputs: [randn([1000]), values([-1, -0.5, 0, 0.5, 1, 1.0000001, -2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])],
    fn: (x, e) => [tg.histc(x, 7, -2.5, 3), tg.histc(e, 4, -1, 1), tg.histc(x.get("::3"), { bins: 1, min: 0, max: 1 })],
    grad: false,
  },
  {
    name: "topk with k = 0, sort and cummax of [3, 0], searchsorted into an empty sequence",
    inputs: [randn([3, 5]), randn([3, 0]), randn([0]), randn([4])],
    fn: (x, e, seq, v) => [x.topk(0).values, x.topk(0).indices, e.sort().indices, e.cummax(1).indices, tg.searchsorted(seq, v)],
    grad: false,
  },
  {
    name: "searchsorted left and right, 1-D with ties and NaN, values with NaN and ±inf",
    inputs: [tied([40]), tied([6, 7])],
    fn: (s, v) => {
      const seq = s.sort().values;
      return [tg.searchsorted(seq, v), tg.searchsorted(seq, v, { right: true }), tg.searchsorted(seq, v.T, { side: "right" })];
    },
    grad: false,
  },
  {
    name: "searchsorted N-D, a scalar, and bucketize",
    inputs: [randn([3, 50]), randn([3, 9]), ints([5], 8, -2)],
    fn: (s, v, b) => {
      const seq = s.sort().values;
      const bounds = tg.tensor([-1, 0, 0, 2, 5], { dtype: "int32", device: b.device });
      return [
        tg.searchsorted(seq, v),
        tg.searchsorted(seq.get(0), 0.25),
        tg.bucketize(b, bounds),
        tg.bucketize(v, bounds, { right: true }),
      ];
    },
    grad: false,
  },
);

runTable(cases, skip);

test("asin, atan and atan2 keep the sign of zero on webgpu", { skip }, async () => {
  const z = tg.tensor([0, -0], { device: "webgpu" });
  const [a0, a1] = await z.asin().toArrayAsync();
  const [t0, t1] = await z.atan().toArrayAsync();
  assert.ok(Object.is(a0, 0) && Object.is(a1, -0) && Object.is(t0, 0) && Object.is(t1, -0));
  const y = tg.tensor([0, -0, 0, -0, -1, -1], { device: "webgpu" });
  const x = tg.tensor([0, 0, -0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], { device: "webgpu" });
  const got = Array.from(await tg.atan2(y, x).toArrayAsync());
  const want = [0, -0, Math.PI, -Math.PI, -0, -Math.PI].map(Math.fround);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `atan2 element ${i}: ${got[i]}, want ${want[i]}`);
});

// The ops that must read values on the host refuse on webgpu, naming themselves, the device and the call on the CPU
// (never toArray(), which the user did not call).
const REFUSALS: [string, (x: tg.Tensor) => unknown, RegExp][] = [
  ["nonzero", (x) => tg.nonzero(x), /^nonzero: .*webgpu device .*output's shape depends.*tg\.nonzero\(await x\.cpuAsync\(\)\)/],
  ["unique", (x) => tg.unique(x), /^unique: .*webgpu device .*tg\.unique\(await x\.cpuAsync\(\)\)/],
  ["mask get", (x) => x.get(x.gt(0)), /^index: .*webgpu device .*output's shape depends.*\.get\(await mask\.cpuAsync\(\)\)/],
  [
    "histc of the data's range",
    (x) => tg.histc(x, 4),
    /^histc: on the webgpu device min and max must be given.*tg\.histc\(await x\.cpuAsync\(\), bins\)/,
  ],
];
for (const [name, f, message] of REFUSALS) {
  test(`${name} on webgpu throws a DeviceError naming the op and the way to the CPU`, { skip }, async () => {
    const x = tg.tensor([0.5, -1, 0, 2], { device: "webgpu" });
    assert.throws(
      () => f(x),
      (e: unknown) => e instanceof tg.DeviceError && message.test((e as Error).message) && !/toArray/.test((e as Error).message),
    );
    // The way out the message names works.
    const cpu = await x.cpuAsync();
    assert.doesNotThrow(() => f(cpu));
  });
}

test("multinomial on webgpu draws what the CPU draws from the same seed, with and without replacement", { skip }, async () => {
  const w = tg.tensor([
    [0.1, 0, 0.6, 0.3, 0],
    [1, 2, 3, 4, 5],
    [0, 0, 7, 0, 1],
  ]);
  const gw = w.to("webgpu");
  for (const [k, replacement] of [
    [50, true],
    [2, false],
    [1, false],
  ] as const) {
    const cpu = tg.multinomial(w, k, replacement, { generator: new tg.Generator(7) });
    const gpu = tg.multinomial(gw, k, replacement, { generator: new tg.Generator(7) });
    assert.equal(gpu.device, "webgpu");
    assert.deepEqual([...gpu.shape], [3, k]);
    assert.deepEqual(Array.from(await gpu.toArrayAsync()), Array.from(cpu.toArray()));
  }
  const one = tg.multinomial(gw.get(1), 4, { generator: new tg.Generator(3) });
  assert.deepEqual(
    Array.from(await one.toArrayAsync()),
    Array.from(tg.multinomial(w.get(1), 4, { generator: new tg.Generator(3) }).toArray()),
  );
});

test("multinomial on webgpu follows the weights (frequencies of 20,000 draws), never a zero weight", { skip }, async () => {
  const p = [0.1, 0, 0.6, 0.3];
  const draws = await tg.multinomial(tg.tensor(p, { device: "webgpu" }), 20000, true, { generator: new tg.Generator(1) }).toArrayAsync();
  const counts = [0, 0, 0, 0];
  for (const d of draws) counts[d]++;
  assert.equal(counts[1], 0);
  for (let c = 0; c < 4; c++) {
    const sd = Math.sqrt(20000 * p[c] * (1 - p[c]));
    assert.ok(Math.abs(counts[c] - 20000 * p[c]) <= 4 * sd + 1, `category ${c}: ${counts[c]} draws`);
  }
});

test("a sparse embedding's optimizer step on webgpu names sparse gradients and the way out, not toArray()", { skip }, () => {
  const emb = new tg.nn.Embedding(10, 4, { sparse: true }).to("webgpu");
  const opt = new tg.optim.SparseAdam(emb.parameters());
  emb(tg.tensor([1, 2], { dtype: "int32", device: "webgpu" }))
    .sum()
    .backward();
  assert.throws(() => opt.step(), /^DeviceError: sparse gradients .* not available on the webgpu device; use a dense embedding/);
});

test("tg.utils.accuracy and confusionMatrix on webgpu name the CPU call, not toArray()", { skip }, async () => {
  const scores = tg.tensor(
    [
      [2, 1],
      [0, 3],
    ],
    { device: "webgpu" },
  );
  const targets = tg.tensor([0, 1], { dtype: "int32", device: "webgpu" });
  assert.throws(
    () => tg.utils.accuracy(scores, targets),
    /accuracy: returns numbers read on the host.*tg\.utils\.accuracy\(await preds\.cpuAsync\(\), await targets\.cpuAsync\(\)\)/,
  );
  assert.throws(() => tg.utils.confusionMatrix(scores, targets), /confusionMatrix: .*webgpu device/);
  assert.equal(tg.utils.accuracy(await scores.cpuAsync(), await targets.cpuAsync()), 1);
});

test("tg.utils.checkGradients on webgpu names checkGradientsAsync, which works", { skip }, async () => {
  const model = new tg.nn.Linear(3, 2).to("webgpu");
  model(tg.randn([4, 3]).to("webgpu"))
    .sum()
    .backward();
  assert.throws(
    () => tg.utils.checkGradients(model),
    /^DeviceError: checkGradients: .*webgpu device.*await tg\.utils\.checkGradientsAsync\(model\)/,
  );
  const report = await tg.utils.checkGradientsAsync(model);
  assert.ok(Array.isArray(report.warnings));
});

test("saveSafetensors reads webgpu tensors first; saveModel of a webgpu model names the way out", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tg-webgpu-save-"));
  try {
    const model = new tg.nn.Linear(3, 2).to("webgpu");
    const file = join(dir, "w.safetensors");
    await saveSafetensors(file, model.stateDict());
    const back = await loadSafetensors(file);
    assert.deepEqual(Array.from(back.tensors.weight.toArray()), Array.from(await model.weight.toArrayAsync()));
    await assert.rejects(
      saveModel(join(dir, "m.safetensors"), model),
      /safetensors: a tensor on the webgpu device .*await model\.toAsync\("cpu"\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
