import { type Args, arg, is, kw, required, signature } from "../args.js";
import { toFloating } from "../dtype.js";
import { DTypeError, ShapeError } from "../errors.js";
import { broadcastShapes, fmt, normalizeDim } from "../shape.js";
import type { Tensor, ValuesIndices } from "../tensor/tensor.js";
import { where } from "./binary.js";
import { fromTyped } from "./creation.js";
import { roll } from "./diagonal.js";
import { gather } from "./indexing.js";
import { cat } from "./join.js";
import { matmul } from "./linalg.js";
import { logaddexp } from "./math.js";
import type { Dims } from "./reduce.js";
import { fromBuffer } from "./util.js";

// Reductions, scans and products PyTorch has and the kernel set does not, composed from existing tensor ops so their
// gradients are autograd's: nansum, nanmean, logcumsumexp, cummax, cummin, rot90, cross, kron, tensordot.

const dimsType = is.nullable(is.intOrInts);

const NANSUM = signature("nansum", {
  input: required(is.tensor),
  dim: arg(dimsType, null),
  keepdim: arg(is.boolean, false),
  dtype: kw(is.nullable(is.floatDType), null),
});
const NANMEAN = signature("nanmean", {
  input: required(is.tensor),
  dim: arg(dimsType, null),
  keepdim: arg(is.boolean, false),
  dtype: kw(is.nullable(is.floatDType), null),
});
const LOGCUMSUMEXP = signature("logcumsumexp", { input: required(is.tensor), dim: required(is.int) });
const CUMMAX = signature("cummax", { input: required(is.tensor), dim: required(is.int) });
const CUMMIN = signature("cummin", { input: required(is.tensor), dim: required(is.int) });
const ROT90 = signature("rot90", {
  input: required(is.tensor),
  k: arg(is.int, 1),
  dims: arg(
    is.where<readonly number[]>("an array of 2 integers", (v) => Array.isArray(v) && v.length === 2 && v.every(Number.isInteger)),
    [0, 1],
  ),
});
const CROSS = signature("cross", { input: required(is.tensor), other: required(is.tensor), dim: arg(is.nullable(is.int), null) });
const KRON = signature("kron", { input: required(is.tensor), other: required(is.tensor) });
const TENSORDOT = signature("tensordot", {
  a: required(is.tensor),
  b: required(is.tensor),
  dims: arg(
    is.where<number | readonly (readonly number[] | number)[]>(
      "a non-negative integer or a pair of dim lists [[...], [...]]",
      (v) =>
        (Number.isInteger(v) && (v as number) >= 0) ||
        (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) || (Array.isArray(d) && d.every(Number.isInteger)))),
    ),
    2,
  ),
});

const dimsOf = (d: number | readonly number[] | null): Dims | undefined => (d === null ? undefined : (d as Dims));

/**
 * The sum treating NaN as zero (`torch.nansum`): over all elements, a dim or several dims, with `keepdim`. NaN
 * entries get a zero gradient.
 *
 * @example
 * tg.nansum(tg.tensor([1, NaN, 2])); // tensor(3.)
 */
export function nansum(
  input: Tensor,
  ...rest: Args<
    [dim: number | readonly number[] | null, keepdim: boolean],
    { dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: "float32" | "float64" | null }
  >
): Tensor {
  const a = NANSUM.parse([input, ...rest]);
  const x = a.dtype ? input.to(a.dtype) : input;
  const isFloat = x.dtype === "float32" || x.dtype === "float64";
  const clean = isFloat ? where(x.isnan(), 0, x) : x;
  return clean.sum(dimsOf(a.dim), a.keepdim);
}

/**
 * The mean over the entries that are not NaN (`torch.nanmean`); all-NaN slices give NaN. Floating inputs only, as
 * PyTorch.
 *
 * @example
 * tg.nanmean(tg.tensor([1, NaN, 2])); // tensor(1.5000)
 */
export function nanmean(
  input: Tensor,
  ...rest: Args<
    [dim: number | readonly number[] | null, keepdim: boolean],
    { dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: "float32" | "float64" | null }
  >
): Tensor {
  const a = NANMEAN.parse([input, ...rest]);
  const x = a.dtype ? input.to(a.dtype) : input;
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new DTypeError(`nanmean: expected a floating input, got ${x.dtype} (shape ${fmt(x.shape)}); pass { dtype: "float32" }`);
  }
  const nan = x.isnan();
  const count = nan.logicalNot().to(x.dtype).sum(dimsOf(a.dim), a.keepdim);
  return where(nan, 0, x).sum(dimsOf(a.dim), a.keepdim).div(count);
}

/** A bool [n, n] mask, true above the diagonal (column > row). */
function upperMask(n: number, x: Tensor): Tensor {
  const m = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = 1;
  return fromTyped(m, [n, n], { device: x._backend.device }).to("bool");
}

