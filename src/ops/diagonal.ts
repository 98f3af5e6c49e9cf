import { type Args, arg, is, required, signature } from "../args.js";
import { ShapeError } from "../errors.js";
import { fmt, normalizeDim } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { fromTyped, zeros } from "./creation.js";
import { cat, stack } from "./join.js";

// Diagonals, rolls and running products, composed from indexSelect, scatter, narrow and cat (so each is
// differentiable through those ops' gradients). Unlike PyTorch's, `diagonal` returns a copy, not a view.

const DIAGONAL = signature("diagonal", { input: required(is.tensor), offset: arg(is.int, 0), dim1: arg(is.int, 0), dim2: arg(is.int, 1) });
const DIAG = signature("diag", { input: required(is.tensor), diagonal: arg(is.int, 0) });
const TRACE = signature("trace", { input: required(is.tensor) });
const ROLL = signature("roll", { input: required(is.tensor), shifts: required(is.intOrInts), dims: arg(is.nullable(is.intOrInts), null) });
const CUMPROD = signature("cumprod", { input: required(is.tensor), dim: required(is.int) });

const int32 = (values: number[], x: Tensor): Tensor => fromTyped(Int32Array.from(values), [values.length], { device: x._backend.device });

/**
 * The entries (i, i + offset) of the matrices over dims dim1 and dim2, as the last dim of the result
 * (`torch.diagonal`).
 *
 * @example
 * tg.diagonal(tg.eye(3)); // [1, 1, 1]
 */
export function diagonal(
  input: Tensor,
  ...rest: Args<[offset: number, dim1: number, dim2: number], { offset?: number; dim1?: number; dim2?: number }>
): Tensor {
  const a = DIAGONAL.parse([input, ...rest]);
  if (input.ndim < 2) throw new ShapeError(`diagonal: expected a tensor with at least 2 dims, got shape ${fmt(input.shape)}`);
  const d1 = normalizeDim(a.dim1, input.ndim, "diagonal");
  const d2 = normalizeDim(a.dim2, input.ndim, "diagonal");
  if (d1 === d2) throw new ShapeError(`diagonal: dim1 and dim2 cannot be the same dim (${a.dim1}, ${a.dim2})`);
  const rest2 = input.shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  const moved = input.permute([...rest2, d1, d2]);
  const [n, m] = [input.shape[d1], input.shape[d2]];
  const idx: number[] = [];
  for (let i = Math.max(0, -a.offset); i < n && i + a.offset < m; i++) idx.push(i * m + i + a.offset);
  return moved.flatten(-2).indexSelect(-1, int32(idx, input));
}

/**
 * A 1-D input becomes a square matrix with it on the `diagonal`-th diagonal; a 2-D input gives its `diagonal`-th
 * diagonal (`torch.diag`).
 *
 * @example
 * tg.diag(tg.tensor([1, 2])); // [[1, 0], [0, 2]]
 */
export function diag(input: Tensor, ...rest: Args<[diagonal: number], { diagonal?: number }>): Tensor {
  const { diagonal: k } = DIAG.parse([input, ...rest]);
  if (input.ndim === 2) return diagonal(input, k);
  if (input.ndim !== 1) throw new ShapeError(`diag: expected a 1-D or 2-D input, got shape ${fmt(input.shape)}`);
  const n = input.shape[0] + Math.abs(k);
  const idx = Array.from({ length: input.shape[0] }, (_, i) => (k >= 0 ? i * n + i + k : (i - k) * n + i));
  return zeros([n * n], { dtype: input.dtype, device: input._backend.device })
    .scatter(0, int32(idx, input), input)
    .reshape([n, n]);
}

/** The sum of the main diagonal of a 2-D tensor (`torch.trace`). */
export function trace(...args: [input: Tensor]): Tensor {
  const { input } = TRACE.parse(args);
  if (input.ndim !== 2) throw new ShapeError(`trace: expected a 2-D tensor, got shape ${fmt(input.shape)}`);
  return diagonal(input).sum();
}

/**
 * Shifts entries along `dims` by `shifts` places, wrapping around (`torch.roll`); without dims the flattened tensor
 * is rolled and reshaped back.
 *
 * @example
 * tg.roll(tg.tensor([1, 2, 3, 4]), 1); // [4, 1, 2, 3]
 */
export function roll(
  input: Tensor,
  shifts: number | readonly number[],
  ...rest: Args<[dims: number | readonly number[] | null], { dims?: number | readonly number[] | null }>
): Tensor {
  const a = ROLL.parse([input, shifts, ...rest]);
  if (a.dims === null) {
    if (typeof a.shifts !== "number" && a.shifts.length !== 1) throw new ShapeError("roll: without dims, shifts must be one number");
    const s = typeof a.shifts === "number" ? a.shifts : a.shifts[0];
    return roll(input.reshape([-1]), s, 0).reshape([...input.shape]);
  }
  const shiftList = typeof a.shifts === "number" ? [a.shifts] : [...a.shifts];
  const dimList = typeof a.dims === "number" ? [a.dims] : [...a.dims];
  if (shiftList.length !== dimList.length)
    throw new ShapeError(`roll: shifts (${shiftList.length}) and dims (${dimList.length}) must have the same length`);
  let out = input;
  for (let i = 0; i < dimList.length; i++) {
    const d = normalizeDim(dimList[i], input.ndim, "roll");
    const size = input.shape[d];
    if (size === 0) continue;
    const s = ((shiftList[i] % size) + size) % size;
    if (s === 0) continue;
    out = cat([out.narrow(d, size - s, s), out.narrow(d, 0, size - s)], d);
  }
  return out;
}

/**
 * Running products along `dim` (`torch.cumprod`): out[i] = x[0]·x[1]·…·x[i]. Built from one multiplication per
 * position, so zeros and negative values are exact and the gradient is autograd's.
 *
 * @example
 * tg.cumprod(tg.tensor([1, 2, 3]), 0); // [1, 2, 6]
 */
export function cumprod(input: Tensor, dim: number, ...rest: [] | [options: Record<string, never>]): Tensor {
  const a = CUMPROD.parse([input, dim, ...rest]);
  if (input.ndim === 0) return input.clone();
  const d = normalizeDim(a.dim, input.ndim, "cumprod");
  const parts = input.unbind(d);
  if (parts.length === 0) return input.clone();
  const out: Tensor[] = [parts[0]];
  for (let i = 1; i < parts.length; i++) out.push(out[i - 1].mul(parts[i]));
  return stack(out, d);
}
