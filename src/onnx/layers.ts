/**
 * One ONNX subgraph per built-in layer, in eval-mode semantics (Dropout is the identity, BatchNorm uses its running
 * statistics). Ops that the default opset lacks (GELU, SiLU, Mish, GroupNorm) are composed from ones it has.
 */

import { className } from "../class_names.js";
import type { DType } from "../dtype.js";
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import type * as A from "../nn/modules/activation.js";
import type { CELU, Hardshrink, Softshrink } from "../nn/modules/activation_extra.js";
import type { RReLU } from "../nn/modules/activation_more.js";
import type { BatchNorm1d } from "../nn/modules/batchnorm.js";
import type { Embedding } from "../nn/modules/embedding.js";
import type { Flatten, Unflatten } from "../nn/modules/flatten.js";
import type { Linear } from "../nn/modules/linear.js";
import type { GroupNorm, LayerNorm } from "../nn/modules/normalization.js";
import { ones, zeros } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import type { GraphBuilder } from "./graph.js";
import { CONV_LAYER_TYPES, emitConvLayer } from "./layers_conv.js";
import { EXTRA_LAYER_TYPES, emitExtraLayer } from "./layers_extra.js";

/** A value in the graph and the example tensor it holds when the model runs on the example input. */
export interface Traced {
  name: string;
  example: Tensor;
}

/** A Reshape to `shape`, where 0 keeps the input's size (the batch axis stays dynamic). */
function reshape(g: GraphBuilder, x: string, shape: readonly number[]): string {
  return g.op("Reshape", [x, g.constant("shape", shape, [shape.length], "int64")]);
}

/** `shape` with the leading (batch) dim written as 0, so a Reshape copies it from the input. */
const keepBatch = (shape: readonly number[]): number[] => shape.map((s, i) => (i === 0 ? 0 : s));

function affine(g: GraphBuilder, t: Tensor | null, fill: number, n: readonly number[], dtype: DType, name: string): string {
  return t ? g.tensor(name, t) : g.tensor(name, fill === 1 ? ones([...n], { dtype }) : zeros([...n], { dtype }));
}

function gelu(g: GraphBuilder, x: string, approximate: string, dtype: DType): string {
  const half = g.op("Mul", [x, g.scalar(0.5, dtype)]);
  if (approximate === "tanh") {
    // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const cube = g.op("Mul", [g.op("Mul", [x, x]), x]);
    const inner = g.op("Add", [x, g.op("Mul", [cube, g.scalar(0.044715, dtype)])]);
    const t = g.op("Tanh", [g.op("Mul", [inner, g.scalar(Math.sqrt(2 / Math.PI), dtype)])]);
    return g.op("Mul", [half, g.op("Add", [t, g.scalar(1, dtype)])]);
  }
  // 0.5·x·(1 + erf(x/√2))
  const erf = g.op("Erf", [g.op("Div", [x, g.scalar(Math.SQRT2, dtype)])]);
  return g.op("Mul", [half, g.op("Add", [erf, g.scalar(1, dtype)])]);
}

/** relu6(x + 3)/6 as Clip(x + 3, 0, 6)/6, PyTorch's form. */
function hardsigmoid(g: GraphBuilder, x: string, dtype: DType): string {
  const clipped = g.op("Clip", [g.op("Add", [x, g.scalar(3, dtype)]), g.scalar(0, dtype), g.scalar(6, dtype)]);
  return g.op("Div", [clipped, g.scalar(6, dtype)]);
}

function softplus(g: GraphBuilder, x: string, beta: number, dtype: DType): string {
  if (beta === 1) return g.op("Softplus", [x]);
  return g.op("Div", [g.op("Softplus", [g.op("Mul", [x, g.scalar(beta, dtype)])]), g.scalar(beta, dtype)]);
}

/** GroupNorm composed: reshape to [N, G, -1], normalize each group (biased variance), reshape back, scale and shift. */
function groupNorm(g: GraphBuilder, m: GroupNorm, x: Traced, dtype: DType): string {
  const shape = x.example.shape;
  const grouped = reshape(g, x.name, [0, m.numGroups, -1]);
  const mean = g.reduce("ReduceMean", grouped, [2], true);
  const centered = g.op("Sub", [grouped, mean]);
  const variance = g.reduce("ReduceMean", g.op("Mul", [centered, centered]), [2], true);
  const std = g.op("Sqrt", [g.op("Add", [variance, g.scalar(m.eps, dtype)])]);
  const normalized = reshape(g, g.op("Div", [centered, std]), keepBatch(shape));
  if (!m.affine) return normalized;
  const perChannel = [m.numChannels, ...shape.slice(2).map(() => 1)];
  const w = reshape(g, g.tensor("gn_weight", m.weight as Tensor), perChannel);
  const b = reshape(g, g.tensor("gn_bias", m.bias as Tensor), perChannel);
  return g.op("Add", [g.op("Mul", [normalized, w]), b]);
}

