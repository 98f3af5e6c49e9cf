/**
 * More ops for `tg.onnx.load`: the shape, comparison and selection ops a traced export writes (Unsqueeze, Squeeze,
 * Slice, Where, Cast, Expand, Equal, ...), LRN and ONNX's recurrent operators RNN, LSTM (gates i,o,f,c) and GRU (z,r,h),
 * run step by step with tensorgrad ops in ONNX's default layout [T, B, features].
 */
import type { DType } from "../dtype.js";
import { ValueError } from "../errors.js";
import { localResponseNorm } from "../nn/functional/normalization_extra.js";
import { where } from "../ops/binary.js";
import { zeros } from "../ops/creation.js";
import { stack } from "../ops/join.js";
import type { Tensor } from "../tensor/tensor.js";

/** What an op reads from its node: inputs as tensors or integer lists, and attributes. */
export interface NodeReader {
  op: string;
  name: string;
  /** Input i as a tensor, or null when it is absent. */
  tensor(i: number): Tensor | null;
  /** Input i as integers (shapes, axes), or null when it is absent. */
  ints(i: number): number[] | null;
  int(key: string, fallback: number): number;
  intList(key: string): number[] | undefined;
  string(key: string): string | undefined;
  strings(key: string): string[] | undefined;
  float(key: string): number | undefined;
}

/** The ops this file runs. */
export const EXTRA_OPS = [
  "Unsqueeze",
  "Squeeze",
  "Slice",
  "Where",
  "Not",
  "Equal",
  "Less",
  "LessOrEqual",
  "Greater",
  "GreaterOrEqual",
  "Cast",
  "Expand",
  "ReduceSum",
  "ReduceMax",
  "ReduceMin",
  "Abs",
  "Reciprocal",
  "Sin",
  "Cos",
  "Floor",
  "Ceil",
  "Max",
  "Min",
  "GatherElements",
  "CumSum",
  "LRN",
  "RNN",
  "LSTM",
  "GRU",
];

const fail = (message: string): never => {
  throw new ValueError(`onnx.load: ${message}`);
};

const CAST: Record<number, DType> = { 1: "float32", 6: "int32", 7: "int32", 9: "bool", 11: "float64" };

const normAxis = (a: number, n: number) => (a < 0 ? a + n : a);

function must(t: Tensor | null, r: NodeReader, what: string): Tensor {
  return t ?? fail(`${r.op} "${r.name}" has no ${what}`);
}

