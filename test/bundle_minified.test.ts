import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import * as esbuild from "esbuild";

// A minified bundle renames classes (`Conv2d` becomes "Ci"), so whatever records a class by name — the
// architecture in a checkpoint, the ONNX exporter's layer table, the optimizer type — must not read
// `constructor.name`. This bundles the library as an application would, minified without keepNames, and checks
// each of them there.
const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

describe("minified bundle", () => {
  it("records layers and optimizers by their public names", async () => {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "tg",
      target: "es2022",
      minify: true,
      write: false,
      logLevel: "silent",
    });
    const context = vm.createContext({ console, performance, TextEncoder, TextDecoder });
    vm.runInContext(result.outputFiles[0].text, context, { filename: "tensorgrad.min.js" });
    const out = vm.runInContext(
      `(() => {
        const nn = tg.nn;
        const model = new nn.Sequential(new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.BatchNorm2d(2), new nn.ReLU(),
          new nn.Flatten(), new nn.Linear(2 * 4 * 4, 3));
        const spec = tg.io.describeModule(model);
        const rebuilt = tg.io.buildModule(spec);
        rebuilt.loadStateDict(model.stateDict());
        model.eval(); rebuilt.eval();
        const x = tg.randn([2, 1, 4, 4]);
        const same = tg.allclose(model.forward(x), rebuilt.forward(x));
        const onnx = tg.onnx.export(model, x);
        const opt = new tg.optim.Adam(model.parameters());
        model.forward(x).sum().backward();
        opt.step();
        const bytes = tg.io.checkpointToBytes({ model, optimizer: opt });
        const opt2 = new tg.optim.Adam(rebuilt.parameters());
        tg.io.loadOptimizerState(opt2, tg.io.checkpointFromBytes(bytes));
        return JSON.stringify({
          mangled: nn.Conv2d.name,
          types: [spec.type, ...spec.children.map((c) => c.type)],
          same,
          onnxBytes: onnx.length,
          steps: Object.values(opt2.stateDict().state).map((s) => s.step),
        });
      })()`,
      context,
    );
    const r = JSON.parse(out as string) as { mangled: string; types: string[]; same: boolean; onnxBytes: number; steps: number[] };
    // The test means something only while the bundler renames classes.
    assert.notEqual(r.mangled, "Conv2d");
    assert.deepEqual(r.types, ["Sequential", "Conv2d", "BatchNorm2d", "ReLU", "Flatten", "Linear"]);
    assert.equal(r.same, true);
    assert.ok(r.onnxBytes > 100, `ONNX export wrote ${r.onnxBytes} bytes`);
    assert.deepEqual(r.steps, [1, 1, 1, 1, 1, 1]);
  });
});
