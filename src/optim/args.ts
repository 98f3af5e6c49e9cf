import { arg, is, kw, required } from "../args.js";
import type { ParamsInput } from "./optimizer.js";

// Parameters every optimizer signature shares. The Optimizer base checks `params` itself (with its own messages).

export const params = required(is.any<ParamsInput<never>>("an iterable of tensors or parameter groups"));
export const maximize = kw(is.boolean, false);
export const betas = (dflt: [number, number]) =>
  arg(
    is.where<[number, number]>(
      "an array of two numbers [beta1, beta2]",
      (v) => Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === "number"),
    ),
    dflt,
  );
