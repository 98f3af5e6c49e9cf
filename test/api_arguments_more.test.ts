import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertClose, tg } from "./helpers.ts";

// The argument rule over the namespaces the other walks do not reach: tg.autograd, tg.nn.utils, tg.nn.init, tg.io,
// tg.data (and tg.data.transforms), tg.onnx and tg.utils. Every exported function and class is called (or
// constructed) with its full valid positional arguments, then with one junk positional argument more, then with an
// unknown option: both must throw an ArgumentError naming it. Every export must be listed, so a new one cannot skip
// the rule. Then PyTorch's positional forms, checked against PyTorch 1.13's numbers.

type Fn = (...args: unknown[]) => unknown;
type Ctor = new (...args: unknown[]) => unknown;
const JUNK = Symbol("junk"); // no argument type accepts a symbol
const BAD = { bogusOption: 1 };

interface Entry {
  /** The full valid positional arguments. */
  args: () => unknown[];
  /** The name the ArgumentError gives, when not the export's own (aliases). */
  fn?: string;
  /** Only the refusals are walked: a valid call needs what a test cannot build cheaply. */
  refusalsOnly?: boolean;
}

/** Classes are capitalized (a class behind the rule is a Proxy, whose source text is not "class ..."). */
const isClass = (name: string) => /^[A-Z]/.test(name);
const leaf = (shape: number[] = [2, 3]) => tg.randn(shape, { dtype: "float64", requiresGrad: true });
const lin = () => new tg.nn.Linear(2, 3);
const gen = () => new tg.Generator(0);

function assertRefused(fn: string, call: () => unknown, what: string): void {
  assert.throws(
    call,
    (e: unknown) => e instanceof tg.ArgumentError && e.fn === fn,
    `${fn} must refuse ${what} with an ArgumentError naming ${fn}`,
  );
}

/** Walks `ns`: every function and class must be in `entries` or `exempt`, and each listed one obeys the rule. */
function walk(nsName: string, ns: object, entries: Record<string, Entry>, exempt: Record<string, string> = {}): void {
  const exported = Object.entries(ns)
    .filter(([, v]) => typeof v === "function")
    .map(([k]) => k);
  assert.deepEqual(
    exported.filter((k) => !(k in entries) && !(k in exempt)),
    [],
    `every function and class of ${nsName} is listed`,
  );
  const grad = tg.isGradEnabled();
  for (const [name, e] of Object.entries(entries)) {
    const f = (ns as Record<string, unknown>)[name];
    assert.equal(typeof f, "function", `${nsName}.${name} is exported`);
    const call = (extra: unknown[]) => {
      const args = [...e.args(), ...extra];
      return isClass(name) ? new (f as Ctor)(...args) : (f as Fn)(...args);
    };
    if (!e.refusalsOnly) call([]);
    const fn = e.fn ?? name;
    assertRefused(fn, () => call([JUNK]), `${nsName}.${name}: one positional argument too many`);
    assertRefused(fn, () => call([BAD]), `${nsName}.${name}: an unknown option`);
  }
  tg.setGradEnabled(grad);
}

