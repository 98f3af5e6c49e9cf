import { type Args, arg, is, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/** Flattens dims startDim..endDim (by default all but the batch dim). */
const FLATTEN = signature("Flatten", { startDim: arg(is.int, 1), endDim: arg(is.int, -1) });
const UNFLATTEN = signature("Unflatten", { dim: required(is.int), unflattenedSize: required(is.ints) });

export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(...args: Args<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>) {
    super();
    const a = FLATTEN.parse(args);
    this.startDim = a.startDim;
    this.endDim = a.endDim;
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
  readonly dim: number;
  readonly sizes: readonly number[];
  /** `unflattenedSize` is PyTorch's name for the sizes. */
  constructor(dim: number, sizes: readonly number[], ...rest: [] | [options: Record<string, never>]) {
    super();
    const a = UNFLATTEN.parse([dim, sizes, ...rest]);
    this.dim = a.dim;
    this.sizes = a.unflattenedSize;
  }
  forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.sizes);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, sizes=[${this.sizes.join(", ")}]`;
  }
}
