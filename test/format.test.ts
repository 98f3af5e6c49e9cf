import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

// The expected strings are what PyTorch prints for the same tensors (torch/_tensor_str.py), with our
// camelCase suffixes (requiresGrad=true, gradFn=<...>), dtype names without "torch.", and size=[...].
const show = (t: tg.Tensor): string => t.toString();
const i32 = (data: tg.NestedArray) => tg.tensor(data, { dtype: "int32" });
const f64 = (data: tg.NestedArray) => tg.tensor(data, { dtype: "float64" });

describe("printing floats", () => {
  it("integral values print as '1.'", () => {
    assert.equal(show(tg.tensor([1, 2, 3])), "tensor([1., 2., 3.])");
    assert.equal(String(tg.tensor([1, 2, 3])), "tensor([1., 2., 3.])");
    assert.equal(`${tg.tensor([0, 0])}`, "tensor([0., 0.])");
  });

  it("other values print with 4 decimals, rows aligned", () => {
    assert.equal(
      show(
        tg.tensor([
          [1.5, 2],
          [3, 4],
        ]),
      ),
      "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])",
    );
    assert.equal(show(tg.tensor([0.1, 0.25])), "tensor([0.1000, 0.2500])");
    assert.equal(show(tg.tensor([2 / 3])), "tensor([0.6667])");
  });

  it("pads to the widest value, negative signs included", () => {
    assert.equal(show(tg.tensor([-1.5, 2, -3.25])), "tensor([-1.5000,  2.0000, -3.2500])");
    assert.equal(show(tg.tensor([10.5, -0.25])), "tensor([10.5000, -0.2500])");
    assert.equal(
      show(
        tg.tensor([
          [-1, 10],
          [100, -1000],
        ]),
      ),
      "tensor([[   -1.,    10.],\n        [  100., -1000.]])",
    );
  });

  it("switches to scientific notation when magnitudes differ by more than 1000", () => {
    assert.equal(show(tg.tensor([1e-5, 1])), "tensor([1.0000e-05, 1.0000e+00])");
    assert.equal(show(tg.tensor([0.001, 1.5])), "tensor([1.0000e-03, 1.5000e+00])");
    assert.equal(show(tg.tensor([0.01, 1.5])), "tensor([0.0100, 1.5000])");
    assert.equal(show(tg.tensor([-2e-5, 3])), "tensor([-2.0000e-05,  3.0000e+00])");
  });

  it("integral values too: ratio > 1000 or a value > 1e8", () => {
    assert.equal(show(tg.tensor([1, 1000])), "tensor([   1., 1000.])");
    assert.equal(show(tg.tensor([1, 10000])), "tensor([1.0000e+00, 1.0000e+04])");
    assert.equal(show(tg.tensor([1e8])), "tensor([100000000.])");
    // 123456789 is 123456792 in float32.
    assert.equal(show(tg.tensor([123456789])), "tensor([1.2346e+08])");
  });

  it("small values (< 1e-4) are scientific; float32's 0.0001 is just below", () => {
    assert.equal(show(tg.tensor([0.0001, 1])), "tensor([1.0000e-04, 1.0000e+00])");
    assert.equal(show(f64([0.0001, 0.05])), "tensor([0.0001, 0.0500], dtype=float64)");
    assert.equal(show(tg.tensor([5e-5])), "tensor([5.0000e-05])");
  });

  it("three-digit exponents", () => {
    assert.equal(show(f64([1e-300, 1])), "tensor([1.0000e-300,  1.0000e+00], dtype=float64)");
  });

  it("rounds exact ties to even, as Python's format does", () => {
    // 0.03125 and 0.09375 are exact binary fractions halfway between two 4-decimal values.
    assert.equal(show(tg.tensor([0.03125, 0.09375])), "tensor([0.0312, 0.0938])");
    assert.equal(show(tg.tensor([1.03125, 1e-5])), "tensor([1.0312e+00, 1.0000e-05])");
    assert.equal(show(tg.tensor([-0.03125, 1])), "tensor([-0.0312,  1.0000])");
  });

  it("negative zero keeps its sign", () => {
    assert.equal(show(tg.tensor([-0, 1])), "tensor([-0., 1.])");
  });

  it("nan and inf are padded to the width of the finite values, never widen it", () => {
    assert.equal(show(tg.tensor([1, Number.NaN])), "tensor([1., nan])");
    assert.equal(show(tg.tensor([1.5, Infinity])), "tensor([1.5000,    inf])");
    assert.equal(show(tg.tensor([-Infinity, 2, Number.NaN])), "tensor([-inf, 2., nan])");
    assert.equal(show(tg.tensor([Number.NaN, Number.NaN])), "tensor([nan, nan])");
    assert.equal(show(tg.tensor([1e-5, Number.NaN, -Infinity, 0])), "tensor([1.0000e-05,        nan,       -inf, 0.0000e+00])");
    assert.equal(show(tg.tensor(Number.NaN)), "tensor(nan)");
  });

  it("zeros do not decide the mode", () => {
    assert.equal(show(tg.tensor([0, 0.5])), "tensor([0.0000, 0.5000])");
    assert.equal(show(tg.tensor([0, 100])), "tensor([  0., 100.])");
  });
});

