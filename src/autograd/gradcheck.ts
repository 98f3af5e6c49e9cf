import { type Args, arg, is, kw, required, signature } from "../args.js";
import { DTypeError, GradcheckError, ShapeError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { randnLike } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { grad, tensorsArg } from "./grad.js";
import { enableGrad, noGrad } from "./grad_mode.js";

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Relative tolerance. */
  rtol?: number;
  /** Throw a `GradcheckError` describing the mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];
type Inputs = Tensor | readonly Tensor[];

const fnArg = required(is.where<Fn>("a function of the inputs", (v) => typeof v === "function"));
const OPTIONS = {
  eps: kw(
    is.numberWhere("a positive number", (v) => v > 0),
    1e-6,
  ),
  atol: kw(
    is.numberWhere("a non-negative number", (v) => v >= 0),
    1e-5,
  ),
  rtol: kw(
    is.numberWhere("a non-negative number", (v) => v >= 0),
    1e-3,
  ),
  raiseException: kw(is.boolean, true),
};
const GRADCHECK = signature("gradcheck", { func: fnArg, inputs: required(tensorsArg), ...OPTIONS });
const GRADGRADCHECK = signature("gradgradcheck", {
  func: fnArg,
  inputs: required(tensorsArg),
  gradOutputs: arg(is.nullable(tensorsArg), null),
  ...OPTIONS,
});
const list = (t: Inputs): Tensor[] => (Array.isArray(t) ? [...t] : [t as Tensor]);

const asList = (out: Tensor | Tensor[]): Tensor[] => (Array.isArray(out) ? out : [out]);

/** The outputs' values flattened into one array, computed without recording. */
function evaluate(fn: Fn, inputs: Tensor[]): number[] {
  return noGrad(() => asList(fn(...inputs)).flatMap((o) => Array.from(o.toArray(), Number)));
}

/**
 * Checks the analytical gradients of `fn` at `inputs` against central finite differences, element by
 * element, with PyTorch's defaults (eps 1e-6, atol 1e-5, rtol 1e-3). Inputs that require grad must be
 * float64: float32 differences are too coarse to tell a wrong gradient from rounding.
 *
 * @example
 * const x = tg.randn([3], { dtype: "float64", requiresGrad: true });
 * tg.autograd.gradcheck((x) => x.tanh().sum(), [x]); // true
 */
export function gradcheck(...args: Args<[func: Fn, inputs: Inputs], GradcheckOptions & { func?: Fn; inputs?: Inputs }>): boolean {
  const { func: fn, inputs: given, eps, atol, rtol, raiseException } = GRADCHECK.parse(args);
  const inputs = list(given);
  try {
    return check(fn, inputs, eps, atol, rtol);
  } catch (e) {
    if (!raiseException && e instanceof GradcheckError) return false;
    throw e;
  }
}

function check(fn: Fn, inputs: Tensor[], eps: number, atol: number, rtol: number): boolean {
  const diff = inputs.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  for (const { t, i } of diff) {
    if (t.dtype !== "float64") {
      throw new DTypeError(`gradcheck: input ${i} requires grad but is ${t.dtype}; use float64 inputs (tensor.double())`);
    }
  }
  const outputs = asList(fn(...inputs));
  const sizes = outputs.map((o) => o.numel());
  const total = sizes.reduce((a, b) => a + b, 0);
  // Analytical Jacobians first (perturbing inputs below bumps their version, which the graph checks).
  const analytical = diff.map(({ t }) => analyticalJacobian(outputs, sizes, total, t));
  diff.forEach(({ t, i }, which) => {
    const numerical = numericalJacobian(fn, inputs, t, eps);
    numerical.forEach((column, e) => {
      column.forEach((num, r) => {
        const a = analytical[which][e][r];
        if (Math.abs(a - num) <= atol + rtol * Math.abs(num)) return;
        const message =
          `gradcheck: Jacobian mismatch for output element ${r} with respect to input ${i}, element ${e}: ` +
          `numerical ${num}, analytical ${a} (|difference| ${Math.abs(a - num)} > atol ${atol} + rtol ${rtol} × |numerical|)`;
        throw new GradcheckError(message);
      });
    });
  });
  return true;
}

/** analytical[e][r] = d output_r / d input_e, one vector-Jacobian product per output element. */
function analyticalJacobian(outputs: Tensor[], sizes: number[], total: number, t: Tensor): number[][] {
  const n = t.numel();
  const jac = Array.from({ length: n }, () => new Array<number>(total).fill(0));
  let row = 0;
  outputs.forEach((o, oi) => {
    for (let k = 0; k < sizes[oi]; k++, row++) {
      if (!o.requiresGrad) continue;
      const seed = new Float64Array(sizes[oi]);
      seed[k] = 1;
      const v = tensor(seed)
        .to(o.dtype)
        .reshape([...o.shape]);
      const g = grad([o], [t], { gradOutputs: [v], retainGraph: true, allowUnused: true })[0];
      const gv = g ? g.toArray() : new Float64Array(n);
      for (let e = 0; e < n; e++) jac[e][row] = gv[e];
    }
  });
  return jac;
}

/** numerical[e][r] by central differences, nudging one element of `t` at a time. */
function numericalJacobian(fn: Fn, inputs: Tensor[], t: Tensor, eps: number): number[][] {
  const values = t.detach().toArray();
  const shape = [...t.shape];
  const setTo = (v: ArrayLike<number>) => noGrad(() => t.detach().copy_(tensor(Float64Array.from(v)).reshape(shape)));
  const columns: number[][] = [];
  for (let e = 0; e < values.length; e++) {
    const orig = values[e];
    const nudged = Float64Array.from(values);
    nudged[e] = orig + eps;
    setTo(nudged);
    const plus = evaluate(fn, inputs);
    nudged[e] = orig - eps;
    setTo(nudged);
    const minus = evaluate(fn, inputs);
    columns.push(plus.map((p, k) => (p - minus[k]) / (2 * eps)));
  }
  setTo(values);
  return columns;
}

/**
 * Checks second derivatives: that the gradient of `fn` (a vector-Jacobian product with `gradOutputs`, random
 * when not given) itself passes `gradcheck`, as `torch.autograd.gradgradcheck(func, inputs, gradOutputs=None, *,
 * eps, atol, rtol, raiseException)`.
 *
 * @example
 * tg.autograd.gradgradcheck((x) => x.pow(3).sum(), [x]);
 */
export function gradgradcheck(
  ...args: Args<
    [func: Fn, inputs: Inputs, gradOutputs: Inputs | null],
    GradcheckOptions & { func?: Fn; inputs?: Inputs; gradOutputs?: Inputs | null }
  >
): boolean {
  const { func: fn, inputs: given, gradOutputs: givenOutputs, ...options } = GRADGRADCHECK.parse(args);
  const inputs = list(given);
  const outputs = asList(fn(...inputs));
  const gradOutputs =
    givenOutputs === null ? outputs.map((o) => randnLike(o, { dtype: "float64" }).requiresGrad_(true)) : list(givenOutputs);
  if (gradOutputs.length !== outputs.length) {
    throw new ShapeError(`gradgradcheck: ${gradOutputs.length} gradOutputs for ${outputs.length} outputs`);
  }
  const diff = inputs.filter((t) => t.requiresGrad);
  // Gradients need a graph even when gradcheck evaluates this function inside noGrad.
  const gradFn = (...args: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const ins = args.slice(0, inputs.length);
      const vs = args.slice(inputs.length);
      const outs = asList(fn(...ins));
      const grads = grad(
        outs,
        ins.filter((t) => t.requiresGrad),
        { gradOutputs: vs, createGraph: true, allowUnused: true },
      );
      return grads.map((g, k) => g ?? diff[k].detach().mul(0));
    });
  return gradcheck(gradFn, [...inputs, ...gradOutputs], options);
}