describe("argument rule: tg.autograd, tg.nn.utils and tg.nn.init", () => {
  it("tg.autograd", () => {
    const cube = () => {
      const x = leaf([3]);
      return [x.pow(3).sum(), x] as const;
    };
    walk(
      "tg.autograd",
      tg.autograd,
      {
        grad: {
          args: () => {
            const [y, x] = cube();
            return [y, [x], null, null, false, true, false, false];
          },
        },
        backward: { args: () => [cube()[0], null, null, false, null, null] },
        gradcheck: { args: () => [(x: tg.Tensor) => x.square(), [leaf([2])]] },
        gradgradcheck: { args: () => [(x: tg.Tensor) => x.pow(3), [leaf([2])], null] },
        noGrad: { args: () => [() => 1] },
        enableGrad: { args: () => [() => 1] },
        setGradEnabled: { args: () => [true] },
        isGradEnabled: { args: () => [] },
        isAnomalyEnabled: { args: () => [] },
        detectAnomaly: { args: () => [() => 1] },
        Node: { args: () => ["MyBackward", [], null, [], false] },
        AccumulateGrad: { args: () => [leaf()] },
      },
      {
        Function: "subclassed; its static apply hands every argument to forward (variadic, as in PyTorch)",
        FunctionCtx: "made by Function.apply, never by a user",
      },
    );
  });

  it("tg.nn.utils", () => {
    const withGrad = () => {
      const p = leaf([2]);
      p.square().sum().backward();
      return p;
    };
    const seqs = () => [tg.randn([3, 2]), tg.randn([1, 2])];
    const sparse = () => new tg.nn.utils.SparseGrad(tg.tensor([0], { dtype: "int32" }), tg.ones([1, 2]), [3, 2], false);
    walk("tg.nn.utils", tg.nn.utils, {
      clipGradNorm_: { args: () => [[withGrad()], 1, 2, false] },
      clipGradValue_: { args: () => [[withGrad()], 0.5] },
      parametersToVector: { args: () => [lin().parameters()] },
      vectorToParameters: { args: () => [tg.zeros([9]), lin().parameters()] },
      padSequence: { args: () => [seqs(), true, 0, "right"] },
      packSequence: { args: () => [seqs(), true] },
      packPaddedSequence: { args: () => [tg.randn([3, 2, 1]), [3, 1], false, true] },
      padPackedSequence: { args: () => [tg.nn.utils.packSequence(seqs()), false, 0, null] },
      PackedSequence: { args: () => [tg.randn([4, 2]), tg.tensor([2, 1, 1], { dtype: "int32" }), null, null] },
      SparseGrad: { args: () => [tg.tensor([0], { dtype: "int32" }), tg.ones([1, 2]), [3, 2], false] },
      sparseGrad: { args: () => [tg.zeros([3, 2])] },
      clearSparseGrad: { args: () => [tg.zeros([3, 2])] },
      accumulateSparseGrad: { args: () => [tg.zeros([3, 2]), sparse()] },
    });
  });

  it("tg.nn.init", () => {
    const w = () => tg.zeros([4, 3]);
    walk("tg.nn.init", tg.nn.init, {
      calculateGain: { args: () => ["leaky_relu", 0.2] },
      calculateFans: { args: () => [w()] },
      constant_: { args: () => [w(), 0.5] },
      zeros_: { args: () => [w()] },
      ones_: { args: () => [w()] },
      eye_: { args: () => [w()] },
      uniform_: { args: () => [w(), -1, 1, gen()] },
      normal_: { args: () => [w(), 0, 1, gen()] },
      xavierUniform_: { args: () => [w(), 1, gen()] },
      xavierNormal_: { args: () => [w(), 1, gen()] },
      orthogonal_: { args: () => [w(), 1, gen()] },
      kaimingUniform_: { args: () => [w(), 0, "fan_in", "leaky_relu", gen()] },
      kaimingNormal_: { args: () => [w(), 0, "fan_in", "leaky_relu", gen()] },
      truncNormal_: { args: () => [w(), 0, 1, -2, 2, gen()] },
      dirac_: { args: () => [tg.zeros([2, 2, 3]), 1] },
      sparse_: { args: () => [w(), 0.5, 0.01, gen()] },
    });
  });
});

