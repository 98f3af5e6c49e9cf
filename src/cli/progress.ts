/** A per-epoch progress bar with running loss, accuracy, throughput and time left. */
export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  /** Redraws the bar (at most ~10 times a second on a terminal; only at the end elsewhere). */
  update(done: number, stats: { loss: number; accuracy?: number; examples: number }, force = false): void {
    const now = performance.now();
    const final = done >= this.total;
    if (!final && !force && now - this.lastDraw < 100) return;
    if (!this.out.isTTY && !final) return;
    this.lastDraw = now;
    const seconds = (now - this.start) / 1000;
    const frac = this.total === 0 ? 1 : done / this.total;
    const width = 24;
    const filled = Math.round(frac * width);
    const rate = stats.examples / Math.max(seconds, 1e-9);
    const left = frac > 0 ? seconds / frac - seconds : 0;
    const acc = stats.accuracy === undefined ? "" : `  acc ${(stats.accuracy * 100).toFixed(1)}%`;
    const line =
      `${this.label} [${"█".repeat(filled)}${"·".repeat(width - filled)}] ${String(done).padStart(String(this.total).length)}/${this.total}` +
      `  loss ${stats.loss.toFixed(4)}${acc}  ${Math.round(rate)} ex/s  ${final ? `${seconds.toFixed(1)}s` : `${left.toFixed(0)}s left`}`;
    if (this.out.isTTY) this.out.write(`\r\x1b[K${line}${final ? "\n" : ""}`);
    else this.out.write(`${line}\n`);
  }
}
