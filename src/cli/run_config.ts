import type { Module } from "../nn/module.js";
import { Adadelta, Adagrad, Adam, Adamax, AdamW, NAdam, RAdam, RMSprop, SGD } from "../optim/index.js";
import * as sched from "../optim/lr_scheduler/index.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Task } from "./evaluate.js";
import type { ModelConfig } from "./models.js";

export const OPTIMIZERS = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam"] as const;
export const SCHEDULES = ["none", "step", "cosine", "onecycle", "plateau"] as const;

/** A training run's settings: stored in the checkpoint so `--resume`, `eval` and `predict` can rebuild it. */
export interface RunConfig {
  model: ModelConfig;
  dataset: string;
  target?: string;
  task: Task;
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: (typeof SCHEDULES)[number];
  batchSize: number;
  epochs: number;
  seed: number;
  valFraction: number;
  earlyStopping: number;
  samples: number;
  noise: number;
}

/** The optimizer a run asks for, over the model's parameters. */
export function makeOptimizer(cfg: RunConfig, model: Module): Optimizer<{ lr: number }> {
  const params = model.parameters();
  const { lr, momentum, weightDecay } = cfg;
  switch (cfg.optimizer) {
    case "sgd":
      return new SGD(params, { lr, momentum, weightDecay });
    case "adam":
      return new Adam(params, { lr, weightDecay });
    case "adamw":
      return new AdamW(params, { lr, weightDecay });
    case "rmsprop":
      return new RMSprop(params, { lr, momentum, weightDecay });
    case "adagrad":
      return new Adagrad(params, { lr, weightDecay });
    case "adadelta":
      return new Adadelta(params, { lr, weightDecay });
    case "adamax":
      return new Adamax(params, { lr, weightDecay });
    case "nadam":
      return new NAdam(params, { lr, weightDecay });
    case "radam":
      return new RAdam(params, { lr, weightDecay });
  }
}

export type Scheduler = { perBatch: boolean; step(valLoss: number): void };

export function makeScheduler(cfg: RunConfig, opt: Optimizer<{ lr: number }>, batchesPerEpoch: number): Scheduler | null {
  switch (cfg.schedule) {
    case "none":
      return null;
    case "step": {
      const s = new sched.StepLR(opt, Math.max(1, Math.round(cfg.epochs / 3)), 0.1);
      return { perBatch: false, step: () => s.step() };
    }
    case "cosine": {
      const s = new sched.CosineAnnealingLR(opt, cfg.epochs);
      return { perBatch: false, step: () => s.step() };
    }
    case "onecycle": {
      const s = new sched.OneCycleLR(opt, cfg.lr, { totalSteps: cfg.epochs * batchesPerEpoch });
      return { perBatch: true, step: () => s.step() };
    }
    case "plateau": {
      const s = new sched.ReduceLROnPlateau(opt, { patience: 1 });
      return { perBatch: false, step: (valLoss) => s.step(valLoss) };
    }
  }
}
