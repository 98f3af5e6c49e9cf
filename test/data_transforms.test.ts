import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, assertEqual, checkGrads, tg } from "./helpers.ts";

const T = tg.data.transforms;

/** [1, 3, 4] float32: 0..11 row by row. */
const img = () => tg.arange(12).reshape([1, 3, 4]).float();

describe("transforms.Normalize (torchvision.transforms.Normalize)", () => {
  it("(x - mean[c]) / std[c] on NCHW and CHW, torch's numbers", () => {
    const x = tg.arange(24).reshape([2, 3, 2, 2]).float().div(10);
    const norm = new T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    // torch: (x - mean.view(-1, 1, 1)) / std.view(-1, 1, 1), float32
    assertClose(norm(x), [
      [
        [
          [-2.1179039478302, -1.6812227964401245],
          [-1.2445416450500488, -0.807860255241394],
        ],
        [
          [-0.2499999701976776, 0.1964285671710968],
          [0.6428572535514832, 1.0892856121063232],
        ],
        [
          [1.7511112689971924, 2.1955554485321045],
          [2.640000104904175, 3.084444522857666],
        ],
      ],
      [
        [
          [3.1222708225250244, 3.5589516162872314],
          [3.9956328868865967, 4.432314395904541],
        ],
        [
          [5.107142925262451, 5.553571701049805],
          [5.999999523162842, 6.446428298950195],
        ],
        [
          [7.084444522857666, 7.528888702392578],
          [7.973333835601807, 8.417778015136719],
        ],
      ],
    ]);
    assert.equal(norm(x).dtype, "float32");
    // one mean and std for every channel, as a one-element list or a number
    const expected = [
      [
        [-2.0, -1.600000023841858],
        [-1.2000000476837158, -0.7999999523162842],
      ],
      [
        [-0.3999999761581421, 0.0],
        [0.40000009536743164, 0.7999999523162842],
      ],
      [
        [1.2000000476837158, 1.5999999046325684],
        [2.0, 2.4000000953674316],
      ],
    ];
    assertClose(new T.Normalize([0.5], [0.25])(x.get(0)), expected);
    assertClose(new T.Normalize(0.5, 0.25)(x.get(0)), expected);
    assert.equal(new T.Normalize([0.5, 0.5], [0.2, 0.3]).toString(), "Normalize(mean=[0.5, 0.5], std=[0.2, 0.3])");
  });

  it("inplace overwrites the input; otherwise it is untouched", () => {
    const x = tg.full([1, 1, 2], 2);
    const y = new T.Normalize([0.5], [0.5])(x);
    assert.deepEqual(x.tolist(), [[[2, 2]]]);
    assert.deepEqual(y.tolist(), [[[3, 3]]]);
    const z = new T.Normalize([0.5], [0.5], true)(x);
    assert.equal(z, x, "returns its input");
    assert.deepEqual(x.tolist(), [[[3, 3]]]);
    new T.Normalize([0.5], [0.5], { inplace: true })(x);
    assert.deepEqual(x.tolist(), [[[5, 5]]]);
  });

  it("gradient (gradcheck, float64)", () => {
    const norm = new T.Normalize([0.1, -0.2, 0.3], [0.5, 2, 1.5]);
    checkGrads((x) => norm(x), [[2, 3, 2, 2]]);
  });

  it("errors: int images, too few dims, channel counts, zero std, unknown options", () => {
    const norm = new T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
    assert.throws(() => norm(tg.ones([3, 2, 2], { dtype: "int32" })), {
      name: "DTypeError",
      message: /expected a float tensor, got int32/,
    });
    assert.throws(() => norm(tg.ones([3, 2])), { name: "ShapeError", message: /\[\.\.\., C, H, W\], got \[3, 2\]/ });
    assert.throws(() => norm(tg.ones([2, 2, 2])), /mean has 3 values for an image of 2 channels/);
    assert.throws(() => new T.Normalize([0], [0])(tg.ones([1, 1, 1])), /std evaluated to zero after conversion to float32/);
    assert.throws(() => new T.Normalize([0], [1e-50])(tg.ones([1, 1, 1])), /std evaluated to zero/);
    assert.doesNotThrow(() => new T.Normalize([0], [1e-50])(tg.ones([1, 1, 1], { dtype: "float64" })));
    assert.throws(() => new T.Normalize([0.5], [0.5], { inPlace: true } as never), /unknown option "inPlace" \(did you mean "inplace"\?\)/);
    assert.throws(() => new T.Normalize([], [1]), tg.ArgumentError);
    assert.throws(() => new (T.Normalize as unknown as new (m: unknown) => unknown)([0.5]), /missing required argument "std"/);
  });
});

