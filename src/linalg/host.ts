import { DeviceError, DTypeError, ShapeError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";

// The numerics of tg.linalg, on the host in float64: each matrix of a batch is read with toArray, factored here, and
// the results written back in the input's dtype on its device. Gradients are written in tensor ops (see index.ts).

/** A batch of square or rectangular matrices read from `x` (shape [..., m, n]) as float64. */
export interface Batch {
  readonly data: Float64Array;
  readonly batch: readonly number[];
  readonly count: number;
  readonly m: number;
  readonly n: number;
}

const fmt = (s: readonly number[]): string => `[${s.join(", ")}]`;

export function readBatch(op: string, x: Tensor, square = false): Batch {
  if (x.ndim < 2)
    throw new ShapeError(`${op}: expected a tensor with at least 2 dims (a matrix or a batch of them), got shape ${fmt(x.shape)}`);
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new DTypeError(`${op}: expected a float32 or float64 tensor, got ${x.dtype} (shape ${fmt(x.shape)})`);
  }
  const m = x.shape[x.ndim - 2];
  const n = x.shape[x.ndim - 1];
  if (square && m !== n) throw new ShapeError(`${op}: expected a batch of square matrices, got shape ${fmt(x.shape)}`);
  if (x._backend.asyncOnly) {
    throw new DeviceError(
      `${op}: computed on the CPU; the tensor is on the ${x.device} device, which is read asynchronously; move it with \`await x.toAsync("cpu")\``,
    );
  }
  const src = x.detach().contiguous().toArray();
  const data = Float64Array.from(src as ArrayLike<number>, Number);
  const batch = x.shape.slice(0, -2);
  return { data, batch, count: batch.reduce((a, b) => a * b, 1), m, n };
}

/** `data` as a tensor of `shape` in `like`'s dtype and device. */
export function writeBack(data: Float64Array, shape: readonly number[], like: Tensor): Tensor {
  const typed = like.dtype === "float64" ? data : Float32Array.from(data);
  return fromTyped(typed, shape, { device: like._backend.device });
}

/** LU with partial pivoting of the n×n matrix at a[off..]: in place; returns the pivot rows and the permutation sign. */
export function lu(a: Float64Array, off: number, n: number): { piv: Int32Array; sign: number; singular: boolean } {
  const piv = new Int32Array(n);
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[off + k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[off + i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (p !== k) {
      sign = -sign;
      for (let j = 0; j < n; j++) {
        const t = a[off + k * n + j];
        a[off + k * n + j] = a[off + p * n + j];
        a[off + p * n + j] = t;
      }
    }
    const d = a[off + k * n + k];
    if (d === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      a[off + i * n + k] /= d;
      const f = a[off + i * n + k];
      if (f !== 0) for (let j = k + 1; j < n; j++) a[off + i * n + j] -= f * a[off + k * n + j];
    }
  }
  return { piv, sign, singular };
}

/** Solves (LU) X = P B for the k columns of b (n×k at b[boff..]) in place. */
export function luSolve(a: Float64Array, off: number, n: number, piv: Int32Array, b: Float64Array, boff: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const p = piv[i];
    if (p !== i) {
      for (let j = 0; j < k; j++) {
        const t = b[boff + i * k + j];
        b[boff + i * k + j] = b[boff + p * k + j];
        b[boff + p * k + j] = t;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < i; r++) {
      const f = a[off + i * n + r];
      if (f !== 0) for (let j = 0; j < k; j++) b[boff + i * k + j] -= f * b[boff + r * k + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let r = i + 1; r < n; r++) {
      const f = a[off + i * n + r];
      if (f !== 0) for (let j = 0; j < k; j++) b[boff + i * k + j] -= f * b[boff + r * k + j];
    }
    const d = a[off + i * n + i];
    for (let j = 0; j < k; j++) b[boff + i * k + j] /= d;
  }
}

/** Cholesky factor (lower) of the n×n matrix at a[off..] into out, reading its lower triangle; 0, or the 1-based order of the leading minor that is not positive-definite. */
export function cholesky(a: Float64Array, off: number, n: number, out: Float64Array): number {
  for (let j = 0; j < n; j++) {
    let s = a[off + j * n + j];
    for (let k = 0; k < j; k++) s -= out[off + j * n + k] ** 2;
    if (!(s > 0)) return j + 1;
    const d = Math.sqrt(s);
    out[off + j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = a[off + i * n + j];
      for (let k = 0; k < j; k++) t -= out[off + i * n + k] * out[off + j * n + k];
      out[off + i * n + j] = t / d;
    }
  }
  return 0;
}

/** Householder QR (LAPACK's signs) of an m×n matrix; reduced: Q m×k, R k×n with k = min(m, n). */
export function qr(a: Float64Array, off: number, m: number, n: number, q: Float64Array, qoff: number, r: Float64Array, roff: number): void {
  const k = Math.min(m, n);
  const w = a.slice(off, off + m * n);
  const vs: Float64Array[] = [];
  const taus: number[] = [];
  for (let j = 0; j < k; j++) {
    let tail = 0;
    for (let i = j + 1; i < m; i++) tail += w[i * n + j] ** 2;
    const alpha = w[j * n + j];
    const norm2 = tail + alpha * alpha;
    const v = new Float64Array(m);
    let tau = 0;
    if (tail > 0) {
      const beta = -Math.sign(alpha || 1) * Math.sqrt(norm2);
      tau = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      v[j] = 1;
      for (let i = j + 1; i < m; i++) v[i] = w[i * n + j] * scale;
      // apply H = I − tau v vᵀ to columns j..n−1
      for (let c = j; c < n; c++) {
        let s = 0;
        for (let i = j; i < m; i++) s += v[i] * w[i * n + c];
        s *= tau;
        for (let i = j; i < m; i++) w[i * n + c] -= s * v[i];
      }
    }
    vs.push(v);
    taus.push(tau);
  }
  for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) r[roff + i * n + c] = c >= i ? w[i * n + c] : 0;
  // Q = H_0 … H_{k−1} applied to the first k columns of I
  const qq = new Float64Array(m * k);
  for (let i = 0; i < k; i++) qq[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j];
    const tau = taus[j];
    if (tau === 0) continue;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = j; i < m; i++) s += v[i] * qq[i * k + c];
      s *= tau;
      for (let i = j; i < m; i++) qq[i * k + c] -= s * v[i];
    }
  }
  q.set(qq, qoff);
}

