import { type Args, arg, is, signature } from "../args.js";
import { installCallForms } from "../arity.js";
import { enableGrad, noGrad } from "../autograd/grad_mode.js";
import { ValueError } from "../errors.js";
import { sparseGrad } from "../nn/sparse_grad.js";
import { zerosLike } from "../ops/creation.js";
import { cat, stack } from "../ops/join.js";
import { Tensor } from "../tensor/tensor.js";
import { params as paramsArg } from "./args.js";
import { strongWolfe } from "./lbfgs_line_search.js";
import { check } from "./ops.js";
import { Optimizer, type OptimizerStateDict, type ParamsInput } from "./optimizer.js";

/** Hyperparameters of `LBFGS` (torch.optim.LBFGS). */
export interface LBFGSOptions {
  /** The step length (the first iteration's is min(1, 1/‖g‖₁) · lr). */
  lr: number;
  /** Iterations per `step()`. */
  maxIter: number;
  /** Closure evaluations per `step()` (PyTorch's default: maxIter · 5 / 4, rounded down). */
  maxEval: number;
  /** Stop when every gradient element is at most this in magnitude. */
  toleranceGrad: number;
  /** Stop when the loss or the step changes by less than this. */
  toleranceChange: number;
  /** How many (step, gradient-change) pairs the inverse-Hessian estimate keeps. */
  historySize: number;
  /** "strong_wolfe" for a line search satisfying the strong Wolfe conditions; null for fixed steps of lr. */
  lineSearchFn: "strong_wolfe" | null;
}

const LBFGS_ARGS = signature("LBFGS", {
  params: paramsArg,
  lr: arg(is.number, 1),
  maxIter: arg(is.posInt, 20),
  maxEval: arg(is.nullable(is.posInt), null),
  toleranceGrad: arg(is.number, 1e-7),
  toleranceChange: arg(is.number, 1e-9),
  historySize: arg(is.posInt, 100),
  lineSearchFn: arg(is.oneOf(null, "strong_wolfe"), null),
});

/** What `LBFGS.step` takes: zeroes the gradients, computes the loss, calls `backward()` and returns the loss. */
export type LBFGSClosure = () => number | Tensor;

const dot = (a: Tensor, b: Tensor): number => a.dot(b).item();
const maxAbs = (t: Tensor): number => t.abs().max().item();

