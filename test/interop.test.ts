import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as tg from "tensorgrad";
import { fixtureModels } from "../scripts/pytorch/fixture_models.ts";

const { nn } = tg;

function maxAbsDiff(a: tg.Tensor, b: tg.Tensor): number {
  return a.sub(b).abs().max().item();
}

/** The PyTorch 1.13 state dicts, inputs and outputs written by scripts/pytorch/make_fixture.py. */
function pytorchFixture(name: string) {
  const { tensors } = tg.io.decodeSafetensors(
    new Uint8Array(readFileSync(new URL("fixtures/pytorch_models.safetensors", import.meta.url))),
  );
  const state: tg.nn.StateDict = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith(`${name}.`)) state[k.slice(name.length + 1)] = t;
  return { state, input: tensors[`${name}:input`], output: tensors[`${name}:output`] };
}

describe("state dicts use PyTorch's keys", () => {
  it("spells buffers as PyTorch does, and every camelCase field in snake_case", () => {
    const bn = new nn.BatchNorm2d(3);
    assert.deepEqual(Object.keys(bn.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    assert.equal(nn.stateDictKey("weightIhL0"), "weight_ih_l0");
    assert.equal(nn.stateDictKey("biasHhL0Reverse"), "bias_hh_l0_reverse");
    assert.equal(nn.stateDictKey("inProjWeight"), "in_proj_weight");
    assert.equal(nn.stateDictKey("weight"), "weight");
    assert.ok(bn.runningMean, "the JS property stays camelCase");
  });

  for (const name of ["mlp", "cnn", "emb", "lstm", "gru", "attn"] as const) {
    it(`loads PyTorch's ${name} with strict and gives PyTorch's outputs`, () => {
      const { state, input, output } = pytorchFixture(name);
      const model = fixtureModels[name]();
      model.loadStateDict(state); // strict by default
      model.eval();
      const y = tg.noGrad(() => model(input));
      assert.ok(maxAbsDiff(y, output) <= 1e-5, `max abs diff ${maxAbsDiff(y, output)}`);
      assert.deepEqual(Object.keys(model.stateDict()).sort(), Object.keys(state).sort());
    });
  }

  it("the PyTorch CNN's BatchNorm statistics are not the defaults (so the check above means something)", () => {
    const { state } = pytorchFixture("cnn");
    assert.ok(state["1.running_mean"].abs().sum().item() > 0.1);
    assert.equal(state["1.num_batches_tracked"].item(), 3);
  });

  it("loads the camelCase keys this project wrote before", () => {
    const bnA = new nn.BatchNorm1d(3);
    const a = new nn.Sequential(new nn.Linear(2, 3), bnA);
    a(tg.randn([4, 2]));
    const old: tg.nn.StateDict = {};
    for (const [k, t] of Object.entries(a.stateDict()))
      old[
        k.replace("running_mean", "runningMean").replace("running_var", "runningVar").replace("num_batches_tracked", "numBatchesTracked")
      ] = t;
    assert.ok("1.runningMean" in old);
    const bn = new nn.BatchNorm1d(3);
    const b = new nn.Sequential(new nn.Linear(2, 3), bn);
    const result = b.loadStateDict(old);
    assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(bn.runningMean?.tolist(), bnA.runningMean?.tolist());
    assert.equal(bn.numBatchesTracked?.item(), 1);
  });

  it("a key that differs only in spelling is an error naming both, even with strict: false", () => {
    const bn = new nn.BatchNorm1d(2);
    const sd = bn.stateDict();
    const renamed = {
      weight: sd.weight,
      bias: sd.bias,
      runningmean: sd.running_mean,
      running_var: sd.running_var,
      num_batches_tracked: sd.num_batches_tracked,
    };
    assert.throws(() => bn.loadStateDict(renamed, { strict: false }), /"runningmean" \(did you mean "running_mean"\?\)/);
    assert.throws(() => bn.loadStateDict(renamed), /did you mean "running_mean"/);
    // A key that is simply absent is still skipped with strict: false, and reported.
    const { running_var: _, ...partial } = sd;
    assert.deepEqual(bn.loadStateDict(partial, { strict: false }), { missingKeys: ["running_var"], unexpectedKeys: [] });
    assert.throws(() => bn.loadStateDict(sd, { strict: "no" as unknown as boolean }), /strict must be a boolean/);
    assert.throws(() => bn.loadStateDict(sd, { strcit: true } as { strict?: boolean }), /unknown option "strcit"/);
  });
});

describe("dtypes at the boundary", () => {
  it(".to of a dtype tensorgrad stores but does not compute in throws a DTypeError naming the supported ones", () => {
    for (const d of ["float16", "bfloat16", "int64"]) {
      assert.throws(
        () => tg.ones([2]).to(d as tg.DType),
        (e: unknown) => e instanceof tg.DTypeError && /float32, float64, int32, bool/.test(e.message) && /floatDType/.test(e.message),
      );
    }
    assert.throws(() => tg.ones([2]).to("complex64" as tg.DType), tg.DTypeError);
  });

  // PyTorch 1.13: t.half() / t.bfloat16() of these float32 values, as 16-bit patterns.
  const values = [
    0.1,
    -2.5,
    65504,
    70000,
    65519.99,
    65520,
    1e-8,
    6e-8,
    3.3,
    Infinity,
    -Infinity,
    1 / 3,
    0.00006103515625,
    2.9802322387695312e-8,
    4.5e-8,
    1.00048828125,
    1.00146484375,
    -0,
    1.00390625,
    1.01171875,
    3.4e38,
  ];
  const half = [
    11878, 49408, 31743, 31744, 31743, 31744, 0, 1, 17050, 31744, 64512, 13653, 1024, 0, 1, 15360, 15362, 32768, 15364, 15372, 31744,
  ];
  const bf16 = [
    15821, 49184, 18304, 18313, 18304, 18304, 12844, 13185, 16467, 32640, 65408, 16043, 14464, 13056, 13121, 16256, 16256, 32768, 16256,
    16258, 32640,
  ];

  it("rounds to float16 and bfloat16 exactly as PyTorch does", () => {
    assert.deepEqual(values.map(tg.io.floatToHalfBits), half);
    assert.deepEqual(values.map(tg.io.floatToBFloat16Bits), bf16);
    assert.equal(tg.io.floatToHalfBits(Number.NaN) & 0x7e00, 0x7e00);
  });

  it("saveSafetensors writes float16/bfloat16 copies and int64, which load back", () => {
    const t = tg.tensor(values.slice(0, 4));
    const n = tg.tensor(7, { dtype: "int32" });
    for (const [floatDType, bits, code] of [
      ["float16", half, "F16"],
      ["bfloat16", bf16, "BF16"],
    ] as const) {
      const bytes = tg.io.encodeSafetensors({ w: t, n }, undefined, { floatDType, int64: true });
      const { tensors, fileDTypes } = tg.io.decodeSafetensors(bytes);
      assert.deepEqual(fileDTypes, { w: code, n: "I64" });
      assert.equal(tensors.n.item(), 7);
      const back = tensors.w.tolist() as number[];
      const toBits = floatDType === "float16" ? tg.io.floatToHalfBits : tg.io.floatToBFloat16Bits;
      assert.deepEqual(back.map(toBits), bits.slice(0, 4));
    }
    assert.throws(
      () => tg.io.encodeSafetensors({ t }, undefined, { floatDType: "float8" as "float16" }),
      /floatDType "float8" is not supported/,
    );
    assert.throws(() => tg.io.encodeSafetensors({ t }, undefined, { int46: true } as { int64?: boolean }), /unknown option "int46"/);
  });
});

describe("self-describing models", () => {
  const cnn = () =>
    new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1, stride: 1 }),
      new nn.BatchNorm2d(4),
      new nn.LeakyReLU(0.2),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(16, 8, { bias: false }),
      new nn.LayerNorm(8),
      new nn.GELU("tanh"),
      new nn.Dropout(0.1),
      new nn.Linear(8, 3),
      new nn.LogSoftmax(1),
    );

  it("describes the module tree as data and rebuilds it with the same outputs", () => {
    tg.manualSeed(1);
    const model = cnn();
    model(tg.randn([4, 1, 4, 4])); // training step: BatchNorm statistics move
    model.eval();
    const spec = tg.io.describeModule(model);
    assert.equal(spec.children?.length, 11);
    assert.deepEqual(spec.children?.[5], { type: "Linear", args: [16, 8], options: { bias: false } });
    const rebuilt = tg.nn.loadModel(tg.nn.saveModelBytes(model));
    rebuilt.eval();
    const x = tg.randn([2, 1, 4, 4]);
    assert.equal(maxAbsDiff(rebuilt(x), model(x)), 0);
    assert.equal(tg.io.describeModule(rebuilt).children?.[7].args[0], "tanh");
  });

  it("checkpoints record the architecture; optimizer state never blocks loading the model", () => {
    const model = cnn();
    const opt = new tg.optim.Adam(model.parameters());
    model(tg.randn([2, 1, 4, 4]))
      .sum()
      .backward();
    opt.step();
    const ckpt = tg.io.checkpointFromBytes(tg.io.checkpointToBytes({ model, optimizer: opt, trainingState: { epoch: 1 } }));
    assert.ok(ckpt.architecture);
    assert.ok(Object.keys(ckpt.modelState).every((k) => !k.startsWith("optimizer")));
    const loaded = tg.io.modelFromCheckpoint(ckpt);
    assert.deepEqual(Object.keys(loaded.stateDict()), Object.keys(model.stateDict()));
  });

  it("refuses custom modules by name, and hostile specs field by field", () => {
    class Custom extends nn.Module {
      fc = new nn.Linear(2, 2);
      forward(x: tg.Tensor) {
        return this.fc(x).mul(2);
      }
    }
    assert.throws(() => tg.io.describeModule(new nn.Sequential(new Custom())), /model\.0 is a Custom, which is not a built-in layer/);
    assert.throws(() => tg.nn.saveModelBytes(new Custom()), /not a built-in layer/);
    const ckpt = tg.io.checkpointFromBytes(tg.io.checkpointToBytes({ model: new Custom() }));
    assert.equal(ckpt.architecture, null);
    assert.throws(() => tg.io.modelFromCheckpoint(ckpt), /records no architecture/);
    assert.throws(() => tg.io.parseModuleSpec({ type: "Eval", args: [] }), /type "Eval", which is not one of/);
    assert.throws(() => tg.io.parseModuleSpec({ type: "Linear", args: [{ a: () => 1 }] }), /args that are not/);
    assert.throws(() => tg.io.parseModuleSpec({ type: "Sequential", args: [] }), /without a children array/);
    assert.throws(() => tg.io.parseModuleSpec({ type: "Linear", args: [2, 2], options: {}, evil: 1 }), /unknown field "evil"/);
    let deep: unknown = { type: "ReLU" };
    for (let i = 0; i < 100; i++) deep = { type: "Sequential", children: [deep] };
    assert.throws(() => tg.io.parseModuleSpec(deep), /nested deeper than/);
    assert.throws(() => tg.io.buildModule({ type: "Linear", args: [-1, 2], options: {} }));
  });

  it("writes a PyTorch model.py naming the same layers with PyTorch's arguments", () => {
    const code = tg.io.pytorchCode(tg.io.describeModule(cnn()));
    assert.match(code, /nn\.Conv2d\(1, 4, \(3, 3\), stride=1, padding=1, dilation=1, groups=1, bias=True\)/);
    assert.match(code, /nn\.BatchNorm2d\(4, eps=0\.00001, momentum=0\.1, affine=True, track_running_stats=True\)/);
    assert.match(code, /nn\.Linear\(16, 8, bias=False\)/);
    assert.match(code, /nn\.GELU\(approximate="tanh"\)/);
    assert.match(code, /nn\.LayerNorm\(\(8,\), eps=0\.00001, elementwise_affine=True\)/);
    assert.match(code, /nn\.LogSoftmax\(1\)/);
    assert.match(code, /load_state_dict\(state, strict=True\)/);
  });

  it("describes recurrent and attention layers with PyTorch's constructor arguments, and rebuilds them", () => {
    const layers = [
      new nn.LSTM(6, 8, { numLayers: 2, batchFirst: true, dropout: 0.1 }),
      new nn.LSTM(4, 8, { projSize: 3, bidirectional: true }),
      new nn.GRU(6, 8, { bias: false }),
      new nn.RNN(3, 5, { nonlinearity: "relu" }),
      new nn.MultiheadAttention(8, 2, { batchFirst: true, kdim: 5 }),
      new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: "gelu", batchFirst: true, normFirst: true }),
    ];
    const code = tg.io.pytorchCode(tg.io.describeModule(new nn.Sequential(...layers)));
    for (const line of [
      "nn.LSTM(6, 8, num_layers=2, bias=True, batch_first=True, dropout=0.1, bidirectional=False)",
      "nn.LSTM(4, 8, num_layers=1, bias=True, batch_first=False, dropout=0, bidirectional=True, proj_size=3)",
      "nn.GRU(6, 8, num_layers=1, bias=False, batch_first=False, dropout=0, bidirectional=False)",
      'nn.RNN(3, 5, num_layers=1, bias=True, batch_first=False, dropout=0, bidirectional=False, nonlinearity="relu")',
      "nn.MultiheadAttention(8, 2, dropout=0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=5, vdim=8, batch_first=True)",
      'nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1, activation="gelu", layer_norm_eps=0.00001, batch_first=True, norm_first=True)',
    ])
      assert.ok(code.includes(line), `model.py lacks ${line}`);
    for (const layer of layers) {
      const rebuilt = tg.io.buildModule(tg.io.describeModule(layer));
      assert.equal(rebuilt.constructor, layer.constructor);
      rebuilt.loadStateDict(layer.stateDict()); // strict: the same keys and shapes
      assert.deepEqual(tg.io.describeModule(rebuilt), tg.io.describeModule(layer));
    }
    const custom = new nn.TransformerEncoderLayer(8, 2, { activation: (x: tg.Tensor) => x.tanh() });
    assert.throws(() => tg.io.describeModule(custom), /function as its activation/);
  });
});
