/**
 * asin, acos, atan and atan2 in WGSL for float32. WGSL leaves its builtins undefined outside their domain and loose in
 * precision (software adapters compute them to ~1e-5), and says nothing of signed zeros or infinities: these follow
 * Cephes' asinf/acosf/atanf (about 2 ULP) and IEEE's (JavaScript's Math, the CPU reference's) special values.
 * Callers pass NaN through before calling (unary ops do); atan2_f32 tests for it itself.
 */
export const INVERSE_TRIG = /* wgsl */ `
const PI_F: f32 = 3.14159265358979323846;
const PIO2_F: f32 = 1.57079632679489661923;
const PIO4_F: f32 = 0.78539816339744830962;
fn asin_poly(x: f32) -> f32 {
  let z = x * x;
  return ((((4.2163199048e-2 * z + 2.4181311049e-2) * z + 4.5470025998e-2) * z + 7.4953002686e-2) * z + 1.6666752422e-1) * z * x + x;
}
fn asin_f32(x: f32) -> f32 {
  let a = abs(x);
  if (a > 1.0) { return nan_f32(); }
  if (a < 1e-4) { return x; }
  var r: f32;
  if (a > 0.5) { r = PIO2_F - 2.0 * asin_poly(sqrt(0.5 * (1.0 - a))); } else { r = asin_poly(a); }
  return select(r, -r, x < 0.0);
}
fn acos_f32(x: f32) -> f32 {
  if (abs(x) > 1.0) { return nan_f32(); }
  if (x < -0.5) { return PI_F - 2.0 * asin_poly(sqrt(0.5 * (1.0 + x))); }
  if (x > 0.5) { return 2.0 * asin_poly(sqrt(0.5 * (1.0 - x))); }
  return PIO2_F - asin_f32(x);
}
fn atan_f32(x: f32) -> f32 {
  var a = abs(x);
  var y: f32 = 0.0;
  if (a > 2.414213562373095) { y = PIO2_F; a = -1.0 / a; }
  else if (a > 0.4142135623730950) { y = PIO4_F; a = (a - 1.0) / (a + 1.0); }
  let z = a * a;
  y = y + (((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z * a + a;
  // atan(±0) is ±0: the sign comes from x's bits.
  if (x == 0.0) { return x; }
  return select(y, -y, x < 0.0);
}
fn atan2_f32(y: f32, x: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return nan_f32(); }
  let sy = (bitcast<u32>(y) >> 31u) != 0u;
  let sx = (bitcast<u32>(x) >> 31u) != 0u;
  if (y == 0.0) {
    if (sx) { return select(PI_F, -PI_F, sy); }
    return y;
  }
  if (x == 0.0) { return select(PIO2_F, -PIO2_F, sy); }
  if (is_inf(x)) {
    if (is_inf(y)) {
      let q = select(PIO4_F, 3.0 * PIO4_F, sx);
      return select(q, -q, sy);
    }
    if (sx) { return select(PI_F, -PI_F, sy); }
    // ±0 as y's sign bit (a -0.0 literal may be folded to +0).
    return bitcast<f32>(bitcast<u32>(y) & 0x80000000u);
  }
  if (is_inf(y)) { return select(PIO2_F, -PIO2_F, sy); }
  let z = atan_f32(y / x);
  if (sx) { return z + select(PI_F, -PI_F, sy); }
  return z;
}
`;
