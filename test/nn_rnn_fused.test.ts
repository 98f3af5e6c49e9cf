import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { cpuBackend } from "../src/backend/cpu/index.ts";
import { getKernels } from "../src/backend/wasm/module.ts";
import { wasmGruCell, wasmLstmCell } from "../src/backend/wasm/rnn_cell.ts";
import { gruCellFused, lstmCellFused, unbindSteps } from "../src/nn/modules/rnn_fused.ts";
import { assertClose, tg } from "./helpers.ts";

// The fused LSTM/GRU cell ops (one op per step on backends with the kernels) against the composed gate math, their
// gradients (gradcheck in float64; gradgradcheck for the tensor-op backward used under createGraph), and whole layers
// with the fused kernels against a backend without them (the composed path WebGPU takes).

const f64 = (shape: number[]) => tg.randn(shape, { dtype: "float64" }).requiresGrad_(true);
const tight = { atol: 1e-12, rtol: 1e-10 };

/** The composed LSTM gate math (rnn_math.ts's fallback), written out. */
function lstmComposed(xg: tg.Tensor, hg: tg.Tensor, c: tg.Tensor): [tg.Tensor, tg.Tensor] {
  const H = c.shape[1];
  const g = xg.add(hg);
  const i = g.narrow(1, 0, H).sigmoid();
  const f = g.narrow(1, H, H).sigmoid();
  const gg = g.narrow(1, 2 * H, H).tanh();
  const o = g.narrow(1, 3 * H, H).sigmoid();
  const c2 = f.mul(c).add(i.mul(gg));
  return [o.mul(c2.tanh()), c2];
}

function gruComposed(xg: tg.Tensor, hg: tg.Tensor, h: tg.Tensor): tg.Tensor {
  const H = h.shape[1];
  const r = xg
    .narrow(1, 0, H)
    .add(hg.narrow(1, 0, H))
    .sigmoid();
  const z = xg
    .narrow(1, H, H)
    .add(hg.narrow(1, H, H))
    .sigmoid();
  const n = xg
    .narrow(1, 2 * H, H)
    .add(r.mul(hg.narrow(1, 2 * H, H)))
    .tanh();
  return oneMinusZ(z).mul(n).add(z.mul(h));
}
const oneMinusZ = (z: tg.Tensor) => z.neg().add(1);

/** Gradients of sum(w_k · out_k) with respect to `ins`, for fixed random weights `ws`. */
function grads(outs: tg.Tensor[], ins: tg.Tensor[], ws: tg.Tensor[]): tg.Tensor[] {
  const loss = outs.map((o, k) => o.mul(ws[k]).sum()).reduce((a, b) => a.add(b));
  return tg.autograd.grad([loss], ins).map((g) => g as tg.Tensor);
}

describe("fused LSTM cell", () => {
  it("matches the composed gate math, values and gradients (float64)", () => {
    tg.manualSeed(1);
    const [B, H] = [3, 5];
    const ins = [f64([B, 4 * H]).mul(2), f64([B, 4 * H]), f64([B, H])].map((t) => t.detach().requiresGrad_(true));
    const fused = lstmCellFused(ins[0], ins[1], ins[2]);
    assert.ok(fused, "the CPU backends have the fused kernel");
    const ref = lstmComposed(ins[0], ins[1], ins[2]);
    assertClose(fused[0], ref[0], tight);
    assertClose(fused[1], ref[1], tight);
    const ws = [tg.randn([B, H], { dtype: "float64" }), tg.randn([B, H], { dtype: "float64" })];
    const gf = grads(fused, ins, ws);
    const gr = grads(ref, ins, ws);
    gf.forEach((g, k) => {
      assertClose(g, gr[k], tight);
    });
  });

  it("passes gradcheck and gradgradcheck in float64 (through h' and c')", () => {
    tg.manualSeed(2);
    const ins = [f64([2, 12]), f64([2, 12]), f64([2, 3])];
    const fn = (xg: tg.Tensor, hg: tg.Tensor, c: tg.Tensor) => lstmCellFused(xg, hg, c) as tg.Tensor[];
    assert.ok(tg.autograd.gradcheck(fn, ins));
    assert.ok(tg.autograd.gradgradcheck(fn, ins));
  });

  it("takes strided views and rejects gates that do not match the state", () => {
    tg.manualSeed(3);
    const wide = tg.randn([4, 2, 8], { dtype: "float64" });
    const xg = wide.select(1, 0); // rows two apart
    const hg = tg.randn([4, 8], { dtype: "float64" }).flip(1);
    const c = tg.randn([2, 4], { dtype: "float64" }).T;
    const fused = lstmCellFused(xg, hg, c) as tg.Tensor[];
    const ref = lstmComposed(xg, hg, c);
    assertClose(fused[0], ref[0], tight);
    assertClose(fused[1], ref[1], tight);
    assert.throws(() => lstmCellFused(tg.randn([4, 7]), tg.randn([4, 7]), tg.randn([4, 2])), /lstmCell: gates \[4, 7\]/);
  });
});

