import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, forEachBackend, tg } from "./helpers.ts";

const f32 = (x: number) => Math.fround(x);

describe("tensor() from nested arrays", () => {
  it("infers the shape and makes numbers float32", () => {
    forEachBackend(() => {
      const t = tg.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      assert.deepEqual(t.shape, [2, 3]);
      assert.equal(t.dtype, "float32");
      assert.equal(t.ndim, 2);
      assert.equal(t.numel(), 6);
      assert.deepEqual(t.tolist(), [
        [1, 2, 3],
        [4, 5, 6],
      ]);
      assert.deepEqual(tg.tensor([[[1], [2]]]).shape, [1, 2, 1]);
    });
  });

  it("stores float32-rounded values (0.1 is not exactly 0.1)", () => {
    const t = tg.tensor([0.1, -2.5]);
    assert.deepEqual(t.tolist(), [f32(0.1), -2.5]);
    assert.equal(tg.tensor([0.1], { dtype: "float64" }).item(), 0.1);
  });

  it("makes booleans bool, and mixed booleans and numbers numeric (as torch.tensor([True, 2]))", () => {
    const b = tg.tensor([true, false, true]);
    assert.equal(b.dtype, "bool");
    assert.deepEqual(b.tolist(), [1, 0, 1]);
    const mixed = tg.tensor([true, 2]);
    assert.equal(mixed.dtype, "float32");
    assert.deepEqual(mixed.tolist(), [1, 2]);
    assert.equal(tg.tensor([[false], [true]]).dtype, "bool");
  });

  it("honours an explicit dtype (float → int32 truncates toward zero, NaN → bool is true)", () => {
    assertEqual(tg.tensor([1.7, -1.7, 3], { dtype: "int32" }), [1, -1, 3], "int32");
    assertEqual(tg.tensor([1, 2], { dtype: "float64" }), [1, 2], "float64");
    assertEqual(tg.tensor([0, 2, -0.5, Number.NaN], { dtype: "bool" }), [0, 1, 1, 1], "bool");
    assertEqual(tg.tensor([true, false], { dtype: "float32" }), [1, 0], "float32");
  });

  it("empty arrays give size-0 dims", () => {
    const e = tg.tensor([]);
    assert.deepEqual(e.shape, [0]);
    assert.equal(e.dtype, "float32");
    assert.equal(e.numel(), 0);
    const e2 = tg.tensor([[], []]);
    assert.deepEqual(e2.shape, [2, 0]);
    assert.deepEqual(e2.tolist(), [[], []]);
  });

  it("rejects ragged arrays with a ValueError saying where", () => {
    assert.throws(
      () => tg.tensor([[1, 2], [3]]),
      (e: unknown) => e instanceof tg.ValueError && /ragged/.test(e.message) && /\[1\]/.test(e.message) && /length 2/.test(e.message),
    );
    assert.throws(
      () => tg.tensor([[1, 2], 3] as tg.NestedArray),
      (e: unknown) => e instanceof tg.ValueError && /index \[1\]/.test(e.message),
    );
    assert.throws(
      () => tg.tensor([1, [2]] as tg.NestedArray),
      (e: unknown) => e instanceof tg.ValueError && /\[1\]/.test(e.message),
    );
    assert.throws(
      () =>
        tg.tensor([
          [[1], [2]],
          [[3], [4, 5]],
        ]),
      (e: unknown) => e instanceof tg.ValueError && /\[1\]\[1\]/.test(e.message),
    );
  });

  it("rejects non-numbers and unknown dtypes", () => {
    assert.throws(() => tg.tensor(["a"] as unknown as number[]), tg.ValueError);
    assert.throws(() => tg.tensor([1], { dtype: "int64" as tg.DType }), tg.DTypeError);
  });

  it("copies its input", () => {
    const data = [1, 2, 3];
    const t = tg.tensor(data);
    data[0] = 100;
    assert.deepEqual(t.tolist(), [1, 2, 3]);
    const typed = new Float32Array([1, 2]);
    const u = tg.tensor(typed);
    typed[0] = 100;
    assert.deepEqual(u.tolist(), [1, 2]);
  });

  it("requiresGrad makes a float leaf; int tensors cannot require grad", () => {
    const t = tg.tensor([1, 2], { requiresGrad: true });
    assert.equal(t.requiresGrad, true);
    assert.equal(t.isLeaf, true);
    assert.equal(tg.tensor([1]).requiresGrad, false);
    assert.throws(() => tg.tensor([1], { dtype: "int32", requiresGrad: true }), tg.AutogradError);
  });
});

