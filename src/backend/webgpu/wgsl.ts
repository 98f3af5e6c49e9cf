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

/** WGSL converting the expression `v` of type `from` to type `to` (bools are 0/1, anything nonzero is true). */
export function convert(v: string, from: string, to: string): string {
  if (from === to) return v;
  if (to === "u32") return `select(0u, 1u, ${v} != ${from}(0))`;
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
fn log1p_f32(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (x > 1e6 || is_nan(x)) { return log(u); }
  return log(u) * (x / (u - 1.0));
}
fn expm1_f32(x: f32) -> f32 {
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  if (is_inf(u) || is_nan(x)) { return u; }
  return um1 * x / log(u);
}
fn tanh_f32(x: f32) -> f32 {
  if (abs(x) > 15.0) { return sign(x); }
  return tanh(x);
}
fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
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