/** The layers `emitLayer` translates, by class name. */
export const LAYER_TYPES: ReadonlySet<string> = new Set([
  ...CONV_LAYER_TYPES,
  ...EXTRA_LAYER_TYPES,
  ..."Identity Dropout Dropout1d Dropout2d Linear BatchNorm1d BatchNorm2d LayerNorm GroupNorm Embedding ReLU Sigmoid Tanh SiLU Mish LeakyReLU ELU PReLU GELU Softplus Hardtanh ReLU6 SELU CELU Hardsigmoid Hardswish Hardshrink Softshrink LogSigmoid Threshold RReLU Softmax LogSoftmax Flatten Unflatten".split(
    " ",
  ),
]);

/** Emits the ONNX nodes of one non-container layer applied to `x`; returns the output's name. */
export function emitLayer(g: GraphBuilder, m: AnyModule, x: Traced): string {
  const dtype = x.example.dtype;
  const type = className(m);
  switch (type) {
    case "Identity":
    case "Dropout":
    case "Dropout1d":
    case "Dropout2d":
      return g.op("Identity", [x.name]);
    case "Linear": {
      const l = m as unknown as Linear;
      const wT = g.tensor("weight_t", l.weight.detach().T.contiguous());
      if (x.example.ndim === 2) {
        return g.op("Gemm", l.bias ? [x.name, wT, g.tensor("bias", l.bias.detach())] : [x.name, wT]);
      }
      const y = g.op("MatMul", [x.name, wT]);
      return l.bias ? g.op("Add", [y, g.tensor("bias", l.bias.detach())]) : y;
    }
    case "BatchNorm1d":
    case "BatchNorm2d": {
      const bn = m as unknown as BatchNorm1d;
      if (!bn.runningMean || !bn.runningVar) {
        throw new ValueError(
          `onnx.export: ${type} without running statistics (trackRunningStats: false) normalizes with batch statistics in eval mode, which ONNX's BatchNormalization does not`,
        );
      }
      const n = [bn.numFeatures];
      return g.op(
        "BatchNormalization",
        [
          x.name,
          affine(g, bn.weight, 1, n, dtype, "bn_scale"),
          affine(g, bn.bias, 0, n, dtype, "bn_bias"),
          g.tensor("running_mean", bn.runningMean.detach()),
          g.tensor("running_var", bn.runningVar.detach()),
        ],
        { epsilon: { float: bn.eps } },
      );
    }
    case "LayerNorm": {
      const ln = m as unknown as LayerNorm;
      const s = ln.normalizedShape;
      return g.op(
        "LayerNormalization",
        [x.name, affine(g, ln.weight, 1, s, dtype, "ln_scale"), affine(g, ln.bias, 0, s, dtype, "ln_bias")],
        {
          axis: { int: -s.length },
          epsilon: { float: ln.eps },
        },
      );
    }
    case "GroupNorm":
      return groupNorm(g, m as unknown as GroupNorm, x, dtype);
    case "Embedding":
      return g.op("Gather", [g.tensor("embedding", (m as unknown as Embedding).weight.detach()), x.name], { axis: { int: 0 } });
    case "ReLU":
      return g.op("Relu", [x.name]);
    case "Sigmoid":
      return g.op("Sigmoid", [x.name]);
    case "Tanh":
      return g.op("Tanh", [x.name]);
    case "SiLU":
      return g.op("Mul", [x.name, g.op("Sigmoid", [x.name])]);
    case "Mish":
      return g.op("Mul", [x.name, g.op("Tanh", [softplus(g, x.name, 1, dtype)])]);
    case "LeakyReLU":
      return g.op("LeakyRelu", [x.name], { alpha: { float: (m as unknown as A.LeakyReLU).negativeSlope } });
    case "ELU":
      return g.op("Elu", [x.name], { alpha: { float: (m as unknown as A.ELU).alpha } });
    case "PReLU": {
      const p = m as unknown as A.PReLU;
      // The slope is per channel (dim 1); broadcast it over the dims after that.
      const trailing = Math.max(0, x.example.ndim - 2);
      const slope = g.tensor("prelu_slope", p.weight.detach().reshape([p.numParameters, ...Array(trailing).fill(1)]));
      return g.op("PRelu", [x.name, slope]);
    }
    case "GELU":
      return gelu(g, x.name, (m as unknown as A.GELU).approximate, dtype);
    case "Softplus": {
      const sp = m as unknown as A.Softplus;
      return softplus(g, x.name, sp.beta, dtype);
    }
    case "Hardtanh": {
      const h = m as unknown as A.Hardtanh;
      return g.op("Clip", [x.name, g.scalar(h.minVal, dtype), g.scalar(h.maxVal, dtype)]);
    }
    case "ReLU6":
      return g.op("Clip", [x.name, g.scalar(0, dtype), g.scalar(6, dtype)]);
    case "SELU":
      // scale·elu(x, α) with PyTorch's constants.
      return g.op("Mul", [g.op("Elu", [x.name], { alpha: { float: 1.6732632423543772 } }), g.scalar(1.0507009873554805, dtype)]);
    case "CELU": {
      // α·elu(x/α, 1): x where positive, α(e^(x/α) − 1) elsewhere.
      const alpha = (m as unknown as CELU).alpha;
      const scaled = g.op("Div", [x.name, g.scalar(alpha, dtype)]);
      return g.op("Mul", [g.op("Elu", [scaled], { alpha: { float: 1 } }), g.scalar(alpha, dtype)]);
    }
    case "Hardsigmoid":
      return hardsigmoid(g, x.name, dtype);
    case "Hardswish":
      return g.op("Mul", [x.name, hardsigmoid(g, x.name, dtype)]);
    case "Hardshrink": {
      const lambd = (m as unknown as Hardshrink).lambd;
      const keep = g.op("Greater", [g.op("Abs", [x.name]), g.scalar(lambd, dtype)]);
      return g.op("Where", [keep, x.name, g.scalar(0, dtype)]);
    }
    case "Softshrink": {
      // x − clip(x, −λ, λ): x − λ above λ, x + λ below −λ, 0 between.
      const lambd = (m as unknown as Softshrink).lambd;
      return g.op("Sub", [x.name, g.op("Clip", [x.name, g.scalar(-lambd, dtype), g.scalar(lambd, dtype)])]);
    }
    case "LogSigmoid":
      return g.op("Neg", [g.op("Softplus", [g.op("Neg", [x.name])])]);
    case "Threshold": {
      const t = m as unknown as A.Threshold;
      return g.op("Where", [g.op("Greater", [x.name, g.scalar(t.threshold, dtype)]), x.name, g.scalar(t.value, dtype)]);
    }
    case "RReLU":
      // The export is of eval mode (as Dropout's): the fixed slope (lower + upper) / 2.
      return g.op("LeakyRelu", [x.name], { alpha: { float: ((m as unknown as RReLU).lower + (m as unknown as RReLU).upper) / 2 } });
    case "Softmax":
    case "LogSoftmax": {
      // dim null: PyTorch's legacy choice, dim 0 for 0-, 1- and 3-D inputs, else dim 1.
      const n = x.example.ndim;
      const axis = (m as unknown as A.Softmax).dim ?? (n === 0 || n === 1 || n === 3 ? 0 : 1);
      return g.op(type, [x.name], { axis: { int: axis } });
    }
    case "Flatten": {
      const f = m as unknown as Flatten;
      const rank = x.example.ndim;
      const end = f.endDim < 0 ? f.endDim + rank : f.endDim;
      const start = f.startDim < 0 ? f.startDim + rank : f.startDim;
      if (start === 1 && end === rank - 1) return g.op("Flatten", [x.name], { axis: { int: 1 } });
      const out = f.forward(x.example).shape;
      return reshape(g, x.name, start === 0 ? out : keepBatch(out));
    }
    case "Unflatten":
      return reshape(g, x.name, keepBatch((m as unknown as Unflatten).forward(x.example).shape));
    default:
      if (CONV_LAYER_TYPES.has(type)) return emitConvLayer(g, m, x);
      if (EXTRA_LAYER_TYPES.has(type)) return emitExtraLayer(g, m, x);
      throw new ValueError(`onnx.export: no ONNX translation for ${type}`);
  }
}
