// A progress bar on stderr, drawn only on a terminal (silent in pipes and CI logs).

export class Progress {
  private last = 0;
  private readonly tty: boolean;
  private shown = false;
  constructor(private readonly label: string, stream: NodeJS.WriteStream = process.stderr) {
    this.tty = !!stream.isTTY;
    this.stream = stream;
  }
  private readonly stream: NodeJS.WriteStream;

  update(done: number, total: number, note = ''): void {
    if (!this.tty || total <= 0) return;
    const now = Date.now();
    if (now - this.last < 80 && done < total) return;
    this.last = now;
    const width = 28;
    const frac = Math.min(1, done / total);
    const fill = Math.round(frac * width);
    this.stream.write(`\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${note}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
