import { withCallForms, withConstructorForm } from "../arity.js";
import * as GM from "./grad_mode.js";
import * as N from "./node.js";

// tg.autograd's graph classes and flag readers as exported: an extra argument throws an ArgumentError (src/arity.ts).
// grad, backward, gradcheck and gradgradcheck read their arguments with a Signature; noGrad, enableGrad and
// setGradEnabled check theirs where they are defined. Function is subclassed and its static apply hands its
// arguments to forward (variadic, as in PyTorch); apply makes the FunctionCtx.

export const Node = withConstructorForm("Node", N.Node, "name, inputs, backward, saved, single");
export type Node = N.Node;
export const AccumulateGrad = withConstructorForm("AccumulateGrad", N.AccumulateGrad, "variable");
export type AccumulateGrad = N.AccumulateGrad;
export const { detectAnomaly, isAnomalyEnabled, isGradEnabled } = withCallForms(GM, {
  detectAnomaly: "fn",
  isAnomalyEnabled: "",
  isGradEnabled: "",
});