describe("argument rule: tg.data, tg.io, tg.onnx and tg.utils", () => {
  it("tg.data", () => {
    const ds = () => new tg.data.ArrayDataset([1, 2, 3]);
    const docs = () => [Int32Array.from([0, 1, 2, 3, 1])];
    walk(
      "tg.data",
      tg.data,
      {
        Dataset: { args: () => [] },
        ArrayDataset: { args: () => [[1, 2, 3]] },
        Subset: { args: () => [ds(), [0, 2]] },
        ConcatDataset: { args: () => [[ds(), ds()]] },
        DataLoader: { args: () => [ds(), 2, false, null, { dropLast: true }] },
        Sampler: { args: () => [] },
        WeightedRandomSampler: { args: () => [[1, 2], 2, true] },
        CsvReader: { args: () => [{ header: false }] },
        CharVocab: { args: () => [".abc", { boundary: "." }] },
        KeyedVectors: { args: () => [["a", "b"], tg.randn([2, 3])] },
        NegativeSampler: { args: () => [[1, 2, 3], 0.75, gen()] },
        SkipGramDataset: { args: () => [docs(), { window: 2 }] },
        CbowDataset: { args: () => [docs(), { window: 2 }] },
        Vocab: { args: () => [["<unk>", "a"], [0, 3], ["<unk>"]] },
        randomSplit: { args: () => [ds(), [1, 2], gen()] },
        defaultCollate: { args: () => [[1, 2]] },
        parseCsv: { args: () => ["a,b\n1,2\n", { target: "b" }] },
        parseIdx: { args: () => [Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 5, 6])] },
        charContextDataset: { args: () => [["emma"], 3, tg.data.CharVocab.fromWords(["emma"])] },
        subsample: { args: () => [Int32Array.from([0, 1]), Float64Array.from([1, 1]), gen()] },
        subsamplingProbs: { args: () => [[1, 2], 1e-3] },
        tokenize: { args: () => ["Hello world", { lowercase: true }] },
        tsne: { args: () => [tg.randn([6, 3]), { iterations: 10, perplexity: 2 }] },
        ...Object.fromEntries(
          ["circle", "gauss", "gaussian", "moons", "plane", "spiral", "xor"].map((n) => [n, { args: () => [{ n: 8, seed: 1 }] }]),
        ),
      },
      { TensorDataset: "variadic as in PyTorch (...tensors); each argument must be a Tensor (tested below)" },
    );
    assertRefused("TensorDataset", () => new tg.data.TensorDataset(tg.zeros([2]), JUNK as never), "a non-tensor");
  });

  it("tg.data.transforms", () => {
    walk("tg.data.transforms", tg.data.transforms, {
      Transform: { args: () => [] },
      Compose: { args: () => [[(x: unknown) => x]] },
      Lambda: { args: () => [(x: unknown) => x] },
      Normalize: { args: () => [[0.5], [0.25], false] },
      RandomCrop: { args: () => [2, null, false, 0, "constant"] },
      CenterCrop: { args: () => [2] },
      RandomHorizontalFlip: { args: () => [0.5] },
      RandomVerticalFlip: { args: () => [0.5] },
      ToTensor: { args: () => [] },
    });
  });

  it("tg.io", () => {
    const model = lin();
    const spec = () => tg.io.describeModule(model, "model");
    const bytes = () => tg.io.checkpointToBytes({ model, optimizer: new tg.optim.SGD(model.parameters(), 0.1) });
    walk(
      "tg.io",
      tg.io,
      {
        checkpointToBytes: { args: () => [{ model }] },
        checkpointFromBytes: { args: () => [bytes()] },
        loadModelState: { args: () => [model, tg.io.checkpointFromBytes(bytes()), { strict: true }] },
        loadOptimizerState: { args: () => [new tg.optim.SGD(model.parameters(), 0.1), tg.io.checkpointFromBytes(bytes())] },
        restoreCheckpoint: { args: () => [tg.io.checkpointFromBytes(bytes()), { model }] },
        saveModelBytes: { args: () => [model] },
        loadModel: { args: () => [tg.io.saveModelBytes(model)] },
        modelFromCheckpoint: { args: () => [tg.io.checkpointFromBytes(tg.io.saveModelBytes(model))] },
        describeModule: { args: () => [model, "model"] },
        parseModuleSpec: { args: () => [spec(), "model"] },
        buildModule: { args: () => [spec()] },
        pytorchCode: { args: () => [spec(), { weights: "model.safetensors" }] },
        pytorchExpression: { args: () => [spec(), ""] },
        encodeSafetensors: { args: () => [{ w: tg.ones([2]) }, { format: "pt" }, { int64: false }] },
        decodeSafetensors: { args: () => [tg.io.encodeSafetensors({ w: tg.ones([2]) })] },
      },
      {
        floatToHalfBits: "one number in, its bits out: made to be an Array.map callback (value, index, array)",
        floatToBFloat16Bits: "as floatToHalfBits",
      },
    );
  });

  it("tg.onnx", () => {
    const model = lin();
    const x = () => tg.randn([1, 2]);
    walk("tg.onnx", tg.onnx, {
      export: { args: () => [model, x(), { opsetVersion: 17 }], fn: "exportOnnx" },
      exportOnnx: { args: () => [model, x(), { opsetVersion: 17 }] },
      load: { args: () => [tg.onnx.export(model, x())], fn: "loadOnnx" },
      loadOnnx: { args: () => [tg.onnx.export(model, x())] },
      OnnxModule: { args: () => [{}], refusalsOnly: true },
    });
  });

  it("tg.utils", () => {
    const model = lin();
    model(tg.randn([4, 2]))
      .sum()
      .backward();
    const preds = () => tg.tensor([0, 1, 2, 1], { dtype: "int32" });
    const targets = () => tg.tensor([0, 1, 1, 1], { dtype: "int32" });
    const overfit = () => ({
      model: new tg.nn.Linear(2, 1),
      lossFn: (o: tg.Tensor, t: tg.Tensor) => tg.nn.functional.mseLoss(o, t),
      inputs: tg.randn([4, 2]),
      targets: tg.randn([4, 1]),
      lr: 0.1,
      steps: 2,
    });
    walk("tg.utils", tg.utils, {
      EarlyStopping: { args: () => [{ patience: 3 }] },
      accuracy: { args: () => [preds(), targets()] },
      confusionMatrix: { args: () => [preds(), targets(), 3] },
      precisionRecallF1: { args: () => [preds(), targets(), 3] },
      gradientNorms: { args: () => [model, 2] },
      checkGradients: { args: () => [model, { vanishThreshold: 1e-7 }] },
      checkGradientsAsync: { args: () => [model, { vanishThreshold: 1e-7 }] },
      overfitCheck: { args: () => [overfit()] },
    });
  });

  it("the wrapped classes are the classes: instanceof, statics and subclassing", () => {
    const s = new tg.data.Subset(new tg.data.ArrayDataset([1, 2, 3]), [2]);
    assert.ok(s instanceof tg.data.Subset && s instanceof tg.data.Dataset);
    assert.deepEqual([...s], [3]);
    class Squares extends tg.data.Dataset<number> {
      constructor(readonly n: number) {
        super();
      }
      get length() {
        return this.n;
      }
      get(i: number) {
        return i * i;
      }
    }
    assert.deepEqual([...new Squares(3)], [0, 1, 4]); // a subclass reads its own arguments
    assert.ok(tg.data.CharVocab.fromWords(["ab"]) instanceof tg.data.CharVocab);
    const y = leaf([2]).sum();
    assert.ok(y.gradFn instanceof tg.autograd.Node);
    assert.ok(tg.nn.utils.packSequence([tg.randn([2, 1])]) instanceof tg.nn.utils.PackedSequence);
  });
});

