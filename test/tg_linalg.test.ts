import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useFakeWebGpu } from "./helpers/fake_webgpu.ts";
import { assertClose, tg } from "./helpers.ts";

// Expected values below were computed with PyTorch 2 (torch.linalg, float64) and pasted in. Eigenvectors and singular
// vectors are defined up to sign: each column (row of Vh) is flipped so its largest-magnitude entry is positive on both
// sides before comparing.

const f64 = (data: tg.NestedArray, requiresGrad = false) => tg.tensor(data, { dtype: "float64", requiresGrad });
const A = [
  [4, 1, 2],
  [1, 3, 0.5],
  [2, 0.5, 5],
];
const B = [
  [1, 2],
  [3, 4],
  [5, 6],
];
const X = [
  [1.0, 0.2, 0.3],
  [0.1, 2.0, 0.4],
  [0.2, -0.3, 1.5],
  [0.5, 0.1, 0.2],
];

/** Columns of the [m, k] matrix flipped so each one's largest-magnitude entry is positive. */
function normCols(t: tg.Tensor): tg.Tensor {
  const [m, k] = t.shape;
  const a = Array.from(t.toArray() as Float64Array);
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let r = 0; r < m; r++) if (Math.abs(a[r * k + c]) > Math.abs(a[best * k + c])) best = r;
    if (a[best * k + c] < 0) for (let r = 0; r < m; r++) a[r * k + c] = -a[r * k + c];
  }
  return tg.tensor(a, { dtype: "float64" }).reshape([m, k]);
}
const gradcheck = (f: (x: tg.Tensor) => tg.Tensor, x: tg.NestedArray) => assert.equal(tg.autograd.gradcheck(f, [f64(x, true)]), true);

describe("linalg: norms", () => {
  it("norm, matrixNorm, vectorNorm: PyTorch's values", () => {
    const x = f64(X);
    assertClose(tg.linalg.norm(x), 2.824889378365107);
    const cases: [tg.linalg.Ord | number, number][] = [
      ["fro", 2.824889378365107],
      ["nuc", 4.695856683447379],
      [1, 2.6],
      [-1, 1.8],
      [2, 2.0874802738894718],
      [-2, 0.9720644634164616],
      [Infinity, 2.5],
      [-Infinity, 0.8],
    ];
    for (const [ord, want] of cases) {
      assertClose(tg.linalg.norm(x, ord), want, { atol: 1e-10 });
      assertClose(tg.linalg.matrixNorm(x, ord), want, { atol: 1e-10 });
    }
    assertClose(tg.linalg.vectorNorm(x, 3, 0), [1.042807993465935, 2.0029955112163607, 1.5145255515285216]);
    assertClose(tg.linalg.vectorNorm(x, -1, 1, true), [
      [0.10714285714285714],
      [0.07692307692307693],
      [0.1111111111111111],
      [0.058823529411764705],
    ]);
    assertClose(tg.linalg.vectorNorm(x, { ord: 0 }), 12);
    assertClose(tg.linalg.vectorNorm(x, Infinity), 2);
    assertClose(tg.linalg.matrixNorm(tg.stack([x, x.mul(2)]), 2), [2.0874802738894718, 4.1749605477789435]);
    assertClose(tg.linalg.matrixNorm(x.reshape([2, 2, 3]), "fro", [0, 2], true), [[[1.8734993995195195], [2.1142374511865976]]]);
    assertClose(tg.linalg.norm(x.to("float32"), "nuc"), 4.695856683447379);
    assert.throws(() => tg.linalg.norm(x, "nuc", 0), tg.ShapeError);
    assert.throws(() => tg.linalg.matrixNorm(x, 3), tg.ArgumentError);
    assert.throws(() => tg.linalg.vectorNorm(x, { p: 2 } as never), /unknown option "p"/);
  });

  it("gradcheck: vectorNorm, matrix norms fro/nuc/1/2", () => {
    gradcheck((x) => tg.linalg.vectorNorm(x, 3, 1), X);
    gradcheck((x) => tg.linalg.norm(x, "fro"), X);
    gradcheck((x) => tg.linalg.norm(x, "nuc"), X);
    gradcheck((x) => tg.linalg.norm(x, 1), X);
    gradcheck((x) => tg.linalg.norm(x, 2), X);
  });
});

