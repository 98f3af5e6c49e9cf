import { type Args, arg, is, kw, required, signature } from "../args.js";
import { record, record1 } from "../autograd/node.js";
import { ShapeError, ValueError } from "../errors.js";
import { eye, zerosLike } from "../ops/creation.js";
import { cat } from "../ops/join.js";
import { norm as pnorm } from "../ops/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { eighJacobi, cholesky as hostCholesky, qr as hostQr, lu, luSolve, readBatch, svdTall, writeBack } from "./host.js";

// tg.linalg: PyTorch's torch.linalg. Norms are composed from tensor ops; the factorizations are computed on the host
// in float64 (host.ts) and record backward rules written in tensor ops (PyTorch's formulas), so gradients (and
// gradcheck) work on any device that reads synchronously.

const fmt = (s: readonly number[]): string => `[${s.join(", ")}]`;

const eyeLike = (n: number, like: Tensor): Tensor => eye(n, n, { dtype: like.dtype, device: like._backend.device });
/** The diagonal matrices with `d` ([..., n]) on their diagonals. */
const diagEmbed = (d: Tensor): Tensor => d.unsqueeze(-1).mul(eyeLike(d.shape[d.ndim - 1], d));
const grad = (g: Tensor | undefined, like: Tensor): Tensor => g ?? zerosLike(like);

// ---------------------------------------------------------------------------------------------------- norms

export type Ord = number | "fro" | "nuc";
type DimArg = number | readonly number[] | null;

const VECTOR_NORM = signature("linalg.vectorNorm", {
  x: required(is.tensor),
  ord: arg(is.number, 2),
  dim: arg(is.nullable(is.intOrInts), null),
  keepdim: arg(is.boolean, false),
  dtype: kw(is.nullable(is.floatDType), null),
});

/**
 * torch.linalg.vector_norm: the `ord`-norm of `x` over `dim` (all elements when null); ord is any number,
 * `Infinity`, `-Infinity` or 0.
 *
 * @example
 * tg.linalg.vectorNorm(x); tg.linalg.vectorNorm(x, 1, -1, true);
 */
export function vectorNorm(
  ...args: Args<
    [x: Tensor, ord: number, dim: DimArg, keepdim: boolean],
    { ord?: number; dim?: DimArg; keepdim?: boolean; dtype?: "float32" | "float64" | null }
  >
): Tensor {
  const { x, ord, dim, keepdim, dtype } = VECTOR_NORM.parse(args);
  const input = dtype ? x.to(dtype) : x;
  const dims = dim === null ? undefined : typeof dim === "number" ? dim : [...dim];
  if (ord === Infinity || ord === -Infinity || ord === 0 || ord === 1 || ord === 2) return pnorm(input, ord, dims, keepdim);
  if (ord < 0)
    return input
      .abs()
      .pow(ord)
      .sum(dims, keepdim)
      .pow(1 / ord);
  return pnorm(input, ord, dims, keepdim);
}

const MATRIX_NORM = signature("linalg.matrixNorm", {
  A: required(is.tensor),
  ord: arg(
    is.or(
      is.oneOf("fro", "nuc"),
      is.numberWhere("1, -1, 2, -2, Infinity or -Infinity", (v) => [1, -1, 2, -2, Infinity, -Infinity].includes(v)),
    ),
    "fro",
  ),
  dim: arg(
    is.where<readonly number[]>("an array of 2 integers", (v) => Array.isArray(v) && v.length === 2 && v.every(Number.isInteger)),
    [-2, -1],
  ),
  keepdim: arg(is.boolean, false),
  dtype: kw(is.nullable(is.floatDType), null),
});

/**
 * torch.linalg.matrix_norm: the `ord` norm of the matrices over `dim` (the last two by default): "fro", "nuc",
 * 1/-1 (max/min column sum), Infinity/-Infinity (max/min row sum), 2/-2 (largest/smallest singular value).
 *
 * @example
 * tg.linalg.matrixNorm(A); tg.linalg.matrixNorm(A, "nuc");
 */
