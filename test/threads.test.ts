import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { thresholds } from "../src/backend/wasm/index.ts";
import { threadStats } from "../src/backend/wasm/threads.ts";
import { tg } from "./helpers.ts";

// Large float32 matmuls are split by rows or columns over helper threads running the same WASM kernels in one shared
// memory: the result must be the single-threaded one bit for bit, whatever the shapes and strides.

/** Deterministic float32 data in [-1, 1). */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

const mat = (r: number, c: number, seed: number): tg.Tensor => tg.tensor(data(r * c, seed)).reshape([r, c]);

function bitsEqual(a: tg.Tensor, b: tg.Tensor, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  const [x, y] = [a.toArray(), b.toArray()];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) assert.fail(`${what}: element ${i}: ${x[i]} vs ${y[i]}`);
}

/** Runs big matmuls until a helper thread has computed a chunk (helpers start asynchronously). */
function warmUp(): void {
  const before = threadStats.helperChunks;
  const [a, b] = [mat(300, 300, 1), mat(300, 300, 2)];
  const deadline = performance.now() + 10_000;
  while (threadStats.helperChunks === before && performance.now() < deadline) a.matmul(b);
  assert.ok(threadStats.helperChunks > before, "no chunk was computed by a helper thread");
}

/** Runs every case on one thread, then on `threads` threads (helpers started), and compares them bit for bit. */
function sameOnThreads(threads: number, cases: [string, () => tg.Tensor][]): void {
  tg.setNumThreads(1);
  const refs = cases.map(([, f]) => f());
  tg.setNumThreads(threads);
  warmUp();
  const before = threadStats.helperChunks;
  // Three runs at least, and more until a helper has taken a chunk: on a loaded machine the calling thread may
  // finish every chunk before a helper wakes up (work is shared, not assigned), which is correct but compares nothing.
  const deadline = performance.now() + 10_000;
  for (let run = 0; run < 3 || (threadStats.helperChunks === before && performance.now() < deadline); run++) {
    for (const [i, [what, f]] of cases.entries()) bitsEqual(f(), refs[i], `${what} (${threads} threads, run ${run})`);
  }
  assert.ok(threadStats.helperChunks > before, "helpers computed none of the compared products");
}

