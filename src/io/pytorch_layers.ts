/**
 * The `torch.nn` calls for the layers of model_spec_layers.ts whose PyTorch constructors need keyword arguments or
 * another name (ZeroPad1d is PyTorch 2.1's: written as ConstantPad1d(p, 0.0); RMSNorm is 2.4's: model.py defines
 * it for older versions), and the Python definitions a spec's layers need.
 */
import { ValueError } from "../errors.js";
import type { ModuleSpec, SpecValue } from "./model_spec.js";

/** A Python literal for a spec value: arrays become tuples, null None, booleans True/False. */
export function py(v: SpecValue | undefined): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return String(v); // JS and Python spell finite numbers alike (1e-5 is "0.00001")
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${py(v[0])},)` : `(${v.map(py).join(", ")})`;
  throw new ValueError(`pytorchCode: can't write ${JSON.stringify(v)} as a Python argument`);
}

/** `name=value` for each option present in `o`, with PyTorch's snake_case names. */
export function kwargs(o: Record<string, SpecValue>, names: Record<string, string>): string[] {
  return Object.entries(names)
    .filter(([k]) => o[k] !== undefined)
    .map(([k, pyName]) => `${pyName}=${py(o[k])}`);
}

const call = (name: string, parts: string[]) => `nn.${name}(${parts.join(", ")})`;

const NORM = { eps: "eps", momentum: "momentum", affine: "affine", trackRunningStats: "track_running_stats" };
const WINDOW = { dilation: "dilation", padding: "padding", stride: "stride" };

/** The `torch.nn` call for one of the layers this file knows, or null. */
export function morePytorchExpression(spec: ModuleSpec): string | null {
  const a = spec.args.map(py);
  const o = spec.options;
  switch (spec.type) {
    case "Conv3d":
      return call("Conv3d", [
        ...a,
        ...kwargs(o, {
          stride: "stride",
          padding: "padding",
          dilation: "dilation",
          groups: "groups",
          bias: "bias",
          paddingMode: "padding_mode",
        }),
      ]);
    case "ConvTranspose1d":
    case "ConvTranspose2d":
      return call(spec.type, [
        ...a,
        ...kwargs(o, {
          stride: "stride",
          padding: "padding",
          outputPadding: "output_padding",
          groups: "groups",
          bias: "bias",
          dilation: "dilation",
        }),
      ]);
    case "MaxPool1d":
      return call("MaxPool1d", [...a, ...kwargs(o, { stride: "stride", padding: "padding", dilation: "dilation", ceilMode: "ceil_mode" })]);
    case "AvgPool1d":
      return call("AvgPool1d", [...a, ...kwargs(o, { stride: "stride", padding: "padding" })]);
    case "ZeroPad1d":
      return call("ConstantPad1d", [...a, "0.0"]);
    case "Upsample":
      return call("Upsample", [
        ...a,
        ...kwargs(o, {
          size: "size",
          scaleFactor: "scale_factor",
          mode: "mode",
          alignCorners: "align_corners",
          recomputeScaleFactor: "recompute_scale_factor",
        }),
      ]);
    case "Unfold":
    case "Fold":
      return call(spec.type, [...a, ...kwargs(o, WINDOW)]);
    case "InstanceNorm1d":
    case "InstanceNorm2d":
      return call(spec.type, [...a, ...kwargs(o, NORM)]);
    case "RMSNorm": // not nn.RMSNorm: model.py binds RMSNorm to it, or to its own class before PyTorch 2.4
      return `RMSNorm(${[...a, ...kwargs(o, { eps: "eps", elementwiseAffine: "elementwise_affine" })].join(", ")})`;
    case "Bilinear":
      return call("Bilinear", [...a, ...kwargs(o, { bias: "bias" })]);
    case "CosineSimilarity":
      return call("CosineSimilarity", kwargs(o, { dim: "dim", eps: "eps" }));
    case "PairwiseDistance":
      return call("PairwiseDistance", kwargs(o, { p: "p", eps: "eps", keepdim: "keepdim" }));
    case "RNNCell":
      return call("RNNCell", [...a, ...kwargs(o, { bias: "bias", nonlinearity: "nonlinearity" })]);
    case "LSTMCell":
    case "GRUCell":
      return call(spec.type, [...a, ...kwargs(o, { bias: "bias" })]);
    case "Transformer": {
      const parts = kwargs(o, {
        dModel: "d_model",
        nhead: "nhead",
        numEncoderLayers: "num_encoder_layers",
        numDecoderLayers: "num_decoder_layers",
        dimFeedforward: "dim_feedforward",
        dropout: "dropout",
        activation: "activation",
        layerNormEps: "layer_norm_eps",
        batchFirst: "batch_first",
        normFirst: "norm_first",
      });
      // As TransformerEncoderLayer's: `bias=` is PyTorch 2.1's, written only when False.
      return call("Transformer", o.bias === false ? [...parts, "bias=False"] : parts);
    }
    default:
      return null;
  }
}

const RMS_NORM = `class _RMSNorm(nn.Module):
    """torch.nn.RMSNorm (PyTorch 2.4) for older versions: x / sqrt(mean(x^2 over the last dims) + eps) * weight."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        super().__init__()
        self.normalized_shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) else (normalized_shape,)
        self.eps = eps
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
        else:
            self.register_parameter("weight", None)

    def forward(self, x):
        dims = tuple(range(-len(self.normalized_shape), 0))
        eps = self.eps if self.eps is not None else torch.finfo(x.dtype).eps
        y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
        return y if self.weight is None else y * self.weight


RMSNorm = getattr(nn, "RMSNorm", _RMSNorm)`;

function types(spec: ModuleSpec, out = new Set<string>()): Set<string> {
  out.add(spec.type);
  for (const c of spec.children ?? []) types(c, out);
  return out;
}

/** The Python definitions (top level of model.py) the layers of `spec` need; "" when none. */
export function pytorchDefinitions(spec: ModuleSpec): string {
  return types(spec).has("RMSNorm") ? RMS_NORM : "";
}
