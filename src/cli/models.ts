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

export function buildModel(cfg: ModelConfig): nn.Sequential {
  return cfg.kind === "cnn" ? cnn(cfg) : mlp(cfg);
}
