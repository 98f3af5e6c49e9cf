import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.js";
import { assertMatches } from "./webgpu_ops_harness.js";

// End to end: the same small MLP (Linear, BatchNorm1d, ReLU, Dropout) trained on the CPU and on webgpu from the same
// seed, with an optimizer, a learning-rate schedule and gradient clipping. Random numbers are drawn on the host, so
// both runs get the same initial weights, batches and dropout masks; the loss curves and final parameters and buffers
// (BatchNorm's running statistics) must agree, and the loss must have fallen (learning happened).

const { nn, optim } = tg;

class Net extends nn.Module {
  // No bias before BatchNorm: its gradient is zero up to rounding, which Adam would scale up to full steps.
  fc1 = new nn.Linear(6, 32, false);
  bn = new nn.BatchNorm1d(32);
  act = new nn.ReLU();
  drop = new nn.Dropout(0.2);
  fc2 = new nn.Linear(32, 3);
  forward(x: tg.Tensor): tg.Tensor {
    return this.fc2(this.drop(this.act(this.bn(this.fc1(x)))));
  }
}

/** A separable 3-class problem: 96 points, the class of each from a fixed linear map. */
function dataset(): { x: tg.Tensor; y: tg.Tensor } {
  const g = new tg.Generator(5);
  const x = tg.randn([96, 6], { generator: g });
  const w = tg.randn([6, 3], { generator: g });
  return { x, y: x.matmul(w).argmax(1) };
}

type Make = (params: tg.nn.Parameter[]) => { opt: { zeroGrad(): void; step(): void }; sched: { step(): void } };

/** Trains on `device` from seed 0 and returns the loss of every step (read at the end) and the model. */
async function train(device: "cpu" | "webgpu", make: Make, steps: number): Promise<{ losses: number[]; model: Net }> {
  tg.manualSeed(0);
  const model = new Net().to(device);
  const { opt, sched } = make(model.parameters());
  const { x, y } = dataset();
  const xs = x.to(device);
  const ys = y.to(device);
  const lossFn = new nn.CrossEntropyLoss();
  const losses: tg.Tensor[] = [];
  for (let step = 0; step < steps; step++) {
    const batch = tg.randperm(96).get("0:32").to(device);
    opt.zeroGrad();
    const loss = lossFn(model(xs.indexSelect(0, batch)), ys.indexSelect(0, batch));
    loss.backward();
    nn.utils.clipGradNorm_(model.parameters(), 1.0);
    opt.step();
    sched.step();
    losses.push(loss.detach());
  }
  return { losses: await Promise.all(losses.map((l) => l.itemAsync())), model };
}

async function compareRuns(make: Make, steps: number): Promise<void> {
  const cpu = await train("cpu", make, steps);
  const gpu = await train("webgpu", make, steps);
  for (let i = 0; i < steps; i++) {
    const tol = 1e-3 * Math.max(1, Math.abs(cpu.losses[i]));
    assert.ok(Math.abs(gpu.losses[i] - cpu.losses[i]) <= tol, `step ${i}: loss ${gpu.losses[i]} on webgpu, ${cpu.losses[i]} on the cpu`);
  }
  assert.ok(cpu.losses[steps - 1] < 0.6 * cpu.losses[0], `the loss fell from ${cpu.losses[0]} to ${cpu.losses[steps - 1]}`);
  const gpuState = gpu.model.stateDict();
  for (const [name, t] of Object.entries(cpu.model.stateDict())) {
    // Float32 rounding differences grow over the steps: parameters agree to 1e-3 of their scale.
    await assertMatches(gpuState[name], t, name, 1e-3, 1e-3);
  }
}

const skip = await webgpuSkip();

test("MLP with BatchNorm and Dropout: Adam, StepLR and clipping give the same run on webgpu", { skip }, () =>
  compareRuns((params) => {
    const opt = new optim.Adam(params, { lr: 0.02 });
    return { opt, sched: new optim.lrScheduler.StepLR(opt, 10, 0.5) };
  }, 30),
);

test("MLP with BatchNorm and Dropout: SGD with momentum and cosine annealing give the same run on webgpu", { skip }, () =>
  compareRuns((params) => {
    const opt = new optim.SGD(params, { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
    return { opt, sched: new optim.lrScheduler.CosineAnnealingLR(opt, 30) };
  }, 30),
);