/**
 * L-BFGS, as `torch.optim.LBFGS` (after minFunc): each `step(closure)` runs up to `maxIter` quasi-Newton iterations,
 * the direction from the last `historySize` (step, gradient-change) pairs by the two-loop recursion, with fixed steps
 * of `lr` or a strong-Wolfe line search. It re-evaluates the loss through the closure, which `step` requires. One
 * parameter group only (as in PyTorch); all parameters are treated as one flat vector. Its state (`d`, `t`, `oldDirs`,
 * `oldStps`, `hDiag`, `prevFlatGrad`, `prevLoss`, `funcEvals`, `nIter`) sits under the first parameter.
 *
 * @example
 * const opt = new tg.optim.LBFGS(model.parameters(), { lineSearchFn: "strong_wolfe" });
 * const closure = () => {
 *   opt.zeroGrad();
 *   const loss = lossFn(model(x), y);
 *   loss.backward();
 *   return loss.item();
 * };
 * for (let i = 0; i < 10; i++) opt.step(closure);
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  /** The stored (gradient change y, step s, 1 / yᵀs) pairs, oldest first. */
  private oldDirs: Tensor[] = [];
  private oldStps: Tensor[] = [];
  private ro: number[] = [];

  /**
   * PyTorch's `LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
   * history_size=100, line_search_fn=None)`.
   */
  constructor(
    params: ParamsInput<LBFGSOptions>,
    ...rest: Args<
      [
        lr: number,
        maxIter: number,
        maxEval: number | null,
        toleranceGrad: number,
        toleranceChange: number,
        historySize: number,
        lineSearchFn: "strong_wolfe" | null,
      ],
      Partial<Omit<LBFGSOptions, "maxEval">> & { maxEval?: number | null }
    >
  ) {
    const { params: _, ...o } = LBFGS_ARGS.parse([params, ...rest]);
    check(o.lr >= 0, "learning rate", o.lr);
    super(params, { ...o, maxEval: o.maxEval ?? Math.floor((o.maxIter * 5) / 4) });
  }

  /** LBFGS keeps one parameter group: a second one throws, as in PyTorch. */
  override addParamGroup(group: Partial<LBFGSOptions> & { params: Iterable<Tensor> }): void {
    if (this.paramGroups.length > 0) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  protected override update(): void {
    throw new ValueError("LBFGS updates all parameters together in step(closure)");
  }

  private get params(): Tensor[] {
    return this.paramGroups[0].params;
  }

  /** Every parameter's gradient (zeros where it has none) in one flat vector. */
  private gatherFlatGrad(): Tensor {
    const views = this.params.map((p) => {
      const sparse = sparseGrad(p);
      let g = p.grad ?? (sparse ? sparse.toDense() : zerosLike(p));
      if (p.grad && sparse) g = g.add(sparse.toDense());
      return g.reshape(-1);
    });
    return views.length === 1 ? views[0].clone() : cat(views, 0);
  }

  /** Adds `stepSize · update` to the parameters, `update` being flat. */
  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).reshape(p.shape), { alpha: stepSize });
      offset += n;
    }
  }

  /**
   * Runs up to `maxIter` iterations and returns the loss the closure gave first (before any change), as PyTorch.
   * Throws without a closure.
   */
  override step(closure?: LBFGSClosure): number {
    if (typeof closure !== "function") {
      throw new ValueError(
        "LBFGS.step needs a closure that zeroes the gradients, computes the loss, calls backward() and returns the loss",
      );
    }
    const evaluate = (): number => {
      const loss = enableGrad(closure);
      return loss instanceof Tensor ? loss.item() : loss;
    };
    return noGrad(() => this.run(evaluate));
  }

  private run(evaluate: () => number): number {
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = this.paramGroups[0];
    const first = this.params[0];
    let state = this.state.get(first);
    if (!state) {
      state = {};
      this.state.set(first, state);
    }
    const st = state;
    const count = (key: "funcEvals" | "nIter", by: number) => {
      st[key] = ((st[key] as number | undefined) ?? 0) + by;
      return st[key] as number;
    };
    const origLoss = evaluate();
    let loss = origLoss;
    let currentEvals = 1;
    count("funcEvals", 1);
    let flatGrad = this.gatherFlatGrad();
    let optCond = maxAbs(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    let d = st.d as Tensor | undefined;
    let t = st.t as number | undefined;
    let hDiag = (st.hDiag as number | undefined) ?? 1;
    let prevFlatGrad = st.prevFlatGrad as Tensor | undefined;
    let prevLoss = st.prevLoss as number | undefined;
    const { oldDirs, oldStps, ro } = this;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      if (count("nIter", 1) === 1 || d === undefined || t === undefined || prevFlatGrad === undefined) {
        d = flatGrad.neg();
        oldDirs.length = 0;
        oldStps.length = 0;
        ro.length = 0;
        hDiag = 1;
      } else {
        // Two-loop recursion: d = −H·g with H the L-BFGS inverse-Hessian estimate from the stored pairs.
        const y = flatGrad.sub(prevFlatGrad);
        const s = d.mul(t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        const al: number[] = new Array(oldDirs.length);
        const q = flatGrad.neg();
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i], q) * ro[i];
          q.add_(oldDirs[i], { alpha: -al[i] });
        }
        const r = q.mul(hDiag);
        for (let i = 0; i < oldDirs.length; i++) {
          const beI = dot(oldDirs[i], r) * ro[i];
          r.add_(oldStps[i], { alpha: al[i] - beI });
        }
        d = r;
      }
      if (prevFlatGrad === undefined) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;
      t = st.nIter === 1 ? Math.min(1, 1 / flatGrad.abs().sum().item()) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -toleranceChange) break; // not a descent direction

      let lsFuncEvals = 0;
      if (lineSearchFn === "strong_wolfe") {
        const xInit = this.params.map((p) => p.clone());
        const dir = d;
        const objFunc = (step: number, dd: Tensor): [number, Tensor] => {
          this.addGrad(step, dd);
          const l = evaluate();
          const g = this.gatherFlatGrad();
          for (const [i, p] of this.params.entries()) p.copy_(xInit[i]);
          return [l, g];
        };
        const found = strongWolfe(objFunc, t, dir, loss, flatGrad, gtd);
        ({ loss, flatGrad, t } = found);
        lsFuncEvals = found.funcEvals;
        this.addGrad(t, d);
        optCond = maxAbs(flatGrad) <= toleranceGrad;
      } else {
        this.addGrad(t, d);
        if (nIter !== maxIter) {
          // Re-evaluate only when another iteration follows (the last one's loss would go unused).
          loss = evaluate();
          flatGrad = this.gatherFlatGrad();
          optCond = maxAbs(flatGrad) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      count("funcEvals", lsFuncEvals);
      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (maxAbs(d.mul(t)) <= toleranceChange) break; // the step is too small
      if (Math.abs(loss - prevLoss) < toleranceChange) break; // the loss stopped changing
    }
    Object.assign(st, { d, t, hDiag, prevFlatGrad, prevLoss });
    return origLoss;
  }

  /** The state dict, with the history stacked as `oldDirs` and `oldStps` ([k, n] tensors) under the first parameter. */
  override stateDict(): OptimizerStateDict<LBFGSOptions> {
    const sd = super.stateDict();
    const own = sd.state[0];
    if (own && this.oldDirs.length > 0) {
      own.oldDirs = stack(this.oldDirs);
      own.oldStps = stack(this.oldStps);
    }
    return sd;
  }

  /** Restores a state dict saved by `stateDict` (1 / yᵀs is recomputed from the stored pairs). */
  override loadStateDict(sd: OptimizerStateDict<LBFGSOptions>): void {
    super.loadStateDict(sd);
    const state = this.state.get(this.params[0]);
    const dirs = state?.oldDirs;
    const stps = state?.oldStps;
    this.oldDirs = dirs instanceof Tensor ? dirs.unbind(0).map((r) => r.clone()) : [];
    this.oldStps = stps instanceof Tensor ? stps.unbind(0).map((r) => r.clone()) : [];
    if (this.oldDirs.length !== this.oldStps.length) {
      throw new ValueError(`LBFGS.loadStateDict: oldDirs holds ${this.oldDirs.length} pairs but oldStps ${this.oldStps.length}`);
    }
    this.ro = this.oldDirs.map((y, i) => 1 / dot(y, this.oldStps[i]));
    if (state) {
      delete state.oldDirs;
      delete state.oldStps;
    }
  }
}

installCallForms(LBFGS.prototype, { addParamGroup: "paramGroup", step: "closure", stateDict: "", loadStateDict: "stateDict" });
