import { AutogradError, DeviceError, ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import type { Tensor } from "../tensor/tensor.js";

/** What the gradient tools need from a model: `nn.Module` has it. */
export type GradModel = Pick<AnyModule, "namedParameters" | "namedModules">;

/**
 * The norm of each parameter's gradient by dotted name (`fc1.weight`), computed in float64; parameters without a
 * gradient are left out. Useful to log per layer, or to spot exploding and vanishing gradients.
 *
 * @example
 * loss.backward();
 * console.table(tg.utils.gradientNorms(model)); // { "fc1.weight": 0.41, "fc1.bias": 0.12, ... }
 */
export function gradientNorms(model: GradModel, norm = 2): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, p] of model.namedParameters()) {
    if (p.grad) out[name] = p.grad.double().norm(norm).item();
  }
  return out;
}

export interface CheckGradientsOptions {
  /** A gradient whose norm is below this counts as vanishing (default 1e-7). */
  vanishThreshold?: number;
}

/** What `checkGradients` found (it throws instead when a gradient holds NaN or Inf). */
export interface GradientReport {
  /** Gradient norm by parameter name. */
  norms: Record<string, number>;
  /** Trainable parameters with no gradient at all: backward never reached them (detached? unused?). */
  missing: string[];
  /** Parameters whose gradient norm is below the threshold. */
  vanishing: string[];
  /** Readable descriptions of the problems, empty when all is well. */
  warnings: string[];
}

function layerOf(model: GradModel, param: string): string {
  const dot = param.lastIndexOf(".");
  const path = dot < 0 ? "" : param.slice(0, dot);
  const mod = model.namedModules().find(([name]) => name === path)?.[1];
  const cls = mod ? mod.constructor.name : "?";
  return path ? `layer "${path}" (${cls})` : `the top-level module (${cls})`;
}

/**
 * Checks every trainable parameter's gradient after `backward()`. Throws an `AutogradError` naming the first
 * parameter (in registration order, so usually the layer nearest the input) whose gradient holds NaN or Inf; returns
 * which gradients are missing or vanishing (norm below `vanishThreshold`).
 *
 * @example
 * loss.backward();
 * const report = tg.utils.checkGradients(model); // throws: the gradient of "fc1.weight" in layer "fc1" (Linear) has 4 NaN...
 * for (const w of report.warnings) console.warn(w);
 */
export function checkGradients(model: GradModel, options: CheckGradientsOptions = {}): GradientReport {
  const threshold = vanishThreshold(options);
  return reportGradients(model, threshold, (p) => {
    if (p.grad?._backend.asyncOnly) {
      throw new DeviceError(
        `checkGradients: the gradients are on the ${p.grad.device} device, which is read only asynchronously; use \`await tg.utils.checkGradientsAsync(model)\``,
      );
    }
    return p.grad?.toArray() ?? null;
  });
}

/**
 * `checkGradients` for a model on any device: the gradients are read with `toArrayAsync`, so it works on webgpu too
 * (one read of every gradient: call it every N steps there, not every step).
 *
 * @example
 * if (step % 100 === 0) await tg.utils.checkGradientsAsync(model);
 */
export async function checkGradientsAsync(model: GradModel, options: CheckGradientsOptions = {}): Promise<GradientReport> {
  const threshold = vanishThreshold(options);
  const values = new Map<Tensor, ArrayLike<number>>();
  await Promise.all(
    model.namedParameters().map(async ([, p]) => {
      if (p.requiresGrad && p.grad) values.set(p, await p.grad.toArrayAsync());
    }),
  );
  return reportGradients(model, threshold, (p) => values.get(p) ?? null);
}

function vanishThreshold(options: CheckGradientsOptions): number {
  const { vanishThreshold = 1e-7 } = options;
  if (!(vanishThreshold >= 0)) throw new ValueError(`checkGradients: vanishThreshold must be >= 0, got ${vanishThreshold}`);
  return vanishThreshold;
}

/** The report on each parameter's gradient values (`read` gives them, null where there is no gradient). */
function reportGradients(model: GradModel, vanishThreshold: number, read: (p: Tensor) => ArrayLike<number> | null): GradientReport {
  const norms: Record<string, number> = {};
  const missing: string[] = [];
  const vanishing: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad) continue;
    const values = p.grad ? read(p) : null;
    if (!values) {
      missing.push(name);
      continue;
    }
    let nan = 0;
    let inf = 0;
    let sq = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
      else sq += v * v;
    }
    if (nan || inf) {
      throw new AutogradError(
        `checkGradients: the gradient of "${name}" in ${layerOf(model, name)} has ${nan} NaN and ${inf} Inf of ${values.length} elements. ` +
          "Look for log(0), division by zero or sqrt of a negative in the forward pass or the loss, lower the learning rate if the " +
          "weights have grown huge, and run the step under tg.autograd.detectAnomaly() to find the op that made it.",
      );
    }
    norms[name] = Math.sqrt(sq);
    if (norms[name] < vanishThreshold) vanishing.push(name);
  }
  const warnings: string[] = [];
  if (missing.length) {
    warnings.push(
      `no gradient reached ${missing.join(", ")}: is the output detached, computed under noGrad, or are these parameters unused?`,
    );
  }
  for (const name of vanishing) {
    warnings.push(
      `the gradient of "${name}" in ${layerOf(model, name)} is vanishing (norm ${norms[name].toExponential(2)} < ${vanishThreshold}): ` +
        "check the initialization (all-zero or tiny weights), saturated sigmoid/tanh units or dead ReLUs",
    );
  }
  return { norms, missing, vanishing, warnings };
}
