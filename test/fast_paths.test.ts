import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

/** Bit patterns, so that the fast paths are checked to round exactly as the general ones. */
const bits = (t: tg.Tensor): number[] => Array.from(new Uint32Array(new Float32Array(t.toArray() as Float32Array).buffer));
const bits64 = (t: tg.Tensor): string[] => Array.from(t.toArray() as Float64Array, (v) => (Object.is(v, -0) ? "-0" : String(v)));

describe("in-place axpy and leading-dim sums give what the general paths give", () => {
  for (const backend of ["cpu", "wasm"] as const) {
    it(`add_(other, alpha) equals add(x, mul(other, alpha)) bit for bit (${backend})`, () => {
      tg.setBackend(backend);
      tg.manualSeed(5);
      for (const dtype of ["float32", "float64"] as const) {
        for (const alpha of [undefined, 1, -0.05, 0.1, -3.7e-3, 1e30]) {
          const x = tg.randn([7, 13], { dtype });
          const g = tg.randn([7, 13], { dtype });
          const expected = alpha === undefined ? x.add(g) : x.add(g.mul(alpha));
          const before = x._version;
          x.add_(g, alpha === undefined ? undefined : { alpha });
          assert.ok(x._version > before);
          if (dtype === "float32") assert.deepEqual(bits(x), bits(expected));
          else assert.deepEqual(bits64(x), bits64(expected));
        }
      }
      // A view as the destination, a transposed (non-contiguous) source, and the same tensor on both sides.
      const base = tg.randn([4, 6]);
      const row = base.get(1);
      const src = tg.randn([6]);
      const want = row.add(src.mul(0.5));
      row.add_(src, { alpha: 0.5 });
      assert.deepEqual(bits(base.get(1)), bits(want));
      const t = tg.randn([5, 5]);
      const tT = tg.randn([5, 5]).mT;
      const wantT = t.add(tT.mul(-2));
      t.add_(tT, { alpha: -2 });
      assert.deepEqual(bits(t), bits(wantT));
      const self = tg.randn([3, 3]);
      const wantSelf = self.add(self.mul(0.25));
      self.add_(self, { alpha: 0.25 });
      assert.deepEqual(bits(self), bits(wantSelf));
      tg.setBackend("wasm");
    });
  }

  it("sum over leading dims of a contiguous tensor equals the sum of a strided copy", () => {
    tg.setBackend("cpu");
    tg.manualSeed(6);
    const x = tg.randn([9, 4, 5]);
    // The same values laid out differently (a non-contiguous view) take the general path.
    const strided = x.permute(2, 1, 0).contiguous().permute(2, 1, 0);
    assert.equal(strided.isContiguous(), false);
    for (const dims of [[0], [0, 1], [0, 1, 2]]) {
      assert.deepEqual(bits(x.sum(dims)), bits(strided.sum(dims)));
      assert.deepEqual(bits(x.sum(dims, true)), bits(strided.sum(dims, true)));
    }
    const i = tg.tensor(new Int32Array([1, 2, 3, 4, 5, 6])).reshape([3, 2]);
    assert.deepEqual(Array.from(i.sum(0).toArray()), [9, 12]);
    assert.deepEqual(Array.from(tg.zeros([0, 3]).sum(0).toArray()), [0, 0, 0]);
    tg.setBackend("wasm");
  });

  it("a Linear's weight and bias gradients are stored without a copy, yet stay their own", () => {
    tg.manualSeed(7);
    const lin = new tg.nn.Linear(3, 2);
    const bias = lin.bias as tg.Tensor;
    const x = tg.randn([4, 3]);
    lin(x).sum().backward();
    const g1 = (lin.weight.grad as tg.Tensor).clone();
    const b1 = (bias.grad as tg.Tensor).clone();
    // A second backward accumulates into fresh tensors; an in-place change of .grad touches nothing else.
    lin(x).sum().backward();
    assert.deepEqual(bits(lin.weight.grad as tg.Tensor), bits(g1.mul(2)));
    assert.deepEqual(bits(bias.grad as tg.Tensor), bits(b1.mul(2)));
    // A hook that keeps the gradient it sees gets a tensor that .grad does not alias.
    lin.weight.grad = null;
    const seen: tg.Tensor[] = [];
    const handle = lin.weight.registerHook((g) => {
      seen.push(g);
      return undefined;
    });
    lin(x).sum().backward();
    handle.remove();
    const stored = lin.weight.grad as tg.Tensor | null;
    assert.ok(stored);
    stored.zero_();
    assert.deepEqual(bits(seen[0]), bits(g1));
  });

  it("matmul and broadcast-add gradients are stored without a copy, yet each leaf's .grad is its own", () => {
    tg.manualSeed(8);
    const F = tg.nn.functional;
    const x = tg.randn([4, 3]);
    const ownGrads = (a: tg.Tensor, b: tg.Tensor) => {
      const gb = (b.grad as tg.Tensor).clone();
      (a.grad as tg.Tensor).zero_();
      assert.deepEqual(bits(b.grad as tg.Tensor), bits(gb));
    };
    // One gradient handed on to two leaves (add's backward gives both inputs the same tensor): no aliasing.
    const uses: [number[], (w: tg.Tensor) => tg.Tensor][] = [
      [[3, 2], (w) => x.matmul(w)],
      [[2, 3], (w) => F.linear(x, w)],
    ];
    for (const [shape, use] of uses) {
      const w1 = tg.randn(shape).requiresGrad_();
      const w2 = tg.randn(shape).requiresGrad_();
      use(w1.add(w2)).sum().backward();
      assert.deepEqual(bits(w1.grad as tg.Tensor), bits(w2.grad as tg.Tensor));
      ownGrads(w1, w2);
    }
    // Two leaves of one shape through add, and the sum over the batch of a broadcast bias.
    const a = tg.randn([4, 3]).requiresGrad_();
    const b = tg.randn([4, 3]).requiresGrad_();
    a.add(b).mul(2).sum().backward();
    ownGrads(a, b);
    // The same leaf on both sides of a matmul: the two products are summed.
    const s = tg.randn([3, 3], { dtype: "float64" }).requiresGrad_();
    s.matmul(s).sum().backward();
    const ones = tg.ones([3, 3], { dtype: "float64" });
    const want = ones.matmul(s.detach().T).add(s.detach().T.matmul(ones));
    assert.deepEqual(Array.from((s.grad as tg.Tensor).toArray()), Array.from(want.toArray()));
    // A second backward accumulates into a fresh tensor: a .grad read before is left as it was.
    const w = tg.randn([3, 2]).requiresGrad_();
    const bias = tg.zeros([2], { requiresGrad: true });
    const loss = () => x.matmul(w).add(bias).relu().sum();
    loss().backward();
    const [gw, gb] = [w.grad as tg.Tensor, bias.grad as tg.Tensor];
    const [gw1, gb1] = [gw.clone(), gb.clone()];
    loss().backward();
    assert.deepEqual(bits(gw), bits(gw1));
    assert.deepEqual(bits(gb), bits(gb1));
    assert.deepEqual(bits(w.grad as tg.Tensor), bits(gw1.mul(2)));
    assert.deepEqual(bits(bias.grad as tg.Tensor), bits(gb1.mul(2)));
    // autograd.grad hands out the gradients it computes; they are not kept anywhere.
    const [gwOnly] = tg.autograd.grad(x.matmul(w).sum(), [w]);
    const copy = (gwOnly as tg.Tensor).clone();
    w.grad = null;
    x.matmul(w).sum().backward();
    (w.grad as tg.Tensor | null)?.zero_();
    assert.deepEqual(bits(gwOnly as tg.Tensor), bits(copy));
  });
});
