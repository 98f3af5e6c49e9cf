/** tensorgrad on one of its backends (the CPU reference backend, or the WASM SIMD backend). */

import * as tg from "../src/index.ts";
import { type Case, MLP_SIZES, uniformData } from "./cases.ts";
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
  return {
    run() {
      for (const p of params) p.grad = null;
      let h = x;
      for (let l = 0; l < params.length; l += 2) {
        h = h.matmul(params[l]).add(params[l + 1]);
        if (l + 2 < params.length) h = h.relu();
      }
      // Cross-entropy: mean over the batch of logsumexp(logits) − logit of the label.
      const loss = h.logsumexp(1).sub(h.gather(1, y).squeeze(1)).mean();
      loss.backward();
      loss.item();
      params[0].grad?.toArray();
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
  return {
    name: `tensorgrad (${backend})`,
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
  return mlpStep(c.batch);
}
