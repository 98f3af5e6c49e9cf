import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.js";
import { bools, type Input, ints, type OpCase, randn, runTable, uniform, values } from "./webgpu_ops_harness.js";

// Elementwise ops (unary, binary with broadcasting, comparisons, logical, isnan...) on webgpu against the CPU.

/** Integer-valued floats in [0, 3): ties for comparisons, maximum/minimum and clamp. */
const small =
  (shape: number[]): Input =>
  (g) =>
    tg.randint(0, 3, shape, { generator: g }).float();
const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1, -1, 1e30, -1e-30, 88.5, -104, 0.5, -2.5];

type Unary = (x: tg.Tensor) => tg.Tensor;
const UNARY: [string, Unary, Input?, number?][] = [
  ["neg", (x) => x.neg()],
  ["abs", (x) => x.abs()],
  ["sign", (x) => x.sign()],
  ["exp", (x) => x.exp()],
  ["log", (x) => x.log(), uniform([13, 7], 0.05, 20)],
  ["log1p", (x) => x.log1p(), uniform([13, 7], -0.9, 10)],
  ["expm1", (x) => x.expm1()],
  ["sqrt", (x) => x.sqrt(), uniform([13, 7], 0.05, 20)],
  ["rsqrt", (x) => x.rsqrt(), uniform([13, 7], 0.05, 20)],
  ["square", (x) => x.square()],
  ["reciprocal", (x) => x.reciprocal(), uniform([13, 7], 0.5, 3)],
  ["sin", (x) => x.sin()],
  ["cos", (x) => x.cos()],
  ["tanh", (x) => x.tanh()],
  ["sigmoid", (x) => x.sigmoid()],
  ["relu", (x) => x.relu()],
  ["erf", (x) => x.erf()],
  ["floor", (x) => x.mul(3).floor()],
  ["ceil", (x) => x.mul(3).ceil()],
  ["round", (x) => x.mul(3).round()],
];

const cases: OpCase[] = [];
for (const [name, f, input, atol] of UNARY) {
  // On the transpose of an odd-shaped tensor (a strided view), and on a strided slice.
  cases.push({ name: `${name} on a transposed [13, 7]`, inputs: [input ?? randn([13, 7])], fn: (x) => f(x.T), atol });
  cases.push({ name: `${name} on a strided slice`, inputs: [input ?? randn([13, 7])], fn: (x) => f(x.get("1::2, ::3")), atol });
}
for (const [name, f] of UNARY) {
  if (name === "log" || name === "sqrt" || name === "rsqrt") continue;
  // sin and cos reduce their argument exactly only for |x| < 1e5 (see wgsl.ts): 1e30 is left out for them.
  const special = name === "sin" || name === "cos" ? SPECIAL.filter((v) => Math.abs(v) < 1e5 || !Number.isFinite(v)) : SPECIAL;
  cases.push({ name: `${name} on NaN, ±Inf, ±0 and extremes`, inputs: [values(special)], fn: (x) => f(x), grad: false });
}
cases.push({ name: "sin and cos of arguments up to 1e4", inputs: [uniform([64], -1e4, 1e4)], fn: (x) => [x.sin(), x.cos()] });
cases.push(
  {
    name: "log, sqrt, rsqrt on NaN, ±Inf, ±0, negatives",
    inputs: [values(SPECIAL)],
    fn: (x) => [x.log(), x.sqrt(), x.rsqrt()],
    grad: false,
  },
  { name: "isnan, isinf, isfinite", inputs: [values(SPECIAL)], fn: (x) => [x.isnan(), x.isinf(), x.isfinite()] },
  { name: "isnan on int32 and bool", inputs: [ints([5], 9, -4), bools([5])], fn: (a, b) => [a.isnan(), b.isinf(), a.isfinite()] },
  {
    name: "neg, abs, sign, square, relu on int32",
    inputs: [ints([4, 5], 7, -6)],
    fn: (x) => [x.neg(), x.abs(), x.sign(), x.square(), x.relu()],
  },
  { name: "floor, ceil, round keep int32", inputs: [ints([9], 7, -6)], fn: (x) => [x.floor(), x.ceil(), x.round()] },
  { name: "round half to even", inputs: [values([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49999997])], fn: (x) => x.round() },
);

