import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertClose, tg } from "./helpers.ts";

// PyTorch 1.13's values and gradients of the margin, embedding, Poisson/Gaussian NLL and CTC losses, written by
// test/fixtures/loss_extra_torch.py, and the runner that checks one case against them.

interface Arr {
  shape: number[];
  data: (number | string)[];
  dtype?: "int32";
}

/** One call: the inputs (tensors, or plain length arrays for CTC), the options, and PyTorch's results per reduction. */
export interface LossCase {
  fn: string;
  options: Record<string, unknown>;
  inputs: (Arr | { lengths: number[] })[];
  out: Record<Reduction, Arr>;
  /** The gradients of Σ w·loss (w = linspace(0.5, 1.5) over the output, infinite entries left out), per input. */
  grads: Record<Reduction, (Arr | null)[]>;
  /** The first input holds logits, put through logSoftmax(−1) before the call (CTC). */
  logits?: boolean;
}

type Reduction = "none" | "sum" | "mean";

export const FX: { cases: LossCase[]; ctc: LossCase[] } = JSON.parse(
  readFileSync(new URL("fixtures/loss_extra_torch.json", import.meta.url), "utf8"),
);

const toTensor = (a: Arr): tg.Tensor =>
  tg.tensor(a.data.map(Number), { dtype: a.dtype === "int32" ? "int32" : "float64" }).reshape(a.shape);

/** The module class of each functional loss. */
const MODULE_OF: Record<string, string> = {
  marginRankingLoss: "MarginRankingLoss",
  hingeEmbeddingLoss: "HingeEmbeddingLoss",
  cosineEmbeddingLoss: "CosineEmbeddingLoss",
  tripletMarginLoss: "TripletMarginLoss",
  poissonNllLoss: "PoissonNLLLoss",
  gaussianNllLoss: "GaussianNLLLoss",
  softMarginLoss: "SoftMarginLoss",
  multilabelSoftMarginLoss: "MultiLabelSoftMarginLoss",
  multiMarginLoss: "MultiMarginLoss",
  ctcLoss: "CTCLoss",
};

type Fn = (...args: unknown[]) => tg.Tensor;

/**
 * Checks a case's function for each reduction against PyTorch's values and gradients, and its module's value: the
 * same options given to the constructor.
 */
export function checkCase(c: LossCase, atol = 1e-10): void {
  const options = Object.fromEntries(
    Object.entries(c.options).map(([k, v]) => [k, Array.isArray(v) ? tg.tensor(v as number[], { dtype: "float64" }) : v]),
  );
  const fn = (tg.nn.functional as unknown as Record<string, Fn>)[c.fn];
  const Module = (tg.nn as unknown as Record<string, new (o: unknown) => Fn>)[MODULE_OF[c.fn]];
  for (const reduction of ["none", "sum", "mean"] as const) {
    const expectedGrads = c.grads[reduction];
    const inputs = c.inputs.map((a, i) => {
      if ("lengths" in a) return a.lengths;
      const t = toTensor(a);
      return expectedGrads[i] ? t.requiresGrad_(true) : t;
    });
    const args = c.logits ? [tg.nn.functional.logSoftmax(inputs[0] as tg.Tensor, -1), ...inputs.slice(1)] : inputs;
    const y = fn(...args, { ...options, reduction });
    assertClose(y, toTensor(c.out[reduction]), { atol, rtol: 1e-9 });
    const m = new Module({ ...options, reduction });
    assertClose(m(...args), toTensor(c.out[reduction]), { atol, rtol: 1e-9 });

    if (!y.requiresGrad) continue;
    const n = y.numel();
    const w = n > 1 ? tg.linspace(0.5, 1.5, n, { dtype: "float64" }).reshape(y.shape) : tg.tensor(1, { dtype: "float64" });
    tg.where(y.isfinite(), y, 0).mul(w).sum().backward();
    inputs.forEach((x, i) => {
      const g = expectedGrads[i];
      if (!g) return;
      const grad = (x as tg.Tensor).grad;
      assert.ok(grad, `${c.fn}: input ${i} got no gradient`);
      assertClose(grad, toTensor(g), { atol, rtol: 1e-8 });
    });
  }
}