/** Walks the public methods of `proto` (own, not "_"-prefixed) on instances `make()` returns. */
function walkMethods(
  what: string,
  proto: object,
  make: () => object,
  entries: Record<string, Entry>,
  exempt: Record<string, string> = {},
): void {
  const names = Object.getOwnPropertyNames(proto).filter(
    (k) => k !== "constructor" && !k.startsWith("_") && typeof Object.getOwnPropertyDescriptor(proto, k)?.value === "function",
  );
  assert.deepEqual(
    names.filter((k) => !(k in entries) && !(k in exempt)),
    [],
    `every method of ${what} is listed`,
  );
  for (const [name, e] of Object.entries(entries)) {
    const call = (extra: unknown[]) => {
      const self = make() as Record<string, Fn>;
      return self[name].call(self, ...e.args(), ...extra);
    };
    if (!e.refusalsOnly) call([]);
    assertRefused(e.fn ?? name, () => call([JUNK]), `${what}.${name}: one positional argument too many`);
    assertRefused(e.fn ?? name, () => call([BAD]), `${what}.${name}: an unknown option`);
  }
}

describe("argument rule: the methods of nn.Module, optimizers and lr schedulers", () => {
  it("nn.Module", () => {
    const model = () => new tg.nn.Sequential(new tg.nn.Linear(2, 3));
    walkMethods("nn.Module", tg.nn.Module.prototype, model, {
      extraRepr: { args: () => [] },
      registerBuffer: { args: () => ["buf", tg.zeros([1]), true] },
      namedChildren: { args: () => [] },
      children: { args: () => [] },
      namedModules: { args: () => [""] },
      modules: { args: () => [] },
      namedParameters: { args: () => ["", true] },
      parameters: { args: () => [true] },
      namedBuffers: { args: () => [""] },
      buffers: { args: () => [] },
      train: { args: () => [true] },
      eval: { args: () => [] },
      zeroGrad: { args: () => [true] },
      apply: { args: () => [() => undefined] },
      requiresGrad_: { args: () => [true] },
      to: { args: () => ["cpu", "float32"] },
      toAsync: { args: () => ["cpu", "float32"], refusalsOnly: true },
      double: { args: () => [] },
      float: { args: () => [] },
      stateDict: { args: () => [] },
      stateEntries: { args: () => [] },
      loadStateDict: { args: () => [model().stateDict(), true] },
      countParameters: { args: () => [false] },
      toString: { args: () => [] },
      describe: { args: () => [] },
    });
  });

  it("optimizers (Optimizer and LBFGS, which overrides step)", () => {
    const p = () => tg.zeros([2], { requiresGrad: true });
    const sgd = () => new tg.optim.SGD([p()], 0.1);
    walkMethods(
      "Optimizer",
      tg.optim.Optimizer.prototype,
      sgd,
      {
        addParamGroup: { args: () => [{ params: [p()] }] },
        zeroGrad: { args: () => [false] },
        step: { args: () => [() => 0] },
        stateDict: { args: () => [] },
        loadStateDict: { args: () => [sgd().stateDict()] },
      },
      { checkSparse: "internal (TypeScript-private): refuses a sparse gradient the optimizer cannot step on" },
    );
    const lbfgs = () => {
      const w = p();
      const opt = new tg.optim.LBFGS([w], { lr: 1 });
      return Object.assign(opt, { w });
    };
    const internal = "internal (TypeScript-private): one step of the algorithm";
    walkMethods(
      "LBFGS",
      tg.optim.LBFGS.prototype,
      lbfgs,
      {
        addParamGroup: { args: () => [{ params: [p()] }], refusalsOnly: true },
        step: {
          args: () => {
            const w = tg.zeros([2], { requiresGrad: true });
            return [() => w.sub(1).square().sum().item()];
          },
        },
        stateDict: { args: () => [] },
        loadStateDict: { args: () => [lbfgs().stateDict()] },
      },
      { update: "internal (TypeScript-protected): LBFGS steps in run", gatherFlatGrad: internal, addGrad: internal, run: internal },
    );
  });

  it("lr schedulers (LRScheduler, SequentialLR and ReduceLROnPlateau)", () => {
    const opt = () => new tg.optim.SGD([tg.zeros([2], { requiresGrad: true })], 0.1);
    const { StepLR, SequentialLR, ReduceLROnPlateau, ExponentialLR, LRScheduler } = tg.optim.lrScheduler;
    const step = () => new StepLR(opt(), 2);
    walkMethods(
      "LRScheduler",
      LRScheduler.prototype,
      step,
      {
        step: { args: () => [3] },
        getLastLr: { args: () => [] },
        stateDict: { args: () => [] },
        loadStateDict: { args: () => [step().stateDict()] },
      },
      {
        initialStep: "run once by each constructor",
        getLr: "overridden by each scheduler: the rate of this epoch",
        closedFormLr: "internal (TypeScript-protected): the rate of step(epoch)",
        groupLrs: "internal (TypeScript-protected)",
        excludedStateKeys: "internal (TypeScript-protected)",
      },
    );
    const seq = () => {
      const o = opt();
      return new SequentialLR(o, [new StepLR(o, 2), new ExponentialLR(o, 0.9)], [2]);
    };
    walkMethods(
      "SequentialLR",
      SequentialLR.prototype,
      seq,
      {
        step: { args: () => [] },
        stateDict: { args: () => [] },
        loadStateDict: { args: () => [seq().stateDict()] },
      },
      { getLr: "the current scheduler's rate", excludedStateKeys: "internal (TypeScript-protected)" },
    );
    const plateau = () => new ReduceLROnPlateau(opt());
    walkMethods(
      "ReduceLROnPlateau",
      ReduceLROnPlateau.prototype,
      plateau,
      {
        step: { args: () => [1.5] },
        isBetter: { args: () => [1, 2] },
        getLastLr: { args: () => [] },
        stateDict: { args: () => [] },
        loadStateDict: { args: () => [plateau().stateDict()] },
      },
      {
        initIsBetter: "internal (TypeScript-private)",
        reduceLr: "internal (TypeScript-private)",
      },
    );
  });

  it("PyTorch's positional booleans: zeroGrad(false) zeroes, loadStateDict(sd, false) is not strict", () => {
    const model = new tg.nn.Linear(2, 1);
    model(tg.ones([1, 2]))
      .sum()
      .backward();
    model.zeroGrad(false); // PyTorch: zero_grad(set_to_none=False)
    assert.deepEqual(model.weight.grad?.tolist(), [[0, 0]]);
    model.zeroGrad();
    assert.equal(model.weight.grad, null);
    const opt = new tg.optim.SGD(model.parameters(), 0.1);
    model(tg.ones([1, 2]))
      .sum()
      .backward();
    opt.zeroGrad(false);
    assert.deepEqual(model.bias?.grad?.tolist(), [0]);
    // load_state_dict(sd, strict=False) with a missing key: reported, not thrown
    const { weight } = model.stateDict();
    const result = model.loadStateDict({ weight }, false);
    assert.deepEqual(result.missingKeys, ["bias"]);
    assert.throws(() => model.loadStateDict({ weight }, true), /bias/);
    assert.throws(() => model.zeroGrad({ set_to_none: false } as never), /unknown option "set_to_none" \(did you mean "setToNone"\?\)/);
  });
});