describe("printing other dtypes", () => {
  it("int32 prints plain integers, padded", () => {
    assert.equal(show(i32([1, 2, 3])), "tensor([1, 2, 3])");
    assert.equal(show(i32([-5, 10, 200])), "tensor([ -5,  10, 200])");
    assert.equal(show(tg.arange(3)), "tensor([0, 1, 2])");
  });

  it("bool prints True/False, padded to 5 like PyTorch", () => {
    assert.equal(show(tg.tensor([true, false])), "tensor([ True, False])");
    assert.equal(show(tg.tensor([true, true])), "tensor([True, True])");
    assert.equal(show(tg.tensor([1, 2]).gt(1.5)), "tensor([False,  True])");
  });

  it("float64 adds a dtype suffix", () => {
    assert.equal(show(f64([1, 2])), "tensor([1., 2.], dtype=float64)");
    assert.equal(show(f64(0.5)), "tensor(0.5000, dtype=float64)");
  });
});

describe("0-dim tensors", () => {
  it("print the bare value", () => {
    assert.equal(show(tg.tensor(3.5)), "tensor(3.5000)");
    assert.equal(show(tg.tensor(2)), "tensor(2.)");
    assert.equal(show(tg.tensor(-7, { dtype: "int32" })), "tensor(-7)");
    assert.equal(show(tg.tensor(true)), "tensor(True)");
    assert.equal(show(tg.tensor([1.5, 2.5]).sum()), "tensor(4.)");
  });
});

describe("autograd suffixes", () => {
  it("leaves that require grad say requiresGrad=true", () => {
    assert.equal(show(tg.tensor([1, 2], { requiresGrad: true })), "tensor([1., 2.], requiresGrad=true)");
    assert.equal(show(tg.tensor(1.5, { requiresGrad: true })), "tensor(1.5000, requiresGrad=true)");
  });

  it("results name their gradFn, after the dtype", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    assert.equal(show(x.mul(2)), "tensor([2., 4.], gradFn=<MulBackward0>)");
    assert.equal(show(f64([1, 2]).requiresGrad_().mul(2)), "tensor([2., 4.], dtype=float64, gradFn=<MulBackward0>)");
  });

  it("detached tensors and noGrad results have no suffix", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    assert.equal(show(x.mul(2).detach()), "tensor([2., 4.])");
    assert.equal(show(tg.noGrad(() => x.mul(2))), "tensor([2., 4.])");
  });

  it("a suffix that would pass 80 columns goes on its own line", () => {
    assert.equal(
      show(tg.full([9], 1.5, { requiresGrad: true })),
      "tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],\n       requiresGrad=true)",
    );
    assert.equal(
      show(tg.full([9], 1.5, { dtype: "float64", requiresGrad: true }).mul(1)),
      "tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],\n       dtype=float64, gradFn=<MulBackward0>)",
    );
  });
});

describe("empty tensors", () => {
  it("print [] with the size when it is not [0], and any dtype but float32", () => {
    assert.equal(show(tg.zeros([0])), "tensor([])");
    assert.equal(show(tg.zeros([2, 0])), "tensor([], size=[2, 0])");
    assert.equal(show(tg.zeros([0], { dtype: "int32" })), "tensor([], dtype=int32)");
    assert.equal(show(tg.arange(0)), "tensor([], dtype=int32)");
    assert.equal(show(tg.zeros([0, 3], { dtype: "bool" })), "tensor([], size=[0, 3], dtype=bool)");
    assert.equal(show(tg.zeros([0], { dtype: "float64" })), "tensor([], dtype=float64)");
    assert.equal(show(tg.zeros([0], { requiresGrad: true })), "tensor([], requiresGrad=true)");
  });
});