describe("tensor() from typed arrays and scalars", () => {
  it("keeps the typed array's dtype", () => {
    assertEqual(tg.tensor(new Float64Array([0.1, 2])), [0.1, 2], "float64");
    assertEqual(tg.tensor(new Int32Array([1, -2, 3])), [1, -2, 3], "int32");
    assertEqual(tg.tensor(new Float32Array([1.5])), [1.5], "float32");
    assert.deepEqual(tg.tensor(new Int32Array([1, 2, 3])).shape, [3]);
  });

  it("reads other integer typed arrays as int32 numbers, never as bool", () => {
    // torch.from_numpy keeps uint8 image bytes as numbers; int32 is tensorgrad's integer dtype.
    assertEqual(tg.tensor(new Uint8Array([0, 5, 255])), [0, 5, 255], "int32");
    assertEqual(tg.tensor(new Uint8ClampedArray([0, 5, 255])), [0, 5, 255], "int32");
    assertEqual(tg.tensor(new Int8Array([-128, 0, 127])), [-128, 0, 127], "int32");
    assertEqual(tg.tensor(new Int16Array([-32768, 7])), [-32768, 7], "int32");
    assertEqual(tg.tensor(new Uint16Array([65535, 1])), [65535, 1], "int32");
    assertEqual(tg.tensor(new Uint32Array([0, 2 ** 31 - 1])), [0, 2 ** 31 - 1], "int32");
    assertEqual(tg.tensor(new BigInt64Array([0n, 5n, -7n])), [0, 5, -7], "int32");
    assertEqual(tg.tensor(new BigUint64Array([3n])), [3], "int32");
    assertEqual(tg.tensor(new Uint8Array([0, 5, 255]), { dtype: "float32" }), [0, 5, 255], "float32");
    assertEqual(tg.tensor(new BigInt64Array([0n, 5n]), { dtype: "bool" }), [0, 1], "bool");
    assertEqual(tg.tensor(new Uint32Array([2 ** 32 - 1]), { dtype: "float64" }), [2 ** 32 - 1], "float64");
    assert.throws(() => tg.tensor(new Uint32Array([2 ** 31])), /tensor: Uint32Array element 0 is 2147483648, outside int32/);
    assert.throws(() => tg.tensor(new BigInt64Array([2n ** 40n])), tg.ValueError);
    assert.throws(() => tg.tensor(new DataView(new ArrayBuffer(4)) as never), /can't make a tensor from a DataView/);
  });

  it("casts a typed array to an explicit dtype", () => {
    assertEqual(tg.tensor(new Float64Array([1.9, -1.9]), { dtype: "int32" }), [1, -1], "int32");
    assertEqual(tg.tensor(new Float64Array([0, 0.5, Number.NaN]), { dtype: "bool" }), [0, 1, 1], "bool");
    assertEqual(tg.tensor(new Int32Array([3]), { dtype: "float64" }), [3], "float64");
  });

  it("a number or boolean gives a 0-dim tensor", () => {
    const s = tg.tensor(3.5);
    assert.deepEqual(s.shape, []);
    assert.equal(s.ndim, 0);
    assert.equal(s.numel(), 1);
    assert.equal(s.dtype, "float32");
    assert.equal(s.item(), 3.5);
    assert.equal(s.tolist(), 3.5);
    const b = tg.tensor(true);
    assert.equal(b.dtype, "bool");
    assert.deepEqual(b.shape, []);
    assert.equal(b.item(), 1);
    assert.equal(tg.tensor(7, { dtype: "int32" }).item(), 7);
  });
});

describe("zeros, ones, full, empty", () => {
  it("fill with the right value, shape and dtype", () => {
    forEachBackend(() => {
      assertEqual(tg.zeros([2, 3]), [
        [0, 0, 0],
        [0, 0, 0],
      ]);
      assert.equal(tg.zeros([2, 3]).dtype, "float32");
      assertEqual(tg.ones([2], { dtype: "int32" }), [1, 1], "int32");
      assertEqual(tg.ones([1, 2], { dtype: "float64" }), [[1, 1]], "float64");
      assertEqual(tg.full([2, 2], 7), [
        [7, 7],
        [7, 7],
      ]);
      assertEqual(tg.full([3], -2.5, { dtype: "float64" }), [-2.5, -2.5, -2.5], "float64");
      assertEqual(tg.full([2], 2.9, { dtype: "int32" }), [2, 2], "int32");
      assertEqual(tg.empty([2, 1]), [[0], [0]], "float32");
    });
  });

  it("full with a boolean fill gives bool; NaN and nonzero fills are true", () => {
    assertEqual(tg.full([2], true), [1, 1], "bool");
    assertEqual(tg.full([2], false), [0, 0], "bool");
    assertEqual(tg.full([1], Number.NaN, { dtype: "bool" }), [1], "bool");
    assertEqual(tg.full([1], 0.25, { dtype: "bool" }), [1], "bool");
    assertEqual(tg.full([1], true, { dtype: "float32" }), [1], "float32");
  });

  it("an empty shape gives a 0-dim tensor, a zero size an empty one", () => {
    const s = tg.zeros([]);
    assert.deepEqual(s.shape, []);
    assert.equal(s.numel(), 1);
    assert.equal(s.item(), 0);
    const e = tg.ones([3, 0, 2]);
    assert.deepEqual(e.shape, [3, 0, 2]);
    assert.equal(e.numel(), 0);
    assert.equal(e.toArray().length, 0);
  });

  it("reject negative or fractional sizes", () => {
    assert.throws(() => tg.zeros([-1]), tg.ValueError);
    assert.throws(() => tg.ones([2, 1.5]), tg.ValueError);
    assert.throws(
      () => tg.full([2, -3], 1),
      (e: unknown) => e instanceof tg.ValueError && /\[2, -3\]/.test(e.message),
    );
  });

  it("requiresGrad option", () => {
    const z = tg.zeros([2], { requiresGrad: true });
    assert.equal(z.requiresGrad, true);
    z.mul(3).sum().backward();
    assertEqual(z.grad as tg.Tensor, [3, 3]);
  });
});

describe("arange", () => {
  it("arange(end) counts from 0 in int32", () => {
    assertEqual(tg.arange(5), [0, 1, 2, 3, 4], "int32");
    assertEqual(tg.arange(0), [], "int32");
    assert.deepEqual(tg.arange(0).shape, [0]);
  });

  it("arange(start, end) and arange(start, end, step)", () => {
    assertEqual(tg.arange(2, 6), [2, 3, 4, 5], "int32");
    assertEqual(tg.arange(-3, 3, 2), [-3, -1, 1], "int32");
    assertEqual(tg.arange(10, 0, -3), [10, 7, 4, 1], "int32");
    assertEqual(tg.arange(5, 5), [], "int32");
  });

  it("fractional arguments give float32", () => {
    const a = tg.arange(0, 1, 0.25);
    assertEqual(a, [0, 0.25, 0.5, 0.75], "float32");
    assertEqual(tg.arange(0.5, 3), [0.5, 1.5, 2.5], "float32");
    assertEqual(tg.arange(1, 0, -0.5), [1, 0.5], "float32");
  });

  it("has ceil((end - start) / step) elements, as PyTorch", () => {
    const a = tg.arange(0, 1, 0.3);
    assert.deepEqual(a.shape, [4]);
    assertClose(a, [0, 0.3, 0.6, 0.9]);
    assert.equal(tg.arange(0, 10, 3).numel(), 4); // 0 3 6 9
    assert.equal(tg.arange(0, 9, 3).numel(), 3); // 0 3 6
    assert.equal(tg.arange(1, 2.5, 0.5).numel(), 3); // 1 1.5 2
  });

  it("takes a dtype option", () => {
    assertEqual(tg.arange(0, 3, 1, { dtype: "float64" }), [0, 1, 2], "float64");
    assertEqual(tg.arange(0, 2, 0.5, { dtype: "int32" }), [0, 0, 1, 1], "int32");
  });

  it("rejects a zero step or a step of the wrong sign", () => {
    assert.throws(() => tg.arange(0, 5, 0), tg.ValueError);
    assert.throws(
      () => tg.arange(0, 10, -1),
      (e: unknown) => e instanceof tg.ValueError && /step/.test(e.message),
    );
    assert.throws(() => tg.arange(5, 0), tg.ValueError);
    assert.throws(() => tg.arange(-1), tg.ValueError);
  });
});

describe("linspace", () => {
  it("includes both endpoints exactly", () => {
    assertEqual(tg.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], "float32");
    const l = tg.linspace(-1, 0.7, 7).toArray();
    assert.equal(l.length, 7);
    assert.equal(l[0], -1);
    assert.equal(l[6], f32(0.7));
    const d = tg.linspace(0.1, 0.9, 9, { dtype: "float64" }).toArray();
    assert.equal(d[0], 0.1);
    assert.equal(d[8], 0.9);
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(d[i] - (0.1 + i * 0.1)) < 1e-15, `linspace[${i}] = ${d[i]}`);
  });

  it("goes downward too, and is evenly spaced", () => {
    assertClose(tg.linspace(3, -3, 4), [3, 1, -1, -3]);
    const l = tg.linspace(0, 10, 101, { dtype: "float64" }).toArray();
    for (let i = 1; i < l.length; i++) assert.ok(Math.abs(l[i] - l[i - 1] - 0.1) < 1e-12);
  });

  it("steps = 1 gives [start], steps = 0 an empty tensor", () => {
    assertEqual(tg.linspace(2, 5, 1), [2], "float32");
    assertEqual(tg.linspace(0, 1, 0), [], "float32");
    assertEqual(tg.linspace(1, 2, 2), [1, 2], "float32");
  });

  it("rejects negative or fractional steps", () => {
    assert.throws(() => tg.linspace(0, 1, -1), tg.ValueError);
    assert.throws(() => tg.linspace(0, 1, 2.5), tg.ValueError);
  });
});

