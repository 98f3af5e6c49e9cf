import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as ort from "onnxruntime-web";
import * as tg from "tensorgrad";
import { type Attr, encodeModel, GraphBuilder } from "../src/onnx/graph.ts";

// ONNX export and tg.onnx.load of the convolution and pooling layers: ConvTranspose1d/2d, Conv3d, the 1-D, ceil-mode
// and adaptive pools. Each model runs in onnxruntime-web with our outputs and back through tg.onnx.load.

const { nn } = tg;
ort.env.wasm.numThreads = 1; // no worker threads in the test process

/** Exports `model` on `x`; onnxruntime and tg.onnx.load must give our forward's output (max abs error ≤ 1e-5 relative). */
async function check(model: tg.nn.Module, x: tg.Tensor, options: tg.onnx.OnnxExportOptions = {}): Promise<Uint8Array> {
  model.eval();
  const want = tg.noGrad(() => model(x));
  const bytes = tg.onnx.export(model, x, options);
  const session = await ort.InferenceSession.create(bytes);
  const out = (await session.run({ input: new ort.Tensor("float32", x.toArray() as Float32Array, x.shape) })).output;
  assert.deepEqual([...out.dims], want.shape);
  const w = want.toArray();
  const scale = Math.max(1, ...Array.from(w, Math.abs));
  const err = Math.max(...Array.from(out.data as Float32Array, (v, i) => Math.abs(v - w[i])));
  assert.ok(err <= 1e-5 * scale, `onnxruntime: max abs error ${err}`);
  const back = tg.noGrad(() => tg.onnx.load(bytes)(x));
  assert.deepEqual(back.shape, want.shape);
  assert.ok(back.sub(want).abs().max().item() <= 1e-5 * scale, "tg.onnx.load gives our outputs");
  return bytes;
}

/** The op types of an exported graph, in order. */
const opsOf = (bytes: Uint8Array) => tg.onnx.load(bytes).graphNodes.map((n) => n.op);

describe("ONNX export of transposed convolutions", () => {
  it("ConvTranspose2d: stride 2, padding, outputPadding, groups, dilation, odd sizes", async () => {
    tg.manualSeed(0);
    const model = new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 });
    const bytes = await check(model, tg.randn([2, 4, 5, 7]));
    assert.deepEqual(opsOf(bytes), ["ConvTranspose", "Identity"]);
  });

  it("ConvTranspose2d: rectangular kernel, per-axis stride and padding, no bias", async () => {
    tg.manualSeed(1);
    await check(
      new nn.ConvTranspose2d(3, 2, [2, 3], { stride: [2, 1], padding: [0, 1], outputPadding: [1, 0], bias: false }),
      tg.randn([1, 3, 5, 4]),
    );
  });

  it("ConvTranspose1d: stride 2, padding, outputPadding, groups, dilation", async () => {
    tg.manualSeed(2);
    await check(new nn.ConvTranspose1d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 }), tg.randn([2, 4, 7]));
    await check(new nn.ConvTranspose1d(3, 2, 4, { stride: 3, bias: false }), tg.randn([1, 3, 5]));
  });

  it("a conv autoencoder (Conv2d down, ConvTranspose2d up) with a dynamic batch axis", async () => {
    tg.manualSeed(3);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { stride: 2, padding: 1 }),
      new nn.ReLU(),
      new nn.ConvTranspose2d(4, 1, 3, { stride: 2, padding: 1, outputPadding: 1 }),
      new nn.Sigmoid(),
    );
    const dynamic = { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } };
    const bytes = await check(model, tg.randn([2, 1, 8, 6]), dynamic);
    const session = await ort.InferenceSession.create(bytes);
    const x = tg.randn([3, 1, 8, 6]);
    const out = (await session.run({ input: new ort.Tensor("float32", x.toArray() as Float32Array, x.shape) })).output;
    const want = tg.noGrad(() => model(x)).toArray();
    assert.deepEqual([...out.dims], [3, 1, 8, 6]);
    assert.ok(Math.max(...Array.from(out.data as Float32Array, (v, i) => Math.abs(v - want[i]))) <= 1e-5);
  });
});

