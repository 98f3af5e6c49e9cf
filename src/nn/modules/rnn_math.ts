import type { Tensor } from "../../tensor/tensor.js";
import { gruCellFused, lstmCellFused } from "./rnn_fused.js";

// One time step of each recurrent cell. `xp` is the input already projected for all gates at once (x·W_ihᵀ + b_ih,
// one matmul over the whole sequence); each step adds h·W_hhᵀ + b_hh in one more matmul. The LSTM and GRU gate math
// is then one fused op where the backend has the kernels (rnn_fused.ts), else composed from sigmoid, tanh, mul and
// narrowing (so autograd and every device come for free).

/** The recurrent part of the gates: h·W_hhᵀ (+ b_hh). `wHHt` is W_hhᵀ, transposed once per sequence by the caller. */
export function hiddenGates(h: Tensor, wHHt: Tensor, bHH: Tensor | null): Tensor {
  const g = h.matmul(wHHt);
  return bHH ? g.add(bHH) : g;
}

/** h' = act(xp + h·W_hhᵀ + b_hh). */
export function rnnStep(xp: Tensor, h: Tensor, wHHt: Tensor, bHH: Tensor | null, nonlinearity: "tanh" | "relu"): Tensor {
  const pre = xp.add(hiddenGates(h, wHHt, bHH));
  return nonlinearity === "tanh" ? pre.tanh() : pre.relu();
}

/**
 * LSTM, gates in PyTorch's order i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). `wHRt` is the
 * projection of projSize (W_hrᵀ: h' ·= W_hrᵀ) or null. Weights come transposed (W_hhᵀ), once per sequence.
 */
export function lstmStep(xp: Tensor, h: Tensor, c: Tensor, wHHt: Tensor, bHH: Tensor | null, wHRt: Tensor | null): [Tensor, Tensor] {
  const hg = hiddenGates(h, wHHt, bHH);
  const fused = lstmCellFused(xp, hg, c);
  if (fused) return [wHRt ? fused[0].matmul(wHRt) : fused[0], fused[1]];
  const gates = xp.add(hg);
  const H = c.shape[c.ndim - 1];
  const d = gates.ndim - 1;
  const i = gates.narrow(d, 0, H).sigmoid();
  const f = gates.narrow(d, H, H).sigmoid();
  const g = gates.narrow(d, 2 * H, H).tanh();
  const o = gates.narrow(d, 3 * H, H).sigmoid();
  const c2 = f.mul(c).add(i.mul(g));
  let h2 = o.mul(c2.tanh());
  if (wHRt) h2 = h2.matmul(wHRt);
  return [h2, c2];
}

/** GRU, gates in PyTorch's order r, z, n: n = tanh(x_n + r·(h·W_hnᵀ + b_hn)), h' = (1 − z)·n + z·h. */
export function gruStep(xp: Tensor, h: Tensor, wHHt: Tensor, bHH: Tensor | null): Tensor {
  const hg = hiddenGates(h, wHHt, bHH);
  const fused = gruCellFused(xp, hg, h);
  if (fused) return fused;
  const H = h.shape[h.ndim - 1];
  const d = xp.ndim - 1;
  const rz = xp
    .narrow(d, 0, 2 * H)
    .add(hg.narrow(d, 0, 2 * H))
    .sigmoid();
  const r = rz.narrow(d, 0, H);
  const z = rz.narrow(d, H, H);
  const n = xp
    .narrow(d, 2 * H, H)
    .add(r.mul(hg.narrow(d, 2 * H, H)))
    .tanh();
  return n.add(z.mul(h.sub(n)));
}
