import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { readCsv } from "tensorgrad/node";
import { tg } from "./helpers.ts";

const { data } = tg;

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof tg.ValueError, `not a ValueError: ${(e as Error)?.stack}`);
    return e.message;
  }
  return "no error";
}

/** The text fed to a CsvReader in pieces cut at `cuts`. */
function chunked(text: string, cuts: number[], options?: tg.data.CsvOptions): tg.data.CsvData {
  const reader = new data.CsvReader(options);
  let at = 0;
  for (const c of [...cuts, text.length]) {
    reader.push(text.slice(at, c));
    at = c;
  }
  return reader.finish();
}

const same = (a: tg.data.CsvData, b: tg.data.CsvData): void => {
  assert.deepEqual(a.features.tolist(), b.features.tolist());
  assert.deepEqual(a.target.tolist(), b.target.tolist());
  assert.deepEqual(a.columns, b.columns);
  assert.deepEqual(a.classes, b.classes);
};

describe("CSV parsing, hardened", () => {
  it("splits long lines in linear time and caps a field at 1 MiB instead of running out of memory", () => {
    const values = Array.from({ length: 300_000 }, (_, i) => i % 10);
    const r = data.parseCsv(`${values.join(",")}\n${values.join(",")}\n`, { header: false });
    assert.deepEqual(r.features.shape, [2, 299_999]);
    assert.equal(r.features.get(1, 299_998).item(), 8);
    assert.equal(
      message(() => data.parseCsv(`a\n${"7".repeat(20_000_000)}\n`)),
      "parseCsv: line 2, column 1: a field longer than 1048576 characters (is this a CSV file?)",
    );
  });

  it("gives the same result whatever the chunks, with records and quotes across them", () => {
    const text = '\uFEFFx,"y ""q""",label\r\n1,2,0\r\n\r\n3,"4\n",1\r5 , 6 ,0\n"7",8,1';
    const whole = data.parseCsv(text.replace('"4\n"', "4"));
    for (let cut = 0; cut <= text.length; cut++) same(chunked(text.replace('"4\n"', "4"), [cut]), whole);
    assert.deepEqual(whole.features.tolist(), [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    assert.deepEqual(whole.columns, ["x", 'y "q"']);
  });

  it("reads CR-only (old Mac) files and counts their lines", () => {
    const r = data.parseCsv("a,b,label\r1,2,0\r3,4,1\r");
    assert.deepEqual(r.features.shape, [2, 2]);
    assert.equal(
      message(() => data.parseCsv("a,b\r1,2\r3,x\r")),
      'parseCsv: non-numeric value "x" at line 3, column 2 ("b")',
    );
  });

  it("refuses values that are not finite numbers of the dtype, naming the line", () => {
    assert.equal(
      message(() => data.parseCsv("a,b\n1,2\nInfinity,3\n")),
      'parseCsv: non-numeric value "Infinity" at line 3, column 1 ("a")',
    );
    assert.equal(
      message(() => data.parseCsv("a,b\n0x10,3\n")),
      'parseCsv: non-numeric value "0x10" at line 2, column 1 ("a")',
    );
    assert.equal(
      message(() => data.parseCsv("a,b\n1e999,3\n")),
      'parseCsv: value "1e999" at line 2, column 1 ("a") is too large for a number',
    );
    assert.match(
      message(() => data.parseCsv("a,b\n1e39,3\n")),
      /value "1e39" at line 2, column 1 \("a"\) is beyond float32's range; use dtype "float64"/,
    );
    assert.equal(data.parseCsv("a,b\n1e39,3\n", { dtype: "float64" }).features.item(), 1e39);
    assert.match(
      message(() => data.parseCsv("a,b\n1,1e39\n")),
      /target value "1e39" .* beyond float32's range/,
    );
    assert.match(
      message(() => data.parseCsv("a,label\n1,3e9\n", { targetDtype: "int32" })),
      /target value "3e9" at line 2, column 2 \("label"\) is outside the int32 range/,
    );
  });

  it("never echoes more than a short piece of a cell in an error", () => {
    const long = "z".repeat(5000);
    const m = message(() => data.parseCsv(`a,b\n1,${long}\n`));
    assert.ok(m.length < 200, m);
    assert.match(m, /non-numeric value "z{40}…"/);
  });

  it("readCsv streams plain and gzipped files; a folder, a missing file or bad gzip get a ValueError naming it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tg-csv-"));
    const rows = ["x,label", ...Array.from({ length: 50_000 }, (_, i) => `${i},${i % 2}`)].join("\n");
    writeFileSync(join(dir, "a.csv"), rows);
    writeFileSync(join(dir, "a.csv.gz"), gzipSync(rows));
    const plain = await readCsv(join(dir, "a.csv"));
    const gz = await readCsv(join(dir, "a.csv.gz"));
    assert.deepEqual(plain.features.shape, [50_000, 1]);
    assert.deepEqual(gz.target.tolist(), plain.target.tolist());
    const bad = gzipSync(rows);
    bad.fill(7, 20, 60);
    writeFileSync(join(dir, "bad.csv.gz"), bad);
    await assert.rejects(readCsv(join(dir, "bad.csv.gz")), {
      name: "ValueError",
      message: /bad\.csv\.gz starts like gzip but is not valid gzip data/,
    });
    mkdirSync(join(dir, "folder"));
    await assert.rejects(readCsv(join(dir, "folder")), { name: "ValueError", message: /can't read .*folder: it is a folder/ });
    await assert.rejects(readCsv(join(dir, "none.csv")), { name: "ValueError", message: /can't read .*none\.csv: no such file/ });
    // An endless file stops at the field cap, reading about 1 MiB.
    if (existsSync("/dev/zero"))
      await assert.rejects(readCsv("/dev/zero"), { name: "ValueError", message: /a field longer than 1048576 characters/ });
  });
});

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe("CSV parser fuzz", () => {
  it("3,000 mutated files: a result or a ValueError, never another error, and the same in chunks", () => {
    const base = 'x1,x2,"la,bel"\n1.5,-2,0\n3e2,"4",1\r\n\n5,6,"2"\n';
    const pieces = ['"', ",", "\n", "\r", " ", "NA", "1e999", "x", "-", ".", "e", "0", '""', "\uFEFF", "\t"];
    const random = rng(16);
    for (let trial = 0; trial < 3000; trial++) {
      let text = base;
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (text.length + 1));
        const kind = random();
        if (kind < 0.4) text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at);
        else if (kind < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
        else text = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(at + 1);
      }
      const options: tg.data.CsvOptions = random() < 0.3 ? { categoricalTarget: true } : random() < 0.5 ? { targetDtype: "int32" } : {};
      let whole: tg.data.CsvData | string;
      try {
        whole = data.parseCsv(text, options);
      } catch (e) {
        assert.ok(e instanceof tg.ValueError, `trial ${trial}: ${JSON.stringify(text)}: ${(e as Error)?.stack}`);
        whole = e.message;
      }
      const cuts = [Math.floor(random() * text.length), Math.floor(random() * text.length)].sort((a, b) => a - b);
      let parts: tg.data.CsvData | string;
      try {
        parts = chunked(text, cuts, options);
      } catch (e) {
        assert.ok(e instanceof tg.ValueError, `trial ${trial} (chunked): ${(e as Error)?.stack}`);
        parts = e.message;
      }
      if (typeof whole === "string" || typeof parts === "string")
        assert.equal(parts, whole, `trial ${trial}: ${JSON.stringify(text)} cut at ${cuts}`);
      else {
        same(parts, whole);
        assert.equal(whole.features.shape[0], whole.target.shape[0]);
        for (const v of whole.features.toArray()) assert.ok(Number.isFinite(v));
      }
    }
  });
});
