import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { hostAllowed, playgroundCommand, servePlayground, validHost } from "../src/cli/playground.ts";

/** GET `path` from the server at `port` with the given Host header. */
function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("playground server hardening", () => {
  it("serves a --dir given with a trailing slash, never through a symbolic link out of it, and checks the Host header", async () => {
    const base = mkdtempSync(join(tmpdir(), "tg-pgh-"));
    const www = join(base, "www");
    mkdirSync(www);
    writeFileSync(join(www, "index.html"), "<title>playground</title>");
    writeFileSync(join(base, "secret.txt"), "SECRET");
    symlinkSync(join(base, "secret.txt"), join(www, "passwd-link"));
    symlinkSync(base, join(www, "up"));
    const { server } = await servePlayground({ dir: `${www}/`, port: 0 });
    const port = (server.address() as { port: number }).port;
    try {
      assert.equal((await get(port, "/")).status, 200);
      assert.equal((await get(port, "/index.html", `localhost:${port}`)).status, 200);
      for (const path of ["/passwd-link", "/up/secret.txt"]) {
        const r = await get(port, path);
        assert.equal(r.status, 403, path);
        assert.ok(!r.body.includes("SECRET"));
      }
      const rebound = await get(port, "/index.html", `attacker.example:${port}`);
      assert.equal(rebound.status, 421);
    } finally {
      server.close();
    }
  });

  it("accepts localhost names and IP addresses as Host, and other names only when --host gave them", () => {
    assert.ok(hostAllowed("localhost:8080", "127.0.0.1"));
    assert.ok(hostAllowed("127.0.0.1:8080", "127.0.0.1"));
    assert.ok(hostAllowed("[::1]:8080", "::1"));
    assert.ok(hostAllowed("app.localhost", "127.0.0.1"));
    assert.ok(!hostAllowed("evil.example", "127.0.0.1"));
    assert.ok(!hostAllowed(undefined, "127.0.0.1"));
    assert.ok(hostAllowed("mybox.lan:8080", "mybox.lan"));
  });

  it("refuses a bad --host with a message instead of a stack trace", async () => {
    assert.ok(!validHost("bad!"));
    assert.ok(!validHost(""));
    assert.ok(validHost("localhost") && validHost("::1") && validHost("0.0.0.0"));
    const dir = mkdtempSync(join(tmpdir(), "tg-pgh-"));
    writeFileSync(join(dir, "index.html"), "x");
    await assert.rejects(playgroundCommand(["--host", "bad!", "--dir", dir]), {
      name: "UsageError",
      message: /--host must be an IP address or a host name/,
    });
    await assert.rejects(playgroundCommand(["--host", "8.8.8.8", "--port", "0", "--dir", dir]), {
      name: "UsageError",
      message: /--host 8\.8\.8\.8 is not an address of this machine/,
    });
  });
});