export function matrixNorm(
  ...args: Args<
    [A: Tensor, ord: Ord, dim: readonly number[], keepdim: boolean],
    { ord?: Ord; dim?: readonly number[]; keepdim?: boolean; dtype?: "float32" | "float64" | null }
  >
): Tensor {
  const { A, ord, dim, keepdim, dtype } = MATRIX_NORM.parse(args);
  return matrixNormOf("linalg.matrixNorm", dtype ? A.to(dtype) : A, ord, dim, keepdim);
}

function matrixNormOf(op: string, A: Tensor, ord: Ord, dim: readonly number[], keepdim: boolean): Tensor {
  if (A.ndim < 2) throw new ShapeError(`${op}: expected a tensor with at least 2 dims, got shape ${fmt(A.shape)}`);
  const d0 = dim[0] < 0 ? dim[0] + A.ndim : dim[0];
  const d1 = dim[1] < 0 ? dim[1] + A.ndim : dim[1];
  if (d0 < 0 || d1 < 0 || d0 >= A.ndim || d1 >= A.ndim || d0 === d1) {
    throw new ShapeError(`${op}: dim must name two different dims of a tensor of shape ${fmt(A.shape)}, got [${dim.join(", ")}]`);
  }
  if (ord === "fro") return pnorm(A, 2, [d0, d1], keepdim);
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    // 1: max over columns (d1) of the sums over rows (d0); Infinity: max over rows of the sums over columns.
    const [sumDim, extDim] = ord === 1 || ord === -1 ? [d0, d1] : [d1, d0];
    const s = A.abs().sum(sumDim, true);
    const e = ord > 0 ? s.amax(extDim, true) : s.amin(extDim, true);
    return keepdim ? e : e.squeeze([d0, d1].sort((a, b) => b - a));
  }
  // 2, -2, nuc: from the singular values of the matrices moved to the last two dims.
  const rest = A.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
  const moved = A.permute([...rest, d0, d1]);
  const s = svdvalsOf(op, moved);
  let r = ord === "nuc" ? s.sum(-1) : ord === 2 ? s.amax(-1) : s.amin(-1);
  if (keepdim) {
    const [lo, hi] = d0 < d1 ? [d0, d1] : [d1, d0];
    r = r.unsqueeze(lo).unsqueeze(hi);
  }
  return r;
}

const NORM = signature("linalg.norm", {
  A: required(is.tensor),
  ord: arg(is.nullable(is.or(is.oneOf("fro", "nuc"), is.number)), null),
  dim: arg(is.nullable(is.intOrInts), null),
  keepdim: arg(is.boolean, false),
  dtype: kw(is.nullable(is.floatDType), null),
});

/**
 * torch.linalg.norm: a vector norm when `dim` is one dim (or `ord` is null and `dim` null: the 2-norm of all elements,
 * or the input is 1-D), a matrix norm when `dim` is two dims or the input is 2-D with an `ord`.
 *
 * @example
 * tg.linalg.norm(x); tg.linalg.norm(A, "fro"); tg.linalg.norm(A, 2, [-2, -1]);
 */
