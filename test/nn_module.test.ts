import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

const nn = tg.nn;

class MLP extends nn.Module {
  fc1: tg.nn.Linear;
  fc2: tg.nn.Linear;
  constructor(inF = 2, hidden = 3, out = 1) {
    super();
    this.fc1 = new nn.Linear(inF, hidden);
    this.fc2 = new nn.Linear(hidden, out);
  }
  forward(x: tg.Tensor): tg.Tensor {
    return this.fc2(this.fc1(x).tanh());
  }
}

/** Two linear layers sharing one weight (weight tying). */
class Tied extends nn.Module {
  a = new nn.Linear(2, 2);
  b = new nn.Linear(2, 2);
  constructor() {
    super();
    this.b.weight = this.a.weight;
  }
  forward(x: tg.Tensor): tg.Tensor {
    return this.b(this.a(x));
  }
}

/** A module with a running statistic (persistent) and a scratch buffer (not persistent). */
class WithBuffers extends nn.Module {
  declare running: tg.Tensor;
  declare scratch: tg.Tensor;
  declare steps: tg.Tensor;
  scale = new nn.Parameter(tg.ones([2]));
  constructor() {
    super();
    this.registerBuffer("running", tg.zeros([2]));
    this.registerBuffer("scratch", tg.full([3], 7), false);
    this.registerBuffer("steps", tg.tensor(0, { dtype: "int32" }));
  }
  forward(x: tg.Tensor): tg.Tensor {
    return x.mul(this.scale).add(this.running);
  }
}

const names = (m: tg.nn.AnyModule) => m.namedParameters().map(([n]) => n);

describe("Module: parameter discovery", () => {
  it("namedParameters gives dotted names in assignment order", () => {
    assert.deepEqual(names(new MLP()), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    assert.equal(new MLP().parameters().length, 4);
  });

  it("a bias-less Linear has only a weight", () => {
    assert.deepEqual(names(new nn.Linear(3, 2, { bias: false })), ["weight"]);
  });

  it("nested modules, arrays of modules and Sequential children get dotted names", () => {
    class Net extends nn.Module {
      encoder = new MLP(2, 4, 4);
      layers = [new nn.Linear(4, 4), new nn.ReLU(), new nn.Linear(4, 2)];
      head = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh(), new nn.Linear(2, 1));
      forward(x: tg.Tensor): tg.Tensor {
        let h = this.encoder(x);
        for (const l of this.layers) h = (l as tg.nn.Module)(h);
        return this.head(h);
      }
    }
    const net = new Net();
    assert.deepEqual(names(net), [
      "encoder.fc1.weight",
      "encoder.fc1.bias",
      "encoder.fc2.weight",
      "encoder.fc2.bias",
      "layers.0.weight",
      "layers.0.bias",
      "layers.2.weight",
      "layers.2.bias",
      "head.0.weight",
      "head.0.bias",
      "head.2.weight",
      "head.2.bias",
    ]);
    assert.deepEqual(net(tg.randn([5, 2])).shape, [5, 1]);
    // encoder 2·4+4 + 4·4+4, layers 4·4+4 + 4·2+2, head 2·2+2 + 2·1+1.
    assert.equal(net.countParameters(), 12 + 20 + 20 + 10 + 6 + 3);
  });

  it("a parameter shared by two modules is listed (and counted) once", () => {
    const t = new Tied();
    assert.equal(t.a.weight, t.b.weight);
    assert.deepEqual(names(t), ["a.weight", "a.bias", "b.bias"]);
    assert.equal(t.countParameters(), 4 + 2 + 2);
    // The state dict, like PyTorch's, still has both names.
    assert.deepEqual(Object.keys(t.stateDict()), ["a.weight", "a.bias", "b.weight", "b.bias"]);
  });

  it("a shared parameter accumulates the gradient of both uses", () => {
    const t = new Tied().double();
    const x = tg.randn([3, 2], { dtype: "float64" });
    t(x).sum().backward();
    const w = t.a.weight;
    assert.ok(w.grad);
    // Compare with the same computation through an explicit function of w.
    const w2 = w.detach().clone().requiresGrad_(true);
    const h = x.matmul(w2.mT).add(t.a.bias!.detach());
    h.matmul(w2.mT).add(t.b.bias!.detach()).sum().backward();
    assertClose(w.grad, w2.grad as tg.Tensor, { atol: 1e-12 });
  });

  it("parameters(false) lists only the module's own parameters", () => {
    class Own extends nn.Module {
      p = new nn.Parameter(tg.zeros([3]));
      child = new nn.Linear(2, 2);
      forward(x: tg.Tensor): tg.Tensor {
        return x;
      }
    }
    assert.deepEqual(
      new Own().namedParameters("", false).map(([n]) => n),
      ["p"],
    );
    assert.equal(new Own().parameters(false).length, 1);
    assert.equal(new Own().parameters().length, 3);
  });

  it("Parameter is a leaf that requires grad and detaches its source", () => {
    const src = tg.tensor([1, 2], { requiresGrad: true });
    const p = new nn.Parameter(src.mul(2));
    assert.ok(p instanceof tg.Tensor);
    assert.equal(p.requiresGrad, true);
    assert.equal(p.isLeaf, true);
    assert.deepEqual(p.tolist(), [2, 4]);
    assert.equal(new nn.Parameter(tg.zeros([1]), false).requiresGrad, false);
  });
});

