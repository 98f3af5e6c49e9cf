// tg.nn.functional: the math behind the modules, one file per family.
export * from "./activation.js";
export * from "./linear.js";
export { oneHot, pad } from "../../ops/join.js";
export * from "./conv.js";
export * from "./pooling.js";
export { type Size2, unfold } from "./unfold.js";
export * from "./dropout.js";
