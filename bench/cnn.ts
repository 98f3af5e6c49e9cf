/**
 * The CNN case of `npm run bench` (issue 14): PyTorch examples' MNIST net (bench/cnn_step.ts), batch 64, one training
 * step (forward, NLL loss, backward, Adadelta): tensorgrad on 1 and 2 threads beside PyTorch on 1 and 2 threads, each in
 * its own process, with wall and CPU ms per step (a busy shared machine moves wall time several-fold, CPU time much less)
 * and the process's peak RSS. `npm run bench -- --cnn` runs this case alone (BENCHMARKS.md is not written).
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { pythonWithTorch } from "./torch.ts";

interface StepResult {
  ms: number;
  cpuMs: number;
  peakMB: number;
}

const isStepResult = (v: unknown): v is StepResult =>
  typeof v === "object" && v !== null && ["ms", "cpuMs", "peakMB"].every((k) => typeof (v as Record<string, unknown>)[k] === "number");

/** Runs one child and parses the JSON on its last output line; the reason when it fails. */
function child(command: string, args: string[]): StepResult | string {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return `failed (${r.status ?? r.signal}): ${r.stderr.slice(0, 200)}`;
  const parsed: unknown = JSON.parse(r.stdout.trim().split("\n").pop() ?? "null");
  return isStepResult(parsed) ? parsed : `unexpected output: ${r.stdout.slice(0, 200)}`;
}

const describe = (r: StepResult | string): string =>
  typeof r === "string" ? r : `${r.ms.toFixed(0)} ms/step (CPU ${r.cpuMs.toFixed(0)} ms), peak RSS ${r.peakMB.toFixed(0)} MB`;

/** One line per library and thread count, and the load average before the run. */
export function cnnLines(): string[] {
  const label = "MNIST CNN (PyTorch examples' net) training step, batch 64, Adadelta";
  const lines = [`${label}; load average (1 min) at start ${os.loadavg()[0].toFixed(2)}:`];
  const step = fileURLToPath(new URL("./cnn_step.ts", import.meta.url));
  for (const threads of [1, 2]) {
    const r = child(process.execPath, ["--conditions=source", "--import", "tsx", step, String(threads)]);
    lines.push(`  - tensorgrad (wasm, ${threads} thread${threads > 1 ? "s" : ""}, sources through tsx): ${describe(r)}`);
  }
  const python = pythonWithTorch();
  if (python === null) {
    lines.push("  - PyTorch: skipped (no Python with torch)");
    return lines;
  }
  const script = fileURLToPath(new URL("./cnn_torch.py", import.meta.url));
  for (const threads of [1, 2]) {
    lines.push(
      `  - PyTorch (${python}, ${threads} thread${threads > 1 ? "s" : ""}): ${describe(child(python, [script, String(threads)]))}`,
    );
  }
  return lines;
}
