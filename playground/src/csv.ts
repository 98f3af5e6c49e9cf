/**
 * Bring your own data: a CSV file of two numeric feature columns and a label, parsed with errors that say which line
 * and column is wrong and what was expected. Pure (no DOM), so it is tested in Node.
 */
import type { Problem } from "./state.ts";

/** A CSV file that can't be used; the message is meant for the page, as is. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvError";
  }
}

export interface ParsedCsv {
  /** `[n, 2]` row-major. */
  points: Float32Array;
  /** Class 0/1 (classification), class index (multiclass) or target value (regression). */
  labels: Float32Array;
  /** The header's names when the file has one. */
  header: string[] | null;
  /** Number of classes (1 for regression). */
  classes: number;
}

export const MAX_CSV_ROWS = 10_000;
export const MAX_CSV_BYTES = 2_000_000;
export const MAX_CSV_CLASSES = 10;
/**
 * The largest magnitude a feature or a regression target may have: beyond it (1e200, −1e300) the squared features and
 * the losses overflow float32 and training can only diverge. Such data has to be rescaled first.
 */
export const MAX_CSV_MAGNITUDE = 1e6;
const MIN_ROWS = 4;

const isNumber = (s: string): boolean => s.trim() !== "" && Number.isFinite(Number(s));

function splitter(line: string): string {
  if (line.includes(",")) return ",";
  if (line.includes(";")) return ";";
  if (line.includes("\t")) return "\t";
  return ",";
}

/**
 * Parses `x1,x2,label` rows (a header line is optional; `;` or tab separators work too; blank lines and lines starting
 * with `#` are skipped). Labels: 0/1 or -1/1 for classification (−1 becomes 0), integers 0..K−1 for multiclass, any
 * number for regression. Throws a `CsvError` naming the line and column of the first problem.
 */
export function parseCsv(text: string, problem: Problem): ParsedCsv {
  if (text.length > MAX_CSV_BYTES) throw new CsvError(`the file is too large (${text.length} characters; at most ${MAX_CSV_BYTES})`);
  if (text.includes("\u0000")) throw new CsvError("this is not a text file (it contains NUL bytes); upload a .csv file");
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const rows: { line: number; cells: string[] }[] = [];
  let header: string[] | null = null;
  let sep = "";
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "" || raw.startsWith("#")) continue;
    if (sep === "") sep = splitter(raw);
    const cells = raw.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    if (header === null && rows.length === 0 && cells.some((c) => !isNumber(c))) {
      if (cells.every((c) => !isNumber(c))) {
        if (cells.length !== 3) {
          throw new CsvError(`line ${i + 1}: the header has ${cells.length} columns; expected 3 (x1, x2, label)`);
        }
        header = cells;
        continue;
      }
    }
    if (cells.length !== 3) {
      throw new CsvError(
        `line ${i + 1}: expected 3 columns (x1, x2, label), found ${cells.length}${cells.length === 1 && sep === "," ? " (is the separator a comma?)" : ""}`,
      );
    }
    rows.push({ line: i + 1, cells });
    if (rows.length > MAX_CSV_ROWS) throw new CsvError(`too many rows: at most ${MAX_CSV_ROWS} data rows are supported`);
  }
  if (rows.length === 0)
    throw new CsvError(header ? "the file has a header but no data rows" : "the file is empty: expected rows of x1, x2, label");
  if (rows.length < MIN_ROWS)
    throw new CsvError(`only ${rows.length} data row${rows.length === 1 ? "" : "s"}; at least ${MIN_ROWS} are needed to train and test`);
  const names = header ?? ["x1", "x2", "label"];
  const n = rows.length;
  const points = new Float32Array(2 * n);
  const labels = new Float32Array(n);
  let maxClass = 0;
  let sawMinusOne = false;
  let sawZero = false;
  for (const [k, { line, cells }] of rows.entries()) {
    const values = cells.map((c, j) => {
      if (!isNumber(c)) {
        const shown = c === "" ? "an empty cell" : `"${c.length > 20 ? `${c.slice(0, 20)}…` : c}"`;
        throw new CsvError(`line ${line}, column ${j + 1} (${names[j]}): ${shown} is not a number`);
      }
      const v = Number(c);
      if (Math.abs(v) > MAX_CSV_MAGNITUDE && (j < 2 || problem === "regression")) {
        throw new CsvError(
          `line ${line}, column ${j + 1} (${names[j]}): ${c} is too large in magnitude (at most ${MAX_CSV_MAGNITUDE.toExponential()}); rescale the column (for example to mean 0 and standard deviation 1) and upload it again`,
        );
      }
      return v;
    });
    points[2 * k] = values[0];
    points[2 * k + 1] = values[1];
    const label = values[2];
    if (problem === "classification") {
      if (label !== 0 && label !== 1 && label !== -1) {
        throw new CsvError(
          `line ${line}, column 3 (${names[2]}): classification labels must be 0 or 1 (or -1 and 1), found ${label}; pick "regression" for continuous targets or "multiclass" for more classes`,
        );
      }
      if (label === -1) sawMinusOne = true;
      if (label === 0) sawZero = true;
      labels[k] = label === 1 ? 1 : 0;
    } else if (problem === "multiclass") {
      if (!Number.isInteger(label) || label < 0) {
        throw new CsvError(`line ${line}, column 3 (${names[2]}): multiclass labels must be class numbers 0, 1, 2, ...; found ${label}`);
      }
      if (label >= MAX_CSV_CLASSES)
        throw new CsvError(
          `line ${line}, column 3 (${names[2]}): at most ${MAX_CSV_CLASSES} classes (0 to ${MAX_CSV_CLASSES - 1}) are supported; found ${label}`,
        );
      maxClass = Math.max(maxClass, label);
      labels[k] = label;
    } else {
      labels[k] = label;
    }
  }
  if (sawMinusOne && sawZero) throw new CsvError("classification labels mix 0 and -1: use 0/1 or -1/1, not both");
  if (problem === "classification" && new Set(labels).size < 2)
    throw new CsvError("every row has the same label: classification needs both classes");
  if (problem === "multiclass" && maxClass < 1) throw new CsvError("every row has class 0: multiclass needs at least two classes");
  return { points, labels, header, classes: problem === "multiclass" ? maxClass + 1 : problem === "classification" ? 2 : 1 };
}
