/**
 * `npm run bench -- --device webgpu`: tensorgrad on the webgpu device next to its own WASM backend on the same cases (and
 * PyTorch on CUDA where a Python with torch sees a GPU). Matmul GFLOPS, elementwise GB/s, and training steps/s of the
 * MLP and the tiny net, reading the loss back every step and every 100 steps. Prints a table and writes the WebGPU
 * section of BENCHMARKS.md (the CPU sections are left as they are).
 */

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { setDefaultDevice } from "../src/backend/registry.ts";
import * as tg from "../src/index.ts";
import { type Case, MLP_SIZES, TINY_SIZES, uniformData } from "./cases.ts";
import { type Report, type Row, toText } from "./report.ts";
import { median } from "./timing.ts";
import { runTorch, torchAvailable } from "./torch.ts";

type Device = "webgpu" | "cpu";

/** A case of this benchmark; the networks run `steps` steps a timed run and read the loss every `readEvery` steps. */
type GpuCase = Case & { steps?: number; readEvery?: number; device?: "cuda" };

/** Training steps a timed run (and the longer read interval): 100, or 10 on a software adapter (seconds a step there). */
const STEPS = 100;
const STEPS_SOFTWARE = 10;

function gpuCases(software: boolean): GpuCase[] {
  const sizes = [256, 512, 1024, 2048, ...(software ? [] : [4096])];
  const steps = software ? STEPS_SOFTWARE : STEPS;
  return [
    ...sizes.map((s): GpuCase => ({ kind: "matmul", m: s, k: s, n: s, label: `matmul ${s}³` })),
    ...(["add", "exp"] as const).flatMap((op) =>
      [1 << 20, 1 << 24].map((size): GpuCase => ({ kind: "elementwise", op, size, label: `${op} ${size >> 20}M` })),
    ),
    ...[1, steps].map(
      (readEvery): GpuCase => ({
        kind: "mlp",
        batch: 128,
        steps,
        readEvery,
        label: `MLP ${MLP_SIZES.join("-")} train step (batch 128, SGD, cross-entropy), loss read every ${readEvery === 1 ? "step" : `${readEvery} steps`}`,
      }),
    ),
    ...[1, steps].map(
      (readEvery): GpuCase => ({
        kind: "tiny",
        batch: 10,
        steps,
        readEvery,
        label: `tiny ${TINY_SIZES.join("-")} tanh net (batch 10, SGD, MSE), loss read every ${readEvery === 1 ? "step" : `${readEvery} steps`}`,
      }),
    ),
  ];
}

/** Whether `t`'s device reads asynchronously (webgpu). */
const isAsync = (t: tg.Tensor): boolean => t._backend.asyncOnly === true;

/** Waits for everything queued on `t`'s device: a read of one element on the GPU (nothing to wait for on the CPU). */
async function settle(t: tg.Tensor): Promise<number> {
  if (!isAsync(t)) return Number(t.reshape([-1]).get(0).item());
  const one = t.reshape([-1]).get(0);
  const data = await one._backend.readAsync!(one._view);
  return Number(data[0]);
}

/** A tensor of `shape` with the benchmark's deterministic values, on `device`. */
function input(device: Device, shape: number[], seed: number, requiresGrad = false): tg.Tensor {
  setDefaultDevice(device);
  try {
    const data = uniformData(
      shape.reduce((a, b) => a * b, 1),
      seed,
    );
    return tg.tensor(data).reshape(shape).requiresGrad_(requiresGrad);
  } finally {
    setDefaultDevice("cpu");
  }
}

/** One timed run of a case: does the work and resolves once the device has finished it. */
type Run = () => Promise<void>;

function training(device: Device, c: GpuCase, sizes: readonly number[], batch: number): Run {
  const x = input(device, [batch, sizes[0]], 11);
  const params: tg.Tensor[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    params.push(
      input(device, [sizes[l], sizes[l + 1]], 100 + l)
        .mul(1 / Math.sqrt(sizes[l]))
        .detach()
        .requiresGrad_(),
      input(device, [sizes[l + 1]], 200 + l)
        .mul(0)
        .detach()
        .requiresGrad_(),
    );
  }
  const mlp = c.kind === "mlp";
  setDefaultDevice(device);
  const target = mlp
    ? tg.tensor(new Int32Array(batch).map((_, i) => (i * 7) % sizes[sizes.length - 1]))
    : x.get(":, 0:1").mul(x.get(":, 1:2")).detach();
  setDefaultDevice("cpu");
  const opt = new tg.optim.SGD(params, { lr: 0.05 });
  const steps = c.steps ?? STEPS;
  const readEvery = c.readEvery ?? 1;
  return async () => {
    for (let s = 0; s < steps; s++) {
      opt.zeroGrad();
      let h = x;
      for (let l = 0; l < params.length; l += 2) {
        h = h.matmul(params[l]).add(params[l + 1]);
        if (l + 2 < params.length) h = mlp ? h.relu() : h.tanh();
      }
      const loss = mlp ? tg.nn.functional.crossEntropy(h, target) : tg.nn.functional.mseLoss(h, target);
      loss.backward();
      opt.step();
      if ((s + 1) % readEvery === 0 || s === steps - 1) {
        const v = await settle(loss);
        if (!Number.isFinite(v)) throw new Error(`${c.label}: the loss is not finite`);
      }
    }
  };
}

