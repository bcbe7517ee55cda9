// A one-line progress bar on stderr: redrawn in place on a terminal, a line per quarter elsewhere.

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class ProgressBar {
  private readonly started = Date.now();
  private lastLine = '';
  private lastQuarter = 0;

  constructor(private readonly label: string, private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr) {}

  /** done: units finished; stats: shown after the bar ("loss 0.42"). */
  update(done: number, stats: Record<string, string>): void {
    const width = 24;
    const frac = this.total ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = done ? (elapsed / done) * (this.total - done) : Infinity;
    const fields = Object.entries(stats).map(([k, v]) => `${k} ${v}`).join('  ');
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}%  ${fields}  ETA ${clock(eta)}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
    } else if (frac < 1 && Math.floor(frac * 4) > this.lastQuarter) {
      // Not a terminal (a log, CI): one line per quarter instead of redrawing.
      this.lastQuarter = Math.floor(frac * 4);
      this.stream.write(`${line}\n`);
    }
    this.lastLine = line;
  }

  /** Leaves the final state on its own line. */
  finish(stats: Record<string, string>): void {
    const elapsed = (Date.now() - this.started) / 1000;
    this.update(this.total, stats);
    const line = this.lastLine.replace(/ETA \S+$/, `in ${clock(elapsed)}`);
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
