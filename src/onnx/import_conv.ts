/**
 * Convolution, pooling and padding ops for `tg.onnx.load`: Conv (1-, 2- and 3-D), ConvTranspose (1- and 2-D),
 * MaxPool and AveragePool (1- and 2-D), GlobalAveragePool, GlobalMaxPool and Pad. Attributes come from an untrusted
 * file, so each is checked (length, integer, range) before it reaches a kernel; asymmetric pads (PyTorch's "same"
 * with an even kernel, ceil mode written as end padding, auto_pad SAME_UPPER/SAME_LOWER) become an explicit pad before
 * the op, and AveragePool's count_include_pad 0 divides by the pooled count of real elements.
 */
import { ValueError } from "../errors.js";
import * as F from "../nn/functional/index.js";
import { onesLike } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import type { NodeReader } from "./import_ops.js";

/** The ops this file runs. */
export const CONV_OPS = ["Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Pad"];

const fail = (message: string): never => {
  throw new ValueError(`onnx.load: ${message}`);
};

function must(t: Tensor | null, r: NodeReader, what: string): Tensor {
  return t ?? fail(`${r.op} "${r.name}" has no ${what}`);
}

/** An ints attribute of `dims` integers ≥ `min`, or `fallback` repeated when absent. */
function ints(r: NodeReader, key: string, dims: number, fallback: number, min: number): number[] {
  const v = r.intList(key);
  if (v === undefined) return new Array(dims).fill(fallback);
  if (v.length !== dims || !v.every((n) => Number.isSafeInteger(n) && n >= min)) {
    fail(`${r.op} "${r.name}" has ${key} ${JSON.stringify(v)}; expected ${dims} integers of at least ${min}`);
  }
  return v;
}

/** A window op's geometry, for auto_pad. */
interface Geometry {
  sizes: number[];
  kernel: number[];
  stride: number[];
  dilation: number[];
}

/**
 * The pads attribute as begin and end padding per spatial dim; with `geometry`, auto_pad too (VALID: none; SAME_UPPER
 * and SAME_LOWER: ⌈size/stride⌉ outputs, the odd one at the end or the beginning). Without it auto_pad is refused.
 */
function pads(r: NodeReader, dims: number, geometry?: Geometry): [number[], number[]] {
  const auto = r.string("auto_pad") ?? "NOTSET";
  if (auto === "NOTSET") {
    const p = ints(r, "pads", 2 * dims, 0, 0);
    return [p.slice(0, dims), p.slice(dims)];
  }
  if (!geometry || !["VALID", "SAME_UPPER", "SAME_LOWER"].includes(auto)) fail(`${r.op} "${r.name}" has auto_pad ${auto}; write pads`);
  const g = geometry as Geometry;
  if (auto === "VALID") return [g.sizes.map(() => 0), g.sizes.map(() => 0)];
  const total = g.sizes.map((n, i) =>
    Math.max(0, (Math.ceil(n / g.stride[i]) - 1) * g.stride[i] + g.dilation[i] * (g.kernel[i] - 1) + 1 - n),
  );
  const small = total.map((t) => Math.floor(t / 2));
  const large = total.map((t, i) => t - small[i]);
  return auto === "SAME_UPPER" ? [small, large] : [large, small];
}

/** F.pad's widths (last dim first) for begin/end padding of the last `begin.length` dims. */
const widths = (begin: number[], end: number[]): number[] => begin.flatMap((_, i) => [begin.at(-1 - i) ?? 0, end.at(-1 - i) ?? 0]);

const same = (a: number[], b: number[]) => a.every((v, i) => v === b[i]);

function spatialDims(r: NodeReader, x: Tensor, dims: number, allowed: number[], what: string): void {
  if (!allowed.includes(dims)) fail(`${r.op} "${r.name}" is ${dims}-D; tensorgrad runs ${what}`);
  if (x.ndim !== dims + 2) fail(`${r.op} "${r.name}" takes a ${dims + 2}-D input [N, C, ...], got [${x.shape.join(", ")}]`);
}

