import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { tg } from "./helpers.ts";

// Property tests: random shapes, views and slices checked against small references written here with
// plain index arithmetic over row-major arrays (no strides involved).

const RUNS = { numRuns: 100 };

/** A reference tensor: a shape and its elements in row-major order. */
interface Ref {
  shape: number[];
  data: number[];
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
  return flat;
}

/** The reference as nested arrays, in the form `tolist()` returns. */
function nest(ref: Ref): tg.NestedArray {
  const build = (dim: number, offset: number): tg.NestedArray => {
    if (dim === ref.shape.length) return ref.data[offset];
    const inner = numel(ref.shape.slice(dim + 1));
    return Array.from({ length: ref.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
  };
  return build(0, 0);
}

/** A reference whose every output element is read from the input at `source(outIndex)`. */
function gatherRef(input: Ref, shape: number[], source: (idx: number[]) => number[]): Ref {
  const data = Array.from({ length: numel(shape) }, (_, f) => input.data[ravel(source(unravel(f, shape)), input.shape)]);
  return { shape, data };
}

const toTensor = (ref: Ref, dtype: tg.DType = "float64") => tg.tensor(ref.data, { dtype }).reshape(ref.shape);

// ---- (a) broadcasting ---------------------------------------------------------------------------

const shapeArb = (maxDims: number, minSize = 1) => fc.array(fc.integer({ min: minSize, max: 4 }), { minLength: 0, maxLength: maxDims });

/** Two shapes made compatible by dropping leading dims of a base shape and setting some dims to 1. */
const compatiblePair = fc
  .record({
    base: shapeArb(4),
    dropA: fc.nat(4),
    dropB: fc.nat(4),
    onesA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    onesB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  })
  .map(({ base, dropA, dropB, onesA, onesB }) => ({
    a: base.slice(Math.min(dropA, base.length)).map((s, i) => (onesA[i] ? 1 : s)),
    b: base.slice(Math.min(dropB, base.length)).map((s, i) => (onesB[i] ? 1 : s)),
  }));

function refBroadcastAdd(a: Ref, b: Ref): Ref {
  const nd = Math.max(a.shape.length, b.shape.length);
  const pa = [...new Array<number>(nd - a.shape.length).fill(1), ...a.shape];
  const pb = [...new Array<number>(nd - b.shape.length).fill(1), ...b.shape];
  const shape = pa.map((s, d) => (s === 1 ? pb[d] : s));
  const data = Array.from({ length: numel(shape) }, (_, f) => {
    const idx = unravel(f, shape);
    const ia = idx.map((v, d) => (pa[d] === 1 ? 0 : v));
    const ib = idx.map((v, d) => (pb[d] === 1 ? 0 : v));
    return a.data[ravel(ia, pa)] + b.data[ravel(ib, pb)];
  });
  return { shape, data };
}

const iota = (shape: number[], scale: number): Ref => ({ shape, data: Array.from({ length: numel(shape) }, (_, i) => i * scale) });

describe("property: broadcasting", () => {
  it("add of compatible shapes matches an index-arithmetic reference", () => {
    fc.assert(
      fc.property(compatiblePair, ({ a, b }) => {
        const ra = iota(a, 1);
        const rb = iota(b, 1000);
        const expected = refBroadcastAdd(ra, rb);
        const out = tg.add(toTensor(ra), toTensor(rb));
        assert.deepEqual([...out.shape], expected.shape);
        assert.deepEqual(out.tolist(), nest(expected));
        // Broadcasting is symmetric.
        assert.deepEqual(tg.add(toTensor(rb), toTensor(ra)).tolist(), nest(expected));
      }),
      RUNS,
    );
  });

  it("the same holds when the operands are non-contiguous views", () => {
    fc.assert(
      fc.property(compatiblePair, ({ a, b }) => {
        const ra = iota(a, 1);
        const rb = iota(b, 1000);
        // Build each operand as the transpose of a contiguous tensor, then transpose back: same values, other strides.
        const tA = toTensor({ shape: [...a].reverse(), data: nest2flat(ra, true) }).permute(a.map((_, i) => a.length - 1 - i));
        assert.deepEqual(tA.tolist(), nest(ra));
        const out = tA.add(toTensor(rb));
        assert.deepEqual(out.tolist(), nest(refBroadcastAdd(ra, rb)));
      }),
      RUNS,
    );
  });

  it("incompatible shapes throw a ShapeError", () => {
    const arb = fc
      .record({ base: shapeArb(4), k: fc.integer({ min: 2, max: 4 }), dim: fc.nat(3), dropA: fc.nat(4), dropB: fc.nat(4) })
      .filter(({ base }) => base.length > 0)
      .map(({ base, k, dim, dropA, dropB }) => {
        const d = dim % base.length;
        const a = base.map((s, i) => (i === d ? k : s));
        const b = base.map((s, i) => (i === d ? k + 1 : s));
        return { a: a.slice(Math.min(dropA, d)), b: b.slice(Math.min(dropB, d)) };
      });
    fc.assert(
      fc.property(arb, ({ a, b }) => {
        assert.throws(() => tg.add(tg.zeros(a), tg.zeros(b)), tg.ShapeError);
      }),
      RUNS,
    );
  });
});

/** The reference's elements in the row-major order of its reversed-dims transpose (when `reversed`). */
function nest2flat(ref: Ref, reversed: boolean): number[] {
  if (!reversed) return [...ref.data];
  const rshape = [...ref.shape].reverse();
  return Array.from({ length: ref.data.length }, (_, f) => ref.data[ravel(unravel(f, rshape).reverse(), ref.shape)]);
}

// ---- (b) chains of views ------------------------------------------------------------------------

type OpKind = "permute" | "transpose" | "reshape" | "narrow" | "select" | "unsqueeze" | "squeeze";
interface Op {
  kind: OpKind;
  r: number[];
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<OpKind>("permute", "transpose", "reshape", "narrow", "select", "unsqueeze", "squeeze"),
  r: fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 }),
});

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** A random shape with `n` elements, drawn from the numbers in `r`; maybe with one -1. */
function randomShape(n: number, r: number[]): number[] {
  if (n === 0) return r[0] % 2 === 0 ? [0] : [(r[1] % 3) + 1, 0];
  const shape: number[] = [];
  let rest = n;
  const parts = r[0] % 4;
  for (let k = 0; k < parts; k++) {
    const ds = divisors(rest);
    const d = ds[r[k + 1] % ds.length];
    shape.push(d);
    rest /= d;
  }
  shape.push(rest);
  if (r[5] % 3 === 0) shape[r[4] % shape.length] = -1;
  return shape;
}

