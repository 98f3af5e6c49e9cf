import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, checkGrads, forEachBackend, tg } from "./helpers.ts";

// Views share storage with their base: they change shape/strides/offset only. Writing through a view
// (copy_, fill_) must be visible in the base and vice versa.

const ar = (...shape: number[]) => tg.arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);
/** Whether writing into `a` is seen by `b` (checks storage sharing without poking at internals). */
const sharesStorage = (a: tg.Tensor, b: tg.Tensor) => a.storage === b.storage;

describe("view", () => {
  it("reshapes a contiguous tensor without copying", () => {
    forEachBackend(() => {
      const x = tg.arange(6);
      const v = x.view([2, 3]);
      assertEqual(v, [
        [0, 1, 2],
        [3, 4, 5],
      ]);
      assert.deepEqual(v.stride(), [3, 1]);
      tg.noGrad(() => v.get("1, 2").fill_(50));
      assert.equal(x.get(5).item(), 50);
    });
  });

  it("infers one -1 dim", () => {
    const x = tg.arange(12);
    assert.deepEqual(x.view([-1, 4]).shape, [3, 4]);
    assert.deepEqual(x.view([2, -1, 2]).shape, [2, 3, 2]);
    assert.deepEqual(x.view(-1).shape, [12]);
    assert.deepEqual(x.view(3, -1).shape, [3, 4]);
  });

  it("rejects two -1 dims and sizes that do not divide", () => {
    const x = tg.arange(12);
    assert.throws(() => x.view([-1, -1]), tg.ValueError);
    assert.throws(
      () => x.view([5, -1]),
      (e: unknown) => e instanceof tg.ShapeError && /\[5, -1\].*12/.test(e.message),
    );
    assert.throws(() => x.view([5, 2]), tg.ShapeError);
  });

  it("after a transpose throws a ShapeError that suggests reshape", () => {
    const t = ar(2, 3).transpose(0, 1);
    assert.throws(
      () => t.view([6]),
      (e: unknown) => e instanceof tg.ShapeError && e.message.includes(".reshape(...)"),
    );
  });

  it("works on non-contiguous tensors when the dims being merged are laid out together", () => {
    // [2, 3, 4] permuted to [4, 2, 3]: dims 1 and 2 (sizes 2 and 3) stay contiguous with respect to each other.
    const p = ar(2, 3, 4).permute(2, 0, 1);
    const v = p.view([4, 6]);
    assert.ok(sharesStorage(v, p));
    assert.deepEqual(v.stride(), [1, 4]);
    assertEqual(v.get(1), [1, 5, 9, 13, 17, 21]);
  });

  it("viewAs takes the other tensor's shape", () => {
    assert.deepEqual(tg.arange(6).viewAs(tg.zeros([3, 2])).shape, [3, 2]);
  });

  it("gradient flows back in the input's shape", () => {
    checkGrads((x) => x.view([3, 2]).mul(tg.arange(6).view([3, 2])), [[2, 3]]);
  });
});