export function norm(
  ...args: Args<
    [A: Tensor, ord: Ord | null, dim: DimArg, keepdim: boolean],
    { ord?: Ord | null; dim?: DimArg; keepdim?: boolean; dtype?: "float32" | "float64" | null }
  >
): Tensor {
  const { A: a, ord, dim, keepdim, dtype } = NORM.parse(args);
  const A = dtype ? a.to(dtype) : a;
  const dims = dim === null ? null : typeof dim === "number" ? [dim] : [...dim];
  if (dims !== null && dims.length !== 1 && dims.length !== 2) {
    throw new ShapeError(`linalg.norm: dim must be an integer or 2 integers, got [${dims.join(", ")}]`);
  }
  if (dims === null && ord !== null && A.ndim !== 1 && A.ndim !== 2) {
    throw new ShapeError(`linalg.norm: with an ord and no dim the input must be 1-D or 2-D, got shape ${fmt(A.shape)}`);
  }
  const matrix = dims !== null ? dims.length === 2 : ord !== null && A.ndim === 2;
  if (matrix) return matrixNormOf("linalg.norm", A, (ord ?? "fro") as Ord, dims ?? [-2, -1], keepdim);
  if (typeof ord === "string")
    throw new ShapeError(`linalg.norm: ord "${ord}" is a matrix norm; give two dims (got ${dims === null ? "none" : dims.join(", ")})`);
  return vectorNorm(A, ord ?? 2, dims === null ? null : dims[0], keepdim);
}

// ---------------------------------------------------------------------------------------------------- det, inv, solve

const ONE = (fn: string) => signature(fn, { A: required(is.tensor) });
const DET = ONE("linalg.det");

/** torch.linalg.det: the determinants of the square matrices [..., n, n]; d det / dA = det · A⁻ᵀ (the cofactors, from the SVD, for a singular A). */
export function det(...args: [A: Tensor]): Tensor {
  const { A } = DET.parse(args);
  const { out, singular } = luDet("linalg.det", A);
  return record1(
    "LinalgDetBackward0",
    out,
    [A],
    (g, [A, d]) => {
      const gd = g.unsqueeze(-1).unsqueeze(-1);
      if (!singular) return [gd.mul(d.unsqueeze(-1).unsqueeze(-1)).mul(inv(A).mT)];
      // A singular matrix has no inverse: its cofactor matrix from the SVD, det(U)det(Vh) U diag(∏_{j≠i} sⱼ) Vh.
      const { U, S, Vh } = svdHost("linalg.det", A);
      const I = eyeLike(S.shape[S.ndim - 1], S);
      const others = S.unsqueeze(-2).mul(I.neg().add(1)).add(I).prod(-1);
      const signs = luDet("linalg.det", U).out.mul(luDet("linalg.det", Vh).out);
      return [gd.mul(signs.unsqueeze(-1).unsqueeze(-1)).mul(U.mul(others.unsqueeze(-2)).matmul(Vh))];
    },
    [A, out],
  );
}

function luDet(op: string, A: Tensor): { sign: Tensor; logabs: Tensor; out: Tensor; singular: boolean } {
  const b = readBatch(op, A, true);
  const { n } = b;
  const dets = new Float64Array(b.count);
  const signs = new Float64Array(b.count);
  const logs = new Float64Array(b.count);
  let anySingular = false;
  for (let k = 0; k < b.count; k++) {
    const { sign, singular } = lu(b.data, k * n * n, n);
    anySingular ||= singular;
    let d = sign;
    let s = sign;
    let l = 0;
    for (let i = 0; i < n; i++) {
      const v = b.data[k * n * n + i * n + i];
      d *= v;
      s *= Math.sign(v);
      l += Math.log(Math.abs(v));
    }
    dets[k] = d;
    signs[k] = s;
    logs[k] = l;
  }
  return {
    singular: anySingular,
    out: writeBack(dets, b.batch, A),
    sign: writeBack(signs, b.batch, A),
    logabs: writeBack(logs, b.batch, A),
  };
}

const SLOGDET = ONE("linalg.slogdet");

/** torch.linalg.slogdet: { sign, logabsdet } of the determinants; d logabsdet / dA = A⁻ᵀ (sign has no gradient). */
export function slogdet(...args: [A: Tensor]): { sign: Tensor; logabsdet: Tensor } {
  const { A } = SLOGDET.parse(args);
  const { sign, logabs } = luDet("linalg.slogdet", A);
  const logabsdet = record1("LinalgSlogdetBackward0", logabs, [A], (g, [A]) => [g.unsqueeze(-1).unsqueeze(-1).mul(inv(A).mT)], [A]);
  return { sign, logabsdet };
}

