import { type Args, arg, is, kw, required, signature } from "../args.js";
import { IndexError } from "../errors.js";
import { fmt, normalizeDim } from "../shape.js";
import type { Tensor, ValuesIndices } from "../tensor/tensor.js";
import { fromTyped } from "./creation.js";
import { hostValues } from "./host_values.js";
import { gather } from "./indexing.js";
import { modeIndicesOnDevice } from "./mode_device.js";

// nonzero, unique and mode: data-dependent shapes or choices, found on the host (mode on webgpu: in device ops, see
// mode_device.ts); mode's values are gathered so they carry the gradient back to where they came from, as in PyTorch.

const NONZERO = signature("nonzero", { input: required(is.tensor), asTuple: kw(is.boolean, false) });
const UNIQUE = signature("unique", {
  input: required(is.tensor),
  sorted: arg(is.boolean, true),
  returnInverse: arg(is.boolean, false),
  returnCounts: arg(is.boolean, false),
  dim: arg(is.only(null, "not implemented: unique over the flattened input only"), null),
});
const MODE = signature("mode", { input: required(is.tensor), dim: arg(is.int, -1), keepdim: arg(is.boolean, false) });

const int32 = (values: ArrayLike<number>, shape: readonly number[], x: Tensor): Tensor =>
  fromTyped(Int32Array.from(values), shape, { device: x._backend.device });

/**
 * The indices of the non-zero entries (`torch.nonzero`): an int32 [n, ndim] tensor, one row per entry in row-major
 * order, or with `asTuple` one 1-D tensor per dim (a 0-d input counts as 1-D).
 *
 * @example
 * tg.nonzero(tg.tensor([0, 2, 3])); // [[1], [2]]
 */
export function nonzero(input: Tensor): Tensor;
export function nonzero(input: Tensor, options: { asTuple: true }): Tensor[];
export function nonzero(input: Tensor, options: { asTuple?: boolean }): Tensor | Tensor[];
export function nonzero(input: Tensor, ...rest: [] | [options: { asTuple?: boolean }]): Tensor | Tensor[] {
  const a = NONZERO.parse([input, ...rest]);
  const src = hostValues(input, "nonzero", "tg.nonzero(await x.cpuAsync())");
  const shape = input.shape;
  const hits: number[] = [];
  for (let i = 0; i < src.length; i++) if (Number(src[i]) !== 0) hits.push(i);
  const coords = (flat: number, d: number): number => {
    let stride = 1;
    for (let k = shape.length - 1; k > d; k--) stride *= shape[k];
    return Math.floor(flat / stride) % shape[d];
  };
  if (a.asTuple) {
    if (shape.length === 0)
      return [
        int32(
          hits.map(() => 0),
          [hits.length],
          input,
        ),
      ];
    return shape.map((_, d) =>
      int32(
        hits.map((h) => coords(h, d)),
        [hits.length],
        input,
      ),
    );
  }
  const out: number[] = [];
  for (const h of hits) for (let d = 0; d < shape.length; d++) out.push(coords(h, d));
  return int32(out, [hits.length, shape.length], input);
}

type UniqueOptions = { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: null };

/**
 * The distinct values of the flattened input, ascending (`torch.unique`). With `returnInverse` and/or `returnCounts`
 * it returns an array `[values, inverse?, counts?]` (as PyTorch's tuple): `inverse` (input's shape, int32) maps each
 * entry to its value's index, `counts` counts each value. `sorted: false` gives the same ascending order (PyTorch
 * leaves that order unspecified).
 *
 * @example
 * tg.unique(tg.tensor([3, 1, 3])); // [1, 3]
 * const [values, inverse, counts] = tg.unique(x, { returnInverse: true, returnCounts: true });
 */
export function unique(input: Tensor): Tensor;
export function unique(input: Tensor, options: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(input: Tensor, options: UniqueOptions & ({ returnInverse: true } | { returnCounts: true })): Tensor[];
export function unique(
  input: Tensor,
  ...rest: Args<[sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: null], UniqueOptions>
): Tensor | Tensor[];
export function unique(
  input: Tensor,
  ...rest: Args<[sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: null], UniqueOptions>
): Tensor | Tensor[] {
  const a = UNIQUE.parse([input, ...rest]);
  const src = hostValues(input, "unique", "tg.unique(await x.cpuAsync())");
  const vals = Array.from(src, Number);
  const order = vals.map((_, i) => i).sort((i, j) => vals[i] - vals[j] || i - j);
  const distinct: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(vals.length);
  for (const i of order) {
    const v = vals[i];
    // NaN is never equal to anything: each is its own value.
    if (distinct.length === 0 || !(distinct[distinct.length - 1] === v)) {
      distinct.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = distinct.length - 1;
  }
  const Ctor = src.constructor as new (n: number[]) => typeof src;
  const values = fromTyped(new Ctor(distinct), [distinct.length], { device: input._backend.device });
  if (!a.returnInverse && !a.returnCounts) return values;
  const out = [values];
  if (a.returnInverse) out.push(int32(inverse, input.shape, input));
  if (a.returnCounts) out.push(int32(counts, [counts.length], input));
  return out;
}

/**
 * The most frequent value along `dim` and an index where it occurs (`torch.mode`): `{ values, indices }`; of equally
 * frequent values the smallest, and its last index, as PyTorch. Differentiable through the values.
 *
 * @example
 * tg.mode(tg.tensor([2, 1, 2, 3])).values; // 2
 */
export function mode(input: Tensor, ...rest: Args<[dim: number, keepdim: boolean], { dim?: number; keepdim?: boolean }>): ValuesIndices {
  const a = MODE.parse([input, ...rest]);
  if (input.ndim === 0) return { values: input.clone(), indices: int32([0], [], input) };
  const d = normalizeDim(a.dim, input.ndim, "mode");
  const shape = input.shape;
  const n = shape[d];
  const inner = shape.slice(d + 1).reduce((p, s) => p * s, 1);
  const outer = shape.slice(0, d).reduce((p, s) => p * s, 1);
  if (input._backend.asyncOnly) {
    if (n === 0) throw new IndexError(`mode: cannot compute the mode of an empty dim ${a.dim} (shape ${fmt(shape)})`);
    const indices = modeIndicesOnDevice(input, d);
    const values = gather(input, d, indices);
    return a.keepdim ? { values, indices } : { values: values.squeeze(d), indices: indices.squeeze(d) };
  }
  const src = input.contiguous().toArray();
  const idx = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const seen = new Map<number, { count: number; last: number }>();
      for (let k = 0; k < n; k++) {
        const v = Number(src[base + k * inner]);
        const e = seen.get(v);
        if (e) {
          e.count++;
          e.last = k;
        } else seen.set(v, { count: 1, last: k });
      }
      let best: number | undefined;
      let bestCount = -1;
      let bestLast = 0;
      for (const [v, e] of seen) {
        if (e.count > bestCount || (e.count === bestCount && best !== undefined && v < best)) {
          best = v;
          bestCount = e.count;
          bestLast = e.last;
        }
      }
      idx[o * inner + i] = bestLast;
    }
  }
  const kept = shape.map((s, j) => (j === d ? 1 : s));
  const indices = int32(idx, kept, input);
  const values = gather(input, d, indices);
  return a.keepdim ? { values, indices } : { values: values.squeeze(d), indices: indices.squeeze(d) };
}
