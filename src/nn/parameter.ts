import { Tensor } from "../tensor/tensor.js";

/**
 * A tensor that a `Module` owns as a learnable weight: a leaf that requires grad (unless told not to),
 * found by `parameters()` when assigned to a module's field.
 *
 * @example
 * this.scale = new tg.nn.Parameter(tg.ones([4]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const d = data.detach();
    super(d.storage, d.shape, d.strides, d.offset, null);
    this.requiresGrad_(requiresGrad);
  }
}