function prepare(device: Device, c: GpuCase): Run {
  if (c.kind === "matmul") {
    const a = input(device, [c.m, c.k], 1);
    const b = input(device, [c.k, c.n], 2);
    return async () => void (await settle(a.matmul(b)));
  }
  if (c.kind === "elementwise") {
    const a = input(device, [c.size], 3);
    const b = input(device, [c.size], 4);
    return c.op === "add" ? async () => void (await settle(a.add(b))) : async () => void (await settle(a.exp()));
  }
  return c.kind === "mlp" ? training(device, c, MLP_SIZES, c.batch) : training(device, c, TINY_SIZES, c.batch);
}

/** Median milliseconds of `run` after warm-up runs, within a time budget (at least 3 timed runs). */
async function timeAsync(run: Run, warmup: number, reps: number, budgetMs: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  let spent = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
    if (times.length >= 3 && spent > budgetMs) break;
  }
  return median(times);
}

/** The work of one run: flops for matmul, bytes moved for elementwise, steps for the networks. */
function work(c: GpuCase): number {
  if (c.kind === "matmul") return 2 * c.m * c.k * c.n;
  if (c.kind === "elementwise") return (c.op === "add" ? 3 : 2) * c.size * 4;
  return c.steps ?? STEPS;
}

/** Higher is better: GFLOPS, GB/s (both work / 1e9 / s) or steps/s. */
const figure = (c: GpuCase, ms: number): number => (c.kind === "mlp" || c.kind === "tiny" ? (1000 * work(c)) / ms : work(c) / (ms * 1e6));

/** Figure of `c` on `device`; `short`: one warm-up run and three timed ones (a software adapter). */
async function measure(device: Device, c: GpuCase, short: boolean): Promise<number | null> {
  try {
    const run = prepare(device, c);
    const big = c.kind === "matmul" && work(c) >= 2 * 1024 ** 3;
    const [warmup, reps, budget] = short ? [1, 3, 0] : big ? [1, 5, 4000] : [3, 10, 2000];
    return figure(c, await timeAsync(run, warmup, reps, budget));
  } catch (e) {
    console.warn(`${c.label} on ${device}: ${(e as Error).message.split("\n")[0]}`);
    return null;
  }
}

/** Whether `python3 -c "import torch; print(torch.cuda.is_available())"` says True (then its GPU's name), else null. */
function cudaDevice(): string | null {
  for (const p of [process.env.PYTHON, "python3", "/usr/bin/python3"]) {
    if (!p) continue;
    const r = spawnSync(p, ["-c", "import torch; print(torch.cuda.is_available() and torch.cuda.get_device_name(0))"], {
      encoding: "utf8",
    });
    if (r.status === 0) {
      const out = r.stdout.trim();
      return out && out !== "False" ? out : null;
    }
  }
  return null;
}

const unit = (c: GpuCase): Row["unit"] => (c.kind === "matmul" ? "GFLOPS" : c.kind === "elementwise" ? "GB/s" : "steps/s");

