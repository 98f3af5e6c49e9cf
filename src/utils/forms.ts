import { installCallForms, withCallForms, withConstructorForm } from "../arity.js";
import * as ES from "./early_stopping.js";
import * as G from "./gradients.js";
import * as M from "./metrics.js";
import * as O from "./overfit.js";

// tg.utils as exported: an extra positional argument or an unknown option throws an ArgumentError (src/arity.ts).

export const EarlyStopping = withConstructorForm("EarlyStopping", ES.EarlyStopping, "; patience, minDelta, mode, restoreBestWeights");
export type EarlyStopping = ES.EarlyStopping;
export const { checkGradients, checkGradientsAsync, gradientNorms } = withCallForms(G, {
  checkGradients: "model; vanishThreshold",
  checkGradientsAsync: "model; vanishThreshold",
  gradientNorms: "model, norm",
});
export const { accuracy, confusionMatrix, precisionRecallF1 } = withCallForms(M, {
  accuracy: "preds, targets",
  confusionMatrix: "preds, targets, numClasses",
  precisionRecallF1: "preds, targets, numClasses",
});
export const { overfitCheck } = withCallForms(O, {
  overfitCheck: "; model, lossFn, inputs, targets, lr, steps, optimizer, lossRatio, restoreWeights",
});
installCallForms(ES.EarlyStopping.prototype, { isImprovement: "metric", step: "metric, model", restore: "model", reset: "" });
