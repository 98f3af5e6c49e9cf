import { noGrad } from "../autograd/grad_mode.js";
import { DeviceError, ValueError } from "../errors.js";
import type { Module, StateDict } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import type { Tensor } from "../tensor/tensor.js";

/** The most examples `overfitCheck` takes: the point is a batch small enough to memorize. */
export const OVERFIT_MAX_EXAMPLES = 30;

/** An optimizer as `overfitCheck` uses it: `tg.optim.SGD`, `tg.optim.Adam`... all fit. */
export interface OverfitOptimizer {
  zeroGrad(): void;
  step(): unknown;
}

export interface OverfitCheckOptions {
  model: Module;
  /** `(output, targets) => scalar loss`, e.g. `new tg.nn.CrossEntropyLoss()`. */
  lossFn: (output: Tensor, targets: Tensor) => Tensor;
  /** At most 30 examples along dim 0. */
  inputs: Tensor;
  targets: Tensor;
  /** The learning rate. */
  lr: number;
  /** Training steps (default 200). */
  steps?: number;
  /** Builds the optimizer (default: plain SGD, `p -= lr · grad`). */
  optimizer?: (params: Parameter[], lr: number) => OverfitOptimizer;
  /** The check passes when the final loss is at most this fraction of the initial loss (default 0.1). */
  lossRatio?: number;
  /** Put the model's original weights back afterwards (default true). */
  restoreWeights?: boolean;
}

export interface OverfitCheckResult {
  /** Whether the model memorized the batch (final loss ≤ lossRatio × initial loss). */
  passed: boolean;
  initialLoss: number;
  finalLoss: number;
  /** The loss before each step, then the final loss. */
  losses: number[];
  /** What to look at when it failed (empty when it passed). */
  hints: string[];
}

class PlainSGD implements OverfitOptimizer {
  constructor(
    private readonly params: Parameter[],
    private readonly lr: number,
  ) {}
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
  step(): void {
    noGrad(() => {
      for (const p of this.params) if (p.grad) p.sub_(p.grad.mul(this.lr));
    });
  }
}

const fmtLoss = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : String(x));

/**
 * The sanity check to run before a long training run: a healthy model and loss can drive the loss on a handful of
 * examples (at most 30) close to zero. Trains a copy of the weights for `steps` steps and reports whether the loss
 * fell to `lossRatio` of where it started; when it did not, `hints` says what to look at (learning rate too low or
 * too high, zero or NaN gradients, initialization, the loss function).
 *
 * @example
 * const { passed, hints } = tg.utils.overfitCheck({
 *   model, lossFn: new tg.nn.CrossEntropyLoss(), inputs: x.narrow(0, 0, 16), targets: y.narrow(0, 0, 16), lr: 0.1,
 * });
 * if (!passed) console.warn(hints.join("\n"));
 */
