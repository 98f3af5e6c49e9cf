import { type Args, arg, is, required, signature } from "../args.js";
import { shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { where } from "./binary.js";

const closeSig = (fn: string) =>
  signature(fn, {
    input: required(is.tensor),
    other: required(is.tensor),
    rtol: arg(is.number, 1e-5),
    atol: arg(is.number, 1e-8),
    equalNan: arg(is.boolean, false),
  });
const ISCLOSE = closeSig("isclose");
const ALLCLOSE = closeSig("allclose");
const EQUAL = signature("equal", { input: required(is.tensor), other: required(is.tensor) });

type CloseRest = Args<[rtol: number, atol: number, equalNan: boolean], { rtol?: number; atol?: number; equalNan?: boolean }>;

function close(a: { input: Tensor; other: Tensor; rtol: number; atol: number; equalNan: boolean }): Tensor {
  const { input, other, rtol, atol, equalNan } = a;
  // Equal values (infinities included) are close; otherwise |input − other| ≤ atol + rtol·|other|, finite only.
  const within = input.sub(other).abs().le(other.abs().mul(rtol).add(atol)).logicalAnd(input.isfinite()).logicalAnd(other.isfinite());
  const close = input.eq(other).logicalOr(within);
  return equalNan ? where(input.isnan().logicalAnd(other.isnan()), true, close) : close;
}

/**
 * Elementwise |input − other| ≤ atol + rtol·|other| (equal infinities are close; NaNs only with `equalNan`), as
 * `torch.isclose`: a bool tensor of the broadcast shape.
 *
 * @example
 * tg.isclose(a, b, 1e-4, 1e-6);
 */
export function isclose(input: Tensor, other: Tensor, ...rest: CloseRest): Tensor {
  return close(ISCLOSE.parse([input, other, ...rest]));
}

/** Whether every element is close (`isclose(...).all()`), as `torch.allclose`: a boolean. */
export function allclose(input: Tensor, other: Tensor, ...rest: CloseRest): boolean {
  return (
    close(ALLCLOSE.parse([input, other, ...rest]))
      .all()
      .item() === 1
  );
}

/** Whether both tensors have the same shape and the same values (no broadcasting), as `torch.equal`: a boolean. */
export function equal(input: Tensor, other: Tensor, ...rest: [] | [options: Record<string, never>]): boolean {
  EQUAL.parse([input, other, ...rest]);
  return shapesEqual(input.shape, other.shape) && (input.numel() === 0 || input.eq(other).all().item() === 1);
}
