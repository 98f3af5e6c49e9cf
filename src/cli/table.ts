/** A plain text table with a header rule, columns padded to fit (numbers right-aligned). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => rows.reduce((w, r) => Math.max(w, (r[c] ?? "").length), h.length));
  const isNum = (s: string) => /^[-+]?[\d.,]+(%|s)?$/.test(s);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (isNum(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
