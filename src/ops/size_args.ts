import { type ArgType, checkOptions, describe, is, isOptionsObject } from "../args.js";
import { ArgumentError } from "../errors.js";

/**
 * The arguments of a creation op that takes a size, as PyTorch's: the sizes as separate numbers (`zeros(2, 3)`) or
 * one array (`zeros([2, 3])`), then optionally an options object.
 */
export type SizeArgs<O> = [shape: readonly number[], options?: O] | [...sizes: number[]] | [...sizes: number[], options: O];

/** The option types every creation op accepts. */
export const CREATION_OPTIONS: Record<string, ArgType<unknown>> = {
  dtype: is.oneOf("float32", "float64", "int32", "bool"),
  requiresGrad: is.boolean,
  device: is.string,
};

/**
 * Reads `SizeArgs`: the shape and the (checked) options. Throws an `ArgumentError` naming `fn` for anything else
 * (a size that is not an integer, a nested array, a second array, an unknown option).
 */
export function readSize<O>(
  fn: string,
  args: readonly unknown[],
  optionTypes: Record<string, ArgType<unknown>>,
): { shape: number[]; options: O } {
  const list = [...args];
  const options = list.length > 0 && isOptionsObject(list[list.length - 1]) ? (list.pop() as O) : ({} as O);
  checkOptions(fn, options, optionTypes);
  const accepted = `sizes as separate integers (${fn}(2, 3)) or one array of integers (${fn}([2, 3])), then an options object`;
  if (list.length === 1 && Array.isArray(list[0])) {
    const shape = list[0] as unknown[];
    if (!shape.every((s) => typeof s === "number")) {
      throw new ArgumentError(fn, "size", accepted, `${fn}: size must be an array of integers, got ${describe(shape)}`);
    }
    return { shape: shape as number[], options };
  }
  const bad = list.findIndex((s) => typeof s !== "number");
  if (bad >= 0) {
    throw new ArgumentError(fn, "size", accepted, `${fn}: expected ${accepted}; got ${describe(list[bad])} at position ${bad}`);
  }
  return { shape: list as number[], options };
}
