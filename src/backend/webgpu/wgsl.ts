import type { DType } from "../../dtype.js";
import { DTypeError } from "../../errors.js";
import { numel } from "../../shape.js";
import type { View } from "../backend.js";
import { coalesceMany } from "../cpu/strided.js";
import { WG } from "./runtime.js";

/** The WGSL element type of a dtype on the GPU: every element takes 4 bytes, bools are u32 0/1. */
export function wgslType(dtype: DType): "f32" | "i32" | "u32" {
  switch (dtype) {
    case "float32":
      return "f32";
    case "int32":
      return "i32";
    case "bool":
      return "u32";
    default:
      throw new DTypeError(
        `webgpu: ${dtype} is not supported on the webgpu device (WGSL has no 64-bit floats); use float32, or move the tensor to the cpu`,
      );
  }
}

/**
 * WGSL testing the expression `v` of type `t` for nonzero (truthy). Floats are tested on their bits: compilers may
 * assume no NaN in float comparisons (WGSL allows it), and NaN must read as true, as in PyTorch.
 */
export function truthy(v: string, t: string): string {
  return t === "f32" ? `((bitcast<u32>(${v}) & 0x7fffffffu) != 0u)` : `(${v} != ${t}(0))`;
}

/** WGSL converting the expression `v` of type `from` to type `to` (bools are 0/1, anything nonzero is true). */
export function convert(v: string, from: string, to: string): string {
  if (from === to) return v;
  if (to === "u32") return `select(0u, 1u, ${truthy(v, from)})`;
  return `${to}(${v})`;
}

/** Functions every elementwise kernel may call (WGSL lacks them, or leaves NaN/overflow behaviour open). */
export const PRELUDE = /* wgsl */ `
// Private variables, not constants: WGSL refuses NaN and infinities in constant expressions.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_f32() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_f32() -> f32 { return bitcast<f32>(INF_BITS); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// WGSL leaves the builtins' results outside their domain (and on NaN, infinities) undefined, and software adapters do
// return finite garbage there (log(NaN) = 89.1, exp(NaN) = inf): the _f32 forms below give IEEE's (and PyTorch's)
// values there and call the builtin only inside its domain. Every float unary op returns a NaN argument unchanged
// before it gets here (see elementwise.ts).
fn exp_f32(x: f32) -> f32 {
  if (x > 88.72284) { return inf_f32(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}
fn log_f32(x: f32) -> f32 {
  if (x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  return log(x);
}
fn sqrt_f32(x: f32) -> f32 {
  if (x < 0.0) { return nan_f32(); }
  if (x == 0.0 || is_inf(x)) { return x; }
  return sqrt(x);
}
fn rsqrt_f32(x: f32) -> f32 {
  if (x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return select(inf_f32(), -inf_f32(), bitcast<u32>(x) != 0u); }
  if (is_inf(x)) { return 0.0; }
  return 1.0 / sqrt(x);
}
fn reciprocal_f32(x: f32) -> f32 {
  if (x == 0.0) { return select(inf_f32(), -inf_f32(), bitcast<u32>(x) != 0u); }
  if (is_inf(x)) { return select(0.0, -0.0, x < 0.0); }
  return 1.0 / x;
}
// sin and cos: WGSL bounds their error only inside [-π, π], so the argument is reduced first to r in [-π/4, π/4] and
// the quadrant q (x = r + q·π/2), with π/2 in three parts (Cody-Waite, Cephes' constants): exact products for
// |x| < 2^16·π/2, error growing slowly beyond (|x| > 1e5 is not reduced exactly, as in most GPU math libraries). On
// [-π/4, π/4] Cephes' sinf/cosf polynomials (about 1 ULP) replace the builtins, which software adapters compute to ~1e-5.
fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
}
fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}
fn reduce_half_pi(x: f32) -> vec2<f32> {
  let q = round(x * 0.63661977236758134);
  let r = ((x - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8;
  return vec2<f32>(r, q);
}
fn sin_f32(x: f32) -> f32 {
  if (is_inf(x)) { return nan_f32(); }
  if (abs(x) > 1e5) { return sin(x); }
  let rq = reduce_half_pi(x);
  let q = i32(rq.y - 4.0 * floor(rq.y * 0.25));
  switch q {
    case 0: { return sin_poly(rq.x); }
    case 1: { return cos_poly(rq.x); }
    case 2: { return -sin_poly(rq.x); }
    default: { return -cos_poly(rq.x); }
  }
}
fn cos_f32(x: f32) -> f32 {
  if (is_inf(x)) { return nan_f32(); }
  if (abs(x) > 1e5) { return cos(x); }
  let rq = reduce_half_pi(x);
  let q = i32(rq.y - 4.0 * floor(rq.y * 0.25));
  switch q {
    case 0: { return cos_poly(rq.x); }
    case 1: { return -sin_poly(rq.x); }
    case 2: { return -cos_poly(rq.x); }
    default: { return sin_poly(rq.x); }
  }
}
fn log1p_f32(x: f32) -> f32 {
  if (x < -1.0) { return nan_f32(); }
  if (x == -1.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (x > 1e6 || is_nan(x)) { return log(u); }
  return log(u) * (x / (u - 1.0));
}
fn expm1_f32(x: f32) -> f32 {
  let u = exp_f32(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  if (is_inf(u) || is_nan(x)) { return u; }
  // Away from 0, u - 1 loses nothing (and um1 * x would overflow near the top of the range).
  if (abs(x) > 0.5) { return um1; }
  return um1 * x / log(u);
}
fn tanh_f32(x: f32) -> f32 {
  if (abs(x) > 15.0) { return sign(x); }
  return tanh(x);
}
fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp_f32(-x)); }
  let e = exp_f32(x);
  return e / (1.0 + e);
}
fn erf_f32(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-0.3333333333 + x2 * (0.1 + x2 * (-0.0238095238 + x2 * (0.0046296296 - x2 * 0.0007575758)))));
  }
  if (a >= 6.0) { return sign(x); }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return select(y, -y, x < 0.0);
}
fn sign_f32(x: f32) -> f32 {
  if (x > 0.0) { return 1.0; }
  if (x < 0.0) { return -1.0; }
  return x;
}
fn pow_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  let int_b = floor(b) == b && !is_inf(b);
  if (a == 0.0) {
    if (b > 0.0) {
      if (int_b && abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1) { return a; }
      return 0.0;
    }
    if (int_b && abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1) { return select(inf_f32(), -inf_f32(), bitcast<u32>(a) != 0u); }
    return inf_f32();
  }
  if (a < 0.0) {
    if (!int_b) { return nan_f32(); }
    let r = pow(-a, b);
    if (abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1) { return -r; }
    return r;
  }
  return pow(a, b);
}
fn floor_divide_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return a / b; }
  let m = a % b;
  var d = (a - m) / b;
  if (m != 0.0 && ((b < 0.0) != (m < 0.0))) { d = d - 1.0; }
  if (d == 0.0) { return select(0.0, -0.0, a / b < 0.0); }
  var f = floor(d);
  if (d - f > 0.5) { f = f + 1.0; }
  return f;
}
fn floor_divide_i32(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) { return q - 1; }
  return q;
}
fn pow_i32(a: i32, b: i32) -> i32 {
  if (b < 0) { return select(0, select(1, select(-1, 1, (b & 1) == 0), a == -1), a == 1 || a == -1); }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) == 1) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
fn max_f32(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  return max(a, b);
}
fn min_f32(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  return min(a, b);
}
`;

