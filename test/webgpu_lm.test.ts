import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "tensorgrad";
import { buildLm, LM_KINDS } from "../src/cli/lm_models.ts";
import { webgpuSkip } from "./helpers_webgpu.js";

// The CLI's language models (`tensorgrad train --model ... --device webgpu`) on WebGPU: the same logits and the same
// clipped AdamW step as on the CPU, for each kind.

async function maxDiff(a: tg.Tensor, b: tg.Tensor): Promise<number> {
  const x = Array.from((await a.cpuAsync()).toArray(), Number);
  const y = Array.from((await b.cpuAsync()).toArray(), Number);
  assert.equal(x.length, y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}

test("language models train on webgpu as on the CPU", { skip: await webgpuSkip() }, async () => {
  for (const kind of LM_KINDS) {
    tg.manualSeed(0);
    const cfg = { kind, vocabSize: 11, blockSize: 6, embed: 8, hidden: 12, layers: 1, heads: 2, context: 3, dropout: 0 };
    const cpu = buildLm(cfg);
    const gpu = buildLm(cfg).to("webgpu");
    gpu.loadStateDict(cpu.stateDict());
    const x = tg.randint(0, 11, [3, 6]);
    const y = tg.randint(-1, 11, [18]); // −1: padding, ignored
    const losses: number[][] = [[], []];
    for (const [j, [m, dev]] of (
      [
        [cpu, "cpu"],
        [gpu, "webgpu"],
      ] as const
    ).entries()) {
      const opt = new tg.optim.AdamW(m.parameters(), { lr: 0.01, weightDecay: 0.01 });
      for (let step = 0; step < 2; step++) {
        const logits = m(x.to(dev));
        const loss = tg.nn.functional.crossEntropy(logits.reshape([-1, 11]), y.to(dev), { ignoreIndex: -1 });
        opt.zeroGrad();
        loss.backward();
        tg.nn.utils.clipGradNorm_(m.parameters(), 1);
        opt.step();
        losses[j].push(await loss.itemAsync());
      }
    }
    for (let s = 0; s < 2; s++)
      assert.ok(Math.abs(losses[0][s] - losses[1][s]) < 1e-4, `${kind} step ${s}: ${losses[0][s]} vs ${losses[1][s]}`);
    assert.ok((await maxDiff(gpu(x.to("webgpu")), cpu(x))) < 1e-4, `${kind} logits after two steps`);
  }
});
