import type { Tensor } from "../tensor/tensor.js";

// The strong-Wolfe line search of torch.optim.LBFGS (after minFunc's WolfeLineSearch), step for step: a bracketing
// phase that grows the step by cubic interpolation until the Wolfe conditions hold or a bracket is found, then a
// zoom phase that shrinks the bracket. Scalars are numbers; gradients are flat tensors. Internal to `LBFGS`.

/** The loss and flat gradient at `x + t · d` (the parameters are put back to `x` afterwards). */
export type DirectionalEvaluate = (t: number, d: Tensor) => [loss: number, flatGrad: Tensor];

/** What the line search found: the step `t`, the loss and gradient there, and how many evaluations it took. */
export interface LineSearchResult {
  loss: number;
  flatGrad: Tensor;
  t: number;
  funcEvals: number;
}

const dot = (a: Tensor, b: Tensor): number => a.dot(b).item();

/**
 * The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to `bounds` (by default
 * the interval between x1 and x2); the middle of the bounds when the cubic has no minimum.
 */
export function cubicInterpolate(
  x1: number,
  f1: number,
  g1: number,
  x2: number,
  f2: number,
  g2: number,
  bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos =
      x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * Searches along `d` from the current point (loss `f`, gradient `g`, directional derivative `gtd`) starting at step
 * `t`, for a step satisfying the strong Wolfe conditions (sufficient decrease `c1`, curvature `c2`), in at most `maxLs`
 * evaluations, as PyTorch's `_strong_wolfe`.
 */
export function strongWolfe(
  objFunc: DirectionalEvaluate,
  t0: number,
  d: Tensor,
  f: number,
  g0: Tensor,
  gtd: number,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): LineSearchResult {
  let t = t0;
  const dNorm = d.abs().max().item();
  const g = g0.clone();
  let [fNew, gNew] = objFunc(t, d);
  let lsFuncEvals = 1;
  let gtdNew = dot(gNew, d);

  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    // The Armijo condition fails, or the loss went up: the minimum is bracketed by the last two steps.
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew.clone()],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, gNew.clone()],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    // Extrapolate: a cubic step between 1.01 t − 0.01 tPrev and 10 t.
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(t, d);
    lsFuncEvals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  // Zoom: shrink the bracket until a point satisfies the Wolfe conditions or it can't shrink any more.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    // When t is within 10% of the bracket's ends, move it 10% in (after one such step that made too little progress).
    const hi = Math.max(...bracket);
    const lo = Math.min(...bracket);
    const eps = 0.1 * (hi - lo);
    if (Math.min(hi - t, t - lo) < eps) {
      if (insufProgress || t >= hi || t <= lo) {
        t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = objFunc(t, d);
    lsFuncEvals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.clone();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.clone();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return { loss: bracketF[lowPos], flatGrad: bracketG[lowPos], t: bracket[lowPos], funcEvals: lsFuncEvals };
}
