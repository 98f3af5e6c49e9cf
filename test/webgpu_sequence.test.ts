import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "tensorgrad";
import { webgpuSkip } from "./helpers_webgpu.js";

// The recurrent and attention layers are composed ops, so they run on WebGPU unchanged: forward and gradients there
// match the CPU's.

const { nn } = tg;

async function maxDiff(a: tg.Tensor, b: tg.Tensor): Promise<number> {
  const x = Array.from((await a.cpuAsync()).toArray(), Number);
  const y = Array.from((await b.cpuAsync()).toArray(), Number);
  assert.equal(x.length, y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}

/** Runs `run` with the module and input on the CPU and on webgpu; compares the output and every parameter gradient. */
async function compare(make: () => tg.nn.AnyModule, input: tg.Tensor, run: (m: tg.nn.AnyModule, x: tg.Tensor) => tg.Tensor) {
  tg.manualSeed(0);
  const cpu = make();
  const gpu = make().to("webgpu");
  gpu.loadStateDict(cpu.stateDict());
  const outCpu = run(cpu, input);
  const outGpu = run(gpu, input.to("webgpu"));
  assert.ok((await maxDiff(outGpu, outCpu)) < 1e-4);
  outCpu.square().sum().backward();
  outGpu.square().sum().backward();
  const gp = gpu.namedParameters();
  for (const [i, [name, p]] of cpu.namedParameters().entries()) {
    assert.ok((await maxDiff(gp[i][1].grad as tg.Tensor, p.grad as tg.Tensor)) < 1e-3, name);
  }
}

test("LSTM (2 layers, bidirectional, packed input) and GRU on webgpu = CPU", { skip: await webgpuSkip() }, async () => {
  const x = tg.randn([3, 5, 4]);
  await compare(
    () => new nn.LSTM(4, 6, { numLayers: 2, bidirectional: true, batchFirst: true }),
    x,
    (m, xs) => nn.utils.padPackedSequence((m as tg.nn.LSTM)(nn.utils.packPaddedSequence(xs, [3, 5, 2], true, false))[0], true)[0],
  );
  await compare(
    () => new nn.GRU(4, 6),
    x,
    (m, xs) => (m as tg.nn.GRU)(xs)[0],
  );
});

test("MultiheadAttention with masks and a TransformerEncoderLayer on webgpu = CPU", { skip: await webgpuSkip() }, async () => {
  const x = tg.randn([2, 5, 8]);
  await compare(
    () => new nn.MultiheadAttention(8, 2, { batchFirst: true }),
    x,
    (m, xs) =>
      (m as tg.nn.MultiheadAttention)(xs, xs, xs, {
        attnMask: nn.Transformer.generateSquareSubsequentMask(5).to(xs.device),
        keyPaddingMask: tg
          .tensor([
            [false, false, false, false, true],
            [false, false, false, false, false],
          ])
          .to(xs.device),
      })[0],
  );
  await compare(
    () => new nn.TransformerEncoderLayer(8, 2, 16, 0, { batchFirst: true, normFirst: true, activation: "gelu" }),
    x,
    (m, xs) => (m as tg.nn.TransformerEncoderLayer)(xs),
  );
});