/** Entries of the last dim in blocks this long are scanned as one masked [b, b] logsumexp. */
const LCSE_BLOCK = 64;

/** logcumsumexp along the last dim of `x` (length n ≤ LCSE_BLOCK): a logsumexp over a masked [n, n] matrix. */
function lcseBlock(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1];
  const rows = x.unsqueeze(-2).expand([...x.shape.slice(0, -1), n, n]);
  return rows.maskedFill(upperMask(n, x), Number.NEGATIVE_INFINITY).logsumexp(-1);
}

/**
 * log(cumsum(exp(x))) along `dim` without overflow (`torch.logcumsumexp`): entry i is the logsumexp of entries 0..i.
 * Each block of 64 entries is a logsumexp over a masked [64, 64] matrix, and blocks carry the running total on with
 * `logaddexp`, so it is exact, needs O(64·n) memory, and its gradient is autograd's.
 *
 * @example
 * tg.logcumsumexp(tg.tensor([0, 0]), 0); // [0, 0.6931]
 */
export function logcumsumexp(input: Tensor, dim: number, ...rest: [] | [options: Record<string, never>]): Tensor {
  const a = LOGCUMSUMEXP.parse([input, dim, ...rest]);
  const x0 = input.dtype === "float32" || input.dtype === "float64" ? input : input.to(toFloating(input.dtype));
  if (x0.ndim === 0) return x0.clone();
  const d = normalizeDim(a.dim, x0.ndim, "logcumsumexp");
  const n = x0.shape[d];
  if (n === 0) return x0.clone();
  const xt = x0.transpose(d, -1);
  const parts: Tensor[] = [];
  let carry: Tensor | null = null;
  for (let start = 0; start < n; start += LCSE_BLOCK) {
    const block = lcseBlock(xt.narrow(-1, start, Math.min(LCSE_BLOCK, n - start)));
    const scanned: Tensor = carry === null ? block : logaddexp(block, carry);
    parts.push(scanned);
    carry = scanned.narrow(-1, scanned.shape[scanned.ndim - 1] - 1, 1);
  }
  return (parts.length === 1 ? parts[0] : cat(parts, -1)).transpose(d, -1);
}

/** Running extreme along `dim`: indices by the backend's kernel (PyTorch's: the last of equal values, NaN sticks), values by gather. */
function cumExtreme(fn: "cummax" | "cummin", input: Tensor, dim: number): ValuesIndices {
  if (input.ndim === 0) return { values: input.clone(), indices: fromTyped(new Int32Array([0]), [], { device: input._backend.device }) };
  const d = normalizeDim(dim, input.ndim, fn);
  const indices = fromBuffer(input._backend.cumExtremeIndices(fn, input._view, d), input.shape, "int32", input._backend);
  return { values: gather(input, d, indices), indices };
}

/**
 * The running maximum along `dim` and where it was found (`torch.cummax`): `{ values, indices }`; ties take the
 * latest index and NaN propagates, as PyTorch. Differentiable through the values.
 *
 * @example
 * tg.cummax(tg.tensor([1, 3, 2]), 0).values; // [1, 3, 3]
 */
export function cummax(input: Tensor, dim: number, ...rest: [] | [options: Record<string, never>]): ValuesIndices {
  const a = CUMMAX.parse([input, dim, ...rest]);
  return cumExtreme("cummax", a.input, a.dim);
}

/** The running minimum along `dim` (`torch.cummin`), as `cummax`. @example tg.cummin(x, 0).indices */
export function cummin(input: Tensor, dim: number, ...rest: [] | [options: Record<string, never>]): ValuesIndices {
  const a = CUMMIN.parse([input, dim, ...rest]);
  return cumExtreme("cummin", a.input, a.dim);
}

/**
 * Rotates by 90° `k` times in the plane of `dims`, from the first dim towards the second (`torch.rot90`).
 *
 * @example
 * tg.rot90(tg.tensor([[1, 2], [3, 4]])); // [[2, 4], [1, 3]]
 */
export function rot90(
  input: Tensor,
  ...rest: Args<[k: number, dims: readonly number[]], { k?: number; dims?: readonly number[] }>
): Tensor {
  const a = ROT90.parse([input, ...rest]);
  if (input.ndim < 2) throw new ShapeError(`rot90: expected a tensor with >= 2 dims, got shape ${fmt(input.shape)}`);
  const d0 = normalizeDim(a.dims[0], input.ndim, "rot90");
  const d1 = normalizeDim(a.dims[1], input.ndim, "rot90");
  if (d0 === d1) throw new ShapeError(`rot90: dims must be different, got [${a.dims.join(", ")}] for shape ${fmt(input.shape)}`);
  const k = ((a.k % 4) + 4) % 4;
  if (k === 1) return input.flip(d1).transpose(d0, d1);
  if (k === 2) return input.flip([d0, d1]);
  if (k === 3) return input.flip(d0).transpose(d0, d1);
  return input.clone();
}

