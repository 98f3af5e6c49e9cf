import { type Args, arg, is, signature } from "../../args.js";
import { DeviceError, ShapeError, ValueError } from "../../errors.js";
import { full, tensor } from "../../ops/creation.js";
import { cat, stack } from "../../ops/join.js";
import { Tensor } from "../../tensor/tensor.js";

// Variable-length batches, as torch.nn.utils.rnn. A PackedSequence holds the valid time steps of a batch sorted by
// length (longest first), step after step: `data` is [sum(lengths), *], `batchSizes[t]` how many sequences are still
// running at step t. Packing and unpacking are one indexSelect each, so gradients flow through them.

/**
 * A batch of sequences of different lengths, packed (as `torch.nn.utils.rnn.PackedSequence`). Built by
 * `packPaddedSequence` or `packSequence`; the recurrent layers take it and give one back.
 */
export class PackedSequence {
  constructor(
    /** The valid steps, [sum(lengths), *]: step 0 of every sequence, then step 1 of those still running... */
    readonly data: Tensor,
    /** int32 [T]: how many sequences have step t. */
    readonly batchSizes: Tensor,
    /** int32 [B]: the batch order sorted by length (original index of each sorted row), or null if already sorted. */
    readonly sortedIndices: Tensor | null = null,
    /** int32 [B]: the inverse permutation of sortedIndices, or null. */
    readonly unsortedIndices: Tensor | null = null,
  ) {}

  /** @internal The batch sizes as numbers. */
  get _batchSizes(): number[] {
    return Array.from(this.batchSizes.toArray(), Number);
  }

  /** @internal The lengths in sorted order. */
  get _sortedLengths(): number[] {
    const bs = this._batchSizes;
    return Array.from({ length: bs[0] ?? 0 }, (_, b) => bs.filter((n) => n > b).length);
  }

  /** @internal sortedIndices as numbers (identity when null). */
  get _sorted(): number[] {
    const B = this._batchSizes[0] ?? 0;
    return this.sortedIndices ? Array.from(this.sortedIndices.toArray(), Number) : Array.from({ length: B }, (_, i) => i);
  }

  /** @internal unsortedIndices as numbers (identity when null). */
  get _unsorted(): number[] {
    const B = this._batchSizes[0] ?? 0;
    return this.unsortedIndices ? Array.from(this.unsortedIndices.toArray(), Number) : Array.from({ length: B }, (_, i) => i);
  }
}

const lengthList = (lengths: Tensor | readonly number[], fn: string): number[] => {
  if (lengths instanceof Tensor && lengths._backend.asyncOnly) {
    // As PyTorch, which wants CPU lengths: the packing is planned on the host.
    throw new DeviceError(
      `${fn}: lengths must be an array of numbers or a tensor on the CPU, got a tensor on the ${lengths.device} device; pass \`await lengths.cpuAsync()\``,
    );
  }
  const list = lengths instanceof Tensor ? Array.from(lengths.toArray(), Number) : [...lengths];
  if (list.some((n) => !Number.isInteger(n))) throw new ValueError(`${fn}: lengths must be integers, got [${list.join(", ")}]`);
  return list;
};

const PAD_SEQUENCE = signature("padSequence", {
  sequences: arg(
    is.where<readonly Tensor[]>("an array of Tensors", (v) => Array.isArray(v) && v.every((t) => t instanceof Tensor)),
    [],
  ),
  batchFirst: arg(is.boolean, false),
  paddingValue: arg(is.number, 0),
  paddingSide: arg(is.oneOf("right", "left"), "right"),
});

/**
 * Pads a list of [L_i, *] tensors to the longest length and stacks them: [T, B, *], or [B, T, *] with
 * batchFirst, as `torch.nn.utils.rnn.pad_sequence`.
 *
 * @example
 * const x = tg.nn.utils.padSequence([tg.ones([3, 2]), tg.ones([1, 2])], true); // [2, 3, 2]
 */
