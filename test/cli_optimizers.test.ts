import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import "./helpers.ts";

const { main } = await import("../src/cli/main.ts");

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    return { code: await main(args), out: out.join("\n"), err: err.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

describe("tensorgrad train --optimizer: the optimizers beyond SGD and Adam", () => {
  for (const [name, lr] of [
    ["adadelta", "1"],
    ["adamax", "0.01"],
    ["nadam", "0.01"],
    ["radam", "0.01"],
  ] as const) {
    it(`${name} trains the moons set and resumes from its checkpoint`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), "tg-opt-")), "run");
      const common = ["--quiet", "--samples", "400"];
      const r = await run("train", "--dataset", "moons", "--optimizer", name, "--lr", lr, "--epochs", "4", "--out", out, ...common);
      assert.equal(r.code, 0, r.err);
      const acc = Number(/test accuracy (\d+\.\d+)%/.exec(r.out)?.[1]);
      assert.ok(acc >= 80, r.out);
      const resumed = await run("train", "--resume", out, "--epochs", "5", "--quiet");
      assert.equal(resumed.code, 0, resumed.err);
      assert.match(resumed.out, /after 5 epochs/);
    });
  }
});
