import { ValueError } from "../errors.js";
import { fromTyped } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";

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

/** Splits one line into fields, honouring double quotes ("" inside quotes is a literal quote). */
function splitLine(line: string, delimiter: string, lineNo: number): string[] {
  const fields: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let wasQuoted = false;
  while (i < line.length) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
    } else if (c === '"' && field.trim() === "" && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      field = "";
    } else if (c === delimiter) {
      fields.push(wasQuoted ? field : field.trim());
      field = "";
      wasQuoted = false;
    } else if (!wasQuoted) field += c;
    else if (c.trim() !== "") {
      throw new ValueError(`parseCsv: line ${lineNo}, column ${fields.length + 1}: unexpected character "${c}" after a closing quote`);
    }
    i++;
  }
  if (quoted) throw new ValueError(`parseCsv: line ${lineNo}, column ${fields.length + 1}: unterminated quoted field`);
  fields.push(wasQuoted ? field : field.trim());
  return fields;
}

/**
 * Parses CSV text of numbers into a feature matrix and a target vector. Blank lines are skipped; fields
 * may be double-quoted. Ragged rows, missing values (empty, NA, NaN, null, ?) and non-numeric cells throw
 * a `ValueError` naming the line (1-based, counting every line of the text) and the column.
 *
 * @example
 * const { features, target, columns } = tg.data.parseCsv("x1,x2,y\n1,2,0\n3,4,1\n", { target: "y", targetDtype: "int32" });
 * // features: [[1, 2], [3, 4]] float32, target: [0, 1] int32, columns: ["x1", "x2"]
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvData {
  const { header = true, delimiter = ",", dtype = "float32", categoricalTarget = false } = options;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new ValueError(`parseCsv: delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
  }
  const rows: { lineNo: number; fields: string[] }[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    rows.push({ lineNo: i + 1, fields: splitLine(line, delimiter, i + 1) });
  });
  if (rows.length === 0) throw new ValueError("parseCsv: the text has no rows (it is empty or blank)");
  const first = rows[0];
  const width = first.fields.length;
  const names = header ? first.fields : first.fields.map((_, i) => String(i));
  const data = header ? rows.slice(1) : rows;

  const { target = width - 1 } = options;
  let t: number;
  if (typeof target === "number") {
    if (!Number.isInteger(target) || target < -width || target >= width) {
      throw new ValueError(`parseCsv: target column index ${target} is out of range for ${width} columns`);
    }
    t = target < 0 ? target + width : target;
  } else {
    t = names.indexOf(target);
    if (!header) throw new ValueError(`parseCsv: target "${target}" is a column name, but header is false; give a column index`);
    if (t < 0)
      throw new ValueError(`parseCsv: target column "${target}" not found; the columns are ${names.map((n) => `"${n}"`).join(", ")}`);
  }

  const k = width - 1;
  const n = data.length;
  const features = new (dtype === "float64" ? Float64Array : Float32Array)(n * k);
  const targetDtype = categoricalTarget ? "int32" : (options.targetDtype ?? "float32");
  const targets = new (targetDtype === "float64" ? Float64Array : targetDtype === "int32" ? Int32Array : Float32Array)(n);
  const labels: string[] = [];
  const columnName = (c: number): string => (header ? ` ("${names[c]}")` : "");
  const where = (lineNo: number, c: number): string => `line ${lineNo}, column ${c + 1}${columnName(c)}`;
  const headerNote = header ? `the header on line ${first.lineNo}` : `line ${first.lineNo}`;

  data.forEach(({ lineNo, fields }, r) => {
    if (fields.length !== width) {
      throw new ValueError(`parseCsv: line ${lineNo} has ${fields.length} columns, expected ${width} (as ${headerNote})`);
    }
    let f = 0;
    fields.forEach((cell, c) => {
      if (MISSING.has(cell.trim().toLowerCase())) {
        throw new ValueError(`parseCsv: missing value at ${where(lineNo, c)}${cell.trim() ? `: "${cell}"` : ""}`);
      }
      if (c === t && categoricalTarget) {
        labels.push(cell);
        return;
      }
      const v = Number(cell);
      if (Number.isNaN(v) || cell.trim() === "") throw new ValueError(`parseCsv: non-numeric value "${cell}" at ${where(lineNo, c)}`);
      if (c === t) {
        if (targetDtype === "int32" && !Number.isInteger(v)) {
          throw new ValueError(`parseCsv: target value "${cell}" at ${where(lineNo, c)} is not an integer, but targetDtype is int32`);
        }
        targets[r] = v;
      } else features[r * k + f++] = v;
    });
  });

  let classes: string[] | undefined;
  if (categoricalTarget) {
    classes = [...new Set(labels)].sort();
    const index = new Map(classes.map((name, i) => [name, i]));
    labels.forEach((name, r) => {
      targets[r] = index.get(name)!;
    });
  }
  return {
    features: fromTyped(features, [n, k]),
    target: fromTyped(targets, [n]),
    columns: names.filter((_, c) => c !== t),
    targetColumn: names[t],
    ...(classes ? { classes } : {}),
  };
}
