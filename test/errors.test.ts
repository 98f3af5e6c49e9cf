import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

type ErrorClass = new (message: string) => tg.TensorGradError;

const classes: [ErrorClass, tg.ErrorCode][] = [
  [tg.ShapeError, "shape"],
  [tg.DTypeError, "dtype"],
  [tg.DimError, "dim"],
  [tg.IndexError, "index"],
  [tg.AutogradError, "autograd"],
  [tg.AnomalyError, "anomaly"],
  [tg.ValueError, "value"],
  [tg.GradcheckError, "gradcheck"],
];

/** Runs `fn`, asserts it throws an instance of `cls`, and returns the error. */
function catchError<E extends tg.TensorGradError>(fn: () => unknown, cls: new (message: string) => E): E {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e;
  }
  assert.fail(`expected ${cls.name}, but nothing was thrown`);
}

/** Asserts the message contains every one of `parts` (literally). */
function assertMentions(e: Error, ...parts: string[]): void {
  for (const p of parts) assert.ok(e.message.includes(p), `message should mention ${JSON.stringify(p)}: ${e.message}`);
}

class WrongBackward extends tg.autograd.Function {
  static override forward(_ctx: tg.autograd.FunctionCtx, x: tg.Tensor): tg.Tensor {
    return x.mul(2);
  }
  static override backward(_ctx: tg.autograd.FunctionCtx, g: tg.Tensor): tg.Tensor[] {
    return [g.mul(3)]; // should be 2
  }
}

describe("error classes", () => {
  for (const [cls, code] of classes) {
    it(`${cls.name} is a TensorGradError with code "${code}" and name "${cls.name}"`, () => {
      const e = new cls("something went wrong");
      assert.ok(e instanceof tg.TensorGradError);
      assert.ok(e instanceof Error);
      assert.equal(e.code, code);
      assert.equal(e.name, cls.name);
      assert.equal(e.message, "something went wrong");
      assert.equal(String(e), `${cls.name}: something went wrong`);
      assert.ok(e.stack?.includes("something went wrong"));
    });
  }

  it("the codes are distinct", () => {
    assert.equal(new Set(classes.map(([, c]) => c)).size, classes.length);
  });

  // One real failure of each kind, thrown by the library itself.
  const thrown: [ErrorClass, () => unknown][] = [
    [tg.ShapeError, () => tg.zeros([2]).add(tg.zeros([3]))],
    [tg.DTypeError, () => tg.rand([2], { dtype: "int32" })],
    [tg.DimError, () => tg.zeros([2]).sum(1)],
    [tg.IndexError, () => tg.zeros([2]).select(0, 2)],
    [tg.AutogradError, () => tg.zeros([2], { dtype: "int32" }).requiresGrad_()],
    [
      tg.AnomalyError,
      () =>
        tg.autograd.detectAnomaly(() => {
          const x = tg.tensor(0, { requiresGrad: true });
          x.sqrt().backward(); // d sqrt(x)/dx at 0 is inf
        }),
    ],
    [tg.ValueError, () => tg.zeros([2]).item()],
    [tg.GradcheckError, () => tg.autograd.gradcheck((x) => WrongBackward.apply(x), [tg.randn([3], { dtype: "float64" }).requiresGrad_()])],
  ];
  for (const [cls, fn] of thrown) {
    it(`the library throws ${cls.name} with its code and name`, () => {
      const e = catchError(fn, cls);
      assert.ok(e instanceof tg.TensorGradError);
      assert.equal(e.name, cls.name);
      assert.equal(e.code, classes.find(([c]) => c === cls)?.[1]);
    });
  }
});

