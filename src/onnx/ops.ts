/**
 * ONNX translations of the tensor methods a traced forward may call (`x.add(y)`, `x.permute(...)`, ...). Each rule
 * sees the receiver, the arguments and the result the method computed, and emits the nodes that compute the same
 * result; shapes come from the results, so one rule serves every argument form the method accepts.
 */
import { ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import type { GraphBuilder } from "./graph.js";
import { getRule } from "./index_rule.js";

/** What a rule needs: the graph, and graph names for tensors (traced values or constants). */
export interface OpContext {
  g: GraphBuilder;
  ref(t: Tensor): string;
}

/** A rule returns the name of each tensor of the result, in order (one for a tensor, one per piece for a list). */
export type OpRule = (c: OpContext, self: Tensor, args: unknown[], out: Tensor | Tensor[]) => string | string[];

const ints = (g: GraphBuilder, v: readonly number[]) => g.constant("ints", v, [v.length], "int64");
const norm = (d: number, n: number) => (d < 0 ? d + n : d);
const one = (out: Tensor | Tensor[]): Tensor => (Array.isArray(out) ? out[0] : out);

/** A graph name for a tensor or scalar operand, cast to `dtype` when it has another. */
function operand(c: OpContext, v: unknown, dtype: Tensor["dtype"]): string {
  if (v instanceof Tensor) return v.dtype === dtype ? c.ref(v) : c.g.op("Cast", [c.ref(v)], { to: { int: castTo(dtype) } });
  if (typeof v === "number" || typeof v === "boolean") return c.g.scalar(Number(v), dtype);
  throw new ValueError(`onnx.export: an operand ${String(v)} has no ONNX translation`);
}

const ONNX_TYPE = { float32: 1, int32: 6, bool: 9, float64: 11 } as const;
const castTo = (dtype: Tensor["dtype"]) => ONNX_TYPE[dtype];

function binary(opType: string): OpRule {
  return (c, self, args, out) => {
    const dtype = one(out).dtype;
    let b = operand(c, args[0], dtype);
    // add/sub's keyword-only { alpha } (the call form has already refused any other key or argument)
    const alpha = (args[1] as { alpha?: unknown } | undefined)?.alpha;
    if (typeof alpha === "number" && alpha !== 1) b = c.g.op("Mul", [b, c.g.scalar(alpha, dtype)]);
    else if (alpha !== undefined && typeof alpha !== "number")
      throw new ValueError(`onnx.export: ${opType} with options has no ONNX translation`);
    return c.g.op(opType, [operand(c, self, dtype), b]);
  };
}

function compare(opType: string, not = false): OpRule {
  return (c, self, args) => {
    const y = c.g.op(opType, [c.ref(self), operand(c, args[0], self.dtype)]);
    return not ? c.g.op("Not", [y]) : y;
  };
}

const unary =
  (opType: string): OpRule =>
  (c, self) =>
    c.g.op(opType, [c.ref(self)]);

function reduce(opType: string): OpRule {
  return (c, self, args, out) => {
    const dim = args[0];
    const all = Array.from({ length: self.ndim }, (_, i) => i);
    const dims = dim === undefined || dim === null ? all : (Array.isArray(dim) ? dim : [dim]).map((d) => norm(d as number, self.ndim));
    return c.g.reduce(opType, c.ref(self), dims, one(out).ndim === self.ndim && self.ndim > 0);
  };
}

/** `x.norm(p, dim, keepdim)`: ∞/−∞ a max/min of |x|, 0 a count of non-zeros, else (Σ|x|^p)^(1/p). */
const normRule: OpRule = (c, self, args, out) => {
  const raw = args[0] ?? 2;
  if (raw !== "fro" && typeof raw !== "number") throw new ValueError(`onnx.export: norm with p ${String(raw)} has no ONNX translation`);
  const p = raw === "fro" ? 2 : raw;
  const dim = args[1];
  const all = Array.from({ length: self.ndim }, (_, i) => i);
  const dims = dim === undefined || dim === null ? all : (Array.isArray(dim) ? dim : [dim]).map((d) => norm(d as number, self.ndim));
  const keep = one(out).ndim === self.ndim && self.ndim > 0;
  const { g } = c;
  const x = c.ref(self);
  const abs = g.op("Abs", [x]);
  if (p === Number.POSITIVE_INFINITY || p === Number.NEGATIVE_INFINITY) return g.reduce(p > 0 ? "ReduceMax" : "ReduceMin", abs, dims, keep);
  if (p === 0) {
    const nonzero = g.op("Cast", [g.op("Not", [g.op("Equal", [x, g.scalar(0, self.dtype)])])], { to: { int: castTo(self.dtype) } });
    return g.reduce("ReduceSum", nonzero, dims, keep);
  }
  if (p === 1) return g.reduce("ReduceSum", abs, dims, keep);
  if (p === 2) return g.op("Sqrt", [g.reduce("ReduceSum", g.op("Mul", [x, x]), dims, keep)]);
  const sum = g.reduce("ReduceSum", g.op("Pow", [abs, g.scalar(p, self.dtype)]), dims, keep);
  return g.op("Pow", [sum, g.scalar(1 / p, self.dtype)]);
};

/** The shape arguments of reshape/view/permute/expand: one array or the sizes one by one. */
const shapeArgs = (args: unknown[]): number[] => (Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]));

