/**
 * Building an ONNX graph: named values, nodes with typed attributes, initializers from tensors, and the encoding of
 * the finished model with the ONNX protobuf definitions published as `onnx-proto` (protobufjs), not by hand.
 */
import onnxProto from "onnx-proto";
import type { DType } from "../dtype.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IAttribute = onnxProto.onnx.IAttributeProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;

/** An attribute value, tagged with its ONNX type. */
export type Attr =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string }
  | { strings: readonly string[] };

const DATA_TYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** The ONNX element type of a tensorgrad dtype. */
export function onnxDataType(dtype: DType): number {
  return DATA_TYPE[dtype];
}

function attribute(name: string, value: Attr): IAttribute {
  const T = onnx.AttributeProto.AttributeType;
  if ("int" in value) return { name, type: T.INT, i: value.int };
  if ("float" in value) return { name, type: T.FLOAT, f: value.float };
  if ("ints" in value) return { name, type: T.INTS, ints: [...value.ints] };
  if ("floats" in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  if ("strings" in value) return { name, type: T.STRINGS, strings: value.strings.map((v) => new TextEncoder().encode(v)) };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

function littleEndian(data: ArrayLike<number>, dtype: DType | "int64"): Uint8Array {
  const size = dtype === "float64" || dtype === "int64" ? 8 : dtype === "bool" ? 1 : 4;
  const out = new Uint8Array(data.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (dtype === "float32") view.setFloat32(i * 4, v, true);
    else if (dtype === "float64") view.setFloat64(i * 8, v, true);
    else if (dtype === "int32") view.setInt32(i * 4, v, true);
    else if (dtype === "int64") view.setBigInt64(i * 8, BigInt(v), true);
    else out[i] = v ? 1 : 0;
  }
  return out;
}

/** A graph under construction: each helper returns the name of the value it produces. */
export class GraphBuilder {
  readonly nodes: INode[] = [];
  readonly initializers: ITensor[] = [];
  private count = 0;

  /** @param opset the default-domain opset the graph is written for (some ops changed form in 18). */
  constructor(readonly opset = 17) {}

  /** A fresh value name starting with `prefix`. */
  fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  /** Adds a node; returns its (first) output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}`),
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Adds a node with `count` outputs (LSTM's Y, Y_h, Y_c); returns their names. */
  opN(opType: string, inputs: readonly string[], attrs: Record<string, Attr>, count: number): string[] {
    const outs = Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}`),
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** A ReduceMean/ReduceSum/ReduceMax/ReduceMin over `axes`: an attribute before opset 18, an input from 18 on. */
  reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
    const keep = { keepdims: { int: keepdims ? 1 : 0 } };
    if (this.opset < 18 && opType !== "ReduceSum") return this.op(opType, [x], { axes: { ints: axes }, ...keep });
    return this.op(opType, [x, this.constant("axes", axes, [axes.length], "int64")], keep);
  }

  /** A constant from a tensor (its values, shape and dtype). */
  tensor(name: string, t: Tensor): string {
    return this.constant(name, t.toArray(), t.shape, t.dtype);
  }

  /** A constant from numbers (`int64` for shapes and axes). */
  constant(name: string, data: ArrayLike<number>, dims: readonly number[], dtype: DType | "int64"): string {
    const unique = this.fresh(name);
    this.initializers.push({
      name: unique,
      dims: [...dims],
      dataType: dtype === "int64" ? onnx.TensorProto.DataType.INT64 : DATA_TYPE[dtype],
      rawData: littleEndian(data, dtype),
    });
    return unique;
  }

  /** A float scalar constant in `dtype` (for composed ops). */
  scalar(value: number, dtype: DType): string {
    return this.constant("c", [value], [], dtype);
  }
}

/** A graph input or output: its name, element type and shape (strings name dynamic axes). */
export interface ValueSpec {
  name: string;
  dtype: DType;
  shape: readonly (number | string)[];
}

function valueInfo(v: ValueSpec): IValueInfo {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Encodes a finished graph as an ONNX model (IR version 8) for the default-domain opset `opsetVersion`. */
export function encodeModel(
  graph: GraphBuilder,
  io: { inputs: ValueSpec[]; outputs: ValueSpec[]; name: string; opsetVersion: number; docString?: string },
): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "tensorgrad",
    producerVersion: "0.1.0",
    opsetImport: [{ domain: "", version: io.opsetVersion }],
    docString: io.docString ?? "",
    graph: {
      name: io.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: io.inputs.map(valueInfo),
      output: io.outputs.map(valueInfo),
    },
  });
  const err = onnx.ModelProto.verify(model);
  if (err) throw new ValueError(`onnx.export: the model does not encode: ${err}`);
  return onnx.ModelProto.encode(model).finish();
}

/** Decodes ONNX bytes (for `tg.onnx.load`); a corrupt file throws a `ValueError`. */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ValueError(`onnx.load: the bytes are not an ONNX model (${(e as Error).message})`);
  }
}
