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

// PyTorch 2's implementation switches that tensorgrad accepts only at their default (the one path it runs): a
// non-default value throws an ArgumentError saying it is not implemented, rather than being ignored.

/** `foreach` (multi-tensor kernels): null or false, the single-tensor path. */
export const foreachType = is.where<null | false>(
  "null or false (foreach=true, PyTorch's multi-tensor kernels, is not implemented)",
  (v) => v === null || v === false,
);
/** `capturable` (CUDA graph capture): false only. */
export const capturableType = is.only(false, "capturable=true, CUDA graph capture, is not implemented");
/** `differentiable` (autograd through the step): false only. */
export const differentiableType = is.only(false, "differentiable=true, autograd through the update, is not implemented");
/** A pair of numbers (Rprop's etas and stepSizes). */
export const pair = (what: string, dflt: [number, number]) =>
  arg(
    is.where<[number, number]>(
      `an array of two numbers ${what}`,
      (v) => Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === "number"),
    ),
    dflt,
  );
