import { type Args, arg, is, kw, required, signature } from "../../args.js";
import type { Tensor } from "../../tensor/tensor.js";
import { gelu, relu } from "../functional/activation.js";
import { Module } from "../module.js";
import { MultiheadAttention } from "./attention.js";
import { Dropout } from "./dropout.js";
import { Linear } from "./linear.js";
import { LayerNorm } from "./normalization.js";

// torch.nn.TransformerEncoderLayer and TransformerDecoderLayer: attention and feed-forward blocks with residuals,
// layer norm after each (post-norm, the default) or before (normFirst). Submodule names are PyTorch's (self_attn,
// multihead_attn, linear1, linear2, norm1..3), so their state dicts load PyTorch's.

/** The feed-forward activation: "relu", "gelu", or a function of a tensor. */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block; default 2048. */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block; default 0.1. */
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  /** Inputs [N, L, E] instead of [L, N, E]; default false. */
  batchFirst?: boolean;
  /** Layer norm before each block (pre-norm) instead of after; default false. */
  normFirst?: boolean;
  /** Biases in the linear and layer-norm layers; default true. */
  bias?: boolean;
  dtype?: "float32" | "float64";
}

/** The settings a layer is built from (kept so TransformerEncoder can make copies). */
export interface TransformerLayerConfig {
  dModel: number;
  nhead: number;
  dimFeedforward: number;
  dropout: number;
  activation: TransformerActivation;
  layerNormEps: number;
  batchFirst: boolean;
  normFirst: boolean;
  bias: boolean;
  dtype: "float32" | "float64";
}

const layerSig = (fn: string) =>
  signature(fn, {
    dModel: required(is.posInt),
    nhead: required(is.posInt),
    dimFeedforward: arg(is.posInt, 2048),
    dropout: arg(is.number, 0.1),
    activation: arg(
      is.where<TransformerActivation>('"relu" | "gelu" | a function', (v) => v === "relu" || v === "gelu" || typeof v === "function"),
      "relu",
    ),
    layerNormEps: arg(
      is.numberWhere("a non-negative number", (v) => v >= 0),
      1e-5,
    ),
    batchFirst: arg(is.boolean, false),
    normFirst: arg(is.boolean, false),
    bias: arg(is.boolean, true),
    dtype: kw(is.floatDType, "float32"),
  });
const ENCODER_LAYER = layerSig("TransformerEncoderLayer");
const DECODER_LAYER = layerSig("TransformerDecoderLayer");

type LayerRest = Args<
  [
    dimFeedforward: number,
    dropout: number,
    activation: TransformerActivation,
    layerNormEps: number,
    batchFirst: boolean,
    normFirst: boolean,
    bias: boolean,
  ],
  TransformerLayerOptions
>;

export interface EncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  /** A hint that srcMask is the causal mask (srcMask is still required, as PyTorch). */
  isCausal?: boolean;
}

export interface DecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

const ENC_FORWARD = signature("TransformerEncoderLayer.forward", {
  srcMask: arg(is.nullable(is.tensor), null),
  srcKeyPaddingMask: arg(is.nullable(is.tensor), null),
  isCausal: arg(is.boolean, false),
});
const DEC_FORWARD = signature("TransformerDecoderLayer.forward", {
  tgtMask: arg(is.nullable(is.tensor), null),
  memoryMask: arg(is.nullable(is.tensor), null),
  tgtKeyPaddingMask: arg(is.nullable(is.tensor), null),
  memoryKeyPaddingMask: arg(is.nullable(is.tensor), null),
  tgtIsCausal: arg(is.boolean, false),
  memoryIsCausal: arg(is.boolean, false),
});

export type EncoderLayerRest = Args<
  [srcMask: Tensor | null, srcKeyPaddingMask: Tensor | null, isCausal: boolean],
  EncoderLayerForwardOptions
>;
export type DecoderLayerRest = Args<
  [
    tgtMask: Tensor | null,
    memoryMask: Tensor | null,
    tgtKeyPaddingMask: Tensor | null,
    memoryKeyPaddingMask: Tensor | null,
    tgtIsCausal: boolean,
    memoryIsCausal: boolean,
  ],
  DecoderLayerForwardOptions
>;

/** @internal Reads an encoder layer's forward options (shared with TransformerEncoder). */
export const parseEncoderForward = (rest: readonly unknown[]) => ENC_FORWARD.parse(rest);
/** @internal Reads a decoder layer's forward options (shared with TransformerDecoder). */
export const parseDecoderForward = (rest: readonly unknown[]) => DEC_FORWARD.parse(rest);

const activate = (f: TransformerActivation, x: Tensor): Tensor => (f === "relu" ? relu(x) : f === "gelu" ? gelu(x) : f(x));

/** The parts both layers share: self-attention and the feed-forward block. */
abstract class LayerBase<In extends unknown[]> extends Module<In, Tensor> {
  // Declared, not initialized, so the fields exist in the order the constructor assigns them (PyTorch's).
  declare readonly config: TransformerLayerConfig;
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;