describe("Module: buffers", () => {
  it("registerBuffer adds state that is not a parameter", () => {
    const m = new WithBuffers();
    assert.deepEqual(names(m), ["scale"]);
    assert.deepEqual(
      m.namedBuffers().map(([n]) => n),
      ["running", "scratch", "steps"],
    );
    assert.equal(m.buffers().length, 3);
    assert.deepEqual(m.scratch.tolist(), [7, 7, 7]);
  });

  it("persistent buffers are in the state dict, non-persistent ones are not", () => {
    assert.deepEqual(Object.keys(new WithBuffers().stateDict()), ["scale", "running", "steps"]);
  });

  it("buffers of children get dotted names", () => {
    const seq = new nn.Sequential(new WithBuffers(), new WithBuffers());
    assert.deepEqual(Object.keys(seq.stateDict()), ["0.scale", "0.running", "0.steps", "1.scale", "1.running", "1.steps"]);
    assert.deepEqual(
      seq.namedBuffers().map(([n]) => n),
      ["0.running", "0.scratch", "0.steps", "1.running", "1.scratch", "1.steps"],
    );
  });

  it("loadStateDict restores persistent buffers", () => {
    const a = new WithBuffers();
    tg.noGrad(() => a.running.fill_(3));
    const b = new WithBuffers();
    b.loadStateDict(a.stateDict());
    assert.deepEqual(b.running.tolist(), [3, 3]);
    assertClose(b(tg.ones([2])), [4, 4]);
  });
});

