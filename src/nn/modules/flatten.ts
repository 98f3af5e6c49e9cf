import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/** Flattens dims startDim..endDim (by default all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `sizes`. */
export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly sizes: readonly number[],
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.sizes);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, sizes=[${this.sizes.join(", ")}]`;
  }
}