  /** `cross` adds the decoder's multihead_attn, norm3 and dropout3, in PyTorch's order (for the state dict's). */
  constructor(c: TransformerLayerConfig, cross: boolean) {
    super();
    this.config = c;
    const dtype = c.dtype;
    const attention = () =>
      new MultiheadAttention(c.dModel, c.nhead, { dropout: c.dropout, bias: c.bias, batchFirst: c.batchFirst, dtype });
    this.self_attn = attention();
    const self = this as unknown as Record<string, Module<never, unknown>>;
    if (cross) self.multihead_attn = attention();
    this.linear1 = new Linear(c.dModel, c.dimFeedforward, c.bias, { dtype });
    this.dropout = new Dropout(c.dropout);
    this.linear2 = new Linear(c.dimFeedforward, c.dModel, c.bias, { dtype });
    this.norm1 = new LayerNorm(c.dModel, c.layerNormEps, true, c.bias, { dtype });
    this.norm2 = new LayerNorm(c.dModel, c.layerNormEps, true, c.bias, { dtype });
    if (cross) self.norm3 = new LayerNorm(c.dModel, c.layerNormEps, true, c.bias, { dtype });
    this.dropout1 = new Dropout(c.dropout);
    this.dropout2 = new Dropout(c.dropout);
    if (cross) self.dropout3 = new Dropout(c.dropout);
  }

  protected selfAttention(x: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    return this.self_attn(x, x, x, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal })[0];
  }

  protected feedForward(x: Tensor, out: Dropout): Tensor {
    return out(this.linear2(this.dropout(activate(this.config.activation, this.linear1(x)))));
  }

  override extraRepr(): string {
    const c = this.config;
    return `dModel=${c.dModel}, nhead=${c.nhead}, dimFeedforward=${c.dimFeedforward}${c.normFirst ? ", normFirst=true" : ""}`;
  }
}

/**
 * One encoder layer, as `torch.nn.TransformerEncoderLayer`: self-attention then a feed-forward block, each with a
 * residual and layer norm (after, or before with normFirst).
 *
 * @example
 * const layer = new tg.nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * layer(tg.randn([2, 5, 16])).shape; // [2, 5, 16]
 */
export class TransformerEncoderLayer extends LayerBase<[src: Tensor, ...rest: EncoderLayerRest]> {
  constructor(dModel: number, nhead: number, ...rest: LayerRest) {
    super(ENCODER_LAYER.parse([dModel, nhead, ...rest]), false);
  }

  /** A copy with the same settings and weights (PyTorch's deepcopy in TransformerEncoder). */
  clone(): TransformerEncoderLayer {
    const { dModel, nhead, ...options } = this.config;
    const copy = new TransformerEncoderLayer(dModel, nhead, options);
    copy.loadStateDict(this.stateDict());
    return copy;
  }

  forward(src: Tensor, ...rest: EncoderLayerRest): Tensor {
    const o = parseEncoderForward(rest);
    let x = src;
    if (this.config.normFirst) {
      x = x.add(this.dropout1(this.selfAttention(this.norm1(x), o.srcMask, o.srcKeyPaddingMask, o.isCausal)));
      return x.add(this.feedForward(this.norm2(x), this.dropout2));
    }
    x = this.norm1(x.add(this.dropout1(this.selfAttention(x, o.srcMask, o.srcKeyPaddingMask, o.isCausal))));
    return this.norm2(x.add(this.feedForward(x, this.dropout2)));
  }
}

/**
 * One decoder layer, as `torch.nn.TransformerDecoderLayer`: self-attention, attention over the encoder's memory,
 * then a feed-forward block, each with a residual and layer norm.
 *
 * @example
 * const layer = new tg.nn.TransformerDecoderLayer(16, 4, 32);
 * layer(tg.randn([5, 2, 16]), tg.randn([7, 2, 16])).shape; // [5, 2, 16]
 */
export class TransformerDecoderLayer extends LayerBase<[tgt: Tensor, memory: Tensor, ...rest: DecoderLayerRest]> {
  // Set by the base constructor, in PyTorch's order.
  declare multihead_attn: MultiheadAttention;
  declare norm3: LayerNorm;
  declare dropout3: Dropout;

  constructor(dModel: number, nhead: number, ...rest: LayerRest) {
    super(DECODER_LAYER.parse([dModel, nhead, ...rest]), true);
  }

  /** A copy with the same settings and weights (PyTorch's deepcopy in TransformerDecoder). */
  clone(): TransformerDecoderLayer {
    const { dModel, nhead, ...options } = this.config;
    const copy = new TransformerDecoderLayer(dModel, nhead, options);
    copy.loadStateDict(this.stateDict());
    return copy;
  }

  private crossAttention(x: Tensor, memory: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    return this.dropout2(this.multihead_attn(x, memory, memory, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal })[0]);
  }

  forward(tgt: Tensor, memory: Tensor, ...rest: DecoderLayerRest): Tensor {
    const o = parseDecoderForward(rest);
    let x = tgt;
    const sa = (y: Tensor) => this.dropout1(this.selfAttention(y, o.tgtMask, o.tgtKeyPaddingMask, o.tgtIsCausal));
    const ca = (y: Tensor) => this.crossAttention(y, memory, o.memoryMask, o.memoryKeyPaddingMask, o.memoryIsCausal);
    if (this.config.normFirst) {
      x = x.add(sa(this.norm1(x)));
      x = x.add(ca(this.norm2(x)));
      return x.add(this.feedForward(this.norm3(x), this.dropout3));
    }
    x = this.norm1(x.add(sa(x)));
    x = this.norm2(x.add(ca(x)));
    return this.norm3(x.add(this.feedForward(x, this.dropout3)));
  }
}
