/**
 * `npm run build:playground`: bundles the browser pages with esbuild into dist/playground/: the playground
 * (playground/src: index.html, style.css, main.js the page, worker.js the module worker that runs tensorgrad) and the
 * Teachable Machine page (playground/teach: teach.html, teach.css, teach.js, teach_worker.js). The output is static and
 * self-contained: no network requests, served by any web server or by `tensorgrad playground` / `tensorgrad teach`.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
export const PLAYGROUND_OUT = join(root, "dist", "playground");

export interface PlaygroundBuild {
  /** The files written, by name. */
  files: string[];
  /** Every import the bundles leave to the runtime (none: everything is bundled), by output file. */
  externalImports: Record<string, string[]>;
}

export async function buildPlayground(outdir = PLAYGROUND_OUT, options: { minify?: boolean } = {}): Promise<PlaygroundBuild> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: {
      main: join(root, "playground/src/main.ts"),
      worker: join(root, "playground/src/worker.ts"),
      teach: join(root, "playground/teach/src/page/main.ts"),
      teach_worker: join(root, "playground/teach/src/worker.ts"),
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // Bundle tensorgrad from its TypeScript source (the package's "source" export condition).
    conditions: ["source"],
    outdir,
    minify: options.minify ?? true,
    sourcemap: true,
    logLevel: "warning",
    metafile: true,
  });
  if (result.errors.length > 0) throw new Error(`build:playground failed: ${result.errors.map((e) => e.text).join("; ")}`);
  /** The static files: their source under playground/ and their name in the build. */
  const copies = [
    ["index.html", "index.html"],
    ["style.css", "style.css"],
    ["teach/index.html", "teach.html"],
    ["teach/teach.css", "teach.css"],
  ] as const;
  for (const [from, to] of copies) copyFileSync(join(root, "playground", from), join(outdir, to));
  const outputs = Object.entries(result.metafile.outputs).map(([p, o]) => [p.split("/").pop() ?? p, o] as const);
  return {
    files: [...copies.map(([, to]) => to), ...outputs.map(([name]) => name)],
    externalImports: Object.fromEntries(outputs.map(([name, o]) => [name, o.imports.filter((i) => i.external).map((i) => i.path)])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files } = await buildPlayground();
  console.log(`build:playground: wrote ${files.join(", ")} to ${PLAYGROUND_OUT}`);
}
