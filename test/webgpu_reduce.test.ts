import assert from "node:assert/strict";
import { it } from "node:test";
import { tg } from "./helpers.js";
import { describeWebgpu } from "./helpers_webgpu.js";

// The webgpu backend's reductions (row, column and two-pass layouts), arg-reductions, scans and its fused logSoftmax and
// axpy, against the CPU. Float sums may differ from the CPU's (which adds in float64) by the rounding of a float32 tree:
// an element passes when |gpu − cpu| ≤ 1e-5·(1 + Σ|x|) over the elements it reduces; max/min, integer and bool results
// must match exactly.

const F = tg.nn.functional;
const gen = (seed: number): tg.Generator => new tg.Generator(seed);

/** The webgpu tensor's values next to the CPU's, with a bound per element (0: exact). */
async function assertNear(gpu: tg.Tensor, cpu: tg.Tensor, bound: tg.Tensor | number, what: string): Promise<void> {
  assert.equal(gpu.device, "webgpu", `${what}: device`);
  assert.deepEqual([...gpu.shape], [...cpu.shape], `${what}: shape`);
  assert.equal(gpu.dtype, cpu.dtype, `${what}: dtype`);
  const a = await gpu.toArrayAsync();
  const e = cpu.toArray();
  const b = typeof bound === "number" ? null : bound.toArray();
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const tol = b ? Number(b[i]) : (bound as number);
    if (Number.isFinite(y) && Math.abs(x - y) <= tol) continue;
    assert.fail(`${what}: element ${i} of [${cpu.shape}]: webgpu ${x}, cpu ${y} (allowed ${tol})`);
  }
}

/** Runs `f` on the CPU tensor and on its webgpu copy and compares; float sums get the bound of the header. */
async function same(x: tg.Tensor, f: (t: tg.Tensor) => tg.Tensor, what: string, sumBound?: (t: tg.Tensor) => tg.Tensor): Promise<void> {
  const cpu = f(x);
  const gpu = f(x.to("webgpu"));
  const bound = cpu.dtype === "float32" && sumBound ? sumBound(x).add(1).mul(1e-5) : 0;
  await assertNear(gpu, cpu, bound, what);
}

const DIMS: (number[] | undefined)[] = [undefined, [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2], [-1]];
const label = (d: number[] | undefined): string => (d ? `[${d}]` : "all");