export function padSequence(
  sequences: readonly Tensor[],
  ...rest: Args<
    [batchFirst: boolean, paddingValue: number, paddingSide: "right" | "left"],
    { batchFirst?: boolean; paddingValue?: number; paddingSide?: "right" | "left" }
  >
): Tensor {
  const a = PAD_SEQUENCE.parse([sequences, ...rest]);
  if (a.sequences.length === 0) throw new ValueError("padSequence: received an empty list of sequences");
  const trailing = a.sequences[0].shape.slice(1);
  for (const s of a.sequences) {
    if (s.ndim < 1 || s.shape.length !== trailing.length + 1 || s.shape.slice(1).some((d, i) => d !== trailing[i])) {
      throw new ShapeError(`padSequence: every sequence must be [L, ${trailing.join(", ")}] like the first, got [${s.shape.join(", ")}]`);
    }
  }
  const T = a.sequences.reduce((m, s) => Math.max(m, s.shape[0]), 0);
  const padded = a.sequences.map((s) => {
    const n = T - s.shape[0];
    if (n === 0) return s;
    const pad = full([n, ...trailing], a.paddingValue, { dtype: s.dtype, device: s.device });
    return a.paddingSide === "right" ? cat([s, pad]) : cat([pad, s]);
  });
  return stack(padded, a.batchFirst ? 0 : 1);
}

const PACK_PADDED = signature("packPaddedSequence", {
  input: arg(is.nullable(is.tensor), null),
  lengths: arg(is.or(is.tensor, is.ints), []),
  batchFirst: arg(is.boolean, false),
  enforceSorted: arg(is.boolean, true),
});

/**
 * Packs a padded batch [T, B, *] (or [B, T, *] with batchFirst) whose sequence b has `lengths[b]` valid steps, as
 * `torch.nn.utils.rnn.pack_padded_sequence`. With enforceSorted (the default) lengths must be decreasing;
 * otherwise the batch is sorted and the order kept in sortedIndices / unsortedIndices.
 *
 * @example
 * const packed = tg.nn.utils.packPaddedSequence(x, [3, 1], true);
 * const [out, h] = new tg.nn.GRU(2, 4, { batchFirst: true })(packed);
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | readonly number[],
  ...rest: Args<[batchFirst: boolean, enforceSorted: boolean], { batchFirst?: boolean; enforceSorted?: boolean }>
): PackedSequence {
  const a = PACK_PADDED.parse([input, lengths, ...rest]);
  const x = a.input;
  if (!x || x.ndim < 2)
    throw new ShapeError(`packPaddedSequence: input must be at least 2-D, got ${x ? `[${x.shape.join(", ")}]` : "null"}`);
  const lens = lengthList(a.lengths, "packPaddedSequence");
  const xs = a.batchFirst ? x.transpose(0, 1) : x;
  const [T, B] = xs.shape;
  if (lens.length !== B) {
    throw new ShapeError(`packPaddedSequence: expected ${B} lengths (the batch size), got ${lens.length}`);
  }
  if (lens.some((n) => n <= 0)) throw new ValueError("packPaddedSequence: length of all samples has to be greater than 0");
  if (lens.some((n) => n > T)) throw new ValueError(`packPaddedSequence: a length exceeds the padded length ${T}: [${lens.join(", ")}]`);
  let order = lens.map((_, i) => i);
  if (a.enforceSorted) {
    if (lens.some((n, i) => i > 0 && n > lens[i - 1])) {
      throw new ValueError(
        "packPaddedSequence: `lengths` array must be sorted in decreasing order when `enforceSorted` is true; pass enforceSorted: false to pack unsorted sequences",
      );
    }
  } else {
    order = [...order].sort((i, j) => lens[j] - lens[i]);
  }
  const sortedLens = order.map((i) => lens[i]);
  const batchSizes: number[] = [];
  const idx: number[] = [];
  for (let t = 0; t < sortedLens[0]; t++) {
    let n = 0;
    while (n < B && sortedLens[n] > t) {
      idx.push(t * B + order[n]);
      n++;
    }
    batchSizes.push(n);
  }
  const flat = xs.reshape([T * B, ...xs.shape.slice(2)]);
  const data = flat.indexSelect(0, tensor(idx, { dtype: "int32", device: x.device }));
  if (a.enforceSorted) return new PackedSequence(data, tensor(batchSizes, { dtype: "int32", device: "cpu" }));
  const unsorted = new Array<number>(B);
  order.forEach((o, i) => {
    unsorted[o] = i;
  });
  return new PackedSequence(
    data,
    tensor(batchSizes, { dtype: "int32", device: "cpu" }),
    tensor(order, { dtype: "int32", device: "cpu" }),
    tensor(unsorted, { dtype: "int32", device: "cpu" }),
  );
}

const PAD_PACKED = signature("padPackedSequence", {
  sequence: arg(is.nullable(is.instance(PackedSequence, "PackedSequence")), null),
  batchFirst: arg(is.boolean, false),
  paddingValue: arg(is.number, 0),
  totalLength: arg(is.nullable(is.nonNegInt), null),
});

/**
 * Unpacks a PackedSequence into a padded batch [T, B, *] (or [B, T, *] with batchFirst) in the original batch order,
 * and the lengths (int32 [B]), as `torch.nn.utils.rnn.pad_packed_sequence`. totalLength pads to at least that many
 * steps.
 *
 * @example
 * const [padded, lengths] = tg.nn.utils.padPackedSequence(out, true);
 */
