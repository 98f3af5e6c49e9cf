import { arg, is, kw, required, signature } from "../../args.js";
import type { BatchNormModuleOptions } from "./batchnorm.js";

/** BatchNorm's and InstanceNorm's positional parameters after numFeatures, as PyTorch orders them. */
export type NormRest = [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean];

/**
 * Reads a BatchNorm/InstanceNorm constructor's arguments (PyTorch's `_NormBase` signature) with the layer's defaults.
 */
export function parseNormArgs(
  layer: string,
  args: readonly unknown[],
  defaults: { affine: boolean; trackRunningStats: boolean },
): { numFeatures: number; options: Required<BatchNormModuleOptions> } {
  const a = signature(layer, {
    numFeatures: required(is.posInt),
    eps: arg(
      is.numberWhere("a non-negative number", (v) => v >= 0),
      1e-5,
    ),
    momentum: arg(is.nullable(is.number), 0.1 as number | null),
    affine: arg(is.boolean, defaults.affine),
    trackRunningStats: arg(is.boolean, defaults.trackRunningStats),
    dtype: kw(is.floatDType, "float32"),
  }).parse(args);
  const { numFeatures, ...options } = a;
  return { numFeatures, options };
}