/** Runs one of `EXTRA_OPS`; returns its outputs (one tensor, or a list for the recurrent ops). */
export function runExtra(r: NodeReader): Tensor | Tensor[] {
  const x = () => must(r.tensor(0), r, "input");
  const y = () => must(r.tensor(1), r, "second input");
  switch (r.op) {
    case "Unsqueeze": {
      const axes = (r.ints(1) ?? r.intList("axes") ?? fail(`Unsqueeze "${r.name}" has no axes`)).slice();
      const rank = x().ndim + axes.length;
      let out = x();
      for (const a of axes.map((v) => normAxis(v, rank)).sort((p, q) => p - q)) out = out.unsqueeze(a);
      return out;
    }
    case "Squeeze": {
      const axes = r.ints(1) ?? r.intList("axes");
      if (!axes) return x().squeeze();
      return x().squeeze(axes.map((v) => normAxis(v, x().ndim)));
    }
    case "Slice": {
      const starts = r.ints(1) ?? fail(`Slice "${r.name}" has no starts`);
      const ends = r.ints(2) ?? fail(`Slice "${r.name}" has no ends`);
      const axes = r.ints(3) ?? starts.map((_, i) => i);
      const steps = r.ints(4) ?? starts.map(() => 1);
      let out = x();
      axes.forEach((axis, i) => {
        const a = normAxis(axis, out.ndim);
        const size = out.shape[a];
        if (steps[i] <= 0) fail(`Slice "${r.name}" has step ${steps[i]}; tensorgrad slices forward`);
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
        const start = clamp(starts[i]);
        const end = clamp(ends[i]);
        const step = steps[i];
        out = out.get(...new Array(a).fill(":"), `${start}:${Math.max(start, end)}:${step}`);
      });
      return out;
    }
    case "Where":
      return where(x(), y(), must(r.tensor(2), r, "third input"));
    case "Not":
      return x().logicalNot();
    case "Equal":
      return x().eq(y());
    case "Less":
      return x().lt(y());
    case "LessOrEqual":
      return x().le(y());
    case "Greater":
      return x().gt(y());
    case "GreaterOrEqual":
      return x().ge(y());
    case "Cast": {
      const to =
        CAST[r.int("to", 0)] ??
        fail(`Cast "${r.name}" to ONNX type ${r.int("to", 0)}; tensorgrad casts to FLOAT, DOUBLE, INT32, INT64 (as int32), BOOL`);
      return x().to(to);
    }
    case "Expand": {
      const shape = r.ints(1) ?? fail(`Expand "${r.name}" has no shape`);
      const rank = Math.max(shape.length, x().ndim);
      const src = x().reshape([...new Array(rank - x().ndim).fill(1), ...x().shape]);
      const target = src.shape.map((s, i) => {
        const want = shape[i - (rank - shape.length)] ?? 1;
        return s === 1 ? want : s;
      });
      return src.expand(target);
    }
    case "ReduceSum":
    case "ReduceMax":
    case "ReduceMin": {
      const axes = r.ints(1) ?? r.intList("axes") ?? Array.from({ length: x().ndim }, (_, i) => i);
      const keep = r.int("keepdims", 1) === 1;
      if (r.op === "ReduceSum") return x().sum(axes, keep);
      return r.op === "ReduceMax" ? x().amax(axes, keep) : x().amin(axes, keep);
    }
    case "Abs":
      return x().abs();
    case "Reciprocal":
      return x().reciprocal();
    case "Sin":
      return x().sin();
    case "Cos":
      return x().cos();
    case "Floor":
      return x().floor();
    case "Ceil":
      return x().ceil();
    case "Max":
      return x().maximum(y());
    case "Min":
      return x().minimum(y());
    case "GatherElements":
      return x().gather(r.int("axis", 0), y().to("int32"));
    case "CumSum": {
      if (r.int("exclusive", 0) || r.int("reverse", 0)) fail(`CumSum "${r.name}" is exclusive or reversed`);
      return x().cumsum(must(r.tensor(1), r, "axis").item());
    }
    case "LRN": {
      // ONNX's window [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉] is PyTorch's for odd sizes only.
      const size = r.int("size", 0);
      if (!Number.isSafeInteger(size) || size < 1 || size % 2 === 0) fail(`LRN "${r.name}" has size ${size}; tensorgrad runs odd sizes`);
      const [alpha, beta, k] = [r.float("alpha") ?? 1e-4, r.float("beta") ?? 0.75, r.float("bias") ?? 1];
      return localResponseNorm(x(), size, { alpha, beta, k });
    }
    case "RNN":
    case "LSTM":
    case "GRU":
      return recurrent(r);
    default:
      return fail(`${r.op} (node "${r.name}") is not an op tensorgrad runs`);
  }
}

const ACT: Record<string, (t: Tensor) => Tensor> = { Tanh: (t) => t.tanh(), Relu: (t) => t.relu(), Sigmoid: (t) => t.sigmoid() };