describe("error messages", () => {
  it("a broadcast failure names the op and both shapes", () => {
    const a = tg.zeros([2, 3]);
    const b = tg.zeros([4]);
    assertMentions(
      catchError(() => a.add(b), tg.ShapeError),
      "add",
      "[2, 3]",
      "[4]",
    );
    assertMentions(
      catchError(() => tg.add(a, b), tg.ShapeError),
      "add",
      "[2, 3]",
      "[4]",
    );
    assertMentions(
      catchError(() => a.mul(b), tg.ShapeError),
      "mul",
      "[2, 3]",
      "[4]",
    );
    assertMentions(
      catchError(() => a.sub(b), tg.ShapeError),
      "sub",
      "[2, 3]",
      "[4]",
    );
    assertMentions(
      catchError(() => b.div(a), tg.ShapeError),
      "div",
      "[4]",
      "[2, 3]",
    );
    assertMentions(
      catchError(() => tg.where(tg.zeros([2], { dtype: "bool" }), a, 0), tg.ShapeError),
      "where",
      "[2]",
      "[2, 3]",
    );
  });

  it("the exact message for add, as in the README", () => {
    const e = catchError(() => tg.zeros([2, 3]).add(tg.zeros([4])), tg.ShapeError);
    assert.equal(e.message, "add: shapes [2, 3] and [4] cannot be broadcast together (size 3 vs 4 at dim 1)");
  });

  it("matmul names both shapes", () => {
    assertMentions(
      catchError(() => tg.zeros([2, 3]).matmul(tg.zeros([4, 5])), tg.ShapeError),
      "matmul",
      "[2, 3]",
      "[4, 5]",
    );
    assertMentions(
      catchError(() => tg.matmul(tg.zeros([3]), tg.zeros([4])), tg.ShapeError),
      "[3]",
      "[4]",
    );
    assertMentions(
      catchError(() => tg.zeros([2, 3]).mm(tg.zeros([2, 3])), tg.ShapeError),
      "[2, 3]",
    );
    assertMentions(
      catchError(() => tg.zeros([2, 2, 3]).bmm(tg.zeros([2, 4, 3])), tg.ShapeError),
      "[2, 2, 3]",
      "[2, 4, 3]",
    );
    assertMentions(
      catchError(() => tg.zeros([5, 2, 3]).matmul(tg.zeros([4, 3, 2])), tg.ShapeError),
      "[5, 2, 3]",
      "[4, 3, 2]",
    );
  });

  it("view and reshape name the shape and the size", () => {
    assertMentions(
      catchError(() => tg.zeros([2, 3]).view(5), tg.ShapeError),
      "[5]",
      "6",
    );
    assertMentions(
      catchError(() => tg.zeros([2, 3]).reshape(4, -1), tg.ShapeError),
      "[4, -1]",
      "6",
    );
  });

  it("a bad dim names the dim and the valid range", () => {
    const x = tg.zeros([2, 3]);
    assertMentions(
      catchError(() => x.sum(2), tg.DimError),
      "sum",
      "2",
      "[-2, 1]",
    );
    assertMentions(
      catchError(() => x.sum(-3), tg.DimError),
      "-3",
      "[-2, 1]",
    );
    assertMentions(
      catchError(() => x.mean(5), tg.DimError),
      "5",
      "[-2, 1]",
    );
    assertMentions(
      catchError(() => x.transpose(0, 2), tg.DimError),
      "2",
      "[-2, 1]",
    );
    assertMentions(
      catchError(() => x.size(2), tg.DimError),
      "2",
      "[-2, 1]",
    );
    // unsqueeze may insert at ndim, so its range is one wider.
    assertMentions(
      catchError(() => x.unsqueeze(3), tg.DimError),
      "3",
      "[-3, 2]",
    );
    assertMentions(
      catchError(() => tg.cat([x, x], 2), tg.DimError),
      "2",
      "[-2, 1]",
    );
    // A 0-dim tensor takes dims -1 and 0.
    assertMentions(
      catchError(() => tg.tensor(1).sum(1), tg.DimError),
      "1",
      "[-1, 0]",
    );
  });

  it("an index out of range names the index and the size", () => {
    const x = tg.zeros([2, 3]);
    assertMentions(
      catchError(() => x.select(0, 5), tg.IndexError),
      "5",
      "size 2",
    );
    assertMentions(
      catchError(() => x.select(1, -4), tg.IndexError),
      "-4",
      "size 3",
    );
    assertMentions(
      catchError(() => x.get(2), tg.IndexError),
      "2",
      "size 2",
    );
    assertMentions(
      catchError(() => x.get(0, 3), tg.IndexError),
      "3",
      "size 3",
    );
    assertMentions(
      catchError(() => x.narrow(1, 2, 2), tg.IndexError),
      "3",
    );
    const idx = tg.tensor([[0], [7]], { dtype: "int32" });
    assertMentions(
      catchError(() => x.gather(1, idx), tg.IndexError),
      "7",
      "size 3",
    );
    assertMentions(
      catchError(() => x.indexSelect(0, tg.tensor([4], { dtype: "int32" })), tg.IndexError),
      "4",
      "size 2",
    );
  });

  it("dtype errors name the dtypes", () => {
    assertMentions(
      catchError(() => tg.rand([2], { dtype: "int32" }), tg.DTypeError),
      "int32",
    );
    assertMentions(
      catchError(() => tg.randn([2], { dtype: "bool" }), tg.DTypeError),
      "bool",
    );
    assertMentions(
      catchError(() => tg.zeros([2]).indexSelect(0, tg.tensor([0])), tg.DTypeError),
      "int32",
      "float32",
    );
    assertMentions(
      catchError(() => tg.zeros([2]).maskedFill(tg.zeros([2]), 1), tg.DTypeError),
      "float32",
    );
    assertMentions(
      catchError(() => tg.tensor([1], { dtype: "int8" as tg.DType }), tg.DTypeError),
      "int8",
      "float32",
      "int32",
      "bool",
    );
    assertMentions(
      catchError(() => tg.tensor([true]).neg(), tg.DTypeError),
      "bool",
    );
  });

  it("item() on many elements says how many", () => {
    const e = catchError(() => tg.zeros([3, 4]).item(), tg.ValueError);
    assertMentions(e, "12 elements", "item");
  });

  it("autograd misuse explains itself", () => {
    assertMentions(
      catchError(() => tg.zeros([2], { dtype: "int32" }).requiresGrad_(), tg.AutogradError),
      "int32",
    );
    const x = tg.ones([2], { requiresGrad: true });
    assertMentions(
      catchError(() => x.mul(2).backward(), tg.AutogradError),
      "scalar",
      "[2]",
    );
    const y = x.mul(x).sum();
    y.backward();
    assertMentions(
      catchError(() => y.backward(), tg.AutogradError),
      "second time",
    );
  });

  it("value errors say what was wrong", () => {
    assertMentions(
      catchError(() => tg.zeros([2, -1]), tg.ValueError),
      "[2, -1]",
    );
    assertMentions(
      catchError(() => tg.randint(3, 1, [2]), tg.ValueError),
      "low=3",
      "high=1",
    );
    assertMentions(
      catchError(() => tg.bernoulli(2, [1]), tg.ValueError),
      "[0, 1]",
      "2",
    );
    assertMentions(
      catchError(() => tg.arange(0, 5, -1), tg.ValueError),
      "step",
    );
    assertMentions(
      catchError(() => tg.tensor([[1, 2], [3]]), tg.ValueError),
      "ragged",
    );
  });
});