function reshapeTo(c: OpContext, self: Tensor, target: readonly number[], out: Tensor): string {
  // A size equal to the input's at the same axis is written 0 ("copy it"), so free (dynamic) axes stay free.
  if (target.some((s, i) => s === 0 && self.shape[i] !== 0)) {
    return c.g.op("Reshape", [c.ref(self), ints(c.g, out.shape)], { allowzero: { int: 1 } });
  }
  const shape = target.map((s, i) => (s !== -1 && i < self.ndim && s === self.shape[i] ? 0 : s));
  return c.g.op("Reshape", [c.ref(self), ints(c.g, shape)]);
}

const transpose = (c: OpContext, self: Tensor, perm: number[]) => c.g.op("Transpose", [c.ref(self)], { perm: { ints: perm } });
const swap = (n: number, a: number, b: number) => {
  const perm = Array.from({ length: n }, (_, i) => i);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return perm;
};

function slice(c: OpContext, x: string, dim: number, start: number, end: number): string {
  return c.g.op("Slice", [x, ints(c.g, [start]), ints(c.g, [end]), ints(c.g, [dim])]);
}

/** Pieces along `dim` with the results' sizes (split, chunk). */
function pieces(dimArg: number): OpRule {
  return (c, self, args, out) => {
    const dim = norm((args[dimArg] as number | undefined) ?? 0, self.ndim);
    let at = 0;
    return (out as Tensor[]).map((p) => {
      const name = slice(c, c.ref(self), dim, at, at + p.shape[dim]);
      at += p.shape[dim];
      return name;
    });
  };
}

const identity: OpRule = (c, self) => c.ref(self);
const cast: OpRule = (c, self, _args, out) => (one(out).dtype === self.dtype ? c.ref(self) : operand(c, self, one(out).dtype));

