import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "tensorgrad";

// The differential harness of the webgpu op suite: one table of cases, each run once with its inputs on the CPU (the
// reference) and once with the same inputs moved to webgpu; outputs and input gradients must agree.
//
// Tolerance. Both devices compute in float32, but not alike: WGSL leaves the precision of exp, log, pow, tanh, sin,
// cos... implementation-defined within bounds (exp: 3 + 2·|x| ULP; log: 3 ULP, or 2^-21 absolute in [0.5, 2];
// sin/cos: 2^-11 absolute in [-π, π]), and the GPU sums in a different order (tree reductions, tiled matmul). So an
// element passes when |gpu − cpu| ≤ rtol·|cpu| + atol·max(1, M), where M is the largest finite |cpu| value of that
// output: the relative term covers elementwise rounding, the term scaled by the output's magnitude covers
// cancellation in sums whose terms are larger than their result. Defaults: rtol = 1e-4, atol = 1e-5; a case widens
// them (sin/cos: atol 1e-3) only where the spec allows more. Integers and bools must match exactly; NaN matches NaN and
// infinities must match in sign.

/** Makes one input on the CPU from the case's seeded generator. */
export type Input = (g: tg.Generator) => tg.Tensor;

export interface OpCase {
  name: string;
  inputs: Input[];
  /** The op under test, the same function for both devices; views and broadcasts are taken inside it. */
  fn: (...xs: tg.Tensor[]) => tg.Tensor | readonly tg.Tensor[];
  /** Compare gradients of the float inputs (default: true when an input is float). */
  grad?: boolean;
  rtol?: number;
  atol?: number;
  /** A known mismatch that another engineer's file must fix: the case runs but does not fail the suite. */
  todo?: string;
}

export const randn =
  (shape: number[]): Input =>
  (g) =>
    tg.randn(shape, { generator: g });
/** Uniform in (lo, hi): for ops defined on part of the line (log, sqrt, pow with float exponents). */
export const uniform =
  (shape: number[], lo = 0.5, hi = 2): Input =>
  (g) =>
    tg
      .rand(shape, { generator: g })
      .mul(hi - lo)
      .add(lo);
/** int32 in [low, high). */
export const ints =
  (shape: number[], high: number, low = 0): Input =>
  (g) =>
    tg.randint(low, high, shape, { generator: g });
export const bools =
  (shape: number[]): Input =>
  (g) =>
    tg.rand(shape, { generator: g }).lt(0.5);
/** Fixed values (special floats, ties, exact integers). */
export const values =
  (data: number[], dtype: tg.DType = "float32"): Input =>
  () =>
    tg.tensor(data, { dtype });

const isFloat = (t: tg.Tensor): boolean => t.dtype === "float32";

function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

const asList = (r: tg.Tensor | readonly tg.Tensor[]): tg.Tensor[] => (r instanceof tg.Tensor ? [r] : [...r]);

/** Asserts the webgpu tensor `gpu` equals the CPU tensor `cpu` within the case's tolerance (see the header). */
export async function assertMatches(gpu: tg.Tensor, cpu: tg.Tensor, what: string, rtol = 1e-4, atol = 1e-5): Promise<void> {
  assert.deepEqual([...gpu.shape], [...cpu.shape], `${what}: shape`);
  assert.equal(gpu.dtype, cpu.dtype, `${what}: dtype`);
  assert.equal(gpu.device, "webgpu", `${what}: device`);
  const a = await gpu.toArrayAsync();
  const e = cpu.toArray();
  assert.equal(a.length, e.length, `${what}: length`);
  if (!isFloat(cpu)) {
    for (let i = 0; i < e.length; i++) {
      if (Number(a[i]) !== Number(e[i])) assert.fail(`${what}: element ${i} of shape [${cpu.shape}]: webgpu ${a[i]}, cpu ${e[i]}`);
    }
    return;
  }
  let m = 1;
  for (let i = 0; i < e.length; i++) if (Number.isFinite(e[i])) m = Math.max(m, Math.abs(Number(e[i])));
  for (let i = 0; i < e.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (Number.isFinite(y) && Math.abs(x - y) <= rtol * Math.abs(y) + atol * m) continue;
    assert.fail(`${what}: element ${i} of shape [${cpu.shape}]: webgpu ${x}, cpu ${y} (|diff| ${Math.abs(x - y)})`);
  }
}

/** Runs one case on both devices and compares outputs and, for float inputs, their gradients. */
export async function runCase(c: OpCase): Promise<void> {
  const g = new tg.Generator(seedOf(c.name));
  const base = c.inputs.map((make) => make(g).detach());
  const grad = c.grad ?? base.some(isFloat);
  const leaf = (t: tg.Tensor): tg.Tensor => (grad && isFloat(t) ? t.requiresGrad_(true) : t);
  const cpuIn = base.map((t) => leaf(t.clone()));
  const gpuIn = base.map((t) => leaf(t.to("webgpu")));
  const cpuOut = asList(c.fn(...cpuIn));
  const gpuOut = asList(c.fn(...gpuIn));
  assert.equal(gpuOut.length, cpuOut.length, "number of outputs");
  for (let k = 0; k < cpuOut.length; k++) await assertMatches(gpuOut[k], cpuOut[k], `output ${k}`, c.rtol, c.atol);
  if (!grad) return;
  // Backward of Σ_k sum(out_k · cotangent_k) with a fixed random cotangent, on both devices.
  let cpuLoss: tg.Tensor | null = null;
  let gpuLoss: tg.Tensor | null = null;
  for (let k = 0; k < cpuOut.length; k++) {
    if (!isFloat(cpuOut[k]) || !cpuOut[k].requiresGrad) continue;
    const ct = tg.randn([...cpuOut[k].shape], { generator: g });
    const lc = cpuOut[k].mul(ct).sum();
    const lg = gpuOut[k].mul(ct.to("webgpu")).sum();
    cpuLoss = cpuLoss ? cpuLoss.add(lc) : lc;
    gpuLoss = gpuLoss ? gpuLoss.add(lg) : lg;
  }
  if (!cpuLoss || !gpuLoss) return;
  cpuLoss.backward();
  gpuLoss.backward();
  for (let j = 0; j < base.length; j++) {
    if (!cpuIn[j].requiresGrad) continue;
    const gc = cpuIn[j].grad;
    const gg = gpuIn[j].grad;
    assert.equal(gg === null, gc === null, `input ${j}: gradient present on one device only`);
    if (gc && gg) await assertMatches(gg, gc, `gradient of input ${j}`, c.rtol, c.atol);
  }
}

/** Registers one node test per case; `skip` (no adapter outside CI) is the reason, or false. */
export function runTable(cases: readonly OpCase[], skip: string | false): void {
  for (const c of cases) {
    test(c.name, { skip, todo: c.todo }, () => runCase(c));
  }
}
