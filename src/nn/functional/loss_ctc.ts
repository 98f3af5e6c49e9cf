import type { Args } from "../../args.js";
import { DeviceError, DTypeError, IndexError, ShapeError, ValueError } from "../../errors.js";
import { where } from "../../ops/binary.js";
import { cat, stack } from "../../ops/join.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Reduction, ReductionOptions } from "./loss.js";
import { requireFloat } from "./loss_common.js";
import { CTC_LOSS } from "./loss_extra_args.js";

// CTC's forward (α) recursion in log space, over the extended label sequence (blank, l1, blank, l2, ..., blank), as
// tensor ops over the time steps: each step is a logsumexp over a state's three predecessors, so autograd gives the
// gradient (PyTorch's α-β backward computes the same). Impossible states hold a large finite negative number
// instead of −∞, so that no logsumexp ever sees −∞ − (−∞) and gradients stay finite; a sample whose total stays that
// low has no alignment and gets PyTorch's loss of +∞ (0 with zeroInfinity).

/** Sequence lengths, one per batch entry: an array of integers or an int32 tensor. */
export type Lengths = readonly number[] | Tensor;

export interface CTCLossOptions extends ReductionOptions {
  /** The blank label. Default 0. */
  blank?: number;
  /** Replace infinite losses (no alignment fits in the input length) and their gradients by 0. Default false. */
  zeroInfinity?: boolean;
}

/** Stands in for ln 0: far below any real log-likelihood, yet finite in float32. */
const NEG = -1e30;

function readLengths(op: string, name: string, lengths: Lengths, n: number): number[] {
  let values: number[];
  if (Array.isArray(lengths)) values = [...(lengths as readonly number[])];
  else {
    const t = lengths as Tensor;
    if (t.ndim > 1) throw new ShapeError(`${op}: ${name} must be a 0-dim or 1-dim int32 tensor, got shape ${fmt(t.shape)}`);
    if (t._backend.asyncOnly) throw new DeviceError(`${op}: ${name} must be an array or a CPU tensor (the lengths shape the recursion)`);
    values = Array.from(t.toArray() as Int32Array);
  }
  if (values.length !== n) throw new ShapeError(`${op}: ${name} must have one entry per batch entry (${n}), got ${values.length}`);
  for (const v of values) if (v < 0) throw new ValueError(`${op}: ${name} must be non-negative, got ${v}`);
  return values;
}

/**
 * The labels of each sample, read from padded [N, S] targets or from their concatenation (1-dim, the lengths summed),
 * checked to be classes other than the blank.
 */
function readTargets(op: string, targets: Tensor, lengths: number[], numClasses: number, blank: number): number[][] {
  if (targets.dtype !== "int32") throw new DTypeError(`${op}: targets must be int32 class indices, got dtype ${targets.dtype}`);
  if (targets._backend.asyncOnly) throw new DeviceError(`${op}: targets must be on the CPU (the labels shape the recursion)`);
  const n = lengths.length;
  const data = targets.toArray() as Int32Array;
  const out: number[][] = [];
  if (targets.ndim === 2) {
    const [rows, width] = targets.shape;
    const maxLen = Math.max(0, ...lengths);
    if (rows !== n || width < maxLen) {
      throw new ShapeError(
        `${op}: padded targets must be [N, S] with N = ${n} and S ≥ the longest target length ${maxLen}, got ${fmt(targets.shape)}`,
      );
    }
    for (let i = 0; i < n; i++) out.push(Array.from(data.subarray(i * width, i * width + lengths[i])));
  } else if (targets.ndim === 1) {
    const total = lengths.reduce((s, v) => s + v, 0);
    if (targets.shape[0] !== total) {
      throw new ShapeError(
        `${op}: 1-dim targets are the targets concatenated: ${total} labels (the sum of targetLengths), got ${targets.shape[0]}`,
      );
    }
    let at = 0;
    for (const len of lengths) {
      out.push(Array.from(data.subarray(at, at + len)));
      at += len;
    }
  } else {
    throw new ShapeError(`${op}: targets must be padded [N, S] or concatenated (1-dim), got ${fmt(targets.shape)}`);
  }
  for (const labels of out) {
    for (const v of labels) {
      if (v < 0 || v >= numClasses || v === blank) {
        throw new IndexError(`${op}: target label ${v} must be a class in [0, ${numClasses}) other than the blank (${blank})`);
      }
    }
  }
  return out;
}

