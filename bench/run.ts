/**
 * `npm run bench`: tensorgrad's WASM SIMD and CPU reference backends next to TensorFlow.js's pure-JS CPU and WASM
 * backends (and PyTorch when a Python with torch is found: $PYTHON, python3 or /usr/bin/python3). Prints a table and writes BENCHMARKS.md at the repository root.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getNumThreads, kernelVariant, setNumThreads } from "../src/backend/wasm/index.ts";
import { CASES, type Case, MLP_SIZES, plan, unitOf, workOf } from "./cases.ts";
import { cnnLines } from "./cnn.ts";
import { initJaxjs, jaxjsRunner } from "./jaxjs.ts";
import { type Report, type Row, toMarkdown, toText } from "./report.ts";
import type { Runner } from "./runner.ts";
import { tensorgradRunner } from "./tensorgrad.ts";
import { initTfjs, tfjsRunner, tfjsTensorCount } from "./tfjs.ts";
import { gflops, time } from "./timing.ts";
import { runTorch, torchAvailable } from "./torch.ts";
import { readWebgpuSection, runWebgpuBench } from "./webgpu.ts";

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
    const line = "PyTorch: skipped (no Python with torch: $PYTHON, python3 and /usr/bin/python3 cannot `import torch`)";
    console.log(line.replaceAll("`", ""));
    about.push(line);
  }
  if (!only || only.test("RSS")) about.push(await memoryLine());
  if (!only || only.test("CNN")) about.push(cnnLines().join("\n"));
  if (!only || only.test("warm-up")) about.push(await warmupLine());
  about.push(`Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const report: Report = { columns, rows, about };
  console.log(`\n${toText(report)}\n`);
  if (only) return;
  const out = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
  // The WebGPU section (bench/webgpu.ts) is kept as it is.
  writeFileSync(out, toMarkdown(report) + readWebgpuSection(out));
  console.log(`wrote ${out}`);
}

interface RssResult {
  steps: number;
  backend: string;
  baseMB: number;
  warmMB: number;
  endMB: number;
  peakMB: number;
  stepsPerSec: number;
}

/** Runs one child (node with `args`) of bench/rss.ts; its JSON result, or why it failed. */
function runRss(args: string[]): RssResult | string {
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 900_000 });
  if (r.status !== 0) return `failed (${r.status ?? r.signal}): ${r.stderr.slice(0, 200)}`;
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as RssResult;
}

let distBuilt: string | null = null;

/**
 * bench/<name>.ts bundled (esbuild) into a plain-JS script that imports the compiled library (dist/index.js, rebuilt here
 * with tsc first, once per run), so that the child runs on plain `node` without tsx; the reason when that can't be done.
 */
