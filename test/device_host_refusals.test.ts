import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useFakeWebGpu } from "./helpers/fake_webgpu.ts";
import { tg } from "./helpers.ts";

// Helpers that read values on the host refuse a tensor on a device read only asynchronously with a DeviceError that
// names them and the way out, not the toArray() message of a call the user never made. The fake device (CPU kernels,
// async-only reads) stands in for webgpu, so this runs on any machine.
useFakeWebGpu();

const isDeviceError = (re: RegExp) => (e: unknown) => e instanceof tg.DeviceError && re.test(String(e));

describe("host-side helpers on an async-only device", () => {
  it("packPaddedSequence wants its lengths on the CPU, as PyTorch does", () => {
    const x = tg.randn([3, 2, 4], { device: "webgpu" });
    assert.throws(
      () => tg.nn.utils.packPaddedSequence(x, tg.tensor([3, 2], { dtype: "int32", device: "webgpu" })),
      isDeviceError(/packPaddedSequence: lengths must be .* on the CPU.*cpuAsync/),
    );
    const packed = tg.nn.utils.packPaddedSequence(x, [3, 2]);
    assert.equal(packed.data.device, "webgpu");
    assert.deepEqual(packed.data.shape, [5, 4]);
  });

  it("overfitCheck names the device and the move to the CPU", () => {
    const model = new tg.nn.Linear(2, 1).to("webgpu");
    const inputs = tg.randn([4, 2], { device: "webgpu" });
    const targets = tg.randn([4, 1], { device: "webgpu" });
    assert.throws(
      () => tg.utils.overfitCheck({ model, lossFn: (a, b) => tg.nn.functional.mseLoss(a, b), inputs, targets, lr: 0.1 }),
      isDeviceError(/overfitCheck: .*webgpu device.*toAsync\("cpu"\)/),
    );
  });
});
