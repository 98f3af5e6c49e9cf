import { arg, is, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";

// The losses' signatures in PyTorch's order (torch.nn.functional), shared by the functions and, without (input,
// target), by the loss modules' constructors. PyTorch's deprecated sizeAverage and reduce take their place
// positionally and accept only null: use `reduction`.

const io = { input: required(is.tensor), target: required(is.tensor) };
const legacy = (name: string) => arg(is.only(null, `${name} is deprecated in PyTorch; use reduction`), null);
const sizeAverage = legacy("sizeAverage");
const reduce = legacy("reduce");
const reduction = arg(is.oneOf("mean", "sum", "none"), "mean");
const weight = arg(is.nullable(is.tensor), null as Tensor | null);

export const MSE_LOSS = signature("mseLoss", { ...io, sizeAverage, reduce, reduction });
export const L1_LOSS = signature("l1Loss", { ...io, sizeAverage, reduce, reduction });
export const HUBER_LOSS = signature("huberLoss", { ...io, reduction, delta: arg(is.number, 1) });
export const SMOOTH_L1_LOSS = signature("smoothL1Loss", { ...io, sizeAverage, reduce, reduction, beta: arg(is.number, 1) });
export const NLL_LOSS = signature("nllLoss", { ...io, weight, sizeAverage, ignoreIndex: arg(is.int, -100), reduce, reduction });
export const CROSS_ENTROPY = signature("crossEntropy", {
  ...io,
  weight,
  sizeAverage,
  ignoreIndex: arg(is.int, -100),
  reduce,
  reduction,
  labelSmoothing: arg(is.number, 0),
});
export const BCE = signature("binaryCrossEntropy", { ...io, weight, sizeAverage, reduce, reduction });
export const BCE_WITH_LOGITS = signature("binaryCrossEntropyWithLogits", {
  ...io,
  weight,
  sizeAverage,
  reduce,
  reduction,
  posWeight: arg(is.nullable(is.tensor), null as Tensor | null),
});
export const KL_DIV = signature("klDiv", {
  ...io,
  sizeAverage,
  reduce,
  reduction: arg(is.oneOf("mean", "sum", "none", "batchmean"), "mean"),
  logTarget: arg(is.boolean, false),
});
