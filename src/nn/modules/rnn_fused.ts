import { isGradEnabled } from "../../autograd/grad_mode.js";
import { record } from "../../autograd/node.js";
import { ShapeError } from "../../errors.js";
import { cat, stack } from "../../ops/join.js";
import { fromBuffer } from "../../ops/util.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// The recurrent cells' gate math as one op per step where the backend has the fused kernels (Backend.lstmCell,
// gruCell and their backwards; the CPU backends do): one pass forward, one pass backward from the saved activations,
// one autograd node. Elsewhere (WebGPU) these return null and rnn_math.ts composes the step from tensor ops. A backward
// that builds a graph itself (createGraph, for double backward) is written in tensor ops, so it can be differentiated.

const oneMinus = (t: Tensor): Tensor => t.neg().add(1);

/**
 * The T steps of x [T, ...] as views, one autograd node for all (PyTorch's UnbindBackward0): backward stacks the
 * steps' gradients once, where T `select`s would each scatter into a zero tensor the size of x.
 */
export function unbindSteps(x: Tensor): Tensor[] {
  const base = x.detach();
  const outs = Array.from({ length: x.shape[0] }, (_, t) => base.select(0, t));
  if (outs.length === 0) return outs;
  return record("UnbindBackward0", outs, [x], (grads) => [stack(grads)]);
}

/** Checks xg and hg [..., k·H] against a state [..., H] (same leading dims), naming the op. */
function checkGates(op: string, xg: Tensor, hg: Tensor, s: Tensor, k: number): void {
  const H = s.shape[s.ndim - 1];
  const want = [...s.shape.slice(0, -1), k * H];
  const ok = (t: Tensor) => t.ndim === want.length && t.shape.every((n, i) => n === want[i]);
  if (s.ndim === 0 || !ok(xg) || !ok(hg)) {
    throw new ShapeError(
      `${op}: gates ${fmt(xg.shape)} and ${fmt(hg.shape)} do not match the state ${fmt(s.shape)} (expected ${fmt(want)})`,
    );
  }
}

/** Whether the fused kernel may run: one backend for all, and it has the kernel. */
function sameBackend(ts: Tensor[]): boolean {
  return ts.every((t) => t._backend === ts[0]._backend);
}

/**
 * One LSTM step's gate math: from the gate pre-activations xg and hg [B, 4H] (gates i, f, g, o; their sum is used)
 * and c [B, H], returns [h', c'] with c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'), as one op (LSTMCellBackward);
 * null where the backend has no fused kernel for these tensors.
 */
export function lstmCellFused(xg: Tensor, hg: Tensor, c: Tensor): [Tensor, Tensor] | null {
  checkGates("lstmCell", xg, hg, c, 4);
  const backend = xg._backend;
  if (!backend.lstmCell || !sameBackend([xg, hg, c])) return null;
  const k = backend.lstmCell(xg._view, hg._view, c._view);
  if (k === null) return null;
  const H = c.shape[c.ndim - 1];
  const h2 = fromBuffer(k.h, c.shape, c.dtype, backend);
  const c2 = fromBuffer(k.c, c.shape, c.dtype, backend);
  const act = fromBuffer(k.act, [...c.shape.slice(0, -1), 5 * H], c.dtype, backend);
  return record<[Tensor, Tensor]>(
    "LSTMCellBackward",
    [h2, c2],
    [xg, hg, c],
    ([dh, dc], [act, xg, hg, c], needs) => {
      const fusedBack = isGradEnabled() ? null : act._backend.lstmCellBackward?.(act._view, c._view, dh._view, dc._view);
      let dGates: Tensor;
      let dC: Tensor;
      if (fusedBack) {
        dGates = fromBuffer(fusedBack.dGates, xg.shape, xg.dtype, act._backend);
        dC = fromBuffer(fusedBack.dC, c.shape, c.dtype, act._backend);
      } else [dGates, dC] = lstmCellBackwardComposed(xg, hg, c, dh, dc);
      return [needs[0] ? dGates : null, needs[1] ? dGates : null, needs[2] ? dC : null];
    },
    [act, xg, hg, c],
  );
}

