/**
 * `npm run bench`: tensorgrad's WASM SIMD and CPU reference backends next to TensorFlow.js's pure-JS CPU and WASM
 * backends (and PyTorch when `python3 -c "import torch"` works). Prints a table and writes BENCHMARKS.md at the repository root.
 */

import { writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { kernelVariant } from "../src/backend/wasm/index.ts";
import { CASES, type Case, plan, unitOf, workOf } from "./cases.ts";
import { type Report, type Row, toMarkdown, toText } from "./report.ts";
import type { Runner } from "./runner.ts";
import { tensorgradRunner } from "./tensorgrad.ts";
import { initTfjs, tfjsRunner, tfjsTensorCount } from "./tfjs.ts";
import { gflops, time } from "./timing.ts";
import { runTorch, torchAvailable } from "./torch.ts";

/** The figure (higher is better) for one run of `c` taking `ms` milliseconds. */
function figure(c: Case, ms: number): number {
  const work = workOf(c);
  return c.kind === "mlp" ? 1000 / ms : gflops(work, ms); // GB/s has the same scale as GFLOPS: 1e9 / s
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
  const about = [
    `Date: ${new Date().toISOString().slice(0, 10)}`,
    `Node ${process.version} on ${os.platform()}/${os.arch()}`,
    `CPU: ${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} logical cores; tensorgrad and tfjs use one thread)`,
    `Load average (1 min) at start: ${os.loadavg()[0].toFixed(2)}; a load near the core count or above means other work shared the CPU`,
  ];
  about.push(`TensorFlow.js: ${await initTfjs()}`);
  about.push(`tensorgrad wasm kernels: ${kernelVariant() ?? "none (fell back to the CPU kernels)"} build`);

  const runners = [tensorgradRunner("wasm"), tensorgradRunner("cpu"), tfjsRunner("cpu"), tfjsRunner("wasm")];
  const columns = runners.map((r) => r.name);
  const rows: Row[] = [];
  const tensorsBefore = tfjsTensorCount();
  for (const c of CASES) {
    const values = runners.map((r) => measure(r, c));
    rows.push({ label: c.label, unit: unitOf(c), values });
    console.log(`${c.label}: ${values.map((v, i) => `${columns[i]} ${v?.toFixed(2) ?? "—"}`).join(", ")}`);
  }
  const leaked = tfjsTensorCount() - tensorsBefore;
  if (leaked !== 0) console.warn(`warning: ${leaked} tfjs tensors leaked`);

  if (torchAvailable()) {
    const torch = runTorch(CASES);
    columns.push("pytorch");
    rows.forEach((row, i) => {
      const ms = torch.ms.get(row.label);
      row.values.push(ms === undefined ? null : figure(CASES[i], ms));
    });
    about.push(`PyTorch: ${torch.about}`);
  } else {
    const line = 'PyTorch: skipped (`python3 -c "import torch"` fails on this machine)';
    console.log(line.replaceAll("`", ""));
    about.push(line);
  }
  about.push(`Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const report: Report = { columns, rows, about };
  console.log(`\n${toText(report)}\n`);
  const out = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
  writeFileSync(out, toMarkdown(report));
  console.log(`wrote ${out}`);
}

await main();
