import assert from "node:assert/strict";
import { it } from "node:test";
import { chooseTile, TILE_LARGE, TILE_MEDIUM, TILE_SMALL, tilesFor } from "../src/backend/webgpu/gemm.js";
import { tileLoad } from "../src/backend/webgpu/matmul.js";
import { tg } from "./helpers.js";
import { describeWebgpu, fromWebgpu, toWebgpu } from "./helpers_webgpu.js";

// The tiled GEMM of the webgpu device (and addmm, its fused bias) against the CPU backend in float64: odd sizes that
// leave partial tiles, transposed and strided views (each way of loading a tile: vec4 along either dim, scalar along
// either), batches with broadcast dims, empty products, and each tile size.

type Fn = (...xs: tg.Tensor[]) => tg.Tensor;

let seed = 1;

/** Runs `fn` on the GPU and on the CPU in float64 over the same random inputs; the tolerance grows with `k`. */
async function check(fn: Fn, shapes: number[][], k: number): Promise<void> {
  const g = new tg.Generator(seed++);
  const xs = shapes.map((s) => tg.randn(s, { generator: g }));
  const expected = fn(...xs.map((x) => x.double()));
  const actual = await fromWebgpu(fn(...xs.map(toWebgpu)));
  assert.deepEqual([...actual.shape], [...expected.shape]);
  assert.equal(actual.dtype, "float32");
  const a = actual.toArray();
  const e = expected.toArray();
  const tol = 1e-5 + 2e-6 * k;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(Number(a[i]) - Number(e[i]));
    if (!(d <= tol + 1e-5 * Math.abs(Number(e[i])))) assert.fail(`element ${i} of ${e.length}: got ${a[i]}, expected ${e[i]} (k = ${k})`);
  }
}

const ODD: [number, number, number][] = [
  [1, 1, 1],
  [1, 3, 17],
  [3, 17, 1],
  [17, 63, 65],
  [65, 17, 63],
  [63, 65, 130],
  [130, 3, 17],
];
/** Multiples of 4: the vec4 loads and stores. */
const ALIGNED: [number, number, number][] = [
  [4, 4, 4],
  [64, 64, 64],
  [68, 36, 132],
];