export function overfitCheck(options: OverfitCheckOptions): OverfitCheckResult {
  const { model, lossFn, inputs, targets, lr, steps = 200, lossRatio = 0.1, restoreWeights = true } = options;
  if (inputs.ndim === 0) throw new ValueError("overfitCheck: inputs need a batch dimension");
  const n = inputs.shape[0];
  if (n > OVERFIT_MAX_EXAMPLES) {
    throw new ValueError(
      `overfitCheck: got ${n} examples; use at most ${OVERFIT_MAX_EXAMPLES} (e.g. inputs.narrow(0, 0, 16)): a tiny batch must be memorizable`,
    );
  }
  if (n === 0) throw new ValueError("overfitCheck: got no examples");
  if (!Number.isInteger(steps) || steps < 1) throw new ValueError(`overfitCheck: steps must be a positive integer, got ${steps}`);
  if (!Number.isFinite(lr) || lr < 0) throw new ValueError(`overfitCheck: lr must be a finite number >= 0, got ${lr}`);

  const saved: StateDict | null = restoreWeights
    ? Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]))
    : null;
  const named = model.namedParameters().filter(([, p]) => p.requiresGrad);
  const params = named.map(([, p]) => p);
  if (params.length === 0) throw new ValueError("overfitCheck: the model has no trainable parameters");
  const onDevice = [inputs, ...params].find((t) => t._backend.asyncOnly);
  if (onDevice) {
    // It reads the loss and the gradients at every step; a few hundred steps on ≤ 30 examples are quick on the CPU.
    throw new DeviceError(
      `overfitCheck: reads the loss and gradients at every step, which the ${onDevice.device} device gives only asynchronously; ` +
        'run it on the CPU: `await model.toAsync("cpu")` and `await inputs.cpuAsync()`, `await targets.cpuAsync()`',
    );
  }
  const optimizer = options.optimizer ? options.optimizer(params, lr) : new PlainSGD(params, lr);
  const everGrad = new Set<string>();
  const nanGrad = new Set<string>();
  const losses: number[] = [];
  let nonFiniteAt = -1;
  try {
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      const loss = lossFn(model(inputs), targets);
      if (loss.numel() !== 1)
        throw new ValueError(`overfitCheck: lossFn returned shape [${loss.shape.join(", ")}]; it must return a scalar`);
      const value = loss.item();
      losses.push(value);
      if (!Number.isFinite(value)) {
        nonFiniteAt = step;
        break;
      }
      loss.backward();
      for (const [name, p] of named) {
        const g = p.grad;
        if (!g) continue;
        const a = g.toArray();
        for (let i = 0; i < a.length; i++) {
          if (!Number.isFinite(a[i])) nanGrad.add(name);
          else if (a[i] !== 0) everGrad.add(name);
        }
      }
      optimizer.step();
    }
    if (nonFiniteAt < 0) {
      const final = noGrad(() => lossFn(model(inputs), targets).item());
      losses.push(final);
      if (!Number.isFinite(final)) nonFiniteAt = steps;
    }
  } finally {
    for (const p of params) p.grad = null;
    if (saved) model.loadStateDict(saved);
  }

  const initialLoss = losses[0];
  const finalLoss = losses[losses.length - 1];
  const passed = nonFiniteAt < 0 && finalLoss <= lossRatio * initialLoss + 1e-12;
  const hints: string[] = [];
  if (!passed) {
    const zero = named.map(([name]) => name).filter((name) => !everGrad.has(name) && !nanGrad.has(name));
    if (lr === 0) hints.push("The learning rate is 0, so no weight can change: use e.g. 1e-2 to 1e-1 for SGD or 1e-3 for Adam.");
    if (nonFiniteAt >= 0) {
      hints.push(
        `The loss became ${fmtLoss(finalLoss)} at step ${nonFiniteAt}: the learning rate (${lr}) is probably too high (try 10× smaller); ` +
          "also look for log(0) or division by zero in the model and the loss.",
      );
    }
    if (nanGrad.size)
      hints.push(`Gradients became NaN or Inf for ${[...nanGrad].join(", ")}: see tg.utils.checkGradients and tg.autograd.detectAnomaly.`);
    if (zero.length === named.length) {
      hints.push(
        "Every gradient was zero: the loss does not depend on the weights. Check for detach() or noGrad in the forward pass, " +
          "and the initialization (all-zero weights give zero gradients).",
      );
    } else if (zero.length) {
      hints.push(
        `The gradients of ${zero.join(", ")} were always zero: check the initialization (all-zero or constant weights make every unit ` +
          "the same, or dead), dead ReLUs, and detached tensors.",
      );
    }
    if (nonFiniteAt < 0 && lr > 0) {
      const peak = losses.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
      if (finalLoss > initialLoss || peak > 2 * initialLoss) {
        hints.push(
          `The loss went up (from ${fmtLoss(initialLoss)} to ${fmtLoss(finalLoss)}, peaking at ${fmtLoss(peak)}): the learning rate (${lr}) is ` +
            "probably too high; try 10× smaller.",
        );
      } else if (zero.length < named.length) {
        hints.push(
          `The loss only fell from ${fmtLoss(initialLoss)} to ${fmtLoss(finalLoss)} in ${steps} steps: the learning rate (${lr}) may be too ` +
            "low (try 10× larger), or give it more steps.",
        );
      }
    }
    hints.push(
      "Check the initialization (tg.nn.init) and that the loss fits the output: CrossEntropyLoss takes raw logits and int32 class " +
        "indices, BCEWithLogitsLoss takes logits, MSELoss wants outputs and targets of the same shape. Turn off Dropout and weight decay for this check.",
    );
  }
  return { passed, initialLoss, finalLoss, losses, hints };
}
