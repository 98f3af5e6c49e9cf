import type { CallForm } from "../arity.js";
import * as A from "../ops/addmm.js";
import * as Cl from "../ops/closeness.js";
import * as Dg from "../ops/diagonal.js";
import * as P from "../ops/inplace.js";
import * as M from "../ops/math.js";
import type { Generator } from "../ops/random.js";
import * as Sa from "../ops/sampling.js";
import * as Se from "../ops/search.js";
import * as So from "../ops/sort.js";
import * as Uq from "../ops/unique.js";
import type { Tensor, TensorLike, ValuesIndices } from "./tensor.js";

// The Tensor methods of PyTorch's ops that tensorgrad first had as functions only (issue 11's list): `x.tan()`,
// `x.diagonal()`, `probs.multinomial(1)`, `a.isclose(b)`... Each calls the function with `this` first, so the
// arguments, defaults and errors are the function's. tensor.ts installs them on Tensor.prototype and merges this
// interface into the class; the fixed-arity ones get their call form from MORE_METHOD_FORMS.

type Rest<F> = F extends (first: never, ...rest: infer R) => unknown ? R : never;
type UniqueRest = Rest<typeof Uq.unique>;

/** The methods `MORE_METHODS` adds to Tensor. */
export interface MoreMethods {
  /** tan, elementwise. */
  tan(): Tensor;
  /** arcsin, elementwise. */
  asin(): Tensor;
  /** arccos, elementwise. */
  acos(): Tensor;
  /** arctan, elementwise. */
  atan(): Tensor;
  /** sinh, elementwise. */
  sinh(): Tensor;
  /** cosh, elementwise. */
  cosh(): Tensor;
  /** log₂, elementwise. */
  log2(): Tensor;
  /** log₁₀, elementwise. */
  log10(): Tensor;
  /** 2^x, elementwise. */
  exp2(): Tensor;
  /** atan2(this, other), elementwise with broadcasting. */
  atan2(other: TensorLike): Tensor;
  /** log(exp(this) + exp(other)), without overflow. */
  logaddexp(other: TensorLike): Tensor;
  /** this + weight·(end − this). */
  lerp(end: TensorLike, weight: TensorLike): Tensor;
  /** A diagonal as a vector (2-D), or a matrix with this vector on a diagonal (1-D) (`Tensor.diag`). */
  diag(...args: Rest<typeof Dg.diag>): Tensor;
  /** The diagonal `offset` of the plane (dim1, dim2), as a copy (`Tensor.diagonal`). */
  diagonal(...args: Rest<typeof Dg.diagonal>): Tensor;
  /** The sum of the main diagonal of a 2-D tensor. */
  trace(): Tensor;
  /** Entries shifted along `dims`, wrapping around (`Tensor.roll(shifts, dims)`). */
  roll(...args: Rest<typeof Dg.roll>): Tensor;
  /** The cumulative product along `dim`. */
  cumprod(...args: Rest<typeof Dg.cumprod>): Tensor;
  /** `numSamples` indices drawn from each row of probabilities (`Tensor.multinomial`). */
  multinomial(numSamples: number, replacement?: boolean, options?: { generator?: Generator | null }): Tensor;
  multinomial(numSamples: number, options?: { replacement?: boolean; generator?: Generator | null }): Tensor;
  /** The indices of the non-zero entries, [n, ndim] (or one tensor per dim with `asTuple`). */
  nonzero(): Tensor;
  nonzero(options: { asTuple: true }): Tensor[];
  nonzero(options: { asTuple?: boolean }): Tensor | Tensor[];
  /** The distinct values, sorted (and the inverse indices and counts when asked). */
  unique(): Tensor;
  unique(...args: UniqueRest): Tensor | Tensor[];
  /** The lower median of all entries, or `{ values, indices }` along `dim`. */
  median(): Tensor;
  median(dim: number, keepdim?: boolean): ValuesIndices;
  median(dim: number, options: { keepdim?: boolean }): ValuesIndices;
  /** The k-th smallest entry along `dim`: `{ values, indices }`. */
  kthvalue(...args: Rest<typeof So.kthvalue>): ValuesIndices;
  /** |this − other| ≤ atol + rtol·|other|, elementwise. */
  isclose(...args: Rest<typeof Cl.isclose>): Tensor;
  /** Whether every entry is close to `other`'s. */
  allclose(...args: Rest<typeof Cl.allclose>): boolean;
  /** Whether `other` has the same shape and values. */
  equal(...args: Rest<typeof Cl.equal>): boolean;
  /** this + value·tensor1·tensor2. */
  addcmul(...args: Rest<typeof A.addcmul>): Tensor;
  /** this + value·tensor1/tensor2. */
  addcdiv(...args: Rest<typeof A.addcdiv>): Tensor;
  /** this += value·tensor1/tensor2, in place. */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): this;
  /** beta·this + alpha·(mat1 @ mat2). */
  addmm(...args: Rest<typeof A.addmm>): Tensor;
  /** beta·this + alpha·(batch1 @ batch2), batched. */
  baddbmm(...args: Rest<typeof A.baddbmm>): Tensor;
  /** A histogram of `bins` equal bins between min and max. */
  histc(...args: Rest<typeof Se.histc>): Tensor;
}