type Binary = (a: tg.Tensor, b: tg.Tensor) => tg.Tensor;
type Domain = (shape: number[]) => Input;
const positive: Domain = (shape) => uniform(shape, 0.5, 2);
const BINARY: [string, Binary, Domain?, Domain?][] = [
  ["add", (a, b) => a.add(b)],
  ["add with alpha", (a, b) => a.add(b, { alpha: 2.5 })],
  ["sub", (a, b) => a.sub(b)],
  ["sub with alpha", (a, b) => a.sub(b, { alpha: -0.5 })],
  ["mul", (a, b) => a.mul(b)],
  ["div", (a, b) => a.div(b), randn, positive],
  ["pow", (a, b) => a.pow(b), (shape) => uniform(shape, 0.2, 3), randn],
  ["maximum", (a, b) => a.maximum(b), small, small],
  ["minimum", (a, b) => a.minimum(b), small, small],
];
for (const [name, f, da = randn, db = randn] of BINARY) {
  cases.push({ name: `${name}: [5, 1, 7] with [3, 1] broadcast`, inputs: [da([5, 1, 7]), db([3, 1])], fn: f });
  cases.push({
    name: `${name}: transposed with an expanded row`,
    inputs: [da([5, 7]), db([7])],
    fn: (a, b) => f(a.T, b.reshape([7, 1]).expand([7, 5])),
  });
}
const COMPARE: [string, Binary][] = [
  ["eq", (a, b) => a.eq(b)],
  ["ne", (a, b) => a.ne(b)],
  ["lt", (a, b) => a.lt(b)],
  ["le", (a, b) => a.le(b)],
  ["gt", (a, b) => a.gt(b)],
  ["ge", (a, b) => a.ge(b)],
  ["logicalAnd", (a, b) => a.logicalAnd(b)],
  ["logicalOr", (a, b) => a.logicalOr(b)],
];
for (const [name, f] of COMPARE) {
  cases.push(
    { name: `${name} on floats with ties, broadcast`, inputs: [small([4, 1, 5]), small([3, 5])], fn: f },
    { name: `${name} on int32 against a scalar tensor`, inputs: [ints([6, 3], 3), ints([], 3)], fn: (a, b) => f(a.T, b) },
    { name: `${name} on bools`, inputs: [bools([7]), bools([7])], fn: f },
    { name: `${name} with NaN`, inputs: [values(SPECIAL), values([...SPECIAL].reverse())], fn: f },
  );
}
cases.push(
  {
    name: "logicalNot on float, int32 and bool",
    inputs: [small([5]), ints([5], 2), bools([5])],
    fn: (a, b, c) => [a.logicalNot(), b.logicalNot(), c.logicalNot()],
  },
  {
    name: "maximum and minimum propagate NaN",
    inputs: [values(SPECIAL), values([...SPECIAL].reverse())],
    fn: (a, b) => [a.maximum(b), a.minimum(b)],
    grad: false,
  },
  {
    name: "pow on negative bases and special exponents",
    inputs: [
      values([-2, -2, -0.5, 0, 0, -0, 2, Number.NaN, -3, 0]),
      values([3, 0.5, -3, -1, 0, -3, Number.NaN, 0, 2, Number.POSITIVE_INFINITY]),
    ],
    fn: (a, b) => a.pow(b),
    grad: false,
  },
  {
    name: "pow by scalars",
    inputs: [randn([6, 5])],
    fn: (x) => [x.pow(2), x.pow(3), x.abs().add(0.1).pow(0.5), x.abs().add(0.1).pow(-1.5)],
  },
  {
    name: "pow with large exponents",
    inputs: [uniform([40], 0.5, 3), uniform([40], -20, 20)],
    fn: (a, b) => [a.pow(b), a.neg().pow(b.round()), tg.pow(2, b.round())],
  },
  {
    name: "int32 arithmetic",
    inputs: [ints([4, 6], 10, -10), ints([6], 5, 1)],
    fn: (a, b) => [a.add(b), a.sub(b), a.mul(b), a.maximum(b), a.minimum(b), a.pow(ints([6], 3)(new tg.Generator(1)).to(a.device))],
  },
  {
    name: "int32 division: true, floor and trunc",
    inputs: [ints([4, 6], 10, -10), ints([6], 5, 1)],
    fn: (a, b) => [
      a.div(b),
      a.div(b, { roundingMode: "floor" }),
      a.div(b, { roundingMode: "trunc" }),
      a.div(b.neg(), { roundingMode: "floor" }),
    ],
  },
  {
    name: "float floor and trunc division",
    inputs: [randn([5, 6]), uniform([6], -2, 2)],
    fn: (a, b) => [a.mul(5).div(b, { roundingMode: "floor" }), a.mul(5).div(b, { roundingMode: "trunc" })],
    grad: false,
  },
  { name: "float division by zero", inputs: [values([1, -1, 0, Number.NaN]), values([0, 0, 0, 0])], fn: (a, b) => a.div(b), grad: false },
  { name: "int32 plus float promotes", inputs: [ints([3, 4], 5), randn([4])], fn: (a, b) => [a.add(b), a.mul(2.5), a.add(true)] },
  {
    name: "bools mixed with int32 and float operands",
    inputs: [bools([3, 5]), bools([5]), ints([3, 5], 4, -4), randn([5])],
    fn: (p, q, i, x) => [p.add(i), q.mul(x), p.sub(x), p.eq(q), p.lt(i), p.ne(x), tg.where(p, q, false), p.sum(1)],
  },
  {
    name: "float to int32 casts truncate toward zero",
    inputs: [uniform([12], -100, 100)],
    grad: false,
    fn: (x) => [x.int(), x.neg().int(), x.div(7).int()],
  },
  {
    name: "scalars on both sides",
    inputs: [randn([3, 5])],
    fn: (x) => [x.add(1.5), x.sub(2), x.mul(-3), x.div(4), tg.sub(1, x), tg.div(2, x.abs().add(1)), tg.pow(2, x)],
  },
  { name: "clamp with numbers", inputs: [randn([9, 4])], fn: (x) => [x.clamp(-0.5, 0.5), x.clamp(null, 0.2), x.clamp(-0.1)] },
  {
    name: "clamp with tensor bounds and ties",
    inputs: [small([5, 4]), small([4]), small([5, 1])],
    fn: (x, lo, hi) => x.clamp(lo, hi.add(1)),
  },
  { name: "clamp on int32", inputs: [ints([8], 10, -10)], fn: (x) => x.clamp(-3, 4) },
  { name: "where with broadcast condition", inputs: [bools([4, 1]), randn([4, 5]), randn([5])], fn: (c, a, b) => tg.where(c, a, b) },
  {
    name: "where with a scalar and a transposed operand",
    inputs: [bools([5, 4]), randn([4, 5])],
    fn: (c, a) => [tg.where(c, a.T, 0.5), a.T.where(c, -1)],
  },
  {
    name: "where on int32 and bool values",
    inputs: [bools([6]), ints([6], 9), bools([6])],
    fn: (c, a, b) => [tg.where(c, a, 7), tg.where(c, b, c.logicalNot())],
  },
  {
    name: "chained elementwise on one view",
    inputs: [randn([6, 9]), randn([9])],
    fn: (x, b) => x.get(":, 1:8").mul(b.get("1:8")).tanh().add(1).sigmoid().mul(x.get(":, ::4").sum(1, true)),
  },
  {
    name: "0-dim tensors",
    inputs: [randn([]), randn([]), randn([3])],
    fn: (a, b, c) => [a.exp(), a.mul(b), a.add(c), tg.where(a.gt(b), a, b), a.reshape([1, 1]).expand([2, 3])],
  },
  {
    name: "rank 6 with size-1 dims, broadcast both ways",
    inputs: [randn([2, 1, 3, 1, 2, 3]), randn([1, 4, 1, 2, 1, 3])],
    fn: (a, b) => [
      a.mul(b),
      a
        .permute([5, 4, 3, 2, 1, 0])
        .sub(b.permute([5, 4, 3, 2, 1, 0]))
        .tanh(),
    ],
  },
  // Empty tensors: every kernel must accept zero elements (and zero-size broadcasts).
  { name: "unary and binary on [0, 5]", inputs: [randn([0, 5]), randn([5])], fn: (a, b) => [a.exp(), a.add(b), a.gt(b), a.relu().mul(2)] },
  { name: "broadcast to a zero dim", inputs: [randn([3, 1]), randn([0])], fn: (a, b) => [a.add(b), tg.where(a.gt(0), a, b)] },
  // Large: ≥ 2^18 elements, more workgroups than one dispatch dimension allows on some adapters.
  {
    name: "large: sigmoid·tanh with a broadcast row, [512, 520]",
    inputs: [randn([512, 520]), randn([520])],
    fn: (a, b) => a.sigmoid().mul(b.tanh()).add(a),
  },
  {
    name: "comparisons and where on a transposed [60, 48]",
    inputs: [randn([60, 48])],
    fn: (x) => tg.where(x.T.gt(0.3), x.T.exp(), x.T.square()),
  },
);

runTable(cases, await webgpuSkip());
