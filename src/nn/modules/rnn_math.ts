import { linear } from "../../ops/linalg.js";
import type { Tensor } from "../../tensor/tensor.js";
import { gruCellFused, lstmCellFused } from "./rnn_fused.js";

// One time step of each recurrent cell. `xp` is the input already projected for all gates at once (x·W_ihᵀ + b_ih,
// one matmul over the whole sequence; the layers fold b_hh in there too, but for GRU); each step adds h·W_hhᵀ (+ b_hh)
// in one more matmul. The LSTM and GRU gate math is then one fused op where the backend has the kernels (rnn_fused.ts),
// else composed from sigmoid, tanh, mul and narrowing (so autograd and every device come for free).

/** The recurrent part of the gates: h·W_hhᵀ + b_hh, one op (linear: W_hh read transposed in place, the bias fused). */
export function hiddenGates(h: Tensor, wHH: Tensor, bHH: Tensor | null): Tensor {
  return linear(h, wHH, bHH);
}

/** h' = act(xp + h·W_hhᵀ + b_hh). */
export function rnnStep(xp: Tensor, h: Tensor, wHH: Tensor, bHH: Tensor | null, nonlinearity: "tanh" | "relu"): Tensor {
  const pre = xp.add(hiddenGates(h, wHH, bHH));
  return nonlinearity === "tanh" ? pre.tanh() : pre.relu();
}

/**
 * LSTM, gates in PyTorch's order i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). `wHR` is the
 * projection of projSize (h' ·= W_hrᵀ) or null.
 */
export function lstmStep(xp: Tensor, h: Tensor, c: Tensor, wHH: Tensor, bHH: Tensor | null, wHR: Tensor | null): [Tensor, Tensor] {
  const hg = hiddenGates(h, wHH, bHH);
  const fused = lstmCellFused(xp, hg, c);
  if (fused) return [wHR ? linear(fused[0], wHR) : fused[0], fused[1]];
  const gates = xp.add(hg);
  const H = c.shape[c.ndim - 1];
  const d = gates.ndim - 1;
  const i = gates.narrow(d, 0, H).sigmoid();
  const f = gates.narrow(d, H, H).sigmoid();
  const g = gates.narrow(d, 2 * H, H).tanh();
  const o = gates.narrow(d, 3 * H, H).sigmoid();
  const c2 = f.mul(c).add(i.mul(g));
  let h2 = o.mul(c2.tanh());
  if (wHR) h2 = linear(h2, wHR);
  return [h2, c2];
}

/** GRU, gates in PyTorch's order r, z, n: n = tanh(x_n + r·(h·W_hnᵀ + b_hn)), h' = (1 − z)·n + z·h. */
export function gruStep(xp: Tensor, h: Tensor, wHH: Tensor, bHH: Tensor | null): Tensor {
  const hg = hiddenGates(h, wHH, bHH);
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
