/** What the benchmark measures: the workloads every library runs, and how often to time them. */

export type ElementwiseOp = "add" | "relu" | "exp";

export type Case =
  | { kind: "matmul"; m: number; k: number; n: number; label: string }
  | { kind: "elementwise"; op: ElementwiseOp; size: number; label: string }
  | { kind: "mlp"; batch: number; label: string }
  /** `steps` training steps of the 2-8-8-1 tanh net (batch 10, MSE, SGD) per timed run. */
  | { kind: "tiny"; batch: number; steps: number; label: string };

export type Unit = "GFLOPS" | "GB/s" | "steps/s" | "MB";

export const MLP_SIZES = [784, 256, 256, 10] as const;
export const TINY_SIZES = [2, 8, 8, 1] as const;

export const CASES: readonly Case[] = [
  ...[64, 128, 256, 512].map((s): Case => ({ kind: "matmul", m: s, k: s, n: s, label: `matmul ${s}³` })),
  { kind: "matmul", m: 128, k: 784, n: 256, label: "matmul 128×784×256" },
  ...(["add", "relu", "exp"] as const).flatMap((op) =>
    [1 << 20, 1 << 22].map((size): Case => ({ kind: "elementwise", op, size, label: `${op} ${size >> 20}M` })),
  ),
  { kind: "mlp", batch: 128, label: `MLP ${MLP_SIZES.join("-")} train step, batch 128` },
  { kind: "tiny", batch: 10, steps: 200, label: `tiny ${TINY_SIZES.join("-")} tanh net, SGD train step, batch 10` },
];

export function unitOf(c: Case): Unit {
  return c.kind === "matmul" ? "GFLOPS" : c.kind === "elementwise" ? "GB/s" : "steps/s";
}

/** The work one run does: flops for matmul, bytes moved for elementwise, steps for the networks. */
export function workOf(c: Case): number {
  if (c.kind === "matmul") return 2 * c.m * c.k * c.n;
  if (c.kind === "elementwise") return (c.op === "add" ? 3 : 2) * c.size * 4;
  if (c.kind === "tiny") return c.steps;
  return 1;
}

/** Warm-up runs, timed repetitions and a time budget (ms) per case, so that the whole run stays short. */
export function plan(c: Case): { warmup: number; reps: number; budgetMs: number } {
  if (c.kind === "matmul") {
    const flops = workOf(c);
    if (flops <= 2 * 128 ** 3) return { warmup: 10, reps: 30, budgetMs: 1500 };
    return { warmup: 5, reps: 15, budgetMs: 3000 };
  }
  if (c.kind === "elementwise") return { warmup: 3, reps: 15, budgetMs: 2000 };
  if (c.kind === "tiny") return { warmup: 25, reps: 15, budgetMs: 3000 };
  // Enough warm-up steps for the JIT to settle (a step runs dozens of functions through several tiers).
  return { warmup: 10, reps: 15, budgetMs: 5000 };
}

/** Deterministic uniform values in [-1, 1), so that every library sees the same inputs. */
export function uniformData(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}
