import { is, required, signature } from "../../args.js";
import { ShapeError } from "../../errors.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// Sub-pixel rearrangements (torch's pixel_shuffle / pixel_unshuffle): a reshape, a permute and a reshape.

const PIXEL_SHUFFLE = signature("pixelShuffle", { input: required(is.tensor), upscaleFactor: required(is.posInt) });
const PIXEL_UNSHUFFLE = signature("pixelUnshuffle", { input: required(is.tensor), downscaleFactor: required(is.posInt) });

/** The batch dims, C, H, W of a (*, C, H, W) input. */
function split(op: string, x: Tensor): [number[], number, number, number] {
  if (x.ndim < 3) throw new ShapeError(`${op}: expected an input of at least 3 dims (*, C, H, W), got shape ${fmt(x.shape)}`);
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  return [[...x.shape.slice(0, -3)], c, h, w];
}

/**
 * Rearranges (*, C·r², H, W) into (*, C, H·r, W·r), as torch.nn.functional.pixel_shuffle.
 *
 * @example
 * F.pixelShuffle(tg.randn([1, 8, 3, 3]), 2); // [1, 2, 6, 6]
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number, ...rest: [] | [options: Record<string, never>]): Tensor {
  const r = PIXEL_SHUFFLE.parse([x, upscaleFactor, ...rest]).upscaleFactor as number;
  const [batch, c, h, w] = split("pixelShuffle", x);
  if (c % (r * r) !== 0)
    throw new ShapeError(`pixelShuffle: the channels (${c}) of shape ${fmt(x.shape)} must be divisible by upscaleFactor² (${r * r})`);
  const oc = c / (r * r);
  const b = batch.length;
  // [*, oc, r, r, h, w] → [*, oc, h, r, w, r]
  const perm = [...batch.keys(), b, b + 3, b + 1, b + 4, b + 2];
  return x
    .reshape([...batch, oc, r, r, h, w])
    .permute(perm)
    .reshape([...batch, oc, h * r, w * r]);
}

/**
 * Rearranges (*, C, H·r, W·r) into (*, C·r², H, W), the inverse of pixelShuffle, as torch's pixel_unshuffle.
 *
 * @example
 * F.pixelUnshuffle(tg.randn([1, 2, 6, 6]), 2); // [1, 8, 3, 3]
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number, ...rest: [] | [options: Record<string, never>]): Tensor {
  const r = PIXEL_UNSHUFFLE.parse([x, downscaleFactor, ...rest]).downscaleFactor as number;
  const [batch, c, h, w] = split("pixelUnshuffle", x);
  if (h % r !== 0 || w % r !== 0)
    throw new ShapeError(`pixelUnshuffle: height and width of shape ${fmt(x.shape)} must be divisible by downscaleFactor (${r})`);
  const [oh, ow] = [h / r, w / r];
  const b = batch.length;
  // [*, c, oh, r, ow, r] → [*, c, r, r, oh, ow]
  const perm = [...batch.keys(), b, b + 2, b + 4, b + 1, b + 3];
  return x
    .reshape([...batch, c, oh, r, ow, r])
    .permute(perm)
    .reshape([...batch, c * r * r, oh, ow]);
}
