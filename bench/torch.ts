/** PyTorch, when the machine has it: runs torch_bench.py in a child process and parses its JSON. */

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Case, MLP_SIZES, plan } from "./cases.ts";

export interface TorchResult {
  /** e.g. "torch 2.4.0, 2 threads". */
  about: string;
  /** Median milliseconds per case label. */
  ms: Map<string, number>;
}

/** The Pythons tried for torch: $PYTHON, then python3 on the PATH, then the system's (Debian's python3-torch lives there). */
const pythons = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => Boolean(p));
let python = pythons[0];

/** Whether one of those Pythons can `import torch` (that one is used from then on). */
export function torchAvailable(): boolean {
  for (const p of pythons) {
    if (spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0) {
      python = p;
      return true;
    }
  }
  return false;
}

/** The first of those Pythons that can `import torch`, or null. */
export function pythonWithTorch(): string | null {
  return torchAvailable() ? python : null;
}

/** Times `cases` in PyTorch; throws if the script fails or prints something that isn't its JSON. */
export function runTorch(cases: readonly Case[]): TorchResult {
  const script = fileURLToPath(new URL("./torch_bench.py", import.meta.url));
  const input = JSON.stringify(cases.map((c) => ({ ...c, sizes: MLP_SIZES, plan: plan(c) })));
  const r = spawnSync(python, [script], { input, encoding: "utf8", maxBuffer: 1 << 20, timeout: 180_000 });
  if (r.status !== 0) throw new Error(`torch_bench.py failed (${r.status ?? r.signal}): ${r.stderr}`);
  const parsed: unknown = JSON.parse(r.stdout);
  if (!isTorchOutput(parsed)) throw new Error(`torch_bench.py printed unexpected output: ${r.stdout.slice(0, 200)}`);
  return { about: `torch ${parsed.version} (${python}), ${parsed.threads} threads`, ms: new Map(Object.entries(parsed.ms)) };
}

interface TorchOutput {
  version: string;
  threads: number;
  ms: Record<string, number>;
}

function isTorchOutput(v: unknown): v is TorchOutput {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.version === "string" &&
    typeof o.threads === "number" &&
    typeof o.ms === "object" &&
    o.ms !== null &&
    Object.values(o.ms).every((x) => typeof x === "number")
  );
}
