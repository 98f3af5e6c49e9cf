import type { Tensor } from "../../tensor/tensor.js";

// One time step of each recurrent cell, composed from matmul, sigmoid, tanh and slicing (so autograd and every
// device come for free). `xp` is the input already projected for all gates at once (x·W_ihᵀ + b_ih, one matmul
// over the whole sequence); each step adds h·W_hhᵀ + b_hh in one more matmul and splits the gates by narrowing.

/** The recurrent part of the gates: h·W_hhᵀ (+ b_hh). */
export function hiddenGates(h: Tensor, wHH: Tensor, bHH: Tensor | null): Tensor {
  const g = h.matmul(wHH.transpose(0, 1));
  return bHH ? g.add(bHH) : g;
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
  const gates = xp.add(hiddenGates(h, wHH, bHH));
  const H = c.shape[c.ndim - 1];
  const d = gates.ndim - 1;
  const i = gates.narrow(d, 0, H).sigmoid();
  const f = gates.narrow(d, H, H).sigmoid();
  const g = gates.narrow(d, 2 * H, H).tanh();
  const o = gates.narrow(d, 3 * H, H).sigmoid();
  const c2 = f.mul(c).add(i.mul(g));
  let h2 = o.mul(c2.tanh());
  if (wHR) h2 = h2.matmul(wHR.transpose(0, 1));
  return [h2, c2];
}

/** GRU, gates in PyTorch's order r, z, n: n = tanh(x_n + r·(h·W_hnᵀ + b_hn)), h' = (1 − z)·n + z·h. */
export function gruStep(xp: Tensor, h: Tensor, wHH: Tensor, bHH: Tensor | null): Tensor {
  const hg = hiddenGates(h, wHH, bHH);
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
