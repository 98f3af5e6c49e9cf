import { type Args, arg, is, kw, signature } from "../../args.js";
import { ValueError } from "../../errors.js";
import { ones, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { xavierUniform_ } from "../init.js";
import { Module } from "../module.js";
import { LayerNorm } from "./normalization.js";
import {
  type DecoderLayerRest,
  parseDecoderForward,
  type TransformerActivation,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
} from "./transformer_layer.js";

// torch.nn.TransformerEncoder / TransformerDecoder (N copies of a layer, as `layers.0`, `layers.1`, ..., and an
// optional final `norm`) and torch.nn.Transformer (an encoder and a decoder with final layer norms).

const STACK = (fn: string, layer: abstract new (...a: never[]) => unknown, name: string) =>
  signature(fn, {
    layer: arg(is.nullable(is.where<unknown>(`a ${name}`, (v) => v instanceof layer)), null),
    numLayers: arg(is.posInt, 1),
    norm: arg(is.nullable(is.where<LayerNorm>("a LayerNorm", (v) => v instanceof LayerNorm)), null),
  });
const ENCODER = STACK("TransformerEncoder", TransformerEncoderLayer, "TransformerEncoderLayer");
const DECODER = STACK("TransformerDecoder", TransformerDecoderLayer, "TransformerDecoderLayer");

/**
 * `numLayers` copies of an encoder layer (same initial weights, as PyTorch's deepcopy), then `norm` if given.
 *
 * @example
 * const enc = new tg.nn.TransformerEncoder(new tg.nn.TransformerEncoderLayer(16, 4, 32), 2);
 * enc(tg.randn([5, 2, 16]), { mask: tg.nn.Transformer.generateSquareSubsequentMask(5) });
 */
export class TransformerEncoder extends Module<[src: Tensor, ...rest: EncoderStackRest]> {
  layers: TransformerEncoderLayer[];
  norm: LayerNorm | null;
  readonly numLayers: number;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    numLayers: number,
    ...rest: Args<[norm: LayerNorm | null], { norm?: LayerNorm | null }>
  ) {
    super();
    const a = ENCODER.parse([encoderLayer, numLayers, ...rest]);
    if (!a.layer) throw new ValueError("TransformerEncoder: encoderLayer must be a TransformerEncoderLayer, got null");
    const layer = a.layer as TransformerEncoderLayer;
    this.numLayers = a.numLayers;
    this.layers = Array.from({ length: a.numLayers }, () => layer.clone());
    this.norm = a.norm;
  }

  forward(src: Tensor, ...rest: EncoderStackRest): Tensor {
    const o = ENCODER_FORWARD.parse(rest);
    let x = src;
    for (const layer of this.layers) x = layer(x, { srcMask: o.mask, srcKeyPaddingMask: o.srcKeyPaddingMask, isCausal: o.isCausal });
    return this.norm ? this.norm(x) : x;
  }
}

export type EncoderStackRest = Args<
  [mask: Tensor | null, srcKeyPaddingMask: Tensor | null, isCausal: boolean],
  { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }
>;
const ENCODER_FORWARD = signature("TransformerEncoder.forward", {
  mask: arg(is.nullable(is.tensor), null),
  srcKeyPaddingMask: arg(is.nullable(is.tensor), null),
  isCausal: arg(is.boolean, false),
});

/**
 * `numLayers` copies of a decoder layer, then `norm` if given. Forward options as the layer's.
 *
 * @example
 * const dec = new tg.nn.TransformerDecoder(new tg.nn.TransformerDecoderLayer(16, 4, 32), 2);
 * dec(tg.randn([5, 2, 16]), tg.randn([7, 2, 16])).shape; // [5, 2, 16]
 */
export class TransformerDecoder extends Module<[tgt: Tensor, memory: Tensor, ...rest: DecoderLayerRest]> {
  layers: TransformerDecoderLayer[];
  norm: LayerNorm | null;
  readonly numLayers: number;

  constructor(
    decoderLayer: TransformerDecoderLayer,
    numLayers: number,
    ...rest: Args<[norm: LayerNorm | null], { norm?: LayerNorm | null }>
  ) {
    super();
    const a = DECODER.parse([decoderLayer, numLayers, ...rest]);
    if (!a.layer) throw new ValueError("TransformerDecoder: decoderLayer must be a TransformerDecoderLayer, got null");
    const layer = a.layer as TransformerDecoderLayer;
    this.numLayers = a.numLayers;
    this.layers = Array.from({ length: a.numLayers }, () => layer.clone());
    this.norm = a.norm;
  }

  forward(tgt: Tensor, memory: Tensor, ...rest: DecoderLayerRest): Tensor {
    const o = parseDecoderForward(rest);
    let x = tgt;
    for (const layer of this.layers) x = layer(x, memory, o);
    return this.norm ? this.norm(x) : x;
  }
}

export interface TransformerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
  dtype?: "float32" | "float64";
}

