import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

// Sizes are checked before anything is allocated: a typo'd or hostile size gets a ValueError naming the op at once,
// not gigabytes of memory, a hang or a raw RangeError.

const over = /over the limit of 268,435,456 \(2\^28\) elements per tensor/;

describe("size limits", () => {
  it("is 2^28 elements per tensor", () => {
    assert.equal(tg.MAX_NUMEL, 2 ** 28);
  });

  it("creation ops refuse sizes over the limit by name", () => {
    assert.throws(
      () => tg.zeros([1e9]),
      (e: Error) => e instanceof tg.ValueError && /zeros: a tensor of 1,000,000,000 elements/.test(e.message) && over.test(e.message),
    );
    assert.throws(() => tg.zeros([2 ** 32]), /zeros: a tensor of 4,294,967,296 elements/);
    assert.throws(() => tg.ones([65536, 65536]), tg.ValueError);
    assert.throws(() => tg.randn([1e9]), /randn: a tensor of .*elements per tensor/);
    assert.throws(() => tg.rand([40000, 40000]), tg.ValueError);
    assert.throws(() => tg.randint(0, 3, [1e9]), tg.ValueError);
    assert.throws(() => tg.eye(1e5), /eye: a tensor of/);
    assert.throws(() => tg.arange(1e10), over);
    assert.throws(() => tg.linspace(0, 1, 1e10), over);
    assert.throws(() => new tg.nn.Linear(2, 1e9), over);
  });

  it("ops whose output would be over the limit refuse before allocating it", () => {
    assert.throws(() => tg.nn.functional.oneHot(tg.tensor([1, 2], { dtype: "int32" }), 1e9), over);
    assert.throws(() => tg.ones([2]).repeat([1e9]), over);
    assert.throws(() => tg.ones([1]).expand([1e9]).contiguous(), over);
    assert.throws(() => tg.ones([100000, 1]).matmul(tg.ones([1, 100000])), over);
  });

  it("sizes at the limit's scale still work below it", () => {
    assert.equal(tg.zeros([1000, 1000]).numel(), 1e6);
    assert.equal(tg.zeros([0, 2 ** 40]).numel(), 0);
  });

  it("no source file spreads an array into Math.max or Math.min (a stack overflow past ~125,000 elements)", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk("src/cli");
    walk("src/data");
    walk("src/utils");
    const bad = files.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .map((line, i) => [line, i] as const)
        .filter(([line]) => /Math\.(max|min)\([^)]*\.\.\./.test(line))
        .map(([, i]) => `${f}:${i + 1}`),
    );
    assert.deepEqual(bad, []);
  });
});
