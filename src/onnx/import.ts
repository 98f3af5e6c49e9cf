/**
 * `tg.onnx.load`: an ONNX model as a tensorgrad module that runs its graph node by node with tensorgrad ops, so the
 * models `tg.onnx.export` writes round-trip, and other models run where their ops are covered. The file is untrusted:
 * sizes, counts and attributes are checked before anything is allocated or run.
 */
import { MAX_NUMEL } from "../dtype.js";
import { ValueError } from "../errors.js";
import * as F from "../nn/functional/index.js";
import { Module } from "../nn/module.js";
import { fromTyped } from "../ops/creation.js";
import { cat } from "../ops/join.js";
import { Tensor } from "../tensor/tensor.js";
import { decodeModel } from "./graph.js";
import { CONV_OPS, runConv } from "./import_conv.js";
import { EXTRA_OPS, type NodeReader, runExtra } from "./import_ops.js";

type Proto = ReturnType<typeof decodeModel>;
type NodeProto = NonNullable<NonNullable<Proto["graph"]>["node"]>[number];
type TensorProto = NonNullable<NonNullable<Proto["graph"]>["initializer"]>[number];
type AttrValue = number | number[] | string | string[] | Value;

const MAX_NODES = 100_000;
const MAX_IO = 64;
/** The ops `runNode` runs (checked when the file loads, not at the first forward). */
const OPS = new Set([
  "Identity",
  "Constant",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Pow",
  "MatMul",
  "Gemm",
  "Relu",
  "Sigmoid",
  "Tanh",
  "Erf",
  "Exp",
  "Log",
  "Sqrt",
  "Neg",
  "Softplus",
  "LeakyRelu",
  "Elu",
  "PRelu",
  "Clip",
  "Softmax",
  "LogSoftmax",
  "BatchNormalization",
  "LayerNormalization",
  "Gather",
  "Flatten",
  "Reshape",
  "Transpose",
  "Concat",
  "ReduceMean",
  ...CONV_OPS,
  ...EXTRA_OPS,
]);

/** protobufjs gives 64-bit integers as numbers or Long objects. */
function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (v && typeof v === "object" && "toNumber" in v) return (v as { toNumber(): number }).toNumber();
  throw new ValueError(`onnx.load: expected an integer, got ${String(v)}`);
}

function fail(message: string): never {
  throw new ValueError(`onnx.load: ${message}`);
}

/** A constant from the file: a tensor for float and int32 data, plain numbers for int64 (shapes, axes). */
type Value = Tensor | { ints: number[]; dims: number[] };

function readInitializer(t: TensorProto): Value {
  const name = t.name || "(unnamed)";
  const dims = (t.dims ?? []).map(num);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`initializer "${name}" has dims ${JSON.stringify(dims)}`);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n > MAX_NUMEL) fail(`initializer "${name}" has ${n} elements, over the ${MAX_NUMEL} limit`);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const type = t.dataType ?? 0;
  const size = type === 11 || type === 7 ? 8 : type === 9 ? 1 : 4;
  if (raw && raw.length !== n * size) fail(`initializer "${name}" has ${raw.length} bytes of data for ${n} elements`);
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const pick = (list: unknown[] | null | undefined, what: string): unknown[] => {
    if (!list || list.length !== n) fail(`initializer "${name}" has ${list?.length ?? 0} ${what} values for ${n} elements`);
    return list;
  };
  switch (type) {
    case 1: {
      const out = new Float32Array(n);
      if (view) for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      else out.set(pick(t.floatData, "float") as number[]);
      return fromTyped(out, dims);
    }
    case 11: {
      const out = new Float64Array(n);
      if (view) for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      else out.set(pick(t.doubleData, "double") as number[]);
      return fromTyped(out, dims);
    }
    case 6: {
      const out = new Int32Array(n);
      if (view) for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      else out.set(pick(t.int32Data, "int32") as number[]);
      return fromTyped(out, dims);
    }
    case 7: {
      const ints: number[] = [];
      if (view) for (let i = 0; i < n; i++) ints.push(Number(view.getBigInt64(i * 8, true)));
      else ints.push(...pick(t.int64Data, "int64").map(num));
      return { ints, dims };
    }
    default:
      return fail(`initializer "${name}" has ONNX data type ${type}; tensorgrad loads FLOAT, DOUBLE, INT32 and INT64`);
  }
}