describe("Module: tree walking and modes", () => {
  const build = () => new nn.Sequential(new nn.Linear(2, 3), new nn.Dropout(0.5), new nn.Sequential(new nn.ReLU(), new nn.Linear(3, 1)));

  it("children() are the direct children; modules() every module, depth first, self first", () => {
    const seq = build();
    assert.deepEqual(
      seq.children().map((m) => m.constructor.name),
      ["Linear", "Dropout", "Sequential"],
    );
    assert.deepEqual(
      seq.namedModules().map(([n, m]) => `${n}:${m.constructor.name}`),
      [":Sequential", "0:Linear", "1:Dropout", "2:Sequential", "2.0:ReLU", "2.1:Linear"],
    );
    assert.equal(seq.modules().length, 6);
    assert.equal(seq.modules()[0], seq);
    assert.deepEqual(
      seq.namedChildren().map(([n]) => n),
      ["0", "1", "2"],
    );
  });

  it("train()/eval() set training on every descendant", () => {
    const seq = build();
    assert.ok(seq.modules().every((m) => m.training));
    assert.equal(seq.eval(), seq);
    assert.ok(seq.modules().every((m) => !m.training));
    seq.train();
    assert.ok(seq.modules().every((m) => m.training));
    seq.train(false);
    assert.ok(seq.modules().every((m) => !m.training));
  });

  it("eval() turns Dropout inside a model into the identity", () => {
    tg.manualSeed(3);
    const seq = new nn.Sequential(new nn.Dropout(0.5));
    const x = tg.ones([100]);
    assert.ok(seq(x).eq(0).any().item(), "training: some elements dropped");
    seq.eval();
    assert.deepEqual(seq(x).tolist(), x.tolist());
  });

  it("apply(fn) visits children before their parent (post-order), like PyTorch", () => {
    const seq = build();
    const order: string[] = [];
    const byModule = new Map(seq.namedModules().map(([n, m]) => [m, n]));
    seq.apply((m) => order.push(byModule.get(m) ?? "?"));
    assert.deepEqual(order, ["0", "1", "2.0", "2.1", "2", ""]);
  });

  it("apply can initialize every Linear", () => {
    const seq = build();
    seq.apply((m) => {
      if (m instanceof nn.Linear) {
        nn.init.constant_(m.weight, 0.5);
        if (m.bias) nn.init.zeros_(m.bias);
      }
    });
    seq.eval();
    // [1, 1] → 0.5·2 = 1 per hidden unit → relu → 0.5·3 = 1.5.
    assertClose(seq(tg.ones([1, 2])), [[1.5]]);
  });
});

describe("Module: gradients", () => {
  const withGrads = () => {
    tg.manualSeed(0);
    const m = new MLP();
    m(tg.randn([4, 2]))
      .sum()
      .backward();
    return m;
  };

  it("zeroGrad sets grads to null by default", () => {
    const m = withGrads();
    assert.ok(m.parameters().every((p) => p.grad !== null));
    m.zeroGrad();
    assert.ok(m.parameters().every((p) => p.grad === null));
  });

  it("zeroGrad({ setToNone: false }) zeroes them (even where a grad was infinite)", () => {
    const m = withGrads();
    m.fc1.weight.grad = tg.full([3, 2], Number.POSITIVE_INFINITY);
    m.zeroGrad({ setToNone: false });
    for (const p of m.parameters()) {
      assert.ok(p.grad);
      assert.deepEqual([...p.grad.shape], [...p.shape]);
      assert.ok(
        Array.from(p.grad.toArray()).every((v) => v === 0),
        `grad of shape ${p.shape} is not all zero`,
      );
    }
  });

  it("gradients accumulate across backward calls until zeroed", () => {
    tg.manualSeed(1);
    const m = new MLP();
    const x = tg.randn([4, 2]);
    m(x).sum().backward();
    const once = m.fc2.bias!.grad?.item();
    m(x).sum().backward();
    assert.equal(m.fc2.bias!.grad?.item(), 2 * (once as number));
    assert.equal(once, 4); // d(sum over 4 rows)/d bias
  });

  it("requiresGrad_(false) freezes every parameter; frozen ones get no grad", () => {
    tg.manualSeed(2);
    const m = new MLP();
    m.fc1.requiresGrad_(false);
    assert.deepEqual(
      m.parameters().map((p) => p.requiresGrad),
      [false, false, true, true],
    );
    assert.equal(m.countParameters(), 13);
    assert.equal(m.countParameters(true), 4);
    m(tg.randn([2, 2]))
      .sum()
      .backward();
    assert.equal(m.fc1.weight.grad, null);
    assert.ok(m.fc2.weight.grad);
    m.requiresGrad_(false);
    assert.ok(m.parameters().every((p) => !p.requiresGrad));
    assert.equal(m(tg.randn([2, 2])).requiresGrad, false);
    m.requiresGrad_();
    assert.ok(m.parameters().every((p) => p.requiresGrad));
  });
});

