import type { DType } from "../../dtype.js";
import { DTypeError } from "../../errors.js";
import { isContiguous, numel } from "../../shape.js";
import type { BinaryOp, UnaryOp, View } from "../backend.js";
import type { GpuBuffer, Runtime } from "./runtime.js";
import { convert, groupsFor, kernelHead, stridedMeta, stridedOffsets, truthy, wgslType } from "./wgsl.js";
import { INVERSE_TRIG } from "./wgsl_atrig.js";

/** The GPU buffer behind a view. */
export const gpu = (v: View): GPUBuffer => (v.buffer as GpuBuffer).buffer;

/** Each unary op as a WGSL expression of `x` in the output's type (f32 ops; int32 has the few that apply to it). */
const UNARY_F32: Record<UnaryOp, string> = {
  neg: "-x",
  abs: "abs(x)",
  sign: "sign_f32(x)",
  exp: "exp_f32(x)",
  log: "log_f32(x)",
  log1p: "log1p_f32(x)",
  expm1: "expm1_f32(x)",
  sqrt: "sqrt_f32(x)",
  rsqrt: "rsqrt_f32(x)",
  square: "x * x",
  reciprocal: "reciprocal_f32(x)",
  sin: "sin_f32(x)",
  cos: "cos_f32(x)",
  tanh: "tanh_f32(x)",
  sigmoid: "sigmoid_f32(x)",
  relu: "select(x, 0.0, x <= 0.0)",
  floor: "floor(x)",
  ceil: "ceil(x)",
  round: "round(x)",
  erf: "erf_f32(x)",
  asin: "asin_f32(x)",
  acos: "acos_f32(x)",
  atan: "atan_f32(x)",
  logicalNot: "",
  isnan: "",
  isinf: "",
};
const UNARY_INT: Partial<Record<UnaryOp, string>> = {
  neg: "-x",
  abs: "abs(x)",
  sign: "sign(x)",
  square: "x * x",
  relu: "max(x, 0)",
  floor: "x",
  ceil: "x",
  round: "x",
};

const sources = new Map<string, string>();
/** The WGSL of a kernel, built once per key. */
function source(key: string, build: () => string): string {
  let s = sources.get(key);
  if (s === undefined) {
    s = build();
    sources.set(key, s);
  }
  return s;
}

/** Launches a kernel reading `views` (strided, of the output's shape) into a new contiguous buffer. */
function launch(
  rt: Runtime,
  src: (rank: number) => string,
  key: string,
  shape: readonly number[],
  views: View[],
  outDType: DType,
): GpuBuffer {
  const n = numel(shape);
  const out = rt.alloc(outDType, n);
  if (n === 0) return out;
  const { rank, meta } = stridedMeta(shape, views);
  const code = source(`${key}|${rank}`, () => src(rank));
  rt.dispatch(code, meta, [...views.map(gpu), out.buffer], groupsFor(n));
  return out;
}

const inputs = (views: View[]): string[] => views.map((v, j) => `var<storage, read> in${j}: array<${wgslType(v.dtype)}>`);

export function unary(rt: Runtime, op: UnaryOp, x: View, outDType: DType): GpuBuffer {
  const tin = wgslType(x.dtype);
  const tout = wgslType(outDType);
  const build = (rank: number): string => {
    const bindings = [...inputs([x]), `var<storage, read_write> out: array<${tout}>`];
    const offsets = stridedOffsets(rank, 1);
    if (op === "logicalNot") return kernelHead(bindings, `${offsets}\n    out[i] = select(1u, 0u, ${truthy("in0[o0]", tin)});`);
    if (op === "isnan" || op === "isinf") {
      // Integers are never NaN or infinite; the load stays so that the input keeps its binding in the pipeline's layout.
      const test = tin === "f32" ? `select(0u, 1u, is_${op.slice(2)}(in0[o0]))` : "0u";
      return kernelHead(bindings, `${offsets}\n    _ = in0[o0];\n    out[i] = ${test};`);
    }
    // Math runs in the output's type (bools as i32), the input converted to it first.
    const t = tout === "u32" ? "i32" : tout;
    const body = (t === "f32" ? UNARY_F32 : UNARY_INT)[op];
    if (!body) throw new DTypeError(`webgpu: ${op} is not defined for ${outDType}`);
    return kernelHead(
      bindings,
      `${offsets}\n    out[i] = ${convert(`op(${convert("in0[o0]", tin, t)})`, t, tout)};`,
      // A NaN passes through every float op unchanged (the builtins' NaN results are undefined in WGSL).
      t === "f32"
        ? `${op === "asin" || op === "acos" || op === "atan" ? INVERSE_TRIG : ""}fn op(x: f32) -> f32 { if (is_nan(x)) { return x; } return ${body}; }`
        : `fn op(x: ${t}) -> ${t} { return ${body}; }`,
    );
  };
  return launch(rt, build, `u|${op}|${x.dtype}|${outDType}`, x.shape, [x], outDType);
}