describe("ONNX export of pooling", () => {
  it("MaxPool1d (padding, dilation, ceil mode, unbatched) and AvgPool1d (padding counted)", async () => {
    tg.manualSeed(4);
    await check(new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true }), tg.randn([2, 3, 10]));
    await check(new nn.MaxPool1d(2, { stride: 2, dilation: 2, ceilMode: true }), tg.randn([2, 3, 9]));
    await check(new nn.MaxPool1d(3), tg.randn([3, 10]));
    await check(new nn.AvgPool1d(3, { stride: 2, padding: 1 }), tg.randn([2, 3, 10]));
    await check(new nn.AvgPool1d(4), tg.randn([2, 11]));
  });

  it("ceil mode keeps PyTorch's sizes, dropping a last window that would start in the padding", async () => {
    tg.manualSeed(5);
    // Length 5, kernel 2, stride 2, padding 1: ceil gives 4 windows, but the 4th starts in the padding, so 3.
    const model = new nn.MaxPool1d(2, { stride: 2, padding: 1, ceilMode: true });
    assert.deepEqual(model(tg.randn([1, 1, 5])).shape, [1, 1, 3]);
    await check(model, tg.randn([2, 2, 5]));
    await check(new nn.MaxPool2d(3, { stride: 2, ceilMode: true }), tg.randn([1, 2, 8, 7]));
    await check(new nn.MaxPool2d([2, 3], { stride: [2, 2], padding: [1, 1], ceilMode: true }), tg.randn([1, 2, 7, 8]));
  });

  it("adaptive pools: global, even windows as one op, uneven windows per slice", async () => {
    tg.manualSeed(6);
    const cases: [tg.nn.Module, number[], string][] = [
      [new nn.AdaptiveAvgPool1d(5), [2, 3, 10], "AveragePool"],
      [new nn.AdaptiveAvgPool1d(3), [2, 3, 10], "Slice"],
      [new nn.AdaptiveMaxPool1d(4), [2, 3, 10], "Slice"],
      [new nn.AdaptiveMaxPool1d(1), [2, 3, 10], "GlobalMaxPool"],
      [new nn.AdaptiveMaxPool2d([3, 2]), [2, 3, 7, 5], "Slice"],
      [new nn.AdaptiveMaxPool2d(2), [2, 3, 6, 4], "MaxPool"],
      [new nn.AdaptiveAvgPool2d([3, 4]), [2, 3, 7, 5], "Slice"],
      [new nn.AdaptiveAvgPool2d(1), [2, 3, 7, 5], "GlobalAveragePool"],
    ];
    for (const [model, shape, op] of cases) {
      const bytes = await check(model, tg.randn(shape));
      assert.ok(opsOf(bytes).includes(op), `${model}: ${opsOf(bytes).join(", ")} has ${op}`);
    }
  });
});

describe('ONNX export of Conv1d/Conv2d with padding "same"/"valid" and padding modes', () => {
  it('"same" with even kernels and dilation (asymmetric pads), "valid"', async () => {
    tg.manualSeed(11);
    const bytes = await check(new nn.Conv1d(2, 3, 4, { padding: "same", dilation: 2 }), tg.randn([2, 2, 9]));
    assert.deepEqual(tg.onnx.load(bytes).graphNodes.find((n) => n.op === "Conv")?.attrs.pads, [3, 3]);
    const even = await check(new nn.Conv2d(2, 3, [2, 4], { padding: "same" }), tg.randn([1, 2, 5, 6]));
    assert.deepEqual(tg.onnx.load(even).graphNodes.find((n) => n.op === "Conv")?.attrs.pads, [0, 1, 1, 2]);
    await check(new nn.Conv2d(2, 3, 3, { padding: "valid", stride: 2 }), tg.randn([1, 2, 7, 6]));
  });

  it("paddingMode reflect and replicate (Pad first), circular from opset 19", async () => {
    tg.manualSeed(12);
    const x = tg.randn([1, 2, 5, 6]);
    assert.ok(opsOf(await check(new nn.Conv2d(2, 3, [2, 3], { padding: "same", paddingMode: "reflect" }), x)).includes("Pad"));
    await check(new nn.Conv2d(2, 3, 3, { padding: [1, 2], paddingMode: "replicate", stride: 2 }), x);
    await check(new nn.Conv1d(2, 3, 3, { padding: "same", paddingMode: "circular", dilation: 2 }), tg.randn([1, 2, 7]), {
      opsetVersion: 19,
    });
    assert.throws(
      () => tg.onnx.export(new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: "circular" }), x),
      /Conv2d with paddingMode "circular" needs ONNX Pad's "wrap" mode/,
    );
  });
});

