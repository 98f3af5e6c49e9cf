import { arg, is, required, signature } from "../args.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { fmt } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { diagonal } from "./diagonal.js";
import { norm } from "./reduce.js";

// cdist and einsum, composed from broadcasting, permute, reshape, matmul and sum/norm: their gradients are autograd's.

const CDIST = signature("cdist", {
  x1: required(is.tensor),
  x2: required(is.tensor),
  p: arg(
    is.numberWhere("a non-negative number", (v) => v >= 0),
    2,
  ),
  computeMode: arg(
    is.oneOf("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"),
    "use_mm_for_euclid_dist_if_necessary",
  ),
});

/**
 * The p-norm distance between each row of `x1` [..., P, M] and each row of `x2` [..., R, M] (`torch.cdist`), with
 * broadcast batch dims: [..., P, R]. `p` = 0 counts differing entries, `Infinity` takes the largest. Computed
 * directly (PyTorch's `computeMode` only picks a faster, less exact route; every mode gives these values).
 *
 * @example
 * tg.cdist(a, b);      // Euclidean
 * tg.cdist(a, b, 1);   // Manhattan
 */
export function cdist(
  x1: Tensor,
  x2: Tensor,
  ...rest:
    | []
    | [p: number | undefined, computeMode?: string, options?: { p?: number; computeMode?: string }]
    | [options: { p?: number; computeMode?: string }]
): Tensor {
  const a = CDIST.parse([x1, x2, ...rest]);
  if (x1.ndim < 2 || x2.ndim < 2 || x1.shape[x1.ndim - 1] !== x2.shape[x2.ndim - 1]) {
    throw new ShapeError(
      `cdist: expected x1 [..., P, M] and x2 [..., R, M] with the same M, got shapes ${fmt(x1.shape)} and ${fmt(x2.shape)}`,
    );
  }
  const isFloat = (t: Tensor): boolean => t.dtype === "float32" || t.dtype === "float64";
  if (!isFloat(x1) || !isFloat(x2)) {
    throw new DTypeError(`cdist: expected floating inputs, got ${x1.dtype} and ${x2.dtype}`);
  }
  const diff = x1.unsqueeze(-2).sub(x2.unsqueeze(-3));
  return norm(diff, a.p, -1);
}

const LETTER = /^[a-zA-Z]$/;

/** One operand's subscripts as letters, its ellipsis expanded to `nb` fresh labels ("0", "1"...). */
function expandSubscripts(spec: string, ndim: number | null, nb: number, eq: string): string[] {
  const parts = spec.split("...");
  if (parts.length > 2) throw new ValueError(`einsum: more than one ellipsis in "${spec}" (equation "${eq}")`);
  for (const ch of parts.join("")) {
    if (!LETTER.test(ch)) throw new ValueError(`einsum: invalid subscript "${ch}" in equation "${eq}": only letters and "..."`);
  }
  const before = [...parts[0]];
  if (parts.length === 1) {
    if (ndim !== null && before.length !== ndim)
      throw new ShapeError(`einsum: subscripts "${spec}" name ${before.length} dims but the operand has ${ndim} (equation "${eq}")`);
    return before;
  }
  const after = [...parts[1]];
  const k = ndim === null ? nb : ndim - before.length - after.length;
  if (k < 0) throw new ShapeError(`einsum: subscripts "${spec}" name more dims than the operand's ${ndim} (equation "${eq}")`);
  // The ellipsis dims right-aligned against the longest ellipsis, as broadcasting does.
  const labels = Array.from({ length: k }, (_, i) => String(nb - k + i));
  return [...before, ...labels, ...after];
}

/**
 * Sums products of operands' entries over the subscripts an equation names (`torch.einsum`): explicit
 * (`"ij,jk->ik"`) and implicit (`"ij,jk"`: the output is the letters seen once, in alphabetical order) forms,
 * repeated letters within an operand (diagonals, `"ii->i"`), and `...` for broadcast dims.
 *
 * @example
 * tg.einsum("ij,jk->ik", a, b); // a.matmul(b)
 * tg.einsum("bij,bjk", x, y);   // batched matmul
 */
