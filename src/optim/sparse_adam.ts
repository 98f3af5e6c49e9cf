import { ValueError } from "../errors.js";
import { hostData, type SparseGrad } from "../nn/sparse_grad.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { check } from "./ops.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `SparseAdam` (torch.optim.SparseAdam). */
export interface SparseAdamOptions {
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

const KEYS = new Set(["lr", "betas", "eps", "maximize"]);

function checkOptions(o: SparseAdamOptions): SparseAdamOptions {
  check(o.lr >= 0, "learning rate", o.lr);
  check(o.eps >= 0, "epsilon value", o.eps);
  if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new ValueError("SparseAdam: betas must be a pair of numbers");
  check(o.betas[0] >= 0 && o.betas[0] < 1, "beta parameter at index 0", o.betas[0]);
  check(o.betas[1] >= 0 && o.betas[1] < 1, "beta parameter at index 1", o.betas[1]);
  if (typeof o.maximize !== "boolean") throw new ValueError("SparseAdam: maximize must be a boolean");
  return o;
}

type Floats = Float32Array | Float64Array;

/** The elements of a contiguous tensor that lives in a plain typed array (the cpu and wasm backends), else null. */
function hostArray(t: Tensor): Floats | null {
  const buf = t.storage.buffer;
  if (!(buf instanceof Float32Array || buf instanceof Float64Array) || !t.isContiguous()) return null;
  return buf.subarray(t.offset, t.offset + t.numel());
}

/**
 * Adam for row-sparse gradients, as `torch.optim.SparseAdam`: only the rows a step's gradient touches have their
 * moments and values updated ("lazy" Adam), so a step costs O(rows used) however large the embedding. It reads the
 * gradients of `sparse: true` embeddings (`tg.nn.utils.sparseGrad`); a dense `.grad` is refused, as in PyTorch.
 *
 * @example
 * const emb = new tg.nn.Embedding(50_000, 100, { sparse: true });
 * const opt = new tg.optim.SparseAdam(emb.parameters(), { lr: 1e-3 });
 * opt.zeroGrad();
 * emb(ids).sum().backward();
 * opt.step();
 */
export class SparseAdam extends Optimizer<SparseAdamOptions> {
  constructor(params: ParamsInput<SparseAdamOptions>, options: Partial<SparseAdamOptions> = {}) {
    for (const k of Object.keys(options)) {
      if (!KEYS.has(k)) throw new ValueError(`SparseAdam: unknown option "${k}" (accepted: ${[...KEYS].join(", ")})`);
    }
    super(params, checkOptions({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, maximize: false, ...options }));
  }

  protected override update(): void {
    throw new ValueError("SparseAdam does not support dense gradients, please consider Adam instead (or make the embedding sparse: true)");
  }

  protected override updateSparse(param: Tensor, sparse: SparseGrad, state: ParamState, group: ParamGroup<SparseAdamOptions>): void {
    const grad = sparse.coalesce();
    if (grad.nnz === 0) return;
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = zerosLike(param);
      state.expAvgSq = zerosLike(param);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const { lr, betas, eps, maximize } = group;
    const [beta1, beta2] = betas;
    const stepSize = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    const expAvg = state.expAvg as Tensor;
    const expAvgSq = state.expAvgSq as Tensor;
    const p = hostArray(param);
    const m = hostArray(expAvg);
    const v = hostArray(expAvgSq);
    if (p && m && v) {
      // The rows in place: O(rows used · dim).
      const rows = hostData(grad.indices) as Int32Array;
      const vals = hostData(grad.values) as Floats;
      const dim = grad.shape[1];
      for (let r = 0; r < rows.length; r++) {
        const base = rows[r] * dim;
        const gBase = r * dim;
        for (let d = 0; d < dim; d++) {
          const gi = maximize ? -vals[gBase + d] : vals[gBase + d];
          const i = base + d;
          const mNew = m[i] + (gi - m[i]) * (1 - beta1);
          const vNew = v[i] + (gi * gi - v[i]) * (1 - beta2);
          m[i] = mNew;
          v[i] = vNew;
          p[i] -= (stepSize * mNew) / (Math.sqrt(vNew) + eps);
        }
      }
      for (const t of [param, expAvg, expAvgSq]) t.storage.version++;
      return;
    }
    sparseAdamComposed(param, expAvg, expAvgSq, grad, stepSize, beta1, beta2, eps, maximize);
  }
}

/**
 * The same update composed from tensor ops, for backends whose memory is not a host typed array (each write copies the
 * whole tensor there). Exported for the tests, which check it against the in-place path.
 * @internal
 */
export function sparseAdamComposed(
  param: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  grad: SparseGrad,
  stepSize: number,
  beta1: number,
  beta2: number,
  eps: number,
  maximize: boolean,
): void {
  const idx = grad.indices;
  const g = maximize ? grad.values.neg() : grad.values;
  const at = idx.unsqueeze(1).expand([grad.nnz, grad.shape[1]]);
  const mOld = expAvg.indexSelect(0, idx);
  const mNew = mOld.add(g.sub(mOld).mul(1 - beta1));
  const vOld = expAvgSq.indexSelect(0, idx);
  const vNew = vOld.add(
    g
      .square()
      .sub(vOld)
      .mul(1 - beta2),
  );
  expAvg.copy_(expAvg.scatter(0, at, mNew));
  expAvgSq.copy_(expAvgSq.scatter(0, at, vNew));
  param.copy_(param.scatterAdd(0, at, mNew.div(vNew.sqrt().add(eps)).mul(-stepSize)));
}