describe("higher dims", () => {
  it("3-D blocks are separated by a blank line", () => {
    assert.equal(show(tg.arange(8).reshape([2, 2, 2])), "tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])");
    assert.equal(
      show(tg.arange(12).reshape([2, 3, 2]).float().div(2)),
      "tensor([[[0.0000, 0.5000],\n" +
        "         [1.0000, 1.5000],\n" +
        "         [2.0000, 2.5000]],\n\n" +
        "        [[3.0000, 3.5000],\n" +
        "         [4.0000, 4.5000],\n" +
        "         [5.0000, 5.5000]]])",
    );
  });

  it("4-D blocks by two blank lines", () => {
    assert.equal(show(tg.arange(4).reshape([2, 1, 1, 2])), "tensor([[[[0, 1]]],\n\n\n        [[[2, 3]]]])");
  });

  it("size-1 and size-0 inner dims", () => {
    assert.equal(show(tg.ones([1, 1])), "tensor([[1.]])");
    assert.equal(show(tg.tensor([[1], [2]])), "tensor([[1.],\n        [2.]])");
  });

  it("views print in logical order", () => {
    assert.equal(show(tg.arange(6).reshape([2, 3]).T), "tensor([[0, 3],\n        [1, 4],\n        [2, 5]])");
    assert.equal(show(tg.arange(6).get("::2")), "tensor([0, 2, 4])");
  });
});

describe("long rows wrap at 80 columns", () => {
  it("a vector wraps with the continuation indented under the first value", () => {
    assert.equal(show(tg.ones([20])), "tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.,\n        1., 1.])");
    assert.equal(
      show(tg.arange(0, 30, 1, { dtype: "float64" })),
      "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
        "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n" +
        "        28., 29.], dtype=float64)",
    );
  });

  it("rows of a matrix wrap one column further in", () => {
    assert.equal(
      show(tg.ones([2, 20])),
      "tensor([[1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.,\n" +
        "         1., 1.],\n" +
        "        [1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.,\n" +
        "         1., 1.]])",
    );
  });

  it("no line is longer than 80 columns", () => {
    tg.manualSeed(0);
    for (const line of show(tg.randn([7, 33])).split("\n")) assert.ok(line.length <= 80, `${line.length}: ${line}`);
  });
});

describe("summarization", () => {
  it("more than 1000 elements show 3 at each edge with '...'", () => {
    assert.equal(show(tg.arange(2000)), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
    assert.equal(show(tg.arange(1001).float()), "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])");
  });

  it("1000 elements are all printed", () => {
    const s = show(tg.arange(1000));
    assert.ok(!s.includes("..."));
    assert.ok(s.includes(" 500, "));
    assert.ok(s.endsWith(" 999])"));
  });

  it("matrices summarize rows and columns", () => {
    assert.equal(
      show(tg.zeros([100, 100])),
      "tensor([[0., 0., 0.,  ..., 0., 0., 0.],\n" +
        "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
        "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
        "        ...,\n" +
        "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
        "        [0., 0., 0.,  ..., 0., 0., 0.],\n" +
        "        [0., 0., 0.,  ..., 0., 0., 0.]])",
    );
    // Short dims are printed whole.
    assert.equal(
      show(tg.arange(2000).reshape([2, 1000])),
      "tensor([[   0,    1,    2,  ...,  997,  998,  999],\n        [1000, 1001, 1002,  ..., 1997, 1998, 1999]])",
    );
  });

  it("3-D summarization puts '...' between blocks", () => {
    const s = show(tg.arange(1100).reshape([11, 10, 10]));
    const blocks = s.split("\n\n");
    assert.equal(blocks.length, 7); // 3 blocks, "...", 3 blocks
    assert.equal(blocks[3], "        ...,");
    assert.ok(blocks[0].startsWith("tensor([[[   0,    1,    2,  ...,    7,    8,    9],\n"));
    assert.ok(s.endsWith("[1090, 1091, 1092,  ..., 1097, 1098, 1099]]])"));
  });

  it("only the printed values decide the format", () => {
    const x = tg.zeros([2000]);
    x.set(1000, 1e6);
    assert.equal(show(x), "tensor([0., 0., 0.,  ..., 0., 0., 0.])");
    x.set(1999, 0.5);
    assert.equal(show(x), "tensor([0.0000, 0.0000, 0.0000,  ..., 0.0000, 0.0000, 0.5000])");
  });
});