function conv(r: NodeReader, x: Tensor): Tensor {
  const w = must(r.tensor(1), r, "weight");
  const dims = w.ndim - 2;
  spatialDims(r, x, dims, [1, 2, 3], "1-, 2- and 3-D convolutions");
  const kernel = r.intList("kernel_shape");
  if (kernel && !same(kernel, w.shape.slice(2)))
    fail(`Conv "${r.name}" has kernel_shape ${JSON.stringify(kernel)} for weight [${w.shape.join(", ")}]`);
  const stride = ints(r, "strides", dims, 1, 1);
  const dilation = ints(r, "dilations", dims, 1, 1);
  const groups = r.int("group", 1);
  if (!Number.isSafeInteger(groups) || groups < 1) fail(`Conv "${r.name}" has group ${groups}`);
  const [begin, end] = pads(r, dims, { sizes: x.shape.slice(2), kernel: w.shape.slice(2), stride, dilation });
  // Asymmetric pads (PyTorch's "same" with an even kernel): pad with zeros first.
  const input = same(begin, end) ? x : F.pad(x, widths(begin, end));
  const padding = same(begin, end) ? begin : begin.map(() => 0);
  const bias = r.tensor(2);
  if (dims === 1) return F.conv1d(input, w, bias, { stride: stride[0], padding: padding[0], dilation: dilation[0], groups });
  if (dims === 2) {
    const two = (v: number[]) => v as [number, number];
    return F.conv2d(input, w, bias, { stride: two(stride), padding: two(padding), dilation: two(dilation), groups });
  }
  const three = (v: number[]) => v as [number, number, number];
  return F.conv3d(input, w, { bias, stride: three(stride), padding: three(padding), dilation: three(dilation), groups });
}

function convTranspose(r: NodeReader, x: Tensor): Tensor {
  const w = must(r.tensor(1), r, "weight");
  const dims = w.ndim - 2;
  spatialDims(r, x, dims, [1, 2], "1- and 2-D transposed convolutions");
  const kernel = r.intList("kernel_shape");
  if (kernel && !same(kernel, w.shape.slice(2))) {
    fail(`ConvTranspose "${r.name}" has kernel_shape ${JSON.stringify(kernel)} for weight [${w.shape.join(", ")}]`);
  }
  if (r.intList("output_shape")) fail(`ConvTranspose "${r.name}" has output_shape; tensorgrad reads pads and output_padding`);
  const [begin, end] = pads(r, dims);
  if (!same(begin, end)) fail(`ConvTranspose "${r.name}" has asymmetric pads ${JSON.stringify([...begin, ...end])}`);
  const o = {
    stride: ints(r, "strides", dims, 1, 1),
    padding: begin,
    outputPadding: ints(r, "output_padding", dims, 0, 0),
    dilation: ints(r, "dilations", dims, 1, 1),
    groups: r.int("group", 1),
  };
  if (!Number.isSafeInteger(o.groups) || o.groups < 1) fail(`ConvTranspose "${r.name}" has group ${o.groups}`);
  const bias = r.tensor(2);
  if (dims === 1) {
    const [stride, padding, outputPadding, dilation] = [o.stride[0], o.padding[0], o.outputPadding[0], o.dilation[0]];
    return F.convTranspose1d(x, w, bias, { stride, padding, outputPadding, dilation, groups: o.groups });
  }
  const two = (v: number[]) => v as [number, number];
  return F.convTranspose2d(x, w, bias, {
    stride: two(o.stride),
    padding: two(o.padding),
    outputPadding: two(o.outputPadding),
    dilation: two(o.dilation),
    groups: o.groups,
  });
}

