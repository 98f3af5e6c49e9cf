/**
 * Multi-threaded float32 GEMM: a small pool of helper threads (Node `worker_threads`; in browsers, Web Workers, only where
 * the page is cross-origin isolated and we are not on the main thread, which may not block in `Atomics.wait`), each with its
 * own instance of the same WASM kernels. A large product is split into row chunks of A; the calling thread publishes the
 * operands in a shared input area, wakes the helpers with `Atomics.notify`, and then claims chunks like any helper does
 * (whoever gets a chunk first computes it), so that the call stays synchronous and completes even if no helper ever wakes.
 * Helpers copy B and their rows of A into their own WASM memory and write their rows of C to a shared output area. Every
 * row is computed by the same kernel build with the same k order, so the result is bit-for-bit the single-threaded one.
 *
 * If a pool can't start (no workers, no SharedArrayBuffer, a browser main thread) or a helper fails, everything quietly
 * runs on the calling thread from then on.
 */

import { type Kernels, type KernelVariant, kernelBytes, kernelVariant } from "./module.js";

// Control words (Int32Array over a SharedArrayBuffer).
const GEN = 0; // job generation, odd while the parameters are being written (a seqlock)
/** Seconds without any finished chunk after which the helpers are given up on. */
const STALL_SECONDS = 10;
const NEXT = 1; // next chunk id to claim; ids grow across jobs, job g owning [BASE, BASE + NCHUNKS)
const DONE = 2; // chunks of the current job finished
const FAILED = 3; // set by a helper whose chunk threw
const EPOCH = 4; // which shared input/output buffers the job uses
const BASE = 5;
const NCHUNKS = 6;
const ROWS = 7; // rows per chunk
const M = 8;
const N = 9;
const K = 10;
const RSA = 11;
const CSA = 12;
const RSB = 13;
const CSB = 14;
const AOFF = 15; // index in the input area of A[0, 0]
const BLO = 16; // start of B's span in the input area
const BLEN = 17;
const BOFF = 18; // index in the input area of B[0, 0]
const CTRL_WORDS = 32;

/** The helper's script: self-contained plain JS (run by Node's `eval` workers and by Blob-URL Web Workers). */
const WORKER_SOURCE = `"use strict";
const GEN=${GEN},NEXT=${NEXT},DONE=${DONE},FAILED=${FAILED},EPOCH=${EPOCH},BASE=${BASE},NCHUNKS=${NCHUNKS},ROWS=${ROWS},M=${M},N=${N},K=${K},RSA=${RSA},CSA=${CSA},RSB=${RSB},CSB=${CSB},AOFF=${AOFF},BLO=${BLO},BLEN=${BLEN},BOFF=${BOFF};
const wt = typeof process === "object" && process && typeof process.getBuiltinModule === "function" ? process.getBuiltinModule("worker_threads") : null;
let kern = null, ctrl = null, input = null, output = null, epoch = -1, seen = 0, heap = 0, workFloats = 0;
const align = (p) => (p + 63) & ~63;
const ru = (x, m) => Math.ceil(x / m) * m;
function onMessage(msg) {
  if (msg.bytes) {
    kern = new WebAssembly.Instance(new WebAssembly.Module(msg.bytes), {}).exports;
    ctrl = new Int32Array(msg.ctrl);
    heap = align(kern.heapBase());
    workFloats = kern.gemmWorkSize();
  } else {
    input = new Float32Array(msg.input);
    output = new Float32Array(msg.output);
    epoch = msg.epoch;
  }
  if (kern !== null && input !== null) loop();
}
if (wt) wt.parentPort.on("message", onMessage);
else self.onmessage = (e) => onMessage(e.data);
function loop() {
  for (;;) {
    const g = Atomics.load(ctrl, GEN);
    if (g === seen || (g & 1) === 1) { Atomics.wait(ctrl, GEN, g); continue; }
    const p = [];
    for (let i = 0; i < ${CTRL_WORDS}; i++) p.push(Atomics.load(ctrl, i));
    if (Atomics.load(ctrl, GEN) !== g) continue;
    if (p[EPOCH] !== epoch) return; // new buffers are on their way as a message
    work(p);
    seen = g;
  }
}
function work(p) {
  const base = p[BASE], end = base + p[NCHUNKS], rows = p[ROWS], m = p[M], n = p[N], k = p[K];
  const rsA = p[RSA], csA = p[CSA], bLen = p[BLEN];
  let haveB = false;
  for (;;) {
    const cur = Atomics.load(ctrl, NEXT);
    if (cur < base || cur >= end) return;
    if (Atomics.compareExchange(ctrl, NEXT, cur, cur + 1) !== cur) continue;
    try {
      const r0 = (cur - base) * rows, mc = Math.min(rows, m - r0);
      const aLo = p[AOFF] + r0 * rsA, aLen = (mc - 1) * rsA + (k - 1) * csA + 1;
      const pB = heap, pA = align(pB + 4 * bLen), pC = align(pA + 4 * aLen), pW = align(pC + 4 * ru(mc, 4) * ru(n, 8));
      const need = pW + 4 * workFloats, have = kern.memory.buffer.byteLength;
      if (need > have) kern.memory.grow(Math.ceil((need - have) / 65536));
      const mem = new Float32Array(kern.memory.buffer);
      if (!haveB) { mem.set(input.subarray(p[BLO], p[BLO] + bLen), pB >> 2); haveB = true; }
      mem.set(input.subarray(aLo, aLo + aLen), pA >> 2);
      kern.gemm(pA, rsA, csA, pB + 4 * (p[BOFF] - p[BLO]), p[RSB], p[CSB], pC, mc, n, k, pW);
      output.set(mem.subarray(pC >> 2, (pC >> 2) + mc * n), r0 * n);
    } catch (e) {
      Atomics.store(ctrl, FAILED, 1);
    }
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}
`;

