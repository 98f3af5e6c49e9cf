/**
 * The sequence-model case of README's speed line: LSTM and GRU (64 → 128), T = 32, B = 32, forward + backward of
 * out.sum(), float32: median wall ms and median CPU ms of the process (which, unlike wall time, a busy machine hardly
 * changes); PyTorch (1 thread) in the same run when /usr/bin/python3 has torch. `THREADS=1` runs tensorgrad on one thread.
 * Run: npx tsx --conditions=source bench/rnn.ts
 */
import { execFileSync } from "node:child_process";
import { cpuUsage } from "node:process";
import * as tg from "../src/index.js";
import { median, time } from "./timing.js";

const [T, B, IN, H] = [32, 32, 64, 128];
const opts = { warmup: 5, reps: 15, budgetMs: 6000 };

if (process.env.THREADS) tg.setNumThreads(Number(process.env.THREADS));

/** [median wall ms, median CPU ms] of one forward + backward. */
function ours(kind: "LSTM" | "GRU"): [number, number] {
  tg.manualSeed(0);
  const m = kind === "LSTM" ? new tg.nn.LSTM(IN, H) : new tg.nn.GRU(IN, H);
  const x = tg.randn([T, B, IN]);
  const cpu: number[] = [];
  const wall = time(() => {
    const c0 = cpuUsage();
    m.zeroGrad();
    const out = m instanceof tg.nn.LSTM ? m(x)[0] : m(x)[0];
    out.sum().backward();
    (m.parameters()[0].grad as tg.Tensor).toArray();
    const c = cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }, opts).medianMs;
  return [wall, median(cpu.slice(opts.warmup))];
}

const PY = `
import time, torch
torch.set_num_threads(1)
x = torch.randn(${T}, ${B}, ${IN})
for name, m in (("LSTM", torch.nn.LSTM(${IN}, ${H})), ("GRU", torch.nn.GRU(${IN}, ${H}))):
    def step():
        m.zero_grad(); out, _ = m(x); out.sum().backward()
    for _ in range(5): step()
    ts, cs = [], []
    for _ in range(15):
        t0, c0 = time.perf_counter(), time.process_time(); step()
        ts.append((time.perf_counter() - t0) * 1000); cs.append((time.process_time() - c0) * 1000)
    ts.sort(); cs.sort(); print(name, ts[len(ts) // 2], cs[len(cs) // 2])
`;

/** PyTorch's [wall, CPU] ms per kind, or nothing without Python and torch. */
function torch(): Record<string, [number, number]> {
  try {
    const out = execFileSync("/usr/bin/python3", ["-c", PY], { encoding: "utf8" });
    const rows = out
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    return Object.fromEntries(rows.map(([k, w, c]) => [k, [Number(w), Number(c)]]));
  } catch {
    return {};
  }
}

const ms = ([w, c]: [number, number]) => `${w.toFixed(1)} ms (CPU ${c.toFixed(1)} ms)`;
const pt = torch();
for (const kind of ["LSTM", "GRU"] as const) {
  const ref = pt[kind] === undefined ? "" : `, PyTorch 1 thread ${ms(pt[kind])}`;
  const who = `tensorgrad (${tg.getBackend().name}, ${tg.getNumThreads()} threads)`;
  console.log(`${kind}(${IN}, ${H}) T=${T} B=${B} forward+backward: ${who} ${ms(ours(kind))}${ref}`);
}