async function compiledScript(name: "rss" | "warmup"): Promise<{ script: string } | { error: string }> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  if (distBuilt === null) {
    const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], {
      encoding: "utf8",
    });
    distBuilt = tsc.status === 0 ? "" : `tsc -p tsconfig.build.json failed: ${(tsc.stdout + tsc.stderr).slice(0, 200)}`;
  }
  if (distBuilt !== "") return { error: distBuilt };
  const dist = join(root, "dist/index.js");
  const script = join(mkdtempSync(join(os.tmpdir(), `tg-${name}-`)), `${name}.mjs`);
  const { build } = await import("esbuild");
  await build({
    entryPoints: [fileURLToPath(new URL(`./${name}.ts`, import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: script,
    logLevel: "warning",
    plugins: [
      {
        name: "tensorgrad-dist",
        setup(b) {
          b.onResolve({ filter: /\/src\/index\.ts$/ }, () => ({ path: dist, external: true }));
        },
      },
    ],
  });
  return { script };
}

/**
 * Runs bench/rss.ts in child processes (so that nothing else loaded here counts) and describes the results: once on plain
 * `node` against the compiled library (dist/, as an application would run it), once through tsx from the sources (as the
 * rest of this benchmark runs; tsx and its TypeScript transform add to the process before the model is made).
 */
async function memoryLine(): Promise<string> {
  const steps = String(Number(process.env.BENCH_RSS_STEPS ?? 5000));
  const f = (v: number) => v.toFixed(0);
  const describe = (m: RssResult | string): string =>
    typeof m === "string"
      ? m
      : `peak RSS ${f(m.peakMB)} MB; RSS ${f(m.warmMB)} MB after ${m.steps / 10} steps, ${f(m.endMB)} MB at the end ` +
        `(growth ${f(m.endMB - m.warmMB)} MB), ${m.stepsPerSec.toFixed(0)} steps/s; the process before the model: ${f(m.baseMB)} MB`;
  const compiled = await compiledScript("rss");
  const plain = "script" in compiled ? runRss([compiled.script, steps]) : compiled.error;
  const viaTsx = runRss(["--conditions=source", "--import", "tsx", fileURLToPath(new URL("./rss.ts", import.meta.url)), steps]);
  const backend = typeof plain === "string" ? (typeof viaTsx === "string" ? "?" : viaTsx.backend) : plain.backend;
  return (
    `Memory (tensorgrad, ${backend}; bench/rss.ts, own process): MLP ${MLP_SIZES.join("-")} training (forward, cross-entropy, backward, SGD), ` +
    `${steps} steps. Compiled library (dist/) on plain node: ${describe(plain)} (Node + tensorgrad). ` +
    `Same script from the sources through tsx: ${describe(viaTsx)} (Node + tsx + tensorgrad)`
  );
}

interface WarmupResult {
  steps: number;
  backend: string;
  importMs: number;
  firstStepMs: number;
  first100MeanMs: number;
  steadyMeanMs: number;
  ratio: number;
}

/** Runs bench/warmup.ts in fresh child processes (compiled library on plain node, so that nothing is warm yet), 3 times. */
async function warmupLine(): Promise<string> {
  const compiled = await compiledScript("warmup");
  if ("error" in compiled) return `Warm-up: ${compiled.error}`;
  const runs: WarmupResult[] = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, [compiled.script], { encoding: "utf8", timeout: 300_000 });
    if (r.status !== 0) return `Warm-up: failed (${r.status ?? r.signal}): ${r.stderr.slice(0, 200)}`;
    runs.push(JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as WarmupResult);
  }
  const range = (f: (w: WarmupResult) => number, digits: number): string => {
    const v = runs.map(f).sort((a, b) => a - b);
    return v[0] === v[v.length - 1] ? v[0].toFixed(digits) : `${v[0].toFixed(digits)}–${v[v.length - 1].toFixed(digits)}`;
  };
  const line =
    `Warm-up (tensorgrad, ${runs[0].backend}; bench/warmup.ts, a fresh process each, compiled library on plain node, 3 runs): ` +
    `micrograd's demo (2-16-16-1 ReLU MLP, 100 moons points, SVM loss + L2, SGD), ${runs[0].steps} steps. ` +
    `Import ${range((w) => w.importMs, 0)} ms; first step ${range((w) => w.firstStepMs, 1)} ms; ` +
    `mean of the first 100 steps ${range((w) => w.first100MeanMs, 2)} ms; steady mean (last quarter) ${range((w) => w.steadyMeanMs, 3)} ms; ` +
    `ratio ${range((w) => w.ratio, 1)}× (target ≤ 3×)`;
  console.log(line);
  return line;
}

// `npm run bench -- --device webgpu` runs the WebGPU benchmark (bench/webgpu.ts) instead; `npm run bench -- --cnn` only
// the CNN case (bench/cnn.ts).
const at = process.argv.indexOf("--device");
const device = at < 0 ? "cpu" : process.argv[at + 1];
if (device === "webgpu") await runWebgpuBench();
else if (device === "cpu" && process.argv.includes("--cnn")) console.log(cnnLines().join("\n"));
else if (device === "cpu") await main();
else {
  console.error(`bench: unknown --device ${JSON.stringify(device ?? "")}; expected "cpu" or "webgpu"`);
  process.exitCode = 1;
}
