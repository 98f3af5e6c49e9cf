/**
 * Adadelta's update as one pass over the elements, in place: on the backend's kernel where it has one (the WASM one),
 * else in the loops here where the values, gradient and state live in plain typed arrays (the cpu backend). It replaces
 * nine tensor ops and their temporaries over every parameter (most of a small CNN's optimizer step), rounding after
 * every operation as those ops do in the dtype (Math.fround for float32), so the numbers are the composed update's bit
 * for bit.
 */
import type { Tensor } from "../tensor/tensor.js";

type Floats = Float32Array | Float64Array;

/** The elements of a contiguous tensor held in a float typed array, else null. */
function hostFloats(t: Tensor): Floats | null {
  const buf = t.storage.buffer;
  if (!(buf instanceof Float32Array || buf instanceof Float64Array) || !t.isContiguous()) return null;
  return buf.subarray(t.offset, t.offset + t.numel());
}

/**
 * square_avg = rho·square_avg + (1 − rho)·g², delta = √(acc_delta + eps) / √(square_avg + eps) · g,
 * acc_delta = rho·acc_delta + (1 − rho)·delta², param −= lr·delta, in place (g = −grad when maximizing). Returns false,
 * having written nothing, where the tensors are not contiguous host arrays of one dtype.
 */
export function adadeltaFused(
  param: Tensor,
  grad: Tensor,
  squareAvg: Tensor,
  accDelta: Tensor,
  o: { lr: number; rho: number; eps: number; maximize: boolean },
): boolean {
  const dtype = param.dtype;
  if (grad.dtype !== dtype || squareAvg.dtype !== dtype || accDelta.dtype !== dtype) return false;
  const backend = param._backend;
  const same = [grad, squareAvg, accDelta].every((t) => t._backend === backend);
  if (same && backend.adadelta?.(param._view, grad._view, squareAvg._view, accDelta._view, o)) {
    for (const t of [param, squareAvg, accDelta]) t.storage.version++;
    return true;
  }
  const [p, g, s, a] = [param, grad, squareAvg, accDelta].map(hostFloats);
  if (p === null || g === null || s === null || a === null || g.length !== p.length) return false;
  const sign = o.maximize ? -1 : 1;
  if (p instanceof Float32Array) update32(p, g as Float32Array, s as Float32Array, a as Float32Array, o, sign);
  else update64(p, g as Float64Array, s as Float64Array, a as Float64Array, o, sign);
  for (const t of [param, squareAvg, accDelta]) t.storage.version++;
  return true;
}

/** The float32 update: every operation rounded to float32 (Math.fround), as the float32 tensor ops round. */
function update32(
  p: Float32Array,
  g: Float32Array,
  s: Float32Array,
  a: Float32Array,
  o: { lr: number; rho: number; eps: number },
  sign: number,
): void {
  // Scalars are rounded to the dtype, as a tensor op with a number operand does.
  const rho = Math.fround(o.rho);
  const oneMinusRho = Math.fround(1 - o.rho);
  const eps = Math.fround(o.eps);
  const negLr = Math.fround(-o.lr);
  for (let i = 0; i < p.length; i++) {
    const gi = sign * g[i];
    const si = Math.fround(Math.fround(s[i] * rho) + Math.fround(oneMinusRho * Math.fround(gi * gi)));
    s[i] = si;
    const std = Math.fround(Math.sqrt(Math.fround(si + eps)));
    const delta = Math.fround(Math.fround(Math.fround(Math.sqrt(Math.fround(a[i] + eps))) / std) * gi);
    a[i] = Math.fround(Math.fround(a[i] * rho) + Math.fround(oneMinusRho * Math.fround(delta * delta)));
    p[i] = Math.fround(p[i] + Math.fround(negLr * delta));
  }
}

/** The float64 update. */
function update64(
  p: Float64Array,
  g: Float64Array,
  s: Float64Array,
  a: Float64Array,
  o: { lr: number; rho: number; eps: number },
  sign: number,
): void {
  const { rho, eps } = o;
  const oneMinusRho = 1 - rho;
  const negLr = -o.lr;
  for (let i = 0; i < p.length; i++) {
    const gi = sign * g[i];
    const si = s[i] * rho + oneMinusRho * (gi * gi);
    s[i] = si;
    const delta = (Math.sqrt(a[i] + eps) / Math.sqrt(si + eps)) * gi;
    a[i] = a[i] * rho + oneMinusRho * (delta * delta);
    p[i] = p[i] + negLr * delta;
  }
}
