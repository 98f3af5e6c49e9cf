import { storageArrayFor } from "../../dtype.js";
import type { BackendBuffer, View } from "../backend.js";
import { sigmoid } from "./scalar_math.js";
import { materialize } from "./strided.js";

// The fused LSTM and GRU cell kernels (the optional Backend kernels lstmCell, lstmCellBackward, gruCell,
// gruCellBackward): one loop over the batch rows for a whole step's gate math, instead of a dozen elementwise ops.
// Every view is [..., k·H] with the same leading dims (the rows); gates are blocks of H in each row.

/** The common float dtype of the views, or null (another dtype, or mixed). */
function floatOf(...vs: View[]): "float32" | "float64" | null {
  const dt = vs[0].dtype;
  if (dt !== "float32" && dt !== "float64") return null;
  for (const v of vs) if (v.dtype !== dt) return null;
  return dt;
}

const lastDim = (v: View): number => (v.shape.length === 0 ? 1 : v.shape[v.shape.length - 1]);

/**
 * One LSTM step from the gate pre-activations xg + hg ([rows, 4H], gates i, f, g, o) and c [rows, H]:
 * c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). `act` [rows, 5H] keeps σ(i), σ(f), tanh(g), σ(o), tanh(c') for the backward.
 */
export function lstmCell(xg: View, hg: View, c: View): { h: BackendBuffer; c: BackendBuffer; act: BackendBuffer } | null {
  const dt = floatOf(xg, hg, c);
  const H = lastDim(c);
  if (dt === null || lastDim(xg) !== 4 * H || lastDim(hg) !== 4 * H) return null;
  const [x, g, cp] = [materialize(xg), materialize(hg), materialize(c)];
  const n = cp.length;
  const rows = H === 0 ? 0 : n / H;
  const h2 = storageArrayFor(dt, n);
  const c2 = storageArrayFor(dt, n);
  const act = storageArrayFor(dt, 5 * n);
  for (let r = 0; r < rows; r++) {
    const gi = 4 * H * r;
    const ai = 5 * H * r;
    const si = H * r;
    for (let j = 0; j < H; j++) {
      const k = gi + j;
      const i = sigmoid(x[k] + g[k]);
      const f = sigmoid(x[k + H] + g[k + H]);
      const gg = Math.tanh(x[k + 2 * H] + g[k + 2 * H]);
      const o = sigmoid(x[k + 3 * H] + g[k + 3 * H]);
      const cn = f * cp[si + j] + i * gg;
      c2[si + j] = cn;
      // tanh of c' as stored (rounded to the dtype), as the composed ops would take it.
      const tc = Math.tanh(c2[si + j]);
      h2[si + j] = o * tc;
      const a = ai + j;
      act[a] = i;
      act[a + H] = f;
      act[a + 2 * H] = gg;
      act[a + 3 * H] = o;
      act[a + 4 * H] = tc;
    }
  }
  return { h: h2, c: c2, act };
}

/**
 * The gradient of `lstmCell` from its saved activations, the old cell state c and the gradients dh, dc of h', c':
 * d(gates) [rows, 4H] (the same for xg and hg) and d(c) [rows, H].
 */
export function lstmCellBackward(act: View, c: View, dh: View, dc: View): { dGates: BackendBuffer; dC: BackendBuffer } | null {
  const dt = floatOf(act, c, dh, dc);
  const H = lastDim(c);
  if (dt === null || lastDim(act) !== 5 * H) return null;
  const [a, cp, gh, gc] = [materialize(act), materialize(c), materialize(dh), materialize(dc)];
  const n = cp.length;
  const rows = H === 0 ? 0 : n / H;
  const dGates = storageArrayFor(dt, 4 * n);
  const dC = storageArrayFor(dt, n);
  for (let r = 0; r < rows; r++) {
    const gi = 4 * H * r;
    const ai = 5 * H * r;
    const si = H * r;
    for (let j = 0; j < H; j++) {
      const k = ai + j;
      const i = a[k];
      const f = a[k + H];
      const g = a[k + 2 * H];
      const o = a[k + 3 * H];
      const tc = a[k + 4 * H];
      const dhj = gh[si + j];
      // dc' in full: the incoming dc plus the path through h' = o·tanh(c').
      const dct = gc[si + j] + dhj * o * (1 - tc * tc);
      const d = gi + j;
      dGates[d] = dct * g * i * (1 - i);
      dGates[d + H] = dct * cp[si + j] * f * (1 - f);
      dGates[d + 2 * H] = dct * i * (1 - g * g);
      dGates[d + 3 * H] = dhj * tc * o * (1 - o);
      dC[si + j] = dct * f;
    }
  }
  return { dGates, dC };
}

