import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { GENERATED, renderKernels } from "../scripts/build-wasm.ts";
import { kernelVariant, thresholds, variantSupported } from "../src/backend/wasm/index.ts";
import { isShared, unsharedImport } from "../src/backend/wasm/memory.ts";
import { getKernels, type Kernels, kernelBytes } from "../src/backend/wasm/module.ts";
import { tg } from "./helpers.ts";

// Every WASM kernel is checked against the CPU reference backend through `compare`: the same construction runs once per
// backend, from the same seeded data, and the results must agree (bit for bit where the kernel rounds like the reference).

interface Tol {
  /** Bitwise equality (NaN matches NaN, +0 and -0 differ). */
  exact?: boolean;
  atol?: number;
  rtol?: number;
}

function assertAgree(got: tg.Tensor, ref: tg.Tensor, tol: Tol, what: string): void {
  assert.deepEqual([...got.shape], [...ref.shape], `${what}: shape`);
  assert.equal(got.dtype, ref.dtype, `${what}: dtype`);
  const g = got.toArray();
  const r = ref.toArray();
  for (let i = 0; i < g.length; i++) {
    const [x, y] = [Number(g[i]), Number(r[i])];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (tol.exact) {
      if (!Object.is(x, y)) assert.fail(`${what}: element ${i}: wasm ${x}, cpu ${y}`);
      continue;
    }
    if (x === y) continue;
    const bound = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(y);
    if (!(Math.abs(x - y) <= bound)) assert.fail(`${what}: element ${i}: wasm ${x}, cpu ${y} (bound ${bound})`);
  }
}

/** Runs `build` on the cpu backend and on the wasm backend and compares every tensor it returns. */
function compare(what: string, build: () => tg.Tensor | tg.Tensor[], tol: Tol = { exact: true }): void {
  const prev = tg.getBackend().name;
  try {
    tg.setBackend("cpu");
    const ref = [build()].flat();
    tg.setBackend("wasm");
    const got = [build()].flat();
    for (const t of got) assert.equal(t.device, "cpu");
    for (const [i, r] of ref.entries()) assertAgree(got[i], r, tol, `${what} [${i}]`);
  } finally {
    tg.setBackend(prev);
  }
}

/** Deterministic float32 data in [-scale, scale), with NaN/±Inf/±0 sprinkled in when `specials`. */
function data(n: number, seed: number, scale = 1, specials = false): Float32Array {
  const out = new Float32Array(n);
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  if (specials) {
    const sp = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3.4e38];
    for (let i = 0; i < n; i += 5) out[i] = sp[(i / 5) % sp.length];
  }
  return out;
}

const t = (shape: number[], seed: number, scale = 1, specials = false): tg.Tensor =>
  tg
    .tensor(
      data(
        shape.reduce((a, b) => a * b, 1),
        seed,
        scale,
        specials,
      ),
    )
    .reshape(shape);

const SIZES = [1, 3, 7, 17, 33, 129, 257];
const saved = { ...thresholds };

