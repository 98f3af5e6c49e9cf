/**
 * The sequence-model case of README's speed line: LSTM and GRU (64 → 128), T = 32, B = 32, forward + backward of
 * out.sum(), float32, median ms; PyTorch (1 thread) in the same run when /usr/bin/python3 has torch.
 * Run: npx tsx --conditions=source bench/rnn.ts
 */
import { execFileSync } from "node:child_process";
import * as tg from "../src/index.js";
import { time } from "./timing.js";

const [T, B, IN, H] = [32, 32, 64, 128];
const opts = { warmup: 5, reps: 15, budgetMs: 6000 };

function ours(kind: "LSTM" | "GRU"): number {
  tg.manualSeed(0);
  const m = kind === "LSTM" ? new tg.nn.LSTM(IN, H) : new tg.nn.GRU(IN, H);
  const x = tg.randn([T, B, IN]);
  return time(() => {
    m.zeroGrad();
    const out = m instanceof tg.nn.LSTM ? m(x)[0] : m(x)[0];
    out.sum().backward();
    (m.parameters()[0].grad as tg.Tensor).toArray();
  }, opts).medianMs;
}

const PY = `
import time, torch
torch.set_num_threads(1)
x = torch.randn(${T}, ${B}, ${IN})
for name, m in (("LSTM", torch.nn.LSTM(${IN}, ${H})), ("GRU", torch.nn.GRU(${IN}, ${H}))):
    def step():
        m.zero_grad(); out, _ = m(x); out.sum().backward()
    for _ in range(5): step()
    ts = []
    for _ in range(15):
        t0 = time.perf_counter(); step(); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort(); print(name, ts[len(ts) // 2])
`;

function torch(): Record<string, number> {
  try {
    const out = execFileSync("/usr/bin/python3", ["-c", PY], { encoding: "utf8" });
    return Object.fromEntries(
      out
        .trim()
        .split("\n")
        .map((l) => [l.split(" ")[0], Number(l.split(" ")[1])]),
    );
  } catch {
    return {};
  }
}

const pt = torch();
for (const kind of ["LSTM", "GRU"] as const) {
  const ms = ours(kind);
  const ref = pt[kind] === undefined ? "" : `, PyTorch 1 thread ${pt[kind].toFixed(1)} ms`;
  console.log(`${kind}(${IN}, ${H}) T=${T} B=${B} forward+backward: tensorgrad (${tg.getBackend().name}) ${ms.toFixed(1)} ms${ref}`);
}