/** Applies one op to both the tensor and the reference; returns null when the op does not apply to this shape. */
function applyOp(t: tg.Tensor, ref: Ref, op: Op): [tg.Tensor, Ref] | null {
  const nd = ref.shape.length;
  const { r } = op;
  const signed = (d: number, n: number, flip: number) => (flip % 2 === 1 ? d - n : d);
  switch (op.kind) {
    case "permute":
    case "transpose": {
      if (nd === 0) return null;
      let perm: number[];
      if (op.kind === "transpose") {
        const [a, b] = [r[0] % nd, r[1] % nd];
        perm = ref.shape.map((_, i) => (i === a ? b : i === b ? a : i));
        t = t.transpose(signed(a, nd, r[2]), signed(b, nd, r[3]));
      } else {
        perm = ref.shape.map((_, i) => i);
        for (let i = nd - 1; i > 0; i--) {
          const j = r[i % r.length] % (i + 1);
          [perm[i], perm[j]] = [perm[j], perm[i]];
        }
        t = t.permute(perm.map((d, i) => signed(d, nd, r[(i + 3) % r.length])));
      }
      const shape = perm.map((d) => ref.shape[d]);
      const out = gatherRef(ref, shape, (idx) => {
        const src = new Array<number>(nd);
        perm.forEach((d, k) => {
          src[d] = idx[k];
        });
        return src;
      });
      return [t, out];
    }
    case "reshape": {
      const n = ref.data.length;
      const target = randomShape(n, r);
      const resolved = target.includes(-1) ? target.map((s) => (s === -1 ? n / numel(target.filter((v) => v !== -1)) : s)) : target;
      let out: tg.Tensor;
      try {
        out = t.view(target);
        // A successful view shares storage: no copy was made.
        assert.equal(out.storage, t.storage);
      } catch (e) {
        assert.ok(e instanceof tg.ShapeError, String(e));
        assert.ok(!t.isContiguous(), "view of a contiguous tensor must not fail");
        out = t.reshape(target);
      }
      return [out, { shape: resolved, data: [...ref.data] }];
    }
    case "narrow": {
      if (nd === 0) return null;
      const d = r[0] % nd;
      const size = ref.shape[d];
      const start = r[1] % (size + 1);
      const length = r[2] % (size - start + 1);
      const startArg = r[3] % 2 === 1 && start < size ? start - size : start;
      const shape = ref.shape.map((s, k) => (k === d ? length : s));
      const out = gatherRef(ref, shape, (idx) => idx.map((v, k) => (k === d ? v + start : v)));
      return [t.narrow(signed(d, nd, r[4]), startArg, length), out];
    }
    case "select": {
      if (nd === 0) return null;
      const d = r[0] % nd;
      const size = ref.shape[d];
      if (size === 0) return null;
      const i = r[1] % size;
      const shape = ref.shape.filter((_, k) => k !== d);
      const out = gatherRef(ref, shape, (idx) => [...idx.slice(0, d), i, ...idx.slice(d)]);
      return [t.select(signed(d, nd, r[2]), signed(i, size, r[3])), out];
    }
    case "unsqueeze": {
      const d = r[0] % (nd + 1);
      const shape = [...ref.shape.slice(0, d), 1, ...ref.shape.slice(d)];
      return [t.unsqueeze(signed(d, nd + 1, r[1])), { shape, data: [...ref.data] }];
    }
    case "squeeze": {
      const shape = ref.shape.filter((s) => s !== 1);
      return [t.squeeze(), { shape, data: [...ref.data] }];
    }
  }
}