describe("Module: dtype conversion", () => {
  it("double() converts parameters and float buffers, keeps int buffers, keeps requiresGrad", () => {
    const m = new WithBuffers();
    m.scale.requiresGrad_(false);
    assert.equal(m.double(), m);
    assert.equal(m.scale.dtype, "float64");
    assert.ok(m.scale instanceof nn.Parameter);
    assert.equal(m.scale.requiresGrad, false);
    assert.equal(m.running.dtype, "float64");
    assert.equal(m.scratch.dtype, "float64");
    assert.equal(m.steps.dtype, "int32");
    assert.equal(m(tg.ones([2], { dtype: "float64" })).dtype, "float64");
  });

  it('to("float64") converts nested layers and keeps values', () => {
    tg.manualSeed(4);
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1));
    const x = tg.randn([5, 2]);
    const before = seq(x);
    seq.to("float64");
    assert.ok(seq.parameters().every((p) => p.dtype === "float64" && p.requiresGrad));
    assertClose(seq(x.double()), before, { atol: 1e-6 });
    seq.float();
    assert.ok(seq.parameters().every((p) => p.dtype === "float32"));
  });

  it("to() keeps shared parameters shared", () => {
    const t = new Tied().double();
    assert.equal(t.a.weight.dtype, "float64");
    assert.equal(t.a.weight, t.b.weight);
    assert.equal(t.parameters().length, 3);
  });

  it("to() the dtype a parameter already has keeps the same Parameter object", () => {
    const l = new nn.Linear(2, 2);
    const w = l.weight;
    l.to("float32");
    assert.equal(l.weight, w);
  });
});

describe("Module: state dict", () => {
  it("round-trips: a fresh model (other seed) loaded from the state dict gives the same outputs", () => {
    tg.manualSeed(10);
    const a = new MLP(3, 5, 2);
    tg.manualSeed(11);
    const b = new MLP(3, 5, 2);
    const x = tg.randn([4, 3]);
    assert.ok(a(x).sub(b(x)).abs().max().item() > 1e-3, "different seeds give different models");
    const result = b.loadStateDict(a.stateDict());
    assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(b(x).tolist(), a(x).tolist());
    // Loading copies: the models stay independent.
    tg.noGrad(() => a.fc1.weight.fill_(0));
    assert.notDeepEqual(b.fc1.weight.tolist(), a.fc1.weight.tolist());
  });

  it("stateDict holds detached tensors that share memory with the parameters", () => {
    const l = new nn.Linear(2, 2);
    const sd = l.stateDict();
    assert.deepEqual(Object.keys(sd), ["weight", "bias"]);
    assert.equal(sd.weight.requiresGrad, false);
    assert.ok(!(sd.weight instanceof nn.Parameter));
    sd.bias.fill_(5);
    assert.deepEqual(l.bias?.tolist(), [5, 5]);
  });

  it("loadStateDict keeps the parameter objects (so an optimizer holding them still works)", () => {
    const a = new nn.Linear(2, 2);
    const b = new nn.Linear(2, 2);
    const w = b.weight;
    b.loadStateDict(a.stateDict());
    assert.equal(b.weight, w);
    assert.equal(b.weight.requiresGrad, true);
  });

  it("strict loading lists every missing and every unexpected key", () => {
    const m = new MLP();
    const sd = m.stateDict();
    const partial: tg.nn.StateDict = {
      "fc1.weight": sd["fc1.weight"],
      "fc2.bias": sd["fc2.bias"],
      extra: tg.zeros([1]),
      "fc3.weight": tg.zeros([1]),
    };
    assert.throws(
      () => m.loadStateDict(partial),
      (e: Error) => {
        assert.ok(e instanceof tg.ValueError, `got ${e.name}`);
        assert.match(e.message, /missing keys: fc1\.bias, fc2\.weight/);
        assert.match(e.message, /unexpected keys: extra, fc3\.weight/);
        assert.match(e.message, /MLP/);
        return true;
      },
    );
  });

  it("a failed strict load changes nothing", () => {
    const m = new nn.Linear(2, 2);
    const before = m.weight.tolist();
    assert.throws(() => m.loadStateDict({ weight: tg.zeros([2, 2]) }), /missing keys: bias/);
    assert.deepEqual(m.weight.tolist(), before);
  });

  it("a shape mismatch names the key and both shapes (even with strict: false)", () => {
    const m = new MLP(2, 3, 1);
    const sd = new MLP(2, 4, 1).stateDict();
    const check = (e: Error) => {
      assert.ok(e instanceof tg.ShapeError, `got ${e.name}`);
      assert.match(e.message, /fc1\.weight: checkpoint has shape \[4, 2\], model has \[3, 2\]/);
      assert.match(e.message, /fc1\.bias: checkpoint has shape \[4\], model has \[3\]/);
      assert.match(e.message, /fc2\.weight: checkpoint has shape \[1, 4\], model has \[1, 3\]/);
      return true;
    };
    assert.throws(() => m.loadStateDict(sd), check);
    assert.throws(() => m.loadStateDict(sd, { strict: false }), check);
  });

  it("strict: false loads what matches and reports the rest", () => {
    tg.manualSeed(5);
    const m = new MLP();
    const src = new MLP();
    const sd = src.stateDict();
    const result = m.loadStateDict(
      { "fc1.weight": sd["fc1.weight"], "fc2.bias": sd["fc2.bias"], "head.weight": tg.zeros([2]) },
      { strict: false },
    );
    assert.deepEqual(result, { missingKeys: ["fc1.bias", "fc2.weight"], unexpectedKeys: ["head.weight"] });
    assert.deepEqual(m.fc1.weight.tolist(), src.fc1.weight.tolist());
    assert.deepEqual(m.fc2.bias!.tolist(), src.fc2.bias!.tolist());
    assert.notDeepEqual(m.fc2.weight.tolist(), src.fc2.weight.tolist());
  });

  it("loads a float64 checkpoint into a float32 model (values cast)", () => {
    const m = new nn.Linear(1, 1);
    m.loadStateDict({ weight: tg.tensor([[0.5]], { dtype: "float64" }), bias: tg.tensor([2], { dtype: "float64" }) });
    assert.equal(m.weight.dtype, "float32");
    assertClose(m(tg.tensor([[4]])), [[4]]);
  });
});