describe("argument rule: the methods of tg.data, tg.utils and tg.nn.utils classes", () => {
  it("instance methods and static constructors", () => {
    const vocab = () => new tg.data.CharVocab(".ab");
    walkMethods("CharVocab", tg.data.CharVocab.prototype, vocab, { encode: { args: () => ["ab"] }, decode: { args: () => [[1, 2]] } });
    walkMethods("CharVocab (static)", tg.data.CharVocab, () => tg.data.CharVocab, {
      fromText: { args: () => ["abc", { boundary: "." }] },
      fromWords: { args: () => [["ab"], "."] },
    });
    const kv = () => new tg.data.KeyedVectors(["a", "b", "c", "d"], tg.randn([4, 3]));
    walkMethods("KeyedVectors", tg.data.KeyedVectors.prototype, kv, {
      has: { args: () => ["a"] },
      closeSpellings: { args: () => ["a", 2] },
      indexOf: { args: () => ["a"] },
      getVector: { args: () => ["a"] },
      similarity: { args: () => ["a", "b"] },
      mostSimilar: { args: () => ["a", 2, { negative: ["b"] }] },
      analogy: { args: () => ["a", "b", "c", 1] },
      slice: { args: () => [2] },
    });
    const ckpt = () => ({ modelState: { "inEmbed.weight": tg.randn([2, 3]) }, config: { vocab: ["a", "b"] } });
    walkMethods("KeyedVectors (static)", tg.data.KeyedVectors, () => tg.data.KeyedVectors, {
      fromCheckpoint: { args: () => [ckpt(), "inEmbed.weight"], refusalsOnly: true },
    });
    const neg = () => new tg.data.NegativeSampler([1, 2, 3]);
    walkMethods("NegativeSampler", tg.data.NegativeSampler.prototype, neg, {
      sampleIds: { args: () => [4] },
      sample: { args: () => [[2, 2]] },
    });
    const docs = () => [Int32Array.from([0, 1, 2, 1])];
    walkMethods("SkipGramDataset", tg.data.SkipGramDataset.prototype, () => new tg.data.SkipGramDataset(docs()), {
      estimatedPairs: { args: () => [] },
    });
    walkMethods("CbowDataset", tg.data.CbowDataset.prototype, () => new tg.data.CbowDataset(docs()), {
      estimatedExamples: { args: () => [] },
    });
    const words = () => tg.data.Vocab.build([["a", "b", "a"]]);
    walkMethods(
      "Vocab",
      tg.data.Vocab.prototype,
      words,
      { has: { args: () => ["a"] }, count: { args: () => ["a"] }, encode: { args: () => [["a"]] }, decode: { args: () => [[1]] } },
      { toJSON: "JSON.stringify calls it with the key" },
    );
    walkMethods("Vocab (static)", tg.data.Vocab, () => tg.data.Vocab, {
      build: { args: () => [[["a", "b"]], { minFreq: 1 }] },
      fromJSON: { args: () => [words().toJSON()] },
    });
    const ds = () => new tg.data.ArrayDataset([1, 2, 3]);
    walkMethods("DataLoader", tg.data.DataLoader.prototype, () => new tg.data.DataLoader(ds(), 2), { batchIndices: { args: () => [] } });
    walkMethods("WeightedRandomSampler", tg.data.WeightedRandomSampler.prototype, () => new tg.data.WeightedRandomSampler([1, 2], 2), {
      sample: { args: () => [] },
    });
    walkMethods("ArrayDataset", tg.data.ArrayDataset.prototype, ds, { get: { args: () => [0] } });
    walkMethods("TensorDataset", tg.data.TensorDataset.prototype, () => new tg.data.TensorDataset(tg.zeros([3, 2])), {
      get: { args: () => [0] },
    });
    walkMethods("Subset", tg.data.Subset.prototype, () => new tg.data.Subset(ds(), [1]), { get: { args: () => [0] } });
    walkMethods("ConcatDataset", tg.data.ConcatDataset.prototype, () => new tg.data.ConcatDataset([ds(), ds()]), {
      get: { args: () => [4] },
    });
    const stopper = () => new tg.utils.EarlyStopping({ patience: 2 });
    walkMethods("EarlyStopping", tg.utils.EarlyStopping.prototype, stopper, {
      isImprovement: { args: () => [1] },
      step: { args: () => [1, new tg.nn.Linear(1, 1)] },
      restore: { args: () => [new tg.nn.Linear(1, 1)] },
      reset: { args: () => [] },
    });
    const sparse = () => new tg.nn.utils.SparseGrad(tg.tensor([0], { dtype: "int32" }), tg.ones([1, 2]), [3, 2]);
    walkMethods("SparseGrad", tg.nn.utils.SparseGrad.prototype, sparse, {
      coalesce: { args: () => [] },
      toDense: { args: () => [] },
      add: { args: () => [sparse()] },
    });
  });
});

