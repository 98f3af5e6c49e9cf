/** A one-line terminal progress bar: `[#####-----] 50% label`, redrawn in place on a TTY. */
export function progressBar(done: number, total: number, label: string, width = 30): string {
  const frac = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(frac * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${label}`;
}

/** Writes a progress line: redrawn in place on a terminal, one line per call elsewhere (CI logs). */
export function showProgress(line: string, final = false): void {
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${final ? "\n" : ""}`);
  else console.log(line);
}