describe("fused GRU cell", () => {
  it("matches the composed gate math, values and gradients (float64)", () => {
    tg.manualSeed(4);
    const [B, H] = [3, 5];
    const ins = [f64([B, 3 * H]), f64([B, 3 * H]), f64([B, H])];
    const fused = gruCellFused(ins[0], ins[1], ins[2]);
    assert.ok(fused, "the CPU backends have the fused kernel");
    const ref = gruComposed(ins[0], ins[1], ins[2]);
    assertClose(fused, ref, tight);
    const ws = [tg.randn([B, H], { dtype: "float64" })];
    const gf = grads([fused], ins, ws);
    const gr = grads([ref], ins, ws);
    gf.forEach((g, k) => {
      assertClose(g, gr[k], tight);
    });
  });

  it("passes gradcheck and gradgradcheck in float64", () => {
    tg.manualSeed(5);
    const ins = [f64([2, 9]), f64([2, 9]), f64([2, 3])];
    const fn = (xg: tg.Tensor, hg: tg.Tensor, h: tg.Tensor) => gruCellFused(xg, hg, h) as tg.Tensor;
    assert.ok(tg.autograd.gradcheck(fn, ins));
    assert.ok(tg.autograd.gradgradcheck(fn, ins));
  });
});

describe("WASM SIMD cell kernels (float32)", () => {
  /** Same length, and within a few float32 ulp of values in [-1, 1] (the SIMD exp and tanh are a few ulp off). */
  const near = (a: object, b: object, what: string) => {
    const [x, y] = [a as Float32Array, b as Float32Array];
    assert.equal(x.length, y.length, what);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) < 2e-6, `${what}[${i}]: ${x[i]} vs ${y[i]}`);
  };
  // Rows of H = 130 (32 four-lane blocks and a tail of 2) and of H = 3 (tail only), with inputs large enough to saturate.
  for (const [rows, H] of [
    [8, 130],
    [200, 3],
  ]) {
    it(`agree with the CPU reference kernels, [${rows}, ${H}]`, () => {
      tg.manualSeed(7);
      const xg = tg.randn([rows, 4 * H]).mul(4);
      const hg = tg.randn([rows, 4 * H]);
      const c = tg.randn([rows, H]).mul(3);
      const k = getKernels();
      assert.ok(k, "Node runs WebAssembly SIMD");
      const w = wasmLstmCell(k, xg._view, hg._view, c._view);
      const r = cpuBackend.lstmCell?.(xg._view, hg._view, c._view);
      assert.ok(w && r, "the WASM kernel handles these");
      for (const k of ["h", "c", "act"] as const) near(w[k], r[k], k);
      const x3 = xg.narrow(1, 0, 3 * H);
      const h3 = hg.narrow(1, 0, 3 * H).contiguous();
      const gw = wasmGruCell(k, x3._view, h3._view, c._view);
      const gr = cpuBackend.gruCell?.(x3._view, h3._view, c._view);
      assert.ok(gw && gr);
      for (const k of ["h", "act"] as const) near(gw[k], gr[k], k);
    });
  }
});