/**
 * The connectionist temporal classification loss, as `torch.nn.functional.ctc_loss`: −ln of the total
 * probability of every alignment of each target sequence to its input. `logProbs` are log-probabilities [T, N, C]
 * (or unbatched [T, C]); `targets` are int32 labels, padded [N, S] or concatenated (1-dim); `inputLengths` and
 * `targetLengths` give each sample's lengths (arrays or int32 tensors). "mean" divides each loss by its target
 * length, then averages over the batch; `zeroInfinity` turns impossible alignments' infinite losses into 0.
 *
 * @example
 * const logProbs = tg.randn([50, 2, 20]).logSoftmax(2);
 * F.ctcLoss(logProbs, tg.tensor([[1, 2, 3], [4, 5, 0]], { dtype: "int32" }), [50, 40], [3, 2]);
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  ...rest: Args<[blank: number, reduction: Reduction, zeroInfinity: boolean], CTCLossOptions>
): Tensor {
  const a = CTC_LOSS.parse([logProbs, targets, inputLengths, targetLengths, ...rest]);
  const op = "ctcLoss";
  requireFloat(op, "logProbs", logProbs);
  if (logProbs.ndim !== 2 && logProbs.ndim !== 3) {
    throw new ShapeError(`${op}: logProbs must be [T, N, C] or unbatched [T, C], got ${fmt(logProbs.shape)}`);
  }
  const unbatched = logProbs.ndim === 2;
  const lp = unbatched ? logProbs.unsqueeze(1) : logProbs;
  const [steps, n, numClasses] = lp.shape;
  if (a.blank >= numClasses) throw new ValueError(`${op}: blank ${a.blank} must be a class in [0, ${numClasses})`);
  const inLens = readLengths(op, "inputLengths", a.inputLengths, n);
  const tgLens = readLengths(op, "targetLengths", a.targetLengths, n);
  for (const v of inLens) {
    if (v < 1 || v > steps) throw new ValueError(`${op}: each input length must be in [1, T = ${steps}], got ${v}`);
  }
  const labels = readTargets(op, targets, tgLens, numClasses, a.blank);

  // The extended sequences (blank, l1, blank, ..., blank), padded with blanks to the longest, and where a state may
  // be reached from two states back (a label differing from the one before the blank).
  const width = 2 * Math.max(0, ...tgLens) + 1;
  const ext = new Int32Array(n * width).fill(a.blank);
  const skip: boolean[] = new Array(n * width).fill(false);
  for (let i = 0; i < n; i++) {
    labels[i].forEach((l, j) => {
      ext[i * width + 2 * j + 1] = l;
    });
    for (let s = 2; s < width; s++) skip[i * width + s] = ext[i * width + s] !== ext[i * width + s - 2];
  }
  const extT = lp.newTensor(Array.from(ext), { dtype: "int32" }).reshape([1, n, width]);
  const lpExt = lp.gather(2, extT.expand([steps, n, width])).clamp(NEG); // [T, N, 2S+1]
  // 0 where a state may be reached from two states back, NEG where not: added to that predecessor.
  const skipPenalty = lp.newTensor(skip.map((ok) => (ok ? 0 : NEG))).reshape([n, width]);
  const firstTwo = lp.newTensor(
    Array.from({ length: width }, (_, s) => s < 2),
    { dtype: "bool" },
  );

  let alpha = where(firstTwo, lpExt.select(0, 0), NEG); // [N, 2S+1]
  const [minSteps, maxSteps] = [Math.min(...inLens), Math.max(...inLens)];
  const neg2 = lp.newFull([n, 2], NEG);
  for (let t = 1; t < maxSteps; t++) {
    // α shifted right by one and by two states, from one padded copy.
    const padded = width > 1 ? cat([neg2, alpha], 1) : null;
    const preds = [alpha];
    if (padded) preds.push(padded.narrow(1, 1, width));
    if (padded && width > 2) preds.push(padded.narrow(1, 0, width).add(skipPenalty));
    const next = stack(preds, 0).logsumexp(0).add(lpExt.select(0, t));
    // A sample whose input has ended keeps its α.
    const running =
      t < minSteps
        ? null
        : lp.newTensor(
            inLens.map((len) => [t < len]),
            { dtype: "bool" },
          );
    alpha = running ? where(running, next, alpha) : next;
  }

  // The alignment ends in the last label or the blank after it.
  const ends = lp.newTensor(
    tgLens.map((len) => [2 * len, Math.max(2 * len - 1, 0)]),
    { dtype: "int32" },
  );
  const endOk = lp.newTensor(
    tgLens.map((len) => [true, len > 0]),
    { dtype: "bool" },
  );
  let loss = where(endOk, alpha.gather(1, ends), NEG).logsumexp(1).neg(); // [N]
  const impossible = loss.detach().gt(-NEG / 10);
  loss = where(impossible, a.zeroInfinity ? 0 : Infinity, loss);

  if (a.reduction === "mean") {
    const perLabel = lp.newTensor(tgLens.map((len) => Math.max(len, 1)));
    return loss.div(perLabel).mean();
  }
  if (a.reduction === "sum") return loss.sum();
  return unbatched ? loss.reshape([]) : loss;
}