describe("wasm backend", () => {
  before(() => {
    // Run the kernels even on the smallest shapes.
    thresholds.elementwise = 0;
    thresholds.reduce = 0;
    thresholds.matmul = 0;
  });
  after(() => Object.assign(thresholds, saved));

  it("loads SIMD kernels and is the default backend", () => {
    assert.ok(variantSupported("simd"));
    assert.notEqual(kernelVariant(), null);
    assert.ok(tg.listBackends().includes("wasm"));
  });

  it("the committed kernels_wasm.ts is what build:wasm produces", async () => {
    assert.equal(readFileSync(GENERATED, "utf8"), await renderKernels(), "run `npm run build:wasm`");
  });

  describe("binary ops", () => {
    // The comparisons give bool tensors (the compare/select kernels).
    const ops = ["add", "sub", "mul", "div", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge"] as const;
    for (const op of ops) {
      it(`${op}: same shape, odd sizes, NaN/Inf`, () => {
        for (const n of SIZES) compare(`${op} [${n}]`, () => t([n], 1, 4, true)[op](t([n], 2, 4, true)));
        compare(`${op} [7, 33]`, () => t([7, 33], 3)[op](t([7, 33], 4)));
      });
      it(`${op}: scalars and broadcasting`, () => {
        compare(`${op} scalar right`, () => t([129], 5, 3, true)[op](2.5));
        compare(`${op} scalar left`, () => tg.tensor(-1.5)[op](t([33, 3], 6)));
        compare(`${op} 0-dim tensor`, () => t([17, 7], 7)[op](tg.tensor(Number.NaN)));
        compare(`${op} row (bias)`, () => t([33, 17], 8)[op](t([17], 9)));
        compare(`${op} column`, () => t([17, 33], 10)[op](t([17, 1], 11)));
        compare(`${op} column left`, () => t([17, 1], 12)[op](t([17, 33], 13)));
        compare(`${op} 3-d middle`, () => t([3, 7, 5], 14)[op](t([3, 1, 5], 15)));
        // Batch norm's and a conv bias's shapes: a batch of [C, H·W] products with a per-channel column.
        compare(`${op} per channel`, () => t([4, 3, 5, 6], 87)[op](t([3, 1, 1], 88)));
        compare(`${op} per channel, left`, () => t([1, 3, 1, 1], 89)[op](t([4, 3, 5, 6], 90)));
        compare(`${op} per channel, permuted`, () =>
          t([4, 5, 6, 3], 91)
            .permute([0, 3, 1, 2])
            [op](t([3, 1, 1], 92)),
        );
        compare(`${op} outer`, () => t([7, 1], 16)[op](t([1, 9], 17)));
        compare(`${op} 1x1`, () => t([1, 1], 18)[op](t([1], 19)));
      });
      it(`${op}: strided and transposed views`, () => {
        compare(`${op} transposed`, () => t([17, 33], 20).T[op](t([33, 17], 21)));
        compare(`${op} both transposed`, () => t([17, 33], 22).T[op](t([17, 33], 23).T));
        compare(`${op} column slice`, () =>
          t([33, 20], 24)
            .narrow(1, 3, 14)
            [op](t([33, 14], 25)),
        );
        compare(`${op} step slice`, () =>
          t([129], 26)
            .get("::2")
            [op](t([65], 27)),
        );
        compare(`${op} offset view`, () =>
          t([10, 33], 28)
            .select(0, 3)
            [op](t([33], 29)),
        );
      });
    }
  });

  it("log-softmax over rows of odd widths, NaN/Inf rows included, agrees with the reference", () => {
    const F = tg.nn.functional;
    for (const n of SIZES) compare(`logSoftmax [5, ${n}]`, () => F.logSoftmax(t([5, n], 70 + n, 20, true)), { rtol: 2e-6, atol: 2e-6 });
    compare("logSoftmax [128, 10]", () => F.logSoftmax(t([128, 10], 71, 8)), { rtol: 2e-6, atol: 2e-6 });
    compare(
      "logSoftmax gradient",
      () => {
        const x = t([33, 17], 72, 5).requiresGrad_();
        F.logSoftmax(x)
          .mul(t([33, 17], 73))
          .sum()
          .backward();
        return x.grad as tg.Tensor;
      },
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  it("linear's fused bias (addmm) is bit for bit matmul then add, on either backend", () => {
    const F = tg.nn.functional;
    const prev = tg.getBackend().name;
    try {
      for (const backend of ["wasm", "cpu"]) {
        tg.setBackend(backend);
        for (const [m, k, n] of [
          [3, 5, 7],
          [33, 65, 17],
          [128, 300, 260],
        ]) {
          const [x, w] = [t([m, k], m + 80), t([n, k], n + 81)];
          const b = t([2 * n], 82).get("::2"); // a strided bias too
          for (const bias of [t([n], 83), b]) {
            const fused = F.linear(x, w, bias).toArray();
            const plain = x.matmul(w.mT).add(bias).toArray();
            for (let i = 0; i < fused.length; i++) {
              assert.ok(Object.is(fused[i], plain[i]), `${backend} ${m}×${k}×${n} [${i}]: ${fused[i]} vs ${plain[i]}`);
            }
          }
        }
        const x64 = t([9, 4], 84).double();
        const fused = F.linear(x64, t([6, 4], 85).double(), t([6], 86).double());
        assert.equal(fused.dtype, "float64");
      }
    } finally {
      tg.setBackend(prev);
    }
  });

  describe("where", () => {
    const mask = (shape: number[], seed: number): tg.Tensor => t(shape, seed).gt(0.1);
    it("same shape, odd sizes, NaN/Inf/-0 picked bit for bit", () => {
      for (const n of SIZES) compare(`where [${n}]`, () => tg.where(mask([n], 40), t([n], 41, 3, true), t([n], 42, 3, true)));
    });
    it("scalars, broadcast conditions and operands", () => {
      compare("scalar zero right (relu backward)", () => tg.where(t([33, 17], 43).le(0), 0, t([33, 17], 44, 2, true)));
      compare("scalar left", () => tg.where(mask([17, 33], 45), -0, t([17, 33], 46)));
      compare("row condition", () => tg.where(mask([17], 47), t([33, 17], 48), t([33, 17], 49)));
      compare("column condition", () => tg.where(mask([33, 1], 50), t([33, 17], 51), t([1, 17], 52)));
      compare("scalar condition", () => tg.where(tg.tensor(true), t([33, 17], 53), t([33, 17], 54)));
    });
    it("strided and transposed views, and dtypes the kernel leaves to the reference", () => {
      compare("transposed", () => tg.where(mask([17, 33], 55).T, t([33, 17], 56), t([17, 33], 57).T));
      compare("step slice", () => tg.where(mask([129], 58).get("::2"), t([65], 59), t([130], 60).get("1::2")));
      compare("float64", () => tg.where(mask([33], 61), t([33], 62).double(), t([33], 63).double()));
      compare("int32", () => tg.where(mask([33], 64), t([33], 65).mul(100).int(), -7));
    });
  });

  describe("unary ops", () => {
    const exact = ["neg", "abs", "sqrt", "square", "reciprocal", "relu", "floor", "ceil", "round"] as const;
    for (const op of exact) {
      it(`${op} matches exactly`, () => {
        for (const n of SIZES) compare(`${op} [${n}]`, () => t([n], 30, 10, true)[op]());
        compare(`${op} halves`, () => tg.tensor(new Float32Array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -0, 0]))[op]());
        compare(`${op} transposed`, () => t([17, 33], 31, 5).T[op]());
      });
    }
    for (const op of ["exp", "tanh", "sigmoid"] as const) {
      it(`${op} within a few ulp`, () => {
        for (const n of SIZES) compare(`${op} [${n}]`, () => t([n], 40, 3, true)[op](), { rtol: 4e-7, atol: 1e-44 });
        // Whole range, including overflow, underflow to denormals and zero, and tiny arguments.
        const wide = new Float32Array(4001).map((_, i) => (i - 2000) * 0.06);
        const tiny = new Float32Array(257).map((_, i) => (i - 128) * 1e-5);
        compare(`${op} wide`, () => tg.tensor(wide)[op](), { rtol: 4e-7, atol: 3e-45 });
        compare(`${op} tiny`, () => tg.tensor(tiny)[op](), { rtol: 4e-7, atol: 1e-44 });
        compare(`${op} edges`, () => tg.tensor(new Float32Array([88.7, 88.8, -87.3, -100, -103.9, -104, 1e30, -1e30]))[op](), {
          rtol: 4e-7,
          atol: 3e-45,
        });
      });
    }
  });

  describe("matmul", () => {
    const tol = (k: number): Tol => ({ rtol: 1e-5, atol: 2e-6 * Math.sqrt(k) });
    it("odd shapes", () => {
      for (const m of [1, 3, 17, 129]) {
        for (const k of [1, 7, 33, 257]) {
          for (const n of [1, 3, 8, 33, 129]) compare(`${m}x${k}x${n}`, () => t([m, k], m + k).matmul(t([k, n], k + n)), tol(k));
        }
      }
    });
    it("every transpose layout, strided views and blocking edges", () => {
      compare("A^T B", () => t([257, 33], 1).T.matmul(t([257, 17], 2)), tol(257));
      compare("A B^T", () => t([33, 257], 3).matmul(t([17, 257], 4).T), tol(257));
      compare("A^T B^T", () => t([257, 33], 5).T.matmul(t([17, 257], 6).T), tol(257));
      compare(
        "sliced",
        () =>
          t([40, 300], 7)
            .narrow(1, 5, 285)
            .matmul(t([300, 50], 8).narrow(0, 10, 285).get(":, ::3")),
        tol(285),
      );
      compare("vector @ matrix", () => t([129], 9).matmul(t([129, 33], 10)), tol(129));
      compare("matrix @ vector", () => t([33, 129], 11).matmul(t([129], 12)), tol(129));
      // k > KC (256), n > NC (1024), m > MC (128): every blocking loop takes more than one pass.
      compare("blocked", () => t([131, 600], 13).matmul(t([600, 1030], 14)), tol(600));
    });
    it("batched and broadcast batches", () => {
      compare("batched", () => t([3, 17, 33], 15).matmul(t([3, 33, 7], 16)), tol(33));
      compare("broadcast batch", () => t([2, 3, 17, 33], 17).matmul(t([33, 9], 18)), tol(33));
      compare("broadcast left", () => t([17, 33], 19).matmul(t([4, 33, 9], 20).transpose(1, 2).transpose(1, 2)), tol(33));
    });
    it("NaN and Inf propagate like the reference", () => {
      compare("specials", () => t([17, 33], 21, 1, true).matmul(t([33, 9], 22)), tol(33));
    });
    it("float64 and int32 go to the reference kernels", () => {
      compare("float64", () =>
        t([17, 33], 23)
          .double()
          .matmul(t([33, 9], 24).double()),
      );
      compare("int32", () =>
        tg
          .tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: "int32" },
          )
          .matmul(tg.tensor([[5], [6]], { dtype: "int32" })),
      );
    });
  });

  describe("reductions", () => {
    for (const op of ["sum", "amax", "amin"] as const) {
      it(`${op} over trailing and leading dims`, () => {
        const tol: Tol = op === "sum" ? { rtol: 1e-6, atol: 1e-6 } : { exact: true };
        for (const n of SIZES) {
          compare(`${op} rows ${n}`, () => t([5, n], n, 2, true)[op](1));
          compare(`${op} cols ${n}`, () => t([n, 5], n, 2, true)[op](0));
        }
        compare(`${op} 3-d last two`, () => t([3, 7, 17], 50)[op]([1, 2]), tol);
        compare(`${op} 3-d first two`, () => t([3, 7, 17], 51)[op]([0, 1]), tol);
        compare(`${op} all`, () => t([129, 33], 52)[op](), tol);
        compare(`${op} middle (reference)`, () => t([3, 7, 17], 53)[op](1), tol);
        // Leading and trailing dims together, as batch norm reduces [N, C, H, W] over [0, 2, 3].
        compare(`${op} per channel`, () => t([4, 3, 5, 6], 55, 2, true)[op]([0, 2, 3]), tol);
        compare(`${op} first and last`, () => t([9, 7, 17], 56)[op]([0, 2]), tol);
        compare(`${op} transposed`, () => t([17, 33], 54).T[op](1), tol);
      });
    }
  });

  it("shares its memory (for helper threads), and runs in an unshared one where SharedArrayBuffer is missing", () => {
    assert.ok(isShared((getKernels() as Kernels).memory));
    const bytes = kernelBytes("simd");
    const plain = unsharedImport(bytes);
    const changed = bytes.reduce((n, b, i) => n + (b === plain[i] ? 0 : 1), 0);
    assert.equal(changed, 1, "only the limits flag of the memory import changes");
    assert.throws(
      () =>
        new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 16, maximum: 64 }) } }),
    );
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 64 });
    const k = new WebAssembly.Instance(new WebAssembly.Module(plain), { env: { memory } }).exports as unknown as Kernels;
    // C = A·B for A 5×3 and B 3×9 (C's leading dimension 16), against a plain loop.
    const [m, kk, n, ldc] = [5, 3, 9, 16];
    const base = (k.heapBase() + 63) & ~63;
    const [pa, pb, pc, pw] = [base, base + 256, base + 512, base + 1024];
    memory.grow(Math.ceil((pw + 4 * k.gemmWorkSize()) / 65536));
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < m * kk; i++) f[pa / 4 + i] = i - 4;
    for (let i = 0; i < kk * n; i++) f[pb / 4 + i] = (i % 5) - 2;
    k.gemm(pa, kk, 1, pb, n, 1, pc, ldc, m, n, kk, pw);
    const g = new Float32Array(memory.buffer);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let want = 0;
        for (let p = 0; p < kk; p++) want += (i * kk + p - 4) * (((p * n + j) % 5) - 2);
        assert.equal(g[pc / 4 + i * ldc + j], want, `C[${i}, ${j}]`);
      }
    }
  });

  it("runs on one thread in an unshared memory where the realm has no SharedArrayBuffer (a page without isolation)", () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const script = `
      delete globalThis.SharedArrayBuffer;
      const tg = await import("./src/index.ts");
      const { getKernels } = await import("./src/backend/wasm/module.ts");
      const a = tg.randn([300, 200]), b = tg.randn([200, 100]);
      tg.setBackend("cpu"); const ref = a.matmul(b).exp().toArray();
      tg.setBackend("wasm"); const got = a.matmul(b).exp().toArray();
      let bad = 0; for (let i = 0; i < ref.length; i++) if (!(Math.abs(got[i] - ref[i]) <= 1e-4 * Math.abs(ref[i]) + 1e-6)) bad++;
      console.log(getKernels() !== null, getKernels().memory.buffer instanceof ArrayBuffer, tg.getNumThreads(), bad);`;
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "true true 1 0");
  });

  it("a training step gives the same loss and gradients on both backends", () => {
    thresholds.elementwise = saved.elementwise;
    thresholds.matmul = saved.matmul;
    thresholds.reduce = saved.reduce;
    compare(
      "mlp step",
      () => {
        const x = t([37, 50], 60);
        const y = tg.tensor(new Int32Array(37).map((_, i) => i % 10)).reshape([37, 1]);
        const w1 = t([50, 64], 61, 0.2).requiresGrad_();
        const b1 = t([64], 62, 0.1).requiresGrad_();
        const w2 = t([64, 10], 63, 0.2).requiresGrad_();
        const h = x.matmul(w1).add(b1).tanh();
        const z = h.matmul(w2).sigmoid().mul(h.sum(1, true).exp().relu().add(1).log()).sub(0.5);
        const loss = z.logsumexp(1).sub(z.gather(1, y).squeeze(1)).mean();
        loss.backward();
        return [loss, w1.grad!, b1.grad!, w2.grad!];
      },
      { rtol: 1e-4, atol: 1e-6 },
    );
  });

  it("Node loads the relaxed-SIMD (FMA) build, and TENSORGRAD_WASM_FMA=0 the plain SIMD build, which agrees with the reference", () => {
    // Node 20 has relaxed SIMD behind a V8 flag that the module turns on; the rest of this file runs the FMA build.
    assert.equal(kernelVariant(), "fma");
    const root = fileURLToPath(new URL("..", import.meta.url));
    const script = `
      import * as tg from "./src/index.ts";
      import { kernelVariant, thresholds } from "./src/backend/wasm/index.ts";
      thresholds.matmul = 0; thresholds.elementwise = 0;
      const run = () => { const a = tg.arange(0, 3 * 257).reshape([3, 257]).div(300).sin(); const b = tg.arange(0, 257 * 33).reshape([257, 33]).div(900).cos();
        return [...a.matmul(b).toArray(), ...a.mT.matmul(a).toArray(), ...a.exp().toArray(), ...a.tanh().toArray()]; };
      tg.setBackend("cpu"); const ref = run(); tg.setBackend("wasm"); const got = run();
      let bad = 0; for (let i = 0; i < ref.length; i++) if (!(Math.abs(got[i] - ref[i]) <= 1e-5 + 1e-5 * Math.abs(ref[i]))) bad++;
      console.log(kernelVariant(), bad);`;
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, TENSORGRAD_WASM_FMA: "0" },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "simd 0");
  });
});