const TRANSFORMER = signature("Transformer", {
  dModel: arg(is.posInt, 512),
  nhead: arg(is.posInt, 8),
  numEncoderLayers: arg(is.posInt, 6),
  numDecoderLayers: arg(is.posInt, 6),
  dimFeedforward: arg(is.posInt, 2048),
  dropout: arg(is.number, 0.1),
  activation: arg(
    is.where<TransformerActivation>('"relu" | "gelu" | a function', (v) => v === "relu" || v === "gelu" || typeof v === "function"),
    "relu",
  ),
  customEncoder: arg(is.only(null, "custom encoders are not implemented"), null),
  customDecoder: arg(is.only(null, "custom decoders are not implemented"), null),
  layerNormEps: arg(is.number, 1e-5),
  batchFirst: arg(is.boolean, false),
  normFirst: arg(is.boolean, false),
  bias: arg(is.boolean, true),
  dtype: kw(is.floatDType, "float32"),
});

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}
const TRANSFORMER_FORWARD = signature("Transformer.forward", {
  srcMask: arg(is.nullable(is.tensor), null),
  tgtMask: arg(is.nullable(is.tensor), null),
  memoryMask: arg(is.nullable(is.tensor), null),
  srcKeyPaddingMask: arg(is.nullable(is.tensor), null),
  tgtKeyPaddingMask: arg(is.nullable(is.tensor), null),
  memoryKeyPaddingMask: arg(is.nullable(is.tensor), null),
  srcIsCausal: arg(is.boolean, false),
  tgtIsCausal: arg(is.boolean, false),
  memoryIsCausal: arg(is.boolean, false),
});
type TransformerForwardRest = Args<
  [
    srcMask: Tensor | null,
    tgtMask: Tensor | null,
    memoryMask: Tensor | null,
    srcKeyPaddingMask: Tensor | null,
    tgtKeyPaddingMask: Tensor | null,
    memoryKeyPaddingMask: Tensor | null,
    srcIsCausal: boolean,
    tgtIsCausal: boolean,
    memoryIsCausal: boolean,
  ],
  TransformerForwardOptions
>;

/**
 * An encoder-decoder transformer, as `torch.nn.Transformer` (every weight matrix re-initialized xavier-uniform, as
 * PyTorch). forward(src, tgt, ...masks) gives [T, N, E] ([N, T, E] with batchFirst).
 *
 * @example
 * const model = new tg.nn.Transformer({ dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32 });
 * const tgtMask = tg.nn.Transformer.generateSquareSubsequentMask(5);
 * model(tg.randn([7, 2, 16]), tg.randn([5, 2, 16]), { tgtMask }).shape; // [5, 2, 16]
 */
export class Transformer extends Module<[src: Tensor, tgt: Tensor, ...rest: TransformerForwardRest]> {
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(
    ...args: Args<
      [
        dModel: number,
        nhead: number,
        numEncoderLayers: number,
        numDecoderLayers: number,
        dimFeedforward: number,
        dropout: number,
        activation: TransformerActivation,
        customEncoder: null,
        customDecoder: null,
        layerNormEps: number,
        batchFirst: boolean,
        normFirst: boolean,
        bias: boolean,
      ],
      TransformerOptions
    >
  ) {
    super();
    const a = TRANSFORMER.parse(args);
    this.dModel = a.dModel;
    this.nhead = a.nhead;
    this.batchFirst = a.batchFirst;
    const opts = {
      dimFeedforward: a.dimFeedforward,
      dropout: a.dropout,
      activation: a.activation,
      layerNormEps: a.layerNormEps,
      batchFirst: a.batchFirst,
      normFirst: a.normFirst,
      bias: a.bias,
      dtype: a.dtype,
    };
    const norm = () => new LayerNorm(a.dModel, a.layerNormEps, true, a.bias, { dtype: a.dtype });
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(a.dModel, a.nhead, opts), a.numEncoderLayers, norm());
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(a.dModel, a.nhead, opts), a.numDecoderLayers, norm());
    this.resetParameters();
  }

  /** Every parameter with more than one dim from xavier-uniform, as PyTorch's Transformer. */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
  }

  forward(src: Tensor, tgt: Tensor, ...rest: TransformerForwardRest): Tensor {
    const o = TRANSFORMER_FORWARD.parse(rest);
    const batchDim = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[batchDim] !== tgt.shape[batchDim]) {
      throw new ValueError(
        `Transformer: the batch number of src and tgt must be equal, got ${src.shape[batchDim]} and ${tgt.shape[batchDim]}`,
      );
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new ValueError(`Transformer: the feature number of src and tgt must be equal to dModel (${this.dModel})`);
    }
    const memory = this.encoder(src, { mask: o.srcMask, srcKeyPaddingMask: o.srcKeyPaddingMask, isCausal: o.srcIsCausal });
    return this.decoder(tgt, memory, {
      tgtMask: o.tgtMask,
      memoryMask: o.memoryMask,
      tgtKeyPaddingMask: o.tgtKeyPaddingMask,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask,
      tgtIsCausal: o.tgtIsCausal,
      memoryIsCausal: o.memoryIsCausal,
    });
  }

  /**
   * The causal mask [sz, sz] as PyTorch's float mask: −∞ above the diagonal (future positions), 0 elsewhere.
   *
   * @example
   * tg.nn.Transformer.generateSquareSubsequentMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
   */
  static generateSquareSubsequentMask(sz: number, options: { dtype?: "float32" | "float64" } = {}): Tensor {
    const a = signature("Transformer.generateSquareSubsequentMask", {
      sz: arg(is.nonNegInt, 0),
      dtype: kw(is.floatDType, "float32"),
    }).parse([sz, options]);
    const future = ones([a.sz, a.sz], { dtype: a.dtype }).triu(1).gt(0);
    return zeros([a.sz, a.sz], { dtype: a.dtype }).maskedFill(future, Number.NEGATIVE_INFINITY);
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}`;
  }
}
