import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tg from "tensorgrad";
import { LAYER_CASES } from "../scripts/pytorch/layer_cases.ts";
import { refusal } from "../src/io/model_spec_layers.ts";

// Every tg.nn class is either described by the module-tree spec (so checkpoints and tg.nn.loadModel rebuild it, and
// model.py writes it in PyTorch) or refused by describeModule with an error naming the class and the reason.
// `npm run test:pytorch` runs the described layers' model.py in PyTorch (scripts/pytorch/roundtrip.ts).

const { nn } = tg;

const classes = Object.entries(nn)
  .filter(([, v]) => typeof v === "function" && v.prototype instanceof nn.Module)
  .map(([name]) => name)
  .sort();

type Forward = (...inputs: tg.Tensor[]) => unknown;

/** The first tensor of a forward's result (RNN: the output, LSTMCell: h). */
function first(v: unknown): tg.Tensor {
  if (v instanceof tg.Tensor) return v;
  if (Array.isArray(v)) return first(v[0]);
  throw new Error(`no tensor in ${String(v)}`);
}

/** The PyTorch call model.py writes for a class (two are spelled differently, see src/io/pytorch_layers.ts). */
const torchCall = (name: string) => (name === "ZeroPad1d" ? "nn.ConstantPad1d(" : name === "RMSNorm" ? "RMSNorm(" : `nn.${name}(`);