/**
 * One GRU step from xg (x·W_ihᵀ + b_ih) and hg (h·W_hhᵀ + b_hh), both [rows, 3H] with gates r, z, n, and h [rows, H]:
 * r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h. `act` [rows, 3H] keeps r, z, n.
 */
export function gruCell(xg: View, hg: View, h: View): { h: BackendBuffer; act: BackendBuffer } | null {
  const dt = floatOf(xg, hg, h);
  const H = lastDim(h);
  if (dt === null || lastDim(xg) !== 3 * H || lastDim(hg) !== 3 * H) return null;
  const [x, g, hp] = [materialize(xg), materialize(hg), materialize(h)];
  const n = hp.length;
  const rows = H === 0 ? 0 : n / H;
  const h2 = storageArrayFor(dt, n);
  const act = storageArrayFor(dt, 3 * n);
  for (let row = 0; row < rows; row++) {
    const gi = 3 * H * row;
    const si = H * row;
    for (let j = 0; j < H; j++) {
      const k = gi + j;
      const r = sigmoid(x[k] + g[k]);
      const z = sigmoid(x[k + H] + g[k + H]);
      const nn = Math.tanh(x[k + 2 * H] + r * g[k + 2 * H]);
      h2[si + j] = nn + z * (hp[si + j] - nn);
      act[k] = r;
      act[k + H] = z;
      act[k + 2 * H] = nn;
    }
  }
  return { h: h2, act };
}

/**
 * The gradient of `gruCell` from its saved activations, hg, the old h and the gradient dh of h': d(xg) [rows, 3H],
 * d(hg) [rows, 3H] (they differ in the n block: d(h_n) = d(x_n)·r) and d(h) [rows, H].
 */
export function gruCellBackward(
  act: View,
  hg: View,
  h: View,
  dh: View,
): { dXg: BackendBuffer; dHg: BackendBuffer; dH: BackendBuffer } | null {
  const dt = floatOf(act, hg, h, dh);
  const H = lastDim(h);
  if (dt === null || lastDim(act) !== 3 * H || lastDim(hg) !== 3 * H) return null;
  const [a, g, hp, gh] = [materialize(act), materialize(hg), materialize(h), materialize(dh)];
  const n = hp.length;
  const rows = H === 0 ? 0 : n / H;
  const dXg = storageArrayFor(dt, 3 * n);
  const dHg = storageArrayFor(dt, 3 * n);
  const dH = storageArrayFor(dt, n);
  for (let row = 0; row < rows; row++) {
    const gi = 3 * H * row;
    const si = H * row;
    for (let j = 0; j < H; j++) {
      const k = gi + j;
      const r = a[k];
      const z = a[k + H];
      const nn = a[k + 2 * H];
      const d = gh[si + j];
      const dn = d * (1 - z) * (1 - nn * nn);
      const dz = d * (hp[si + j] - nn) * z * (1 - z);
      const dr = dn * g[k + 2 * H] * r * (1 - r);
      dXg[k] = dr;
      dXg[k + H] = dz;
      dXg[k + 2 * H] = dn;
      dHg[k] = dr;
      dHg[k + H] = dz;
      dHg[k + 2 * H] = dn * r;
      dH[si + j] = d * z;
    }
  }
  return { dXg, dHg, dH };
}
