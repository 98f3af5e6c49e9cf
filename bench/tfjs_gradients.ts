/**
 * Registers tfjs-core's gradient functions, which the core package leaves to its `@tensorflow/tfjs` union package.
 * Their ESM sources (dist/register_all_gradients.js) use extensionless imports that Node cannot load, so they are
 * bundled here with esbuild and imported from a data: URL. tfjs keeps its engine and its gradient registry on the
 * global object, so the registrations made by that second copy of the module code reach the engine in use.
 */

import { createRequire } from "node:module";
import * as esbuild from "esbuild";

export async function registerTfjsGradients(): Promise<void> {
  const entry = createRequire(import.meta.url).resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}
