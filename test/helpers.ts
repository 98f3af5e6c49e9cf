import assert from "node:assert/strict";
import * as tg from "tensorgrad";

export { tg };

export interface CloseOptions {
  atol?: number;
  rtol?: number;
}

/** Asserts `actual` has the shape of `expected` and values within atol + rtol·|expected| (NaN matches NaN). */
export function assertClose(actual: tg.Tensor, expected: tg.NestedArray | tg.Tensor, options: CloseOptions = {}): void {
  const { atol = 1e-5, rtol = 1e-4 } = options;
  const exp = expected instanceof tg.Tensor ? expected : tg.tensor(expected as tg.NestedArray, { dtype: "float64" });
  assert.deepEqual([...actual.shape], [...exp.shape], `shape ${fmt(actual.shape)} != expected ${fmt(exp.shape)}`);
  const a = actual.toArray();
  const e = exp.toArray();
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y)) continue;
    // The message prints both tensors, so it is only built once a check has failed.
    assert.fail(`element ${i}: got ${x}, expected ${y}\nactual:   ${actual}\nexpected: ${exp}`);
  }
}

/** Asserts exact equality of shape, dtype and values. */
export function assertEqual(actual: tg.Tensor, expected: tg.NestedArray, dtype?: tg.DType): void {
  if (dtype) assert.equal(actual.dtype, dtype);
  assert.deepEqual(actual.tolist(), expected);
}

const fmt = (s: readonly number[]) => `[${s.join(", ")}]`;

export interface GradOptions {
  /** Also run gradgradcheck (second derivatives). */
  gradgrad?: boolean;
  /** Draw inputs from (0.5, 2) instead of N(0, 1), for ops defined on positives (log, sqrt, pow...). */
  positive?: boolean;
  seed?: number;
}

/**
 * Runs `gradcheck` (and optionally `gradgradcheck`) on `fn` with float64 inputs of the given shapes, drawn
 * from a seeded generator. The one helper every differentiable op's test goes through.
 */
export function checkGrads(fn: (...xs: tg.Tensor[]) => tg.Tensor | tg.Tensor[], shapes: number[][], options: GradOptions = {}): void {
  const g = new tg.Generator(options.seed ?? 1234);
  const inputs = shapes.map((shape) => {
    const base = options.positive
      ? tg.rand(shape, { dtype: "float64", generator: g }).mul(1.5).add(0.5)
      : tg.randn(shape, { dtype: "float64", generator: g });
    return base.detach().requiresGrad_(true);
  });
  assert.equal(tg.autograd.gradcheck(fn, inputs), true);
  if (options.gradgrad) assert.equal(tg.autograd.gradgradcheck(fn, inputs), true);
}

/** Runs `body` once per registered backend, with that backend selected. */
export function forEachBackend(body: (backend: string) => void): void {
  const before = tg.getBackend().name;
  for (const name of tg.listBackends()) {
    tg.setBackend(name);
    try {
      body(name);
    } finally {
      tg.setBackend(before);
    }
  }
}