export function einsum(equation: string, ...operands: Tensor[] | [readonly Tensor[]]): Tensor {
  if (typeof equation !== "string") throw new ValueError(`einsum: the equation must be a string, got ${typeof equation}`);
  const ops: Tensor[] =
    operands.length === 1 && Array.isArray(operands[0]) ? [...(operands[0] as readonly Tensor[])] : (operands as Tensor[]);
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.indexOf("->");
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const specs = lhs.split(",");
  if (specs.length !== ops.length)
    throw new ValueError(`einsum: equation "${equation}" has ${specs.length} operand(s), got ${ops.length} tensor(s)`);
  if (ops.length === 0) throw new ValueError("einsum: needs at least one operand");
  // The ellipsis covers as many dims as the largest ellipsis among the operands.
  let nb = 0;
  specs.forEach((s, i) => {
    if (s.includes("...")) nb = Math.max(nb, ops[i].ndim - s.replace("...", "").length);
  });
  const subs = specs.map((s, i) => expandSubscripts(s, ops[i].ndim, nb, equation));
  let out: string[];
  if (arrow >= 0) {
    const rhs = eq.slice(arrow + 2);
    out = expandSubscripts(rhs, null, nb, equation);
    const seen = new Set(subs.flat());
    for (const l of out) {
      if (!seen.has(l)) throw new ValueError(`einsum: output subscript "${l}" does not appear in the inputs of "${equation}"`);
    }
    if (new Set(out).size !== out.length) throw new ValueError(`einsum: output subscripts repeat a letter in "${equation}"`);
  } else {
    const counts = new Map<string, number>();
    for (const l of subs.flat()) counts.set(l, (counts.get(l) ?? 0) + 1);
    const letters = [...counts.keys()].filter((l) => LETTER.test(l) && counts.get(l) === 1).sort();
    const batch = Array.from({ length: nb }, (_, i) => String(i)).filter((l) => counts.has(l));
    out = [...batch, ...letters];
  }
  // Every label's size, checked across operands (1 broadcasts).
  const size = new Map<string, number>();
  const prepared = ops.map((t, i) => {
    let x = t;
    let labels = subs[i];
    // A letter repeated within an operand takes the diagonal.
    for (;;) {
      const dup = labels.findIndex((l, j) => labels.indexOf(l) !== j);
      if (dup < 0) break;
      const first = labels.indexOf(labels[dup]);
      if (x.shape[first] !== x.shape[dup])
        throw new ShapeError(`einsum: subscript "${labels[dup]}" is repeated over dims of different sizes in shape ${fmt(t.shape)}`);
      x = diagonal(x, 0, first, dup);
      // diagonal removes both dims and appends the diagonal last.
      labels = [...labels.filter((_, j) => j !== first && j !== dup), labels[dup]];
    }
    labels.forEach((l, j) => {
      const s = x.shape[j];
      const prev = size.get(l);
      if (prev === undefined || prev === 1) size.set(l, s);
      else if (s !== 1 && s !== prev)
        throw new ShapeError(`einsum: subscript "${l}" has size ${prev} and ${s} in "${equation}" (operand ${i}, shape ${fmt(t.shape)})`);
    });
    return { x, labels };
  });
  // Contract left to right, one pair at a time, as a batched matmul: labels no later operand or the output needs are
  // summed away as soon as possible, so no operand is ever laid out over every label at once.
  const full = (t: Operand): Operand => ({ x: t.x.expand(t.labels.map((l) => size.get(l) as number)), labels: t.labels });
  const needed = (i: number): Set<string> => new Set([...out, ...prepared.slice(i + 1).flatMap((p) => p.labels)]);
  let acc = sumAway(full(prepared[0]), needed(0));
  for (let i = 1; i < prepared.length; i++) {
    const keep = needed(i);
    const other = sumAway(full(prepared[i]), new Set([...keep, ...acc.labels]));
    acc = contract(sumAway(acc, new Set([...keep, ...other.labels])), other, keep);
  }
  acc = sumAway(acc, new Set(out));
  return acc.x.permute(out.map((l) => acc.labels.indexOf(l)));
}

interface Operand {
  x: Tensor;
  labels: string[];
}

/** Sums the dims whose labels are not in `keep`. */
function sumAway(t: Operand, keep: Set<string>): Operand {
  const drop = t.labels.map((_, j) => j).filter((j) => !keep.has(t.labels[j]));
  if (drop.length === 0) return t;
  return { x: t.x.sum(drop), labels: t.labels.filter((l) => keep.has(l)) };
}

/** a·b over their shared labels: those in `keep` stay (batch dims), the others are summed, by one batched matmul. */
function contract(a: Operand, b: Operand, keep: Set<string>): Operand {
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => keep.has(l));
  const inner = shared.filter((l) => !keep.has(l));
  const onlyA = a.labels.filter((l) => !shared.includes(l));
  const onlyB = b.labels.filter((l) => !shared.includes(l));
  const dim = (t: Operand, l: string): number => t.x.shape[t.labels.indexOf(l)] as number;
  const prod = (t: Operand, ls: string[]): number => ls.reduce((p, l) => p * dim(t, l), 1);
  const am = a.x
    .permute([...batch, ...onlyA, ...inner].map((l) => a.labels.indexOf(l)))
    .reshape([prod(a, batch), prod(a, onlyA), prod(a, inner)]);
  const bm = b.x
    .permute([...batch, ...inner, ...onlyB].map((l) => b.labels.indexOf(l)))
    .reshape([prod(b, batch), prod(b, inner), prod(b, onlyB)]);
  const x = am.matmul(bm).reshape([...batch.map((l) => dim(a, l)), ...onlyA.map((l) => dim(a, l)), ...onlyB.map((l) => dim(b, l))]);
  return { x, labels: [...batch, ...onlyA, ...onlyB] };
}