describe("linalg: det, slogdet, inv, solve", () => {
  it("forward values, batched, float64 and float32", () => {
    const a = f64(A);
    const ab = tg.stack([a, a.flip(0)]);
    assertClose(tg.linalg.det(ab), [44, -44], { atol: 1e-10 });
    assertClose(tg.linalg.det(ab.to("float32")), [44, -44], { atol: 1e-4 });
    const { sign, logabsdet } = tg.linalg.slogdet(ab);
    assertClose(sign, [1, -1]);
    assertClose(logabsdet, [3.7841896339182615, 3.7841896339182615], { atol: 1e-12 });
    const invA = [
      [0.3352272727272727, -0.09090909090909091, -0.125],
      [-0.09090909090909091, 0.36363636363636365, 0.0],
      [-0.125, 0.0, 0.25],
    ];
    assertClose(tg.linalg.inv(a), invA, { atol: 1e-12 });
    assertClose(tg.linalg.inv(a.to("float32")), invA);
    assert.equal(tg.linalg.inv(a.to("float32")).dtype, "float32");
    assertClose(
      tg.linalg.solve(a, f64(B)),
      [
        [-0.5625, -0.4431818181818182],
        [1.0, 1.2727272727272727],
        [1.125, 1.25],
      ],
      { atol: 1e-12 },
    );
    assertClose(tg.linalg.solve(a, f64([1, 2, 3])), [-0.22159090909090906, 0.6363636363636364, 0.625], { atol: 1e-12 });
    assertClose(
      tg.linalg.solve(
        f64(A),
        f64([
          [1, 2, 3],
          [3, 4, 5],
        ]),
        { left: false },
      ),
      [
        [-0.2215909090909091, 0.6363636363636364, 0.625],
        [0.01704545454545453, 1.1818181818181819, 0.875],
      ],
      { atol: 1e-12 },
    );
    // float32 in, float32 gradient out
    const a32 = tg.tensor(A, { requiresGrad: true });
    tg.linalg.det(a32).backward();
    assert.equal(a32.grad?.dtype, "float32");
    assertClose(
      a32.grad as tg.Tensor,
      [
        [14.75, -4.0, -5.5],
        [-4.0, 16.0, 0.0],
        [-5.5, 0.0, 11.0],
      ],
      { atol: 1e-4 },
    );
    // batch broadcast: one A against two right-hand sides
    const X2 = tg.linalg.solve(a, tg.stack([f64(B), f64(B).mul(2)]));
    assert.deepEqual(X2.shape, [2, 3, 2]);
    assertClose(
      X2.select(1, 0),
      [
        [-0.5625, -0.4431818181818182],
        [-1.125, -0.8863636363636364],
      ],
      { atol: 1e-12 },
    );
  });

  it("errors: non-square, singular, wrong arguments", () => {
    assert.throws(() => tg.linalg.det(f64(X)), tg.ShapeError);
    assert.throws(
      () =>
        tg.linalg.inv(
          f64([
            [1, 2],
            [2, 4],
          ]),
        ),
      /singular/,
    );
    assert.throws(() => tg.linalg.solve(f64(A), f64([[1, 2]])), tg.ShapeError);
    assert.throws(() => tg.linalg.solve(f64(A), f64(B), { left: 0 } as never), tg.ArgumentError);
    assert.throws(
      () =>
        tg.linalg.det(
          tg.tensor(
            [
              [1, 2],
              [3, 4],
            ],
            { dtype: "int32" },
          ),
        ),
      /float32 or float64/,
    );
  });

  it("gradcheck: det, slogdet, inv, solve (both arguments, vector and batched)", () => {
    gradcheck((x) => tg.linalg.det(x), A);
    // an exactly singular matrix (rank 2): the gradient is its cofactor matrix (PyTorch's create_graph path; its
    // plain backward gives zeros here)
    const S = [
      [1, 2, 1],
      [2, 4, 1],
      [0.5, 1, 3],
    ];
    gradcheck((x) => tg.linalg.det(x), S);
    const s = f64(S, true);
    const d = tg.linalg.det(s);
    d.backward();
    assertClose(d, 0);
    assertClose(
      s.grad as tg.Tensor,
      [
        [11, -5.5, 0],
        [-5, 2.5, 0],
        [-2, 1, 0],
      ],
      { atol: 1e-12 },
    );
    gradcheck((x) => tg.linalg.slogdet(x).logabsdet, A);
    gradcheck((x) => tg.linalg.inv(x), A);
    gradcheck((x) => tg.linalg.solve(x, f64(B)), A);
    gradcheck((b) => tg.linalg.solve(f64(A), b), B);
    gradcheck(
      (x) =>
        tg.linalg.solve(
          x,
          f64([
            [1, 2, 3],
            [3, 4, 5],
          ]),
          { left: false },
        ),
      A,
    );
    gradcheck((b) => tg.linalg.solve(f64(A), b), [1, 2, 3]);
    const ab = [A, A.map((r) => r.map((v) => v * 0.5 + 0.1))];
    gradcheck((x) => tg.linalg.det(x), ab);
    gradcheck((x) => tg.linalg.solve(x, f64(B)), ab);
  });
});

