import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.js";
import { ints, type OpCase, randn, runTable, uniform, values } from "./webgpu_ops_harness.js";

// Ops that used to read their input on the host (asin, acos, atan, atan2, sort and its kin...) on webgpu against the
// CPU, and the clear refusals of the data-dependent ones that must read values to know their output's shape.

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