/** ONNX's RNN/LSTM/GRU (default activations; RNN: Tanh or Relu), forward, reverse or bidirectional. */
function recurrent(r: NodeReader): Tensor[] {
  const kind = r.op;
  const X = must(r.tensor(0), r, "input X");
  const W = must(r.tensor(1), r, "weight W");
  const R = must(r.tensor(2), r, "weight R");
  const B = r.tensor(3);
  if (r.tensor(4)) fail(`${kind} "${r.name}" has sequence_lens; tensorgrad runs full sequences`);
  if (kind === "LSTM" && r.tensor(7)) fail(`LSTM "${r.name}" has peepholes (P)`);
  if (r.int("layout", 0) !== 0) fail(`${kind} "${r.name}" has layout 1; tensorgrad runs layout 0 ([T, B, features])`);
  if (r.float("clip") !== undefined) fail(`${kind} "${r.name}" clips its cell`);
  if (r.int("input_forget", 0)) fail(`LSTM "${r.name}" couples the input and forget gates`);
  if (kind === "GRU" && r.int("linear_before_reset", 0) !== 1)
    fail(`GRU "${r.name}" has linear_before_reset 0; tensorgrad runs PyTorch's (1)`);
  const direction = r.string("direction") ?? "forward";
  const dirs = direction === "bidirectional" ? 2 : 1;
  const H = r.int("hidden_size", R.shape[2]);
  const gates = kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1;
  if (W.ndim !== 3 || W.shape[0] !== dirs || W.shape[1] !== gates * H || R.shape[1] !== gates * H || R.shape[2] !== H || X.ndim !== 3) {
    fail(
      `${kind} "${r.name}" has W ${JSON.stringify(W.shape)}, R ${JSON.stringify(R.shape)}, X ${JSON.stringify(X.shape)} for hidden_size ${H}`,
    );
  }
  const acts = r.strings("activations");
  const defaults = kind === "LSTM" ? ["Sigmoid", "Tanh", "Tanh"] : kind === "GRU" ? ["Sigmoid", "Tanh"] : ["Tanh"];
  let act = ACT.Tanh;
  if (acts) {
    const per = acts.length / dirs;
    for (let d = 0; d < dirs; d++) {
      const mine = acts.slice(d * per, (d + 1) * per);
      if (kind === "RNN" && per === 1 && ACT[mine[0]] && mine[0] === acts[0]) continue;
      if (mine.length !== defaults.length || mine.some((v, i) => v !== defaults[i]))
        fail(`${kind} "${r.name}" has activations ${acts.join(", ")}`);
    }
    if (kind === "RNN") act = ACT[acts[0]];
  }
  const [T, N] = X.shape;
  const h0 = r.tensor(5) ?? zeros([dirs, N, H], { dtype: X.dtype });
  const c0 = kind === "LSTM" ? (r.tensor(6) ?? zeros([dirs, N, H], { dtype: X.dtype })) : null;
  const ys: Tensor[] = [];
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let d = 0; d < dirs; d++) {
    const w = W.select(0, d);
    const rw = R.select(0, d);
    const wb = B ? B.select(0, d).narrow(0, 0, gates * H) : null;
    const rb = B ? B.select(0, d).narrow(0, gates * H, gates * H) : null;
    let xs = X.matmul(w.T);
    if (wb) xs = xs.add(wb);
    let h = h0.select(0, d);
    let c = c0 ? c0.select(0, d) : null;
    const out = new Array<Tensor>(T);
    for (let k = 0; k < T; k++) {
      const t = d === 0 ? k : T - 1 - k;
      let hr = h.matmul(rw.T);
      if (rb) hr = hr.add(rb);
      const xt = xs.select(0, t);
      if (kind === "RNN") h = act(xt.add(hr));
      else if (kind === "LSTM") {
        const [i, o, f, g] = xt.add(hr).chunk(4, -1);
        c = f
          .sigmoid()
          .mul(c as Tensor)
          .add(i.sigmoid().mul(g.tanh()));
        h = o.sigmoid().mul(c.tanh());
      } else {
        const [xz, xr, xh] = xt.chunk(3, -1);
        const [hz, hrr, hh] = hr.chunk(3, -1);
        const z = xz.add(hz).sigmoid();
        const n = xh.add(xr.add(hrr).sigmoid().mul(hh)).tanh();
        h = z.neg().add(1).mul(n).add(z.mul(h));
      }
      out[t] = h;
    }
    ys.push(stack(out));
    hs.push(h);
    if (c) cs.push(c);
  }
  const Y = stack(ys, 1); // [T, D, N, H]
  return kind === "LSTM" ? [Y, stack(hs), stack(cs)] : [Y, stack(hs)];
}
