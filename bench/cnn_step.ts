/**
 * The CNN case's tensorgrad side, in its own process (so that its peak RSS is the model's and nothing else the
 * benchmark loaded): PyTorch examples' MNIST net (conv 1→32 3×3, ReLU, conv 32→64 3×3, ReLU, max-pool 2, dropout 0.25,
 * flatten, fc 9216→128, ReLU, dropout 0.5, fc 128→10, log-softmax, NLL loss, Adadelta lr 1), batch 64, random images.
 * Prints JSON: median wall and CPU ms per training step, the median ms of each phase (forward, backward, optimizer step),
 * the resident set size after each phase of the last step and the process's peak RSS (VmHWM: its own high-water mark), in MB.
 * Run: tsx --conditions=source bench/cnn_step.ts [threads]; bench/cnn.ts runs it beside PyTorch.
 */
import { readFileSync } from "node:fs";
import { cpuUsage, memoryUsage, resourceUsage } from "node:process";
import * as tg from "../src/index.ts";
import { median } from "./timing.ts";

const BATCH = 64;
const WARMUP = 3;
const REPS = Number(process.env.CNN_REPS ?? 10);
if (process.argv[2]) tg.setNumThreads(Number(process.argv[2]));

const mb = (bytes: number): number => bytes / 2 ** 20;
const baseMB = mb(memoryUsage.rss());
tg.manualSeed(0);
const { nn } = tg;
const model = new nn.Sequential(
  new nn.Conv2d(1, 32, 3, 1),
  new nn.ReLU(),
  new nn.Conv2d(32, 64, 3, 1),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Dropout(0.25),
  new nn.Flatten(),
  new nn.Linear(9216, 128),
  new nn.ReLU(),
  new nn.Dropout(0.5),
  new nn.Linear(128, 10),
  new nn.LogSoftmax(1),
);
const opt = new tg.optim.Adadelta(model.parameters(), { lr: 1 });
const x = tg.randn([BATCH, 1, 28, 28]);
const y = tg.randint(0, 10, [BATCH]);

const wall: number[] = [];
const cpu: number[] = [];
const phases: Record<"forward" | "backward" | "step", number[]> = { forward: [], backward: [], step: [] };
const rssAfter = { forward: 0, backward: 0, step: 0 };
let loss = 0;
for (let s = 0; s < WARMUP + REPS; s++) {
  const c0 = cpuUsage();
  const t0 = performance.now();
  opt.zeroGrad();
  const out = tg.nn.functional.nllLoss(model(x), y);
  loss = out.item();
  const t1 = performance.now();
  rssAfter.forward = memoryUsage.rss();
  out.backward();
  (model.parameters()[0].grad as tg.Tensor).toArray();
  const t2 = performance.now();
  rssAfter.backward = memoryUsage.rss();
  opt.step();
  model.parameters()[0].toArray();
  const t3 = performance.now();
  rssAfter.step = memoryUsage.rss();
  const c = cpuUsage(c0);
  if (s < WARMUP) continue;
  wall.push(t3 - t0);
  cpu.push((c.user + c.system) / 1000);
  phases.forward.push(t1 - t0);
  phases.backward.push(t2 - t1);
  phases.step.push(t3 - t2);
}
if (!Number.isFinite(loss)) throw new Error("loss is not finite");
/**
 * This process's peak RSS in MB: Linux's VmHWM, the high-water mark of this program's own memory. getrusage's maxRSS
 * also counts the parent's resident set at the fork (Linux carries it across exec), so a child of a big bench process
 * reported the parent's size.
 */
function peakRssMB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux: maxRSS below
  }
  return resourceUsage().maxRSS / 1024;
}

console.log(
  JSON.stringify({
    backend: tg.getBackend().name,
    threads: tg.getNumThreads(),
    ms: median(wall),
    cpuMs: median(cpu),
    phaseMs: { forward: median(phases.forward), backward: median(phases.backward), step: median(phases.step) },
    rssAfterMB: { forward: mb(rssAfter.forward), backward: mb(rssAfter.backward), step: mb(rssAfter.step) },
    peakMB: peakRssMB(),
    baseMB,
    loss,
  }),
);
