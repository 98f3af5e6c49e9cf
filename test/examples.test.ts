import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";

// The README's first command runs this example; it must train XOR to a small loss and get all 4 right.
describe("examples", () => {
  it("xor.ts learns XOR (loss < 0.01, 4/4 correct)", () => {
    const out = execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", "examples/xor.ts"], { encoding: "utf8" });
    const loss = Number(/final loss (\d+\.\d+)/.exec(out)?.[1]);
    assert.ok(loss < 0.01, `final loss ${loss}\n${out}`);
    assert.match(out, /4\/4 correct/);
  });
});
