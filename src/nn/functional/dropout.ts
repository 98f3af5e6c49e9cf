import { type Args, arg, is, kw, required, signature } from "../../args.js";
import { ValueError } from "../../errors.js";
import { bernoulli, Generator } from "../../ops/random.js";
import type { Tensor } from "../../tensor/tensor.js";

/** Options of the dropout functions: PyTorch's, plus a `generator` for the mask. */
export interface DropoutOptions {
  p?: number;
  training?: boolean;
  inplace?: false;
  generator?: Generator;
}

const dropoutSig = (fn: string) =>
  signature(fn, {
    input: required(is.tensor),
    p: arg(is.number, 0.5),
    training: arg(is.boolean, true),
    inplace: arg(is.only(false, "in-place dropout is not implemented"), false),
    generator: kw(is.nullable(is.instance(Generator, "Generator")), null),
  });
const DROPOUT = dropoutSig("dropout");
const CHANNEL_DROPOUT = dropoutSig("channelDropout");

type DropoutRest = Args<[p: number, training: boolean, inplace: false], DropoutOptions>;

function keepMask(shape: readonly number[], p: number, like: Tensor, generator?: Generator): Tensor {
  return bernoulli(1 - p, shape, { dtype: like.dtype, device: like._backend.device, generator });
}

const parseDropout = (a: { p: number; training: boolean; generator: Generator | null }) => ({
  p: a.p,
  training: a.training,
  generator: a.generator ?? undefined,
});

export function checkP(p: number, op: string): void {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1 − p) while training, so the
 * expected value is unchanged; the identity when `training` is false (inverted dropout, as PyTorch).
 *
 * @example
 * F.dropout(h, 0.5, model.training);
 */
export function dropout(x: Tensor, ...rest: DropoutRest): Tensor {
  const { p, training, generator } = parseDropout(DROPOUT.parse([x, ...rest]));
  checkP(p, "dropout");
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  return x.mul(keepMask(x.shape, p, x, generator)).div(1 - p);
}

/** Zeroes whole channels (dim 1) of [N, C, ...] inputs with probability `p` (Dropout1d/2d). */
export function channelDropout(x: Tensor, ...rest: DropoutRest): Tensor {
  const { p, training, generator } = parseDropout(CHANNEL_DROPOUT.parse([x, ...rest]));
  checkP(p, "channelDropout");
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const shape = x.shape.map((s, i) => (i < 2 ? s : 1));
  return x.mul(keepMask(shape, p, x, generator)).div(1 - p);
}
