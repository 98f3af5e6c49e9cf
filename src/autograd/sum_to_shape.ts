import { ShapeError } from "../errors.js";
import { fmt, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Sums a gradient back to the shape of the input it belongs to: the one place where broadcasting is undone
 * in backward, so no op's rule has to. Leading dims that broadcasting added are summed away, and dims
 * where the input had size 1 are summed with keepdim.
 */
export function sumToShape(g: Tensor, shape: readonly number[], op: string): Tensor {
  const gs = g.shape;
  if (shapesEqual(gs, shape)) return g;
  const lead = gs.length - shape.length;
  if (lead < 0) throw new ShapeError(`${op}: gradient of shape ${fmt(gs)} cannot be reduced to input shape ${fmt(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < gs.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && gs[i] !== 1)) dims.push(i);
    else if (shape[i - lead] !== gs[i]) {
      throw new ShapeError(`${op}: gradient of shape ${fmt(gs)} does not match input shape ${fmt(shape)}`);
    }
  }
  const summed = dims.length > 0 ? g.sum(dims, true) : g;
  return summed.reshape([...shape]);
}