/**
 * The cross product of 3-vectors along `dim`, broadcasting inputs of the same rank (`torch.cross`); without `dim`, the first dim of size
 * 3, as PyTorch.
 *
 * @example
 * tg.cross(tg.tensor([1, 0, 0]), tg.tensor([0, 1, 0])); // [0, 0, 1]
 */
export function cross(input: Tensor, other: Tensor, ...rest: Args<[dim: number | null], { dim?: number | null }>): Tensor {
  const a = CROSS.parse([input, other, ...rest]);
  if (input.ndim !== other.ndim)
    throw new ShapeError(`cross: inputs must have the same number of dims, got shapes ${fmt(input.shape)} and ${fmt(other.shape)}`);
  const shape = broadcastShapes("cross", input.shape, other.shape);
  let d: number;
  if (a.dim === null) {
    d = shape.indexOf(3);
    if (d < 0) throw new ShapeError(`cross: no dim of size 3 in shapes ${fmt(input.shape)} and ${fmt(other.shape)}`);
  } else {
    d = normalizeDim(a.dim, shape.length, "cross");
    if (shape[d] !== 3)
      throw new ShapeError(`cross: dim ${a.dim} must have size 3, got shapes ${fmt(input.shape)} and ${fmt(other.shape)}`);
  }
  const x = input.expand(shape);
  const y = other.expand(shape);
  return roll(x, -1, d)
    .mul(roll(y, -2, d))
    .sub(roll(x, -2, d).mul(roll(y, -1, d)));
}

/**
 * The Kronecker product (`torch.kron`): the block tensor whose block at index i is `input[i] * other`; the shorter
 * shape is padded with leading ones.
 *
 * @example
 * tg.kron(tg.eye(2), tg.ones([2, 2])); // a 4×4 block diagonal
 */
export function kron(input: Tensor, other: Tensor, ...rest: [] | [options: Record<string, never>]): Tensor {
  KRON.parse([input, other, ...rest]);
  const n = Math.max(input.ndim, other.ndim);
  const sa = [...Array(n - input.ndim).fill(1), ...input.shape];
  const sb = [...Array(n - other.ndim).fill(1), ...other.shape];
  const ea = input.reshape(sa.flatMap((s) => [s, 1]));
  const eb = other.reshape(sb.flatMap((s) => [1, s]));
  return ea.mul(eb).reshape(sa.map((s, i) => s * sb[i]));
}

/**
 * Contracts `dims` of `a` with `dims` of `b` (`torch.tensordot`): an integer n takes the last n dims of `a` and the
 * first n of `b`; a pair of lists names them. Done as one matmul after a permute and reshape.
 *
 * @example
 * tg.tensordot(a, b, [[1, 0], [0, 1]]);
 */
export function tensordot(
  a: Tensor,
  b: Tensor,
  ...rest: Args<[dims: number | readonly (readonly number[] | number)[]], { dims?: number | readonly (readonly number[] | number)[] }>
): Tensor {
  const p = TENSORDOT.parse([a, b, ...rest]);
  let da: number[];
  let db: number[];
  if (typeof p.dims === "number") {
    const n = p.dims;
    if (n > a.ndim || n > b.ndim)
      throw new ShapeError(`tensordot: dims=${n} is more than the dims of shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
    da = Array.from({ length: n }, (_, i) => a.ndim - n + i);
    db = Array.from({ length: n }, (_, i) => i);
  } else {
    const list = (v: readonly number[] | number) => (typeof v === "number" ? [v] : [...v]);
    da = list(p.dims[0]).map((d) => normalizeDim(d, a.ndim, "tensordot"));
    db = list(p.dims[1]).map((d) => normalizeDim(d, b.ndim, "tensordot"));
  }
  if (da.length !== db.length)
    throw new ShapeError(`tensordot: both dim lists must have the same length, got ${da.length} and ${db.length}`);
  for (let i = 0; i < da.length; i++) {
    if (a.shape[da[i]] !== b.shape[db[i]])
      throw new ShapeError(
        `tensordot: contracted dims differ in size: dim ${da[i]} of ${fmt(a.shape)} and dim ${db[i]} of ${fmt(b.shape)}`,
      );
  }
  const freeA = a.shape.map((_, i) => i).filter((i) => !da.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !db.includes(i));
  const k = da.reduce((s, d) => s * a.shape[d], 1);
  const ma = a.permute([...freeA, ...da]).reshape([freeA.reduce((s, d) => s * a.shape[d], 1), k]);
  const mb = b.permute([...db, ...freeB]).reshape([k, freeB.reduce((s, d) => s * b.shape[d], 1)]);
  return matmul(ma, mb).reshape([...freeA.map((d) => a.shape[d]), ...freeB.map((d) => b.shape[d])]);
}
