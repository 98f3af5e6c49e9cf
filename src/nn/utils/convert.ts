import { type Args, is, required, signature } from "../../args.js";
import { noGrad } from "../../autograd/grad_mode.js";
import { ArgumentError, ShapeError } from "../../errors.js";
import { cat } from "../../ops/join.js";
import { fmt } from "../../shape.js";
import { Tensor } from "../../tensor/tensor.js";

// torch.nn.utils.parameters_to_vector / vector_to_parameters: all parameters as one flat vector, and back.

type Params = Iterable<Tensor>;
const iterable = is.where<Params>(
  "an iterable of Tensors",
  (v) => v !== null && typeof v === "object" && !(v instanceof Tensor) && typeof (v as Params)[Symbol.iterator] === "function",
);
const TO_VECTOR = signature("parametersToVector", { parameters: required(iterable) });
const FROM_VECTOR = signature("vectorToParameters", { vec: required(is.tensor), parameters: required(iterable) });

function tensors(parameters: Params, fn: string): Tensor[] {
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ArgumentError(fn, "parameters", "Tensors", `${fn}: parameters[${i}] is not a Tensor`);
  });
  return list;
}

/**
 * The parameters flattened and concatenated into one 1-D tensor, in order (torch.nn.utils.parameters_to_vector);
 * differentiable, as PyTorch's.
 *
 * @example
 * const v = tg.nn.utils.parametersToVector(model.parameters()); // [numel of all parameters]
 */
export function parametersToVector(...args: Args<[parameters: Params], { parameters?: Params }>): Tensor {
  const list = tensors(TO_VECTOR.parse(args).parameters, "parametersToVector");
  if (list.length === 0) throw new ShapeError("parametersToVector: no parameters (torch.cat of an empty list)");
  const device = list[0].device;
  for (const p of list) {
    if (p.device !== device) {
      throw new ArgumentError(
        "parametersToVector",
        "parameters",
        "tensors on one device",
        `parametersToVector: parameters on ${device} and ${p.device}`,
      );
    }
  }
  return cat(list.map((p) => p.reshape([-1])));
}

/**
 * Copies consecutive slices of the 1-D `vec` into the parameters, in order (torch.nn.utils.vector_to_parameters):
 * each parameter's data is replaced in place, outside autograd. `vec` must hold exactly their total number of elements.
 *
 * @example
 * tg.nn.utils.vectorToParameters(v, model.parameters());
 */
export function vectorToParameters(...args: Args<[vec: Tensor, parameters: Params], { vec?: Tensor; parameters?: Params }>): void {
  const a = FROM_VECTOR.parse(args);
  const vec = a.vec;
  if (vec.ndim !== 1) throw new ShapeError(`vectorToParameters: expected vec to be a 1-D tensor, got shape ${fmt(vec.shape)}`);
  const list = tensors(a.parameters, "vectorToParameters");
  const total = list.reduce((n, p) => n + p.numel(), 0);
  if (total !== vec.shape[0]) {
    throw new ShapeError(`vectorToParameters: vec has ${vec.shape[0]} elements but the parameters have ${total}`);
  }
  noGrad(() => {
    let offset = 0;
    for (const p of list) {
      const n = p.numel();
      p.copy_(vec.narrow(0, offset, n).reshape([...p.shape]));
      offset += n;
    }
  });
}