/** Eigen-decomposition of the symmetric n×n matrix (its lower triangle) by cyclic Jacobi: ascending w, columns of v. */
export function eighJacobi(a: Float64Array, off: number, n: number, w: Float64Array, woff: number, v: Float64Array, voff: number): void {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) s[i * n + j] = s[j * n + i] = a[off + i * n + j];
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offn = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        total += s[i * n + j] ** 2;
        if (i !== j) offn += s[i * n + j] ** 2;
      }
    if (offn <= 1e-30 * total || offn === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (apq === 0) continue;
        const theta = (s[q * n + q] - s[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const skp = s[k * n + p];
          const skq = s[k * n + q];
          s[k * n + p] = c * skp - sn * skq;
          s[k * n + q] = sn * skp + c * skq;
        }
        for (let k = 0; k < n; k++) {
          const spk = s[p * n + k];
          const sqk = s[q * n + k];
          s[p * n + k] = c * spk - sn * sqk;
          s[q * n + k] = sn * spk + c * sqk;
        }
        for (let k = 0; k < n; k++) {
          const ekp = e[k * n + p];
          const ekq = e[k * n + q];
          e[k * n + p] = c * ekp - sn * ekq;
          e[k * n + q] = sn * ekp + c * ekq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => s[i * n + i] - s[j * n + j]);
  for (let c = 0; c < n; c++) {
    const src = order[c];
    w[woff + c] = s[src * n + src];
    for (let r = 0; r < n; r++) v[voff + r * n + c] = e[r * n + src];
  }
}

/**
 * Reduced SVD of an m×n matrix with m ≥ n by one-sided Jacobi: U m×n, S n (descending), Vh n×n.
 */
export function svdTall(a: Float64Array, off: number, m: number, n: number, u: Float64Array, s: Float64Array, vh: Float64Array): void {
  const w = a.slice(off, off + m * n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += w[i * n + p] ** 2;
          beta += w[i * n + q] ** 2;
          gamma += w[i * n + p] * w[i * n + q];
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let i = 0; i < m; i++) {
          const x = w[i * n + p];
          const y = w[i * n + q];
          w[i * n + p] = c * x - sn * y;
          w[i * n + q] = sn * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = v[i * n + p];
          const y = v[i * n + q];
          v[i * n + p] = c * x - sn * y;
          v[i * n + q] = sn * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let t = 0;
    for (let i = 0; i < m; i++) t += w[i * n + j] ** 2;
    norms[j] = Math.sqrt(t);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j] - norms[i]);
  // A column of (numerically) zero norm gives no direction: its left singular vector is completed below.
  const tiny = norms[order[0]] * m * Number.EPSILON;
  for (let c = 0; c < n; c++) {
    const src = order[c];
    const sv = norms[src];
    s[c] = sv;
    for (let i = 0; i < m; i++) u[i * n + c] = sv > tiny ? w[i * n + src] / sv : 0;
    for (let i = 0; i < n; i++) vh[c * n + i] = v[i * n + src];
  }
  for (let c = 0; c < n; c++) if (!(s[c] > tiny)) completeColumn(u, m, n, c);
}

/** Column c of the m×n u set to a unit vector orthogonal to columns 0..c−1 (Gram–Schmidt on the unit vectors). */
function completeColumn(u: Float64Array, m: number, n: number, c: number): void {
  const x = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    x.fill(0);
    x[j] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < c; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i * n + k] * x[i];
        for (let i = 0; i < m; i++) x[i] -= dot * u[i * n + k];
      }
    }
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm += x[i] * x[i];
    nrm = Math.sqrt(nrm);
    if (nrm > 0.5) {
      for (let i = 0; i < m; i++) u[i * n + c] = x[i] / nrm;
      return;
    }
  }
}