function attributes(node: NodeProto): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const a of node.attribute ?? []) {
    const name = a.name ?? "";
    switch (a.type) {
      case 1:
        out[name] = a.f ?? 0;
        break;
      case 2:
        out[name] = num(a.i ?? 0);
        break;
      case 3:
        out[name] = new TextDecoder().decode(a.s ?? new Uint8Array());
        break;
      case 6:
        out[name] = [...(a.floats ?? [])];
        break;
      case 7:
        out[name] = (a.ints ?? []).map(num);
        break;
      case 8:
        out[name] = (a.strings ?? []).map((b) => new TextDecoder().decode(b));
        break;
      case 4:
        out[name] = readInitializer(a.t ?? fail(`${node.opType} node "${node.name}" has an empty tensor attribute "${name}"`));
        break;
      default:
        fail(`${node.opType} node "${node.name}" has attribute "${name}" of a type tensorgrad doesn't read`);
    }
  }
  return out;
}

const intAttr = (a: Record<string, AttrValue>, k: string, d: number): number => (typeof a[k] === "number" ? (a[k] as number) : d);
const intsAttr = (a: Record<string, AttrValue>, k: string): number[] | undefined => (Array.isArray(a[k]) ? (a[k] as number[]) : undefined);

/** A module that runs an ONNX graph; its initializers are buffers (in `stateDict()` under their ONNX names). */
export class OnnxModule extends Module {
  /** @internal */
  declare readonly graphNodes: { op: string; name: string; inputs: string[]; outputs: string[]; attrs: Record<string, AttrValue> }[];
  /** @internal */
  declare readonly constants: Map<string, Value>;
  /** The graph's inputs (not initializers), in order: `model(...)` takes one tensor for each. */
  readonly inputNames: string[];
  /** The graph's outputs, in order: `model(...)` gives the first, `model.runAll(...)` every one. */
  readonly outputNames: string[];

  constructor(proto: Proto) {
    super();
    const graph = proto.graph ?? fail("the model has no graph");
    const nodes = graph.node ?? [];
    if (nodes.length > MAX_NODES) fail(`the graph has ${nodes.length} nodes, over the ${MAX_NODES} limit`);
    const constants = new Map<string, Value>();
    for (const t of graph.initializer ?? []) {
      const value = readInitializer(t);
      constants.set(t.name ?? "", value);
      if (value instanceof Tensor) this.registerBuffer(t.name ?? "", value);
    }
    const inputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? ""));
    if (inputs.length === 0 || (graph.output ?? []).length === 0) fail("the graph has no input or no output");
    if (inputs.length > MAX_IO || (graph.output ?? []).length > MAX_IO) fail(`the graph has more than ${MAX_IO} inputs or outputs`);
    this.inputNames = inputs.map((i) => i.name ?? "");
    this.outputNames = (graph.output ?? []).map((o) => o.name ?? "");
    Object.defineProperty(this, "constants", { value: constants, enumerable: false });
    Object.defineProperty(this, "graphNodes", {
      enumerable: false,
      value: nodes.map((n) => {
        if (n.domain) fail(`node "${n.name}" is in domain "${n.domain}"; tensorgrad runs the default ONNX domain only`);
        if (!OPS.has(n.opType ?? "")) fail(`${n.opType} (node "${n.name}") is not an op tensorgrad runs; it runs ${[...OPS].join(", ")}`);
        return { op: n.opType ?? "", name: n.name ?? "", inputs: n.input ?? [], outputs: n.output ?? [], attrs: attributes(n) };
      }),
    });
  }

  /** The first graph input's name. */
  get inputName(): string {
    return this.inputNames[0];
  }

  /** The first graph output's name. */
  get outputName(): string {
    return this.outputNames[0];
  }

  /** Runs the graph on one tensor per graph input; returns the first output (`runAll` gives them all). */
  forward(...inputs: Tensor[]): Tensor {
    return this.runAll(...inputs)[0];
  }

  /** Runs the graph on one tensor per graph input; returns every graph output, in order. */
  runAll(...inputs: Tensor[]): Tensor[] {
    if (inputs.length !== this.inputNames.length || !inputs.every((x) => x instanceof Tensor)) {
      fail(
        `the graph takes ${this.inputNames.length} tensor${this.inputNames.length === 1 ? "" : "s"} (${this.inputNames.join(", ")}), got ${inputs.length} arguments`,
      );
    }
    const env = new Map<string, Value>(this.inputNames.map((name, i) => [name, inputs[i]]));
    const get = (name: string): Value => {
      const fields = this as unknown as Record<string, unknown>;
      const v = env.get(name) ?? (fields[name] instanceof Tensor ? (fields[name] as Tensor) : this.constants.get(name));
      return v ?? fail(`value "${name}" is used before it is computed`);
    };
    for (const node of this.graphNodes) {
      const ins = node.inputs.map((n) => (n === "" ? null : get(n)));
      const out = runNode(node.op, ins, node.attrs, node.name);
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((name, i) => {
        if (name !== "" && i < outs.length) env.set(name, outs[i]);
      });
    }
    return this.outputNames.map((name) => {
      const out = env.get(name);
      return out instanceof Tensor ? out : fail(`the output "${name}" is never computed as a tensor`);
    });
  }

  override extraRepr(): string {
    return `nodes=${this.graphNodes.length}, input=${this.inputNames.join(",")}, output=${this.outputNames.join(",")}`;
  }
}