describe("transforms.ToTensor (torchvision.transforms.ToTensor)", () => {
  it("HWC bytes → CHW float32 / 255", () => {
    // a 2×2 RGB image: pixel (r, c) = [10r + c, 100 + 10r + c, 255]
    const data = new Uint8Array([0, 100, 255, 1, 101, 255, 10, 110, 255, 11, 111, 255]);
    const t = new T.ToTensor()({ data, width: 2, height: 2, channels: 3 });
    assert.equal(t.dtype, "float32");
    assert.deepEqual(t.shape, [3, 2, 2]);
    const f = (v: number) => Math.fround(v / 255);
    assert.deepEqual(t.tolist(), [
      [
        [f(0), f(1)],
        [f(10), f(11)],
      ],
      [
        [f(100), f(101)],
        [f(110), f(111)],
      ],
      [
        [1, 1],
        [1, 1],
      ],
    ]);
    // torch.arange(256, dtype=torch.uint8).float().div(255)[[1, 7, 128, 254]]
    const all = new T.ToTensor()({ data: Uint8Array.from({ length: 256 }, (_, i) => i), shape: [1, 256] });
    assert.deepEqual(
      [1, 7, 128, 254].map((i) => all.get(0, 0, i).item()),
      [0.003921568859368563, 0.027450980618596077, 0.501960813999176, 0.9960784316062927],
    );
  });

  it("ImageData-like RGBA gives 4 channels; channels inferred; HW arrays give one channel; floats keep their values", () => {
    const rgba = { data: new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 51]), width: 2, height: 1 };
    assertClose(new T.ToTensor()(rgba), [[[1, 0]], [[0, 1]], [[0, 0]], [[1, 0.2]]]);
    assertClose(new T.ToTensor()({ data: new Uint8Array([0, 51, 102]), shape: [3, 1] }), [[[0], [0.2], [0.4]]]);
    const f = new T.ToTensor()({ data: new Float64Array([1.5, -2, 3, 4]), shape: [1, 2, 2] });
    assert.equal(f.dtype, "float64");
    assert.deepEqual(f.tolist(), [[[1.5, 3]], [[-2, 4]]]);
    assert.equal(new T.ToTensor()({ data: new Float32Array([7]), shape: [1, 1] }).dtype, "float32");
  });

  it("refuses what it cannot read, naming what is wrong", () => {
    const toTensor = new T.ToTensor();
    assert.throws(
      () => toTensor({ data: new Uint8Array(5), width: 2, height: 2, channels: 1 }),
      /a 2×2 image with 1 channels has 4 bytes, but data has 5/,
    );
    assert.throws(() => toTensor({ data: new Uint8Array(5), width: 2, height: 2 }), /channels must be a positive integer, got 1\.25/);
    assert.throws(() => toTensor({ data: new Uint8Array(4), width: -2, height: 2 }), /width and height must be non-negative integers/);
    assert.throws(() => toTensor({ data: new Uint8Array(4), shape: [2, 3] }), /shape \[2, 3\] holds 6 values, but data has 4/);
    assert.throws(() => toTensor({ data: new Uint8Array(4), shape: [4] }), /shape must be \[height, width\]/);
    assert.throws(
      () => toTensor({ data: new Float32Array(4), width: 2, height: 2 } as never),
      /data must be a Uint8Array or Uint8ClampedArray/,
    );
    assert.throws(() => toTensor({ data: new Int16Array(4), shape: [2, 2] } as never), /data must be a Uint8Array/);
    assert.throws(() => toTensor(tg.ones([2, 2, 3]) as never), /got a Tensor \(it is already one\)/);
    assert.throws(() => toTensor(null as never), /pic should be image bytes/);
    assert.throws(() => new T.ToTensor({ scale: 1 } as never), tg.ArgumentError);
  });
});