describe("property: chains of views", () => {
  it("match the same ops on a plain row-major reference; contiguous() equals tolist()", () => {
    const arb = fc.record({ shape: shapeArb(4), ops: fc.array(opArb, { maxLength: 8 }) });
    fc.assert(
      fc.property(arb, ({ shape, ops }) => {
        let ref: Ref = iota(shape, 1);
        let t = toTensor(ref, "int32");
        const base = t;
        for (const op of ops) {
          const next = applyOp(t, ref, op);
          if (next === null) continue;
          [t, ref] = next;
          assert.deepEqual([...t.shape], ref.shape, `after ${op.kind}`);
          assert.deepEqual(t.tolist(), nest(ref), `after ${op.kind}`);
        }
        const c = t.contiguous();
        assert.equal(c.isContiguous(), true);
        assert.deepEqual(c.tolist(), t.tolist());
        assert.deepEqual(Array.from(c.toArray()), ref.data);
        // Everything in the chain but reshape's copies is a view of the base.
        if (t.storage === base.storage) {
          // Writing through the view shows in the base at the places the reference says.
          const before = Array.from(base.toArray());
          tg.noGrad(() => t.fill_(-1));
          const after = Array.from(base.toArray());
          const changed = after.map((v, i) => (v !== before[i] ? i : -1)).filter((i) => i >= 0);
          const expectedChanged = [...new Set(ref.data)].sort((a, b) => a - b).filter((v) => v !== -1);
          assert.deepEqual(changed, expectedChanged);
        }
      }),
      RUNS,
    );
  });
});

// ---- (c) slicing --------------------------------------------------------------------------------

interface PySlice {
  start: number | null;
  stop: number | null;
  step: number | null;
}

/** Python's `list[start:stop:step]` for a positive step, written out as CPython does it. */
function pySlice<T>(list: readonly T[], s: PySlice): T[] {
  const n = list.length;
  const step = s.step ?? 1;
  const adjust = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + n, 0);
    return Math.min(v, n);
  };
  const start = adjust(s.start, 0);
  const stop = adjust(s.stop, n);
  const out: T[] = [];
  for (let i = start; i < stop; i += step) out.push(list[i]);
  return out;
}

const sliceArb: fc.Arbitrary<PySlice> = fc.record({
  start: fc.option(fc.integer({ min: -12, max: 12 }), { nil: null }),
  stop: fc.option(fc.integer({ min: -12, max: 12 }), { nil: null }),
  step: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
});

