/**
 * Multi-threaded kernels: a small pool of helper threads (Node `worker_threads`; in browsers, Web Workers, only where the
 * page is cross-origin isolated and we are not on the main thread, which may not block in `Atomics.wait`), each with its
 * own instance of the same WASM module over the calling thread's (shared) memory. A large product is split into blocks of
 * NR-aligned columns of B (or of rows of A when it is narrow), a batch of products into blocks of whole matrices, and a
 * large exp/tanh/sigmoid into runs. The calling thread publishes the pointers, wakes the helpers with `Atomics.notify`,
 * and then claims blocks like any helper does (whoever gets a block first computes it), so that the call stays
 * synchronous and completes even if no helper ever wakes. Every block writes its part of the output in that memory, with
 * the same kernel build and k order, so results are bit for bit the single-threaded ones.
 *
 * If a pool can't start (no workers, no shared memory, a browser main thread) or a helper fails, everything quietly runs on
 * the calling thread from then on.
 */

import { ValueError } from "../../errors.js";
import { isShared } from "./memory.js";
import { type Kernels, kernelModule, kernelVariant, loadKernels } from "./module.js";
import { nodeProcess } from "./node_process.js";

// Control words (Int32Array over a SharedArrayBuffer).
const GEN = 0; // job generation, odd while the parameters are being written (a seqlock)
/** Seconds without any finished block after which the helpers are given up on. */
const STALL_SECONDS = 10;
const NEXT = 1; // next block id to claim; ids grow across jobs, job g owning [BASE, BASE + NBLOCKS)
const DONE = 2; // blocks of the current job finished
const FAILED = 3; // set by a helper whose block threw
const BASE = 4;
const NBLOCKS = 5;
const MODE = 6; // what a block is: ROWS, COLS, BATCH, UNARY or CONV (below)
const BLOCK = 7; // rows, columns, matrices or elements per block
const M = 8;
const N = 9;
const K = 10;
const A = 11;
const RSA = 12;
const CSA = 13;
const B = 14;
const RSB = 15;
const CSB = 16;
const C = 17;
const LDC = 18;
const WORK = 19; // work area of thread 0; thread t's is at WORK + t·WORK_BYTES
const WORK_BYTES = 20;
const NBATCH = 21; // matrices in a batched product
const OFFS = 22; // byte pointer to the batch's [A offset, B offset] pairs (int32, in elements)
const CSTRIDE = 23; // floats between the batch's C matrices
const OP = 24; // the unary op's code
const ACTIVE = 25; // threads taking part in this job (the calling thread included); helpers with a higher id sit it out
const CTRL_WORDS = 32;
/** How long (ms) the calling thread polls for the helpers' blocks before it sleeps. */
const POLL_MS = 1;

// What a block is (MODE): rows of C, NR-aligned columns of C, whole matrices of a batch, a run of an elementwise op, or
// images (or weight-gradient rows) of a conv2d.
const ROWS = 0;
const COLS = 1;
const BATCH = 2;
const UNARY = 3;
const CONV = 4;

