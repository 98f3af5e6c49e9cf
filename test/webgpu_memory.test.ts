import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.ts";

const { nn, optim } = tg;

// A full garbage collection on demand (what `node --expose-gc` gives as `gc()`), so the test controls when collected
// tensors hand their buffers back instead of depending on when V8 chooses to collect its old generation.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Collects garbage, lets the finalizers run (they are tasks), and submits so released buffers reach the pool. */
async function settle(): Promise<void> {
  collect();
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  await tg.webgpu.synchronize();
}

// The memory contract of the webgpu device: a buffer returns to the pool when its tensor is collected, and the pool
// hands it out again, so nothing leaks and the memory held is bounded by the garbage between two collections. Here a
// collection runs with every read (every 100 steps); what a tensor holds after it must stay what it was at step 1,000.
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
      await settle();
      const m = tg.webgpu.memory();
      samples.push({ step, reserved: m.reservedBytes, inUse: m.inUseBytes });
    }
  }
  assert.ok(last < first, `the loss should fall (from ${first} to ${last})`);
  const at = (step: number) => samples.find((s) => s.step === step)!;
  const shown = JSON.stringify(samples.filter((_, i) => i % 10 === 9));
  // After a collection only live tensors hold buffers (parameters, momentum, data, the last step's loss): the same
  // number of bytes at step 1,000 and at every later sample. A leak of one small buffer per step would add ≥ 2.5 MB.
  const base = at(1000);
  const worstInUse = samples.filter((s) => s.step >= 1000).reduce((a, s) => (s.inUse > a.inUse ? s : a));
  assert.ok(
    worstInUse.inUse <= base.inUse * 1.1 + 2 ** 16,
    `GPU memory held by tensors grew from ${base.inUse} bytes at step 1000 to ${worstInUse.inUse} at step ${worstInUse.step}; samples: ${shown}`,
  );
  // And the pool (in use + free) stops growing once it holds one collection interval's garbage.
  const end = at(10_000);
  assert.ok(
    end.reserved <= base.reserved * 1.25 + 2 ** 20,
    `GPU memory reserved grew from ${base.reserved} bytes at step 1000 to ${end.reserved} at step 10000; samples: ${shown}`,
  );
});