const INV = ONE("linalg.inv");

/** torch.linalg.inv: the inverses of the square matrices [..., n, n]; d/dA = −A⁻ᵀ G A⁻ᵀ. */
export function inv(...args: [A: Tensor]): Tensor {
  const { A } = INV.parse(args);
  const n = A.shape[A.ndim - 1];
  const I = eyeLike(n, A).expand(A.shape).contiguous();
  const out = solveHost("linalg.inv", A, I);
  return record1("LinalgInvBackward0", out, [A], (g, [X]) => [X.mT.matmul(g).matmul(X.mT).neg()], [out]);
}

/** LU-solve each matrix of A [..., n, n] against B [..., n, k] (same batch): a fresh copy of A per call. */
function solveHost(op: string, A: Tensor, B: Tensor): Tensor {
  const a = readBatch(op, A, true);
  const b = readBatch(op, B);
  const { n } = a;
  const k = b.n;
  for (let i = 0; i < a.count; i++) {
    const { piv, singular } = lu(a.data, i * n * n, n);
    if (singular) {
      throw new ValueError(
        `${op}: the input matrix${a.count > 1 ? ` (batch element ${i})` : ""} is singular (input shape ${fmt(A.shape)}); it has no inverse`,
      );
    }
    luSolve(a.data, i * n * n, n, piv, b.data, i * n * k, k);
  }
  return writeBack(b.data, B.shape, A);
}

const SOLVE = signature("linalg.solve", {
  A: required(is.tensor),
  B: required(is.tensor),
  left: kw(is.boolean, true),
});

/**
 * torch.linalg.solve: X with A X = B; A [..., n, n], B [..., n, k] or a vector [..., n] (when B is 1-D or has one
 * dim fewer than A), batch dims broadcast; left: false solves X A = B. dB = A⁻ᵀ G, dA = −dB Xᵀ.
 */
export function solve(...args: Args<[A: Tensor, B: Tensor], { left?: boolean }>): Tensor {
  const { A, B, left } = SOLVE.parse(args);
  // X A = B is Aᵀ Xᵀ = Bᵀ (a vector B is the same either way).
  if (!left) {
    const vec = B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.slice(0, -1).every((s, i) => s === A.shape[i]));
    return vec ? solve(A.mT, B) : solve(A.mT, B.mT).mT;
  }
  if (A.ndim < 2 || A.shape[A.ndim - 1] !== A.shape[A.ndim - 2]) {
    throw new ShapeError(`linalg.solve: A must be a batch of square matrices, got shape ${fmt(A.shape)}`);
  }
  const n = A.shape[A.ndim - 1];
  const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.slice(0, -1).every((s, i) => s === A.shape[i]));
  const Bm = vector ? B.unsqueeze(-1) : B;
  if (Bm.ndim < 2 || Bm.shape[Bm.ndim - 2] !== n) {
    throw new ShapeError(`linalg.solve: incompatible shapes of A ${fmt(A.shape)} and B ${fmt(B.shape)}`);
  }
  const batch = broadcast(A.shape.slice(0, -2), Bm.shape.slice(0, -2), A, B);
  const Ae = A.expand([...batch, n, n]);
  const Be = Bm.expand([...batch, n, Bm.shape[Bm.ndim - 1]]);
  const X = solveHost("linalg.solve", Ae, Be);
  const out = record(
    "LinalgSolveExBackward0",
    X,
    [Ae, Be],
    ([g], [Ae, X]) => {
      const gB = solve(Ae.mT, g);
      return [gB.matmul(X.mT).neg(), gB];
    },
    [Ae, X],
  );
  return vector ? out.squeeze(-1) : out;
}

