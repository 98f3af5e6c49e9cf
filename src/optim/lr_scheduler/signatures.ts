import { type ArgType, arg, is, required, signature } from "../../args.js";
import type { LRScheduler } from "./base.js";

// The schedulers' arguments after the optimizer, in PyTorch's order (torch/optim/lr_scheduler.py): each constructor
// takes them positionally and then an options object, read by `Signature.parse`, so an unknown option or one
// argument too many throws an ArgumentError. Values are checked further by each scheduler (ranges, group counts).

/** Optional, with no default (the scheduler decides from the other arguments). */
const maybe = <T>(t: ArgType<T>) => arg(t as ArgType<T | undefined>, undefined);
const lastEpoch = () =>
  arg(
    is.where<number>("an integer >= -1", (v) => Number.isInteger(v) && (v as number) >= -1),
    -1,
  );
const numberOrList = is.where<number | readonly number[]>(
  "a number or an array of numbers (one per parameter group)",
  (v) => typeof v === "number" || (Array.isArray(v) && v.every((x) => typeof x === "number")),
);

export const STEP_LR = signature("StepLR", { stepSize: required(is.int), gamma: arg(is.number, 0.1), lastEpoch: lastEpoch() });
export const MULTI_STEP_LR = signature("MultiStepLR", {
  milestones: required(is.any<Iterable<number>>("an iterable of non-negative integers")),
  gamma: arg(is.number, 0.1),
  lastEpoch: lastEpoch(),
});
export const EXPONENTIAL_LR = signature("ExponentialLR", { gamma: required(is.number), lastEpoch: lastEpoch() });
export const COSINE_ANNEALING_LR = signature("CosineAnnealingLR", {
  tMax: required(is.int),
  etaMin: arg(is.number, 0),
  lastEpoch: lastEpoch(),
});
export const LINEAR_LR = signature("LinearLR", {
  startFactor: arg(is.number, 1 / 3),
  endFactor: arg(is.number, 1),
  totalIters: arg(is.int, 5),
  lastEpoch: lastEpoch(),
});
export const LAMBDA_LR = signature("LambdaLR", {
  lrLambda: required(
    is.where<((epoch: number) => number) | readonly ((epoch: number) => number)[]>(
      "a function of the epoch or an array of them (one per parameter group)",
      (v) => typeof v === "function" || Array.isArray(v),
    ),
  ),
  lastEpoch: lastEpoch(),
});
export const SEQUENTIAL_LR = signature("SequentialLR", {
  schedulers: required(is.where<readonly LRScheduler[]>("an array of schedulers", Array.isArray)),
  milestones: required(is.ints),
  lastEpoch: lastEpoch(),
});
export const ONE_CYCLE_LR = signature("OneCycleLR", {
  maxLr: required(numberOrList),
  totalSteps: maybe(is.nullable(is.int)),
  epochs: maybe(is.nullable(is.int)),
  stepsPerEpoch: maybe(is.nullable(is.int)),
  pctStart: arg(is.number, 0.3),
  annealStrategy: arg(is.oneOf("cos", "linear"), "cos"),
  // PyTorch defaults it to true and refuses an optimizer without momentum; here it follows the optimizer.
  cycleMomentum: maybe(is.boolean),
  baseMomentum: arg(numberOrList, 0.85),
  maxMomentum: arg(numberOrList, 0.95),
  divFactor: arg(is.number, 25),
  finalDivFactor: arg(is.number, 1e4),
  threePhase: arg(is.boolean, false),
  lastEpoch: lastEpoch(),
});
export const REDUCE_LR_ON_PLATEAU = signature("ReduceLROnPlateau", {
  // mode and thresholdMode: the scheduler names a wrong one itself
  mode: arg(is.string as ArgType<"min" | "max">, "min"),
  factor: arg(is.number, 0.1),
  patience: arg(is.int, 10),
  threshold: arg(is.number, 1e-4),
  thresholdMode: arg(is.string as ArgType<"rel" | "abs">, "rel"),
  cooldown: arg(is.int, 0),
  minLr: arg(numberOrList, 0),
  eps: arg(is.number, 1e-8),
});
