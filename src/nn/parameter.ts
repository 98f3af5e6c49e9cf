import { type Args, arg, is, required, signature } from "../args.js";
import { Tensor } from "../tensor/tensor.js";

const PARAMETER = signature("Parameter", { data: required(is.tensor), requiresGrad: arg(is.boolean, true) });

/**
 * A tensor that a `Module` owns as a learnable weight: a leaf that requires grad (unless told not to),
 * found by `parameters()` when assigned to a module's field.
 *
 * @example
 * this.scale = new tg.nn.Parameter(tg.ones([4]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, ...rest: Args<[requiresGrad: boolean], { requiresGrad?: boolean }>) {
    const a = PARAMETER.parse([data, ...rest]);
    const d = a.data.detach();
    super(d.storage, d.shape, d.strides, d.offset, null);
    this.requiresGrad_(a.requiresGrad);
  }
}
