/**
 * tensorgrad utils (`tg.utils`): training helpers. Early stopping, classification metrics, gradient diagnostics,
 * and the overfit-a-tiny-batch sanity check.
 */
export * from "./early_stopping.js";
export * from "./gradients.js";
export * from "./metrics.js";
export * from "./overfit.js";