function pool(r: NodeReader, x: Tensor): Tensor {
  const kernel = r.intList("kernel_shape") ?? fail(`${r.op} "${r.name}" has no kernel_shape`);
  const dims = kernel.length;
  spatialDims(r, x, dims, [1, 2], "1- and 2-D pooling");
  const k = ints(r, "kernel_shape", dims, 1, 1);
  const stride = ints(r, "strides", dims, 1, 1);
  const dilation = ints(r, "dilations", dims, 1, 1);
  const [begin, end] = pads(r, dims, { sizes: x.shape.slice(2), kernel: k, stride, dilation });
  let ceil = r.int("ceil_mode", 0) === 1;
  const isMax = r.op === "MaxPool";
  // count_include_pad 0: the mean over the real elements, as the padded mean of x over the padded mean of ones.
  const excludePad = !isMax && r.int("count_include_pad", 0) !== 1 && [...begin, ...end].some((p) => p > 0);
  if (!isMax) {
    if (dilation.some((d) => d !== 1)) fail(`AveragePool "${r.name}" has dilations ${JSON.stringify(dilation)}`);
    // Ceil mode changes nothing where every window fits; elsewhere tensorgrad's average pooling has none.
    if (ceil && k.some((kk, i) => (x.shape[i + 2] + begin[i] + end[i] - kk) % stride[i] !== 0)) {
      fail(`AveragePool "${r.name}" uses ceil_mode with windows past the end; tensorgrad's average pooling has no ceil mode`);
    }
    ceil = false;
  }
  // PyTorch's layers take symmetric padding of at most half the kernel; other pads are applied first (max: -∞).
  const direct = same(begin, end) && begin.every((p, i) => p <= Math.floor(k[i] / 2));
  if (!direct && ceil) fail(`MaxPool "${r.name}" uses ceil_mode with pads ${JSON.stringify([...begin, ...end])}`);
  const run = (t: Tensor): Tensor => {
    const input = direct ? t : F.pad(t, widths(begin, end), { value: isMax ? Number.NEGATIVE_INFINITY : 0 });
    const padding = direct ? begin : begin.map(() => 0);
    if (dims === 1) {
      if (isMax) return F.maxPool1d(input, k[0], { stride: stride[0], padding: padding[0], dilation: dilation[0], ceilMode: ceil });
      return F.avgPool1d(input, k[0], { stride: stride[0], padding: padding[0] });
    }
    const two = (v: number[]) => v as [number, number];
    if (isMax) return F.maxPool2d(input, two(k), { stride: two(stride), padding: two(padding), dilation: two(dilation), ceilMode: ceil });
    return F.avgPool2d(input, two(k), { stride: two(stride), padding: two(padding) });
  };
  return excludePad ? run(x).div(run(onesLike(x))) : run(x);
}

const PAD_MODES: Record<string, F.PadMode> = { constant: "constant", reflect: "reflect", edge: "replicate", wrap: "circular" };

function pad(r: NodeReader, x: Tensor): Tensor {
  const mode = PAD_MODES[r.string("mode") ?? "constant"] ?? fail(`Pad "${r.name}" has mode ${r.string("mode")}`);
  const p = r.ints(1) ?? fail(`Pad "${r.name}" has no pads input`);
  const axes = (r.ints(3) ?? Array.from({ length: x.ndim }, (_, i) => i)).map((a) => (a < 0 ? a + x.ndim : a));
  if (p.length !== 2 * axes.length || !p.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    fail(`Pad "${r.name}" has pads ${JSON.stringify(p)} for ${axes.length} axes; tensorgrad reads non-negative pads`);
  }
  if (!axes.every((a) => Number.isInteger(a) && a >= 0 && a < x.ndim) || new Set(axes).size !== axes.length) {
    fail(`Pad "${r.name}" has axes ${JSON.stringify(axes)} for a ${x.ndim}-D input`);
  }
  const begin = new Array(x.ndim).fill(0);
  const end = new Array(x.ndim).fill(0);
  axes.forEach((a, i) => {
    begin[a] = p[i];
    end[a] = p[axes.length + i];
  });
  // F.pad's widths, last dim first, without the leading dims that are not padded.
  const w = widths(begin, end);
  while (w.length > 0 && w.at(-1) === 0 && w.at(-2) === 0) w.length -= 2;
  if (w.length === 0) return x;
  const value = r.tensor(2);
  if (mode !== "constant") return F.pad(x, w, mode);
  return F.pad(x, w, { value: value ? value.reshape([]).item() : 0 });
}

/** Runs one of `CONV_OPS`. */
export function runConv(r: NodeReader): Tensor {
  const x = must(r.tensor(0), r, "input");
  switch (r.op) {
    case "Conv":
      return conv(r, x);
    case "ConvTranspose":
      return convTranspose(r, x);
    case "MaxPool":
    case "AveragePool":
      return pool(r, x);
    case "GlobalAveragePool":
    case "GlobalMaxPool": {
      const axes = Array.from({ length: x.ndim - 2 }, (_, i) => i + 2);
      return r.op === "GlobalMaxPool" ? x.amax(axes, true) : x.mean(axes, true);
    }
    case "Pad":
      return pad(r, x);
    default:
      return fail(`${r.op} (node "${r.name}") is not an op tensorgrad runs`);
  }
}
