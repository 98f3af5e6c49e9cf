/**
 * tensorgrad utils (`tg.utils`): training helpers. Early stopping, classification metrics, gradient diagnostics,
 * and the overfit-a-tiny-batch sanity check.
 */
export * from "./early_stopping.js";
// Behind the argument rule (src/utils/forms.ts); these names shadow the star exports' originals.
export {
  accuracy,
  checkGradients,
  checkGradientsAsync,
  confusionMatrix,
  EarlyStopping,
  gradientNorms,
  overfitCheck,
  precisionRecallF1,
} from "./forms.js";
export * from "./gradients.js";
export * from "./metrics.js";
export * from "./overfit.js";
