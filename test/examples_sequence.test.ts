import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

/** Runs an example as a student would (short runs via TG_QUICK=1) and returns what it printed. */
function run(name: string, ...args: string[]): string {
  return execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", `examples/${name}`, ...args], {
    encoding: "utf8",
    env: { ...process.env, TG_QUICK: "1" },
    timeout: 300_000, // generous: the machine running the tests may be busy
  });
}

/** The number in `out` captured by `re`'s first group, failing with the output when it is missing. */
function num(out: string, re: RegExp): number {
  const m = re.exec(out);
  assert.ok(m, `no match for ${re} in:\n${out}`);
  return Number(m[1]);
}

describe("sequence examples: lstm_lm.ts", () => {
  let out = "";
  before(() => {
    out = run("lstm_lm.ts");
  });

  it("starts near ln 27 and beats the bigram table on the held-out names", () => {
    const initial = num(out, /^ {2}LSTM before training\s+(\d+\.\d+)$/m);
    const bigram = num(out, /^ {2}bigram counts\s+(\d+\.\d+)$/m);
    const lstm = num(out, /^ {2}LSTM \(this run\)\s+(\d+\.\d+)$/m);
    assert.ok(Math.abs(initial - Math.log(27)) < 0.2, `initial ${initial}\n${out}`);
    assert.ok(bigram > 2.35 && bigram < 2.5, `bigram ${bigram}`);
    assert.ok(lstm < 2.25 && lstm < bigram - 0.15, `LSTM ${lstm}, bigram ${bigram}\n${out}`);
  });

  it("prints the validation loss falling during training", () => {
    const losses = [...out.matchAll(/^step \d+: validation loss (\d+\.\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(losses.length >= 3, out);
    assert.ok(losses.at(-1)! < losses[0], losses.join(" "));
  });

  it("samples ten names of the letters a–z", () => {
    const names = out.split("ten new names:\n")[1]?.trim().split("\n") ?? [];
    assert.equal(names.length, 10, out);
    for (const n of names) assert.match(n.trim(), /^[a-z]*$/);
    assert.ok(names.filter((n) => n.trim().length >= 2).length >= 8, names.join(" "));
  });
});

describe("sequence examples: next_word.ts", () => {
  let out = "";
  /** Each prompt's listed words and probabilities, in the printed order. */
  let tables = new Map<string, { word: string; p: number }[]>();
  before(() => {
    out = run("next_word.ts");
    tables = new Map();
    for (const block of out.split(/^"/m).slice(1)) {
      const prompt = block.slice(0, block.indexOf('"'));
      const rows = [...block.matchAll(/^ {2}(\S+)\s+(\d\.\d{3}) █+$/gm)].map((m) => ({ word: m[1], p: Number(m[2]) }));
      tables.set(prompt, rows);
    }
  });

  it("the LSTM's validation loss per word beats the unigram counts", () => {
    const unigram = num(out, /^ {2}unigram counts\s+(\d+\.\d+)/m);
    const lstm = num(out, /^ {2}LSTM\s+(\d+\.\d+)/m);
    assert.ok(lstm < unigram - 0.3, `LSTM ${lstm}, unigram ${unigram}\n${out}`);
  });

  it("lists the top 5 next words of each prompt, most likely first, with probabilities that sum to at most 1", () => {
    assert.deepEqual([...tables.keys()], ["the united", "we must", "the american", "health", "god bless", "i ask the congress to"]);
    for (const [prompt, rows] of tables) {
      assert.equal(rows.length, 5, `${prompt}\n${out}`);
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].p >= rows[i].p, `${prompt}: not sorted`);
      assert.ok(rows.reduce((a, r) => a + r.p, 0) <= 1.0051, prompt);
    }
  });

  it("has learned the corpus's strongest continuations", () => {
    const top = (prompt: string) => tables.get(prompt)?.[0];
    assert.equal(top("the united")?.word, "states", out);
    assert.ok((top("the united")?.p ?? 0) > 0.3, out);
    assert.equal(top("the american")?.word, "people", out);
  });
});

describe("sequence examples: attention_heatmap.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "tg-attention-"));
  const svgPath = join(dir, "nested", "attention.svg");
  let out = "";
  before(() => {
    out = run("attention_heatmap.ts", svgPath);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("learns to reverse new strings, attending to the mirrored letter", () => {
    assert.ok(num(out, /reversed correctly: (\d+)\/500/) >= 490, out);
    assert.ok(num(out, /attention on the mirrored letter: (\d\.\d+)/) > 0.9, out);
    assert.match(out, /^"tensor\|" continues as "rosnet"$/m);
  });

  it("writes a 12 × 12 heatmap SVG with token labels and a colour scale to the printed path", () => {
    assert.match(out, new RegExp(`wrote the heatmap to ${svgPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    const svg = readFileSync(svgPath, "utf8");
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.equal(svg.match(/<rect class="cell"/g)?.length, 144);
    assert.match(svg, /linearGradient id="scale"/);
    for (const label of ["t", "e", "n", "s", "o", "r", "|"]) assert.ok(svg.includes(`font-family="monospace">${label}</text>`), label);
    // The trained weights show up as bright cells on the anti-diagonal: "|" (row 6) looks at "r" (key 5).
    assert.match(svg, /query 6 \| → key 5 r: (0\.9\d\d|1\.000)</);
  });
});
