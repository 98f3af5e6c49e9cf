export { Function, FunctionCtx } from "./function.js";
export { type GradOptions, grad } from "./grad.js";
export { detectAnomaly, enableGrad, isAnomalyEnabled, isGradEnabled, noGrad, setGradEnabled } from "./grad_mode.js";
export { type GradcheckOptions, gradcheck, gradgradcheck } from "./gradcheck.js";
export { AccumulateGrad, type Edge, type GradHook, Node } from "./node.js";
