import { MAX_NUMEL, typedArrayFor } from "../dtype.js";
import { ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { CsvTokenizer } from "./csv_tokenizer.js";

export interface CsvOptions {
  /** The target column: a header name or a 0-based column index (negative counts from the end). Default: the last column. */
  target?: string | number;
  /** Whether the first non-blank line names the columns (default true). */
  header?: boolean;
  /** The field separator, one character (default ","). */
  delimiter?: string;
  /** Feature dtype (default float32). */
  dtype?: "float32" | "float64";
  /** Target dtype (default float32; int32 for class labels given as numbers). */
  targetDtype?: "float32" | "float64" | "int32";
  /**
   * Read the target as class names: its distinct values, sorted, become `classes` and the target holds
   * their int32 indices (default false).
   */
  categoricalTarget?: boolean;
}

export interface CsvData {
  /** `[rows, columns - 1]`: every column but the target, in file order. */
  features: Tensor;
  /** `[rows]`: the target column. */
  target: Tensor;
  /** The feature columns' names (their 0-based positions as strings without a header). */
  columns: string[];
  /** The target column's name. */
  targetColumn: string;
  /** With `categoricalTarget`, the class names; `target` holds indices into this. */
  classes?: string[];
}

/** Cells that mean "no value", compared case-insensitively. */
const MISSING = new Set(["", "na", "n/a", "nan", "null", "none", "?"]);

/** A decimal number: digits with an optional point and exponent (no hex, no "Infinity"). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const FLOAT32_MAX = 3.4028234663852886e38;
const INT32_MAX = 2 ** 31 - 1;

/** A cell as an error message shows it: quoted, and cut short (a message never echoes a whole file). */
const shown = (cell: string): string => JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);

type Grow = Float32Array | Float64Array;

function grow<T extends Grow>(a: T, need: number): T {
  if (need <= a.length) return a;
  if (need > MAX_NUMEL) {
    throw new ValueError(`parseCsv: the file holds more than ${MAX_NUMEL.toLocaleString("en-US")} values, the limit of one tensor`);
  }
  const b = new (a.constructor as new (n: number) => T)(Math.min(MAX_NUMEL, Math.max(need, 2 * a.length)));
  b.set(a);
  return b;
}

/**
 * Reads CSV text fed in chunks (`push`) into features and a target (`finish`), in linear time and with memory bounded by
 * the values it keeps; `parseCsv` is the one-chunk form, and `readCsv` in tensorgrad/node streams a file through it.
 *
 * @example
 * const reader = new tg.data.CsvReader({ target: "label" });
 * reader.push("x1,x2,label\n1,2,0\n"); reader.push("3,4,1\n");
 * const { features, target } = reader.finish();
 */
export class CsvReader {
  private readonly tokenizer: CsvTokenizer;
  private readonly header: boolean;
  private readonly dtype: "float32" | "float64";
  private readonly categorical: boolean;
  private readonly targetDtype: "float32" | "float64" | "int32";
  private readonly targetOption: string | number | undefined;
  /** The first record's fields, until its end fixes the width. */
  private firstRecord: { text: string; quoted: boolean }[] | null = [];
  private firstLine = 0;
  private names: string[] = [];
  private width = 0;
  private t = 0;
  /** The current record: its fields so far (only the first is held back, in case the line is blank). */
  private fieldCount = 0;
  private held: { text: string; quoted: boolean } | null = null;
  private featureCount = 0;
  private features: Grow;
  private targets = new Float64Array(64);
  private labels: string[] = [];
  private rows = 0;
  private finished = false;

