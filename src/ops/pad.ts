import { type Args, arg, is, required, signature } from "../args.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { fromTyped } from "./creation.js";
import { pad as padConstant } from "./join.js";

/** How `pad` fills the border: a constant, the mirror image without the edge, the edge repeated, or wrapping around. */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface PadOptions {
  mode?: PadMode;
  /** The fill value of "constant" mode (default 0); other modes take none. */
  value?: number | null;
}

const PAD = signature("pad", {
  input: required(is.tensor),
  pad: required(is.ints),
  mode: arg(is.oneOf("constant", "reflect", "replicate", "circular"), "constant"),
  value: arg(is.nullable(is.number), null),
});

/** The source index of each output position along a dim of `size` padded by (before, after). */
function sourceIndex(mode: Exclude<PadMode, "constant">, size: number, before: number, after: number): Int32Array {
  const limit = mode === "reflect" ? size - 1 : mode === "circular" ? size : Number.POSITIVE_INFINITY;
  if (Math.max(before, after) > limit || size === 0) {
    throw new ValueError(`pad: ${mode} padding of (${before}, ${after}) is too large for a dim of size ${size} (at most ${limit})`);
  }
  const out = new Int32Array(before + size + after);
  for (let k = 0; k < out.length; k++) {
    const i = k - before;
    if (mode === "replicate") out[k] = Math.min(Math.max(i, 0), size - 1);
    else if (mode === "circular") out[k] = ((i % size) + size) % size;
    else out[k] = i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
  }
  return out;
}

/**
 * Pads the last dims, as `torch.nn.functional.pad`: `pad` lists (before, after) pairs starting from the last dim;
 * `mode` "constant" fills with `value` (default 0), "reflect" mirrors without repeating the edge, "replicate" repeats
 * the edge, "circular" wraps around. The non-constant modes gather with `indexSelect`, so their gradient adds up
 * every place an element was copied to.
 *
 * @example
 * tg.pad(x, [1, 1]);                    // one zero on each side of the last dim
 * tg.pad(x, [0, 0, 2, 0], "constant", 5); // two rows of 5 before dim -2
 * tg.pad(img, [2, 2, 2, 2], "reflect");   // ReflectionPad2d(2)
 */
export function pad(input: Tensor, padding: readonly number[], ...rest: Args<[mode: PadMode, value: number | null], PadOptions>): Tensor {
  const a = PAD.parse([input, padding, ...rest]);
  if (a.mode === "constant") return padConstant(input, a.pad, a.value ?? 0);
  if (a.value !== null && a.value !== 0) throw new ValueError(`pad: mode "${a.mode}" takes no fill value, got value=${a.value}`);
  if (a.pad.length % 2 !== 0 || a.pad.length / 2 > input.ndim) {
    throw new ValueError(`pad: padding length must be even and at most 2 × ndim (${2 * input.ndim}), got ${a.pad.length}`);
  }
  if (a.pad.some((p) => p < 0)) throw new ValueError(`pad: ${a.mode} padding must be non-negative, got [${a.pad.join(", ")}]`);
  let out = input;
  for (let i = 0; i < a.pad.length / 2; i++) {
    const d = input.ndim - 1 - i;
    const [before, after] = [a.pad[2 * i], a.pad[2 * i + 1]];
    if (before === 0 && after === 0) continue;
    const index = fromTyped(sourceIndex(a.mode, input.shape[d], before, after), [before + input.shape[d] + after], {
      device: input._backend.device,
    });
    out = out.indexSelect(d, index);
  }
  return out;
}
