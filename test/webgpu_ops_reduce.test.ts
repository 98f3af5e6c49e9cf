import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.js";
import { bools, type Input, ints, type OpCase, randn, runTable, uniform, values } from "./webgpu_ops_harness.js";

// Reductions (dims, keepdim, negative dims, var/std/logsumexp/norm, cumsum, arg-reductions) and linear algebra on
// webgpu against the CPU.

/** Integer-valued floats: ties for max/min/argmax. */
const small =
  (shape: number[]): Input =>
  (g) =>
    tg.randint(0, 4, shape, { generator: g }).float();

type Reduce = (x: tg.Tensor) => tg.Tensor | tg.Tensor[];
const REDUCE: [string, Reduce, Input?][] = [
  ["sum over all", (x) => x.sum()],
  ["sum over dim 1", (x) => x.sum(1)],
  ["sum over -1 keepdim", (x) => x.sum(-1, true)],
  ["sum over [0, 2]", (x) => x.sum([0, 2])],
  ["mean over [-3, -1] keepdim", (x) => x.mean([-3, -1], true)],
  ["mean over all", (x) => x.mean()],
  ["prod over dim 0", (x) => x.prod(0), uniform([5, 6, 7], 0.6, 1.5)],
  ["prod over all", (x) => x.prod(), uniform([5, 6, 7], 0.9, 1.1)],
  ["amax over dim 2 with ties", (x) => x.amax(2), small([5, 6, 7])],
  ["amin over [0, 1] keepdim with ties", (x) => x.amin([0, 1], true), small([5, 6, 7])],
  [
    "max(dim) values and indices",
    (x) => {
      const r = x.max(1);
      return [r.values, r.indices];
    },
    small([5, 6, 7]),
  ],
  [
    "min(dim, keepdim) values and indices",
    (x) => {
      const r = x.min(-1, true);
      return [r.values, r.indices];
    },
    small([5, 6, 7]),
  ],
  ["max and min over all", (x) => [x.max(), x.min()]],
  ["argmax over dim 1 with ties", (x) => x.argmax(1), small([5, 6, 7])],
  ["argmin over -1 keepdim", (x) => x.argmin(-1, true), small([5, 6, 7])],
  ["argmax and argmin over all", (x) => [x.argmax(), x.argmin()]],
  ["var over dim 1", (x) => x.var(1)],
  ["var over [0, 2], correction 0, keepdim", (x) => x.var([0, 2], { correction: 0, keepdim: true })],
  ["std over all", (x) => x.std()],
  ["std over -2", (x) => x.std(-2)],
  ["logsumexp over dim 2", (x) => x.mul(20).logsumexp(2)],
  ["logsumexp over [0, 1] keepdim", (x) => x.logsumexp([0, 1], true)],
  ["norm 2 over all", (x) => x.norm()],
  ["norm 1 over dim 1", (x) => x.norm(1, 1)],
  ["norm 3 over -1 keepdim", (x) => x.norm(3, -1, true)],
  ["norm inf over dim 0", (x) => x.norm(Number.POSITIVE_INFINITY, 0), small([5, 6, 7])],
  ["norm fro over [1, 2]", (x) => x.norm("fro", [1, 2])],
  ["cumsum over dim 0", (x) => x.cumsum(0)],
  ["cumsum over -1", (x) => x.cumsum(-1)],
];