const sliceText = (s: PySlice) => `${s.start ?? ""}:${s.stop ?? ""}:${s.step ?? ""}`;
const sliceObj = (s: PySlice) => tg.slice(s.start, s.stop, s.step);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("property: slicing", () => {
  it("a slice of a 1-D tensor matches Python's list slicing (string and tg.slice forms)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), sliceArb, (n, s) => {
        const a = tg.arange(n);
        const expected = pySlice(range(n), s);
        assert.deepEqual(a.get(sliceText(s)).tolist(), expected);
        assert.deepEqual(a.get(sliceObj(s)).tolist(), expected);
      }),
      RUNS,
    );
  });

  it("a slice of a slice matches slicing the sliced list", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), sliceArb, sliceArb, (n, s1, s2) => {
        const got = tg.arange(n).get(sliceObj(s1)).get(sliceText(s2));
        assert.deepEqual(got.tolist(), pySlice(pySlice(range(n), s1), s2));
      }),
      RUNS,
    );
  });

  it("slices and numbers over a 3-D tensor match slicing each dim of nested lists", () => {
    const part = fc.oneof(
      sliceArb.map((s) => ({ slice: s }) as const),
      fc.integer({ min: -4, max: 3 }).map((i) => ({ index: i }) as const),
    );
    const arb = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
      parts: fc.array(part, { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(arb, ({ shape, parts }) => {
        const ref = iota(shape, 1);
        const x = toTensor(ref, "int32");
        // Reference: slice the nested lists dim by dim; an out-of-range number must throw.
        const outOfRange = parts.some((p, d) => "index" in p && (p.index < -shape[d] || p.index >= shape[d]));
        const text = parts.map((p) => ("index" in p ? String(p.index) : sliceText(p.slice))).join(", ");
        if (outOfRange) {
          assert.throws(() => x.get(text), tg.IndexError);
          return;
        }
        const apply = (v: tg.NestedArray, d: number): tg.NestedArray => {
          if (d === parts.length) return v;
          const list = v as tg.NestedArray[];
          const p = parts[d];
          if ("index" in p) return apply(list[p.index < 0 ? p.index + list.length : p.index], d + 1);
          return pySlice(list, p.slice).map((item) => apply(item, d + 1));
        };
        // An index applies to the current level, so walk it level by level.
        const expected = apply(nest(ref), 0);
        const got = x.get(text);
        assert.deepEqual(got.tolist(), expected);
        assert.deepEqual(x.get(...parts.map((p) => ("index" in p ? p.index : sliceObj(p.slice)))).tolist(), expected);
      }),
      RUNS,
    );
  });

  it("a step of zero or less is always an error", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -5, max: 0 }), (n, step) => {
        assert.throws(() => tg.arange(n).get(tg.slice(null, null, step)), tg.ValueError);
        assert.throws(() => tg.arange(n).get(`::${step}`), tg.ValueError);
      }),
      RUNS,
    );
  });
});

// ---- (d) sums -----------------------------------------------------------------------------------

function refSum(ref: Ref, dims: number[], keepdim: boolean): Ref {
  const reduced = (d: number) => dims.includes(d);
  const keptShape = ref.shape.map((s, d) => (reduced(d) ? 1 : s));
  const data = new Array<number>(numel(keptShape)).fill(0);
  ref.data.forEach((v, f) => {
    const idx = unravel(f, ref.shape).map((i, d) => (reduced(d) ? 0 : i));
    data[ravel(idx, keptShape)] += v;
  });
  return { shape: keepdim ? keptShape : ref.shape.filter((_, d) => !reduced(d)), data };
}

describe("property: sum over dims", () => {
  it("sum over a random set of dims (negative too, keepdim or not) equals the reference", () => {
    const arb = shapeArb(4, 0).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        values: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: numel(shape), maxLength: numel(shape) }),
        dims:
          shape.length === 0 ? fc.constant(undefined) : fc.option(fc.subarray(range(shape.length), { minLength: 1 }), { nil: undefined }),
        negate: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        keepdim: fc.boolean(),
        transposed: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(arb, ({ shape, values, dims, negate, keepdim, transposed }) => {
        const ref: Ref = { shape, data: values };
        // The input may be a non-contiguous view with the same values.
        const x = transposed
          ? toTensor({ shape: [...shape].reverse(), data: nest2flat(ref, true) }).permute(shape.map((_, i) => shape.length - 1 - i))
          : toTensor(ref);
        const all = dims ?? range(shape.length);
        const expected = refSum(ref, all, keepdim);
        const args = dims?.map((d, i) => (negate[i] ? d - shape.length : d));
        const got = x.sum(args, keepdim);
        assert.deepEqual([...got.shape], expected.shape);
        assert.deepEqual(got.tolist(), nest(expected));
      }),
      RUNS,
    );
  });
});
