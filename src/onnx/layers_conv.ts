/**
 * ONNX subgraphs of the convolution and pooling layers: Conv1d/2d/3d (size, "valid" or "same" padding; the padding
 * modes other than zeros as a Pad first), ConvTranspose1d/2d, MaxPool1d/2d (ceil mode as explicit end padding, so
 * the output size is PyTorch's whatever a runtime's ceil rule), AvgPool1d/2d and the adaptive pools (one pooling op
 * where the windows are even, per-window slices otherwise: the traced shape is static), and Unfold/Fold as a grouped
 * Conv/ConvTranspose with one-hot kernels (each output channel picks, or puts back, one tap of one input channel).
 */

import { className } from "../class_names.js";
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import type { Conv1d, Conv2d } from "../nn/modules/conv.js";
import type { ConvTranspose1d, ConvTranspose2d } from "../nn/modules/conv_transpose.js";
import type { Conv3d } from "../nn/modules/conv3d.js";
import type { Fold, Unfold } from "../nn/modules/fold.js";
import type { AvgPool2d, MaxPool2d } from "../nn/modules/pooling.js";
import type { AvgPool1d, MaxPool1d } from "../nn/modules/pooling1d.js";
import type { Tensor } from "../tensor/tensor.js";
import type { GraphBuilder } from "./graph.js";

/** The layers `emitConvLayer` translates. */
export const CONV_LAYER_TYPES: ReadonlySet<string> = new Set(
  "Unfold Fold Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d MaxPool1d MaxPool2d AvgPool1d AvgPool2d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveMaxPool1d AdaptiveMaxPool2d".split(
    " ",
  ),
);

type Size = number | readonly number[];

/** A size argument as `dims` numbers (a number repeats; `fallback` when absent). */
function expand(v: Size | undefined | null, dims: number, fallback: number): number[] {
  if (v === undefined || v === null) return new Array(dims).fill(fallback);
  return typeof v === "number" ? new Array(dims).fill(v) : Array.from({ length: dims }, (_, i) => v[i]);
}

/** Begin and end padding per spatial dim of a convolution's `padding` (a size, "valid", or "same" as PyTorch splits it). */
function convPads(padding: Size | string | undefined, kernel: number[], dilation: number[]): [number[], number[]] {
  if (padding === "valid") return [kernel.map(() => 0), kernel.map(() => 0)];
  if (padding === "same") {
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    return [total.map((t) => Math.floor(t / 2)), total.map((t) => t - Math.floor(t / 2))];
  }
  if (typeof padding === "string") throw new ValueError(`onnx.export: padding ${JSON.stringify(padding)} has no ONNX translation`);
  const p = expand(padding, kernel.length, 0);
  return [p, p];
}

/**
 * Runs `f` on `x` with a batch axis: ONNX's Conv and pooling ops take [N, C, ...spatial], PyTorch's layers also an
 * unbatched [C, ...spatial], which is unsqueezed before and squeezed after.
 */
function batched(g: GraphBuilder, x: string, example: Tensor, spatial: number, f: (x: string) => string): string {
  if (example.ndim === spatial + 2) return f(x);
  if (example.ndim !== spatial + 1) {
    throw new ValueError(`onnx.export: a ${spatial}-D layer on a ${example.ndim}-D input [${example.shape.join(", ")}]`);
  }
  const axes = () => g.constant("axes", [0], [1], "int64");
  return g.op("Squeeze", [f(g.op("Unsqueeze", [x, axes()])), axes()]);
}

/** A convolution layer's padding mode: "zeros" unless the layer records another. */
function paddingModeOf(m: AnyModule): string {
  const r = m as unknown as { paddingMode?: string; options?: { paddingMode?: string } };
  return r.paddingMode ?? r.options?.paddingMode ?? "zeros";
}

const PAD_MODES: Record<string, string> = { reflect: "reflect", replicate: "edge", circular: "wrap" };

