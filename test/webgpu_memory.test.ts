import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.ts";

const { nn, optim } = tg;

// The memory rule of the webgpu device, proved: a training loop that awaits a read every 100 steps (as the CLI does)
// keeps GPU memory flat. Buffers of collected tensors go back to the pool; the pool hands them out again.
test("webgpu: GPU memory in use and pooled stays flat over 10,000 MLP training steps", {
  timeout: 600_000,
  skip: await webgpuSkip(),
}, async () => {
  tg.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(16, 32), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(32, 4)).to("webgpu");
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = tg.randn([32, 16], { device: "webgpu" });
  const y = tg.randint(0, 4, [32], { device: "webgpu" });
  const lossFn = new nn.CrossEntropyLoss();
  const samples: { step: number; reserved: number; inUse: number }[] = [];
  let first = Number.NaN;
  let last = Number.NaN;
  for (let step = 1; step <= 10_000; step++) {
    opt.zeroGrad();
    const loss = lossFn(model(x), y);
    loss.backward();
    opt.step();
    if (step % 100 === 0) {
      const value = await loss.itemAsync();
      if (step === 100) first = value;
      last = value;
      const m = tg.webgpu.memory();
      samples.push({ step, reserved: m.reservedBytes, inUse: m.inUseBytes });
    }
  }
  assert.ok(last < first, `the loss should fall (from ${first} to ${last})`);
  // Garbage collection runs when it likes, so the memory held at any one sample swings with the garbage of a few hundred
  // steps; a leak grows without bound instead. So: the peak over the last 5,000 steps may not exceed the peak over steps
  // 1,000-5,000 (after warm-up) by more than 25% + 1 MiB. A leak of one small buffer per step would add ≥ 2.5 MB.
  const peak = (from: number, to: number) =>
    samples.filter((s) => s.step > from && s.step <= to).reduce((a, s) => (s.reserved > a.reserved ? s : a));
  const early = peak(1000, 5000);
  const late = peak(5000, 10_000);
  const bound = early.reserved * 1.25 + 2 ** 20;
  assert.ok(
    late.reserved <= bound,
    `GPU memory grew: peak ${early.reserved} bytes over steps 1,000-5,000, ${late.reserved} at step ${late.step} ` +
      `(bound ${bound}); samples: ${JSON.stringify(samples.filter((_, i) => i % 10 === 9))}`,
  );
});