/** lstmCellFused's gradient in tensor ops (differentiable): d(gates) and d(c) from dh' and dc'. */
function lstmCellBackwardComposed(xg: Tensor, hg: Tensor, c: Tensor, dh: Tensor, dc: Tensor): [Tensor, Tensor] {
  const H = c.shape[c.ndim - 1];
  const d = xg.ndim - 1;
  const gates = xg.add(hg);
  const i = gates.narrow(d, 0, H).sigmoid();
  const f = gates.narrow(d, H, H).sigmoid();
  const g = gates.narrow(d, 2 * H, H).tanh();
  const o = gates.narrow(d, 3 * H, H).sigmoid();
  const tc = f.mul(c).add(i.mul(g)).tanh();
  const dct = dc.add(dh.mul(o).mul(oneMinus(tc.square())));
  const dGates = cat(
    [
      dct.mul(g).mul(i.mul(oneMinus(i))),
      dct.mul(c).mul(f.mul(oneMinus(f))),
      dct.mul(i).mul(oneMinus(g.square())),
      dh.mul(tc).mul(o.mul(oneMinus(o))),
    ],
    d,
  );
  return [dGates, dct.mul(f)];
}

/**
 * One GRU step's gate math: from xg = x·W_ihᵀ + b_ih and hg = h·W_hhᵀ + b_hh [B, 3H] (gates r, z, n) and h [B, H],
 * returns h' = (1 − z)·n + z·h with r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), as one op
 * (GRUCellBackward); null where the backend has no fused kernel for these tensors.
 */
export function gruCellFused(xg: Tensor, hg: Tensor, h: Tensor): Tensor | null {
  checkGates("gruCell", xg, hg, h, 3);
  const backend = xg._backend;
  if (!backend.gruCell || !sameBackend([xg, hg, h])) return null;
  const k = backend.gruCell(xg._view, hg._view, h._view);
  if (k === null) return null;
  const h2 = fromBuffer(k.h, h.shape, h.dtype, backend);
  const act = fromBuffer(k.act, xg.shape, h.dtype, backend);
  return record(
    "GRUCellBackward",
    h2,
    [xg, hg, h],
    ([dh], [act, xg, hg, h], needs) => {
      const fusedBack = isGradEnabled() ? null : act._backend.gruCellBackward?.(act._view, hg._view, h._view, dh._view);
      if (!fusedBack) return gruCellBackwardComposed(xg, hg, h, dh, needs);
      const b = act._backend;
      return [
        needs[0] ? fromBuffer(fusedBack.dXg, xg.shape, xg.dtype, b) : null,
        needs[1] ? fromBuffer(fusedBack.dHg, hg.shape, hg.dtype, b) : null,
        needs[2] ? fromBuffer(fusedBack.dH, h.shape, h.dtype, b) : null,
      ];
    },
    [act, xg, hg, h],
  );
}

/** gruCellFused's gradient in tensor ops (differentiable): d(xg), d(hg) and d(h) from dh'. */
function gruCellBackwardComposed(xg: Tensor, hg: Tensor, h: Tensor, dh: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const H = h.shape[h.ndim - 1];
  const d = xg.ndim - 1;
  const hn = hg.narrow(d, 2 * H, H);
  const r = xg
    .narrow(d, 0, H)
    .add(hg.narrow(d, 0, H))
    .sigmoid();
  const z = xg
    .narrow(d, H, H)
    .add(hg.narrow(d, H, H))
    .sigmoid();
  const n = xg
    .narrow(d, 2 * H, H)
    .add(r.mul(hn))
    .tanh();
  const dn = dh.mul(oneMinus(z)).mul(oneMinus(n.square()));
  const dz = dh.mul(h.sub(n)).mul(z.mul(oneMinus(z)));
  const dr = dn.mul(hn).mul(r.mul(oneMinus(r)));
  return [needs[0] ? cat([dr, dz, dn], d) : null, needs[1] ? cat([dr, dz, dn.mul(r)], d) : null, needs[2] ? dh.mul(z) : null];
}