describe("threads", () => {
  const prev = { backend: tg.getBackend().name, threads: tg.getNumThreads(), threshold: thresholds.threads };
  after(() => {
    tg.setBackend(prev.backend);
    tg.setNumThreads(prev.threads);
    thresholds.threads = prev.threshold;
  });
  tg.setBackend("wasm");

  it("has a thread count that setNumThreads sets and validates", () => {
    assert.ok(Number.isInteger(prev.threads) && prev.threads >= 1 && prev.threads <= 4, `default ${prev.threads}`);
    tg.setNumThreads(3);
    assert.equal(tg.getNumThreads(), 3);
    tg.setNumThreads(1);
    assert.equal(tg.getNumThreads(), 1);
    assert.throws(() => tg.setNumThreads(0), tg.ValueError);
    assert.throws(() => tg.setNumThreads(1.5), tg.ValueError);
    // A thread cap: a million threads would start until memory runs out.
    assert.throws(() => tg.setNumThreads(1e6), /setNumThreads: expected an integer from 1 to 64, got 1000000/);
    assert.throws(() => tg.setNumThreads(65), tg.ValueError);
  });

  it("changing the thread count back and forth starts no new helper threads (they used to leak)", () => {
    const a = mat(160, 160, 3);
    tg.setNumThreads(1);
    const single = a.matmul(a);
    tg.setNumThreads(3);
    warmUp();
    const started = threadStats.helpersStarted;
    for (let i = 0; i < 200; i++) {
      tg.setNumThreads(i % 2 ? 2 : 3);
      bitsEqual(a.matmul(a), single, `${i % 2 ? 2 : 3} threads`);
    }
    assert.equal(threadStats.helpersStarted, started);
  });

  it("gives the single-threaded result bit for bit, with helpers doing some of the rows", () => {
    const [a, b] = [mat(301, 257, 1), mat(257, 263, 2)];
    sameOnThreads(3, [["301×257×263", () => a.matmul(b)]]);
  });

  it("agrees on odd sizes and transposed or strided operands", () => {
    thresholds.threads = 0;
    try {
      const cases: [string, () => tg.Tensor][] = [];
      for (const [m, k, n] of [
        [5, 3, 7],
        [13, 17, 9],
        [37, 64, 33],
        [130, 1, 17],
        [257, 129, 65],
        // Wider than tall: split by columns.
        [6, 20, 70],
        [17, 40, 300],
        [33, 50, 129],
      ]) {
        const [a, b] = [mat(m, k, m + k), mat(k, n, n + 7)];
        const [at, bt] = [mat(k, m, m).transpose(0, 1), mat(n, k, n).transpose(0, 1)];
        cases.push([`${m}×${k}×${n}`, () => a.matmul(b)], [`${m}×${k}×${n} Aᵀ`, () => at.matmul(b)]);
        cases.push([`${m}×${k}×${n} Bᵀ`, () => a.matmul(bt)], [`${m}×${k}×${n} AᵀBᵀ`, () => at.matmul(bt)]);
      }
      const wide = mat(40, 90, 5);
      const expanded = tg.tensor(data(8, 8)).reshape([8, 1]).expand([8, 40]);
      cases.push(["strided A", () => wide.get(":, 10:70:2").matmul(mat(30, 21, 6))]);
      cases.push(["expanded B", () => mat(50, 8, 7).matmul(expanded)]);
      for (const threads of [2, 3, 4]) sameOnThreads(threads, cases);
    } finally {
      thresholds.threads = prev.threshold;
    }
  });

  it("agrees in the gradients of a matmul, where the transposed products run", () => {
    const build = () => {
      const a = mat(200, 150, 11).requiresGrad_();
      const b = mat(150, 120, 12).requiresGrad_();
      a.matmul(b).tanh().sum().backward();
      return [a.grad as tg.Tensor, b.grad as tg.Tensor];
    };
    sameOnThreads(2, [
      ["dA", () => build()[0]],
      ["dB", () => build()[1]],
    ]);
  });

  it("splits a wide product by columns and a tall one by rows, with the same bits", () => {
    const [x, w] = [mat(128, 300, 21), mat(300, 520, 22)];
    sameOnThreads(2, [
      ["128×300×520", () => x.matmul(w)],
      ["520×128×300 (Aᵀ)", () => w.mT.matmul(x.mT)],
    ]);
  });

  it("splits a batch of products by matrices, with the same bits (broadcast, transposed and strided batches too)", () => {
    const t3 = (b: number, r: number, c: number, seed: number): tg.Tensor => tg.tensor(data(b * r * c, seed)).reshape([b, r, c]);
    const [a, b] = [t3(37, 24, 40, 31), t3(37, 40, 56, 32)];
    const w = mat(24, 40, 33);
    thresholds.threads = 0;
    try {
      sameOnThreads(2, [
        ["37 × (24×40×56)", () => a.matmul(b)],
        ["broadcast left operand", () => w.matmul(b)],
        ["transposed operands", () => b.mT.matmul(a.mT)],
        ["every other matrix", () => a.get("1::2").matmul(b.get("::2").get("1:"))],
        ["4-d batch", () => a.reshape([1, 37, 24, 40]).expand([3, 37, 24, 40]).matmul(b)],
      ]);
    } finally {
      thresholds.threads = prev.threshold;
    }
  });

  it("splits large exp, tanh and sigmoid into runs, with the same bits", () => {
    const x = tg.tensor(data(300_001, 41)).mul(30);
    sameOnThreads(2, [
      ["exp", () => x.exp()],
      ["tanh", () => x.tanh()],
      ["sigmoid", () => x.sigmoid()],
    ]);
  });

  it("runs everything on the calling thread with setNumThreads(1)", () => {
    tg.setNumThreads(1);
    const before = threadStats.helperChunks;
    const [a, b] = [mat(300, 300, 3), mat(300, 300, 4)];
    for (let i = 0; i < 5; i++) a.matmul(b);
    assert.equal(threadStats.helperChunks, before);
  });

  it("lets the process exit normally after using threads", () => {
    const index = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const script = `
      const tg = await import(${JSON.stringify(index)});
      tg.setNumThreads(3);
      const a = tg.randn([512, 512]);
      let s = 0;
      for (let i = 0; i < 20; i++) s += a.matmul(a).sum().item();
      console.log("done", tg.getNumThreads(), Number.isFinite(s));
    `;
    const started = performance.now();
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.status, 0, `exit ${r.status} ${r.signal}: ${r.stderr}`);
    assert.match(r.stdout, /done 3 true/);
    assert.ok(seconds < 15, `the child took ${seconds.toFixed(1)} s`);
  });
});