/** The helper's script: self-contained plain JS (run by Node's `eval` workers and by Blob-URL Web Workers). */
const WORKER_SOURCE = `"use strict";
const GEN=${GEN},NEXT=${NEXT},DONE=${DONE},FAILED=${FAILED},BASE=${BASE},NBLOCKS=${NBLOCKS},MODE=${MODE},BLOCK=${BLOCK},M=${M},N=${N},K=${K},A=${A},RSA=${RSA},CSA=${CSA},B=${B},RSB=${RSB},CSB=${CSB},C=${C},LDC=${LDC},WORK=${WORK},WORK_BYTES=${WORK_BYTES},NBATCH=${NBATCH},OFFS=${OFFS},CSTRIDE=${CSTRIDE},OP=${OP},ACTIVE=${ACTIVE},COLS=${COLS},BATCH=${BATCH},UNARY=${UNARY},CONV=${CONV};
const wt = typeof process === "object" && process && typeof process.getBuiltinModule === "function" ? process.getBuiltinModule("worker_threads") : null;
let kern = null, ctrl = null, id = 0, seen = 0;
function onMessage(msg) {
  kern = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
  ctrl = new Int32Array(msg.ctrl);
  id = msg.id;
  loop();
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
    work(p);
    seen = g;
  }
}
function work(p) {
  if (id >= p[ACTIVE]) return;
  const base = p[BASE], end = base + p[NBLOCKS], block = p[BLOCK];
  for (;;) {
    const cur = Atomics.load(ctrl, NEXT);
    if (cur < base || cur >= end) return;
    if (Atomics.compareExchange(ctrl, NEXT, cur, cur + 1) !== cur) continue;
    try {
      computeBlock(p, (cur - base) * block, block);
    } catch (e) {
      Atomics.store(ctrl, FAILED, 1);
    }
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}
// The twin of computeBlock in threads.ts (the calling thread's), for this thread's work area.
function computeBlock(p, at, block) {
  const work = p[WORK] + id * p[WORK_BYTES];
  if (p[MODE] === UNARY) kern.unary(p[OP], p[A] + 4 * at, p[C] + 4 * at, Math.min(block, p[N] - at));
  else if (p[MODE] === CONV) kern.convBlock(p[OP], p[A], at, Math.min(at + block, p[N]), id);
  else if (p[MODE] === BATCH) {
    const offs = new Int32Array(kern.memory.buffer, p[OFFS], 2 * p[NBATCH]);
    for (let i = at; i < Math.min(at + block, p[NBATCH]); i++) {
      kern.gemm(p[A] + 4 * offs[2 * i], p[RSA], p[CSA], p[B] + 4 * offs[2 * i + 1], p[RSB], p[CSB], p[C] + 4 * i * p[CSTRIDE], p[LDC], p[M], p[N], p[K], work);
    }
  } else if (p[MODE] === COLS) kern.gemm(p[A], p[RSA], p[CSA], p[B] + 4 * at * p[CSB], p[RSB], p[CSB], p[C] + 4 * at, p[LDC], p[M], Math.min(block, p[N] - at), p[K], work);
  else kern.gemm(p[A] + 4 * at * p[RSA], p[RSA], p[CSA], p[B], p[RSB], p[CSB], p[C] + 4 * at * p[LDC], p[LDC], Math.min(block, p[M] - at), p[N], p[K], work);
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

interface Pool {
  helpers: Helper[];
  /** Threads the current jobs use (the calling thread included): at most helpers.length + 1. */
  active: number;
  /** The kernels the helpers were started for (a reload of the kernels brings a new memory, so a new pool). */
  kernels: Kernels;
  ctrl: Int32Array<SharedArrayBuffer>;
  gen: number;
}

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
    const os = p.getBuiltinModule("os") as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    cores = os?.availableParallelism?.() ?? os?.cpus?.().length ?? 1;
  } else {
    cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  }
  return Math.max(1, Math.min(4, Math.floor(cores)));
}

/** Counts for tests: row chunks computed by helper threads (not by the calling thread) so far, and helpers started. */
export const threadStats = { helperChunks: 0, helpersStarted: 0 };

/** The most threads `setNumThreads` takes (the calling thread included): more only costs memory and start-up time. */
export const MAX_THREADS = 64;

let requested: number | null = null;
let broken = false;
let pool: Pool | null = null;

/** Spawns one helper running WORKER_SOURCE, unref'd in Node so that it never keeps the process alive. */
function spawn(onError: () => void): Helper {
  const p = nodeProcess();
  if (p) {
    const wt = p.getBuiltinModule("worker_threads") as {
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

/**
 * Grows `p` (or a new pool) to `helpers` helper threads. A pool never shrinks: a lower thread count leaves the extra
 * helpers asleep, so changing the count back and forth starts no threads (stopped workers cost V8 memory it keeps).
 */
function growPool(p: Pool | null, helpers: number, kernels: Kernels, module: WebAssembly.Module): Pool | null {
  try {
    const pool: Pool = p ?? { helpers: [], active: 1, kernels, ctrl: new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4)), gen: 0 };
    for (let i = pool.helpers.length; i < helpers; i++) {
      const h = spawn(fail);
      pool.helpers.push(h);
      threadStats.helpersStarted++;
      // The compiled module, not its bytes: the engine shares its code, optimised already where the calling thread ran it.
      h.postMessage({ module, memory: kernels.memory, ctrl: pool.ctrl.buffer, id: i + 1 });
    }
    return pool;
  } catch {
    broken = true;
    if (p) for (const h of p.helpers) h.terminate();
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
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ValueError(`setNumThreads: expected an integer from 1 to ${MAX_THREADS}, got ${n}`);
  }
  requested = n;
}

/** The number of threads large float32 matmuls run on: 1 where threads are unavailable (see `setNumThreads`). */
export function getNumThreads(): number {
  if (broken || !threadsPossible()) return 1;
  requested ??= defaultThreads();
  return requested;
}

/** One GEMM whose operands are in the kernels' memory (pointers in bytes, strides in elements); see the `gemm` kernel. */
export interface GemmJob {
  a: number;
  rsA: number;
  csA: number;
  b: number;
  rsB: number;
  csB: number;
  /** C, with leading dimension ldc ≥ roundUp(n, NR) and room for roundUp(m, MR) rows. */
  c: number;
  ldc: number;
  m: number;
  n: number;
  k: number;
  /** Work areas: thread t (the calling thread is 0) packs at work + t·workBytes. */
  work: number;
  workBytes: number;
  /**
   * For a batch of products (batch > 1): A and B of matrix i start `offsets` int32 pairs (elements) past a and b, at byte
   * pointer `offsets`, and its C at c + 4·i·cStride.
   */
  batch: number;
  offsets: number;
  cStride: number;
}

const MR = 4;
const NR = 8;

/** How many threads jobs on `kern` would use (1: run on the calling thread), starting the pool if needed. */
export function poolThreads(kern: Kernels): number {
  const threads = getNumThreads();
  if (threads < 2 || !isShared(kern.memory)) return 1;
  const module = kernelModule();
  if (module === null) return 1;
  if (pool !== null && pool.kernels !== kern) shutdown();
  if (pool === null || pool.helpers.length < threads - 1) pool = growPool(pool, threads - 1, kern, module);
  if (pool === null) return 1;
  pool.active = threads;
  return threads;
}

/**
 * Runs `job` split over the pool (started by `poolThreads`) into C in the kernels' memory; returns false (having computed
 * nothing) where it can't, and the caller runs it on one thread.
 */
export function threadedGemm(kern: Kernels, job: GemmJob): boolean {
  const { m, n } = job;
  // A batch splits by matrices. One product splits by columns where there are enough: each block then packs only its
  // columns of B (the larger operand in training's shapes, and the costly one to pack when transposed) and all of A again;
  // one block per thread, as more blocks measured slower than the balance they buy. Narrow products split by rows.
  const threads = pool?.active ?? 1;
  const mode = job.batch > 1 ? BATCH : n >= threads * 4 * NR ? COLS : ROWS;
  const [dim, unit, perThread] = mode === BATCH ? [job.batch, 1, 2] : mode === COLS ? [n, NR, 1] : [m, MR, 1];
  return runBlocks(kern, mode, dim, unit, perThread, [
    [M, m],
    [N, n],
    [K, job.k],
    [A, job.a],
    [RSA, job.rsA],
    [CSA, job.csA],
    [B, job.b],
    [RSB, job.rsB],
    [CSB, job.csB],
    [C, job.c],
    [LDC, job.ldc],
    [WORK, job.work],
    [WORK_BYTES, job.workBytes],
    [NBATCH, job.batch],
    [OFFS, job.offsets],
    [CSTRIDE, job.cStride],
  ]);
}

/** Elements from which a unary op is split over threads (see `threadedUnary`). */
export const UNARY_THREADS_MIN = 2 ** 17;

/**
 * Runs the elementwise kernel `op` over n floats at byte pointer x into out, split over the pool (started by
 * `poolThreads`); false (having computed nothing) where it can't.
 */
export function threadedUnary(kern: Kernels, op: number, x: number, out: number, n: number): boolean {
  return runBlocks(kern, UNARY, n, 1024, 2, [
    [OP, op],
    [A, x],
    [C, out],
    [N, n],
  ]);
}

/**
 * Runs blocks [0, dim) of the conv2d kernel `op` (see convBlock in assembly/conv.ts) whose geometry block is at byte
 * pointer `geometry`, split over the pool (started by `poolThreads`) in multiples of `unit`, thread t using its scratch
 * t; false (having computed nothing) where it can't.
 */
export function threadedConv(kern: Kernels, op: number, geometry: number, dim: number, unit: number): boolean {
  return runBlocks(kern, CONV, dim, unit, 2, [
    [OP, op],
    [A, geometry],
    [N, dim],
  ]);
}

/**
 * Publishes a job of `dim` units split into about `perThread` blocks per thread (a multiple of `unit` each; more than one
 * lets the calling thread take up the slack of a helper that wakes late), claims blocks like the helpers do and
 * waits for theirs; false where there is no pool for `kern` or too little work for two blocks.
 */
function runBlocks(kern: Kernels, mode: number, dim: number, unit: number, perThread: number, words: readonly [number, number][]): boolean {
  const p = pool;
  if (p === null || p.kernels !== kern) return false;
  const threads = p.active;
  const block = Math.ceil(Math.ceil(dim / (threads * perThread)) / unit) * unit;
  const blocks = Math.ceil(dim / block);
  if (blocks < 2) return false;

  const ctrl = p.ctrl;
  const base = Atomics.load(ctrl, NEXT);
  const params = new Int32Array(CTRL_WORDS);
  for (const [i, v] of words) params[i] = v;
  params[BASE] = base;
  params[NBLOCKS] = blocks;
  params[MODE] = mode;
  params[BLOCK] = block;
  params[ACTIVE] = threads;
  Atomics.store(ctrl, GEN, ++p.gen); // odd: parameters being written
  Atomics.store(ctrl, DONE, 0);
  Atomics.store(ctrl, FAILED, 0);
  for (let i = BASE; i < CTRL_WORDS; i++) Atomics.store(ctrl, i, params[i]);
  Atomics.store(ctrl, GEN, ++p.gen);
  Atomics.notify(ctrl, GEN);

  // Claim blocks here too, as thread 0.
  const mine = new Uint8Array(blocks);
  for (;;) {
    const cur = Atomics.load(ctrl, NEXT);
    if (cur >= base + blocks) break;
    if (Atomics.compareExchange(ctrl, NEXT, cur, cur + 1) !== cur) continue;
    const i = cur - base;
    computeBlock(kern, params, i * block, block);
    mine[i] = 1;
    Atomics.add(ctrl, DONE, 1);
  }
  // Wait for the helpers' blocks: first by polling for a moment (this thread has nothing else to do, and waking from
  // Atomics.wait can take longer than the rest of a block), then sleeping. A helper that makes no progress for
  // STALL_SECONDS counts as failed, so a stuck or crashed thread costs a recomputation here, never a hang.
  const pollUntil = performance.now() + POLL_MS;
  while (Atomics.load(ctrl, DONE) < blocks && performance.now() < pollUntil);
  let stalled = 0;
  for (let d = Atomics.load(ctrl, DONE); d < blocks; ) {
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
  for (let i = 0; i < blocks; i++) {
    if (mine[i]) continue;
    if (failed) computeBlock(kern, params, i * block, block);
    else threadStats.helperChunks++;
  }
  if (failed) {
    fail();
    // A stuck helper may still write into this memory until it is terminated: later calls get a fresh one.
    const variant = kernelVariant();
    if (variant !== null) loadKernels(variant);
  }
  return true;
}

/** Block `at` (in units of the job's mode) of the job in `p`, on the calling thread (work area 0); see the helpers' twin. */
function computeBlock(kern: Kernels, p: Int32Array, at: number, block: number): void {
  const work = p[WORK];
  if (p[MODE] === UNARY) kern.unary(p[OP], p[A] + 4 * at, p[C] + 4 * at, Math.min(block, p[N] - at));
  else if (p[MODE] === CONV) kern.convBlock(p[OP], p[A], at, Math.min(at + block, p[N]), 0);
  else if (p[MODE] === BATCH) {
    const offs = new Int32Array(kern.memory.buffer, p[OFFS], 2 * p[NBATCH]);
    for (let i = at; i < Math.min(at + block, p[NBATCH]); i++) {
      kern.gemm(
        p[A] + 4 * offs[2 * i],
        p[RSA],
        p[CSA],
        p[B] + 4 * offs[2 * i + 1],
        p[RSB],
        p[CSB],
        p[C] + 4 * i * p[CSTRIDE],
        p[LDC],
        p[M],
        p[N],
        p[K],
        work,
      );
    }
  } else if (p[MODE] === COLS)
    kern.gemm(
      p[A],
      p[RSA],
      p[CSA],
      p[B] + 4 * at * p[CSB],
      p[RSB],
      p[CSB],
      p[C] + 4 * at,
      p[LDC],
      p[M],
      Math.min(block, p[N] - at),
      p[K],
      work,
    );
  else
    kern.gemm(
      p[A] + 4 * at * p[RSA],
      p[RSA],
      p[CSA],
      p[B],
      p[RSB],
      p[CSB],
      p[C] + 4 * at * p[LDC],
      p[LDC],
      Math.min(block, p[M] - at),
      p[N],
      p[K],
      work,
    );
}
