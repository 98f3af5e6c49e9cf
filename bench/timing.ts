/** Timing helpers for the benchmarks: warm-up, repeated timed runs, medians. */

export interface TimingOptions {
  /** Untimed runs first, to let the JIT compile and caches fill. */
  warmup: number;
  /** Timed repetitions; the median of them is reported. */
  reps: number;
  /** Stop adding repetitions (after at least 3) once this many milliseconds have been spent timing. */
  budgetMs?: number;
}

export interface Timing {
  /** Median time of one run, in milliseconds. */
  medianMs: number;
  /** The fastest run, in milliseconds. */
  minMs: number;
  /** How many timed runs were made. */
  runs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Times `fn` (which must force its result to be computed) `reps` times after `warmup` untimed runs. */
export function time(fn: () => void, options: TimingOptions): Timing {
  for (let i = 0; i < options.warmup; i++) fn();
  const times: number[] = [];
  let spent = 0;
  const budget = options.budgetMs ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < options.reps; i++) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
    if (times.length >= 3 && spent > budget) break;
  }
  return { medianMs: median(times), minMs: Math.min(...times), runs: times.length };
}

/** Floating-point operations per second, in billions, of `flops` done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}

/** Bytes per second, in billions, of `bytes` moved in `ms` milliseconds. */
export function gbPerSec(bytes: number, ms: number): number {
  return bytes / (ms * 1e6);
}
