import type { Tensor } from "../../tensor/tensor.js";

// A transform instance is a function (so `t(img)` works like torchvision's `t(img)`) whose prototype is the
// transform's class, the same trick as tg.nn.Module. The interface merges the call signature into the class type.
export interface Transform<In = Tensor, Out = Tensor> {
  // biome-ignore lint/style/useShorthandFunctionType: a type alias could not merge with the class below.
  (input: In): Out;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * The base of the transforms in `tg.data.transforms` (torchvision.transforms): a callable object, so
 * `transform(x)` runs `transform.forward(x)`; `toString()` prints torchvision's repr.
 *
 * @example
 * class AddOne extends tg.data.transforms.Transform {
 *   forward(x: tg.Tensor) { return x.add(1); }
 * }
 * new AddOne()(tg.zeros([1, 2, 2])); // all ones
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge with the interface above is intended.
export abstract class Transform<In = Tensor, Out = Tensor> {
  constructor() {
    const callable = ((input: In): Out => (callable as unknown as Transform<In, Out>).forward(input)) as unknown as Transform<In, Out>;
    // Functions own `name` and `length`; remove them so transforms may use those names for their own fields.
    delete (callable as { name?: string }).name;
    delete (callable as { length?: number }).length;
    Object.setPrototypeOf(callable, new.target.prototype);
    // biome-ignore lint/correctness/noConstructorReturn: returning the callable is how `transform(x)` works.
    return callable;
  }

  /** The transformation; `transform(x)` calls it. */
  abstract forward(input: In): Out;

  /** The settings shown inside the parentheses of `toString()` (torchvision's repr). */
  extraRepr(): string {
    return "";
  }

  toString(): string {
    return `${this.constructor.name}(${this.extraRepr()})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** A number list as Python prints it: `[0.5, 0.25]`. */
export const list = (xs: readonly number[]): string => `[${xs.join(", ")}]`;
