/**
 * `tensorgrad teach`: the playground's server started for the Teachable Machine page. It prints teach.html's URL,
 * serves the page gzip-compressed like the playground's files, refuses to start without teach.html in the build, and
 * is listed in the CLI's usage. A small stand-in folder keeps this test fast (test/teach_e2e.test.ts serves the real
 * build).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";

const CLI = ["--conditions=source", "--import", "tsx", "scripts/cli.ts"];
const dir = mkdtempSync(join(tmpdir(), "tg-teach-serve-"));
const page = `<!doctype html><title>tensorgrad teach</title>${"<p>sample</p>".repeat(200)}`;
writeFileSync(join(dir, "index.html"), "<!doctype html><title>tensorgrad playground</title>");
writeFileSync(join(dir, "teach.html"), page);
writeFileSync(join(dir, "teach.js"), `export const x = ${JSON.stringify("y".repeat(4000))};`);

let child: ChildProcess;
let printed = "";

describe("tensorgrad teach (server)", () => {
  before(async () => {
    child = spawn(process.execPath, [...CLI, "teach", "--port", "0", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    printed = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.stderr?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
  });

  after(() => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the teach page's URL and serves it, gzip-compressed when asked, with the isolation headers", async () => {
    assert.match(printed, /^http:\/\/127\.0\.0\.1:\d+\/teach\.html$/);
    const plain = await fetch(printed, { headers: { "Accept-Encoding": "identity" } });
    assert.equal(plain.status, 200);
    assert.match(plain.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(plain.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.equal(await plain.text(), page);
    // Node's fetch would decompress silently: read the raw bytes with node:http instead.
    const { get } = await import("node:http");
    for (const file of ["teach.html", "teach.js"]) {
      const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        get(new URL(file, printed), { headers: { "Accept-Encoding": "gzip" } }, (res) => {
          const parts: Buffer[] = [];
          res.on("data", (d: Buffer) => parts.push(d));
          res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(parts) }));
        }).on("error", reject);
      });
      assert.equal(raw.encoding, "gzip", file);
      const text = gunzipSync(raw.body).toString();
      assert.ok(text.length > raw.body.length, `${file}: ${raw.body.length} compressed bytes for ${text.length}`);
      assert.ok(text.startsWith(file === "teach.html" ? "<!doctype html>" : "export const x"), file);
    }
  });

  it("refuses to start on a build without teach.html, saying how to build it", () => {
    const empty = mkdtempSync(join(tmpdir(), "tg-teach-empty-"));
    writeFileSync(join(empty, "index.html"), "<!doctype html>");
    try {
      const r = spawnSync(process.execPath, [...CLI, "teach", "--port", "0", "--dir", empty], { encoding: "utf8", timeout: 20_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /no teach\.html in the playground build .*npm run build:playground/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("has help, and the CLI's usage lists the command", () => {
    const help = spawnSync(process.execPath, [...CLI, "teach", "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: tensorgrad teach/);
    assert.match(help.stdout, /--port <number>/);
    const usage = spawnSync(process.execPath, [...CLI, "--help"], { encoding: "utf8" });
    assert.match(usage.stdout, /^ {2}teach {7}Serve the Teachable Machine page/m);
  });
});
