/**
 * Issue 11's speed items: `x.pow(3)` against `x.square()` and `x·x·x`, and `C.get(X)` with a 2-D int index against
 * `indexSelect` + `reshape`, forward and forward + backward, float32. Compare within one run (the machine is shared).
 * Run: npx tsx --conditions=source bench/pow_index.ts
 */
import * as tg from "../src/index.js";
import { time } from "./timing.js";

const opts = { warmup: 3, reps: 15, budgetMs: 3000 };
const ms = (fn: () => void): string => time(fn, opts).medianMs.toFixed(1).padStart(7);

tg.manualSeed(0);
const x = tg.randn([1_000_000], { requiresGrad: true });
const pows: [string, (t: tg.Tensor) => tg.Tensor][] = [
  ["x.pow(3)", (t) => t.pow(3)],
  ["x.pow(tensor(3)) (generic)", (t) => t.pow(tg.tensor(3))],
  ["x.mul(x).mul(x)", (t) => t.mul(t).mul(t)],
  ["x.pow(2)", (t) => t.pow(2)],
  ["x.square()", (t) => t.square()],
  ["x.pow(-2)", (t) => t.pow(-2)],
  ["x.pow(7)", (t) => t.pow(7)],
  ["x.pow(tensor(7)) (generic)", (t) => t.pow(tg.tensor(7))],
  ["x.pow(0.5)", (t) => t.pow(0.5)],
];
console.log("op (1e6 float32)            forward ms  fwd+bwd ms");
for (const [name, f] of pows) {
  const fwd = ms(() => tg.noGrad(() => f(x).toArray()));
  const both = ms(() => {
    x.grad = null;
    f(x).sum().backward();
    (x.grad as tg.Tensor | null)?.toArray();
  });
  console.log(`${name.padEnd(28)}${fwd}  ${both}`);
}

// makemore's embedding lookup: C [27, 10], X [47000, 3] int32.
const C = tg.randn([27, 10], { requiresGrad: true });
const X = tg.randint(0, 27, [47_000, 3], { dtype: "int32" });
const gets: [string, () => tg.Tensor][] = [
  ["C.get(X)", () => C.get(X)],
  ["indexSelect+reshape", () => C.indexSelect(0, X.reshape([-1])).reshape([47_000, 3, 10])],
  [
    "get before (amin/amax+wrap)",
    () => {
      [X.amin().item(), X.amax().item()];
      const wrapped = X.add(27).where(X.lt(0), X);
      return C.indexSelect(0, wrapped.reshape([-1])).reshape([47_000, 3, 10]);
    },
  ],
];
console.log("lookup C[27,10][X[47000,3]]  forward ms  fwd+bwd ms");
for (const [name, f] of gets) {
  const fwd = ms(() => tg.noGrad(() => f().toArray()));
  const both = ms(() => {
    C.grad = null;
    f().sum().backward();
    (C.grad as tg.Tensor | null)?.toArray();
  });
  console.log(`${name.padEnd(28)}${fwd}  ${both}`);
}