/** Each binary op as WGSL of `a` and `b` in the compute type `t` (the operands' dtype), giving `t` or bool (u32). */
function binaryExpr(op: BinaryOp, t: string): string {
  const f = t === "f32";
  switch (op) {
    case "add":
      return "a + b";
    case "sub":
      return "a - b";
    case "mul":
      return "a * b";
    case "div":
      return f ? "a / b" : "select(a / b, 0, b == 0)";
    case "floorDivide":
      return f ? "floor_divide_f32(a, b)" : "floor_divide_i32(a, b)";
    case "pow":
      return f ? "pow_f32(a, b)" : "pow_i32(a, b)";
    case "atan2":
      // Ops give atan2 float operands (as torch.atan2); an integer one is converted here all the same.
      return f ? "atan2_f32(a, b)" : "i32(atan2_f32(f32(a), f32(b)))";
    case "maximum":
      return f ? "max_f32(a, b)" : "max(a, b)";
    case "minimum":
      return f ? "min_f32(a, b)" : "min(a, b)";
    case "eq":
      return "select(0u, 1u, a == b)";
    case "ne":
      // Compilers may assume no NaN and compile != as an ordered comparison (false when either is NaN).
      return f ? "select(0u, 1u, a != b || is_nan(a) || is_nan(b))" : "select(0u, 1u, a != b)";
    case "lt":
      return "select(0u, 1u, a < b)";
    case "le":
      return "select(0u, 1u, a <= b)";
    case "gt":
      return "select(0u, 1u, a > b)";
    case "ge":
      return "select(0u, 1u, a >= b)";
    case "logicalAnd":
      return `select(0u, 1u, ${truthy("a", t)} && ${truthy("b", t)})`;
    case "logicalOr":
      return `select(0u, 1u, ${truthy("a", t)} || ${truthy("b", t)})`;
  }
}
const BOOL_RESULT = new Set<BinaryOp>(["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr"]);

export function binary(rt: Runtime, op: BinaryOp, a: View, b: View, outDType: DType): GpuBuffer {
  const ta = wgslType(a.dtype);
  const tb = wgslType(b.dtype);
  const tout = wgslType(outDType);
  // The compute type: the operands' (ops bring them to one dtype first); bools compute as i32 where arithmetic applies.
  const t = ta === tb ? (ta === "u32" && !BOOL_RESULT.has(op) ? "i32" : ta) : ta === "f32" || tb === "f32" ? "f32" : "i32";
  const resultType = BOOL_RESULT.has(op) ? "u32" : t;
  return launch(
    rt,
    (rank) =>
      kernelHead(
        [...inputs([a, b]), `var<storage, read_write> out: array<${tout}>`],
        `${stridedOffsets(rank, 2)}
    let a = ${convert("in0[o0]", ta, t)};
    let b = ${convert("in1[o1]", tb, t)};
    out[i] = ${convert(`(${binaryExpr(op, t)})`, resultType, tout)};`,
        op === "atan2" ? INVERSE_TRIG : "",
      ),
    `b|${op}|${a.dtype}|${b.dtype}|${outDType}`,
    a.shape,
    [a, b],
    outDType,
  );
}