function tensorOf(v: Value | null, op: string): Tensor {
  if (v instanceof Tensor) return v;
  if (v === null) return fail(`${op} is missing an input`);
  return fromTyped(new Int32Array(v.ints), v.dims);
}

function intsOf(v: Value | null, op: string): number[] {
  if (v === null) return fail(`${op} is missing an input`);
  if (v instanceof Tensor) return Array.from(v.toArray());
  return v.ints;
}

function runNode(op: string, ins: (Value | null)[], a: Record<string, AttrValue>, name: string): Value | Value[] {
  const x = () => tensorOf(ins[0], op);
  const t = (i: number) => (ins[i] == null ? null : tensorOf(ins[i], op));
  switch (op) {
    case "Identity":
      return ins[0] ?? fail(`${op} "${name}" has no input`);
    case "Constant": {
      const v = a.value;
      if (v instanceof Tensor || (typeof v === "object" && !Array.isArray(v))) return v;
      return fail(`Constant "${name}" has no tensor "value" attribute`);
    }
    case "Add":
      return x().add(tensorOf(ins[1], op));
    case "Sub":
      return x().sub(tensorOf(ins[1], op));
    case "Mul":
      return x().mul(tensorOf(ins[1], op));
    case "Div":
      return x().div(tensorOf(ins[1], op));
    case "Pow":
      return x().pow(tensorOf(ins[1], op));
    case "MatMul":
      return x().matmul(tensorOf(ins[1], op));
    case "Gemm": {
      let A = x();
      let B = tensorOf(ins[1], op);
      if (intAttr(a, "transA", 0)) A = A.T;
      if (intAttr(a, "transB", 0)) B = B.T;
      let y = A.matmul(B).mul(typeof a.alpha === "number" ? a.alpha : 1);
      const C = t(2);
      if (C) y = y.add(C.mul(typeof a.beta === "number" ? a.beta : 1));
      return y;
    }
    case "Relu":
      return x().relu();
    case "Sigmoid":
      return x().sigmoid();
    case "Tanh":
      return x().tanh();
    case "Erf":
      return x().erf();
    case "Exp":
      return x().exp();
    case "Log":
      return x().log();
    case "Sqrt":
      return x().sqrt();
    case "Neg":
      return x().neg();
    case "Softplus":
      return F.softplus(x());
    case "LeakyRelu":
      return F.leakyRelu(x(), typeof a.alpha === "number" ? a.alpha : 0.01);
    case "Elu":
      return F.elu(x(), { alpha: typeof a.alpha === "number" ? a.alpha : 1 });
    case "PRelu": {
      const slope = tensorOf(ins[1], op);
      return x().relu().sub(x().neg().relu().mul(slope));
    }
    case "Clip": {
      const lo = t(1);
      const hi = t(2);
      let y = x();
      if (lo) y = y.maximum(lo);
      if (hi) y = y.minimum(hi);
      return y;
    }
    case "Softmax":
      return F.softmax(x(), { dim: intAttr(a, "axis", -1) });
    case "LogSoftmax":
      return F.logSoftmax(x(), { dim: intAttr(a, "axis", -1) });
    case "BatchNormalization":
      return F.batchNorm(x(), tensorOf(ins[3], op), tensorOf(ins[4], op), {
        weight: tensorOf(ins[1], op),
        bias: tensorOf(ins[2], op),
        training: false,
        eps: typeof a.epsilon === "number" ? a.epsilon : 1e-5,
      });
    case "LayerNormalization": {
      const axis = intAttr(a, "axis", -1);
      const shape = x().shape.slice(axis < 0 ? axis + x().ndim : axis);
      return F.layerNorm(x(), shape, { weight: t(1), bias: t(2), eps: typeof a.epsilon === "number" ? a.epsilon : 1e-5 });
    }
    case "Gather": {
      const axis = intAttr(a, "axis", 0);
      const raw = tensorOf(ins[1], op).to("int32");
      const data = x();
      const ax = axis < 0 ? axis + data.ndim : axis;
      const index = raw.add(data.shape[ax]).where(raw.lt(0), raw); // ONNX counts negative indices from the end
      const flat = data.indexSelect(ax, index.reshape([-1]));
      return flat.reshape([...data.shape.slice(0, ax), ...index.shape, ...data.shape.slice(ax + 1)]);
    }
    case "Flatten": {
      const axis = intAttr(a, "axis", 1);
      const s = x().shape;
      const ax = axis < 0 ? axis + s.length : axis;
      const lead = s.slice(0, ax).reduce((p, q) => p * q, 1);
      return x().reshape([lead, -1]);
    }
    case "Reshape": {
      const s = intsOf(ins[1], op);
      return x().reshape(s.map((d, i) => (d === 0 && !intAttr(a, "allowzero", 0) ? x().shape[i] : d)));
    }
    case "Transpose": {
      const perm = intsAttr(a, "perm") ?? Array.from({ length: x().ndim }, (_, i) => x().ndim - 1 - i);
      return x().permute(perm);
    }
    case "Concat":
      return cat(
        ins.map((v) => tensorOf(v, op)),
        intAttr(a, "axis", 0),
      );
    case "ReduceMean": {
      const axes = intsAttr(a, "axes") ?? (ins[1] ? intsOf(ins[1], op) : Array.from({ length: x().ndim }, (_, i) => i));
      return x().mean(axes, intAttr(a, "keepdims", 1) === 1);
    }
    default: {
      const reader: NodeReader = {
        op,
        name,
        tensor: (i) => (ins[i] == null ? null : tensorOf(ins[i], op)),
        ints: (i) => (ins[i] == null ? null : intsOf(ins[i], op)),
        int: (k, d) => intAttr(a, k, d),
        intList: (k) => intsAttr(a, k),
        string: (k) => (typeof a[k] === "string" ? (a[k] as string) : undefined),
        strings: (k) => (Array.isArray(a[k]) && (a[k] as unknown[]).every((v) => typeof v === "string") ? (a[k] as string[]) : undefined),
        float: (k) => (typeof a[k] === "number" ? (a[k] as number) : undefined),
      };
      return CONV_OPS.includes(op) ? runConv(reader) : runExtra(reader);
    }
  }
}

/**
 * Builds a module that runs an ONNX model's graph with tensorgrad ops (`model(x)`, in any mode; gradients flow to the
 * input). Covers the ops `tg.onnx.export` writes (Conv 1-3-D, ConvTranspose 1-2-D, MaxPool/AveragePool 1-2-D, Pad, ...)
 * plus Transpose, Concat, Pow, Exp, Log, Neg; anything else or a malformed file throws a `ValueError` naming it.
 *
 * @example
 * const model = tg.onnx.load(tg.onnx.export(original, x));
 * model(x); // original(x), to rounding
 */
export function loadOnnx(bytes: Uint8Array): OnnxModule {
  if (!(bytes instanceof Uint8Array)) fail("expected the bytes of an ONNX file (a Uint8Array)");
  return new OnnxModule(decodeModel(bytes));
}
