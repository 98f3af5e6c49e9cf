import * as nn from "../nn/index.js";
import type { AnyModule } from "../nn/module.js";

export type Activation = "relu" | "tanh" | "sigmoid" | "gelu" | "silu" | "leakyrelu" | "elu";
export type Norm = "none" | "batch" | "layer";

/** Everything needed to rebuild a model: it is stored in the checkpoint's metadata. */
export interface ModelConfig {
  kind: "mlp" | "cnn";
  /** One example's shape, e.g. [1, 28, 28] or [2]. */
  inputShape: number[];
  /** Number of classes, or 1 for regression. */
  outputs: number;
  hidden: number[];
  activation: Activation;
  dropout: number;
  norm: Norm;
}

export const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "gelu", "silu", "leakyrelu", "elu"];

function activation(name: Activation): AnyModule {
  switch (name) {
    case "relu":
      return new nn.ReLU();
    case "tanh":
      return new nn.Tanh();
    case "sigmoid":
      return new nn.Sigmoid();
    case "gelu":
      return new nn.GELU();
    case "silu":
      return new nn.SiLU();
    case "leakyrelu":
      return new nn.LeakyReLU();
    case "elu":
      return new nn.ELU();
  }
}

/** Linear → (norm) → activation → (dropout) blocks, then a linear output layer. */
function mlp(cfg: ModelConfig): nn.Sequential {
  const layers: AnyModule[] = [new nn.Flatten()];
  let width = cfg.inputShape.reduce((a, b) => a * b, 1);
  for (const h of cfg.hidden) {
    layers.push(new nn.Linear(width, h));
    if (cfg.norm === "batch") layers.push(new nn.BatchNorm1d(h));
    if (cfg.norm === "layer") layers.push(new nn.LayerNorm([h]));
    layers.push(activation(cfg.activation));
    if (cfg.dropout > 0) layers.push(new nn.Dropout(cfg.dropout));
    width = h;
  }
  layers.push(new nn.Linear(width, cfg.outputs));
  return new nn.Sequential(...layers);
}

/** A LeNet-style CNN: two conv → activation → 2×2 max-pool stages, then an MLP head. */
function cnn(cfg: ModelConfig): nn.Sequential {
  if (cfg.inputShape.length !== 3) throw new Error(`the cnn model needs image inputs [C, H, W], got [${cfg.inputShape}]`);
  const [c, h, w] = cfg.inputShape;
  const layers: AnyModule[] = [
    new nn.Conv2d(c, 8, 5, { padding: 2 }),
    ...(cfg.norm === "batch" ? [new nn.BatchNorm2d(8)] : []),
    activation(cfg.activation),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5, { padding: 2 }),
    ...(cfg.norm === "batch" ? [new nn.BatchNorm2d(16)] : []),
    activation(cfg.activation),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
  ];
  let width = 16 * Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2);
  for (const hid of cfg.hidden) {
    layers.push(new nn.Linear(width, hid), activation(cfg.activation));
    if (cfg.dropout > 0) layers.push(new nn.Dropout(cfg.dropout));
    width = hid;
  }
  layers.push(new nn.Linear(width, cfg.outputs));
  return new nn.Sequential(...layers);
}

/**
 * The number of weights (parameters and buffers) `buildModel(cfg)` has, computed without building it: a checkpoint's
 * config is checked against the weights it carries before anything is allocated.
 */
export function modelNumel(cfg: ModelConfig): number {
  const norm = (h: number) => (cfg.norm === "batch" ? 4 * h + 1 : cfg.norm === "layer" && cfg.kind === "mlp" ? 2 * h : 0);
  let total = 0;
  let width: number;
  if (cfg.kind === "cnn") {
    const [c, h, w] = cfg.inputShape;
    const bn = (ch: number) => (cfg.norm === "batch" ? 4 * ch + 1 : 0);
    total += c * 8 * 25 + 8 + bn(8) + 8 * 16 * 25 + 16 + bn(16);
    width = 16 * Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2);
    for (const hid of cfg.hidden) {
      total += width * hid + hid;
      width = hid;
    }
  } else {
    width = cfg.inputShape.reduce((a, b) => a * b, 1);
    for (const hid of cfg.hidden) {
      total += width * hid + hid + norm(hid);
      width = hid;
    }
  }
  return total + width * cfg.outputs + cfg.outputs;
}

export function buildModel(cfg: ModelConfig): nn.Sequential {
  return cfg.kind === "cnn" ? cnn(cfg) : mlp(cfg);
}