describe("eye", () => {
  it("eye(n) is the n×n identity", () => {
    assertEqual(
      tg.eye(3),
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      "float32",
    );
  });

  it("eye(n, m) is rectangular", () => {
    assertEqual(tg.eye(2, 3), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assertEqual(tg.eye(3, 2), [
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    assert.deepEqual(tg.eye(0).shape, [0, 0]);
  });

  it("takes a dtype", () => {
    assertEqual(
      tg.eye(2, 2, { dtype: "int32" }),
      [
        [1, 0],
        [0, 1],
      ],
      "int32",
    );
    assertEqual(
      tg.eye(2, 2, { dtype: "bool" }),
      [
        [1, 0],
        [0, 1],
      ],
      "bool",
    );
  });
});

describe("*Like creation", () => {
  const x = tg.tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { dtype: "float64" },
  );

  it("zerosLike, onesLike, fullLike, emptyLike keep shape and dtype", () => {
    assertEqual(tg.zerosLike(x), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.equal(tg.zerosLike(x).dtype, "float64");
    assertEqual(
      tg.onesLike(x),
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
      "float64",
    );
    assertEqual(
      tg.fullLike(x, 2.5),
      [
        [2.5, 2.5, 2.5],
        [2.5, 2.5, 2.5],
      ],
      "float64",
    );
    const e = tg.emptyLike(x);
    assert.deepEqual(e.shape, [2, 3]);
    assert.equal(e.dtype, "float64");
  });

  it("an explicit dtype overrides the input's", () => {
    assertEqual(tg.onesLike(x, { dtype: "int32" }), [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    assert.equal(tg.onesLike(x, { dtype: "int32" }).dtype, "int32");
    assert.equal(tg.zerosLike(tg.arange(3)).dtype, "int32");
    assertEqual(tg.fullLike(tg.arange(2), true), [1, 1], "int32");
  });

  it("the result is a new leaf, not a view of the input", () => {
    const y = tg.tensor([1, 2], { requiresGrad: true });
    const z = tg.zerosLike(y);
    assert.equal(z.requiresGrad, false);
    z.add_(5);
    assertEqual(y.detach(), [1, 2]);
  });

  it("randLike and randnLike keep shape and dtype and are seeded", () => {
    const r = tg.randLike(x);
    assert.deepEqual(r.shape, [2, 3]);
    assert.equal(r.dtype, "float64");
    for (const v of r.toArray()) assert.ok(v >= 0 && v < 1);
    const n = tg.randnLike(tg.zeros([4, 5]));
    assert.deepEqual(n.shape, [4, 5]);
    assert.equal(n.dtype, "float32");
    tg.manualSeed(3);
    const a = tg.randnLike(x).tolist();
    tg.manualSeed(3);
    assert.deepEqual(tg.randnLike(x).tolist(), a);
    assert.throws(() => tg.randLike(tg.arange(3)), tg.DTypeError);
  });
});

describe("properties", () => {
  const t = tg.arange(24).reshape([2, 3, 4]).float();

  it("shape, ndim, numel, dtype, device", () => {
    assert.deepEqual(t.shape, [2, 3, 4]);
    assert.equal(t.ndim, 3);
    assert.equal(t.dim(), 3);
    assert.equal(t.numel(), 24);
    assert.equal(t.dtype, "float32");
    assert.equal(t.device, "cpu");
  });

  it("size() copies the shape; size(d) takes negative dims and checks range", () => {
    const s = t.size();
    assert.deepEqual(s, [2, 3, 4]);
    s[0] = 99;
    assert.deepEqual(t.shape, [2, 3, 4]);
    assert.equal(t.size(0), 2);
    assert.equal(t.size(2), 4);
    assert.equal(t.size(-1), 4);
    assert.equal(t.size(-3), 2);
    assert.throws(() => t.size(3), tg.DimError);
    assert.throws(() => t.size(-4), tg.DimError);
  });

  it("item() reads one element, of any shape holding one", () => {
    assert.equal(tg.tensor([[2.5]]).item(), 2.5);
    assert.equal(tg.tensor(-4, { dtype: "int32" }).item(), -4);
    assert.equal(tg.tensor([false]).item(), 0);
    assert.equal(t.get(1, 2, 3).item(), 23);
  });

  it("item() on more (or fewer) than one element throws a ValueError saying how many", () => {
    assert.throws(
      () => tg.zeros([2, 3]).item(),
      (e: unknown) => e instanceof tg.ValueError && /\b6 elements\b/.test(e.message),
    );
    assert.throws(
      () => tg.zeros([0]).item(),
      (e: unknown) => e instanceof tg.ValueError && /\b0 elements\b/.test(e.message),
    );
  });

  it("tolist() nests like the shape, also for views", () => {
    assert.deepEqual(tg.arange(6).reshape([2, 3]).tolist(), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.deepEqual(tg.arange(6).reshape([2, 3]).T.tolist(), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    assert.deepEqual(tg.zeros([1, 0]).tolist(), [[]]);
    assert.equal(tg.tensor(5).tolist(), 5);
  });

  it("toArray() returns a new typed array of the dtype's kind, in row-major order", () => {
    const kinds: [tg.DType, Function][] = [
      ["float32", Float32Array],
      ["float64", Float64Array],
      ["int32", Int32Array],
      ["bool", Uint8Array],
    ];
    for (const [dtype, kind] of kinds) {
      const a = tg.tensor([1, 0, 1], { dtype }).toArray();
      assert.ok(a instanceof kind, `${dtype} → ${a.constructor.name}`);
      assert.deepEqual([...a], [1, 0, 1]);
    }
    const x = tg.arange(6).reshape([2, 3]);
    assert.deepEqual([...x.T.toArray()], [0, 3, 1, 4, 2, 5]);
    const arr = x.toArray();
    arr[0] = 100;
    assert.equal(x.get(0, 0).item(), 0);
  });
});

describe("dtype conversion", () => {
  it("to(dtype) converts; to the same dtype returns the tensor itself", () => {
    const x = tg.tensor([1.5, -2.25]);
    const d = x.to("float64");
    assertEqual(d, [1.5, -2.25], "float64");
    assert.equal(x.to("float32"), x);
    assert.equal(x.float(), x);
  });

  it("float → int truncates toward zero", () => {
    assertEqual(tg.tensor([2.7, -2.7, 0.5, -0.5, 3]).int(), [2, -2, 0, 0, 3], "int32");
    assertEqual(tg.tensor([1e6 + 0.9], { dtype: "float64" }).to("int32"), [1000000], "int32");
  });

  it("bool(): nonzero and NaN are true, zero false", () => {
    assertEqual(tg.tensor([0, -0, 0.1, -3, Number.NaN, Number.POSITIVE_INFINITY]).bool(), [0, 0, 1, 1, 1, 1], "bool");
    assertEqual(tg.tensor([0, 5, -1], { dtype: "int32" }).bool(), [0, 1, 1], "bool");
  });

  it("float(), double(), int() from other dtypes", () => {
    assertEqual(tg.tensor([true, false]).float(), [1, 0], "float32");
    assertEqual(tg.tensor([true, false]).int(), [1, 0], "int32");
    assertEqual(tg.arange(3).double(), [0, 1, 2], "float64");
    const x = tg.tensor([0.1], { dtype: "float64" });
    assert.equal(x.float().item(), f32(0.1));
    assert.equal(x.float().double().item(), f32(0.1));
  });

  it("conversion copies: writing the result leaves the input alone", () => {
    const x = tg.tensor([1, 2]);
    const y = x.double();
    y.add_(10);
    assertEqual(x, [1, 2]);
  });

  it("conversion of a non-contiguous view follows its logical order", () => {
    const x = tg.arange(6).reshape([2, 3]).T;
    assertEqual(x.float(), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it("float casts are differentiable; casts to int or bool are not", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const y = x.double();
    assert.equal(y.requiresGrad, true);
    y.mul(y).sum().backward();
    assertEqual(x.grad as tg.Tensor, [2, 4], "float32");
    assert.equal(x.int().requiresGrad, false);
    assert.equal(x.bool().requiresGrad, false);
  });
});

describe("arange, linspace and eye take PyTorch's positional forms and an options object", () => {
  it("arange(end, options) and arange(start, end, options) as torch.arange(5, dtype=...)", () => {
    const a = tg.arange(4, { dtype: "float64" });
    assert.equal(a.dtype, "float64");
    assertEqual(a, [0, 1, 2, 3], "float64");
    assertEqual(tg.arange(1, 3, { dtype: "float32" }), [1, 2], "float32");
    assertEqual(tg.arange(0, 1, 0.5, { dtype: "float64" }), [0, 0.5], "float64");
    assert.equal(tg.arange(3, { requiresGrad: true, dtype: "float32" }).requiresGrad, true);
  });

  it("eye(n, options) as torch.eye(3, dtype=...)", () => {
    const e = tg.eye(2, { dtype: "float64" });
    assert.deepEqual(e.shape, [2, 2]);
    assert.equal(e.dtype, "float64");
    assert.deepEqual(tg.eye(2, 3).shape, [2, 3]);
  });

  it("anything else throws an ArgumentError naming the op", () => {
    assert.throws(() => tg.arange(3, { dtyp: "float32" } as never), /arange: unknown option "dtyp"/);
    assert.throws(() => tg.arange("3" as never), /arange: expected a finite number at position 0/);
    assert.throws(() => tg.arange(Number.POSITIVE_INFINITY), /arange: expected a finite number/);
    assert.throws(() => (tg.arange as (...a: unknown[]) => tg.Tensor)(0, 1, 1, 1), /arange: expected .*got 4 positional arguments/);
    assert.throws(() => (tg.eye as (...a: unknown[]) => tg.Tensor)(2, 3, 4), tg.ArgumentError);
    assert.throws(() => (tg.linspace as (...a: unknown[]) => tg.Tensor)(0, 1), /linspace: expected linspace\(start, end, steps\)/);
  });
});
