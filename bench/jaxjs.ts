/**
 * jax-js (@jax-js/jax) on its WASM backend, with `jit`: the function of each workload is traced and compiled once, and
 * every timed run calls the compiled function. jax-js counts references: jitted functions take ownership of their
 * arguments, so inputs that are used again are passed as `.ref`.
 */

import { defaultDevice, init, jit, nn, numpy as np, valueAndGrad } from "@jax-js/jax";
import { type Case, MLP_SIZES, TINY_SIZES, uniformData } from "./cases.ts";
import type { Runner, Workload } from "./runner.ts";

type Arr = np.Array;

const input = (shape: number[], seed: number): Arr =>
  np
    .array(
      uniformData(
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
    )
    .reshape(shape);

/** Sets up the WASM backend; returns a line for the report, or null when jax-js can't run here. */
export async function initJaxjs(): Promise<string | null> {
  try {
    const devices = await init("wasm");
    if (!devices.includes("wasm")) return null;
    defaultDevice("wasm");
    return "jax-js 0.1.25: wasm backend, jit, 1 thread";
  } catch {
    return null;
  }
}

type Params = Arr[];

/** A training step: jitted value-and-grad of the loss, then an SGD update of every parameter (jitted too). */
function trainSteps(
  sizes: readonly number[],
  batch: number,
  steps: number,
  act: "relu" | "tanh",
  loss: "ce" | "mse",
  seedBase: number,
): Workload {
  let params: Params = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
    params.push(input([fanIn, fanOut], seedBase + l).mul(1 / Math.sqrt(fanIn)), np.zeros([fanOut]));
  }
  const x = input([batch, sizes[0]], loss === "ce" ? 11 : 21);
  const classes = sizes[sizes.length - 1];
  const target =
    loss === "ce"
      ? nn.oneHot(
          np.array(
            new Int32Array(batch).map((_, i) => (i * 7) % classes),
            { dtype: np.int32 },
          ),
          classes,
        )
      : input([batch, 1], 5);
  const lossOf = (p: Params, xb: Arr, yb: Arr): Arr => {
    let h = xb;
    for (let l = 0; l < p.length; l += 2) {
      h = np.matmul(h, p[l]).add(p[l + 1]);
      if (l + 2 < p.length) h = act === "relu" ? nn.relu(h) : np.tanh(h);
    }
    if (loss === "mse") return np.mean(np.square(h.sub(yb)));
    return np.mean(nn.logsumexp(h.ref, 1).sub(np.sum(h.mul(yb), 1)));
  };
  // One jitted function per step, as a jax user would write it: value-and-grad and the SGD update traced together (two
  // separate jitted calls ran about 3× slower on the tiny net).
  const step = jit((p: Params, xb: Arr, yb: Arr): [Arr, Params] => {
    const [value, grads] = valueAndGrad(lossOf)(
      p.map((w) => w.ref),
      xb,
      yb,
    ) as unknown as [Arr, Params];
    return [value, p.map((w, i) => w.sub(grads[i].mul(0.05)))];
  });
  return {
    run() {
      let last = 0;
      for (let s = 0; s < steps; s++) {
        const [value, next] = step(params, x.ref, target.ref) as unknown as [Arr, Params];
        params = next;
        if (s === steps - 1) last = (value.dataSync() as Float32Array)[0];
        else value.dispose();
      }
      if (!Number.isFinite(last)) throw new Error("jax-js: loss is not finite");
    },
    dispose() {
      for (const p of params) p.dispose();
      x.dispose();
      target.dispose();
    },
  };
}

export function jaxjsRunner(): Runner {
  return {
    name: "jax-js",
    prepare(c: Case): Workload | null {
      if (c.kind === "matmul") {
        const a = input([c.m, c.k], 1);
        const b = input([c.k, c.n], 2);
        const mm = jit((x: Arr, y: Arr) => np.matmul(x, y));
        return {
          run: () => void mm(a.ref, b.ref).dataSync(),
          dispose: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      if (c.kind === "elementwise") {
        const a = input([c.size], 3);
        const b = input([c.size], 4);
        const op = c.op;
        const add = jit((x: Arr, y: Arr) => x.add(y));
        const unary = jit((x: Arr) => (op === "relu" ? nn.relu(x) : np.exp(x)));
        return {
          run: () => void (op === "add" ? add(a.ref, b.ref) : unary(a.ref)).dataSync(),
          dispose: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      if (c.kind === "tiny") return trainSteps(TINY_SIZES, c.batch, c.steps, "tanh", "mse", 200);
      return trainSteps(MLP_SIZES, c.batch, 1, "relu", "ce", 100);
    },
  };
}