function conv(g: GraphBuilder, m: AnyModule, type: string, x: string, example: Tensor): string {
  const dims = type === "Conv1d" ? 1 : type === "Conv2d" ? 2 : 3;
  let weight: Tensor;
  let bias: Tensor | null;
  let stride: number[];
  let dilation: number[];
  let groups: number;
  let padding: Size | string | undefined;
  if (type === "Conv3d") {
    const c = m as unknown as Conv3d;
    ({ weight, bias, stride, dilation, groups, padding } = c);
  } else {
    const c = m as unknown as Conv1d | Conv2d;
    weight = c.weight;
    bias = c.bias;
    stride = expand(c.options.stride, dims, 1);
    dilation = expand(c.options.dilation, dims, 1);
    groups = c.options.groups ?? 1;
    padding = c.options.padding as Size | string | undefined;
  }
  const kernel = weight.shape.slice(2);
  const [begin, end] = convPads(padding, kernel, dilation);
  const mode = paddingModeOf(m);
  return batched(g, x, example, dims, (input) => {
    let pads = [...begin, ...end];
    if (mode !== "zeros" && pads.some((p) => p > 0)) {
      const onnxMode = PAD_MODES[mode];
      if (!onnxMode) throw new ValueError(`onnx.export: ${type} with paddingMode ${JSON.stringify(mode)} has no ONNX translation`);
      if (mode === "circular" && g.opset < 19) {
        throw new ValueError(`onnx.export: ${type} with paddingMode "circular" needs ONNX Pad's "wrap" mode: opsetVersion 19 or later`);
      }
      // Pad's pads cover every axis: none on N and C.
      const all = [0, 0, ...begin, 0, 0, ...end];
      input = g.op("Pad", [input, g.constant("pads", all, [all.length], "int64")], { mode: { string: onnxMode } });
      pads = pads.map(() => 0);
    }
    const inputs = [input, g.tensor("weight", weight.detach())];
    if (bias) inputs.push(g.tensor("bias", bias.detach()));
    return g.op("Conv", inputs, {
      kernel_shape: { ints: kernel },
      strides: { ints: stride },
      pads: { ints: pads },
      dilations: { ints: dilation },
      group: { int: groups },
    });
  });
}

function convTranspose(g: GraphBuilder, m: AnyModule, type: string, x: string): string {
  const dims = type === "ConvTranspose1d" ? 1 : 2;
  const c = m as unknown as ConvTranspose1d | ConvTranspose2d;
  const o = c.options;
  const padding = expand(o.padding as Size, dims, 0);
  const inputs = [x, g.tensor("weight", c.weight.detach())];
  if (c.bias) inputs.push(g.tensor("bias", c.bias.detach()));
  return g.op("ConvTranspose", inputs, {
    kernel_shape: { ints: c.weight.shape.slice(2) },
    strides: { ints: expand(o.stride as Size, dims, 1) },
    pads: { ints: [...padding, ...padding] },
    output_padding: { ints: expand(o.outputPadding as Size, dims, 0) },
    dilations: { ints: expand(o.dilation as Size, dims, 1) },
    group: { int: o.groups },
  });
}

/** PyTorch's pooled size: floor or ceil, a ceil window that would start in the end padding dropped. */
function pooledSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

interface PoolParams {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceil: boolean;
}

function poolParams(m: AnyModule, type: string, dims: number): PoolParams {
  if (dims === 1) {
    const p = m as unknown as MaxPool1d & AvgPool1d;
    return {
      kernel: [p.kernelSize],
      stride: [p.stride],
      padding: [p.padding],
      dilation: [type === "MaxPool1d" ? p.dilation : 1],
      ceil: type === "MaxPool1d" && p.ceilMode,
    };
  }
  const p = m as unknown as MaxPool2d & AvgPool2d;
  const kernel = expand(p.kernelSize, 2, 0);
  return {
    kernel,
    stride: p.options.stride === undefined || p.options.stride === null ? kernel : expand(p.options.stride, 2, 1),
    padding: expand(p.options.padding, 2, 0),
    dilation: type === "MaxPool2d" ? expand((p as MaxPool2d).options.dilation, 2, 1) : [1, 1],
    ceil: type === "MaxPool2d" && p.ceilMode === true,
  };
}