describe("Module: toString", () => {
  it("prints a Sequential as PyTorch's tree, with the parameter count", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1, { bias: false }));
    assert.equal(
      seq.toString(),
      [
        "Sequential(",
        "  (0): Linear(inFeatures=2, outFeatures=3, bias=true)",
        "  (1): ReLU()",
        "  (2): Linear(inFeatures=3, outFeatures=1, bias=false)",
        ")",
        "Parameters: 12 (12 trainable)",
      ].join("\n"),
    );
    assert.equal(String(seq), seq.toString());
  });

  it("indents nested modules and shows settings; counts only trainable in the parentheses", () => {
    class Net extends nn.Module {
      features = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2));
      flatten = new nn.Flatten();
      drop = new nn.Dropout(0.25);
      fc = new nn.Linear(1024, 10);
      forward(x: tg.Tensor): tg.Tensor {
        return this.fc(this.drop(this.flatten(this.features(x))));
      }
    }
    const net = new Net();
    net.features.requiresGrad_(false);
    assert.equal(
      net.toString(),
      [
        "Net(",
        "  (features): Sequential(",
        "    (0): Conv2d(1, 4, kernelSize=[3, 3], stride=1, padding=1, dilation=1, groups=1, bias=true)",
        "    (1): ReLU()",
        "    (2): MaxPool2d(kernelSize=2, stride=2, padding=0)",
        "  )",
        "  (flatten): Flatten(startDim=1, endDim=-1)",
        "  (drop): Dropout(p=0.25)",
        "  (fc): Linear(inFeatures=1024, outFeatures=10, bias=true)",
        ")",
        "Parameters: 10,290 (10,250 trainable)",
      ].join("\n"),
    );
    assert.deepEqual(net(tg.randn([2, 1, 32, 32])).shape, [2, 10]);
  });

  it("a leaf module prints on one line", () => {
    assert.equal(new nn.Identity().toString(), "Identity()\nParameters: 0 (0 trainable)");
    assert.equal(new nn.Linear(4, 2).describe(), "Linear(inFeatures=4, outFeatures=2, bias=true)");
  });
});