describe("unbindSteps", () => {
  it("gives the steps as views and stacks their gradients (missing ones as zeros)", () => {
    const x = tg.arange(0, 6, 1, { dtype: "float64" }).reshape([3, 2]).requiresGrad_(true);
    const steps = unbindSteps(x);
    assert.deepEqual(
      steps.map((s) => s.tolist()),
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
    );
    steps[0].mul(2).add(steps[2].mul(3)).sum().backward();
    assert.deepEqual((x.grad as tg.Tensor).tolist(), [
      [2, 2],
      [0, 0],
      [3, 3],
    ]);
  });
});

describe("layers with and without the fused kernels", () => {
  // The CPU reference backend less its fused cell kernels: the composed path, as on WebGPU.
  const { lstmCell: _l, lstmCellBackward: _lb, gruCell: _g, gruCellBackward: _gb, ...rest } = cpuBackend;
  tg.registerBackend({ ...rest, name: "cpu-unfused" });
  const prev = tg.getBackend().name;
  after(() => tg.setBackend(prev));

  /** Output, final states and every gradient of a layer on `backend`, from the same parameters and input. */
  function run(kind: "LSTM" | "GRU", backend: string, opts: Record<string, unknown>): tg.Tensor[] {
    tg.setBackend(backend);
    tg.manualSeed(6);
    const m = kind === "LSTM" ? new tg.nn.LSTM(3, 4, { dtype: "float64", ...opts }) : new tg.nn.GRU(3, 4, { dtype: "float64", ...opts });
    const x = tg.randn([5, 2, 3], { dtype: "float64" }).requiresGrad_(true);
    const [out, st] = m instanceof tg.nn.LSTM ? m(x) : m(x);
    const states = Array.isArray(st) ? st : [st];
    const loss = [out, ...states]
      .map((t, k) =>
        t
          .mul(k + 1)
          .sin()
          .sum(),
      )
      .reduce((a, b) => a.add(b));
    loss.backward();
    return [out, ...states, x.grad as tg.Tensor, ...m.parameters().map((p) => p.grad as tg.Tensor)];
  }

  it("the cells take the fused op where the backend has the kernels, the composed ops where not", () => {
    for (const [backend, lstm, gru] of [
      ["cpu", "LSTMCellBackward", "GRUCellBackward"],
      ["cpu-unfused", "AddBackward0", "AddBackward0"],
    ]) {
      tg.setBackend(backend);
      const x = tg.randn([2, 3]);
      assert.equal(new tg.nn.LSTMCell(3, 4)(x)[1].gradFn?.name, lstm);
      assert.equal(new tg.nn.GRUCell(3, 4)(x).gradFn?.name, gru);
    }
  });

  it("a whole LSTM and GRU layer pass gradgradcheck (float64)", () => {
    tg.setBackend("cpu");
    tg.manualSeed(8);
    const lstm = new tg.nn.LSTM(2, 2, { dtype: "float64" });
    const gru = new tg.nn.GRU(2, 2, { dtype: "float64" });
    const x = f64([3, 1, 2]);
    assert.ok(tg.autograd.gradgradcheck((x) => lstm(x)[0], [x]));
    assert.ok(tg.autograd.gradgradcheck((x) => gru(x)[0], [x]));
  });

  for (const kind of ["LSTM", "GRU"] as const) {
    for (const opts of [{}, { numLayers: 2, bidirectional: true }, ...(kind === "LSTM" ? [{ projSize: 2 }] : [])]) {
      it(`${kind} ${JSON.stringify(opts)}: fused and composed agree (float64)`, () => {
        const fused = run(kind, "cpu", opts);
        const composed = run(kind, "cpu-unfused", opts);
        assert.equal(fused.length, composed.length);
        fused.forEach((t, k) => {
          assertClose(t, composed[k], tight);
        });
      });
    }
  }
});
