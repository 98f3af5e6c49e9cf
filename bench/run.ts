/**
 * `npm run bench`: tensorgrad's WASM SIMD and CPU reference backends next to TensorFlow.js's pure-JS CPU and WASM
 * backends (and PyTorch when `python3 -c "import torch"` works). Prints a table and writes BENCHMARKS.md at the repository root.
 */

import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { getNumThreads, kernelVariant, setNumThreads } from "../src/backend/wasm/index.ts";
import { CASES, type Case, MLP_SIZES, plan, unitOf, workOf } from "./cases.ts";
import { initJaxjs, jaxjsRunner } from "./jaxjs.ts";
import { type Report, type Row, toMarkdown, toText } from "./report.ts";
import type { Runner } from "./runner.ts";
import { tensorgradRunner } from "./tensorgrad.ts";
import { initTfjs, tfjsRunner, tfjsTensorCount } from "./tfjs.ts";
import { gflops, time } from "./timing.ts";
import { runTorch, torchAvailable } from "./torch.ts";

/** The figure (higher is better) for one run of `c` taking `ms` milliseconds. */
function figure(c: Case, ms: number): number {
  const work = workOf(c);
  return c.kind === "mlp" || c.kind === "tiny" ? (1000 * work) / ms : gflops(work, ms); // GB/s has the same scale as GFLOPS: 1e9 / s
}

function measure(runner: Runner, c: Case): number | null {
  const w = runner.prepare(c);
  if (w === null) return null;
  try {
    return figure(c, time(() => w.run(), plan(c)).medianMs);
  } finally {
    w.dispose();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  // BENCH_THREADS=<n> sets tensorgrad's thread count (default: the library's, min(4, cores)).
  if (process.env.BENCH_THREADS) setNumThreads(Number(process.env.BENCH_THREADS));
  const about = [
    `Date: ${new Date().toISOString().slice(0, 10)}`,
    `Node ${process.version} on ${os.platform()}/${os.arch()}`,
    `CPU: ${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} logical cores; tensorgrad (wasm) splits matmuls of ≥ 2^21 multiply-adds over ${getNumThreads()} thread(s); tfjs-wasm (no threads in Node) and jax-js run on one)`,
    `Load average (1 min) at start: ${os.loadavg()[0].toFixed(2)}; a load near the core count or above means other work shared the CPU`,
  ];
  about.push(`TensorFlow.js: ${await initTfjs()}`);
  about.push(`tensorgrad wasm kernels: ${kernelVariant() ?? "none (fell back to the CPU kernels)"} build`);

  const jax = await initJaxjs();
  about.push(jax ?? "jax-js: skipped (its WASM backend did not initialize)");
  const runners = [tensorgradRunner("wasm"), tensorgradRunner("cpu"), tfjsRunner("cpu"), tfjsRunner("wasm")];
  if (jax) runners.push(jaxjsRunner());
  const columns = runners.map((r) => r.name);
  const rows: Row[] = [];
  const tensorsBefore = tfjsTensorCount();
  // BENCH_ONLY=<regex> runs only the cases whose label matches (BENCHMARKS.md is then not written).
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
  const cases = only ? CASES.filter((c) => only.test(c.label)) : CASES;
  for (const c of cases) {
    const values = runners.map((r) => measure(r, c));
    rows.push({ label: c.label, unit: unitOf(c), values });
    console.log(`${c.label}: ${values.map((v, i) => `${columns[i]} ${v?.toFixed(2) ?? "—"}`).join(", ")}`);
  }
  const leaked = tfjsTensorCount() - tensorsBefore;
  if (leaked !== 0) console.warn(`warning: ${leaked} tfjs tensors leaked`);

  if (torchAvailable()) {
    const torch = runTorch(cases);
    columns.push("pytorch");
    rows.forEach((row, i) => {
      const ms = torch.ms.get(row.label);
      row.values.push(ms === undefined ? null : figure(cases[i], ms));
    });
    about.push(`PyTorch: ${torch.about}`);
  } else {
    const line = 'PyTorch: skipped (`python3 -c "import torch"` fails on this machine)';
    console.log(line.replaceAll("`", ""));
    about.push(line);
  }
  if (!only || only.test("RSS")) about.push(memoryLine());
  about.push(`Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const report: Report = { columns, rows, about };
  console.log(`\n${toText(report)}\n`);
  if (only) return;
  const out = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
  writeFileSync(out, toMarkdown(report));
  console.log(`wrote ${out}`);
}

/** Runs bench/rss.ts in a child process (so that nothing else loaded here counts) and describes its result. */
function memoryLine(): string {
  const steps = Number(process.env.BENCH_RSS_STEPS ?? 5000);
  const script = fileURLToPath(new URL("./rss.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", script, String(steps)], {
    encoding: "utf8",
    timeout: 900_000,
  });
  if (r.status !== 0) return `Memory: bench/rss.ts failed (${r.status ?? r.signal}): ${r.stderr.slice(0, 200)}`;
  const m = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, number>;
  const f = (v: number) => v.toFixed(0);
  return (
    `Memory (tensorgrad, ${m.backend}; bench/rss.ts, own process): MLP ${MLP_SIZES.join("-")} training (forward, cross-entropy, backward, SGD), ` +
    `${m.steps} steps at ${m.stepsPerSec.toFixed(0)} steps/s: peak RSS ${f(m.peakMB)} MB; RSS ${f(m.warmMB)} MB after ${m.steps / 10} steps, ` +
    `${f(m.endMB)} MB at the end (growth ${f(m.endMB - m.warmMB)} MB); the process before the model: ${f(m.baseMB)} MB (Node + tsx + tensorgrad)`
  );
}

await main();