/** The tensor methods a traced forward may call, by name. */
export const OP_RULES: Record<string, OpRule> = {
  add: binary("Add"),
  sub: binary("Sub"),
  mul: binary("Mul"),
  div: (c, self, args, out) => {
    if (args[1] !== undefined) throw new ValueError("onnx.export: div with a roundingMode has no ONNX translation");
    return binary("Div")(c, self, args, out);
  },
  pow: binary("Pow"),
  maximum: binary("Max"),
  minimum: binary("Min"),
  matmul: binary("MatMul"),
  mm: binary("MatMul"),
  bmm: binary("MatMul"),
  eq: compare("Equal"),
  ne: compare("Equal", true),
  lt: compare("Less"),
  le: compare("LessOrEqual"),
  gt: compare("Greater"),
  ge: compare("GreaterOrEqual"),
  neg: unary("Neg"),
  abs: unary("Abs"),
  exp: unary("Exp"),
  log: unary("Log"),
  sqrt: unary("Sqrt"),
  tanh: unary("Tanh"),
  sigmoid: unary("Sigmoid"),
  relu: unary("Relu"),
  erf: unary("Erf"),
  sin: unary("Sin"),
  cos: unary("Cos"),
  floor: unary("Floor"),
  ceil: unary("Ceil"),
  reciprocal: unary("Reciprocal"),
  logicalNot: unary("Not"),
  rsqrt: (c, self) => c.g.op("Reciprocal", [c.g.op("Sqrt", [c.ref(self)])]),
  square: (c, self) => c.g.op("Mul", [c.ref(self), c.ref(self)]),
  softmax: (c, self, args) => c.g.op("Softmax", [c.ref(self)], { axis: { int: norm(args[0] as number, self.ndim) } }),
  logSoftmax: (c, self, args) => c.g.op("LogSoftmax", [c.ref(self)], { axis: { int: norm(args[0] as number, self.ndim) } }),
  sum: reduce("ReduceSum"),
  mean: reduce("ReduceMean"),
  amax: reduce("ReduceMax"),
  amin: reduce("ReduceMin"),
  norm: normRule,
  clamp: (c, self, args) => {
    const bound = (v: unknown) => (v === undefined || v === null ? "" : operand(c, v, self.dtype));
    const inputs = [c.ref(self), bound(args[0]), bound(args[1])];
    while (inputs[inputs.length - 1] === "") inputs.pop();
    return c.g.op("Clip", inputs);
  },
  where: (c, self, args, out) =>
    c.g.op("Where", [c.ref(args[0] as Tensor), operand(c, self, one(out).dtype), operand(c, args[1], one(out).dtype)]),
  maskedFill: (c, self, args) => c.g.op("Where", [c.ref(args[0] as Tensor), operand(c, args[1], self.dtype), c.ref(self)]),
  reshape: (c, self, args, out) => reshapeTo(c, self, shapeArgs(args), one(out)),
  view: (c, self, args, out) => reshapeTo(c, self, shapeArgs(args), one(out)),
  viewAs: (c, self, _args, out) => reshapeTo(c, self, one(out).shape, one(out)),
  reshapeAs: (c, self, _args, out) => reshapeTo(c, self, one(out).shape, one(out)),
  flatten: (c, self, args, out) => {
    if (self.ndim === 0) return reshapeTo(c, self, [1], one(out));
    const start = norm((args[0] as number | undefined) ?? 0, self.ndim);
    const end = norm((args[1] as number | undefined) ?? -1, self.ndim);
    return c.g.op("Reshape", [c.ref(self), ints(c.g, [...new Array(start).fill(0), -1, ...self.shape.slice(end + 1)])]);
  },
  unflatten: (c, self, args, out) => {
    const dim = norm(args[0] as number, self.ndim);
    return reshapeTo(c, self, [...self.shape.slice(0, dim), ...(args[1] as number[]), ...self.shape.slice(dim + 1)], one(out));
  },
  unsqueeze: (c, self, args) => c.g.op("Unsqueeze", [c.ref(self), ints(c.g, [norm(args[0] as number, self.ndim + 1)])]),
  squeeze: (c, self, args) => {
    const dim = args[0];
    const all = self.shape.map((_, i) => i);
    const dims = (dim === undefined ? all : (Array.isArray(dim) ? dim : [dim]).map((d) => norm(d as number, self.ndim))).filter(
      (d) => self.shape[d] === 1,
    );
    return dims.length === 0 ? c.ref(self) : c.g.op("Squeeze", [c.ref(self), ints(c.g, dims)]);
  },
  transpose: (c, self, args) => transpose(c, self, swap(self.ndim, norm(args[0] as number, self.ndim), norm(args[1] as number, self.ndim))),
  permute: (c, self, args) =>
    transpose(
      c,
      self,
      shapeArgs(args).map((d) => norm(d, self.ndim)),
    ),
  t: (c, self) => (self.ndim < 2 ? c.ref(self) : transpose(c, self, [1, 0])),
  T: (c, self) => (self.ndim < 2 ? c.ref(self) : transpose(c, self, [1, 0])),
  mT: (c, self) => transpose(c, self, swap(self.ndim, self.ndim - 2, self.ndim - 1)),
  expand: (c, self, _args, out) => c.g.op("Expand", [c.ref(self), ints(c.g, one(out).shape)]),
  expandAs: (c, self, _args, out) => c.g.op("Expand", [c.ref(self), ints(c.g, one(out).shape)]),
  contiguous: identity,
  detach: identity,
  clone: identity,
  to: cast,
  float: cast,
  double: cast,
  int: cast,
  bool: cast,
  typeAs: cast,
  get: (c, self, args, out) => getRule(c, self, args, out),
  narrow: (c, self, args) => {
    const dim = norm(args[0] as number, self.ndim);
    const start = norm(args[1] as number, self.shape[dim]);
    return slice(c, c.ref(self), dim, start, start + (args[2] as number));
  },
  select: (c, self, args) => {
    const dim = norm(args[0] as number, self.ndim);
    const index = g64(c, norm(args[1] as number, self.shape[dim]));
    return c.g.op("Gather", [c.ref(self), index], { axis: { int: dim } });
  },
  indexSelect: (c, self, args) =>
    c.g.op("Gather", [c.ref(self), c.ref(args[1] as Tensor)], { axis: { int: norm(args[0] as number, self.ndim) } }),
  gather: (c, self, args) =>
    c.g.op("GatherElements", [c.ref(self), c.ref(args[1] as Tensor)], { axis: { int: norm(args[0] as number, self.ndim) } }),
  split: pieces(1),
  chunk: pieces(1),
  unbind: (c, self, args, out) => {
    const dim = norm((args[0] as number | undefined) ?? 0, self.ndim);
    return (out as Tensor[]).map((_, i) => c.g.op("Gather", [c.ref(self), g64(c, i)], { axis: { int: dim } }));
  },
  cumsum: (c, self, args) => c.g.op("CumSum", [c.ref(self), g64(c, norm(args[0] as number, self.ndim))]),
};

/** A 0-D int64 constant. */
const g64 = (c: OpContext, v: number) => c.g.constant("index", [v], [], "int64");

/** Tensor properties (getters) traced like methods. */
export const GETTER_RULES = new Set(["T", "mT"]);
