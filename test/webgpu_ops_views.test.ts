import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.js";
import { bools, ints, type OpCase, randn, runTable } from "./webgpu_ops_harness.js";

// Views and slicing (get/set), indexing and joining, in-place ops and creation ops with a device, on webgpu against
// the CPU. Views are materialized with `contiguous()` or read strided; in-place ops run on clones so that the leaves'
// gradients flow through them.

const idx = (data: number[]) => () => tg.tensor(data, { dtype: "int32" });

const cases: OpCase[] = [
  // Views.
  {
    name: "view and reshape of a contiguous tensor",
    inputs: [randn([4, 6])],
    fn: (x) => [x.view([3, 8]), x.reshape([2, -1, 3]), x.viewAs(tg.zeros([24]))],
  },
  { name: "reshape of a transposed tensor (a copy)", inputs: [randn([5, 6])], fn: (x) => x.T.reshape([3, 10]) },
  {
    name: "transpose, permute, mT, T",
    inputs: [randn([3, 4, 5])],
    fn: (x) => [x.transpose(0, 2), x.permute([1, 2, 0]), x.mT, x.permute([2, 0, 1]).contiguous()],
  },
  {
    name: "expand and expandAs",
    inputs: [randn([3, 1]), randn([1, 4])],
    fn: (a, b) => [a.expand([2, 3, 4]), b.expandAs(tg.zeros([3, 4])), a.expand([3, 5]).contiguous()],
  },
  {
    name: "squeeze, unsqueeze, flatten, unflatten",
    inputs: [randn([3, 1, 4, 1])],
    fn: (x) => [x.squeeze(), x.squeeze(1), x.unsqueeze(-1), x.flatten(), x.flatten(1, 2), x.squeeze().unflatten(1, [2, 2])],
  },
  {
    name: "select and narrow",
    inputs: [randn([5, 6, 3])],
    fn: (x) => [x.select(1, 4), x.select(-1, 0), x.narrow(0, 1, 3), x.narrow(1, 2, 0)],
  },
  {
    name: "contiguous, clone and detach of a strided view",
    inputs: [randn([6, 7])],
    fn: (x) => [x.get("1::2, ::3").contiguous(), x.T.clone(), x.get("::2").detach().add(x.get("::2"))],
  },
  // Slicing with get.
  {
    name: "get with slices, steps and negative indices",
    inputs: [randn([6, 7, 5])],
    fn: (x) => [x.get("1:5, :, -1"), x.get("::2, 1::3"), x.get(-2), x.get("..., 1:4"), x.get(0, tg.slice(null, null, 2))],
  },
  {
    name: "get with None and ellipsis",
    inputs: [randn([4, 5])],
    fn: (x) => [x.get("None, :, 2"), x.get("..., None"), x.get(":, None, 1:3")],
  },
  {
    name: "get with an int32 index tensor",
    inputs: [randn([6, 4]), idx([4, 0, 4, 2])],
    fn: (x, i) => [x.get(i), x.get(":", tg.tensor([3, 1], { dtype: "int32" }).to(x.device))],
  },
  { name: "get of an empty slice", inputs: [randn([5, 4])], fn: (x) => [x.get("3:3"), x.get(":, 4:")] },
  // Writing with set (in place on a clone).
  { name: "set a slice to a number", inputs: [randn([5, 6])], fn: (x) => x.clone().set("1:4, ::2", 0.5) },
  { name: "set a row to a broadcast tensor", inputs: [randn([5, 6]), randn([6])], fn: (x, v) => x.clone().set([2], v) },
  {
    name: "set a strided block from a transposed tensor",
    inputs: [randn([6, 6]), randn([3, 3])],
    fn: (x, v) => x.clone().set("::2, 1::2", v.T),
  },
  { name: "set through an int32 index", inputs: [randn([5, 3]), idx([0, 3]), randn([2, 3])], fn: (x, i, v) => x.clone().set(i, v) },
  // Indexing and joining.
  {
    name: "gather along dim 1 and -2",
    inputs: [randn([4, 5]), ints([4, 3], 5), ints([2, 5], 4)],
    fn: (x, i, j) => [x.gather(1, i), x.gather(-2, j)],
  },
  { name: "gather from a transposed tensor", inputs: [randn([5, 4]), ints([4, 6], 5)], fn: (x, i) => x.T.gather(1, i) },
  {
    name: "scatter and scatterAdd with repeated indices",
    inputs: [randn([4, 5]), ints([3, 5], 4), randn([3, 5])],
    fn: (x, i, s) => [x.scatter(0, i, s), x.scatterAdd(0, i, s), x.scatter(0, i, 2.5)],
    rtol: 1e-4,
    atol: 1e-5,
  },
  {
    name: "scatterAdd into zeros along dim 1",
    inputs: [ints([3, 8], 4), randn([3, 8])],
    fn: (i, s) => tg.zeros([3, 4], { device: s.device }).scatterAdd(1, i, s),
  },
  {
    name: "indexSelect along dims 0 and 1",
    inputs: [randn([5, 6]), idx([4, 0, 0, 2])],
    fn: (x, i) => [x.indexSelect(0, i), x.indexSelect(1, i), x.T.indexSelect(0, i)],
  },
  {
    name: "maskedFill with a broadcast mask",
    inputs: [randn([4, 5]), bools([5])],
    fn: (x, m) => [x.maskedFill(m, -1), x.maskedFill(m.reshape([1, 5]), Number.NEGATIVE_INFINITY).exp()],
  },
  {
    name: "cat along dims 0, 1 and -1 with an empty part",
    inputs: [randn([2, 3]), randn([4, 3]), randn([0, 3])],
    fn: (a, b, c) => [tg.cat([a, b, c]), tg.cat([a.T, b.T], 1), tg.cat([a, a.mul(2)], -1)],
  },
  { name: "stack", inputs: [randn([3, 4]), randn([3, 4])], fn: (a, b) => [tg.stack([a, b]), tg.stack([a, b.T.T], 2)] },
  {
    name: "split, chunk and unbind",
    inputs: [randn([7, 4])],
    fn: (x) => [...x.split(3), ...x.split([2, 5], 0), ...x.chunk(2, 1), ...x.T.unbind(0)],
  },
  {
    name: "flip, repeat and tile",
    inputs: [randn([3, 4])],
    fn: (x) => [x.flip(0), x.flip([0, 1]), x.repeat([2, 1, 3]), x.tile([2]), x.T.flip(-1)],
  },
  {
    name: "pad with constants",
    inputs: [randn([2, 3, 4])],
    fn: (x) => [tg.nn.functional.pad(x, [1, 2]), tg.nn.functional.pad(x, [0, 1, 2, 0], "constant", 1.5)],
  },
  {
    name: "pad with reflect, replicate and circular",
    inputs: [randn([2, 3, 5])],
    fn: (x) => [
      tg.nn.functional.pad(x, [2, 1], "reflect"),
      tg.nn.functional.pad(x, [1, 3, 2, 0], "replicate"),
      tg.nn.functional.pad(x.mT, [1, 1], "circular"),
    ],
  },
  { name: "tril and triu", inputs: [randn([5, 6])], fn: (x) => [x.tril(), x.triu(1), x.tril(-2), x.T.triu()] },
  { name: "oneHot", inputs: [ints([7], 4)], fn: (i) => [tg.oneHot(i, 5), tg.oneHot(i.reshape([7, 1]), 4)] },
  {
    name: "where with an index-built mask",
    inputs: [randn([6]), idx([1, 4])],
    fn: (x, i) => tg.where(tg.zeros([6], { dtype: "bool", device: x.device }).scatter(0, i, true), x, x.neg()),
  },
  // In-place ops (on clones, so autograd sees them).
  {
    name: "add_, sub_, mul_, div_ with broadcasting",
    inputs: [randn([4, 5]), randn([5])],
    fn: (x, b) => [x.clone().add_(b), x.clone().sub_(b, { alpha: 2 }), x.clone().mul_(b), x.clone().div_(b.abs().add(1))],
  },
  {
    name: "pow_, clamp_, neg_, abs_",
    inputs: [randn([4, 5])],
    fn: (x) => [x.clone().abs_().pow_(1.5), x.clone().clamp_(-0.3, 0.4), x.clone().neg_(), x.clone().abs_()],
  },
  {
    name: "exp_, log_, sqrt_, relu_, sigmoid_, tanh_",
    inputs: [randn([4, 5])],
    fn: (x) => [
      x.clone().exp_(),
      x.clone().abs_().add_(0.1).log_(),
      x.clone().abs_().sqrt_(),
      x.clone().relu_(),
      x.clone().sigmoid_(),
      x.clone().tanh_(),
    ],
  },
  // Recorded in-place ops on views throw (tensorgrad does not rebase views), so these run without recording.
  {
    name: "in-place ops on strided views write through",
    inputs: [randn([5, 6])],
    grad: false,
    fn: (x) =>
      tg.noGrad(() => {
        const y = x.clone();
        y.get("::2, 1::2").mul_(3).add_(1);
        y.T.get(0).zero_();
        y.get(":, -1").copy_(y.get(":, 0").mul(2));
        y.get("-1").fill_(9);
        return y;
      }),
  },
  {
    name: "zero_, fill_, copy_",
    inputs: [randn([3, 4]), randn([4])],
    grad: false,
    fn: (x, v) => [x.clone().zero_(), x.clone().fill_(2.5), x.clone().copy_(v), x.clone().copy_(x.T.mul(2).T)],
  },
  {
    name: "copy_ gradients to the source",
    inputs: [randn([3, 4])],
    fn: (x) => [tg.zerosLike(x).copy_(x.T.mul(2).T), tg.zeros([2, 3, 4], { device: x.device }).copy_(x)],
  },
  {
    name: "zero_, fill_, copy_ on clones of a leaf that other outputs also use",
    inputs: [randn([3, 4])],
    fn: (x) => [x.clone().zero_(), x.clone().fill_(1), x.clone().copy_(x.mul(2))],
  },
  {
    name: "maskedFill_, scatter_, scatterAdd_",
    inputs: [randn([3, 4]), bools([3, 4]), ints([2, 4], 3), randn([2, 4])],
    fn: (x, m, i, s) => [x.clone().maskedFill_(m, 0.25), x.clone().scatter_(0, i, s), x.clone().scatterAdd_(0, i, s)],
  },
  {
    name: "in-place on int32 and bool",
    inputs: [ints([6], 9, -9), bools([6])],
    fn: (a, b) => [a.clone().add_(3), a.clone().mul_(a), a.clone().clamp_(-2, 2), b.clone().fill_(true), a.clone().neg_()],
  },
  // Creation ops with a device (the device of an input, so that one function serves both).
  {
    name: "zeros, ones, full, empty shapes, arange, linspace, eye",
    inputs: [randn([2])],
    grad: false,
    fn: (x) => {
      const device = x.device;
      return [
        tg.zeros([2, 3], { device }),
        tg.ones([4], { device, dtype: "int32" }),
        tg.full([2, 2], 7.5, { device }),
        tg.full([3], true, { device }),
        tg.full([4], Number.NaN, { device }),
        tg.full([2], Number.NEGATIVE_INFINITY, { device }),
        tg.full([3], -7, { device, dtype: "int32" }),
        tg.arange(2, 11, 3, { device }),
        tg.linspace(-1, 1, 7, { device }),
        tg.eye(3, 4, { device }),
        tg.empty([0, 3], { device }),
      ];
    },
  },
  {
    name: "tensor and the *Like forms",
    inputs: [randn([2, 3])],
    grad: false,
    fn: (x) => [
      tg.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { device: x.device },
      ),
      tg.zerosLike(x),
      tg.onesLike(x),
      tg.fullLike(x, -2),
      tg.emptyLike(x).mul(0),
      tg.tensor([true, false], { device: x.device }),
    ],
  },
  {
    name: "seeded rand, randn, randint, randperm, normal, bernoulli",
    inputs: [randn([2])],
    grad: false,
    fn: (x) => {
      const g = new tg.Generator(7);
      const device = x.device;
      return [
        tg.rand([3, 4], { generator: g, device }),
        tg.randn([5], { generator: g, device }),
        tg.randint(0, 9, [6], { generator: g, device }),
        tg.randperm(8, { generator: g, device }),
        tg.normal(1, 2, [4], { generator: g, device }),
        tg.bernoulli(0.3, [10], { generator: g, device }),
      ];
    },
  },
  {
    name: "uniform_ and normal_ with a generator",
    inputs: [randn([3, 4])],
    grad: false,
    fn: (x) => {
      const g = new tg.Generator(3);
      return [x.clone().uniform_(-1, 1, { generator: g }), x.clone().normal_(2, 0.5, { generator: g })];
    },
  },
  // Dtype casts.
  {
    name: "casts between float32, int32 and bool",
    inputs: [randn([9]), ints([9], 3, -1)],
    fn: (x, i) => [x.mul(3).int(), x.bool(), i.float(), i.bool(), i.bool().float(), x.gt(0).int()],
  },
  {
    name: "transpose-contiguous and cat of [64, 60]",
    inputs: [randn([64, 60])],
    fn: (x) => [x.T.contiguous(), tg.cat([x.get("::2"), x.get("1::2")], 1)],
  },
];

runTable(cases, await webgpuSkip());
