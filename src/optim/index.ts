/**
 * tensorgrad/optim (also `tg.optim`): optimizers shaped like torch.optim. Each takes parameters (or
 * parameter groups with their own options), and `step()` updates them from their `.grad`.
 *
 * @example
 * const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
 * for (const [x, y] of batches) {
 *   opt.zeroGrad();
 *   lossFn(model(x), y).backward();
 *   opt.step();
 * }
 */
export { Adadelta, type AdadeltaOptions } from "./adadelta.js";
export { Adagrad, type AdagradOptions } from "./adagrad.js";
export { Adam, type AdamOptions } from "./adam.js";
export { Adamax, type AdamaxOptions } from "./adamax.js";
export { AdamW } from "./adamw.js";
export { ASGD, type ASGDOptions } from "./asgd.js";
export { LBFGS, type LBFGSClosure, type LBFGSOptions } from "./lbfgs.js";
export * as lrScheduler from "./lr_scheduler/index.js";
export { NAdam, type NAdamOptions } from "./nadam.js";
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamState, type ParamsInput } from "./optimizer.js";
export { RAdam, type RAdamOptions } from "./radam.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Rprop, type RpropOptions } from "./rprop.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { SparseAdam, type SparseAdamOptions } from "./sparse_adam.js";
