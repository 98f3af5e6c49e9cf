/**
 * A PyTorch `model.py` for a model spec: `build_model()` constructs the same architecture with `torch.nn`, so the
 * state-dict keys match ours and `load_state_dict(strict=True)` takes our weights; run as a script it loads the
 * weights and compares the output on a saved input with tensorgrad's. Browser-safe (it only writes text).
 */
import type { ModuleSpec } from "./model_spec.js";
import { kwargs, morePytorchExpression, py, pytorchDefinitions } from "./pytorch_layers.js";

function call(name: string, parts: string[]): string {
  return `nn.${name}(${parts.join(", ")})`;
}

const RECURRENT = { numLayers: "num_layers", bias: "bias", batchFirst: "batch_first", dropout: "dropout", bidirectional: "bidirectional" };

const CONV = { stride: "stride", padding: "padding", dilation: "dilation", groups: "groups", bias: "bias", paddingMode: "padding_mode" };

/** The `torch.nn` constructor call for one module spec. */
export function pytorchExpression(spec: ModuleSpec, indent = ""): string {
  const a = spec.args.map(py);
  const o = spec.options;
  switch (spec.type) {
    case "Sequential": {
      const inner = `${indent}    `;
      const children = (spec.children ?? []).map((c) => `${inner}${pytorchExpression(c, inner)},`);
      return children.length ? `nn.Sequential(\n${children.join("\n")}\n${indent})` : "nn.Sequential()";
    }
    case "Linear":
      return call("Linear", [...a, ...kwargs(o, { bias: "bias" })]);
    case "Conv1d":
    case "Conv2d":
      return call(spec.type, [...a, ...kwargs(o, CONV)]);
    case "BatchNorm1d":
    case "BatchNorm2d":
      return call(spec.type, [
        ...a,
        ...kwargs(o, { eps: "eps", momentum: "momentum", affine: "affine", trackRunningStats: "track_running_stats" }),
      ]);
    case "LayerNorm": {
      // `bias=` arrived in PyTorch 2.1; written only when it is False, so older versions run the common case.
      const parts = [...a, ...kwargs(o, { eps: "eps", elementwiseAffine: "elementwise_affine" })];
      return call("LayerNorm", o.bias === false ? [...parts, "bias=False"] : parts);
    }
    case "GroupNorm":
      return call("GroupNorm", [...a, ...kwargs(o, { eps: "eps", affine: "affine" })]);
    case "Embedding":
      return call("Embedding", [...a, ...kwargs(o, { paddingIdx: "padding_idx" })]);
    case "MaxPool2d":
      return call("MaxPool2d", [...a, ...kwargs(o, { stride: "stride", padding: "padding", dilation: "dilation", ceilMode: "ceil_mode" })]);
    case "AvgPool2d":
      return call("AvgPool2d", [...a, ...kwargs(o, { stride: "stride", padding: "padding" })]);
    case "Unflatten":
      return call("Unflatten", a);
    case "GELU":
      return call("GELU", [`approximate=${a[0]}`]);
    case "RNN":
      return call("RNN", [...a, ...kwargs(o, { ...RECURRENT, nonlinearity: "nonlinearity" })]);
    case "GRU":
      return call("GRU", [...a, ...kwargs(o, RECURRENT)]);
    case "LSTM": // proj_size written only when used, as PyTorch's repr does
      return call("LSTM", [...a, ...kwargs(o, RECURRENT), ...(o.projSize ? [`proj_size=${py(o.projSize)}`] : [])]);
    case "MultiheadAttention":
      return call("MultiheadAttention", [
        ...a,
        ...kwargs(o, {
          dropout: "dropout",
          bias: "bias",
          addBiasKv: "add_bias_kv",
          addZeroAttn: "add_zero_attn",
          kdim: "kdim",
          vdim: "vdim",
          batchFirst: "batch_first",
        }),
      ]);
    case "TransformerEncoder":
    case "TransformerDecoder": {
      const [layer, norm] = (spec.children ?? []).map((c) => pytorchExpression(c, indent));
      return call(spec.type, [layer, py(o.numLayers), ...(norm ? [`norm=${norm}`] : [])]);
    }
    case "TransformerEncoderLayer":
    case "TransformerDecoderLayer": {
      // As LayerNorm's: `bias=` is PyTorch 2.1's, written only when False.
      const parts = [
        ...a,
        ...kwargs(o, {
          dimFeedforward: "dim_feedforward",
          dropout: "dropout",
          activation: "activation",
          layerNormEps: "layer_norm_eps",
          batchFirst: "batch_first",
          normFirst: "norm_first",
        }),
      ];
      return call(spec.type, o.bias === false ? [...parts, "bias=False"] : parts);
    }
    default:
      // The rest take PyTorch's positional arguments in the same order (Dropout(p), LeakyReLU(negative_slope), ...).
      return morePytorchExpression(spec) ?? call(spec.type, a);
  }
}

/**
 * The text of a runnable `model.py`: `build_model()` and, under `__main__`, a strict load of `weightsFile` and a
 * comparison with tensorgrad's output stored in `checkFile` (tensors `input` and `output`).
 *
 * @example
 * const code = tg.io.pytorchCode(tg.io.describeModule(model));
 */
export function pytorchCode(spec: ModuleSpec, files: { weights?: string; check?: string } = {}): string {
  return pytorchScript(pytorchDefinitions(spec), `return ${pytorchExpression(spec, "    ")}`, files);
}

/**
 * A runnable `model.py` around given PyTorch code: `definitions` (classes, at the top level) and the body of
 * `build_model()`; the rest as in `pytorchCode`. @internal (the CLI's language-model export)
 */
export function pytorchScript(definitions: string, buildBody: string, files: { weights?: string; check?: string } = {}): string {
  const weights = files.weights ?? "model.safetensors";
  const check = files.check ?? "check.safetensors";
  const defs = definitions ? `${definitions.trim()}\n\n\n` : "";
  return `"""The model of a tensorgrad checkpoint, in PyTorch (written by \`tensorgrad export --format pytorch\`).

    python model.py     # loads ${weights} with strict=True and compares with tensorgrad's output in ${check}

Elsewhere: \`from model import build_model, load_safetensors\`.
"""
import json
import os
import sys

import torch
from torch import nn


${defs}def build_model():
    ${buildBody}


_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
           "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}


def load_safetensors(path):
    """safetensors.torch.load_file when the package is installed, else a reader of the (simple) format."""
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    body = bytearray(data[8 + n:])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        flat = torch.frombuffer(body[begin:end], dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"]).clone()
    return tensors


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    model = build_model()
    state = load_safetensors(os.path.join(here, ${JSON.stringify(weights)}))
    model.load_state_dict(state, strict=True)
    model.eval()
    print(f"loaded {len(state)} tensors into build_model() with strict=True")
    check_path = os.path.join(here, ${JSON.stringify(check)})
    if os.path.exists(check_path):
        check = load_safetensors(check_path)
        x = check["input"]
        x = x.float() if x.is_floating_point() else x.long()
        with torch.no_grad():
            y = model(x)
        if isinstance(y, tuple):  # RNN/LSTM/GRU: (output, state)
            y = y[0]
        expected = check["output"].to(y.dtype)
        err = (y - expected).abs().max().item()
        tol = 1e-4 * max(1.0, expected.abs().max().item())
        print(f"max abs difference from tensorgrad's output: {err:.3g} ({'OK' if err <= tol else 'MISMATCH'})")
        sys.exit(0 if err <= tol else 1)
`;
}
