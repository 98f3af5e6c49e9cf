/** tensorgrad on one of its backends (the CPU reference backend, or the WASM SIMD backend). */

import * as tg from "../src/index.ts";
import { type Case, MLP_SIZES, TINY_SIZES, uniformData } from "./cases.ts";
import type { Runner, Workload } from "./runner.ts";

const input = (shape: number[], seed: number, requiresGrad = false): tg.Tensor =>
  tg
    .tensor(
      uniformData(
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
    )
    .reshape(shape)
    .requiresGrad_(requiresGrad);

function mlpStep(batch: number): Workload {
  const x = input([batch, MLP_SIZES[0]], 11);
  const labels = new Int32Array(batch).map((_, i) => (i * 7) % MLP_SIZES[MLP_SIZES.length - 1]);
  const y = tg.tensor(labels).reshape([batch, 1]);
  const params: tg.Tensor[] = [];
  for (let l = 0; l + 1 < MLP_SIZES.length; l++) {
    const [fanIn, fanOut] = [MLP_SIZES[l], MLP_SIZES[l + 1]];
    params.push(
      input([fanIn, fanOut], 100 + l)
        .mul(1 / Math.sqrt(fanIn))
        .detach()
        .requiresGrad_(),
      tg.zeros([fanOut], { requiresGrad: true }),
    );
  }
  const opt = new tg.optim.SGD(params, { lr: 0.05 });
  return {
    run() {
      opt.zeroGrad();
      let h = x;
      for (let l = 0; l < params.length; l += 2) {
        h = h.matmul(params[l]).add(params[l + 1]);
        if (l + 2 < params.length) h = h.relu();
      }
      // Cross-entropy: mean over the batch of logsumexp(logits) − logit of the label.
      const loss = h.logsumexp(1).sub(h.gather(1, y).squeeze(1)).mean();
      loss.backward();
      opt.step();
      loss.item();
      params[0].grad?.toArray();
    },
    dispose() {},
  };
}

/** `steps` SGD training steps of the 2-8-8-1 tanh net (nn.Linear, nn.Tanh, MSE loss) on a fixed batch. */
function tinySteps(batch: number, steps: number): Workload {
  const [i, h1, h2, o] = TINY_SIZES;
  const layers: tg.nn.Linear[] = [new tg.nn.Linear(i, h1), new tg.nn.Linear(h1, h2), new tg.nn.Linear(h2, o)];
  const model = new tg.nn.Sequential(layers[0], new tg.nn.Tanh(), layers[1], new tg.nn.Tanh(), layers[2]);
  const opt = new tg.optim.SGD(model.parameters(), { lr: 0.05 });
  const x = input([batch, i], 21);
  const y = x.get(":, 0:1").mul(x.get(":, 1:2"));
  return {
    run() {
      let loss = 0;
      for (let s = 0; s < steps; s++) {
        opt.zeroGrad();
        const l = tg.nn.functional.mseLoss(model(x), y);
        l.backward();
        opt.step();
        if (s === steps - 1) loss = l.item();
      }
      if (!Number.isFinite(loss)) throw new Error("tiny net: loss is not finite");
    },
    dispose() {},
  };
}

/** A runner for tensorgrad on `backend`: inputs are created, and every op run, with that backend selected. */
export function tensorgradRunner(backend: "cpu" | "wasm"): Runner {
  const on = (w: Workload): Workload => ({
    run() {
      tg.setBackend(backend);
      w.run();
    },
    dispose: w.dispose,
  });
  // The CPU reference backend runs on one thread; the WASM backend splits large matmuls over tg.getNumThreads() threads.
  const name = backend === "wasm" ? `tensorgrad (wasm, ${tg.getNumThreads()} thr)` : "tensorgrad (cpu)";
  return {
    name,
    prepare(c: Case): Workload | null {
      tg.setBackend(backend);
      return on(prepareCase(c));
    },
  };
}

function prepareCase(c: Case): Workload {
  if (c.kind === "matmul") {
    const a = input([c.m, c.k], 1);
    const b = input([c.k, c.n], 2);
    return { run: () => void a.matmul(b).toArray(), dispose() {} };
  }
  if (c.kind === "elementwise") {
    const a = input([c.size], 3);
    const b = input([c.size], 4);
    const op = c.op;
    const run = op === "add" ? () => void a.add(b).toArray() : op === "relu" ? () => void a.relu().toArray() : () => void a.exp().toArray();
    return { run, dispose() {} };
  }
  if (c.kind === "tiny") return tinySteps(c.batch, c.steps);
  return mlpStep(c.batch);
}