describe("transforms.RandomCrop and CenterCrop", () => {
  it("padding modes as torchvision's (constant fill, edge, reflect, symmetric), torch's/numpy's numbers", () => {
    // padding [left, top, right, bottom] = [2, 1, 0, 2]; a crop of the padded size draws nothing and returns it all
    const padded = (mode: "constant" | "edge" | "reflect" | "symmetric", fill = 0) =>
      new T.RandomCrop([6, 6], [2, 1, 0, 2], false, fill, mode)(img()).tolist();
    // torch.nn.functional.pad(img, [2, 0, 1, 2], value=7)
    assert.deepEqual(padded("constant", 7), [
      [
        [7, 7, 7, 7, 7, 7],
        [7, 7, 0, 1, 2, 3],
        [7, 7, 4, 5, 6, 7],
        [7, 7, 8, 9, 10, 11],
        [7, 7, 7, 7, 7, 7],
        [7, 7, 7, 7, 7, 7],
      ],
    ]);
    // mode="replicate"
    assert.deepEqual(padded("edge"), [
      [
        [0, 0, 0, 1, 2, 3],
        [0, 0, 0, 1, 2, 3],
        [4, 4, 4, 5, 6, 7],
        [8, 8, 8, 9, 10, 11],
        [8, 8, 8, 9, 10, 11],
        [8, 8, 8, 9, 10, 11],
      ],
    ]);
    // mode="reflect"
    assert.deepEqual(padded("reflect"), [
      [
        [6, 5, 4, 5, 6, 7],
        [2, 1, 0, 1, 2, 3],
        [6, 5, 4, 5, 6, 7],
        [10, 9, 8, 9, 10, 11],
        [6, 5, 4, 5, 6, 7],
        [2, 1, 0, 1, 2, 3],
      ],
    ]);
    // numpy.pad(img, ((0, 0), (1, 2), (2, 0)), mode="symmetric")
    assert.deepEqual(padded("symmetric"), [
      [
        [1, 0, 0, 1, 2, 3],
        [1, 0, 0, 1, 2, 3],
        [5, 4, 4, 5, 6, 7],
        [9, 8, 8, 9, 10, 11],
        [9, 8, 8, 9, 10, 11],
        [5, 4, 4, 5, 6, 7],
      ],
    ]);
    // one number pads every side; two are [left/right, top/bottom]
    assert.deepEqual(new T.RandomCrop([5, 6], { padding: 1 })(img()).shape, [1, 5, 6]);
    assert.deepEqual(new T.RandomCrop([7, 6], { padding: [1, 2] })(img()).get(0, 1).tolist(), [0, 0, 0, 0, 0, 0]);
    assert.throws(
      () => new T.RandomCrop(2, { padding: 3, paddingMode: "reflect" })(img()),
      /reflect padding of \(3, 3\) is too large for a dimension of size 3/,
    );
    assert.doesNotThrow(() => new T.RandomCrop(2, { padding: 3, paddingMode: "symmetric" })(img()));
  });

  it("crop positions come from the generator: reproducible with a seed, each window as likely", () => {
    const x = tg
      .arange(5 * 6)
      .reshape([1, 5, 6])
      .float();
    const crop = (seed: number) => new T.RandomCrop([2, 3], { generator: new tg.Generator(seed) })(x);
    assert.deepEqual(crop(7).tolist(), crop(7).tolist());
    // the crop is the window getParams draws from the same seed: top first, then left
    for (const seed of [1, 2, 3]) {
      const [i, j, h, w] = T.RandomCrop.getParams(x, [2, 3], new tg.Generator(seed));
      assert.deepEqual([h, w], [2, 3]);
      assert.deepEqual(crop(seed).tolist(), x.get(`:, ${i}:${i + 2}, ${j}:${j + 3}`).tolist());
    }
    // tg.manualSeed seeds the default generator
    tg.manualSeed(3);
    const a = new T.RandomCrop([2, 3])(x).tolist();
    tg.manualSeed(3);
    assert.deepEqual(new T.RandomCrop([2, 3])(x).tolist(), a);
    // 4 tops × 4 lefts, 3200 draws: each window about 200 times
    const g = new tg.Generator(11);
    const counts = new Map<string, number>();
    for (let k = 0; k < 3200; k++) {
      const [i, j] = T.RandomCrop.getParams(x, [2, 3], g);
      counts.set(`${i},${j}`, (counts.get(`${i},${j}`) ?? 0) + 1);
    }
    assert.equal(counts.size, 16);
    for (const c of counts.values()) assert.ok(Math.abs(c - 200) < 5 * Math.sqrt(200), `window count ${c} is far from 200`);
  });

  it("padIfNeeded pads both sides by the missing width, then height; a too-large crop throws", () => {
    const x = tg.ones([1, 2, 3]);
    const out = new T.RandomCrop([4, 5], { padIfNeeded: true, fill: 9, generator: new tg.Generator(0) })(x);
    assert.deepEqual(out.shape, [1, 4, 5]);
    // torchvision pads [5 - 3, 0] (2 left and 2 right) then [0, 4 - 2] (2 top and 2 bottom): the ones sit in a 6×7 frame of 9s
    const padded = tg.pad(x, [2, 2, 2, 2], "constant", 9);
    const [i, j] = T.RandomCrop.getParams(padded, [4, 5], new tg.Generator(0));
    assert.deepEqual(out.tolist(), padded.get(`:, ${i}:${i + 4}, ${j}:${j + 5}`).tolist());
    // a missing width of 4 pads 4 on each side (width 11), as torchvision does
    const wide = new T.RandomCrop([2, 7], { padIfNeeded: true, fill: 9 });
    assert.deepEqual(wide(x).shape, [1, 2, 7]);
    assert.equal(new T.RandomCrop([2, 11], { padIfNeeded: true, fill: 9 })(x).sum().item(), 6 + 9 * 16);
    assert.throws(() => new T.RandomCrop(4)(x), /required crop size \(4, 4\) is larger than input image size \(2, 3\)/);
    assert.equal(new T.RandomCrop(32, 4).toString(), "RandomCrop(size=(32, 32), padding=4)");
  });

  it("CenterCrop: Python's round (halves to even), zero padding when the image is smaller", () => {
    const x = tg.arange(49).reshape([1, 7, 7]).float();
    // torchvision: top = round((7 - 2) / 2) = round(2.5) = 2, left = round((7 - 4) / 2) = round(1.5) = 2
    assert.deepEqual(new T.CenterCrop([2, 4])(x).tolist(), [
      [
        [16, 17, 18, 19],
        [23, 24, 25, 26],
      ],
    ]);
    assert.deepEqual(new T.CenterCrop(3)(x).tolist(), x.get(":, 2:5, 2:5").tolist());
    assert.deepEqual(new T.CenterCrop([5])(x).shape, [1, 5, 5]);
    // a 2×3 image in a 5×5 crop: 1 left, 1 right, 1 top, 2 bottom of zeros
    assert.deepEqual(new T.CenterCrop(5)(tg.ones([1, 2, 3])).tolist(), [
      [
        [0, 0, 0, 0, 0],
        [0, 1, 1, 1, 0],
        [0, 1, 1, 1, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
    ]);
    // height padded, width cropped
    assert.deepEqual(new T.CenterCrop([4, 1])(tg.ones([1, 2, 3])).tolist(), [[[0], [1], [1], [0]]]);
  });

  it("argument errors", () => {
    assert.throws(() => new T.RandomCrop([1, 2, 3]), /size must be a positive integer or an array \[height, width\]/);
    assert.throws(() => new T.RandomCrop(2, { padding: [1, 2, 3] }), /padding must be a non-negative integer or an array of 1, 2 or 4/);
    assert.throws(
      () => new T.RandomCrop(2, { paddingMode: "wrap" as never }),
      /paddingMode must be "constant" \| "edge" \| "reflect" \| "symmetric"/,
    );
    assert.throws(() => new T.RandomCrop(2, { pad_if_needed: true } as never), /did you mean "padIfNeeded"/);
    assert.throws(() => new T.CenterCrop(0), tg.ArgumentError);
    assert.throws(() => new T.CenterCrop(2)(tg.ones([3])), /expected an image tensor of shape \[\.\.\., H, W\], got \[3\]/);
  });
});

describe("transforms.RandomHorizontalFlip and RandomVerticalFlip", () => {
  it("flip the last or second-to-last dim with probability p", () => {
    assert.deepEqual(new T.RandomHorizontalFlip(1)(img()).tolist(), [
      [
        [3, 2, 1, 0],
        [7, 6, 5, 4],
        [11, 10, 9, 8],
      ],
    ]);
    assert.deepEqual(new T.RandomVerticalFlip({ p: 1 })(img()).tolist(), [
      [
        [8, 9, 10, 11],
        [4, 5, 6, 7],
        [0, 1, 2, 3],
      ],
    ]);
    assert.deepEqual(new T.RandomHorizontalFlip(0)(img()).tolist(), img().tolist());
    // NCHW: every image of the batch flips together (one draw per call, as torchvision)
    const batch = tg.arange(8).reshape([2, 1, 2, 2]);
    assert.deepEqual(new T.RandomVerticalFlip(1)(batch).tolist(), batch.flip(-2).tolist());
  });

  it("seeded: the same generator seed flips the same calls; about p of them flip", () => {
    const run = (seed: number, p = 0.5) => {
      const flip = new T.RandomHorizontalFlip(p, { generator: new tg.Generator(seed) });
      return Array.from({ length: 2000 }, () => flip(img()).get(0, 0, 0).item() === 3);
    };
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
    for (const p of [0.5, 0.2]) {
      const flips = run(1, p).filter(Boolean).length;
      const sd = Math.sqrt(2000 * p * (1 - p));
      assert.ok(Math.abs(flips - 2000 * p) < 5 * sd, `${flips} flips of 2000 with p=${p}`);
    }
    assert.equal(new T.RandomVerticalFlip().toString(), "RandomVerticalFlip(p=0.5)");
  });

  it("argument errors", () => {
    assert.throws(() => new T.RandomHorizontalFlip(1.5), /p must be a probability in \[0, 1\], got 1\.5/);
    assert.throws(() => new T.RandomVerticalFlip({ prob: 0.5 } as never), /unknown option "prob"/);
    assert.throws(() => new T.RandomHorizontalFlip(0.5, { generator: 3 } as never), /generator must be a Generator or null/);
    assert.throws(() => new T.RandomHorizontalFlip()(tg.ones([4])), tg.ShapeError);
  });
});

describe("transforms.Compose and Lambda", () => {
  it("chains transforms and functions: bytes → normalized, cropped, flipped tensor", () => {
    const prep = new T.Compose<tg.data.transforms.PicLike>([
      new T.ToTensor(),
      new T.Normalize([0.5], [0.5]),
      new T.CenterCrop(2),
      new T.RandomHorizontalFlip(1),
      new T.Lambda((x: tg.Tensor) => x.mul(10)),
      (x: tg.Tensor) => x.add(1),
    ]);
    const bytes = new Uint8Array([0, 51, 102, 153, 204, 255, 0, 51, 102]);
    // ToTensor: v/255 = [[0, .2, .4], [.6, .8, 1], [0, .2, .4]]; Normalize: 2v - 1; CenterCrop(2) of 3×3: top = left = round(0.5) = 0
    assertClose(prep({ data: bytes, width: 3, height: 3 }), [
      [
        [-5, -9],
        [7, 3],
      ],
    ]);
    assert.equal(
      prep.toString(),
      "Compose(\n    ToTensor()\n    Normalize(mean=[0.5], std=[0.5])\n    CenterCrop(size=(2, 2))\n    RandomHorizontalFlip(p=1)\n    Lambda()\n    <function>\n)",
    );
    assertEqual(new T.Compose([])(tg.ones([1])), [1]);
    assert.throws(() => new T.Compose([1] as never), /transforms must be an array of transforms/);
    assert.throws(() => new T.Lambda(3 as never), /lambd must be a function, got 3/);
    assert.throws(() => new T.Compose([], { bogus: 1 } as never), tg.ArgumentError);
  });

  it("a custom Transform subclass is callable", () => {
    class AddOne extends T.Transform {
      forward(x: tg.Tensor) {
        return x.add(1);
      }
    }
    assertEqual(new AddOne()(tg.zeros([2])), [1, 1]);
    assert.equal(new AddOne().toString(), "AddOne()");
  });

  it("end to end: augmented batches from a Dataset train a classifier", () => {
    // 2 classes of 1×6×6 images: a bright left half or a bright right half (flips are off for this reason)
    tg.manualSeed(0);
    const n = 64;
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const images = labels.map((c) => {
      const bytes = new Uint8Array(36);
      for (let r = 0; r < 6; r++) for (let k = 0; k < 6; k++) bytes[r * 6 + k] = k < 3 === (c === 0) ? 230 : 20;
      return bytes;
    });
    const augment = new T.Compose<Uint8Array>([
      (b: Uint8Array) => ({ data: b, width: 6, height: 6 }),
      new T.ToTensor(),
      new T.RandomCrop(6, { padding: 1, paddingMode: "edge" }),
      new T.RandomVerticalFlip(),
      new T.Normalize([0.5], [0.25]),
    ]);
    class Images extends tg.data.Dataset<[tg.Tensor, tg.Tensor]> {
      get length() {
        return n;
      }
      get(i: number): [tg.Tensor, tg.Tensor] {
        return [augment(images[i]), tg.tensor(labels[i], { dtype: "int32" })];
      }
    }
    const model = new tg.nn.Sequential(new tg.nn.Flatten(), new tg.nn.Linear(36, 2));
    const opt = new tg.optim.SGD(model.parameters(), 0.1);
    const loader = new tg.data.DataLoader(new Images(), { batchSize: 16, shuffle: true });
    const lossOf = () => {
      const [x, y] = tg.data.defaultCollate([...new Images()]) as [tg.Tensor, tg.Tensor];
      return tg.noGrad(() => tg.nn.functional.crossEntropy(model(x), y).item());
    };
    const before = lossOf();
    for (let epoch = 0; epoch < 5; epoch++) {
      for (const [x, y] of loader) {
        opt.zeroGrad();
        tg.nn.functional.crossEntropy(model(x), y).backward();
        opt.step();
      }
    }
    const after = lossOf();
    assert.ok(after < before / 4, `loss ${before} → ${after}`);
  });
});