function broadcast(a: readonly number[], b: readonly number[], A: Tensor, B: Tensor): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new ShapeError(`linalg.solve: batch dims of A ${fmt(A.shape)} and B ${fmt(B.shape)} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- cholesky, qr

const CHOLESKY = signature("linalg.cholesky", { A: required(is.tensor), upper: kw(is.boolean, false) });

/**
 * torch.linalg.cholesky: L lower-triangular with A = L Lᵀ (reading A's lower triangle), or U = Lᵀ with upper.
 * Backward: PyTorch's gA = L⁻ᵀ Φ(Lᵀ G) L⁻¹.
 */
export function cholesky(...args: Args<[A: Tensor], { upper?: boolean }>): Tensor {
  const { A, upper } = CHOLESKY.parse(args);
  const b = readBatch("linalg.cholesky", A, true);
  const { n } = b;
  const out = new Float64Array(b.data.length);
  for (let i = 0; i < b.count; i++) {
    const info = hostCholesky(b.data, i * n * n, n, out);
    if (info) {
      throw new ValueError(
        `linalg.cholesky: the factorization could not be completed because the input is not positive-definite (the leading minor of order ${info}${b.count > 1 ? ` of batch element ${i}` : ""} is not positive-definite; input shape ${fmt(A.shape)})`,
      );
    }
  }
  const Lt = writeBack(out, A.shape, A);
  const L = record1(
    "LinalgCholeskyExBackward0",
    Lt,
    [A],
    (gL, [L]) => {
      let gA = L.mT.matmul(gL).tril();
      gA = gA.add(gA.tril(-1).mT).mul(0.5);
      const Linv = inv(L);
      return [Linv.mT.matmul(gA).matmul(Linv)];
    },
    [Lt],
  );
  return upper ? L.mT : L;
}

const narrowLast = (t: Tensor, start: number, length: number): Tensor => t.narrow(-1, start, length);

/** TensorFlow's QrGrad for m ≥ n: gA = Q (gR + tril(QᵀgQ − (QᵀgQ)ᵀ + R gRᵀ − (R gRᵀ)ᵀ) R⁻ᵀ) + (gQ − Q QᵀgQ) R⁻ᵀ. */
function qrBackwardTall(Q: Tensor, R: Tensor, gQ: Tensor, gR: Tensor): Tensor {
  const qdq = Q.mT.matmul(gQ);
  const rdr = R.matmul(gR.mT);
  const M = qdq.sub(qdq.mT).add(rdr).sub(rdr.mT).tril();
  const RinvT = inv(R).mT;
  return Q.matmul(gR.add(M.matmul(RinvT))).add(gQ.sub(Q.matmul(qdq)).matmul(RinvT));
}

const QR = signature("linalg.qr", {
  A: required(is.tensor),
  mode: arg(is.only("reduced", 'only mode="reduced" is implemented'), "reduced"),
});

/**
 * torch.linalg.qr (mode "reduced"): { Q, R } with A = Q R, Q [..., m, k] orthonormal columns, R [..., k, n] upper
 * triangular, k = min(m, n); LAPACK's Householder signs. Backward: TensorFlow's QrGrad (m ≥ n, and its wide form).
 */
export function qr(...args: Args<[A: Tensor, mode: "reduced"], { mode?: "reduced" }>): { Q: Tensor; R: Tensor } {
  const { A } = QR.parse(args);
  const b = readBatch("linalg.qr", A);
  const { m, n } = b;
  const k = Math.min(m, n);
  const q = new Float64Array(b.count * m * k);
  const r = new Float64Array(b.count * k * n);
  for (let i = 0; i < b.count; i++) hostQr(b.data, i * m * n, m, n, q, i * m * k, r, i * k * n);
  const Q = writeBack(q, [...b.batch, m, k], A);
  const R = writeBack(r, [...b.batch, k, n], A);
  record(
    "LinalgQrBackward0",
    [Q, R],
    [A],
    (grads, [Q, R, A]) => {
      const gQ = grad(grads[0], Q);
      const gR = grad(grads[1], R);
      if (m >= n) return [qrBackwardTall(Q, R, gQ, gR)];
      // Wide (TensorFlow's QrGrad): A = [X | Y], R = [U | V] with X = Q U square; Y = Q V.
      const Y = narrowLast(A, m, n - m);
      const U = narrowLast(R, 0, m);
      const gU = narrowLast(gR, 0, m);
      const gV = narrowLast(gR, m, n - m);
      const gX = qrBackwardTall(Q, U, gQ.add(Y.matmul(gV.mT)), gU);
      return [cat([gX, Q.matmul(gV)], -1)];
    },
    [Q, R, A],
  );
  return { Q, R };
}

// ---------------------------------------------------------------------------------------------------- eigh, svd

const EIGH = signature("linalg.eigh", { A: required(is.tensor), UPLO: arg(is.oneOf("L", "U"), "L") });

/**
 * torch.linalg.eigh: { eigenvalues (ascending), eigenvectors (columns) } of the symmetric matrices, read from the lower
 * ("L") or upper ("U") triangle; cyclic Jacobi in float64. Eigenvectors are defined up to sign. Backward: PyTorch's
 * gA = V (diag(gL) + (VᵀgV) / (λⱼ − λᵢ)) Vᵀ.
 */
export function eigh(...args: Args<[A: Tensor, UPLO: "L" | "U"], { UPLO?: "L" | "U" }>): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const { A: a, UPLO } = EIGH.parse(args);
  const A = UPLO === "U" ? a.mT : a;
  const b = readBatch("linalg.eigh", A, true);
  const { n } = b;
  const w = new Float64Array(b.count * n);
  const v = new Float64Array(b.count * n * n);
  for (let i = 0; i < b.count; i++) eighJacobi(b.data, i * n * n, n, w, i * n, v, i * n * n);
  const L = writeBack(w, [...b.batch, n], A);
  const V = writeBack(v, A.shape, A);
  record(
    "LinalgEighBackward0",
    [L, V],
    [A],
    (grads, [L, V]) => {
      const gL = grad(grads[0], L);
      const gV = grad(grads[1], V);
      const I = eyeLike(n, L);
      const E = L.unsqueeze(-2).sub(L.unsqueeze(-1)).add(I);
      const inner = V.mT.matmul(gV).div(E).mul(I.neg().add(1)).add(diagEmbed(gL));
      return [V.matmul(inner).matmul(V.mT)];
    },
    [L, V],
  );
  return { eigenvalues: L, eigenvectors: V };
}

const SVD = signature("linalg.svd", {
  A: required(is.tensor),
  fullMatrices: arg(is.boolean, true),
  driver: kw(is.only(null, "drivers are CUDA-only"), null),
});

/**
 * torch.linalg.svd: { U, S (descending), Vh } with A = U diag(S) Vh, by one-sided Jacobi in float64. fullMatrices
 * (PyTorch's default true) is implemented for square matrices; give fullMatrices: false for the others. Singular
 * vectors are defined up to sign. Backward: PyTorch's svd_backward.
 */
export function svd(...args: Args<[A: Tensor, fullMatrices: boolean], { fullMatrices?: boolean; driver?: null }>): {
  U: Tensor;
  S: Tensor;
  Vh: Tensor;
} {
  const { A, fullMatrices } = SVD.parse(args);
  if (A.ndim >= 2 && fullMatrices && A.shape[A.ndim - 1] !== A.shape[A.ndim - 2]) {
    throw new ValueError(
      `linalg.svd: fullMatrices=true is implemented for square matrices only, got shape ${fmt(A.shape)}; pass fullMatrices: false`,
    );
  }
  const { U, S, Vh } = svdHost("linalg.svd", A);
  const m = A.shape[A.ndim - 2];
  const n = A.shape[A.ndim - 1];
  record(
    "LinalgSvdBackward0",
    [U, S, Vh],
    [A],
    (grads, [U, S, Vh]) => [svdBackward(m, n, grad(grads[0], U), grad(grads[1], S), grad(grads[2], Vh), U, S, Vh)],
    [U, S, Vh],
  );
  return { U, S, Vh };
}

const SVDVALS = signature("linalg.svdvals", { A: required(is.tensor), driver: kw(is.only(null, "drivers are CUDA-only"), null) });

/** torch.linalg.svdvals: the singular values, descending; d/dA = U diag(gS) Vh. */
export function svdvals(...args: Args<[A: Tensor], { driver?: null }>): Tensor {
  const { A } = SVDVALS.parse(args);
  return svdvalsOf("linalg.svdvals", A);
}

function svdvalsOf(op: string, A: Tensor): Tensor {
  const { U, S, Vh } = svdHost(op, A);
  return record1("LinalgSvdBackward0", S, [A], (gS, [U, Vh]) => [U.mul(gS.unsqueeze(-2)).matmul(Vh)], [U, Vh]);
}

function svdHost(op: string, A: Tensor): { U: Tensor; S: Tensor; Vh: Tensor } {
  const b = readBatch(op, A);
  const { m, n } = b;
  const tall = m >= n;
  const [M, N] = tall ? [m, n] : [n, m];
  const k = N;
  const u = new Float64Array(b.count * M * k);
  const s = new Float64Array(b.count * k);
  const vh = new Float64Array(b.count * k * k);
  const mat = new Float64Array(M * N);
  for (let i = 0; i < b.count; i++) {
    if (tall) mat.set(b.data.subarray(i * m * n, (i + 1) * m * n));
    else for (let r = 0; r < m; r++) for (let c = 0; c < n; c++) mat[c * m + r] = b.data[i * m * n + r * n + c];
    const ui = new Float64Array(M * k);
    const si = new Float64Array(k);
    const vi = new Float64Array(k * k);
    svdTall(mat, 0, M, N, ui, si, vi);
    u.set(ui, i * M * k);
    s.set(si, i * k);
    vh.set(vi, i * k * k);
  }
  const Ut = writeBack(u, [...b.batch, M, k], A);
  const S = writeBack(s, [...b.batch, k], A);
  const Vt = writeBack(vh, [...b.batch, k, k], A);
  // For a wide A, svd(Aᵀ) = U' S V'ᵀ gives A = V' S U'ᵀ.
  return tall ? { U: Ut, S, Vh: Vt } : { U: Vt.mT.contiguous(), S, Vh: Ut.mT.contiguous() };
}

/** PyTorch's svd_backward (real, reduced). */
function svdBackward(m: number, n: number, gU: Tensor, gS: Tensor, gVh: Tensor, U: Tensor, S: Tensor, Vh: Tensor): Tensor {
  const V = Vh.mT;
  const gV = gVh.mT;
  const k = S.shape[S.ndim - 1];
  const I = eyeLike(k, S);
  const skew = (X: Tensor): Tensor => X.sub(X.mT);
  const UhgU = skew(U.mT.matmul(gU));
  const VhgV = skew(V.mT.matmul(gV));
  const S2 = S.square();
  const E = S2.unsqueeze(-2).sub(S2.unsqueeze(-1)).add(I);
  let gA = UhgU.mul(S.unsqueeze(-2)).add(S.unsqueeze(-1).mul(VhgV)).div(E).mul(I.neg().add(1));
  gA = gA.add(diagEmbed(gS));
  if (m > n) {
    gA = U.matmul(gA);
    const gUSinv = gU.div(S.unsqueeze(-2));
    gA = gA.add(gUSinv).sub(U.matmul(U.mT.matmul(gUSinv)));
    return gA.matmul(Vh);
  }
  if (m < n) {
    gA = gA.matmul(Vh);
    const SinvgVh = gVh.div(S.unsqueeze(-1));
    gA = gA.add(SinvgVh).sub(SinvgVh.matmul(V).matmul(Vh));
    return U.matmul(gA);
  }
  return U.matmul(gA).matmul(Vh);
}