describeWebgpu("webgpu reductions", () => {
  it("sum, prod, amax and amin of float32 over every combination of dims, with and without keepdim", async () => {
    const x = tg.randn([5, 6, 7], { generator: gen(1) });
    const p = tg.rand([5, 6, 7], { generator: gen(2) }).add(0.6);
    for (const d of DIMS) {
      for (const keep of [false, true]) {
        const what = `${label(d)} keepdim=${keep}`;
        await same(
          x,
          (t) => (d ? t.sum(d, keep) : t.sum()),
          `sum ${what}`,
          (t) => (d ? t.abs().sum(d, keep) : t.abs().sum()),
        );
        await same(x, (t) => (d ? t.amax(d, keep) : t.amax()), `amax ${what}`);
        await same(x, (t) => (d ? t.amin(d, keep) : t.amin()), `amin ${what}`);
        if (d?.length === 1) {
          // prod's rounding error is relative: bound it by the product of |x|.
          await same(
            p,
            (t) => t.prod(d[0], keep),
            `prod ${what}`,
            (t) => t.abs().prod(d[0], keep).mul(10),
          );
        }
      }
    }
    await same(
      p,
      (t) => t.prod(),
      "prod all",
      (t) => t.abs().prod().mul(100),
    );
  });

  it("int32 and bool reductions match exactly (sums wrap like int32)", async () => {
    const i = tg.randint(-50, 50, [5, 6, 7], { generator: gen(3) });
    const s = tg.randint(-2, 3, [5, 6, 7], { generator: gen(4) });
    const b = tg.rand([5, 6, 7], { generator: gen(5) }).lt(0.4);
    for (const d of DIMS) {
      await same(i, (t) => (d ? t.sum(d) : t.sum()), `int sum ${label(d)}`);
      await same(i, (t) => (d ? t.amax(d) : t.amax()), `int amax ${label(d)}`);
      await same(i, (t) => (d ? t.amin(d, true) : t.amin()), `int amin ${label(d)}`);
      await same(b, (t) => (d ? t.sum(d) : t.sum()), `bool sum ${label(d)}`);
      await same(b, (t) => (d ? t.any(d) : t.any()), `bool any ${label(d)}`);
      await same(b, (t) => (d ? t.all(d) : t.all()), `bool all ${label(d)}`);
    }
    for (const d of [0, 1, 2]) await same(s, (t) => t.prod(d), `int prod [${d}]`);
    const big = tg.randint(-1_000_000, 1_000_000, [1 << 16], { generator: gen(6) }).mul(40000);
    await same(big, (t) => t.sum(), "int32 sum that wraps");
  });

  it("reduces strided, permuted, sliced and broadcast views", async () => {
    const x = tg.randn([9, 10, 11], { generator: gen(7) });
    const bound = (dims?: number[]) => (t: tg.Tensor) => (dims ? t.abs().sum(dims) : t.abs().sum());
    const views: [string, (t: tg.Tensor) => tg.Tensor][] = [
      ["permute(2, 0, 1)", (t) => t.permute(2, 0, 1)],
      ["transpose(0, 2)", (t) => t.transpose(0, 2)],
      ["narrow(1, 3, 5)", (t) => t.narrow(1, 3, 5)],
      ["every other row", (t) => t.narrow(0, 1, 8).reshape([4, 2, 10, 11]).select(1, 0)],
      ["broadcast", (t) => t.select(1, 4).unsqueeze(1).expand(9, 6, 11)],
    ];
    for (const [name, view] of views) {
      for (const d of [undefined, [0], [2], [0, 2], [1, 2]]) {
        await same(
          x,
          (t) => (d ? view(t).sum(d) : view(t).sum()),
          `sum ${label(d)} of ${name}`,
          (t) => bound(d)(view(t)),
        );
        await same(x, (t) => (d ? view(t).amax(d) : view(t).amax()), `amax ${label(d)} of ${name}`);
      }
    }
  });

  it("empty reductions: a sum of nothing is 0, a product 1", async () => {
    const e = tg.zeros([3, 0, 4]);
    await same(e, (t) => t.sum(1), "sum over an empty dim");
    await same(e, (t) => t.prod(1), "prod over an empty dim");
    await same(e, (t) => t.sum(), "sum of an empty tensor");
    await same(e, (t) => t.sum(2), "sum with an empty output");
    await same(tg.zeros([0], { dtype: "int32" }), (t) => t.sum(), "int sum of nothing");
    await same(tg.zeros([2, 0]).gt(0), (t) => t.any(1), "any of nothing");
  });

  it("large reductions: a full sum of 2^20 elements, batch norm's [0, 2, 3], a bias gradient, long rows and columns", async () => {
    const abs = (dims?: number[]) => (t: tg.Tensor) => (dims ? t.abs().sum(dims) : t.abs().sum());
    const full = tg.randn([1 << 20], { generator: gen(8) });
    await same(full, (t) => t.sum(), "sum of 2^20", abs());
    await same(full.abs(), (t) => t.sum(), "sum of 2^20 positive values", abs());
    await same(full, (t) => t.amax(), "amax of 2^20");
    await same(
      full,
      (t) => t.mean(),
      "mean of 2^20",
      (t) => t.abs().mean(),
    );
    await same(tg.ones([(1 << 20) + 3]), (t) => t.sum(), "sum of 2^20 + 3 ones");
    const bn = tg.randn([16, 8, 30, 30], { generator: gen(9) });
    await same(bn, (t) => t.sum([0, 2, 3]), "batch norm's sum over [0, 2, 3]", abs([0, 2, 3]));
    await same(bn, (t) => t.amin([0, 2, 3]), "amin over [0, 2, 3]");
    const grad = tg.randn([128, 256], { generator: gen(10) });
    await same(grad, (t) => t.sum(0), "bias gradient: sum over dim 0 of [128, 256]", abs([0]));
    const rows = tg.randn([3, 50001], { generator: gen(11) });
    await same(rows, (t) => t.sum(1), "long rows", abs([1]));
    await same(
      rows,
      (t) => t.T.sum(0),
      "long rows, transposed",
      (t) => t.T.abs().sum(0),
    );
    await same(
      rows,
      (t) => t.T.contiguous().sum(0),
      "long columns",
      (t) => t.T.abs().sum(0),
    );
    await same(tg.randint(-9, 10, [(1 << 20) + 1], { generator: gen(12) }), (t) => t.sum(), "int32 sum of 2^20 + 1");
    // Many long rows: chunked so that no thread adds more than 64 values in a row (each element counted once).
    await same(tg.ones([520, 17000]), (t) => t.sum(1), "many long rows");
  });

  it("max and min propagate NaN, in short and long rows and in full reductions", async () => {
    const x = tg.randn([4, 3000], { generator: gen(13) });
    const nan = x.where(
      tg
        .arange(3000)
        .ne(1777)
        .logicalOr(tg.tensor([[true], [false], [true], [false]])),
      Number.NaN,
    );
    for (const op of ["amax", "amin"] as const) {
      await same(nan, (t) => t[op](1), `${op} of long rows with NaN`);
      await same(nan, (t) => t[op](0), `${op} of columns with NaN`);
      await same(nan, (t) => t[op](), `${op} of everything with NaN`);
      await same(
        tg.tensor([
          [1, Number.NaN, 3],
          [Number.NEGATIVE_INFINITY, 2, 0],
        ]),
        (t) => t[op](1),
        `${op} of short rows`,
      );
    }
  });

  it("argmax and argmin: the first of ties, NaN as both the max and the min, short, long and strided rows", async () => {
    const ties = tg.randint(0, 3, [6, 7, 300], { generator: gen(14) }).float();
    for (const op of ["argmax", "argmin"] as const) {
      for (const d of [0, 1, 2, -1]) {
        await same(ties, (t) => t[op](d), `${op} over ${d} with ties`);
        await same(ties, (t) => t.transpose(0, 2)[op](d), `${op} over ${d} of a transposed view`);
      }
      await same(ties, (t) => t[op](), `${op} over everything`);
      await same(ties.int(), (t) => t[op](2), `${op} of int32`);
      const nan = ties.where(tg.rand([6, 7, 300], { generator: gen(15) }).gt(0.01), Number.NaN);
      await same(nan, (t) => t[op](2), `${op} with NaN in long rows`);
      await same(nan, (t) => t[op](0), `${op} with NaN in short rows`);
      await same(
        tg.tensor([
          [1, Number.NaN, 5, Number.NaN],
          [2, 2, 1, 1],
        ]),
        (t) => t[op](1),
        `${op} of fixed rows`,
      );
    }
    const long = tg.randn([2, 70000], { generator: gen(16) });
    await same(long, (t) => t.argmax(1), "argmax of rows of 70000");
    // One long row split into chunks: a tie between chunks goes to the first, a NaN in a late chunk wins.
    const row = tg.rand([20000], { generator: gen(34) }).toArray() as Float32Array;
    row[15000] = 7;
    row[5000] = 7;
    row[12000] = -7;
    row[3000] = -7;
    await same(tg.tensor(row), (t) => t.argmax(), "argmax with a tie across chunks");
    await same(tg.tensor(row), (t) => t.argmin(), "argmin with a tie across chunks");
    row[19000] = Number.NaN;
    row[17000] = Number.NaN;
    await same(tg.tensor(row), (t) => t.argmax(), "argmax with NaN in late chunks");
    await same(tg.tensor(row), (t) => t.argmin(), "argmin with NaN in late chunks");
  });

  it("cumsum of short and long rows along any dim, int32 and bool", async () => {
    const x = tg.randn([3, 2500], { generator: gen(17) });
    const bound = (d: number) => (t: tg.Tensor) => t.abs().cumsum(d);
    await same(x, (t) => t.cumsum(1), "long rows", bound(1));
    await same(
      x,
      (t) => t.T.cumsum(0),
      "long rows of a transposed view",
      (t) => t.T.abs().cumsum(0),
    );
    await same(x, (t) => t.cumsum(0), "short columns", bound(0));
    await same(x.narrow(1, 0, 100), (t) => t.cumsum(1), "rows of 100", bound(1));
    const y = tg.randn([4, 5, 6], { generator: gen(18) });
    for (const d of [0, 1, 2]) await same(y, (t) => t.cumsum(d), `cumsum over ${d} of [4, 5, 6]`, bound(d));
    const i = tg.randint(-100, 100, [2, 3000], { generator: gen(19) });
    await same(i, (t) => t.cumsum(1), "int32 long rows");
    await same(i.gt(0), (t) => t.cumsum(1), "bool long rows");
    await same(i.gt(0), (t) => t.cumsum(0), "bool short columns");
    // A few very long rows are scanned in chunks, each starting from the sum of the chunks before it.
    const long = tg.randn([50000], { generator: gen(35) });
    await same(
      long,
      (t) => t.cumsum(0),
      "one row of 50000",
      (t) => t.abs().cumsum(0),
    );
    await same(
      long,
      (t) => t.reshape([2, 25000]).T.cumsum(0),
      "two strided rows of 25000",
      (t) => t.abs().reshape([2, 25000]).T.cumsum(0),
    );
    await same(tg.randint(-5, 6, [2, 30001], { generator: gen(36) }), (t) => t.cumsum(1), "int32 rows of 30001");
  });

  it("logSoftmax's fused kernel matches the composed form and the CPU, values and gradients", async () => {
    const cases: [string, tg.Tensor][] = [
      ["[7, 10]", tg.randn([7, 10], { generator: gen(20) })],
      ["[3, 3000] scaled by 10", tg.randn([3, 3000], { generator: gen(21) }).mul(10)],
      ["[2, 3, 40]", tg.randn([2, 3, 40], { generator: gen(22) })],
      ["[5]", tg.randn([5], { generator: gen(23) })],
      [
        "special rows",
        tg.tensor([
          [Number.POSITIVE_INFINITY, 1, 2],
          [-Infinity, -Infinity, -Infinity],
          [Number.NaN, 1, 2],
          [-Infinity, 0, 1],
        ]),
      ],
    ];
    for (const [name, x] of cases) {
      const g = x.to("webgpu");
      const fused = g._backend.logSoftmax?.(g._view);
      assert.ok(fused, `${name}: the webgpu backend has a fused logSoftmax`);
      const composed = g.sub(g.logsumexp(-1, true));
      await assertNear(F.logSoftmax(g, -1), await composed.toAsync("cpu"), 1e-5, `${name}: fused vs composed on webgpu`);
      await same(
        x,
        (t) => F.logSoftmax(t, -1),
        `${name}: webgpu vs cpu`,
        (t) => F.logSoftmax(t, -1).abs().mul(0.1),
      );
    }
    const t = tg.randn([6, 9], { generator: gen(24) });
    await same(
      t,
      (u) => F.logSoftmax(u.T, -1),
      "a transposed view",
      (u) => F.logSoftmax(u.T, -1).abs().mul(0.1),
    );
    const ct = tg.randn([6, 9], { generator: gen(25) });
    const xc = t.clone().requiresGrad_(true);
    F.logSoftmax(xc, 1).mul(ct).sum().backward();
    const xg = t.to("webgpu").requiresGrad_(true);
    F.logSoftmax(xg, 1).mul(ct.to("webgpu")).sum().backward();
    await assertNear(xg.grad as tg.Tensor, xc.grad as tg.Tensor, 1e-5, "gradient");
  });

  it("axpy adds alpha·x in place, rounding as mul then add, and refuses views that overlap", async () => {
    const d0 = tg.randn([33, 17], { generator: gen(26) });
    const x0 = tg.randn([17, 33], { generator: gen(27) });
    const expected = d0.add(x0.T.mul(-0.37));
    const dst = d0.to("webgpu");
    const x = x0.to("webgpu");
    assert.equal(dst._backend.axpy?.(dst._view, x.T._view, -0.37), true);
    await assertNear(dst, expected, 0, "contiguous dst, transposed x");
    // A strided dst (a column of every other row) and a broadcast x.
    const base = tg.randn([8, 6], { generator: gen(28) });
    const b = base.to("webgpu");
    const col = tg.randn([4], { generator: gen(29) });
    const dv = b.narrow(1, 2, 1).reshape([4, 2, 1]).select(1, 0);
    assert.equal(b._backend.axpy?.(dv._view, col.to("webgpu").reshape([4, 1])._view, 2), true);
    const want = base.clone();
    want
      .narrow(1, 2, 1)
      .reshape([4, 2, 1])
      .select(1, 0)
      .add_(col.reshape([4, 1]).mul(2));
    await assertNear(b, want, 0, "strided dst");
    // The very same view is fine (dst += alpha·dst); an overlapping different view of one buffer is refused.
    const s = d0.to("webgpu");
    assert.equal(s._backend.axpy?.(s._view, s._view, 0.5), true);
    await assertNear(s, d0.add(d0.mul(0.5)), 0, "dst += alpha·dst");
    const before = await s.toArrayAsync();
    assert.equal(s._backend.axpy?.(s.narrow(0, 0, 32)._view, s.narrow(0, 1, 32)._view, 1), false);
    const e = s.expand(2, 33, 17);
    assert.equal(s._backend.axpy?.(e._view, e._view, 1), false, "a broadcast dst");
    const ints = tg.zeros([4], { dtype: "int32" }).to("webgpu");
    assert.equal(ints._backend.axpy?.(ints._view, ints._view, 1), false, "int32");
    assert.deepEqual(await s.toArrayAsync(), before, "refusals write nothing");
    // Through the optimizers' path: p.add_(g, alpha) without autograd.
    const p = d0.to("webgpu");
    p.add_(x.T, { alpha: -0.37 });
    await assertNear(p, expected, 0, "add_ with alpha");
  });

  it("conv2d, pooling and batch norm run on webgpu as on the CPU, forward and backward", async () => {
    const x0 = tg.randn([2, 3, 9, 9], { generator: gen(30) });
    const w0 = tg.randn([4, 3, 3, 3], { generator: gen(31) });
    const fns: [string, (x: tg.Tensor, w: tg.Tensor) => tg.Tensor][] = [
      ["conv2d padding 1", (x, w) => F.conv2d(x, w, null, { padding: 1 })],
      ["conv2d stride 2", (x, w) => F.conv2d(x, w, null, { stride: 2 })],
      ["maxPool2d 3, stride 2, padding 1", (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 })],
      ["avgPool2d 2", (x) => F.avgPool2d(x, 2)],
      ["batchNorm (training)", (x) => F.batchNorm(x, null, null, { training: true })],
    ];
    for (const [name, f] of fns) {
      const xc = x0.clone().requiresGrad_(true);
      const wc = w0.clone().requiresGrad_(true);
      const xg = x0.to("webgpu").requiresGrad_(true);
      const wg = w0.to("webgpu").requiresGrad_(true);
      const yc = f(xc, wc);
      const yg = f(xg, wg);
      await assertNear(yg, yc.detach(), 1e-4, `${name}: forward`);
      const ct = tg.randn([...yc.shape], { generator: gen(32) });
      yc.mul(ct).sum().backward();
      yg.mul(ct.to("webgpu")).sum().backward();
      await assertNear(xg.grad as tg.Tensor, xc.grad as tg.Tensor, 1e-4, `${name}: input gradient`);
      if (wc.grad) await assertNear(wg.grad as tg.Tensor, wc.grad, 1e-4, `${name}: weight gradient`);
    }
  });
});