describe("linalg: cholesky, qr", () => {
  it("forward values", () => {
    const L = [
      [2.0, 0.0, 0.0],
      [0.5, 1.6583123951777, 0.0],
      [1.0, 0.0, 2.0],
    ];
    assertClose(tg.linalg.cholesky(f64(A)), L, { atol: 1e-12 });
    assertClose(tg.linalg.cholesky(f64(A), { upper: true }), f64(L).mT, { atol: 1e-12 });
    assertClose(tg.linalg.cholesky(f64(A).to("float32")), L);
    assert.throws(
      () =>
        tg.linalg.cholesky(
          f64([
            [1, 2],
            [2, 1],
          ]),
        ),
      /positive-definite/,
    );
    const { Q, R } = tg.linalg.qr(f64(X));
    // LAPACK's Householder signs, as PyTorch's
    assertClose(
      Q,
      [
        [-0.8770580193070294, 0.04985686696628422, 0.18187231009021784],
        [-0.08770580193070295, -0.982180279235799, -0.16614264215358043],
        [-0.1754116038614059, 0.17948472107862312, -0.9675365631296741],
        [-0.4385290096535147, 0.024928433483142116, 0.05649853350215016],
      ],
      { atol: 1e-12 },
    );
    assertClose(
      R,
      [
        [-1.1401754250991378, -0.34205262752974147, -0.6490229342872018],
        [0.0, -2.005741758053613, -0.10370228328987119],
        [0.0, 0.0, -1.4519005018284477],
      ],
      { atol: 1e-12 },
    );
    const wide = tg.linalg.qr(f64(X).mT);
    assert.deepEqual(
      [wide.Q.shape, wide.R.shape],
      [
        [3, 3],
        [3, 4],
      ],
    );
    assertClose(wide.Q.matmul(wide.R), f64(X).mT, { atol: 1e-12 });
    assert.throws(() => tg.linalg.qr(f64(X), "complete" as never), tg.ArgumentError);
  });

  it("gradcheck: cholesky (of X Xᵀ + I), qr (tall, square and wide), batched", () => {
    gradcheck((x) => tg.linalg.cholesky(x.matmul(x.mT).add(tg.eye(3, 3, { dtype: "float64" }))), A);
    gradcheck((x) => tg.linalg.cholesky(x.matmul(x.mT), { upper: true }), [A, A.map((r) => r.map((v) => v + 1))]);
    gradcheck((x) => {
      const { Q, R } = tg.linalg.qr(x);
      return tg.cat([Q.flatten(), R.flatten()]);
    }, X);
    gradcheck((x) => tg.linalg.qr(x).R, A);
    gradcheck(
      (x) => {
        const { Q, R } = tg.linalg.qr(x);
        return tg.cat([Q.flatten(), R.flatten()]);
      },
      X.slice(0, 2),
    );
  });
});

