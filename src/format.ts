import type { Tensor } from "./tensor/tensor.js";

// Printing follows torch's: 4 decimals, scientific notation when magnitudes are far apart, values padded
// to one width, rows wrapped at 80 columns, and long tensors summarized with "..." (more than 1000 elements,
// 3 at each edge). See torch/_tensor_str.py.
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 80;

type Formatter = (v: number) => string;
/** A formatter pads every value to `width`, which also sets how many values fit on a line. */
interface CellFormat {
  format: Formatter;
  width: number;
}

const special = (v: number): string | null => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : null);

/**
 * `digits` decimals (or, with `exp`, a mantissa with `digits` decimals and a 2-digit-minimum exponent) as
 * Python's `format` writes them: exact ties round half to even (JS rounds them away from zero) and -0 keeps
 * its sign.
 */
function decimal(v: number, digits: number, exp: boolean): string {
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  let s = exp ? a.toExponential(digits) : a.toFixed(digits);
  // 100 digits hold the exact value of every double printed here, so a tie can be told from a near-tie.
  const exact = exp ? a.toExponential(100) : a.toFixed(100);
  const [mant, e] = exact.split("e");
  const point = mant.indexOf(".");
  const rest = mant.slice(point + 1 + digits);
  if (point >= 0 && rest[0] === "5" && /^0*$/.test(rest.slice(1))) {
    const truncated = mant.slice(0, digits > 0 ? point + 1 + digits : point);
    if (Number(truncated[truncated.length - 1]) % 2 === 0) s = exp ? `${truncated}e${e}` : truncated;
  }
  if (exp) s = s.replace(/e([+-])(\d)$/, "e$10$2");
  return sign + s;
}

// torch's _Formatter: the mode and the width come from the nonzero finite values only (nan, inf and 0
// are padded to that width, never widen it); integral values print as "3.", far-apart magnitudes in
// scientific notation.
function floatFormat(values: ArrayLike<number>): CellFormat {
  const nonZero: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] !== 0) nonZero.push(values[i]);
  let raw: Formatter = (v) => special(v) ?? `${decimal(v, 0, false)}.`;
  let width = 1;
  if (nonZero.length > 0) {
    const abs = nonZero.map(Math.abs);
    const max = abs.reduce((a, b) => Math.max(a, b), 0);
    const min = abs.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    const intMode = nonZero.every(Number.isInteger);
    const sci = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
    if (sci) raw = (v) => special(v) ?? decimal(v, 4, true);
    else if (!intMode) raw = (v) => special(v) ?? decimal(v, 4, false);
    for (const v of nonZero) width = Math.max(width, raw(v).length);
  }
  return { format: (v) => raw(v).padStart(width), width };
}

function formatFor(t: Tensor, values: ArrayLike<number>): CellFormat {
  if (t.dtype !== "bool" && t.dtype !== "int32") return floatFormat(values);
  const raw: Formatter = t.dtype === "bool" ? (v) => (v ? "True" : "False") : (v) => String(v);
  let width = 1;
  for (let i = 0; i < values.length; i++) width = Math.max(width, raw(values[i]).length);
  return { format: (v) => raw(v).padStart(width), width };
}

/** The indices printed along a dim of `size`: all, or the edges when summarizing. */
function shown(size: number, summarize: boolean): (number | null)[] {
  if (!summarize || size <= 2 * EDGE) return Array.from({ length: size }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), null, ...Array.from({ length: EDGE }, (_, i) => size - EDGE + i)];
}

/** `t` as PyTorch prints it; `flat` holds its values when they have been read already (`toStringAsync`). */
export function formatTensor(t: Tensor, flat: ArrayLike<number> = t.toArray()): string {
  const summarize = flat.length > THRESHOLD;
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  // Width is taken over the values that will be printed, as torch does.
  const printed: number[] = [];
  const collect = (dim: number, offset: number): void => {
    if (dim === t.ndim) {
      printed.push(flat[offset]);
      return;
    }
    for (const i of shown(t.shape[dim], summarize)) if (i !== null) collect(dim + 1, offset + i * strides[dim]);
  };
  collect(0, 0);
  const { format: cell, width } = formatFor(t, printed);

  const indent = "tensor(".length;
  const render = (dim: number, offset: number): string => {
    if (dim === t.ndim) return cell(flat[offset]);
    // A vector gets " ..." (so that it reads ",  ...,") and wraps at 80 columns, as torch's _vector_str.
    const gap = dim === t.ndim - 1 ? " ..." : "...";
    const items = shown(t.shape[dim], summarize).map((i) => (i === null ? gap : render(dim + 1, offset + i * strides[dim])));
    const pad = " ".repeat(indent + dim + 1);
    if (dim === t.ndim - 1) {
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent - dim) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
      return `[${lines.join(`,\n${pad}`)}]`;
    }
    return `[${items.join(`,${"\n".repeat(t.ndim - dim - 1)}${pad}`)}]`;
  };

  const extras: string[] = [];
  if (t.numel() === 0 && t.ndim !== 1) extras.push(`size=[${t.shape.join(", ")}]`);
  if (t.device !== "cpu") extras.push(`device='${t.device}'`);
  // An empty tensor has no values to tell its dtype by, so any but the default float32 is named.
  if (t.dtype === "float64" || (t.numel() === 0 && t.dtype !== "float32")) extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push("requiresGrad=true");
  // torch's _add_suffixes: a suffix that would pass the line width goes on a line of its own.
  let out = `tensor(${t.numel() === 0 ? "[]" : render(0, 0)}`;
  let lastLine = out.length - out.lastIndexOf("\n") + 1;
  for (const extra of extras) {
    if (lastLine + extra.length + 2 > LINE_WIDTH) {
      out += `,\n${" ".repeat(indent)}${extra}`;
      lastLine = indent + extra.length;
    } else {
      out += `, ${extra}`;
      lastLine += extra.length + 2;
    }
  }
  return `${out})`;
}
