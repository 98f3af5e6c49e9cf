export { backward } from "./backward.js";
export { AccumulateGrad, detectAnomaly, isAnomalyEnabled, isGradEnabled, Node } from "./forms.js";
export { Function, FunctionCtx } from "./function.js";
export { type GradOptions, grad } from "./grad.js";
export { enableGrad, noGrad, setGradEnabled } from "./grad_mode.js";
export { type GradcheckOptions, gradcheck, gradgradcheck } from "./gradcheck.js";
export type { Edge, GradHook } from "./node.js";
