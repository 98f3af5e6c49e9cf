import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tg } from "./helpers.ts";

// A PyTorch habit: keywords written as an options object where tensorgrad's method takes positional arguments
// (`x.sum({ dim: 1 })` for `x.sum(dim=1)`). Each must throw an error of the library that names the op, never
// compute with the object (it became NaN, an empty dim list, or an allocation of NaN elements).
const x = () =>
  tg.tensor([
    [1, 2],
    [3, 4],
  ]);
// biome-ignore lint/suspicious/noExplicitAny: the point is a call the types forbid
const o: any = { dim: 1 };

const CASES: [string, () => unknown][] = [
  ["sum", () => x().sum(o)],
  ["mean", () => x().mean(o)],
  ["amax", () => x().amax(o)],
  ["max", () => x().max(o)],
  ["argmax", () => x().argmax(o)],
  ["softmax", () => x().softmax(o)],
  ["cumsum", () => x().cumsum(o)],
  ["logsumexp", () => x().logsumexp(o)],
  ["prod", () => x().prod(o)],
  ["squeeze", () => x().squeeze(o)],
  ["unsqueeze", () => x().unsqueeze(o)],
  ["transpose", () => x().transpose(o, 1)],
  ["flip", () => x().flip(o)],
  ["split", () => x().split(o)],
  ["tril", () => x().tril(o)],
  ["norm", () => x().norm(o)],
  ["add", () => x().add(o)],
  ["mul", () => x().mul(o)],
  ["pow", () => x().pow(o)],
  ["clamp", () => x().clamp(o)],
  ["maskedFill", () => x().maskedFill(x().gt(2), o)],
];

describe("an options object where an argument is positional", () => {
  for (const [name, call] of CASES) {
    it(`${name} throws naming what it expected`, () => {
      assert.throws(call, (e: unknown) => e instanceof tg.TensorGradError && /an object with keys dim/.test(String(e)));
    });
  }
  it("the dim errors say how to write it", () => {
    assert.throws(() => x().sum(o), /dims are positional here: x\.sum\(1\)/);
    assert.throws(() => x().norm(o), /norm: p must be a number or "fro"/);
  });
});