export function padPackedSequence(
  sequence: PackedSequence,
  ...rest: Args<
    [batchFirst: boolean, paddingValue: number, totalLength: number | null],
    { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null }
  >
): [Tensor, Tensor] {
  const a = PAD_PACKED.parse([sequence, ...rest]);
  const seq = a.sequence;
  if (!seq) throw new ValueError("padPackedSequence: sequence must be a PackedSequence, got null");
  const bs = seq._batchSizes;
  const maxLen = bs.length;
  if (a.totalLength !== null && a.totalLength < maxLen) {
    throw new ValueError(
      `padPackedSequence: expected totalLength to be at least the length of the longest sequence (${maxLen}), got ${a.totalLength}`,
    );
  }
  const T = a.totalLength ?? maxLen;
  const B = bs[0] ?? 0;
  const lens = seq._sortedLengths;
  const unsorted = seq._unsorted;
  // Row offset of each step in data; the row of (t, sorted b) is offsets[t] + b.
  const offsets: number[] = [];
  let off = 0;
  for (const n of bs) {
    offsets.push(off);
    off += n;
  }
  const padRow = off;
  const idx: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const s = unsorted[b];
      idx.push(t < lens[s] ? offsets[t] + s : padRow);
    }
  }
  const data = seq.data;
  const trailing = data.shape.slice(1);
  const withPad = cat([data, full([1, ...trailing], a.paddingValue, { dtype: data.dtype, device: data.device })]);
  let padded = withPad.indexSelect(0, tensor(idx, { dtype: "int32", device: data.device })).reshape([T, B, ...trailing]);
  if (a.batchFirst) padded = padded.transpose(0, 1);
  return [
    padded,
    tensor(
      unsorted.map((s) => lens[s]),
      { dtype: "int32", device: "cpu" },
    ),
  ];
}

/**
 * Packs a list of [L_i, *] tensors, as `torch.nn.utils.rnn.pack_sequence`: padSequence then packPaddedSequence.
 *
 * @example
 * const packed = tg.nn.utils.packSequence([tg.ones([3, 2]), tg.ones([1, 2])]);
 */
export function packSequence(
  sequences: readonly Tensor[],
  ...rest: Args<[enforceSorted: boolean], { enforceSorted?: boolean }>
): PackedSequence {
  const a = signature("packSequence", {
    sequences: arg(is.any<readonly Tensor[]>("an array of Tensors"), []),
    enforceSorted: arg(is.boolean, true),
  }).parse([sequences, ...rest]);
  const lengths = a.sequences.map((s) => s.shape[0]);
  return packPaddedSequence(padSequence(a.sequences), lengths, false, a.enforceSorted);
}
