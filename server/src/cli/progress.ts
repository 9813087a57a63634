// "Parsing 120/500 files…" on stderr, rewritten in place. Only on a terminal, and only
// for inputs large enough to take a noticeable time; never on stdout, where machine
// formats go.

export const PROGRESS_MIN_FILES = 50;
export const PROGRESS_MIN_BYTES = 2 * 1024 * 1024;
const INTERVAL_MS = 80;
/** Asked for off a terminal (`import --progress` into a log): a line at most every second. */
const LINE_INTERVAL_MS = 1000;

export class Progress {
  private last = 0;
  private shown = false;

  /** Off a terminal there is no line to rewrite: each update is a line of its own. */
  private readonly lines: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {
    this.lines = !stream.isTTY;
  }

  static for(stream: NodeJS.WriteStream, quiet: boolean, files: number, bytes: number): Progress {
    const big = files >= PROGRESS_MIN_FILES || bytes >= PROGRESS_MIN_BYTES;
    return new Progress(stream, Boolean(stream.isTTY) && !quiet && big);
  }

  /** Reports a step; redraws at most every few dozen milliseconds. */
  update(message: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < (this.lines ? LINE_INTERVAL_MS : INTERVAL_MS)) return;
    this.last = now;
    if (this.lines) {
      this.stream.write(`${message}\n`);
      return;
    }
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.stream.write(`\r\u001b[K${message.slice(0, width)}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }
}