function pool(g: GraphBuilder, m: AnyModule, type: string, x: string, example: Tensor): string {
  const dims = type.endsWith("1d") ? 1 : 2;
  const { kernel, stride, padding, dilation, ceil } = poolParams(m, type, dims);
  const sizes = example.shape.slice(-dims);
  // Ceil mode as extra end padding: MaxPool's padding never wins a max, and every kept window starts inside the input.
  const end = padding.map((p, i) => {
    if (!ceil) return p;
    const out = pooledSize(sizes[i], kernel[i], stride[i], p, dilation[i], true);
    return Math.max(p, (out - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - sizes[i] - p);
  });
  const attrs = { kernel_shape: { ints: kernel }, strides: { ints: stride }, pads: { ints: [...padding, ...end] } };
  return batched(g, x, example, dims, (input) => {
    if (type.startsWith("Avg")) return g.op("AveragePool", [input], { ...attrs, count_include_pad: { int: 1 } });
    return g.op("MaxPool", [input], { ...attrs, dilations: { ints: dilation } });
  });
}

/**
 * An adaptive pool: PyTorch's windows [⌊i·L/out⌋, ⌈(i+1)·L/out⌉) per axis. Even windows are one pooling op (a global
 * one for output size 1); uneven ones a Slice and a reduction per window, concatenated (the windows are rectangles,
 * so pooling one axis after another gives the same result).
 */
function adaptive(g: GraphBuilder, m: AnyModule, type: string, x: string, example: Tensor): string {
  const dims = type.endsWith("1d") ? 1 : 2;
  const isMax = type.startsWith("AdaptiveMax");
  const sizes = example.shape.slice(-dims);
  const outs = expand((m as unknown as { outputSize: Size }).outputSize, dims, 1);
  if (outs.includes(0)) throw new ValueError(`onnx.export: ${type} to an empty output [${outs.join(", ")}] has no ONNX translation`);
  if (outs.every((o) => o === 1))
    return batched(g, x, example, dims, (input) => g.op(isMax ? "GlobalMaxPool" : "GlobalAveragePool", [input]));
  if (outs.every((o, i) => sizes[i] % o === 0)) {
    const k = outs.map((o, i) => sizes[i] / o);
    return batched(g, x, example, dims, (input) =>
      g.op(isMax ? "MaxPool" : "AveragePool", [input], { kernel_shape: { ints: k }, strides: { ints: k } }),
    );
  }
  let y = x;
  outs.forEach((o, i) => {
    const axis = example.ndim - dims + i;
    const size = sizes[i];
    if (o === size) return;
    const parts = Array.from({ length: o }, (_, j) => {
      const start = Math.floor((j * size) / o);
      const stop = Math.ceil(((j + 1) * size) / o);
      const c = (name: string, v: number) => g.constant(name, [v], [1], "int64");
      const slice = g.op("Slice", [y, c("starts", start), c("ends", stop), c("axes", axis)]);
      return g.reduce(isMax ? "ReduceMax" : "ReduceMean", slice, [axis], true);
    });
    y = parts.length === 1 ? parts[0] : g.op("Concat", parts, { axis: { int: axis } });
  });
  return y;
}

/** The one-hot kernels [C·kh·kw, 1, kh, kw] of Unfold and Fold: channel c·kh·kw + i·kw + j has a 1 at tap (i, j). */
function oneHot(g: GraphBuilder, channels: number, kernel: number[], example: Tensor): string {
  const taps = kernel[0] * kernel[1];
  const data = new Array<number>(channels * taps * taps).fill(0);
  for (let q = 0; q < channels * taps; q++) data[q * taps + (q % taps)] = 1;
  return g.constant("one_hot", data, [channels * taps, 1, ...kernel], example.dtype);
}

/** Unfold: [N, C, H, W] → [N, C·kh·kw, L]; Fold: [N, C·kh·kw, L] → [N, C, H, W] (and unbatched forms). */
function foldLayer(g: GraphBuilder, m: AnyModule, type: string, x: string, example: Tensor): string {
  const f = m as unknown as Fold & Unfold;
  const kernel = expand(f.kernelSize, 2, 1);
  const stride = expand(f.options.stride, 2, 1);
  const padding = expand(f.options.padding, 2, 0);
  const dilation = expand(f.options.dilation, 2, 1);
  const attrs = {
    kernel_shape: { ints: kernel },
    strides: { ints: stride },
    pads: { ints: [...padding, ...padding] },
    dilations: { ints: dilation },
  };
  const taps = kernel[0] * kernel[1];
  const shape = (name: string, dims: number[]) => g.constant(name, dims, [dims.length], "int64");
  if (type === "Unfold") {
    const channels = example.shape[example.ndim - 3];
    return batched(g, x, example, 2, (input) => {
      const cols = g.op("Conv", [input, oneHot(g, channels, kernel, example)], { ...attrs, group: { int: channels } });
      return g.op("Reshape", [cols, shape("shape", [0, channels * taps, -1])]);
    });
  }
  const out = expand(f.outputSize, 2, 1);
  const channels = example.shape[example.ndim - 2] / taps;
  const blocks = out.map((o, i) => Math.floor((o + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1);
  // ConvTranspose's size is (blocks − 1)·stride − 2·padding + dilation·(k − 1) + 1; output_padding adds what Fold's is over.
  const extra = out.map((o, i) => o - ((blocks[i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + 1));
  return batched(g, x, example, 1, (input) => {
    const grid = g.op("Reshape", [input, shape("shape", [0, channels * taps, ...blocks])]);
    return g.op("ConvTranspose", [grid, oneHot(g, channels, kernel, example)], {
      ...attrs,
      output_padding: { ints: extra },
      group: { int: channels },
    });
  });
}

/** Emits the ONNX nodes of one of `CONV_LAYER_TYPES` applied to `x`; returns the output's name. */
export function emitConvLayer(g: GraphBuilder, m: AnyModule, x: { name: string; example: Tensor }): string {
  const type = className(m);
  if (type === "Unfold" || type === "Fold") return foldLayer(g, m, type, x.name, x.example);
  if (type.startsWith("ConvTranspose")) return convTranspose(g, m, type, x.name);
  if (type.startsWith("Conv")) return conv(g, m, type, x.name, x.example);
  if (type.startsWith("Adaptive")) return adaptive(g, m, type, x.name, x.example);
  return pool(g, m, type, x.name, x.example);
}
