import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

// `tensorgrad playground` serves a built playground folder; a tiny stand-in folder keeps this test fast.
const dir = mkdtempSync(join(tmpdir(), "tg-playground-serve-"));
mkdirSync(join(dir, "sub"));
writeFileSync(join(dir, "index.html"), "<!doctype html><title>tensorgrad playground</title>");
writeFileSync(join(dir, "main.js"), "export {};");

let child: ChildProcess;
let base = "";

describe("tensorgrad playground (server)", () => {
  before(async () => {
    child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", "scripts/cli.ts", "playground", "--port", "0", "--dir", dir],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
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
  });

  it("serves index.html with the cross-origin isolation headers", async () => {
    const r = await fetch(base);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(r.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(r.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.match(await r.text(), /tensorgrad playground/);
    const js = await fetch(`${base}main.js`);
    assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(js.headers.get("cross-origin-embedder-policy"), "require-corp");
  });

  it("answers 404 for missing files and refuses paths outside the folder", async () => {
    assert.equal((await fetch(`${base}nope.js`)).status, 404);
    const escape = await fetch(`${base}%2e%2e/%2e%2e/etc/passwd`);
    assert.ok(escape.status === 403 || escape.status === 404, `status ${escape.status}`);
    assert.equal((await fetch(base, { method: "POST" })).status, 405);
  });

  it("prints help", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "scripts/cli.ts", "playground", "--help"], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: tensorgrad playground/);
    assert.match(r.stdout, /--port <number>/);
  });
});
