import assert from "node:assert/strict";
import { builtinModules } from "node:module";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import * as esbuild from "esbuild";

// The library must run in a browser: it bundles for `platform: "browser"` with no Node built-ins, and the bundle
// computes gradients in a realm that has none of Node's globals.
const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

async function bundle(format: "esm" | "iife"): Promise<esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] }> {
  return esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format,
    ...(format === "iife" ? { globalName: "tg" } : {}),
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe("browser bundle", () => {
  it("bundles src/index.ts for the browser as ESM with no Node built-ins", async () => {
    const result = await bundle("esm");
    assert.deepEqual(result.errors, []);
    assert.equal(result.outputFiles.length, 1);
    const code = result.outputFiles[0].text;
    assert.ok(code.length > 1000, "the bundle is suspiciously small");
    assert.doesNotMatch(code, /\bfrom\s*["']node:/, "static import of a node: module");
    assert.doesNotMatch(code, /\bimport\s*\(\s*["']node:/, "dynamic import of a node: module");
    assert.doesNotMatch(code, /\bimport\s*["']node:/, "side-effect import of a node: module");
    for (const m of code.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g)) {
      assert.ok(!builtins.has(m[1]), `require of the Node built-in ${m[1]}`);
    }
    for (const m of code.matchAll(/\bfrom\s*["']([^"']+)["']/g)) {
      assert.ok(!builtins.has(m[1]), `import of the Node built-in ${m[1]}`);
    }
  });

  it("runs forward and backward in a realm without Node globals", async () => {
    const result = await bundle("iife");
    assert.deepEqual(result.errors, []);
    const context = vm.createContext({ console, performance });
    vm.runInContext(result.outputFiles[0].text, context, { filename: "tensorgrad.iife.js" });
    const out: unknown = vm.runInContext(
      `(() => {
        const globals = [typeof process, typeof require, typeof Buffer, typeof module, typeof global];
        const x = tg.tensor([1, 2, 3], { requiresGrad: true });
        const y = x.square().sum();
        y.backward();
        const w = tg.tensor([[1, 2], [-3, -4]], { requiresGrad: true });
        const v = tg.tensor([[0.5], [1]]);
        const loss = w.matmul(v).relu().add(1).log().mean();
        loss.backward();
        return JSON.stringify({
          globals,
          y: y.item(),
          grad: Array.from(x.grad.toArray()),
          loss: loss.item(),
          wGrad: w.grad.tolist(),
        });
      })()`,
      context,
    );
    assert.equal(typeof out, "string");
    const r = JSON.parse(out as string) as { globals: string[]; y: number; grad: number[]; loss: number; wGrad: number[][] };
    assert.deepEqual(r.globals, ["undefined", "undefined", "undefined", "undefined", "undefined"]);
    assert.equal(r.y, 14);
    assert.deepEqual(r.grad, [2, 4, 6]);
    // w·v = [[2.5], [-5.5]]; relu keeps the first row only, so loss = (log 3.5 + log 1) / 2 and
    // d loss / d w = [[0.5 / 3.5 · 0.5, 0.5 / 3.5 · 1], [0, 0]].
    assert.ok(Math.abs(r.loss - Math.log(3.5) / 2) < 1e-6, `loss ${r.loss}`);
    const expected = [
      [1 / 14, 1 / 7],
      [0, 0],
    ];
    const got = r.wGrad.flat();
    for (const [i, g] of expected.flat().entries()) assert.ok(Math.abs(got[i] - g) < 1e-6, `w.grad ${JSON.stringify(r.wGrad)}`);
  });
});
