/** TensorFlow.js on its pure-JS CPU backend and on its WASM backend (XNNPACK, SIMD; one thread in Node). */

import "@tensorflow/tfjs-backend-cpu";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import { type Case, MLP_SIZES, TINY_SIZES, uniformData } from "./cases.ts";
import type { Runner, Workload } from "./runner.ts";
import { registerTfjsGradients } from "./tfjs_gradients.ts";

const input = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(
    uniformData(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );

/** Runs `f` inside tf.tidy, reads its result back and frees it, so that nothing leaks between runs. */
function readAndFree(f: () => tf.Tensor): void {
  const out = tf.tidy(f);
  out.dataSync();
  out.dispose();
}

function mlpStep(batch: number): Workload {
  const x = input([batch, MLP_SIZES[0]], 11);
  const classes = MLP_SIZES[MLP_SIZES.length - 1];
  const labels = new Int32Array(batch).map((_, i) => (i * 7) % classes);
  const target = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), classes), "float32"));
  const params: tf.Variable[] = [];
  for (let l = 0; l + 1 < MLP_SIZES.length; l++) {
    const [fanIn, fanOut] = [MLP_SIZES[l], MLP_SIZES[l + 1]];
    const w = tf.tidy(() => tf.mul(input([fanIn, fanOut], 100 + l), 1 / Math.sqrt(fanIn)));
    const b = tf.zeros([fanOut]);
    params.push(tf.variable(w), tf.variable(b));
    tf.dispose([w, b]);
  }
  return {
    run() {
      const { value, grads } = tf.variableGrads(() => {
        let h: tf.Tensor = x;
        for (let l = 0; l < params.length; l += 2) {
          h = tf.add(tf.matMul(h, params[l]), params[l + 1]);
          if (l + 2 < params.length) h = tf.relu(h);
        }
        // Cross-entropy: mean over the batch of logsumexp(logits) − logit of the label (picked by a one-hot mask).
        return tf.mean(tf.sub(tf.logSumExp(h, 1), tf.sum(tf.mul(h, target), 1))) as tf.Scalar;
      }, params);
      // The SGD update.
      tf.tidy(() => {
        for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name], 0.05)));
      });
      value.dataSync();
      grads[params[0].name].dataSync();
      value.dispose();
      tf.dispose(grads);
    },
    dispose() {
      tf.dispose([x, target, ...params]);
    },
  };
}

/** `steps` SGD training steps of the 2-8-8-1 tanh net (dense layers as matMul + add, MSE loss) on a fixed batch. */
function tinySteps(batch: number, steps: number): Workload {
  const x = input([batch, TINY_SIZES[0]], 21);
  const y = tf.tidy(() => tf.mul(tf.slice(x, [0, 0], [batch, 1]), tf.slice(x, [0, 1], [batch, 1])));
  const params: tf.Variable[] = [];
  for (let l = 0; l + 1 < TINY_SIZES.length; l++) {
    const [fanIn, fanOut] = [TINY_SIZES[l], TINY_SIZES[l + 1]];
    const w = tf.tidy(() => tf.mul(input([fanIn, fanOut], 200 + l), 1 / Math.sqrt(fanIn)));
    const b = tf.zeros([fanOut]);
    params.push(tf.variable(w), tf.variable(b));
    tf.dispose([w, b]);
  }
  const lr = 0.05;
  return {
    run() {
      let loss = 0;
      for (let s = 0; s < steps; s++) {
        const { value, grads } = tf.variableGrads(() => {
          let h: tf.Tensor = x;
          for (let l = 0; l < params.length; l += 2) {
            h = tf.add(tf.matMul(h, params[l]), params[l + 1]);
            if (l + 2 < params.length) h = tf.tanh(h);
          }
          return tf.mean(tf.square(tf.sub(h, y))) as tf.Scalar;
        }, params);
        tf.tidy(() => {
          for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name], lr)));
        });
        if (s === steps - 1) loss = value.dataSync()[0];
        value.dispose();
        tf.dispose(grads);
      }
      if (!Number.isFinite(loss)) throw new Error("tiny net: loss is not finite");
    },
    dispose() {
      tf.dispose([x, y, ...params]);
    },
  };
}

/** A runner for tfjs on `backend` (both must have been set up by `initTfjs`); switching to an initialized backend is synchronous. */
export function tfjsRunner(backend: "cpu" | "wasm"): Runner {
  const on = (w: Workload): Workload => ({
    run() {
      void tf.setBackend(backend);
      w.run();
    },
    dispose: w.dispose,
  });
  return {
    name: `tfjs-${backend}`,
    prepare(c: Case): Workload | null {
      void tf.setBackend(backend);
      return on(prepareCase(c));
    },
  };
}

function prepareCase(c: Case): Workload {
  if (c.kind === "matmul") {
    const a = input([c.m, c.k], 1);
    const b = input([c.k, c.n], 2);
    return { run: () => readAndFree(() => tf.matMul(a, b)), dispose: () => tf.dispose([a, b]) };
  }
  if (c.kind === "elementwise") {
    const a = input([c.size], 3);
    const b = input([c.size], 4);
    const op = c.op;
    const f = op === "add" ? () => tf.add(a, b) : op === "relu" ? () => tf.relu(a) : () => tf.exp(a);
    return { run: () => readAndFree(f), dispose: () => tf.dispose([a, b]) };
  }
  if (c.kind === "tiny") return tinySteps(c.batch, c.steps);
  return mlpStep(c.batch);
}

/**
 * Sets up the CPU and WASM backends (the WASM one loads the .wasm files shipped in @tensorflow/tfjs-backend-wasm, offline) and
 * registers the gradients (for the MLP step); call (and await) before `prepare`.
 */
export async function initTfjs(): Promise<string> {
  await registerTfjsGradients();
  const wasmFile = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm");
  setWasmPaths(`${dirname(wasmFile)}/`);
  const wasm = await tf.setBackend("wasm");
  await tf.setBackend("cpu");
  await tf.ready();
  return `cpu and ${wasm ? "wasm (SIMD, 1 thread)" : "no wasm (failed to initialize)"} backends, tfjs-core ${tf.version_core}`;
}

/** Live tfjs tensors, to check that the benchmark does not leak. */
export const tfjsTensorCount = (): number => tf.memory().numTensors;