describeWebgpu("webgpu matmul", () => {
  for (const [m, k, n] of [...ODD, ...ALIGNED]) {
    it(`${m}x${k} @ ${k}x${n}: plain, a.mT, b.mT and both`, async () => {
      await check(
        (a, b) => a.matmul(b),
        [
          [m, k],
          [k, n],
        ],
        k,
      );
      await check(
        (a, b) => a.mT.matmul(b),
        [
          [k, m],
          [k, n],
        ],
        k,
      );
      await check(
        (a, b) => a.matmul(b.mT),
        [
          [m, k],
          [n, k],
        ],
        k,
      );
      await check(
        (a, b) => a.mT.matmul(b.mT),
        [
          [k, m],
          [n, k],
        ],
        k,
      );
    });
  }

  it("strided views: steps, offsets (aligned and not), columns of a wider matrix", async () => {
    await check(
      (a, b) => a.get("::2, 1:").matmul(b.get(":, ::3")),
      [
        [35, 18],
        [17, 40],
      ],
      17,
    );
    // Offset 24 with a row stride of 20: still vec4 loads along k; offset 21: scalar loads.
    await check(
      (a, b) => a.get("1:, 4:").matmul(b),
      [
        [9, 20],
        [16, 12],
      ],
      16,
    );
    await check(
      (a, b) => a.get("1:, 1:").matmul(b.get("1:, 1:")),
      [
        [9, 17],
        [17, 13],
      ],
      16,
    );
    await check(
      (a, b) => a.get(":, 2:18").matmul(b.get("2:18, 4:12")),
      [
        [33, 40],
        [20, 16],
      ],
      16,
    );
    await check(
      (a, b) => a.get("::2").mT.matmul(b.get("::2").mT),
      [
        [34, 12],
        [10, 17],
      ],
      17,
    );
  });

  it("batched, with broadcast batch dims and transposed batches", async () => {
    await check(
      (a, b) => a.matmul(b),
      [
        [3, 17, 20],
        [3, 20, 9],
      ],
      20,
    );
    await check(
      (a, b) => a.matmul(b),
      [
        [2, 3, 17, 20],
        [20, 9],
      ],
      20,
    );
    await check(
      (a, b) => a.matmul(b),
      [
        [2, 1, 17, 20],
        [1, 4, 20, 12],
      ],
      20,
    );
    await check(
      (a, b) => a.mT.matmul(b.mT),
      [
        [5, 16, 12],
        [5, 8, 16],
      ],
      16,
    );
    await check(
      (a, b) => a.expand([4, 13, 6]).matmul(b),
      [
        [1, 13, 6],
        [4, 6, 7],
      ],
      6,
    );
    await check(
      (a, b) => a.permute([1, 0, 2]).matmul(b),
      [
        [7, 3, 8],
        [3, 8, 5],
      ],
      8,
    );
  });

  it("each tile size: 128 batches of 128x128 (large tiles), 32 (medium), 2 (small)", async () => {
    await check(
      (a, b) => a.matmul(b),
      [
        [128, 128, 8],
        [128, 8, 128],
      ],
      8,
    );
    await check(
      (a, b) => a.matmul(b.mT),
      [
        [32, 128, 24],
        [32, 128, 24],
      ],
      24,
    );
    await check(
      (a, b) => a.mT.matmul(b),
      [
        [2, 24, 128],
        [2, 24, 128],
      ],
      24,
    );
  });

  it("256 to 512", async () => {
    await check(
      (a, b) => a.matmul(b),
      [
        [256, 300],
        [300, 512],
      ],
      300,
    );
    await check(
      (a, b) => a.matmul(b.mT),
      [
        [512, 256],
        [260, 256],
      ],
      256,
    );
  });

  it("empty: k = 0 gives zeros (and addmm the bias), m or n = 0 gives an empty result", async () => {
    const z = await fromWebgpu(toWebgpu(tg.ones([3, 0])).matmul(toWebgpu(tg.ones([0, 4]))));
    assert.deepEqual(z.tolist(), [
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    const b = await fromWebgpu(
      tg.nn.functional.linear(toWebgpu(tg.ones([2, 0])), toWebgpu(tg.ones([3, 0])), toWebgpu(tg.tensor([1, 2, 3]))),
    );
    assert.deepEqual(b.tolist(), [
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const m0 = await fromWebgpu(toWebgpu(tg.ones([0, 5])).matmul(toWebgpu(tg.ones([5, 3]))));
    assert.deepEqual([...m0.shape], [0, 3]);
    const n0 = await fromWebgpu(toWebgpu(tg.ones([2, 4, 5])).matmul(toWebgpu(tg.ones([5, 0]))));
    assert.deepEqual([...n0.shape], [2, 4, 0]);
  });

  it("addmm (linear with a bias): bias added in the epilogue, odd and aligned sizes, strided bias and weight", async () => {
    const linear = tg.nn.functional.linear;
    for (const [m, k, n] of [
      [1, 1, 1],
      [17, 63, 65],
      [64, 64, 64],
      [130, 65, 12],
    ] as const) {
      await check((x, w, b) => linear(x, w, b), [[m, k], [n, k], [n]], k);
    }
    await check((x, w, b) => linear(x.get(":, 1:"), w.mT, b.get("::2")), [[20, 9], [8, 33], [66]], 8);
    await check((x, w, b) => linear(x, w, b), [[3, 5, 12], [7, 12], [7]], 12);
  });

  it("int32 products (one invocation per output) stay exact", async () => {
    const a = tg.tensor(
      [
        [1, -2, 3],
        [4, 5, -6],
      ],
      { dtype: "int32" },
    );
    const b = tg.tensor(
      [
        [7, 8],
        [9, -10],
        [11, 12],
      ],
      { dtype: "int32" },
    );
    const y = await fromWebgpu(toWebgpu(a).matmul(toWebgpu(b)));
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.tolist(), a.matmul(b).tolist());
  });
});

it("the tile follows the device's limits and the product's size", () => {
  const wide = { maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256 };
  const tiles = tilesFor(wide);
  assert.deepEqual(tiles, [TILE_LARGE, TILE_MEDIUM, TILE_SMALL]);
  assert.equal(chooseTile(tiles, 1, 4096, 4096), TILE_LARGE);
  assert.equal(chooseTile(tiles, 1, 1024, 1024), TILE_MEDIUM);
  assert.equal(chooseTile(tiles, 1, 128, 256), TILE_SMALL);
  assert.equal(chooseTile(tiles, 128, 128, 128), TILE_LARGE);
  // 64 invocations a workgroup: only the small tile; too little workgroup memory for any tile: none (the simple kernel).
  const few = { maxComputeWorkgroupStorageSize: 8192, maxComputeInvocationsPerWorkgroup: 64, maxComputeWorkgroupSizeX: 64 };
  assert.deepEqual(tilesFor(few), [TILE_SMALL]);
  assert.equal(chooseTile(tilesFor(few), 1, 4096, 4096), TILE_SMALL);
  assert.equal(chooseTile(tilesFor({ ...few, maxComputeWorkgroupStorageSize: 1024 }), 1, 64, 64), null);
});

it("vec4 loads where the operand is contiguous along the loaded dim and aligned, scalar loads elsewhere", () => {
  // A of [m=8, k=12]: row-major (vec4 along k), its transpose's view (vec4 along m), then misaligned or odd forms.
  assert.equal(tileLoad(8, 12, 12, 1, 0, []), "vecK");
  assert.equal(tileLoad(8, 1, 12, 8, 0, []), "vecOther");
  assert.equal(tileLoad(8, 12, 12, 1, 4, [96]), "vecK");
  assert.equal(tileLoad(8, 12, 12, 1, 1, []), "k");
  assert.equal(tileLoad(8, 12, 12, 1, 0, [98]), "k");
  assert.equal(tileLoad(8, 13, 13, 1, 0, []), "k");
  assert.equal(tileLoad(7, 1, 12, 7, 0, []), "other");
  assert.equal(tileLoad(8, 24, 12, 2, 0, []), "k");
  assert.equal(tileLoad(8, 2, 12, 24, 0, []), "other");
});
