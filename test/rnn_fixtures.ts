import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tg } from "./helpers.ts";

// PyTorch 1.13's numbers for the recurrent and attention layers, written by test/fixtures/rnn_attention_torch.py.

export interface Arr {
  shape: number[];
  data: (number | boolean)[];
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture is free-form JSON read by each test.
export const FX: Record<string, any> = JSON.parse(readFileSync(new URL("fixtures/rnn_attention_torch.json", import.meta.url), "utf8"));

/** A fixture array as a float64 (or bool) tensor. */
export const T = (a: Arr, requiresGrad = false): tg.Tensor => {
  const isBool = typeof a.data[0] === "boolean";
  const t = tg.tensor(a.data as number[], { dtype: isBool ? "bool" : "float64" }).reshape(a.shape);
  return requiresGrad ? t.requiresGrad_(true) : t;
};

/** Loads a fixture's state dict strictly: the keys must be exactly PyTorch's. */
export const loadParams = (m: tg.nn.AnyModule, params: Record<string, Arr>): void => {
  const state = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, T(v)]));
  const r = m.loadStateDict(state);
  assert.deepEqual(r, { missingKeys: [], unexpectedKeys: [] });
};