describe("linalg: eigh, svd", () => {
  it("eigh: eigenvalues ascending, eigenvectors up to sign", () => {
    const { eigenvalues, eigenvectors } = tg.linalg.eigh(f64(A));
    assertClose(eigenvalues, [2.0965216172967187, 3.0722239520050754, 6.831254430698205], { atol: 1e-12 });
    const V = f64([
      [-0.7167430662893416, -0.3257672733027812, -0.616567158200162],
      [0.5748726248246245, -0.7765018813719533, -0.25800444463819483],
      [0.3947161539048013, 0.5393704773814453, -0.7438270269195071],
    ]);
    assertClose(normCols(eigenvectors), normCols(V), { atol: 1e-10 });
    // only the lower (or upper) triangle is read
    const lowerOnly = f64(A).tril();
    assertClose(tg.linalg.eigh(lowerOnly).eigenvalues, eigenvalues, { atol: 1e-12 });
    assertClose(tg.linalg.eigh(f64(A).triu(), "U").eigenvalues, eigenvalues, { atol: 1e-12 });
    // batched: each matrix decomposed on its own; V diag(w) Vᵀ gives the inputs back
    const batch = tg.stack([
      f64(A),
      f64(A)
        .mul(-2)
        .add(tg.eye(3, 3, { dtype: "float64" })),
    ]);
    const eb = tg.linalg.eigh(batch);
    assertClose(eb.eigenvalues.select(0, 0), eigenvalues, { atol: 1e-12 });
    assertClose(eb.eigenvectors.mul(eb.eigenvalues.unsqueeze(-2)).matmul(eb.eigenvectors.mT), batch, { atol: 1e-12 });
    const e32 = tg.linalg.eigh(f64(A).to("float32"));
    assert.equal(e32.eigenvalues.dtype, "float32");
    assertClose(e32.eigenvalues, eigenvalues);
  });

  it("svd and svdvals: tall, wide, batched", () => {
    const { U, S, Vh } = tg.linalg.svd(f64(X), false);
    assertClose(S, [2.0874802738894713, 1.6363119461414455, 0.9720644634164618], { atol: 1e-12 });
    const Ut = f64([
      [0.22435524313745409, 0.3378507389914619, -0.8001972360810007],
      [0.9620925240216718, -0.19558451414255834, 0.1899959452278391],
      [0.09899426935706024, 0.8997033548174626, 0.42408136581008676],
      [0.11934334808779393, 0.1952881187393281, -0.3791317967909829],
    ]);
    const Vht = f64([
      [0.1916353550539522, 0.9347595639966337, 0.2991662551327755],
      [0.36415856971251015, -0.3507772930532126, 0.8627536304085889],
      [-0.911407936545587, 0.056390142712036684, 0.4076220369492202],
    ]);
    assertClose(normCols(U), normCols(Ut), { atol: 1e-10 });
    assertClose(normCols(Vh.mT), normCols(Vht.mT), { atol: 1e-10 });
    assertClose(U.mul(S.unsqueeze(0)).matmul(Vh), f64(X), { atol: 1e-12 });
    const wide = tg.linalg.svd(f64(X).mT, { fullMatrices: false });
    assert.deepEqual([wide.U.shape, wide.S.shape, wide.Vh.shape], [[3, 3], [3], [3, 4]]);
    assertClose(wide.S, [2.0874802738894718, 1.6363119461414453, 0.9720644634164615], { atol: 1e-12 });
    assertClose(tg.linalg.svdvals(tg.stack([f64(X), f64(X).mul(2)])).select(0, 1), S.mul(2), { atol: 1e-12 });
    assert.throws(() => tg.linalg.svd(f64(X)), /fullMatrices/);
    // rank-deficient: the left singular vector of the zero singular value is completed to an orthonormal U
    const rd = tg.linalg.svd(
      f64([
        [1, 2, 1],
        [2, 4, 1],
        [0.5, 1, 3],
      ]),
    );
    assertClose(rd.U.mT.matmul(rd.U), tg.eye(3, 3, { dtype: "float64" }), { atol: 1e-12 });
    assertClose(
      rd.U.mul(rd.S.unsqueeze(0)).matmul(rd.Vh),
      [
        [1, 2, 1],
        [2, 4, 1],
        [0.5, 1, 3],
      ],
      { atol: 1e-12 },
    );
    assertClose(tg.linalg.svd(f64(A)).S, tg.linalg.svdvals(f64(A)), { atol: 1e-12 });
  });

  it("gradcheck: eigh (of X + Xᵀ, sign-invariant losses), svd (tall, wide, square), svdvals", () => {
    const w = f64([[1, 2, 3]]);
    gradcheck((x) => tg.linalg.eigh(x.add(x.mT)).eigenvalues, A);
    gradcheck((x) => tg.linalg.eigh(x.add(x.mT)).eigenvectors.square().mul(w).sum(), A);
    const loss = (r: { U: tg.Tensor; S: tg.Tensor; Vh: tg.Tensor }) =>
      r.S.sum().add(r.U.matmul(r.Vh).square().sum()).add(r.U.square().mul(w).sum());
    gradcheck((x) => loss(tg.linalg.svd(x, false)), X);
    gradcheck(
      (x) => tg.linalg.svd(x, false).U.matmul(tg.linalg.svd(x, false).Vh),
      X.slice(0, 3).map((r) => [...r, 0.7]),
    );
    gradcheck((x) => loss(tg.linalg.svd(x)), A);
    gradcheck((x) => tg.linalg.svdvals(x), X);
  });
});

describe("linalg: devices", () => {
  it("an op on a tensor whose device is read asynchronously throws a DeviceError naming the op", () => {
    useFakeWebGpu();
    const before = tg.getBackend().name;
    tg.setBackend("cpu");
    try {
      const a = f64(A).to("webgpu");
      assert.throws(
        () => tg.linalg.det(a),
        (e: unknown) => e instanceof tg.DeviceError && /linalg\.det/.test(e.message),
      );
      assert.throws(
        () => tg.linalg.eigh(a),
        (e: unknown) => e instanceof tg.DeviceError && /linalg\.eigh/.test(e.message),
      );
      assert.throws(
        () => tg.linalg.norm(a, 2),
        (e: unknown) => e instanceof tg.DeviceError && /linalg\.norm/.test(e.message),
      );
    } finally {
      tg.setBackend(before);
    }
  });
});