/** What the pool needs of a worker, in Node and in browsers. */
interface Helper {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

interface NodeWorker extends Helper {
  unref(): void;
  on(event: "error", listener: (err: unknown) => void): void;
}

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (name: string) => unknown;
}

interface Pool {
  helpers: Helper[];
  variant: KernelVariant;
  ctrl: Int32Array<SharedArrayBuffer>;
  input: Float32Array<SharedArrayBuffer>;
  output: Float32Array<SharedArrayBuffer>;
  epoch: number;
  gen: number;
}

const nodeProcess = (): NodeProcess | null => {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node && typeof p.getBuiltinModule === "function" ? p : null;
};

/** Whether this realm can run helper threads at all. */
function threadsPossible(): boolean {
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object" || typeof Atomics.wait !== "function") return false;
  if (nodeProcess()) return true;
  const g = globalThis as { crossOriginIsolated?: boolean; WorkerGlobalScope?: unknown; Worker?: unknown };
  return g.crossOriginIsolated === true && g.WorkerGlobalScope !== undefined && typeof g.Worker === "function";
}

function defaultThreads(): number {
  let cores = 1;
  const p = nodeProcess();
  if (p) {
    const os = p.getBuiltinModule?.("os") as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    cores = os?.availableParallelism?.() ?? os?.cpus?.().length ?? 1;
  } else {
    cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  }
  return Math.max(1, Math.min(4, Math.floor(cores)));
}

/** Counts for tests: row chunks computed by helper threads (not by the calling thread) so far. */
export const threadStats = { helperChunks: 0 };

let requested: number | null = null;
let broken = false;
let pool: Pool | null = null;