export function where(rt: Runtime, cond: View, a: View, b: View, outDType: DType): GpuBuffer {
  const tc = wgslType(cond.dtype);
  const tout = wgslType(outDType);
  return launch(
    rt,
    (rank) =>
      kernelHead(
        [...inputs([cond, a, b]), `var<storage, read_write> out: array<${tout}>`],
        `${stridedOffsets(rank, 3)}
    out[i] = select(${convert("in2[o2]", wgslType(b.dtype), tout)}, ${convert("in1[o1]", wgslType(a.dtype), tout)}, ${truthy("in0[o0]", tc)});`,
      ),
    `w|${cond.dtype}|${a.dtype}|${b.dtype}|${outDType}`,
    a.shape,
    [cond, a, b],
    outDType,
  );
}

/** Writes `src` (any dtype) into the strided `dst`, casting. A source in the destination's own buffer is copied out first. */
export function copy(rt: Runtime, dst: View, src: View): void {
  const n = numel(dst.shape);
  if (n === 0) return;
  if (src.buffer === dst.buffer) {
    const tmp = launch(rt, (rank) => copySource(rank, src.dtype, src.dtype), `c|${src.dtype}|${src.dtype}`, src.shape, [src], src.dtype);
    src = { buffer: tmp, dtype: src.dtype, shape: src.shape, strides: contiguous(src.shape), offset: 0 };
  }
  const { rank, meta } = stridedMeta(dst.shape, [src, dst]);
  const code = source(`cs|${src.dtype}|${dst.dtype}|${rank}`, () =>
    kernelHead(
      [`var<storage, read> in0: array<${wgslType(src.dtype)}>`, `var<storage, read_write> out: array<${wgslType(dst.dtype)}>`],
      `${stridedOffsets(rank, 2)}\n    out[o1] = ${convert("in0[o0]", wgslType(src.dtype), wgslType(dst.dtype))};`,
    ),
  );
  rt.dispatch(code, meta, [gpu(src), gpu(dst)], groupsFor(n));
}

function copySource(rank: number, from: DType, to: DType): string {
  return kernelHead(
    [`var<storage, read> in0: array<${wgslType(from)}>`, `var<storage, read_write> out: array<${wgslType(to)}>`],
    `${stridedOffsets(rank, 1)}\n    out[i] = ${convert("in0[o0]", wgslType(from), wgslType(to))};`,
  );
}

/** A contiguous copy of a view in its own dtype. */
export function contiguousCopy(rt: Runtime, v: View): GpuBuffer {
  return launch(rt, (rank) => copySource(rank, v.dtype, v.dtype), `c|${v.dtype}|${v.dtype}`, v.shape, [v], v.dtype);
}

export function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** Sets every element of the strided `dst` to `value` (passed as its bits, so NaN and infinities survive). */
export function fill(rt: Runtime, dst: View, value: number): void {
  const n = numel(dst.shape);
  if (n === 0) return;
  const t = wgslType(dst.dtype);
  const bits = t === "f32" ? new Int32Array(new Float32Array([value]).buffer)[0] : t === "u32" ? (value ? 1 : 0) : value | 0;
  // A dense fill of a buffer that no queued work uses (a new scalar, say) is a plain upload: no dispatch.
  if (n <= 1 << 14 && rt.canWriteNow(gpu(dst)) && isContiguous(dst.shape, dst.strides)) {
    rt.write(gpu(dst), new Int32Array(n).fill(bits), dst.offset * 4);
    return;
  }
  const { rank, meta } = stridedMeta(dst.shape, [dst]);
  meta.push(bits);
  const at = meta.length - 1;
  const code = source(`f|${dst.dtype}|${rank}`, () =>
    kernelHead([`var<storage, read_write> out: array<${t}>`], `${stridedOffsets(rank, 1)}\n    out[o0] = bitcast<${t}>(prm[${at}]);`),
  );
  // The value's slot follows the view's parameters, whose count depends only on the rank: one source per rank.
  rt.dispatch(code, meta, [gpu(dst)], groupsFor(n));
}
