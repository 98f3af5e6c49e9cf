import type { Tensor } from "./tensor/tensor.js";

// Printing follows torch's: 4 decimals, scientific notation when magnitudes are far apart, values padded
// to one width, and long tensors summarized with "..." (more than 1000 elements, 3 at each edge).
const THRESHOLD = 1000;
const EDGE = 3;

type Formatter = (v: number) => string;

function floatFormatter(values: ArrayLike<number>): Formatter {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  const special = (v: number): string | null => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : null);
  if (finite.length > 0 && finite.every((v) => Number.isInteger(v))) {
    const maxAbs = Math.max(...finite.map(Math.abs));
    if (maxAbs < 1e8) return (v) => special(v) ?? `${v.toFixed(0)}.`;
    return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
  }
  const nonZero = finite.map(Math.abs).filter((v) => v > 0);
  const max = nonZero.length ? Math.max(...nonZero) : 0;
  const min = nonZero.length ? Math.min(...nonZero) : 0;
  const sci = nonZero.length > 0 && (max / min > 1000 || max > 1e8 || min < 1e-4);
  if (sci) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
  return (v) => special(v) ?? v.toFixed(4);
}

function formatterFor(t: Tensor, values: ArrayLike<number>): Formatter {
  if (t.dtype === "bool") return (v) => (v ? "True" : "False");
  if (t.dtype === "int32") return (v) => String(v);
  return floatFormatter(values);
}

/** The indices printed along a dim of `size`: all, or the edges when summarizing. */
function shown(size: number, summarize: boolean): (number | null)[] {
  if (!summarize || size <= 2 * EDGE) return Array.from({ length: size }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), null, ...Array.from({ length: EDGE }, (_, i) => size - EDGE + i)];
}

export function formatTensor(t: Tensor): string {
  const flat = t.toArray();
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
  const format = formatterFor(t, printed);
  const width = Math.max(0, ...printed.map((v) => format(v).length));
  const cell = (v: number) => format(v).padStart(width);

  const indent = "tensor(".length;
  const render = (dim: number, offset: number): string => {
    if (dim === t.ndim) return cell(flat[offset]);
    const items = shown(t.shape[dim], summarize).map((i) => (i === null ? "..." : render(dim + 1, offset + i * strides[dim])));
    if (dim === t.ndim - 1) return `[${items.join(", ")}]`;
    const sep = `,${"\n".repeat(t.ndim - dim - 1)}${" ".repeat(indent + dim + 1)}`;
    return `[${items.join(sep)}]`;
  };

  const extras: string[] = [];
  if (t.numel() === 0 && t.ndim !== 1) extras.push(`size=[${t.shape.join(", ")}]`);
  if (t.dtype === "float64") extras.push("dtype=float64");
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push("requiresGrad=true");
  const body = t.numel() === 0 ? "[]" : render(0, 0);
  return `tensor(${[body, ...extras].join(", ")})`;
}