  constructor(options: CsvOptions = {}) {
    const { header = true, delimiter = ",", dtype = "float32", categoricalTarget = false } = options;
    if (typeof delimiter !== "string" || delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
      throw new ValueError(`parseCsv: delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
    }
    this.header = header;
    this.dtype = dtype;
    this.categorical = categoricalTarget;
    this.targetDtype = categoricalTarget ? "int32" : (options.targetDtype ?? "float32");
    this.targetOption = options.target;
    this.features = dtype === "float64" ? new Float64Array(256) : new Float32Array(256);
    this.tokenizer = new CsvTokenizer(
      { field: (text, quoted, line) => this.field(text, quoted, line), endRecord: (line) => this.endRecord(line) },
      delimiter,
    );
  }

  /** Feeds the next piece of the text (any length; a record may span pieces). */
  push(chunk: string): void {
    if (this.finished) throw new ValueError("parseCsv: push after finish");
    this.tokenizer.push(chunk);
  }

  /** Ends the text and returns the tensors; throws a `ValueError` for a text without rows. */
  finish(): CsvData {
    this.tokenizer.end();
    this.finished = true;
    if (this.firstRecord !== null) throw new ValueError("parseCsv: the text has no rows (it is empty or blank)");
    const n = this.rows;
    const k = this.width - 1;
    const targets = typedArrayFor(this.targetDtype, n);
    let classes: string[] | undefined;
    if (this.categorical) {
      classes = [...new Set(this.labels)].sort();
      const index = new Map(classes.map((name, i) => [name, i]));
      for (let r = 0; r < n; r++) targets[r] = index.get(this.labels[r]) as number;
    } else targets.set(this.targets.subarray(0, n));
    return {
      features: fromTyped(this.features.slice(0, n * k), [n, k]),
      target: fromTyped(targets, [n]),
      columns: this.names.filter((_, c) => c !== this.t),
      targetColumn: this.names[this.t],
      ...(classes ? { classes } : {}),
    };
  }

  private field(text: string, quoted: boolean, line: number): void {
    if (this.firstRecord !== null) {
      if (this.firstRecord.length === 0) this.firstLine = line;
      this.firstRecord.push({ text, quoted });
      return;
    }
    if (this.fieldCount === 0) this.held = { text, quoted };
    else {
      if (this.fieldCount === 1 && this.held) this.cell(this.held.text, 0, line);
      this.cell(text, this.fieldCount, line);
    }
    this.fieldCount++;
  }

  private endRecord(line: number): void {
    if (this.firstRecord !== null) {
      const first = this.firstRecord;
      if (first.length === 1 && !first[0].quoted && first[0].text === "") {
        this.firstRecord = [];
        return;
      }
      this.firstRecord = null;
      this.start(first.map((f) => f.text));
      if (!this.header) {
        for (const f of first) this.field(f.text, f.quoted, this.firstLine);
        this.endRecord(this.firstLine);
      }
      return;
    }
    const count = this.fieldCount;
    this.fieldCount = 0;
    if (count === 1 && this.held && !this.held.quoted && this.held.text === "") return; // a blank line
    if (count === 1 && this.held) this.cell(this.held.text, 0, line);
    this.held = null;
    if (count !== this.width) {
      const as = this.header ? `the header on line ${this.firstLine}` : `line ${this.firstLine}`;
      throw new ValueError(`parseCsv: line ${line} has ${count} columns, expected ${this.width} (as ${as})`);
    }
    this.rows++;
  }

  /** The first record fixes the columns and the target. */
  private start(fields: string[]): void {
    const width = fields.length;
    this.width = width;
    this.names = this.header ? fields : fields.map((_, i) => String(i));
    const target = this.targetOption ?? width - 1;
    if (typeof target === "number") {
      if (!Number.isInteger(target) || target < -width || target >= width) {
        throw new ValueError(`parseCsv: target column index ${target} is out of range for ${width} columns`);
      }
      this.t = target < 0 ? target + width : target;
    } else {
      if (!this.header) throw new ValueError(`parseCsv: target "${target}" is a column name, but header is false; give a column index`);
      this.t = this.names.indexOf(target);
      if (this.t < 0) {
        const list = this.names.slice(0, 20).map(shown).join(", ");
        throw new ValueError(`parseCsv: target column "${target}" not found; the columns are ${list}${width > 20 ? ", ..." : ""}`);
      }
    }
  }

  private where(line: number, c: number): string {
    return `line ${line}, column ${c + 1}${this.header ? ` (${shown(this.names[c])})` : ""}`;
  }

  /** One cell of a data row: checked and stored (cells past the width are only counted, for the error). */
  private cell(cell: string, c: number, line: number): void {
    if (c >= this.width) return;
    if (cell.length <= 16 && MISSING.has(cell.trim().toLowerCase())) {
      throw new ValueError(`parseCsv: missing value at ${this.where(line, c)}${cell.trim() ? `: ${shown(cell)}` : ""}`);
    }
    const r = this.rows;
    if (c === this.t && this.categorical) {
      this.labels.push(cell);
      return;
    }
    const s = cell.trim();
    if (!NUMBER.test(s)) throw new ValueError(`parseCsv: non-numeric value ${shown(cell)} at ${this.where(line, c)}`);
    const v = Number(s);
    if (!Number.isFinite(v)) throw new ValueError(`parseCsv: value ${shown(cell)} at ${this.where(line, c)} is too large for a number`);
    if (c === this.t) {
      if (this.targetDtype === "int32" && !Number.isInteger(v)) {
        throw new ValueError(`parseCsv: target value ${shown(cell)} at ${this.where(line, c)} is not an integer, but targetDtype is int32`);
      }
      if (this.targetDtype === "int32" && Math.abs(v) > INT32_MAX) {
        throw new ValueError(`parseCsv: target value ${shown(cell)} at ${this.where(line, c)} is outside the int32 range`);
      }
      if (this.targetDtype === "float32" && Math.abs(v) > FLOAT32_MAX) {
        throw new ValueError(
          `parseCsv: target value ${shown(cell)} at ${this.where(line, c)} is beyond float32's range; use targetDtype "float64"`,
        );
      }
      this.targets = grow(this.targets, r + 1);
      this.targets[r] = v;
      return;
    }
    if (this.dtype === "float32" && Math.abs(v) > FLOAT32_MAX) {
      throw new ValueError(`parseCsv: value ${shown(cell)} at ${this.where(line, c)} is beyond float32's range; use dtype "float64"`);
    }
    const at = this.featureCount++;
    this.features = grow(this.features, at + 1);
    this.features[at] = v;
  }
}

/**
 * Parses CSV text of numbers into a feature matrix and a target vector. Blank lines are skipped; fields may be
 * double-quoted (and then hold the delimiter and line breaks); lines end with "\n", "\r\n" or "\r". Ragged rows,
 * missing values (empty, NA, NaN, null, ?), non-numeric cells (also "Infinity" and hex), numbers too large for the
 * dtype, int32 targets beyond int32 and fields over 1 MiB throw a `ValueError` naming the line (1-based, counting every
 * line of the text) and the column. Linear in the text's length.
 *
 * @example
 * const { features, target, columns } = tg.data.parseCsv("x1,x2,y\n1,2,0\n3,4,1\n", { target: "y", targetDtype: "int32" });
 * // features: [[1, 2], [3, 4]] float32, target: [0, 1] int32, columns: ["x1", "x2"]
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvData {
  const reader = new CsvReader(options);
  reader.push(text);
  return reader.finish();
}
