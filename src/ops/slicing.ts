import { IndexError, ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { fromTyped } from "./creation.js";
import { hostValues } from "./host_values.js";
import { indexSelect } from "./indexing.js";
import { select, sliceDim, unsqueeze } from "./views.js";

/** A Python-style slice `start:stop:step`; omitted parts take their defaults. */
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}

/**
 * One part of an index: a number selects (and drops the dim), a `Slice` or `"a:b:c"` string slices,
 * `null` inserts a new axis, `"..."` stands for the dims not named, and an int32 tensor picks entries
 * along its dim. A single string may hold several comma-separated parts: `"1:3, :, -1"`.
 */
export type IndexItem = number | string | null | Slice | Tensor;

/**
 * A slice object for `get`/`set`, as Python's `start:stop:step`.
 *
 * @example
 * x.get(tg.slice(1, 3)); x.get(tg.slice(null, null, 2));
 */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return { start, stop, step };
}

type Part =
  | { kind: "index"; index: number }
  | { kind: "slice"; slice: Slice }
  | { kind: "newaxis" }
  | { kind: "ellipsis" }
  | { kind: "tensor"; tensor: Tensor };

function parseInt_(text: string, whole: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  if (!/^[+-]?\d+$/.test(t)) throw new ValueError(`index: cannot read "${t}" in "${whole}" as an integer`);
  return Number(t);
}

function parseString(text: string): Part[] {
  return text.split(",").map((raw): Part => {
    const p = raw.trim();
    if (p === "...") return { kind: "ellipsis" };
    if (p === "None" || p === "null" || p === "newaxis") return { kind: "newaxis" };
    if (p.includes(":")) {
      const bits = p.split(":");
      if (bits.length > 3) throw new ValueError(`index: too many colons in "${p}"`);
      return {
        kind: "slice",
        slice: { start: parseInt_(bits[0], text), stop: parseInt_(bits[1], text), step: parseInt_(bits[2] ?? "", text) },
      };
    }
    const n = parseInt_(p, text);
    if (n === null) throw new ValueError(`index: empty index part in "${text}"`);
    return { kind: "index", index: n };
  });
}

function parse(items: readonly IndexItem[]): Part[] {
  const parts: Part[] = [];
  for (const item of items) {
    if (item === null) parts.push({ kind: "newaxis" });
    else if (typeof item === "number") parts.push({ kind: "index", index: item });
    else if (typeof item === "string") parts.push(...parseString(item));
    else if (item instanceof Tensor) parts.push({ kind: "tensor", tensor: item });
    else parts.push({ kind: "slice", slice: item });
  }
  if (parts.filter((p) => p.kind === "ellipsis").length > 1)
    throw new IndexError("index: an index can only have a single ellipsis ('...')");
  if (parts.filter((p) => p.kind === "tensor").length > 1) {
    throw new IndexError("index: only one tensor index is supported; chain get() calls or use indexSelect/gather");
  }
  return parts;
}

/**
 * x[mask] for a bool mask over dims dim .. dim + mask.ndim: those dims become one, holding the entries where the mask
 * is true, in row-major order (PyTorch's boolean indexing). The positions are read on the host.
 */
function maskSelect(x: Tensor, dim: number, mask: Tensor): Tensor {
  const covered = x.shape.slice(dim, dim + mask.ndim);
  if (covered.length !== mask.ndim || covered.some((s, i) => s !== mask.shape[i])) {
    throw new IndexError(
      `index: the shape of the mask [${mask.shape.join(", ")}] does not match the shape of the indexed tensor [${x.shape.join(", ")}] at dim ${dim}`,
    );
  }
  const values = hostValues(mask, "index", "(await x.cpuAsync()).get(await mask.cpuAsync())");
  const picked: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]) picked.push(i);
  const flat = mask.ndim === 0 ? x.unsqueeze(dim) : x.flatten(dim, dim + mask.ndim - 1);
  return indexSelect(flat, dim, fromTyped(Int32Array.from(picked), [picked.length], { device: x._backend.device }));
}

/** The smallest and largest entry of an index tensor, read on the host in one pass. */
function hostRange(t: Tensor): [number, number] {
  const values = t.toArray();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Python's slice.indices: clamps start/stop into range for a dim of `size`. */
function resolveSlice(s: Slice, size: number): { start: number; count: number; step: number } {
  const step = s.step ?? 1;
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`index: slice step must be a positive integer, got ${step}`);
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const start = s.start === null || s.start === undefined ? 0 : clamp(s.start);
  const stop = s.stop === null || s.stop === undefined ? size : clamp(s.stop);
  const count = stop > start ? Math.ceil((stop - start) / step) : 0;
  return { start, count, step };
}

/** Applies an index to `x`: `x.get(...)`. Every basic part is a view; a tensor index copies. */
export function getIndex(x: Tensor, items: readonly IndexItem[]): Tensor {
  const parts = parse(items);
  // A boolean mask consumes as many dims as it has; every other index part one.
  const consumed = parts.reduce(
    (n, p) =>
      n +
      (p.kind === "tensor" && p.tensor.dtype === "bool"
        ? p.tensor.ndim
        : p.kind === "index" || p.kind === "slice" || p.kind === "tensor"
          ? 1
          : 0),
    0,
  );
  if (consumed > x.ndim) {
    throw new IndexError(`index: too many indices for tensor of dimension ${x.ndim} (got ${consumed})`);
  }
  let out = x;
  let dim = 0; // the dim of `out` the next part applies to
  for (const p of parts) {
    switch (p.kind) {
      case "ellipsis":
        dim += x.ndim - consumed;
        break;
      case "newaxis":
        out = unsqueeze(out, dim);
        dim++;
        break;
      case "index":
        out = select(out, dim, p.index);
        break;
      case "slice": {
        const r = resolveSlice(p.slice, out.shape[dim]);
        if (!(r.start === 0 && r.step === 1 && r.count === out.shape[dim])) out = sliceDim(out, dim, r.start, r.count, r.step);
        dim++;
        break;
      }
      case "tensor": {
        const t = p.tensor;
        if (t.dtype === "bool") {
          out = maskSelect(out, dim, t);
          dim++;
          break;
        }
        // Negative entries count from the end, as in PyTorch; anything outside [-size, size) is an IndexError (checked on
        // the host; a device read only asynchronously reports it at the next read).
        const size = out.shape[dim];
        const range = t.numel() > 0 && !t._backend.asyncOnly ? hostRange(t) : null;
        const bad = range ? range.find((v) => v < -size || v >= size) : undefined;
        if (bad !== undefined) throw new IndexError(`index: index ${bad} is out of bounds for dimension ${dim} with size ${size}`);
        // Only an index with negative entries (or one not read on the host) needs them wrapped.
        const wrapped = t.dtype === "int32" && (range === null || range[0] < 0) ? t.add(size).where(t.lt(0), t) : t;
        // Entries are picked with a flat index, then that dim is given the index's shape.
        out = indexSelect(out, dim, wrapped.reshape([-1]));
        out = t.ndim === 0 ? out.squeeze(dim) : out.unflatten(dim, t.shape);
        dim += t.ndim;
        break;
      }
    }
  }
  return out;
}