/**
 * Parameters of a strided elementwise kernel over `shape` with operand views: [n, shape..., then for each view its offset
 * and strides], after merging the dims that every view lays out alike (so dense views become rank 1).
 */
export function stridedMeta(shape: readonly number[], views: readonly View[]): { rank: number; meta: number[] } {
  const { shape: s, strides } = coalesceMany(
    shape,
    views.map((v) => v.strides),
  );
  const meta = [numel(shape), ...s];
  for (let j = 0; j < views.length; j++) meta.push(views[j].offset, ...strides[j]);
  return { rank: s.length, meta };
}

/** WGSL statements computing `o0, o1, ...` (element offsets of each view) from the linear index `i` (see `stridedMeta`). */
export function stridedOffsets(rank: number, count: number): string {
  const lines: string[] = ["var rem = i;"];
  const base = (j: number): number => 1 + rank + j * (rank + 1);
  for (let j = 0; j < count; j++) lines.push(`var o${j} = prm[${base(j)}];`);
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`{ let s = prm[${1 + d}]; let c = rem % s; rem = rem / s;`);
    for (let j = 0; j < count; j++) lines.push(`  o${j} = o${j} + c * prm[${base(j) + 1 + d}];`);
    lines.push("}");
  }
  return lines.join("\n    ");
}

/** The kernel header: bindings (meta first), the entry point and the linear index `i` with its bounds check on `prm[0]`. */
export function kernelHead(bindings: readonly string[], body: string, functions = ""): string {
  const decls = bindings.map((b, k) => `@group(0) @binding(${k + 1}) ${b};`).join("\n");
  return `${PRELUDE}
${functions}
@group(0) @binding(0) var<storage, read> prm: array<i32>;
${decls}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = i32((wid.x + wid.y * nwg.x) * ${WG}u + lid);
  if (i >= prm[0]) { return; }
  ${body}
}
`;
}

/** Workgroups for `n` threads of the one-dimensional kernels. */
export const groupsFor = (n: number): number => Math.ceil(n / WG);
