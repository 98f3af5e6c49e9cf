import { type Args, arg, is, required, signature } from "../args.js";
import { AutogradError, ShapeError } from "../errors.js";
import { onesLike } from "../ops/creation.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { runBackward } from "./engine.js";

export interface GradOptions {
  /** The vector of the vector-Jacobian product, one per output; defaults to ones for one-element outputs. */
  gradOutputs?: Tensor | readonly (Tensor | null)[];
  /** Keep the graph for another backward (defaults to `createGraph`). */
  retainGraph?: boolean;
  /** Record the gradient computation, so the returned gradients can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs that the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

type Tensors = Tensor | readonly Tensor[];
type GradOutputs = Tensor | readonly (Tensor | null)[];

/** A Tensor or an array of them (tensors, inputs). */
export const tensorsArg = is.where<Tensors>(
  "a Tensor or an array of Tensors",
  (v) => is.tensor.test(v) || (Array.isArray(v) && v.every(is.tensor.test)),
);
/** gradOutputs / gradTensors: a Tensor, or an array of Tensors and nulls. */
export const gradOutputsArg = is.where<GradOutputs | null>(
  "a Tensor, an array of Tensors (or nulls), or null",
  (v) => v === null || is.tensor.test(v) || (Array.isArray(v) && v.every((g) => g === null || is.tensor.test(g))),
);

const GRAD = signature("grad", {
  outputs: required(tensorsArg),
  inputs: required(tensorsArg),
  gradOutputs: arg(gradOutputsArg, null),
  retainGraph: arg(is.nullable(is.boolean), null),
  createGraph: arg(is.boolean, false),
  onlyInputs: arg(is.only(true, "deprecated in PyTorch and always true"), true),
  allowUnused: arg(is.boolean, false),
  isGradsBatched: arg(is.only(false, "batched gradients are not implemented"), false),
});

function toList<T>(x: T | readonly T[]): T[] {
  return Array.isArray(x) ? [...(x as readonly T[])] : [x as T];
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned rather than accumulated into `.grad`
 * (`torch.autograd.grad`). PyTorch's forms: (outputs, inputs, gradOutputs = null, retainGraph = null, createGraph =
 * false, onlyInputs = true, allowUnused = false), or an options object after any prefix.
 *
 * @example
 * const [dx] = tg.autograd.grad(y, [x], { createGraph: true });
 * const [d2x] = tg.autograd.grad(dx.sum(), [x]); // second derivative
 */
export function grad(
  ...args: Args<
    [
      outputs: Tensors,
      inputs: Tensors,
      gradOutputs: GradOutputs | null,
      retainGraph: boolean | null,
      createGraph: boolean,
      onlyInputs: true,
      allowUnused: boolean,
      isGradsBatched: false,
    ],
    GradOptions & { outputs?: Tensors; inputs?: Tensors; onlyInputs?: true; isGradsBatched?: false }
  >
): (Tensor | null)[] {
  const { outputs, inputs, ...options } = GRAD.parse(args);
  const outs = toList(outputs);
  const ins = toList(inputs);
  const given: readonly (Tensor | null)[] = options.gradOutputs === null ? [] : toList(options.gradOutputs);
  const seeds = outs.map((o, i) => {
    const g = given[i];
    if (g) {
      if (g.shape.length !== o.shape.length || g.shape.some((s, k) => s !== o.shape[k])) {
        throw new ShapeError(`autograd.grad: gradOutputs[${i}] has shape ${fmt(g.shape)} but output ${i} has shape ${fmt(o.shape)}`);
      }
      return g;
    }
    if (o.numel() !== 1) {
      throw new AutogradError(
        `autograd.grad: grad can be implicitly created only for scalar outputs; pass gradOutputs for output ${i} of shape ${fmt(o.shape)}`,
      );
    }
    return onesLike(o);
  });
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new AutogradError(`autograd.grad: input ${i} does not require grad`);
  });
  const result = runBackward(outs, seeds, { retainGraph: options.retainGraph ?? undefined, createGraph: options.createGraph }, ins);
  result.forEach((g, i) => {
    if (g === null && !options.allowUnused) {
      throw new AutogradError(
        `autograd.grad: input ${i} appears to not have been used in the graph; pass {allowUnused: true} if this is expected`,
      );
    }
  });
  return result;
}
