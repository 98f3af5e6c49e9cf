import { type Args, arg, is, required, signature } from "../args.js";
import { AutogradError, ShapeError } from "../errors.js";
import { onesLike } from "../ops/creation.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { runBackward } from "./engine.js";
import { gradOutputsArg, tensorsArg } from "./grad.js";

type Tensors = Tensor | readonly Tensor[];
type GradTensors = Tensor | readonly (Tensor | null)[];

const BACKWARD = signature("backward", {
  tensors: required(tensorsArg),
  gradTensors: arg(gradOutputsArg, null),
  retainGraph: arg(is.nullable(is.boolean), null),
  createGraph: arg(is.boolean, false),
  gradVariables: arg(is.only(null, "deprecated in PyTorch: use gradTensors"), null),
  inputs: arg(is.only(null, "accumulating into a subset of the leaves is not implemented"), null),
});

/**
 * Accumulates into every leaf's `.grad` the sum of the gradients of `tensors`, each weighted by its `gradTensors`
 * entry (ones for a one-element tensor when absent), as `torch.autograd.backward(tensors, grad_tensors=None,
 * retain_graph=None, create_graph=False)`: one backward pass for all of them.
 *
 * @example
 * tg.autograd.backward([loss1, loss2]); // as (loss1 + loss2).backward()
 * tg.autograd.backward(y, tg.onesLike(y), true); // retainGraph positionally
 */
export function backward(
  ...args: Args<
    [
      tensors: Tensors,
      gradTensors: GradTensors | null,
      retainGraph: boolean | null,
      createGraph: boolean,
      gradVariables: null,
      inputs: null,
    ],
    {
      tensors?: Tensors;
      gradTensors?: GradTensors | null;
      retainGraph?: boolean | null;
      createGraph?: boolean;
      gradVariables?: null;
      inputs?: null;
    }
  >
): void {
  const a = BACKWARD.parse(args);
  const roots: Tensor[] = Array.isArray(a.tensors) ? [...(a.tensors as readonly Tensor[])] : [a.tensors as Tensor];
  const given: readonly (Tensor | null)[] =
    a.gradTensors === null ? [] : Array.isArray(a.gradTensors) ? (a.gradTensors as readonly (Tensor | null)[]) : [a.gradTensors as Tensor];
  if (given.length > 0 && given.length !== roots.length) {
    throw new ShapeError(`backward: got ${given.length} gradTensors for ${roots.length} tensors`);
  }
  const seeds = roots.map((t, i) => {
    const g = given[i];
    if (g) {
      if (g.shape.length !== t.shape.length || g.shape.some((s, k) => s !== t.shape[k])) {
        throw new ShapeError(`backward: gradTensors[${i}] has shape ${fmt(g.shape)} but tensors[${i}] has shape ${fmt(t.shape)}`);
      }
      return g;
    }
    if (t.numel() !== 1) {
      throw new AutogradError(
        `backward: grad can be implicitly created only for scalar outputs; pass gradTensors for tensors[${i}] of shape ${fmt(t.shape)}`,
      );
    }
    return onesLike(t);
  });
  runBackward(roots, seeds, { retainGraph: a.retainGraph ?? undefined, createGraph: a.createGraph });
}
