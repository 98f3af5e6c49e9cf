import { type Args, arg, is, required, signature } from "../../args.js";
import { noGrad } from "../../autograd/grad_mode.js";
import { promoteTypes } from "../../dtype.js";
import { ArgumentError, DeviceError, ValueError } from "../../errors.js";
import { tensor } from "../../ops/creation.js";
import { stack } from "../../ops/join.js";
import { Tensor } from "../../tensor/tensor.js";

/** Options of `clipGradNorm_`. */
export interface ClipGradNormOptions {
  /** Throw a `ValueError` when the total norm is NaN or infinite (instead of scaling by it). */
  errorIfNonfinite?: boolean;
}

type Parameters = Tensor | Iterable<Tensor>;

/** A tensor or an iterable of tensors (`model.parameters()`, an array). */
export const parametersArg = is.where<Parameters>(
  "a Tensor or an iterable of Tensors",
  (v) => v instanceof Tensor || (v !== null && typeof v === "object" && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function"),
);

const CLIP_NORM = signature("clipGradNorm_", {
  parameters: required(parametersArg),
  maxNorm: required(is.number),
  normType: arg(is.or(is.number, is.oneOf("inf")), 2 as number | "inf"),
  errorIfNonfinite: arg(is.boolean, false),
});
const CLIP_VALUE = signature("clipGradValue_", { parameters: required(parametersArg), clipValue: required(is.number) });

function gradsOf(parameters: Parameters, fn: string): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ArgumentError(fn, "parameters", "Tensors", `${fn}: parameters[${i}] is not a Tensor`);
  });
  return list.flatMap((p) => (p.grad ? [p.grad] : []));
}

/**
 * Rescales the gradients of `parameters` in place so their total `normType`-norm (over all gradients
 * together, as if concatenated) is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`: every gradient
 * is multiplied by min(1, maxNorm / (total + 1e-6)). Returns the total norm before clipping (0-dim). PyTorch's
 * forms: (parameters, maxNorm, normType = 2, errorIfNonfinite = false), or an options object after any prefix.
 *
 * @example
 * lossFn(model(x), y).backward();
 * const norm = tg.nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(
  ...args: Args<
    [parameters: Parameters, maxNorm: number, normType: number | "inf", errorIfNonfinite: boolean],
    { parameters?: Parameters; maxNorm?: number; normType?: number | "inf"; errorIfNonfinite?: boolean }
  >
): Tensor {
  const { parameters, maxNorm, normType, errorIfNonfinite } = CLIP_NORM.parse(args);
  const p = normType === "inf" ? Number.POSITIVE_INFINITY : normType;
  const grads = gradsOf(parameters, "clipGradNorm_");
  if (grads.length === 0) return tensor(0);
  return noGrad(() => {
    const dtype = grads.map((g) => g.dtype).reduce(promoteTypes);
    const total = stack(grads.map((g) => g.norm(p).to(dtype))).norm(p);
    if (errorIfNonfinite && total._backend.asyncOnly) {
      throw new DeviceError(
        `clipGradNorm_: errorIfNonfinite reads the norm, which the ${total.device} device cannot do synchronously; ` +
          "leave it false and check `await norm.itemAsync()` instead",
      );
    }
    if (errorIfNonfinite && !Number.isFinite(total.item())) {
      throw new ValueError(
        `The total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
          "To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`",
      );
    }
    const coef = tensor(maxNorm, { dtype, device: total._backend.device }).div(total.add(1e-6)).clamp(null, 1);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` in place to [−clipValue, clipValue], as
 * `torch.nn.utils.clip_grad_value_`.
 *
 * @example
 * lossFn(model(x), y).backward();
 * tg.nn.utils.clipGradValue_(model.parameters(), 0.5);
 * opt.step();
 */
export function clipGradValue_(
  ...args: Args<[parameters: Parameters, clipValue: number], { parameters?: Parameters; clipValue?: number }>
): void {
  const { parameters, clipValue } = CLIP_VALUE.parse(args);
  noGrad(() => {
    for (const g of gradsOf(parameters, "clipGradValue_")) g.clamp_(-clipValue, clipValue);
  });
}