describe("ONNX export of Unfold and Fold (grouped Conv/ConvTranspose with one-hot kernels)", () => {
  it("Unfold: padding, stride, dilation, unbatched; Fold: the same, with the sizes ConvTranspose needs output padding for", async () => {
    tg.manualSeed(13);
    assert.deepEqual(opsOf(await check(new nn.Unfold([2, 3], { padding: 1, stride: [1, 2] }), tg.randn([2, 2, 4, 5]))), [
      "Conv",
      "Reshape",
      "Identity",
    ]);
    await check(new nn.Unfold(3, { dilation: 2, stride: 2 }), tg.randn([1, 3, 7, 8]));
    await check(new nn.Unfold(2), tg.randn([3, 4, 4]));
    assert.ok(opsOf(await check(new nn.Fold([4, 5], [2, 2]), tg.randn([1, 8, 12]))).includes("ConvTranspose"));
    await check(new nn.Fold([7, 8], 3, { dilation: 2, stride: 2, padding: 1 }), tg.randn([2, 18, 9]));
    await check(new nn.Fold([5, 6], [2, 3], { stride: 2 }), tg.randn([12, 4]));
  });
});

describe("ONNX export of Conv3d", () => {
  it("padding, stride, groups, dilation, no bias, unbatched", async () => {
    tg.manualSeed(7);
    await check(new nn.Conv3d(2, 4, 3, { padding: 1, stride: [1, 2, 1], groups: 2 }), tg.randn([2, 2, 5, 6, 4]));
    await check(new nn.Conv3d(2, 3, [1, 2, 3], { dilation: [1, 2, 1], bias: false }), tg.randn([1, 2, 3, 5, 6]));
    await check(new nn.Conv3d(2, 3, 3), tg.randn([2, 5, 6, 7]));
  });

  it('padding "same" with even kernels (asymmetric pads) and "valid"', async () => {
    tg.manualSeed(8);
    const bytes = await check(new nn.Conv3d(2, 3, [2, 3, 4], { padding: "same", dilation: [1, 2, 1] }), tg.randn([1, 2, 5, 6, 7]));
    const conv = tg.onnx.load(bytes).graphNodes.find((n) => n.op === "Conv");
    assert.deepEqual(conv?.attrs.pads, [0, 2, 1, 1, 2, 2]);
    await check(new nn.Conv3d(2, 3, 2, { padding: "valid" }), tg.randn([1, 2, 4, 4, 4]));
  });

  it("padding modes reflect and replicate (Pad first), circular from opset 19", async () => {
    tg.manualSeed(9);
    const x = tg.randn([1, 2, 5, 6, 7]);
    assert.ok(opsOf(await check(new nn.Conv3d(2, 3, 3, { padding: 1, paddingMode: "reflect" }), x)).includes("Pad"));
    await check(new nn.Conv3d(2, 3, 3, { padding: [1, 2, 0], paddingMode: "replicate" }), x);
    const circular = new nn.Conv3d(2, 3, 3, { padding: 1, paddingMode: "circular" });
    await check(circular, x, { opsetVersion: 19 });
    assert.throws(() => tg.onnx.export(circular, x), /Conv3d with paddingMode "circular" needs ONNX Pad's "wrap" mode: opsetVersion 19/);
  });
});

describe("tg.onnx.load of convolution and pooling graphs", () => {
  const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));

  it("runs torch.onnx.export's ConvTranspose1d/2d, 1-D and ceil-mode pools and Conv3d (PyTorch 1.13) with PyTorch's outputs", () => {
    const { tensors } = tg.io.decodeSafetensors(fixture("pytorch_conv_io.safetensors"));
    for (const name of ["conv1d", "conv2d", "conv3d"]) {
      const model = tg.onnx.load(fixture(`pytorch_${name}.onnx`));
      const want = tensors[`${name}:output`];
      assert.ok(want.abs().max().item() > 0.1, `${name}: the fixture's output is not trivial`);
      const y = tg.noGrad(() => model(tensors[`${name}:input`]));
      assert.deepEqual(y.shape, want.shape);
      assert.ok(y.sub(want).abs().max().item() <= 1e-5, `${name}: PyTorch's outputs`);
    }
    const ops = tg.onnx.load(fixture("pytorch_conv1d.onnx")).graphNodes.map((n) => n.op);
    assert.deepEqual(ops, ["Conv", "MaxPool", "Relu", "ConvTranspose", "Constant", "Pad", "AveragePool", "MaxPool"]);
  });

  it("gradients flow through a loaded ConvTranspose and pooling graph as through the model", () => {
    tg.manualSeed(10);
    const model = new nn.Sequential(new nn.ConvTranspose1d(2, 3, 3, { stride: 2 }), new nn.MaxPool1d(2, { ceilMode: true }));
    const x = tg.randn([1, 2, 6]);
    const loaded = tg.onnx.load(tg.onnx.export(model, x));
    const a = x.detach().requiresGrad_();
    const b = x.detach().requiresGrad_();
    loaded(a).square().sum().backward();
    model(b).square().sum().backward();
    assert.ok(
      (a.grad as tg.Tensor)
        .sub(b.grad as tg.Tensor)
        .abs()
        .max()
        .item() <= 1e-5,
    );
  });

  it("refuses what it can't run, naming the node and the attribute", () => {
    const node = (op: string, attrs: Record<string, Attr>, spatial: number, weight?: number[]) => {
      const g = new GraphBuilder();
      const inputs = ["input"];
      if (weight) inputs.push(g.constant("w", new Array(weight.reduce((p, q) => p * q, 1)).fill(0.5), weight, "float32"));
      g.op(op, inputs, attrs, "output");
      const shape = [1, 2, ...new Array(spatial).fill(4)];
      return encodeModel(g, {
        name: "g",
        opsetVersion: 17,
        inputs: [{ name: "input", dtype: "float32", shape }],
        outputs: [{ name: "output", dtype: "float32", shape }],
      });
    };
    const run = (bytes: Uint8Array, spatial: number) => tg.onnx.load(bytes)(tg.randn([1, 2, ...new Array(spatial).fill(4)]));
    const cases: [Uint8Array, number, RegExp][] = [
      [node("ConvTranspose", { output_shape: { ints: [8, 8] } }, 2, [2, 2, 3, 3]), 2, /ConvTranspose "ConvTranspose_\d+" has output_shape/],
      [node("ConvTranspose", { pads: { ints: [0, 0, 1, 1] } }, 2, [2, 2, 3, 3]), 2, /asymmetric pads \[0,0,1,1\]/],
      [node("ConvTranspose", {}, 3, [2, 2, 3, 3, 3]), 3, /is 3-D; tensorgrad runs 1- and 2-D transposed convolutions/],
      [node("Conv", { strides: { ints: [0, 1] } }, 2, [2, 2, 3, 3]), 2, /has strides \[0,1\]; expected 2 integers of at least 1/],
      [node("Conv", { kernel_shape: { ints: [5, 5] } }, 2, [2, 2, 3, 3]), 2, /kernel_shape \[5,5\] for weight \[2, 2, 3, 3\]/],
      [node("ConvTranspose", { auto_pad: { string: "SAME_UPPER" } }, 2, [2, 2, 3, 3]), 2, /auto_pad SAME_UPPER; write pads/],
      [node("Conv", { auto_pad: { string: "SAME" } }, 2, [2, 2, 3, 3]), 2, /auto_pad SAME; write pads/],
      [node("MaxPool", { kernel_shape: { ints: [2, 2, 2] } }, 3), 3, /MaxPool "MaxPool_\d+" is 3-D; tensorgrad runs 1- and 2-D pooling/],
      [node("MaxPool", { kernel_shape: { ints: [2] }, pads: { ints: [1] } }, 1), 1, /has pads \[1\]; expected 2 integers/],
      [node("AveragePool", { kernel_shape: { ints: [3] }, strides: { ints: [2] }, ceil_mode: { int: 1 } }, 1), 1, /no ceil mode/],
    ];
    for (const [bytes, spatial, message] of cases) {
      assert.throws(
        () => run(bytes, spatial),
        (e: unknown) => e instanceof tg.ValueError && message.test(e.message),
        String(message),
      );
    }
  });

  it("reads asymmetric pads (MaxPool: never the max; AveragePool: counted zeros) and Pad's modes", () => {
    const g = new GraphBuilder();
    const mp = g.op("MaxPool", ["input"], { kernel_shape: { ints: [2] }, strides: { ints: [2] }, pads: { ints: [0, 1] } });
    const ap = g.op("AveragePool", [mp], { kernel_shape: { ints: [2] }, pads: { ints: [1, 0] }, count_include_pad: { int: 1 } });
    g.op("Pad", [ap, g.constant("pads", [0, 0, 1, 0, 0, 2], [6], "int64")], { mode: { string: "edge" } }, "output");
    const model = tg.onnx.load(
      encodeModel(g, {
        name: "g",
        opsetVersion: 17,
        inputs: [{ name: "input", dtype: "float32", shape: [1, 1, 5] }],
        outputs: [{ name: "output", dtype: "float32", shape: [1, 1, 6] }],
      }),
    );
    // MaxPool of [-1, -2, -3, -4, -5] padded at the end: [-1, -3, -5]; AveragePool with a zero in front: [-0.5, -2, -4];
    // edge Pad: one copy in front, two at the back.
    const y = model(tg.tensor([[[-1, -2, -3, -4, -5]]]));
    assert.deepEqual(Array.from(y.toArray()), [-0.5, -0.5, -2, -4, -4, -4]);
  });

  it("runs auto_pad (VALID, SAME_UPPER, SAME_LOWER) and AveragePool's count_include_pad 0 as onnxruntime does", async () => {
    tg.manualSeed(14);
    const x = tg.randn([1, 2, 7, 6]);
    const graph = (op: string, attrs: Record<string, Attr>, weight = false) => {
      const g = new GraphBuilder();
      const inputs = ["input"];
      if (weight) inputs.push(g.tensor("w", tg.randn([3, 2, 3, 2])));
      g.op(op, inputs, attrs, "output");
      // The output's declared shape is left free: onnxruntime infers it.
      return encodeModel(g, {
        name: "g",
        opsetVersion: 17,
        inputs: [{ name: "input", dtype: "float32", shape: [1, 2, 7, 6] }],
        outputs: [{ name: "output", dtype: "float32", shape: ["n", "c", "h", "w"] }],
      });
    };
    const cases: [string, Record<string, Attr>, boolean][] = [];
    for (const auto of ["VALID", "SAME_UPPER", "SAME_LOWER"]) {
      const strides = { ints: [2, 2] }; // onnxruntime refuses the negative SAME padding a stride past the kernel would need
      cases.push(["Conv", { auto_pad: { string: auto }, strides }, true]); // onnxruntime has no dilated SAME
      cases.push(["MaxPool", { auto_pad: { string: auto }, kernel_shape: { ints: [3, 2] }, strides }, false]);
      cases.push(["AveragePool", { auto_pad: { string: auto }, kernel_shape: { ints: [2, 4] }, strides: { ints: [1, 2] } }, false]);
    }
    cases.push(["AveragePool", { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 0] }, count_include_pad: { int: 0 } }, false]);
    cases.push([
      "AveragePool",
      { auto_pad: { string: "SAME_LOWER" }, kernel_shape: { ints: [3, 2] }, count_include_pad: { int: 0 } },
      false,
    ]);
    for (const [op, attrs, weight] of cases) {
      const bytes = graph(op, attrs, weight);
      const session = await ort.InferenceSession.create(bytes);
      const want = (await session.run({ input: new ort.Tensor("float32", x.toArray() as Float32Array, x.shape) })).output;
      const got = tg.onnx.load(bytes)(x);
      const what = `${op} ${JSON.stringify(attrs)}`;
      assert.deepEqual(got.shape, [...want.dims], what);
      const w = want.data as Float32Array;
      const err = Math.max(...Array.from(got.toArray(), (v, i) => Math.abs(v - w[i])));
      assert.ok(err <= 1e-5, `${what}: ${err}`);
    }
  });

  it("hostile attributes: 600 random Conv/ConvTranspose/pool/Pad/LRN nodes each run or throw a TensorGradError", () => {
    tg.manualSeed(15);
    let state = 1;
    const rand = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
    const INTS = [-5, -1, 0, 1, 2, 3, 7, 1e9, 2 ** 40];
    const KEYS: Record<string, string[]> = {
      Conv: ["kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"],
      ConvTranspose: ["kernel_shape", "strides", "pads", "dilations", "group", "output_padding", "output_shape"],
      MaxPool: ["kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad"],
      AveragePool: ["kernel_shape", "strides", "pads", "ceil_mode", "count_include_pad", "auto_pad"],
      Pad: ["mode"],
      LRN: ["size", "alpha"],
    };
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const op = pick(Object.keys(KEYS));
      const spatial = pick([1, 2, 3]);
      const g = new GraphBuilder();
      const inputs = ["input"];
      if (op.startsWith("Conv"))
        inputs.push(g.tensor("w", tg.randn([2, 2, ...new Array(pick([spatial, spatial, 1, 2])).fill(pick([1, 2, 3]))])));
      if (op === "Pad") {
        const n = pick([2, 4, 6, 8]);
        inputs.push(
          g.constant(
            "pads",
            Array.from({ length: pick([n, 6]) }, () => pick([-1, 0, 1, 3, 50])),
            [n],
            "int64",
          ),
        );
      }
      const attrs: Record<string, Attr> = {};
      for (const k of KEYS[op]) {
        if (rand() < 0.5) continue;
        if (k === "auto_pad") attrs[k] = { string: pick(["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER", "junk"]) };
        else if (k === "mode") attrs[k] = { string: pick(["constant", "reflect", "edge", "wrap", "junk"]) };
        else if (k === "alpha") attrs[k] = { float: pick([-1, 0, 1e-4, 1e30]) };
        else if (["group", "ceil_mode", "count_include_pad", "size"].includes(k)) attrs[k] = { int: pick(INTS) };
        else attrs[k] = { ints: Array.from({ length: pick([0, 1, 2, 3, 4, 6]) }, () => pick(INTS)) };
      }
      if (op.endsWith("Pool") && !attrs.kernel_shape && rand() < 0.8) attrs.kernel_shape = { ints: new Array(spatial).fill(2) };
      g.op(op, inputs, attrs, "output");
      const shape = [1, 2, ...new Array(spatial).fill(pick([1, 4, 5]))];
      const io = { name: "g", opsetVersion: 17, inputs: [{ name: "input", dtype: "float32" as const, shape }] };
      const bytes = encodeModel(g, { ...io, outputs: [{ name: "output", dtype: "float32", shape }] });
      let outcome = "ran";
      try {
        tg.onnx.load(bytes)(tg.randn(shape));
      } catch (e) {
        assert.ok(e instanceof tg.TensorGradError, `${op} ${JSON.stringify(attrs)}: ${String(e)}`);
        outcome = e.constructor.name;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    assert.ok((outcomes.get("ran") ?? 0) > 20, `some graphs are valid and run: ${JSON.stringify([...outcomes])}`);
  });
});