describe("reshape", () => {
  it("returns a view when the layout allows", () => {
    const x = ar(2, 3);
    const r = x.reshape([3, 2]);
    assert.ok(sharesStorage(r, x));
    tg.noGrad(() => r.get("2, 1").fill_(-1));
    assert.equal(x.get("1, 2").item(), -1);
  });

  it("copies when it must (after a transpose), and the copy is independent", () => {
    const x = ar(2, 3);
    const r = x.T.reshape([6]);
    assertEqual(r, [0, 3, 1, 4, 2, 5]);
    assert.ok(!sharesStorage(r, x));
    r.fill_(9);
    assertEqual(x, [
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("accepts -1 and varargs", () => {
    assert.deepEqual(ar(2, 3, 4).reshape(-1, 4).shape, [6, 4]);
    assert.deepEqual(tg.reshape(ar(2, 3), [-1]).shape, [6]);
    assert.deepEqual(ar(2, 3).reshapeAs(tg.zeros([6, 1])).shape, [6, 1]);
  });

  it("reshapes 0-dim and empty tensors", () => {
    assertEqual(tg.tensor(7).reshape([1, 1]), [[7]]);
    assert.deepEqual(tg.tensor([5]).reshape([]).shape, []);
    assert.deepEqual(tg.zeros([0, 3]).reshape([3, 0, 5]).shape, [3, 0, 5]);
  });

  it("gradient through the copying path", () => {
    checkGrads((x) => x.mT.reshape([-1]).mul(tg.arange(6)), [[2, 3]], { gradgrad: true });
  });
});

describe("transpose and permute", () => {
  it("transpose swaps shape and strides and shares storage", () => {
    forEachBackend(() => {
      const x = ar(2, 3, 4);
      const t = x.transpose(0, 2);
      assert.deepEqual(t.shape, [4, 3, 2]);
      assert.deepEqual(t.stride(), [1, 4, 12]);
      assert.equal(t.isContiguous(), false);
      assert.equal(t.get("3, 2, 1").item(), 23);
      assert.equal(t.get("1, 0, 1").item(), 13);
      tg.noGrad(() => t.get("0, 1, 1").fill_(100));
      assert.equal(x.get("1, 1, 0").item(), 100);
    });
  });

  it("transpose takes negative dims; transposing twice gives back the layout", () => {
    const x = ar(2, 3, 4);
    assert.deepEqual(x.transpose(-1, -3).stride(), [1, 4, 12]);
    const back = x.transpose(1, 2).transpose(2, 1);
    assert.deepEqual(back.stride(), [12, 4, 1]);
    assert.equal(back.isContiguous(), true);
    assert.throws(() => x.transpose(0, 3), tg.DimError);
  });

  it("permute reorders dims; tg.permute and tg.transpose match the methods", () => {
    const x = ar(2, 3, 4);
    const p = x.permute(1, 2, 0);
    assert.deepEqual(p.shape, [3, 4, 2]);
    assert.deepEqual(p.stride(), [4, 1, 12]);
    // p[i, j, k] = x[k, i, j] = 12k + 4i + j
    assertEqual(p.get("2, 3"), [11, 23]);
    assert.deepEqual(tg.permute(x, [-1, 0, 1]).shape, [4, 2, 3]);
    assertEqual(tg.transpose(ar(2, 2), 0, 1), [
      [0, 2],
      [1, 3],
    ]);
  });

  it("permute rejects repeated dims and the wrong count", () => {
    const x = ar(2, 3, 4);
    assert.throws(() => x.permute(0, 0, 1), tg.ValueError);
    assert.throws(() => x.permute(0, 1), tg.ShapeError);
  });

  it("gradients", () => {
    checkGrads((x) => x.permute(2, 0, 1).mul(ar(4, 2, 3)), [[2, 3, 4]], { gradgrad: true });
    checkGrads((x) => x.transpose(0, 1).mul(ar(3, 2)), [[2, 3]]);
  });
});

describe(".T and .mT", () => {
  it(".T transposes a matrix and leaves vectors alone", () => {
    assertEqual(ar(2, 3).T, [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const v = tg.arange(3);
    assertEqual(v.T, [0, 1, 2]);
    assert.throws(() => ar(2, 2, 2).T, tg.ShapeError);
  });

  it(".mT swaps the last two dims of a batch", () => {
    const m = ar(2, 2, 3).mT;
    assert.deepEqual(m.shape, [2, 3, 2]);
    assertEqual(m.get(1), [
      [6, 9],
      [7, 10],
      [8, 11],
    ]);
    assert.throws(() => tg.arange(3).mT, tg.ShapeError);
  });
});

describe("expand", () => {
  it("broadcasts size-1 dims with stride 0 and adds leading dims", () => {
    forEachBackend(() => {
      const x = tg.tensor([[1], [2]]);
      const e = x.expand(3, 2, 4);
      assert.deepEqual(e.shape, [3, 2, 4]);
      assert.deepEqual(e.stride(), [0, 1, 0]);
      assert.ok(sharesStorage(e, x));
      assertEqual(e.get(2), [
        [1, 1, 1, 1],
        [2, 2, 2, 2],
      ]);
      // Writing the base shows in every expanded position.
      x.get("1, 0").fill_(5);
      assertEqual(e.get(0, 1), [5, 5, 5, 5]);
    });
  });

  it("-1 keeps a size", () => {
    const e = tg.tensor([[1, 2, 3]]).expand([2, -1]);
    assertEqual(e, [
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("mismatched non-singleton size throws a ShapeError naming the sizes", () => {
    assert.throws(
      () => tg.tensor([1, 2, 3]).expand([2, 4]),
      (e: unknown) => e instanceof tg.ShapeError && e.message.includes("(4)") && e.message.includes("(3)") && e.message.includes("[2, 4]"),
    );
    assert.throws(() => ar(2, 3).expand([3]), tg.ShapeError);
  });

  it("writing into an expanded tensor is refused", () => {
    const e = tg.tensor([1, 2]).expand([3, 2]);
    assert.throws(() => e.fill_(0), tg.ValueError);
  });

  it("expandAs and tg.expand", () => {
    const e = tg.tensor([1, 2]).expandAs(tg.zeros([2, 2]));
    assertEqual(e, [
      [1, 2],
      [1, 2],
    ]);
    assertEqual(tg.expand(tg.tensor(3), [2]), [3, 3]);
  });

  it("gradient sums over the broadcast dims", () => {
    const x = tg.tensor([[1], [2]], { dtype: "float64", requiresGrad: true });
    x.expand([3, 2, 4]).sum().backward();
    assertEqual(x.grad!, [[12], [12]]);
    checkGrads((x) => x.expand([2, 3, 4]).mul(ar(2, 3, 4)), [[3, 1]], { gradgrad: true });
  });
});

describe("squeeze and unsqueeze", () => {
  it("squeeze removes all size-1 dims, or the chosen ones (negative too)", () => {
    const x = tg.zeros([1, 3, 1, 2]);
    assert.deepEqual(x.squeeze().shape, [3, 2]);
    assert.deepEqual(x.squeeze(0).shape, [3, 1, 2]);
    assert.deepEqual(x.squeeze(-2).shape, [1, 3, 2]);
    assert.deepEqual(x.squeeze([0, -2]).shape, [3, 2]);
    // A dim that is not size 1 is left alone, as in PyTorch.
    assert.deepEqual(x.squeeze(1).shape, [1, 3, 1, 2]);
    assert.deepEqual(tg.squeeze(tg.zeros([1, 1])).shape, []);
    assert.throws(() => x.squeeze(4), tg.DimError);
  });

  it("unsqueeze inserts a size-1 dim; negative dims count from ndim + 1", () => {
    const x = ar(2, 3);
    assert.deepEqual(x.unsqueeze(0).shape, [1, 2, 3]);
    assert.deepEqual(x.unsqueeze(2).shape, [2, 3, 1]);
    assert.deepEqual(x.unsqueeze(-1).shape, [2, 3, 1]);
    assert.deepEqual(x.unsqueeze(-3).shape, [1, 2, 3]);
    assert.deepEqual(x.unsqueeze(-2).shape, [2, 1, 3]);
    assertEqual(x.unsqueeze(1), [[[0, 1, 2]], [[3, 4, 5]]]);
    assert.deepEqual(tg.unsqueeze(tg.tensor(1), 0).shape, [1]);
    assert.throws(() => x.unsqueeze(3), tg.DimError);
    assert.throws(() => x.unsqueeze(-4), tg.DimError);
  });

  it("both share storage and keep contiguity", () => {
    const x = ar(2, 3);
    const u = x.unsqueeze(1);
    assert.ok(sharesStorage(u, x));
    assert.equal(u.isContiguous(), true);
    assert.deepEqual(u.squeeze(1).stride(), [3, 1]);
  });

  it("gradients", () => {
    checkGrads((x) => x.unsqueeze(-2).mul(ar(2, 1, 3)), [[2, 3]]);
    checkGrads((x) => x.squeeze().mul(ar(2, 3)), [[2, 1, 3, 1]]);
  });
});

describe("flatten and unflatten", () => {
  it("flatten merges a range of dims (negative ends too)", () => {
    const x = ar(2, 3, 4, 5);
    assert.deepEqual(x.flatten().shape, [120]);
    assert.deepEqual(x.flatten(1).shape, [2, 60]);
    assert.deepEqual(x.flatten(1, 2).shape, [2, 12, 5]);
    assert.deepEqual(x.flatten(-3, -2).shape, [2, 12, 5]);
    assert.deepEqual(tg.flatten(tg.tensor(3)).shape, [1]);
    assert.throws(() => x.flatten(2, 1), tg.ValueError);
  });

  it("flatten of a transposed tensor copies, in row-major order of the view", () => {
    assertEqual(ar(2, 3).T.flatten(), [0, 3, 1, 4, 2, 5]);
  });

  it("unflatten splits one dim (with -1)", () => {
    const x = ar(2, 12);
    assert.deepEqual(x.unflatten(1, [3, 4]).shape, [2, 3, 4]);
    assert.deepEqual(x.unflatten(-1, [2, -1, 3]).shape, [2, 2, 2, 3]);
    assertEqual(tg.unflatten(tg.arange(6), 0, [2, 3]), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.throws(() => x.unflatten(1, [5, -1]), tg.ShapeError);
  });
});

describe("select and narrow", () => {
  it("select picks one index along a dim and drops it (negative index and dim)", () => {
    forEachBackend(() => {
      const x = ar(2, 3, 4);
      const s = x.select(1, -1);
      assert.deepEqual(s.shape, [2, 4]);
      assert.equal(s.storageOffset(), 8);
      assert.deepEqual(s.stride(), [12, 1]);
      assertEqual(s, [
        [8, 9, 10, 11],
        [20, 21, 22, 23],
      ]);
      assertEqual(tg.select(x, -1, 2), [
        [2, 6, 10],
        [14, 18, 22],
      ]);
    });
  });

  it("select out of range throws an IndexError naming index and size", () => {
    assert.throws(
      () => ar(2, 3).select(1, 3),
      (e: unknown) => e instanceof tg.IndexError && e.message.includes("3") && e.message.includes("size 3"),
    );
    assert.throws(() => ar(2, 3).select(0, -3), tg.IndexError);
    assert.throws(() => tg.tensor(1).select(0, 0), tg.IndexError);
  });

  it("narrow takes length elements from start (negative start too)", () => {
    const x = ar(3, 4);
    const n = x.narrow(1, 1, 2);
    assert.deepEqual(n.shape, [3, 2]);
    assert.equal(n.storageOffset(), 1);
    assert.deepEqual(n.stride(), [4, 1]);
    assert.equal(n.isContiguous(), false);
    assertEqual(n, [
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    assertEqual(tg.narrow(x, 0, -1, 1), [[8, 9, 10, 11]]);
    assert.equal(x.narrow(0, 1, 2).isContiguous(), true);
    assert.deepEqual(x.narrow(0, 3, 0).shape, [0, 4]);
    assert.throws(() => x.narrow(1, 3, 2), tg.IndexError);
    assert.throws(() => x.narrow(1, 5, 0), tg.IndexError);
  });

  it("writes through select/narrow reach the base", () => {
    const x = tg.zeros([3, 4]);
    x.narrow(1, 1, 2).fill_(1);
    x.select(0, 2).copy_(tg.tensor([5, 6, 7, 8]));
    assertEqual(x, [
      [0, 1, 1, 0],
      [0, 1, 1, 0],
      [5, 6, 7, 8],
    ]);
  });

  it("gradients (and double backward through the scatter)", () => {
    checkGrads((x) => x.select(1, -1), [[2, 3, 4]], { gradgrad: true });
    checkGrads((x) => x.narrow(0, 1, 2).mul(tg.arange(8).reshape([2, 4])), [[3, 4]], { gradgrad: true });
    const x = tg.ones([3], { requiresGrad: true });
    x.select(0, 1).mul(5).backward();
    assertEqual(x.grad!, [0, 5, 0]);
  });
});

describe("contiguous, clone, detach", () => {
  it("contiguous returns the tensor itself when already contiguous", () => {
    const x = ar(2, 3);
    assert.equal(x.contiguous(), x);
    assert.equal(tg.contiguous(x), x);
  });

  it("contiguous copies a non-contiguous view into row-major order", () => {
    const t = ar(2, 3).T;
    const c = t.contiguous();
    assert.equal(c.isContiguous(), true);
    assert.deepEqual(c.stride(), [2, 1]);
    assert.equal(c.storageOffset(), 0);
    assertEqual(c, [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    assert.ok(!sharesStorage(c, t));
  });

  it("clone owns its storage and carries the gradient", () => {
    const x = ar(2, 3);
    const c = x.clone();
    assert.ok(!sharesStorage(c, x));
    c.fill_(0);
    assert.equal(x.sum().item(), 15);
    assert.equal(tg.clone(x.narrow(1, 1, 1)).storageOffset(), 0);
    checkGrads((x) => x.clone().mul(x), [[3]]);
  });

  it("detach shares storage, requires no grad, and is a leaf", () => {
    const x = tg.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.isLeaf, true);
    assert.equal(d.gradFn, null);
    assert.ok(sharesStorage(d, y));
    d.get(0).fill_(-1);
    assert.equal(y.get(0).item(), -1);
    const dx = tg.detach(x);
    assert.equal(dx.requiresGrad, false);
    assert.ok(sharesStorage(dx, x));
  });

  it("detach keeps the view layout", () => {
    const t = ar(3, 4).narrow(1, 1, 2).T;
    const d = t.detach();
    assert.deepEqual(d.stride(), t.stride());
    assert.equal(d.storageOffset(), 1);
    assertEqual(d, t.tolist());
  });
});

describe("views share storage with the base", () => {
  it("fill_ and copy_ on a view of a tensor without grad change the base", () => {
    forEachBackend(() => {
      const x = tg.zeros([2, 3]);
      x.T.get(0).fill_(1); // column 0
      x.get(":, 1:").copy_(tg.tensor([[2, 3]]));
      assertEqual(x, [
        [1, 2, 3],
        [1, 2, 3],
      ]);
    });
  });

  it("under noGrad, writes through a view of a leaf that requires grad reach it", () => {
    const w = tg.zeros([2, 2], { requiresGrad: true });
    tg.noGrad(() => {
      w.view([4]).get("1::2").fill_(7);
      w.select(0, 0).copy_(tg.tensor([1, 2]));
    });
    assertEqual(w, [
      [1, 2],
      [0, 7],
    ]);
  });

  it("writes to the base are seen by every view, even chained ones", () => {
    const x = tg.zeros([4, 4]);
    const v = x.get("1:, ::2").T.unsqueeze(0); // [1, 2, 3]
    x.fill_(0);
    x.get("3, 2").fill_(9);
    assertEqual(v, [
      [
        [0, 0, 0],
        [0, 0, 9],
      ],
    ]);
  });

  it("writing the base through copy_ bumps the version seen by its views", () => {
    const x = tg.zeros([3]);
    const v = x.narrow(0, 0, 2);
    const before = v._version;
    x.copy_(tg.ones([3]));
    assert.equal(v._version, before + 1);
    assertClose(v, [1, 1]);
  });
});

describe("isContiguous, stride(), storageOffset()", () => {
  it("report the layout of each kind of view", () => {
    const x = ar(2, 3, 4);
    assert.deepEqual(x.stride(), [12, 4, 1]);
    assert.equal(x.stride(-1), 1);
    assert.equal(x.stride(0), 12);
    assert.equal(x.storageOffset(), 0);
    assert.equal(x.isContiguous(), true);

    const sliced = x.get("1, 1:, ::2");
    assert.deepEqual(sliced.shape, [2, 2]);
    assert.deepEqual(sliced.stride(), [4, 2]);
    assert.equal(sliced.storageOffset(), 16);
    assert.equal(sliced.isContiguous(), false);
    assertEqual(sliced, [
      [16, 18],
      [20, 22],
    ]);

    // Size-1 dims do not count against contiguity.
    const one = x.get("0:1, 2:3, :");
    assert.equal(one.isContiguous(), true);
    assert.equal(one.storageOffset(), 8);
    assert.equal(tg.tensor(5).isContiguous(), true);
    assert.deepEqual(tg.tensor(5).stride(), []);
    assert.equal(tg.tensor([1, 2]).expand([3, 2]).isContiguous(), false);
    assert.throws(() => x.stride(3), tg.DimError);
  });
});
