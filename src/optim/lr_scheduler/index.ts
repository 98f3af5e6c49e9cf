/**
 * Learning-rate schedulers (`tg.optim.lrScheduler`), shaped like `torch.optim.lr_scheduler`: each one sets
 * the `lr` of its optimizer's parameter groups, and the sequences match PyTorch's.
 */
export {
  type AnyOptimizer,
  LRScheduler,
  type SchedulerStateDict,
  type SchedulerStateValue,
} from "./base.js";
export { CosineAnnealingLR } from "./cosine_annealing_lr.js";
export { ExponentialLR } from "./exponential_lr.js";
export { LambdaLR, type LrLambda } from "./lambda_lr.js";
export { LinearLR } from "./linear_lr.js";
export { MultiStepLR, type MultiStepLROptions } from "./multi_step_lr.js";
export { type AnnealStrategy, OneCycleLR, type OneCycleLROptions } from "./one_cycle_lr.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce_lr_on_plateau.js";
export { SequentialLR } from "./sequential_lr.js";
export { StepLR, type StepLROptions } from "./step_lr.js";