/** Runs the WebGPU benchmark and writes its section of BENCHMARKS.md. */
export async function runWebgpuBench(): Promise<void> {
  const started = performance.now();
  let info: tg.webgpu.AdapterInfo;
  try {
    info = await tg.webgpu.init();
  } catch (e) {
    console.error(`bench --device webgpu: ${(e as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const adapter = `${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" / ")} (${info.source})`;
  const about = [
    `Date: ${new Date().toISOString().slice(0, 10)}`,
    `Node ${process.version} on ${os.platform()}/${os.arch()}; CPU: ${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} logical cores)`,
    `Adapter: ${adapter}${info.isSoftware ? ". **software adapter: figures are no claim of speed**" : ""}`,
    `Load average (1 min) at start: ${os.loadavg()[0].toFixed(2)}`,
  ];
  for (const line of about) console.log(line.replaceAll("**", ""));
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
  const cases = gpuCases(info.isSoftware).filter((c) => !only || only.test(c.label));
  if (info.isSoftware)
    about.push(
      `software adapter: matmul 4096³ skipped, ${STEPS_SOFTWARE} training steps a run (not ${STEPS}), one warm-up run and three timed ones`,
    );
  tg.setBackend("wasm");
  const columns = ["tensorgrad (webgpu)", `tensorgrad (wasm, ${tg.getNumThreads()} thr)`];
  const rows: Row[] = [];
  for (const c of cases) {
    const values = [await measure("webgpu", c, info.isSoftware), await measure("cpu", c, info.isSoftware)];
    rows.push({ label: c.label, unit: unit(c), values });
    console.log(`${c.label}: ${values.map((v, i) => `${columns[i]} ${v?.toFixed(2) ?? "—"}`).join(", ")}`);
  }
  const cuda = cudaDevice();
  if (cuda && torchAvailable()) {
    const torch = runTorch(cases.map((c) => ({ ...c, device: "cuda" as const })));
    columns.push("pytorch (cuda)");
    rows.forEach((row, i) => {
      const ms = torch.ms.get(row.label);
      row.values.push(ms === undefined ? null : figure(cases[i], ms));
    });
    about.push(`PyTorch: ${torch.about}, CUDA on ${cuda}`);
  } else about.push("PyTorch CUDA: skipped (no Python whose torch sees a CUDA GPU)");
  about.push(`Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const report: Report = { columns, rows, about };
  console.log(`\n${toText(report)}\n`);
  if (only) return;
  const out = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
  writeFileSync(out, withWebgpuSection(readFileSync(out, "utf8"), webgpuMarkdown(report)));
  console.log(`wrote the WebGPU section of ${out}`);
}

/** The heading that opens the WebGPU section of BENCHMARKS.md. */
export const WEBGPU_HEADING = "## WebGPU";

/** `page` with its WebGPU section (from its heading to the next `## ` heading or the end) replaced by `section`. */
export function withWebgpuSection(page: string, section: string): string {
  const at = page.indexOf(`\n${WEBGPU_HEADING}`);
  if (at < 0) return `${page.trimEnd()}\n\n${section}`;
  const next = page.indexOf("\n## ", at + 1);
  return `${page.slice(0, at).trimEnd()}\n\n${section}${next < 0 ? "" : `\n${page.slice(next + 1)}`}`;
}

const fmt = (v: number | null): string => (v === null ? "—" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The WebGPU section of the page at `path` (with a blank line before it), or "" when it has none. */
export function readWebgpuSection(path: string): string {
  let page: string;
  try {
    page = readFileSync(path, "utf8");
  } catch {
    return "";
  }
  const at = page.indexOf(`\n${WEBGPU_HEADING}`);
  if (at < 0) return "";
  const next = page.indexOf("\n## ", at + 1);
  return `\n${page.slice(at + 1, next < 0 ? undefined : next + 1).trimEnd()}\n`;
}

function webgpuMarkdown(report: Report): string {
  const others = report.columns.slice(1);
  const row = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  const ratio = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? "—" : `${(a / b).toFixed(2)}×`);
  const table = [
    row(["figure", "unit", ...report.columns, ...others.map((o) => `${report.columns[0]} ÷ ${o}`)]),
    row(["---", "---", ...report.columns.map(() => "---:"), ...others.map(() => "---:")]),
    ...report.rows.map((r) => row([r.label, r.unit, ...r.values.map(fmt), ...others.map((_, j) => ratio(r.values[0], r.values[j + 1]))])),
  ];
  return [
    `${WEBGPU_HEADING} (\`npm run bench -- --device webgpu\`, bench/webgpu.ts)`,
    "",
    ...report.about.map((a) => `- ${a}`),
    "",
    ...table,
    "",
    "- Each figure is the median of several timed runs after warm-up runs. A run ends when the device has finished:",
    "  a read of one element of the result (webgpu), which waits for everything queued before it.",
    "- The networks run 100 steps a timed run (10 on a software adapter) with raw parameter tensors (matmul, add, relu or tanh), F.crossEntropy",
    "  or F.mseLoss and optim.SGD; the loss is read back every step, or every 100 steps (the GPU then runs ahead).",
    "",
  ].join("\n");
}
