import { type Args, is, required, signature } from "../../args.js";
import { ShapeError } from "../../errors.js";
import { type PadMode, pad } from "../../ops/pad.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

// The padding layers of torch.nn (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad): F.pad with a fixed padding.
// `padding` is one size for every side, or PyTorch's (left, right[, top, bottom]) tuple, last dim first.

/** One non-negative size for every side, or one per side: 2 for a 1-D pad, 4 for a 2-D one. */
const paddingType = (dims: number) =>
  is.where<number | readonly number[]>(
    `a non-negative integer or an array of ${2 * dims} of them (negative padding is not implemented)`,
    (v) =>
      (Number.isInteger(v) && (v as number) >= 0) ||
      (Array.isArray(v) && v.length === 2 * dims && v.every((p) => Number.isInteger(p) && p >= 0)),
  );

const expand = (p: number | readonly number[], dims: number): number[] =>
  typeof p === "number" ? new Array<number>(2 * dims).fill(p) : [...p];

/** The shared body: a padding for `dims` dims, a mode, and the input ranks that mode accepts. */
abstract class PadNd extends Module {
  readonly padding: readonly number[];
  readonly value: number;
  private readonly layer: string;
  private readonly dims: number;
  private readonly mode: PadMode;
  protected constructor(layer: string, dims: number, mode: PadMode, padding: number | readonly number[], value = 0) {
    super();
    this.layer = layer;
    this.dims = dims;
    this.mode = mode;
    this.padding = expand(padding, dims);
    this.value = value;
  }
  forward(x: Tensor): Tensor {
    // Reflection and replication need ([N,] C, spatial...) inputs, as PyTorch's; constant padding takes any rank with the dims to pad.
    const ok = this.mode === "constant" ? x.ndim >= this.dims : x.ndim === this.dims + 1 || x.ndim === this.dims + 2;
    if (!ok) {
      const want = this.mode === "constant" ? `at least ${this.dims}-D` : `${this.dims + 1}-D or ${this.dims + 2}-D`;
      throw new ShapeError(`${this.layer}: expected a ${want} input, got shape ${fmt(x.shape)}`);
    }
    return this.mode === "constant" ? pad(x, this.padding, "constant", this.value) : pad(x, this.padding, this.mode);
  }
  override extraRepr(): string {
    return this.mode === "constant" && this.layer.startsWith("Constant")
      ? `padding=(${this.padding.join(", ")}), value=${this.value}`
      : `(${this.padding.join(", ")})`;
  }
}

const ZERO_PAD1D = signature("ZeroPad1d", { padding: required(paddingType(1)) });
const ZERO_PAD2D = signature("ZeroPad2d", { padding: required(paddingType(2)) });
const CONSTANT_PAD1D = signature("ConstantPad1d", { padding: required(paddingType(1)), value: required(is.number) });
const CONSTANT_PAD2D = signature("ConstantPad2d", { padding: required(paddingType(2)), value: required(is.number) });
const REFLECTION_PAD1D = signature("ReflectionPad1d", { padding: required(paddingType(1)) });
const REFLECTION_PAD2D = signature("ReflectionPad2d", { padding: required(paddingType(2)) });
const REPLICATION_PAD1D = signature("ReplicationPad1d", { padding: required(paddingType(1)) });
const REPLICATION_PAD2D = signature("ReplicationPad2d", { padding: required(paddingType(2)) });

type Pad1 = number | readonly [number, number];
type Pad2 = number | readonly [number, number, number, number];

/** Pads the last dim with zeros: `padding` or (left, right). */
export class ZeroPad1d extends PadNd {
  constructor(...args: [padding: Pad1] | [options: { padding: Pad1 }]) {
    super("ZeroPad1d", 1, "constant", ZERO_PAD1D.parse(args).padding);
  }
}

/** Pads the last two dims with zeros: `padding` or (left, right, top, bottom). */
export class ZeroPad2d extends PadNd {
  constructor(...args: [padding: Pad2] | [options: { padding: Pad2 }]) {
    super("ZeroPad2d", 2, "constant", ZERO_PAD2D.parse(args).padding);
  }
}

/** Pads the last dim with `value`. */
export class ConstantPad1d extends PadNd {
  constructor(padding: Pad1, ...rest: Args<[value: number], { value: number }>) {
    const a = CONSTANT_PAD1D.parse([padding, ...rest]);
    super("ConstantPad1d", 1, "constant", a.padding, a.value);
  }
}

/** Pads the last two dims with `value`. */
export class ConstantPad2d extends PadNd {
  constructor(padding: Pad2, ...rest: Args<[value: number], { value: number }>) {
    const a = CONSTANT_PAD2D.parse([padding, ...rest]);
    super("ConstantPad2d", 2, "constant", a.padding, a.value);
  }
}

/** Pads the last dim with its mirror image (the edge not repeated); each pad must be smaller than the dim. */
export class ReflectionPad1d extends PadNd {
  constructor(...args: [padding: Pad1] | [options: { padding: Pad1 }]) {
    super("ReflectionPad1d", 1, "reflect", REFLECTION_PAD1D.parse(args).padding);
  }
}

/** Pads the last two dims with their mirror image (the edge not repeated). */
export class ReflectionPad2d extends PadNd {
  constructor(...args: [padding: Pad2] | [options: { padding: Pad2 }]) {
    super("ReflectionPad2d", 2, "reflect", REFLECTION_PAD2D.parse(args).padding);
  }
}

/** Pads the last dim by repeating its edge values. */
export class ReplicationPad1d extends PadNd {
  constructor(...args: [padding: Pad1] | [options: { padding: Pad1 }]) {
    super("ReplicationPad1d", 1, "replicate", REPLICATION_PAD1D.parse(args).padding);
  }
}

/** Pads the last two dims by repeating their edge values. */
export class ReplicationPad2d extends PadNd {
  constructor(...args: [padding: Pad2] | [options: { padding: Pad2 }]) {
    super("ReplicationPad2d", 2, "replicate", REPLICATION_PAD2D.parse(args).padding);
  }
}
