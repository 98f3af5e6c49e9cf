import { type Args, arg, is, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type FoldOptions, fold, unfold } from "../functional/fold.js";
import { type Size2, showSize2 } from "../functional/unfold.js";
import { Module } from "../module.js";

const size2 = is.size(2);
const windowParams = {
  dilation: arg(size2, 1 as Size2),
  padding: arg(size2, 0 as Size2),
  stride: arg(size2, 1 as Size2),
};
const UNFOLD = signature("Unfold", { kernelSize: required(size2), ...windowParams });
const FOLD = signature("Fold", { outputSize: required(size2), kernelSize: required(size2), ...windowParams });

const show = (o: Required<FoldOptions>) =>
  `dilation=${showSize2(o.dilation)}, padding=${showSize2(o.padding)}, stride=${showSize2(o.stride)}`;

/** Extracts sliding blocks as columns: (N, C, H, W) → (N, C·kh·kw, L), as torch.nn.Unfold. */
export class Unfold extends Module {
  readonly kernelSize: Size2;
  readonly options: Required<FoldOptions>;
  constructor(kernelSize: Size2, ...rest: Args<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>) {
    super();
    const a = UNFOLD.parse([kernelSize, ...rest]);
    this.kernelSize = a.kernelSize as Size2;
    this.options = { dilation: a.dilation as Size2, padding: a.padding as Size2, stride: a.stride as Size2 };
  }
  forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${showSize2(this.kernelSize)}, ${show(this.options)}`;
  }
}

/** Sums columns back into an image: (N, C·kh·kw, L) → (N, C, H, W), as torch.nn.Fold. */
export class Fold extends Module {
  readonly outputSize: Size2;
  readonly kernelSize: Size2;
  readonly options: Required<FoldOptions>;
  constructor(outputSize: Size2, kernelSize: Size2, ...rest: Args<[dilation: Size2, padding: Size2, stride: Size2], FoldOptions>) {
    super();
    const a = FOLD.parse([outputSize, kernelSize, ...rest]);
    this.outputSize = a.outputSize as Size2;
    this.kernelSize = a.kernelSize as Size2;
    this.options = { dilation: a.dilation as Size2, padding: a.padding as Size2, stride: a.stride as Size2 };
  }
  forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `outputSize=${showSize2(this.outputSize)}, kernelSize=${showSize2(this.kernelSize)}, ${show(this.options)}`;
  }
}
