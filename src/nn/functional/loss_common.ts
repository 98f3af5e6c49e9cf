import { isFloating } from "../../dtype.js";
import { DTypeError, ShapeError } from "../../errors.js";
import { broadcastShapes, fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Reduction } from "./loss.js";

// Helpers shared by the losses in loss_margin.ts, loss_embedding.ts, loss_nll_extra.ts and loss_ctc.ts (not exported
// from nn.functional). The reduction's value is checked by the signatures.

/** The mean, the sum, or the unreduced tensor. */
export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  return loss;
}

/** Throws a DTypeError unless `x` is float32 or float64. */
export function requireFloat(op: string, name: string, x: Tensor): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating-point ${name}, got dtype ${x.dtype}`);
}

/** Throws a ShapeError naming the op and each tensor's shape unless the shapes broadcast together. */
export function checkBroadcast(op: string, named: Record<string, Tensor>): void {
  const entries = Object.entries(named);
  try {
    broadcastShapes(op, ...entries.map(([, x]) => x.shape));
  } catch {
    const shapes = entries.map(([k, x]) => `${k} ${fmt(x.shape)}`).join(", ");
    throw new ShapeError(`${op}: the shapes do not broadcast together: ${shapes}`);
  }
}

/** Throws a ShapeError unless `x` broadcasts to the input's shape without growing it (a target, a weight). */
export function checkBroadcastsTo(op: string, name: string, x: Tensor, input: Tensor): void {
  const ok = x.ndim <= input.ndim && x.shape.every((s, i) => s === 1 || s === input.shape[input.ndim - x.ndim + i]);
  if (!ok) {
    throw new ShapeError(`${op}: ${name} of shape ${fmt(x.shape)} must broadcast to the input's shape ${fmt(input.shape)}`);
  }
}