describe("interop coverage: every tg.nn class is described by the module-tree spec or refused by name", () => {
  it("the cases (scripts/pytorch/layer_cases.ts) list every module class tg.nn exports, and nothing else", () => {
    assert.deepEqual(
      classes.filter((c) => !Object.hasOwn(LAYER_CASES, c)),
      [],
      "add the new class to LAYER_CASES, and to the spec (src/io/model_spec_layers.ts) or to its refusals",
    );
    assert.deepEqual(
      Object.keys(LAYER_CASES).filter((c) => !classes.includes(c)),
      [],
    );
  });

  for (const name of classes) {
    const described = (tg.io.SPEC_TYPES as readonly string[]).includes(name);
    const c = LAYER_CASES[name];
    if (!described) {
      it(`${name}: refused, naming the class and why`, () => {
        const why = refusal(name);
        assert.ok(why, `${name} is neither described nor refused with a reason`);
        if (name === "NormBase") return; // abstract: no instance of its own
        const model = new nn.Sequential(new nn.Identity(), c.make());
        assert.throws(
          () => tg.io.describeModule(model),
          (e: unknown) => e instanceof tg.ValueError && e.message.includes(`model.1 is a ${name}, ${why}`),
        );
      });
      continue;
    }
    it(`${name}: described as data, rebuilt with the same state dict and outputs, written as torch.nn`, () => {
      assert.equal(refusal(name), undefined);
      tg.manualSeed(0);
      const model = c.make();
      const xs = c.inputs?.();
      if (xs) {
        // A training step first, so running statistics are not at their defaults.
        model.train();
        tg.noGrad(() => (model as unknown as Forward)(...xs));
      }
      model.eval();
      const spec = tg.io.describeModule(model);
      const rebuilt = tg.io.buildModule(tg.io.parseModuleSpec(JSON.parse(JSON.stringify(spec))));
      assert.equal(rebuilt.constructor, model.constructor);
      assert.deepEqual(tg.io.describeModule(rebuilt), spec);
      const state = model.stateDict();
      assert.deepEqual(Object.keys(rebuilt.stateDict()).sort(), Object.keys(state).sort());
      rebuilt.loadStateDict(state);
      rebuilt.eval();
      if (xs) {
        const want = first(tg.noGrad(() => (model as unknown as Forward)(...xs)));
        const got = first(tg.noGrad(() => (rebuilt as unknown as Forward)(...xs)));
        assert.deepEqual(got.shape, want.shape);
        assert.deepEqual(Array.from(got.toArray()), Array.from(want.toArray()));
      }
      assert.ok(tg.io.pytorchExpression(spec).startsWith(torchCall(name)), tg.io.pytorchExpression(spec));
    });
  }

  it("writes PyTorch's keyword arguments for the layers that need them", () => {
    const expr = (m: tg.nn.AnyModule) => tg.io.pytorchExpression(tg.io.describeModule(m));
    assert.equal(
      expr(new nn.ConvTranspose2d(2, 3, [3, 2], { stride: 2, outputPadding: 1 })),
      "nn.ConvTranspose2d(2, 3, (3, 2), stride=2, padding=0, output_padding=1, groups=1, bias=True, dilation=1)",
    );
    assert.equal(
      expr(new nn.Conv3d(2, 3, 3, { padding: "same", paddingMode: "reflect" })),
      'nn.Conv3d(2, 3, (3, 3, 3), stride=(1, 1, 1), padding="same", dilation=(1, 1, 1), groups=1, bias=True, padding_mode="reflect")',
    );
    assert.equal(expr(new nn.MaxPool1d(3, { ceilMode: true })), "nn.MaxPool1d(3, stride=3, padding=0, dilation=1, ceil_mode=True)");
    assert.equal(expr(new nn.MaxPool2d(2, { ceilMode: true })), "nn.MaxPool2d(2, padding=0, dilation=1, ceil_mode=True)");
    assert.equal(expr(new nn.ZeroPad1d([1, 2])), "nn.ConstantPad1d((1, 2), 0.0)");
    assert.equal(
      expr(new nn.Upsample({ size: [4, 6], mode: "nearest" })),
      'nn.Upsample(size=(4, 6), scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None)',
    );
    assert.equal(expr(new nn.RMSNorm(4)), "RMSNorm((4,), eps=None, elementwise_affine=True)");
    const code = tg.io.pytorchCode(tg.io.describeModule(new nn.Sequential(new nn.Linear(2, 4), new nn.RMSNorm(4))));
    assert.match(code, /class _RMSNorm\(nn\.Module\):[\s\S]*RMSNorm = getattr\(nn, "RMSNorm", _RMSNorm\)[\s\S]*def build_model\(\):/);
    assert.doesNotMatch(tg.io.pytorchCode(tg.io.describeModule(new nn.Linear(2, 4))), /_RMSNorm/);
  });

  it("describes TransformerEncoder/Decoder with their layer and norm as children, and checks them when parsing", () => {
    const spec = tg.io.describeModule(new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2), 3, { norm: new nn.LayerNorm(8) }));
    assert.deepEqual(
      spec.children?.map((c) => c.type),
      ["TransformerEncoderLayer", "LayerNorm"],
    );
    assert.equal(spec.options.numLayers, 3);
    assert.match(
      tg.io.pytorchExpression(spec),
      /^nn\.TransformerEncoder\(nn\.TransformerEncoderLayer\(8, 2, .*\), 3, norm=nn\.LayerNorm\(\(8,\), .*\)\)$/,
    );
    const linear = { type: "Linear", args: [8, 8], options: {} };
    assert.throws(
      () => tg.io.parseModuleSpec({ type: "TransformerEncoder", args: [], options: { numLayers: 2 }, children: [linear] }),
      /model is a TransformerEncoder whose layer is a Linear, not a TransformerEncoderLayer/,
    );
    assert.throws(
      () => tg.io.parseModuleSpec({ type: "TransformerDecoder", args: [], options: {} }),
      /without its layer \(and norm\) as children/,
    );
    const layer = tg.io.describeModule(new nn.TransformerEncoderLayer(8, 2));
    assert.throws(
      () => tg.io.parseModuleSpec({ type: "TransformerEncoder", args: [], options: { numLayers: 1e9 }, children: [layer] }),
      /model is past the limit of 10000 modules/,
    );
    assert.throws(
      () => tg.io.parseModuleSpec({ type: "TransformerEncoder", args: [], options: { numLayers: 1.5 }, children: [layer] }),
      /with numLayers 1\.5/,
    );
  });

  it("buildModule caps what a file can make it allocate: 2^29 elements, recurrent layers and stacks checked before they are built", () => {
    const over = /buildModule: the model is over the limit of 536,870,912 elements \(at a (RNN|TransformerEncoder)\)/;
    assert.throws(() => tg.io.buildModule(tg.io.parseModuleSpec({ type: "RNN", args: [2, 8192], options: { numLayers: 9000 } })), over);
    const layer = tg.io.describeModule(new nn.TransformerEncoderLayer(512, 8));
    const stack = { type: "TransformerEncoder", args: [], options: { numLayers: 5000 }, children: [layer] };
    assert.throws(() => tg.io.buildModule(tg.io.parseModuleSpec(stack)), over);
  });

  it("checkpoints of models with the new layers rebuild through tg.nn.loadModel", () => {
    tg.manualSeed(1);
    const model = new nn.Sequential(
      new nn.Conv1d(2, 4, 3, { padding: 1 }),
      new nn.MaxPool1d(2, { ceilMode: true }),
      new nn.ConvTranspose1d(4, 2, 3, { stride: 2 }),
      new nn.ReflectionPad1d(1),
      new nn.AdaptiveAvgPool1d(3),
      new nn.Flatten(),
      new nn.RMSNorm(6),
    );
    model.eval();
    const x = tg.randn([2, 2, 9]);
    const loaded = nn.loadModel(tg.io.saveModelBytes(model));
    loaded.eval();
    assert.deepEqual(Array.from(tg.noGrad(() => loaded(x)).toArray()), Array.from(tg.noGrad(() => model(x)).toArray()));
  });
});