const cases: OpCase[] = [];
for (const [name, f, input] of REDUCE) {
  // On a contiguous [5, 6, 7] and on a permuted, sliced view of a bigger tensor.
  cases.push({ name: `${name} of [5, 6, 7]`, inputs: [input ?? randn([5, 6, 7])], fn: f });
  cases.push({
    name: `${name} of a permuted slice`,
    inputs: [input ?? randn([7, 5, 6])],
    fn: (x) => f(x.permute([1, 2, 0]).get("1:, 1:")),
  });
  cases.push({ name: `${name} of an expanded view`, inputs: [input ?? randn([1, 6, 7])], fn: (x) => f(x.expand([5, 6, 7])) });
}
cases.push(
  {
    name: "sum and any/all of bools and int32",
    inputs: [bools([4, 9]), ints([4, 9], 5, -5)],
    fn: (b, i) => [b.sum(1), b.any(1), b.all(0), i.sum(0), i.sum(), i.prod(1), i.amax(1), i.argmin(0), i.cumsum(1), b.cumsum(0)],
  },
  {
    name: "all/any over all and keepdim",
    inputs: [bools([3, 5])],
    fn: (b) => [b.all(), b.any(), b.all(1, true), b.any(-2, true), b.logicalNot().all()],
  },
  { name: "mean of integer-valued floats", inputs: [small([9, 3])], fn: (x) => x.mean(0) },
  {
    name: "reductions with NaN",
    inputs: [values([1, Number.NaN, 3, -2, 5, 0, Number.NEGATIVE_INFINITY, 2])],
    fn: (x) => {
      const v = x.reshape([2, 4]);
      return [v.sum(1), v.amax(1), v.amin(1), v.argmax(1), v.argmin(1), v.max(1).indices, v.cumsum(1), v.prod(1)];
    },
    grad: false,
  },
  {
    name: "logsumexp with infinite entries",
    inputs: [values([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, Number.POSITIVE_INFINITY, 2, 3])],
    fn: (x) => x.reshape([3, 2]).logsumexp(1),
    grad: false,
  },
  // Empty: reductions over zero elements give the identity (sum 0, prod 1); amax over an empty dim throws on both.
  { name: "sum, prod, mean over an empty dim", inputs: [randn([3, 0])], fn: (x) => [x.sum(1), x.prod(1), x.sum(), x.cumsum(1), x.sum(0)] },
  { name: "amax over a non-empty dim of an empty tensor", inputs: [randn([0, 4])], fn: (x) => [x.amax(1), x.argmax(1), x.var(1)] },
  // Large: ≥ 2^18 elements.
  { name: "large: sum, mean over dim 1 and all of [512, 640]", inputs: [randn([512, 640])], fn: (x) => [x.sum(1), x.mean(0), x.sum()] },
  {
    name: "large: amax/argmax/logsumexp of a transposed [700, 400]",
    inputs: [randn([700, 400])],
    fn: (x) => [x.T.amax(1), x.T.argmax(1), x.T.logsumexp(1)],
  },
  { name: "large: cumsum over 300000 elements", inputs: [uniform([300000], -1, 1)], fn: (x) => x.cumsum(0), atol: 1e-4 },
);

// Linear algebra: matmul of every rank combination, transposed/strided operands, broadcast batch dims.
type MM = (a: tg.Tensor, b: tg.Tensor) => tg.Tensor;
const LINALG: [string, Input, Input, MM][] = [
  ["matmul [7, 13] @ [13, 5]", randn([7, 13]), randn([13, 5]), (a, b) => a.matmul(b)],
  ["matmul 1-D @ 2-D", randn([13]), randn([13, 5]), (a, b) => a.matmul(b)],
  ["matmul 2-D @ 1-D", randn([7, 13]), randn([13]), (a, b) => a.matmul(b)],
  ["matmul 1-D @ 1-D", randn([13]), randn([13]), (a, b) => a.matmul(b)],
  ["matmul batched with broadcast batch dims", randn([3, 1, 5, 6]), randn([4, 6, 7]), (a, b) => a.matmul(b)],
  ["matmul of transposed operands", randn([13, 7]), randn([5, 13]), (a, b) => a.T.matmul(b.T)],
  ["matmul of strided slices", randn([9, 20]), randn([20, 11]), (a, b) => a.get("::2, 1::2").matmul(b.get("::2, 2:9"))],
  ["matmul of an expanded operand", randn([1, 6]), randn([6, 4]), (a, b) => a.expand([5, 6]).matmul(b)],
  ["mm", randn([4, 9]), randn([9, 3]), (a, b) => a.mm(b)],
  ["bmm of mT", randn([3, 8, 5]), randn([3, 6, 8]), (a, b) => a.mT.bmm(b.mT)],
  ["dot", randn([17]), randn([17]), (a, b) => a.dot(b)],
  ["outer", randn([7]), randn([5]), (a, b) => a.outer(b)],
  ["matmul with an empty inner dim", randn([3, 0]), randn([0, 4]), (a, b) => a.matmul(b)],
  ["matmul with an empty batch", randn([0, 3, 4]), randn([4, 2]), (a, b) => a.matmul(b)],
  ["matmul sizes at tile edges [65, 33] @ [33, 17]", randn([65, 33]), randn([33, 17]), (a, b) => a.matmul(b)],
  ["large: matmul [512, 48] @ [48, 513]", uniform([512, 48], -1, 1), uniform([48, 513], -1, 1), (a, b) => a.matmul(b)],
];
for (const [name, a, b, f] of LINALG) cases.push({ name, inputs: [a, b], fn: f });
cases.push({ name: "matmul of int32", inputs: [ints([4, 5], 5, -5), ints([5, 3], 5, -5)], fn: (a, b) => a.matmul(b) });

runTable(cases, await webgpuSkip());