describe("Module: calling and custom fields", () => {
  it("model(x) equals model.forward(x)", () => {
    tg.manualSeed(6);
    const m = new MLP();
    const x = tg.randn([3, 2]);
    assert.deepEqual(m(x).tolist(), m.forward(x).tolist());
    assert.equal(typeof m, "function");
    assert.ok(m instanceof nn.Module);
    assert.ok(m instanceof MLP);
  });

  it("fields named `name` and `length` belong to the module", () => {
    class Named extends nn.Module {
      // TypeScript sees Function's `name` and `length` in the base type, hence `override`.
      override name = "encoder";
      override length = 7;
      w = new nn.Parameter(tg.tensor([2]));
      forward(x: tg.Tensor): tg.Tensor {
        return x.mul(this.w).add(this.length);
      }
    }
    const m = new Named();
    assert.equal(m.name, "encoder");
    assert.equal(m.length, 7);
    m.name = "decoder";
    assert.equal(m.name, "decoder");
    assertClose(m(tg.tensor([1, 2])), [9, 11]);
    assert.deepEqual(names(m), ["w"]);
  });

  it("a module with several inputs is called with them all", () => {
    class Add extends nn.Module<[tg.Tensor, tg.Tensor]> {
      forward(a: tg.Tensor, b: tg.Tensor): tg.Tensor {
        return a.add(b);
      }
    }
    assert.deepEqual(new Add()(tg.tensor([1]), tg.tensor([2])).tolist(), [3]);
  });

  it("a residual block x + f(x) passes gradcheck and keeps the identity path", () => {
    class Residual extends nn.Module {
      fc1 = new nn.Linear(3, 4);
      fc2 = new nn.Linear(4, 3);
      forward(x: tg.Tensor): tg.Tensor {
        return x.add(this.fc2(this.fc1(x).relu()));
      }
    }
    tg.manualSeed(7);
    const block = new Residual().double();
    const x = tg.randn([2, 3], { dtype: "float64", requiresGrad: true });
    assert.ok(tg.autograd.gradcheck((input) => block(input), [x, ...block.parameters()]));
    // With the branch switched off (fc2 = 0) the block is the identity and the gradient flows through unchanged.
    nn.init.zeros_(block.fc2.weight);
    nn.init.zeros_(block.fc2.bias as tg.Tensor);
    const y = block(x);
    assert.deepEqual(y.tolist(), x.tolist());
    y.sum().backward();
    assertClose(x.grad as tg.Tensor, tg.ones([2, 3]));
    // fc1 gets no gradient through a zero fc2, fc2 does.
    assert.ok(
      Array.from(block.fc1.weight.grad?.toArray() ?? []).every((v) => v === 0),
      "fc1 grad is zero",
    );
    assert.ok((block.fc2.weight.grad?.abs().sum().item() ?? 0) > 0);
  });
});