type Fn = (...args: never[]) => unknown;
const self = (f: Fn) =>
  function (this: Tensor, ...args: unknown[]) {
    return (f as (...a: unknown[]) => unknown)(this, ...args);
  };

/** The implementations, keyed by method name. */
export const MORE_METHODS: Readonly<Record<keyof MoreMethods, Fn>> = {
  tan: self(M.tan),
  asin: self(M.asin),
  acos: self(M.acos),
  atan: self(M.atan),
  sinh: self(M.sinh),
  cosh: self(M.cosh),
  log2: self(M.log2),
  log10: self(M.log10),
  exp2: self(M.exp2),
  atan2: self(M.atan2),
  logaddexp: self(M.logaddexp),
  lerp: self(M.lerp),
  diag: self(Dg.diag),
  diagonal: self(Dg.diagonal),
  trace: self(Dg.trace),
  roll: self(Dg.roll),
  cumprod: self(Dg.cumprod),
  multinomial: self(Sa.multinomial),
  nonzero: self(Uq.nonzero),
  unique: self(Uq.unique),
  median: self(So.median),
  kthvalue: self(So.kthvalue),
  isclose: self(Cl.isclose),
  allclose: self(Cl.allclose),
  equal: self(Cl.equal),
  addcmul: self(A.addcmul),
  addcdiv: self(A.addcdiv),
  addcdiv_: function (this: Tensor, tensor1: Tensor, tensor2: Tensor, options?: { value?: number }) {
    return P.inplace(this, "addcdiv_", (x) => A.addcdiv(x, tensor1, tensor2, options ?? {}), [tensor1, tensor2]);
  },
  addmm: self(A.addmm),
  baddbmm: self(A.baddbmm),
  histc: self(Se.histc),
};

/** Call forms of the methods above whose functions do not check their own arguments (src/arity.ts). */
export const MORE_METHOD_FORMS: Readonly<Record<string, CallForm>> = {
  ...Object.fromEntries(["tan", "asin", "acos", "atan", "sinh", "cosh", "log2", "log10", "exp2"].map((n) => [n, ""])),
  atan2: "other",
  logaddexp: "other",
  lerp: "end, weight",
  addcdiv_: "tensor1, tensor2; value",
};

/** Adds the methods to `proto` (Tensor.prototype), not enumerable, as class methods are. */
export function installMoreMethods(proto: object): void {
  for (const [name, f] of Object.entries(MORE_METHODS)) {
    Object.defineProperty(proto, name, { value: f, writable: true, configurable: true, enumerable: false });
  }
}
