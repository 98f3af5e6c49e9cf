// Vector math for the kernels: fused multiply-add where the build has relaxed SIMD, and float32 exp, tanh
// and sigmoid accurate to a few ulp, with IEEE behaviour at the edges (NaN propagates, ±Inf saturate).

/** a * b + c: one rounding (relaxed-SIMD FMA) in the FMA build, two in the plain SIMD build. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function splat(x: f32): v128 {
  return f32x4.splat(x);
}

const SIGN: v128 = i32x4.splat(0x80000000);
/** 1.5·2^23: adding it to a float32 of magnitude below 2^22 rounds it to an integer held in the low mantissa bits. */
const MAGIC: v128 = f32x4.splat(12582912.0);

/** e^x. Cody-Waite reduction x = n·ln2 + r, a degree-7 polynomial for e^r (Cephes expf), and 2^n applied in two halves so that
 * results near the overflow and denormal edges round once, correctly up to the polynomial's error. */
// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  // pmin/pmax (one instruction each, unlike min/max) keep a NaN x when it is the first operand.
  x = f32x4.pmin(f32x4.pmax(x, splat(-104.0)), splat(89.0));
  // n = round(x·log2 e) by the add-a-magic-number trick: adding 1.5·2^23 rounds to an integer (ties to even, as
  // f32x4.nearest), whose value sits in the low mantissa bits, so n as an integer is a subtraction away.
  const t = f32x4.add(f32x4.mul(x, splat(1.44269504088896341)), MAGIC);
  const n = f32x4.sub(t, MAGIC);
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = madd(p, r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), splat(1.0));
  // n is in [-150, 129]: each half is a normal power of two (for a NaN x, p is NaN and the scale does not matter).
  const ni = i32x4.sub(t, MAGIC);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** tanh(x): an odd polynomial (Cephes tanhf) below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above; the sign is copied from x. */
// @ts-ignore: decorator
@inline export function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = expv(f32x4.add(ax, ax));
  const big = f32x4.sub(splat(1.0), f32x4.div(splat(2.0), f32x4.add(e, splat(1.0))));
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = madd(p, z, splat(2.06390887954e-2));
  p = madd(p, z, splat(-5.37397155531e-2));
  p = madd(p, z, splat(1.33314422036e-1));
  p = madd(p, z, splat(-3.33332819422e-1));
  const small = madd(f32x4.mul(p, z), ax, ax);
  const r = v128.bitselect(small, big, f32x4.lt(ax, splat(0.625)));
  return v128.or(r, v128.and(x, SIGN));
}

/** 1 / (1 + e^{-x}), as e^x / (1 + e^x) for negative x so that neither form overflows. */
// @ts-ignore: decorator
@inline export function sigmoidv(x: v128): v128 {
  const e = expv(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.add(splat(1.0), e);
  return v128.bitselect(f32x4.div(e, d), f32x4.div(splat(1.0), d), f32x4.lt(x, splat(0.0)));
}