describe("containers", () => {
  it("Sequential runs its layers in order; append/at/length", () => {
    const seq = new nn.Sequential(new nn.Linear(1, 1), new nn.ReLU());
    tg.noGrad(() => {
      (seq.at(0) as tg.nn.Linear).weight.fill_(-2);
      (seq.at(0) as tg.nn.Linear).bias?.fill_(1);
    });
    assert.equal(seq.length, 2);
    assertClose(seq(tg.tensor([[0], [1], [-1]])), [[1], [0], [3]]);
    assert.equal(seq.append(new nn.Tanh()), seq);
    assert.equal(seq.length, 3);
    assert.ok(seq.at(-1) instanceof nn.Tanh);
    assert.ok(seq.at(1) instanceof nn.ReLU);
    assertClose(seq(tg.tensor([[-1]])), [[Math.tanh(3)]]);
    assert.throws(
      () => seq.at(3),
      (e: Error) => e instanceof tg.IndexError && /index 3 is out of range for 3 layers/.test(e.message),
    );
    assert.deepEqual(names(seq), ["0.weight", "0.bias"]);
  });

  it("an empty Sequential is the identity", () => {
    const seq = new nn.Sequential();
    assert.equal(seq.length, 0);
    const x = tg.tensor([1, 2]);
    assert.equal(seq(x), x);
  });

  it("Sequential with more than 10 layers keeps numeric order", () => {
    const layers = Array.from({ length: 12 }, (_, i) => new nn.Hardtanh(-i, i));
    const seq = new nn.Sequential(...layers);
    assert.deepEqual(
      seq.namedChildren().map(([n]) => n),
      Array.from({ length: 12 }, (_, i) => String(i)),
    );
    assert.equal(seq.at(11), layers[11]);
  });

  it("ModuleList registers its modules and iterates over them", () => {
    const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
    list.append(new nn.Linear(2, 1));
    assert.equal(list.length, 3);
    assert.deepEqual(names(list), ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]);
    const seen: number[] = [];
    for (const l of list) seen.push(l.outFeatures);
    assert.deepEqual(seen, [2, 2, 1]);
    assert.equal(list.at(-1).outFeatures, 1);
    assert.throws(() => list.at(5), tg.IndexError);
    assert.throws(() => (list.forward as () => never)(), /ModuleList has no forward/);

    class Stack extends nn.Module {
      blocks = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
      forward(x: tg.Tensor): tg.Tensor {
        for (const b of this.blocks) x = b(x).relu();
        return x;
      }
    }
    const s = new Stack();
    assert.deepEqual(names(s), ["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias"]);
    assert.deepEqual(s(tg.randn([3, 2])).shape, [3, 2]);
  });

  it("ModuleDict get/set/keys in insertion order", () => {
    const d = new nn.ModuleDict<tg.nn.AnyModule>({ encoder: new nn.Linear(2, 3), act: new nn.ReLU() });
    d.set("decoder", new nn.Linear(3, 2));
    d.set("10", new nn.Tanh());
    assert.deepEqual(d.keys(), ["encoder", "act", "decoder", "10"]);
    assert.ok(d.get("act") instanceof nn.ReLU);
    assert.equal(d.get("missing"), undefined);
    assert.equal(d.get("keys"), undefined);
    assert.deepEqual(names(d), ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"]);
    const replacement = new nn.Sigmoid();
    d.set("act", replacement);
    assert.equal(d.get("act"), replacement);
    assert.deepEqual(d.keys(), ["encoder", "act", "decoder", "10"]);
    assert.throws(() => (d.forward as () => never)(), /ModuleDict has no forward/);
  });

  it("Flatten and Unflatten", () => {
    const x = tg.arange(24).reshape([2, 3, 4]);
    const f = new nn.Flatten();
    assert.deepEqual(f(x).shape, [2, 12]);
    assert.deepEqual(
      f(x).get(1).tolist(),
      Array.from({ length: 12 }, (_, i) => 12 + i),
    );
    assert.deepEqual(new nn.Flatten(0, 1)(x).shape, [6, 4]);
    assert.deepEqual(new nn.Flatten(0)(x).shape, [24]);
    const u = new nn.Unflatten(1, [3, 4]);
    assert.deepEqual(u(f(x)).tolist(), x.tolist());
    assert.equal(u.describe(), "Unflatten(dim=1, sizes=[3, 4])");
    assert.deepEqual(new nn.Unflatten(-1, [2, -1])(x).shape, [2, 3, 2, 2]);
  });

  it("Identity returns its input and passes the gradient through", () => {
    const x = tg.tensor([1, -2], { requiresGrad: true });
    const id = new nn.Identity();
    const y = id(x);
    assert.equal(y, x);
    y.mul(3).sum().backward();
    assert.deepEqual(x.grad?.tolist(), [3, 3]);
  });
});