/** Spawns one helper running WORKER_SOURCE, unref'd in Node so that it never keeps the process alive. */
function spawn(onError: () => void): Helper {
  const p = nodeProcess();
  if (p) {
    const wt = p.getBuiltinModule?.("worker_threads") as {
      Worker: new (src: string, opts: { eval: boolean }) => NodeWorker;
    };
    const w = new wt.Worker(WORKER_SOURCE, { eval: true });
    w.on("error", onError);
    w.unref();
    return w;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const w = new Worker(url);
  w.onerror = onError;
  return w;
}

function shutdown(): void {
  if (pool) for (const h of pool.helpers) h.terminate();
  pool = null;
}

function fail(): void {
  broken = true;
  shutdown();
}

function startPool(helpers: number, variant: KernelVariant): Pool | null {
  try {
    const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
    const bytes = kernelBytes(variant);
    const p: Pool = {
      helpers: [],
      variant,
      ctrl,
      input: new Float32Array(new SharedArrayBuffer(0)),
      output: new Float32Array(new SharedArrayBuffer(0)),
      epoch: 0,
      gen: 0,
    };
    for (let i = 0; i < helpers; i++) {
      const h = spawn(fail);
      p.helpers.push(h);
      h.postMessage({ bytes, ctrl: ctrl.buffer });
    }
    return p;
  } catch {
    broken = true;
    return null;
  }
}

/**
 * Sets the number of threads large float32 matmuls run on (the calling thread included); 1 runs everything on the calling
 * thread. The default is min(4, the number of cores). Where threads can't run (a browser page that is not cross-origin
 * isolated, or a browser main thread, which may not block), every op stays on the calling thread whatever is set here.
 *
 * @example
 * tg.setNumThreads(2);
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  if (n !== getNumThreads()) shutdown();
  requested = n;
}

/** The number of threads large float32 matmuls run on: 1 where threads are unavailable (see `setNumThreads`). */
export function getNumThreads(): number {
  if (broken || !threadsPossible()) return 1;
  requested ??= defaultThreads();
  return requested;
}

/** The operands of one GEMM, already in the calling thread's WASM memory (pointers in bytes, strides in elements). */
export interface GemmJob {
  kern: Kernels;
  m: number;
  n: number;
  k: number;
  /** A and B as staged (the span copied into memory) and where their element [0, 0] sits in it. */
  aData: Float32Array;
  aBase: number;
  bData: Float32Array;
  bBase: number;
  pa: number;
  pb: number;
  rsA: number;
  csA: number;
  rsB: number;
  csB: number;
  /** The calling thread's C region (room for roundUp(m, 4)·roundUp(n, 8) floats) and GEMM work area. */
  c: number;
  work: number;
}

const MR = 4;
const grow = (n: number): number => Math.ceil(n / 16384) * 16384;

/**
 * Runs `job` split over the pool and writes the m×n result to `out`; returns false (having written nothing) where it
 * can't, and the caller runs it on one thread.
 */
export function threadedGemm(job: GemmJob, out: Float32Array, mem: () => Float32Array): boolean {
  const threads = getNumThreads();
  if (threads < 2) return false;
  const { m, n, k, rsA, csA, rsB, csB } = job;
  if (rsA < 0 || csA < 0 || rsB < 0 || csB < 0) return false;
  const rows = Math.ceil(Math.ceil(m / threads) / MR) * MR;
  const chunks = Math.ceil(m / rows);
  if (chunks < 2) return false;
  const variant = kernelVariant();
  if (variant === null) return false;
  if (pool !== null && pool.variant !== variant) shutdown();
  pool ??= startPool(threads - 1, variant);
  const p = pool;
  if (p === null) return false;

  // Publish the operands: A's span, then B's.
  const bLo = Math.ceil(job.aData.length / 16) * 16;
  const inNeed = bLo + job.bData.length;
  if (p.input.length < inNeed || p.output.length < m * n) {
    p.input = new Float32Array(new SharedArrayBuffer(4 * grow(Math.max(inNeed, p.input.length))));
    p.output = new Float32Array(new SharedArrayBuffer(4 * grow(Math.max(m * n, p.output.length))));
    p.epoch++;
    for (const h of p.helpers) h.postMessage({ input: p.input.buffer, output: p.output.buffer, epoch: p.epoch });
  }
  p.input.set(job.aData, 0);
  p.input.set(job.bData, bLo);

  const ctrl = p.ctrl;
  const base = Atomics.load(ctrl, NEXT);
  Atomics.store(ctrl, GEN, ++p.gen); // odd: parameters being written
  const params: [number, number][] = [
    [DONE, 0],
    [FAILED, 0],
    [EPOCH, p.epoch],
    [BASE, base],
    [NCHUNKS, chunks],
    [ROWS, rows],
    [M, m],
    [N, n],
    [K, k],
    [RSA, rsA],
    [CSA, csA],
    [RSB, rsB],
    [CSB, csB],
    [AOFF, job.aBase],
    [BLO, bLo],
    [BLEN, job.bData.length],
    [BOFF, bLo + job.bBase],
  ];
  for (const [i, v] of params) Atomics.store(ctrl, i, v);
  Atomics.store(ctrl, GEN, ++p.gen);
  Atomics.notify(ctrl, GEN);

  // Claim chunks here too, computing them in this thread's memory straight into `out`.
  const mine = new Uint8Array(chunks);
  for (;;) {
    const cur = Atomics.load(ctrl, NEXT);
    if (cur >= base + chunks) break;
    if (Atomics.compareExchange(ctrl, NEXT, cur, cur + 1) !== cur) continue;
    const i = cur - base;
    computeRows(job, out, mem, i * rows, Math.min(rows, m - i * rows));
    mine[i] = 1;
    Atomics.add(ctrl, DONE, 1);
  }
  // Wait for the helpers' chunks; a helper that makes no progress for STALL_SECONDS counts as failed, so a
  // stuck or crashed thread costs a recomputation here, never a hang.
  let stalled = 0;
  for (let d = Atomics.load(ctrl, DONE); d < chunks; ) {
    const waited = Atomics.wait(ctrl, DONE, d, 1000);
    const now = Atomics.load(ctrl, DONE);
    stalled = now === d && waited === "timed-out" ? stalled + 1 : 0;
    if (stalled >= STALL_SECONDS) {
      Atomics.store(ctrl, FAILED, 1);
      break;
    }
    d = now;
  }

  const failed = Atomics.load(ctrl, FAILED) !== 0;
  if (failed) fail();
  for (let i = 0; i < chunks; i++) {
    if (mine[i]) continue;
    const [r0, mc] = [i * rows, Math.min(rows, m - i * rows)];
    if (failed) computeRows(job, out, mem, r0, mc);
    else {
      out.set(p.output.subarray(r0 * n, (r0 + mc) * n), r0 * n);
      threadStats.helperChunks++;
    }
  }
  return true;
}

function computeRows(job: GemmJob, out: Float32Array, mem: () => Float32Array, r0: number, mc: number): void {
  const { kern, n, k, c } = job;
  kern.gemm(job.pa + 4 * r0 * job.rsA, job.rsA, job.csA, job.pb, job.rsB, job.csB, c, mc, n, k, job.work);
  out.set(mem().subarray(c >> 2, (c >> 2) + mc * n), r0 * n);
}
