import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fakeReads, fakeWebGpu, useFakeWebGpu } from "./helpers/fake_webgpu.ts";
import { tg } from "./helpers.ts";

// The device plumbing, tested on a fake "webgpu" device (the CPU reference kernels behind an async-only read), so that
// it runs without a GPU. Results on the fake device are compared with the CPU reference backend's, which runs the same
// kernels: they must be identical.

const F = tg.nn.functional;
let backendBefore = "";

before(() => {
  useFakeWebGpu();
  backendBefore = tg.getBackend().name;
  tg.setBackend("cpu");
});
after(() => {
  tg.setBackend(backendBefore);
});

/** The values of a tensor on any device. */
const values = async (t: tg.Tensor): Promise<number[]> => Array.from(await t.toArrayAsync(), Number);

/** Runs `body` with "webgpu" as the default device, restoring the CPU after. */
function onDefaultDevice<T>(body: () => T): T {
  tg.setDefaultDevice("webgpu");
  try {
    return body();
  } finally {
    tg.setDefaultDevice("cpu");
  }
}

describe("device option of the creation functions", () => {
  it("puts every creation function's result on the device, with the CPU's values", async () => {
    const dev = { device: "webgpu" } as const;
    const cases: [string, tg.Tensor, tg.Tensor][] = [
      [
        "tensor",
        tg.tensor(
          [
            [1, 2],
            [3, 4],
          ],
          dev,
        ),
        tg.tensor([
          [1, 2],
          [3, 4],
        ]),
      ],
      ["tensor typed", tg.tensor(new Int32Array([5, 6]), dev), tg.tensor(new Int32Array([5, 6]))],
      ["zeros", tg.zeros([2, 3], dev), tg.zeros([2, 3])],
      ["ones", tg.ones([2], { ...dev, dtype: "float64" }), tg.ones([2], { dtype: "float64" })],
      ["full", tg.full([2], 7, dev), tg.full([2], 7)],
      ["empty", tg.empty([3], dev), tg.empty([3])],
      ["arange", tg.arange(0, 5, 2, dev), tg.arange(0, 5, 2)],
      ["linspace", tg.linspace(0, 1, 5, dev), tg.linspace(0, 1, 5)],
      ["eye", tg.eye(2, 3, dev), tg.eye(2, 3)],
    ];
    for (const [name, onDevice, onCpu] of cases) {
      assert.equal(onDevice.device, "webgpu", name);
      assert.equal(onDevice.dtype, onCpu.dtype, name);
      assert.deepEqual([...onDevice.shape], [...onCpu.shape], name);
      assert.deepEqual(await values(onDevice), await values(onCpu), name);
    }
    assert.equal(tg.zeros([1], { device: "cpu" }).device, "cpu");
    assert.ok(tg.ones([2], { ...dev, requiresGrad: true }).requiresGrad);
  });

  it("makes the *Like forms on the input's device and with its dtype (as PyTorch)", async () => {
    const x = tg.tensor([1, 2, 3], { device: "webgpu", dtype: "float64" });
    for (const t of [tg.zerosLike(x), tg.onesLike(x), tg.emptyLike(x), tg.fullLike(x, 2), tg.randLike(x), tg.randnLike(x)]) {
      assert.equal(t.device, "webgpu");
      assert.equal(t.dtype, "float64");
    }
    assert.deepEqual(await values(tg.fullLike(x, 2)), [2, 2, 2]);
    // An option still wins.
    const y = tg.zerosLike(x, { device: "cpu", dtype: "int32" });
    assert.equal(y.device, "cpu");
    assert.equal(y.dtype, "int32");
  });

  it("rejects a device it does not know, naming the function", () => {
    assert.throws(
      () => tg.zeros([2], { device: "cuda" as tg.DeviceType }),
      (e: Error) => {
        assert.ok(e instanceof tg.DeviceError);
        assert.match(e.message, /^zeros: unknown device "cuda" \(tensorgrad's GPU device is "webgpu"\)/);
        return true;
      },
    );
    assert.throws(() => tg.tensor([1], { device: 0 as unknown as tg.DeviceType }), /tensor: unknown device 0/);
    assert.throws(() => tg.rand([2], { device: "gpu0" as tg.DeviceType }), /rand: unknown device "gpu0"/);
  });

  it("creates on the default device (setDefaultDevice / getDefaultDevice)", () => {
    assert.equal(tg.getDefaultDevice(), "cpu");
    onDefaultDevice(() => {
      assert.equal(tg.getDefaultDevice(), "webgpu");
      assert.equal(tg.zeros([2]).device, "webgpu");
      assert.equal(tg.zeros([2], { device: "cpu" }).device, "cpu");
    });
    assert.equal(tg.getDefaultDevice(), "cpu");
    assert.equal(tg.zeros([2]).device, "cpu");
  });
});

describe("random numbers on a device", () => {
  it("draws the same numbers on every device for a seed", async () => {
    const draw = (device: tg.DeviceType): tg.Tensor[] => {
      tg.manualSeed(7);
      const p = tg.tensor([0.1, 0.5, 0.9, 0, 1, 0.3], { device });
      return [
        tg.rand([5], { device }),
        tg.rand([3], { device, dtype: "float64" }),
        tg.randn([4], { device }),
        tg.randint(0, 10, [6], { device }),
        tg.randperm(6, { device }),
        tg.normal(1, 2, [3], { device }),
        tg.normal(tg.zeros([3], { device }), tg.ones([3], { device })),
        tg.bernoulli(0.5, [8], { device }),
        tg.bernoulli(p),
        tg.bernoulli(p.expand([4, 6]).contiguous()),
      ];
    };
    const onCpu = draw("cpu");
    const onDevice = draw("webgpu");
    for (let i = 0; i < onCpu.length; i++) {
      assert.equal(onDevice[i].device, "webgpu", `draw ${i}`);
      assert.equal(onDevice[i].dtype, onCpu[i].dtype, `draw ${i}`);
      assert.deepEqual(await values(onDevice[i]), await values(onCpu[i]), `draw ${i}`);
    }
  });

  it("keeps u < p exact for bernoulli on the device, at probabilities next to a draw", async () => {
    // The draws of seed 3, as float32 probabilities just above, at and just below each: the CPU compares in float64.
    const g = new tg.Generator(3);
    const draws = Array.from({ length: 32 }, () => g.random());
    const probs = new Float32Array(draws.map((d, i) => [Math.fround(d), d + 2 ** -25, d - 2 ** -25, d][i % 4]));
    const onCpu = tg.bernoulli(tg.tensor(probs), undefined, { generator: new tg.Generator(3) });
    const onDevice = tg.bernoulli(tg.tensor(probs, { device: "webgpu" }), undefined, { generator: new tg.Generator(3) });
    assert.deepEqual(await values(onDevice), await values(onCpu));
    const p64 = new Float64Array(draws.map((d, i) => [d, d + 2 ** -54, d - 2 ** -54, 0.5][i % 4]));
    const cpu64 = tg.bernoulli(tg.tensor(p64), undefined, { generator: new tg.Generator(3) });
    const device64 = tg.bernoulli(tg.tensor(p64, { device: "webgpu" }), undefined, { generator: new tg.Generator(3) });
    assert.equal(device64.dtype, "float64");
    assert.deepEqual(await values(device64), await values(cpu64));
  });

  it("samples like the input's device for dropout and in-place init", async () => {
    const x = tg.ones([4, 8], { device: "webgpu" });
    tg.manualSeed(1);
    const dropped = F.dropout(x, 0.5);
    tg.manualSeed(1);
    const expected = F.dropout(tg.ones([4, 8]), 0.5);
    assert.equal(dropped.device, "webgpu");
    assert.deepEqual(await values(dropped), await values(expected));
    const w = tg.empty([3, 4], { device: "webgpu" });
    tg.manualSeed(2);
    tg.nn.init.kaimingUniform_(w);
    tg.nn.init.orthogonal_(w);
    tg.manualSeed(2);
    const wc = tg.empty([3, 4]);
    tg.nn.init.kaimingUniform_(wc);
    tg.nn.init.orthogonal_(wc);
    assert.equal(w.device, "webgpu");
    assert.deepEqual(await values(w), await values(wc));
  });
});

describe("mixed devices", () => {
  it("throws PyTorch's error naming both devices and never copies", () => {
    const a = tg.ones([2], { device: "webgpu" });
    const b = tg.ones([2]);
    for (const f of [() => a.add(b), () => b.mul(a), () => tg.where(tg.ones([2], { dtype: "bool" }), a, b), () => tg.stack([b, a])]) {
      assert.throws(f, (e: Error) => {
        assert.ok(e instanceof tg.DeviceError, String(e));
        assert.match(e.message, /Expected all tensors to be on the same device, but found at least two devices, webgpu and cpu/);
        return true;
      });
    }
    assert.throws(() => a.matmul(tg.ones([2, 2])), /^DeviceError: matmul: Expected all tensors/);
  });

  it("makes scalars and the tensors ops make inside on the operand's device", async () => {
    const x = tg.tensor(
      [
        [1, -2],
        [3, 4],
      ],
      { device: "webgpu", requiresGrad: true },
    );
    const y = x.mul(2).add(1).maskedFill(x.lt(0), 0).where(x.gt(-5), 3).triu().clamp(0, 6);
    const picked = x.gather(1, tg.tensor([[1], [0]], { dtype: "int32", device: "webgpu" }));
    const idx = x.get(tg.tensor([1, 0], { dtype: "int32", device: "webgpu" }));
    const loss = y.sum().add(picked.sum()).add(idx.square().sum()).add(x.unbind(0)[0].sum());
    loss.backward();
    assert.equal(x.grad?.device, "webgpu");
    // The same on the CPU.
    const xc = tg.tensor(
      [
        [1, -2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const yc = xc.mul(2).add(1).maskedFill(xc.lt(0), 0).where(xc.gt(-5), 3).triu().clamp(0, 6);
    const lc = yc
      .sum()
      .add(xc.gather(1, tg.tensor([[1], [0]], { dtype: "int32" })).sum())
      .add(
        xc
          .get(tg.tensor([1, 0], { dtype: "int32" }))
          .square()
          .sum(),
      )
      .add(xc.unbind(0)[0].sum());
    lc.backward();
    assert.deepEqual(await values(x.grad as tg.Tensor), await values(xc.grad as tg.Tensor));
    assert.equal(await loss.itemAsync(), lc.item());
  });

  it("copies between devices only in copy_, as PyTorch", async () => {
    const dst = tg.zeros([3], { device: "webgpu" });
    tg.noGrad(() => dst.copy_(tg.tensor([1, 2, 3])));
    assert.deepEqual(await values(dst), [1, 2, 3]);
    const host = tg.zeros([3]);
    assert.throws(
      () => host.copy_(dst),
      /copy_: the tensor is on the webgpu device, which is read asynchronously; use `await x\.toAsync\("cpu"\)`/,
    );
  });
});

describe("reading tensors", () => {
  it("resolves the async readers at once on the CPU", async () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(Array.from(await x.toArrayAsync()), [1, 2, 3, 4]);
    assert.deepEqual(await x.tolistAsync(), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(await x.sum().itemAsync(), 10);
    assert.equal(await x.toStringAsync(), x.toString());
    await assert.rejects(x.itemAsync(), /itemAsync\(\): a tensor with 4 elements cannot be converted to a number/);
  });

  it("reads values written before the call, not after", async () => {
    const x = tg.tensor([1, 2]);
    const pending = x.toArrayAsync();
    tg.noGrad(() => x.add_(10));
    assert.deepEqual(Array.from(await pending), [1, 2]);
  });

  it("throws DeviceError naming the async form from the sync readers on an async-only device", async () => {
    const x = tg.tensor(
      [
        [1.5, 2],
        [3, 4],
      ],
      { device: "webgpu" },
    );
    const cases: [() => unknown, string][] = [
      [() => x.toArray(), "toArray\\(\\): .*use `await x\\.toArrayAsync\\(\\)`"],
      [() => x.sum().item(), "item\\(\\): .*use `await x\\.itemAsync\\(\\)`"],
      [() => x.tolist(), "tolist\\(\\): .*use `await x\\.tolistAsync\\(\\)`"],
    ];
    for (const [f, message] of cases) {
      assert.throws(f, (e: Error) => e instanceof tg.DeviceError && new RegExp(message).test(e.message));
    }
    assert.deepEqual(await x.tolistAsync(), [
      [1.5, 2],
      [3, 4],
    ]);
    assert.equal(await x.sum().itemAsync(), 10.5);
    assert.deepEqual(Array.from(await x.toArrayAsync()), [1.5, 2, 3, 4]);
  });

  it("prints a summary from toString() and the values from toStringAsync()", async () => {
    const x = tg.tensor(
      [
        [1.5, 2],
        [3, 4],
      ],
      { device: "webgpu", requiresGrad: true },
    );
    assert.equal(String(x), "tensor(<shape [2, 2], float32, device=webgpu>; read the values with `await x.toStringAsync()`)");
    assert.equal(await x.toStringAsync(), "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]], device='webgpu', requiresGrad=true)");
    assert.equal(
      await tg.tensor([1, 2], { device: "webgpu", dtype: "float64" }).toStringAsync(),
      "tensor([1., 2.], device='webgpu', dtype=float64)",
    );
  });
});

describe("moving tensors", () => {
  it("moves with to(device), to(device, dtype), to({ device, dtype }) and to(other)", async () => {
    const x = tg.tensor([1.5, 2.5]);
    const d = x.to("webgpu");
    assert.equal(d.device, "webgpu");
    assert.deepEqual(await values(d), [1.5, 2.5]);
    const d64 = x.to("webgpu", "float64");
    assert.equal(d64.device, "webgpu");
    assert.equal(d64.dtype, "float64");
    const di = x.to({ device: "webgpu", dtype: "int32" });
    assert.deepEqual([di.device, di.dtype], ["webgpu", "int32"]);
    assert.deepEqual(await values(di), [1, 2]);
    const like = x.to(tg.zeros([1], { device: "webgpu", dtype: "float64" }));
    assert.deepEqual([like.device, like.dtype], ["webgpu", "float64"]);
    assert.equal(x.to({ dtype: "float64" }).dtype, "float64");
  });

  it("returns the tensor itself when it is on the device already (as PyTorch)", () => {
    const x = tg.tensor([1]);
    assert.equal(x.to("cpu"), x);
    assert.equal(x.cpu(), x);
    const d = x.to("webgpu");
    assert.equal(d.to("webgpu"), d);
    assert.equal(d.to({ device: "webgpu" }), d);
  });

  it("moves back from an async-only device only with toAsync / cpuAsync", async () => {
    const d = tg.tensor([1, 2], { device: "webgpu" });
    assert.throws(
      () => d.to("cpu"),
      /to: the tensor is on the webgpu device, which is read asynchronously; use `await x\.toAsync\("cpu"\)` or `await x\.cpuAsync\(\)`/,
    );
    assert.throws(
      () => d.cpu(),
      (e: Error) => e instanceof tg.DeviceError && /cpuAsync/.test(e.message),
    );
    const back = await d.toAsync("cpu");
    assert.equal(back.device, "cpu");
    assert.deepEqual(back.tolist(), [1, 2]);
    const back64 = await d.toAsync("cpu", "float64");
    assert.deepEqual([back64.device, back64.dtype], ["cpu", "float64"]);
    assert.equal((await d.cpuAsync()).device, "cpu");
    assert.equal((await d.toAsync({ device: "cpu", dtype: "int32" })).dtype, "int32");
    const cpu = tg.tensor([1]);
    assert.equal(await cpu.cpuAsync(), cpu);
  });

  it("rejects arguments that are not a dtype, a device, a tensor or { device, dtype }", () => {
    const x = tg.tensor([1]);
    assert.throws(
      () => x.to("cuda" as tg.DeviceType),
      (e: Error) => e instanceof tg.DeviceError && /to: unknown device "cuda"/.test(e.message),
    );
    assert.throws(
      () => x.to({ device: "webgpu", copy: true } as tg.ToOptions),
      (e: Error) => {
        assert.ok(e instanceof tg.ArgumentError);
        assert.match(e.message, /to: expected .* got an unknown option "copy"/);
        return true;
      },
    );
    assert.throws(() => x.to("float32" as tg.DeviceType, "float64"), /to: expected .* got a second argument float64/);
    assert.throws(() => x.to("webgpu", "float16" as tg.DType), /float16/);
    assert.throws(() => x.to(3 as unknown as tg.DType), tg.ArgumentError);
    assert.throws(() => x.to("float16" as tg.DType), tg.DTypeError);
  });

  it("records ToCopyBackward0, whose backward moves the gradient back", async () => {
    const w = tg.tensor([1, 2, 3], { device: "webgpu", requiresGrad: true });
    const host = await w.toAsync("cpu");
    assert.equal(host.gradFn?.name, "ToCopyBackward0");
    host.square().sum().backward();
    assert.equal(w.grad?.device, "webgpu");
    assert.deepEqual(await values(w.grad as tg.Tensor), [2, 4, 6]);
    // A float cast and a move in one call.
    const w2 = tg.tensor([1, 2], { device: "webgpu", requiresGrad: true });
    (await w2.toAsync("cpu", "float64")).mul(3).sum().backward();
    assert.deepEqual([w2.grad?.device, w2.grad?.dtype], ["webgpu", "float32"]);
    assert.deepEqual(await values(w2.grad as tg.Tensor), [3, 3]);
    // From the CPU to the device the gradient would have to be read back synchronously: a clear error.
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const onDevice = x.to("webgpu");
    assert.equal(onDevice.gradFn?.name, "ToCopyBackward0");
    assert.throws(
      () => onDevice.sum().backward(),
      /ToCopyBackward0: the gradient on the webgpu device cannot be moved back to the cpu device synchronously; move the leaf tensors \(parameters\) to the webgpu device instead/,
    );
    // Nothing is recorded under noGrad.
    assert.equal(tg.noGrad(() => x.to("webgpu")).gradFn, null);
  });
});

describe("checks of values on an async-only device", () => {
  it("skips value checks instead of reading (as PyTorch's CUDA), and still checks them on the CPU", async () => {
    fakeReads.sync = 0;
    const i = tg.tensor([7, -7, 5], { dtype: "int32", device: "webgpu" });
    const zero = tg.tensor([2, 0, 1], { dtype: "int32", device: "webgpu" });
    i.div(zero, { roundingMode: "floor" });
    i.pow(tg.tensor([-1, 1, 1], { dtype: "int32", device: "webgpu" }));
    // Index checks would read the indices (the fake's kernels, the CPU's, still check the range themselves, as the
    // WebGPU backend reports it at the next read).
    const x = tg.tensor([1, 2, 3], { device: "webgpu" });
    assert.deepEqual(await values(x.get(tg.tensor([0, -1], { dtype: "int32", device: "webgpu" }))), [1, 3]);
    tg.oneHot(tg.tensor([0, 4], { dtype: "int32", device: "webgpu" }), 3);
    F.crossEntropy(tg.zeros([2, 3], { device: "webgpu" }), tg.tensor([0, 2], { dtype: "int32", device: "webgpu" }));
    F.binaryCrossEntropy(tg.tensor([2, 0.5], { device: "webgpu" }), tg.tensor([1, 0], { device: "webgpu" }));
    tg.normal(tg.zeros([2], { device: "webgpu" }), tg.tensor([-1, 1], { device: "webgpu" }));
    assert.equal(fakeReads.sync, 0);
    // The CPU checks them.
    const ic = tg.tensor([7, -7, 5], { dtype: "int32" });
    assert.throws(() => ic.div(tg.tensor([2, 0, 1], { dtype: "int32" }), { roundingMode: "floor" }), /integer division by zero/);
    assert.throws(() => ic.pow(tg.tensor([-1, 1, 1], { dtype: "int32" })), /negative integer powers/);
    assert.throws(() => tg.tensor([1, 2, 3]).get(tg.tensor([0, 5], { dtype: "int32" })), /out of bounds/);
    assert.throws(() => F.crossEntropy(tg.zeros([2, 3]), tg.tensor([0, 9], { dtype: "int32" })), /out of bounds/);
  });

  it("asks for numClasses in oneHot where the indices cannot be read", async () => {
    const idx = tg.tensor([0, 2], { dtype: "int32", device: "webgpu" });
    assert.throws(
      () => tg.oneHot(idx),
      (e: Error) => e instanceof tg.DeviceError && /oneHot: numClasses must be given/.test(e.message),
    );
    assert.deepEqual(await tg.oneHot(idx, 3).tolistAsync(), [
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });

  it("divides integers with rounding in float32 on an async-only device, with the CPU's results", async () => {
    const a = [7, -7, 16777215, -16777215, 12345678, 5, 0, -1];
    const b = [2, 2, 3, 7, -5, -3, 4, 16777213];
    for (const roundingMode of ["floor", "trunc"] as const) {
      const onCpu = tg.tensor(a, { dtype: "int32" }).div(tg.tensor(b, { dtype: "int32" }), { roundingMode });
      const onDevice = tg
        .tensor(a, { dtype: "int32", device: "webgpu" })
        .div(tg.tensor(b, { dtype: "int32", device: "webgpu" }), { roundingMode });
      assert.equal(onDevice.dtype, "int32");
      assert.deepEqual(await values(onDevice), await values(onCpu), roundingMode);
    }
  });

  it("clipGradNorm_ does not read the norm, unless errorIfNonfinite asks to", async () => {
    const p = tg.tensor([3, 4], { device: "webgpu", requiresGrad: true });
    p.square().sum().backward();
    fakeReads.sync = 0;
    const norm = tg.nn.utils.clipGradNorm_([p], 1);
    assert.equal(fakeReads.sync, 0);
    assert.equal(norm.device, "webgpu");
    assert.equal(await norm.itemAsync(), 10);
    const g = await values(p.grad as tg.Tensor);
    assert.ok(Math.abs(g[0] - 0.6) < 1e-6 && Math.abs(g[1] - 0.8) < 1e-6, String(g));
    assert.throws(() => tg.nn.utils.clipGradNorm_([p], 1, 2, { errorIfNonfinite: true }), tg.DeviceError);
  });
});

describe("modules and optimizers on a device", () => {
  it("moves parameters and every buffer (int ones too), keeping shared parameters shared", async () => {
    const shared = new tg.nn.Linear(3, 3);
    const bn = new tg.nn.BatchNorm1d(3);
    const model = new tg.nn.Sequential(shared, bn, shared);
    const before = shared.weight;
    const weights = await values(before);
    model.to("webgpu");
    assert.notEqual(shared.weight, before);
    assert.ok(shared.weight instanceof tg.nn.Parameter && shared.weight.requiresGrad);
    assert.equal(model.parameters().length, 4); // shared weight and bias counted once
    for (const t of [shared.weight, shared.bias, bn.weight, bn.runningMean, bn.runningVar, bn.numBatchesTracked]) {
      assert.equal(t?.device, "webgpu");
    }
    assert.equal(bn.numBatchesTracked?.dtype, "int32");
    assert.deepEqual(await values(shared.weight), weights);
    // Already there: nothing changes.
    const w = shared.weight;
    model.to("webgpu");
    assert.equal(shared.weight, w);
    // Back to the CPU only asynchronously; a failing `to` changes nothing.
    assert.throws(() => model.to("cpu"), /Module\.to: .*use `await module\.toAsync\("cpu"\)`/);
    assert.equal(shared.weight, w);
    await model.toAsync("cpu");
    assert.equal(shared.weight.device, "cpu");
    assert.equal(bn.numBatchesTracked?.device, "cpu");
    assert.deepEqual(Array.from(shared.weight.toArray()), weights);
    assert.equal(model.parameters().length, 4);
  });

  it("moves and casts in one call, and moves gradients along", async () => {
    const lin = new tg.nn.Linear(2, 1);
    lin
      .forward(tg.ones([1, 2]))
      .sum()
      .backward();
    lin.to({ device: "webgpu", dtype: "float64" });
    assert.deepEqual([lin.weight.device, lin.weight.dtype], ["webgpu", "float64"]);
    assert.deepEqual([lin.weight.grad?.device, lin.weight.grad?.dtype], ["webgpu", "float64"]);
    assert.deepEqual(await values(lin.weight.grad as tg.Tensor), [1, 1]);
    await lin.toAsync("cpu", "float32");
    assert.deepEqual([lin.weight.device, lin.weight.dtype], ["cpu", "float32"]);
    assert.throws(() => lin.to({ device: "webgpu", bogus: 1 } as tg.ToOptions), tg.ArgumentError);
    assert.throws(() => lin.to("cuda:0" as tg.DeviceType), /Module\.to: unknown device "cuda:0"/);
    assert.throws(
      () => lin.to("float16" as tg.DType),
      (e: Error) => e instanceof tg.DTypeError && /Module\.to: unknown dtype float16/.test(e.message),
    );
  });

  it("trains on the device with the CPU's numbers, without reading a value on the host", async () => {
    const run = async (device: tg.DeviceType): Promise<{ losses: number[]; state: number[][] }> => {
      tg.manualSeed(0);
      const model = new tg.nn.Sequential(
        new tg.nn.Linear(2, 16),
        new tg.nn.ReLU(),
        new tg.nn.BatchNorm1d(16),
        new tg.nn.Dropout(0.1),
        new tg.nn.Linear(16, 3),
      );
      model.to(device);
      const opt = new tg.optim.Adam(model.parameters(), { lr: 0.05 });
      const x = tg.randn([64, 2], { device });
      const y = x.sum(1).gt(0).to("int32").add(x.select(1, 0).gt(1).to("int32"));
      const losses: number[] = [];
      for (let i = 0; i < 25; i++) {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.forward(x), y);
        loss.backward();
        tg.nn.utils.clipGradNorm_(model.parameters(), 5);
        opt.step();
        losses.push(await loss.itemAsync());
      }
      const state = await Promise.all(Object.values(model.stateDict()).map(values));
      return { losses, state };
    };
    const onCpu = await run("cpu");
    fakeReads.sync = 0;
    const onDevice = await run("webgpu");
    assert.equal(fakeReads.sync, 0);
    assert.deepEqual(onDevice.losses, onCpu.losses);
    assert.deepEqual(onDevice.state, onCpu.state);
    // Learning happened.
    assert.ok(onDevice.losses[24] < 0.5 * onDevice.losses[0], `${onDevice.losses[0]} -> ${onDevice.losses[24]}`);
  });

  it("keeps optimizer state on the parameters' device", () => {
    const lin = new tg.nn.Linear(2, 2).to("webgpu");
    for (const make of [
      () => new tg.optim.Adam(lin.parameters()),
      () => new tg.optim.AdamW(lin.parameters()),
      () => new tg.optim.SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 }),
      () => new tg.optim.RMSprop(lin.parameters()),
      () => new tg.optim.Adagrad(lin.parameters()),
    ]) {
      const opt = make();
      opt.zeroGrad();
      lin
        .forward(tg.ones([1, 2], { device: "webgpu" }))
        .sum()
        .backward();
      opt.step();
      const state = [...opt.state.values()].flatMap((st) => Object.values(st).filter((v) => v instanceof tg.Tensor));
      assert.ok(state.length >= 2, opt.constructor.name);
      for (const t of [lin.weight, lin.bias, ...state]) assert.equal(t?.device, "webgpu", opt.constructor.name);
    }
  });

  it("averages BatchNorm's running stats with momentum null by a tensor op on the device", async () => {
    const run = async (device: tg.DeviceType): Promise<number[]> => {
      tg.manualSeed(4);
      const bn = new tg.nn.BatchNorm1d(3, { momentum: null }).to(device);
      for (let i = 0; i < 5; i++) bn.forward(tg.randn([8, 3], { device }));
      return [...(await values(bn.runningMean as tg.Tensor)), ...(await values(bn.runningVar as tg.Tensor))];
    };
    const onCpu = await run("cpu");
    fakeReads.sync = 0;
    const onDevice = await run("webgpu");
    assert.equal(fakeReads.sync, 0);
    // 1 − 1/n is rounded once more in float32 on the device than on the CPU: equal to within an ulp or two.
    onDevice.forEach((v, i) => {
      assert.ok(Math.abs(v - onCpu[i]) <= 1e-6 * Math.abs(onCpu[i]) + 1e-7, `${v} vs ${onCpu[i]}`);
    });
  });

  it("runs ops of a model built on the default device", async () => {
    const [weight, out, pooled] = onDefaultDevice(() => {
      const emb = new tg.nn.Embedding(5, 2, { paddingIdx: 0 });
      return [emb.weight, emb.forward(tg.tensor([[0, 3]], { dtype: "int32" })), F.adaptiveAvgPool2d(tg.ones([1, 1, 4, 4]), 2)];
    });
    assert.equal(weight.device, "webgpu");
    assert.equal(out.device, "webgpu");
    assert.deepEqual(((await out.tolistAsync()) as number[][][])[0][0], [0, 0]);
    assert.deepEqual(await pooled.tolistAsync(), [
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ]);
  });

  it("takes the device and dtype of a tensor in Module.to(other)", async () => {
    const lin = new tg.nn.Linear(2, 2);
    lin.to(tg.zeros([], { device: "webgpu", dtype: "float64" }));
    assert.deepEqual([lin.weight.device, lin.weight.dtype], ["webgpu", "float64"]);
    await lin.toAsync(tg.zeros([]));
    assert.deepEqual([lin.weight.device, lin.weight.dtype], ["cpu", "float32"]);
    const loose = lin.to.bind(lin) as (...args: unknown[]) => unknown;
    assert.throws(() => loose(tg.zeros([]), "float64"), tg.ArgumentError);
  });

  it("runs backward under detectAnomaly on the device without reading the gradients", async () => {
    const w = tg.tensor([1, 4], { device: "webgpu", requiresGrad: true });
    fakeReads.sync = 0;
    tg.autograd.detectAnomaly(() => w.sqrt().sum().backward());
    assert.equal(fakeReads.sync, 0);
    assert.deepEqual(await values(w.grad as tg.Tensor), [0.5, 0.25]);
  });

  it("registers the fake device as the webgpu device", () => {
    assert.equal(fakeWebGpu.device, "webgpu");
    assert.ok(tg.listBackends().includes("fake-webgpu"));
  });
});