describe("PyTorch's positional forms", () => {
  it("nn.init: kaimingUniform_(w, a, mode, nonlinearity), as torch.nn.init", () => {
    // PyTorch: the bound of kaiming_uniform_(w, a=sqrt(5)) on a [64, 128] weight is 1/sqrt(128) = 0.08838834764831845;
    // with mode='fan_out', nonlinearity='relu': sqrt(2)*sqrt(3)/sqrt(64) = 0.30618621784789724.
    const w = tg.zeros([64, 128]);
    tg.nn.init.kaimingUniform_(w, Math.sqrt(5));
    const m1 = w.abs().max().item();
    assert.ok(m1 <= 0.08838834764831845 && m1 > 0.95 * 0.08838834764831845, `bound ${m1}`);
    tg.nn.init.kaimingUniform_(w, 0, "fan_out", "relu");
    const m2 = w.abs().max().item();
    assert.ok(m2 <= 0.30618621784789724 && m2 > 0.95 * 0.30618621784789724, `bound ${m2}`);
    // the positional form and the options form draw the same numbers from the same generator
    const a = tg.nn.init.kaimingNormal_(tg.zeros([3, 4]), 0.1, "fan_out", "relu", new tg.Generator(7));
    const b = tg.nn.init.kaimingNormal_(tg.zeros([3, 4]), { a: 0.1, mode: "fanOut", nonlinearity: "relu", generator: new tg.Generator(7) });
    assert.deepEqual(a.tolist(), b.tolist());
    // torch.nn.init.calculate_gain('leaky_relu', 0.2), calculate_gain('tanh')
    assert.equal(tg.nn.init.calculateGain("leaky_relu", 0.2), 1.3867504905630728);
    assert.equal(tg.nn.init.calculateGain("tanh"), 5 / 3);
    assert.throws(() => tg.nn.init.kaimingUniform_(w, 0, "fan_avg" as never), /kaimingUniform_: mode must be "fan_in" \| "fan_out"/);
    assert.throws(() => tg.nn.init.calculateGain("swish" as never), /calculateGain: nonlinearity must be/);
    assert.throws(() => tg.nn.init.constant_(w), /constant_: missing required argument "val"/);
    assert.throws(() => tg.nn.init.uniform_(w, { low: 0 } as never), /unknown option "low"/);
  });

  it("autograd.grad(outputs, inputs, gradOutputs, retainGraph, createGraph): second derivatives as PyTorch", () => {
    // torch: x = [1., 2., 3.]; y = (x**3).sum(); dx = grad(y, x, None, None, True) -> [3, 12, 27]; grad(dx.sum(), x) -> [6, 12, 18]
    const x = tg.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const [dx] = tg.autograd.grad(x.pow(3).sum(), x, null, null, true);
    assertClose(dx as tg.Tensor, [3, 12, 27]);
    const [d2x] = tg.autograd.grad((dx as tg.Tensor).sum(), [x]);
    assertClose(d2x as tg.Tensor, [6, 12, 18]);
    // allowUnused positionally (7th), as in PyTorch
    const z = tg.tensor([1], { dtype: "float64", requiresGrad: true });
    assert.deepEqual(tg.autograd.grad(x.sum(), [x, z], null, null, false, true, true)[1], null);
    assert.throws(
      () => tg.autograd.grad(x.sum(), [x], { retain_graph: true } as never),
      /unknown option "retain_graph" \(did you mean "retainGraph"\?\)/,
    );
    assert.throws(() => tg.autograd.grad(x.sum(), [x], null, null, false, false as never), /grad: onlyInputs must be true/);
  });

  it("autograd.backward(tensors, gradTensors, retainGraph): gradients of several outputs summed", () => {
    // torch: x = [1., 2.]; backward([(x**2).sum(), (3*x).sum()]) -> x.grad = [5, 7]
    const x = tg.tensor([1, 2], { dtype: "float64", requiresGrad: true });
    tg.autograd.backward([x.square().sum(), x.mul(3).sum()]);
    assertClose(x.grad as tg.Tensor, [5, 7]);
    // y = x * [1, 10]; backward(y, [1, 1], True) twice -> grad [2, 20] (retainGraph positionally)
    const w = tg.tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const y = w.mul(tg.tensor([1, 10], { dtype: "float64" }));
    tg.autograd.backward(y, tg.onesLike(y), true);
    tg.autograd.backward(y, [tg.onesLike(y)]);
    assertClose(w.grad as tg.Tensor, [2, 20]);
    assert.throws(() => tg.autograd.backward(y.mul(2)), /backward: grad can be implicitly created only for scalar outputs/);
    assert.throws(() => tg.autograd.backward(x.sum(), null, null, false, null, [x] as never), /backward: inputs must be null/);
  });

  it("gradcheck(func, inputs) takes a tensor, gradgradcheck(func, inputs, gradOutputs) given outputs' gradients", () => {
    const x = leaf([3]);
    assert.equal(
      tg.autograd.gradcheck((t: tg.Tensor) => t.tanh(), x),
      true,
    );
    assert.equal(
      tg.autograd.gradgradcheck((t: tg.Tensor) => t.pow(3), [x], [leaf([3])]),
      true,
    );
    assert.equal(
      tg.autograd.gradcheck((t: tg.Tensor) => t.mul(1.01).detach().requiresGrad_(true), [x], { raiseException: false }),
      false,
    );
    assert.throws(() => tg.autograd.gradcheck((t: tg.Tensor) => t, [x], 1e-6 as never), /gradcheck: takes at most 2 positional arguments/);
  });

  it("clipGradNorm_(parameters, maxNorm, normType, errorIfNonfinite) and clipGradValue_, as torch.nn.utils", () => {
    const p = tg.tensor([3, 4], { requiresGrad: true });
    p.mul(tg.tensor([3, 4]))
      .sum()
      .backward(); // grad [3, 4], norm 5
    // torch: clip_grad_norm_(p, 1.0) returns 5 and scales the grad to [0.6, 0.8] (÷ (5 + 1e-6))
    assertClose(tg.nn.utils.clipGradNorm_([p], 1, 2, false), 5);
    assertClose(p.grad as tg.Tensor, [0.59999988, 0.79999984]);
    // errorIfNonfinite positionally (4th), which used to be read as an (empty) options object and ignored
    const q = tg.tensor([1], { requiresGrad: true });
    q.mul(Number.NaN).sum().backward();
    assert.throws(() => tg.nn.utils.clipGradNorm_(q, 1, 2, true), /non-finite/);
    assert.throws(() => tg.nn.utils.clipGradNorm_([p], 1, "two" as never), /clipGradNorm_: normType must be a number or "inf"/);
    tg.nn.utils.clipGradValue_([p], 0.7);
    assertClose(p.grad as tg.Tensor, [0.59999988, 0.7]);
    assert.throws(() => tg.nn.utils.clipGradValue_([p, 3 as never], 1), /clipGradValue_: parameters\[1\] is not a Tensor/);
  });

  it("parametersToVector / vectorToParameters, as torch.nn.utils", () => {
    const w = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tg.tensor([5, 6]);
    // torch: parameters_to_vector([w, b]) -> [1, 2, 3, 4, 5, 6]
    assert.deepEqual(tg.nn.utils.parametersToVector([w, b]).tolist(), [1, 2, 3, 4, 5, 6]);
    tg.nn.utils.vectorToParameters(tg.arange(6).float(), [w, b]);
    assert.deepEqual(
      [w.tolist(), b.tolist()],
      [
        [
          [0, 1],
          [2, 3],
        ],
        [4, 5],
      ],
    );
    assert.throws(() => tg.nn.utils.vectorToParameters(tg.zeros([5]), [w, b]), /vec has 5 elements but the parameters have 6/);
    // differentiable, as torch.cat of views
    const a = leaf([2, 2]);
    const c = leaf([3]);
    assert.equal(
      tg.autograd.gradcheck((u: tg.Tensor, v: tg.Tensor) => tg.nn.utils.parametersToVector([u, v]).square(), [a, c]),
      true,
    );
  });

  it("DataLoader(dataset, batchSize, shuffle, sampler) positionally, and collateFn as PyTorch names it", () => {
    const ds = new tg.data.ArrayDataset([0, 1, 2, 3, 4]);
    const batches = (l: Iterable<unknown>) => [...l].map((b) => (b as tg.Tensor).tolist());
    assert.deepEqual(batches(new tg.data.DataLoader(ds, 2)), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(batches(new tg.data.DataLoader(ds, 2, false, [4, 3, 2], { dropLast: true })), [[4, 3]]);
    const shuffled = batches(new tg.data.DataLoader(ds, 5, true, { generator: new tg.Generator(3) }));
    assert.deepEqual([...(shuffled[0] as number[])].sort(), [0, 1, 2, 3, 4]);
    const sums = [...new tg.data.DataLoader(ds, { batchSize: 2, collateFn: (xs: number[]) => xs.reduce((p, q) => p + q, 0) })];
    assert.deepEqual(sums, [1, 5, 4]);
    assert.throws(() => new tg.data.DataLoader(ds, 2, 1 as never), /DataLoader: shuffle must be true or false, got 1/);
    assert.throws(
      () => new tg.data.DataLoader(ds, { batch_size: 2 } as never),
      /unknown option "batch_size" \(did you mean "batchSize"\?\)/,
    );
  });

  it("randomSplit(dataset, lengths, generator) positionally, as torch.utils.data.random_split", () => {
    const ds = new tg.data.ArrayDataset([0, 1, 2, 3, 4]);
    const [a, b] = tg.data.randomSplit(ds, [2, 3], new tg.Generator(1));
    const [c, d] = tg.data.randomSplit(ds, { lengths: [2, 3], generator: new tg.Generator(1) } as never);
    assert.deepEqual([[...a], [...b]], [[...c], [...d]]);
    assert.deepEqual([...a, ...b].sort(), [0, 1, 2, 3, 4]);
    assert.throws(() => tg.data.randomSplit(ds, [2, 3], 42 as never), /randomSplit: generator must be a Generator/);
  });
});
