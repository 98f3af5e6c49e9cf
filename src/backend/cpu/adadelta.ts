import type { AdadeltaHyper, View } from "../backend.js";
import { data, viewIsContiguous } from "./strided.js";

// Adadelta's update as one pass over the elements, in place, for contiguous float views of one dtype and size: it
// replaces nine tensor ops and their temporaries over every parameter (most of a small CNN's optimizer step), rounding
// after every operation as those ops do in the dtype (Math.fround for float32), so the numbers are the composed update's
// bit for bit.

/**
 * square_avg = rho·square_avg + (1 − rho)·g², delta = √(acc_delta + eps) / √(square_avg + eps) · g,
 * acc_delta = rho·acc_delta + (1 − rho)·delta², param −= lr·delta, in place (g = −grad when maximizing). Returns false,
 * having written nothing, where the views are not contiguous float views of one dtype and size.
 */
export function adadelta(p: View, g: View, s: View, a: View, o: AdadeltaHyper): boolean {
  const views = [p, g, s, a];
  const dtype = p.dtype;
  if ((dtype !== "float32" && dtype !== "float64") || views.some((v) => v.dtype !== dtype || !viewIsContiguous(v))) return false;
  const n = p.shape.reduce((x, y) => x * y, 1);
  if (views.some((v) => v.shape.reduce((x, y) => x * y, 1) !== n)) return false;
  const [pd, gd, sd, ad] = views.map((v) => data(v).subarray(v.offset, v.offset + n));
  const sign = o.maximize ? -1 : 1;
  if (dtype === "float32") update32(pd as Float32Array, gd as Float32Array, sd as Float32Array, ad as Float32Array, o, sign);
  else update64(pd as Float64Array, gd as Float64Array, sd as Float64Array, ad as Float64Array, o, sign);
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
