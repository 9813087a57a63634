// Long request work, made cancellable. A request that loops over every workload (the
// outline, code lenses, references, rename, workspace symbols, code actions over a whole
// file, the layout with a failure simulation) runs its loop in slices of a few milliseconds; between slices it reports progress (to
// a client that passed a work-done token) and yields to the event loop, so other requests
// and the client's `$/cancelRequest` get through. A cancelled request stops at the next
// slice and is answered with RequestCancelled (-32800) instead of finishing work nobody
// will read. The analysis a request may wait for (`workspace.flush()`) is shared by every
// feature and is kept, so it is not interrupted. When a newer analysis replaces the one a
// loop is reading while it yields (the user typed), the loop stops with ContentModified
// (-32801): the parse moves reused spans in place, so finishing would mix two versions.

import { type CancellationToken, LSPErrorCodes, ResponseError, type WorkDoneProgressReporter } from 'vscode-languageserver';
import type { ServerContext } from './context';
import { cancelValue } from './runner';

/** How long a slice of request work runs before it yields (ms). */
export const SLICE_MS = 5;
/** Least time between two progress reports (ms): each one is a message to the client. */
const REPORT_MS = 100;

/**
 * Lets the messages that reached the server while it worked be read and dispatched (a
 * cancellation, another request). Two immediates: the poll phase before the first reads
 * the input, but the JSON-RPC reader hands each message on in an immediate of its own,
 * queued behind ours; the second runs after it.
 */
export async function nextTurn(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The bookkeeping of one long request: its progress, its slices and its cancellation.
 * A loop calls `start(total)`, then either `each(items, fn)` or, for loops of its own,
 * `if (work.due()) await work.pause(done)` before each item.
 */
export class Work {
  private total = 0;
  private unit = '';
  private done = 0;
  private started = false;
  private begun = false;
  private sliceStart = 0;
  private lastReport = 0;
  private generation = 0;

  constructor(
    private readonly name: string,
    private readonly token: CancellationToken | undefined,
    private readonly progress: WorkDoneProgressReporter | undefined,
    private readonly log: (message: string) => void,
    /** The analysis the loop reads is identified by this number; it grows with each new one. */
    private readonly currentGeneration: () => number = () => 0,
  ) {}

  /**
   * Starts the client's progress and yields once, so that `begin` is on the wire before
   * a long synchronous stage (the analysis) and a cancellation already sent is seen.
   */
  async begin(title: string): Promise<void> {
    this.progress?.begin(title, 0, undefined, true);
    this.begun = true;
    await nextTurn();
    this.check();
  }

  /** The loop over `total` units (`unit` names them in progress and logs) starts now. */
  start(total: number, unit: string): void {
    this.total = total;
    this.unit = unit;
    this.done = 0;
    this.started = true;
    this.generation = this.currentGeneration();
    this.sliceStart = performance.now();
    this.lastReport = this.sliceStart;
    this.progress?.report(0, this.describe());
  }

  /** True when the current slice has used its time: `await pause(done)` then. */
  due(): boolean {
    return performance.now() - this.sliceStart >= SLICE_MS;
  }

  /** Between slices: reports progress, yields, and throws the cancellation when cancelled. */
  async pause(done: number): Promise<void> {
    this.done = done;
    const now = performance.now();
    if (this.progress && now - this.lastReport >= REPORT_MS) {
      this.lastReport = now;
      this.progress.report(this.total ? Math.min(99, Math.floor((done / this.total) * 100)) : 0, this.describe());
    }
    await nextTurn();
    this.check();
    if (this.currentGeneration() !== this.generation) {
      this.log(`${this.name} stopped after ${this.describe()}: a newer analysis replaced the one it was reading`);
      throw new ResponseError(LSPErrorCodes.ContentModified, 'The descriptors changed while the request ran.');
    }
    this.sliceStart = performance.now();
  }

  /** Runs `fn` over `items` in slices; units count on from earlier `each` calls. */
  async each<T>(items: readonly T[], fn: (item: T, index: number) => void): Promise<void> {
    const base = this.done;
    for (let i = 0; i < items.length; i++) {
      if (this.due()) await this.pause(base + i);
      fn(items[i], i);
    }
    this.done = base + items.length;
  }

  /**
   * The work is done. One more turn lets a cancellation that arrived during the last
   * slice stop the answer before it is serialised and sent (a big one takes a while).
   */
  async finish(): Promise<void> {
    if (this.started) this.done = this.total;
    await nextTurn();
    this.check();
  }

  /** Ends the client's progress, whatever happened. */
  end(): void {
    if (this.begun) this.progress?.done();
    this.begun = false;
  }

  private describe(): string {
    return `${this.done.toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')} ${this.unit}`;
  }

  private check(): void {
    if (!this.token?.isCancellationRequested) return;
    // The log line is the trace that the loop itself stopped (tests read it).
    this.log(this.started ? `${this.name} cancelled after ${this.describe()}` : `${this.name} cancelled before its work started`);
    throw cancelValue();
  }
}

/**
 * A request handler whose work may be long: `ctx.safe` (errors logged, fallback
 * answered) around a `Work` that the handler's loops slice, report and cancel through.
 */
export function runLong<T, E = void>(
  ctx: ServerContext,
  name: string,
  title: string,
  token: CancellationToken | undefined,
  progress: WorkDoneProgressReporter | undefined,
  fallback: T,
  fn: (work: Work) => T | Promise<T>,
): Promise<T | ResponseError<E>> {
  return ctx.safe<T, E>(name, token, fallback, async () => {
    // A cancelled loop is routine, not an error: logged at the lowest level.
    const work = new Work(name, token, progress, (message) => ctx.connection.console.log(message), () => ctx.workspace.generation);
    try {
      await work.begin(title);
      const result = await fn(work);
      await work.finish();
      return result;
    } finally {
      work.end();
    }
  });
}

export interface ServerProgress {
  report(message: string): void;
  done(): void;
}

/**
 * Progress the server starts by itself (the first scan and analysis of a workspace),
 * shown by clients that announced `window.workDoneProgress`. Creating it is a request
 * to the client; the work does not wait for the answer, and a client that refuses it
 * simply shows nothing.
 */
export function serverProgress(ctx: ServerContext, title: string): ServerProgress {
  let reporter: { report(message: string): void; done(): void } | undefined;
  let message: string | undefined;
  let ended = false;
  if (ctx.client.workDoneProgress) {
    ctx.connection.window.createWorkDoneProgress().then(
      (r) => {
        // Finished before the client answered: close what it created.
        if (ended) return r.done();
        reporter = r;
        r.begin(title, undefined, message, false);
      },
      (err: unknown) => ctx.log(`The client did not create a progress indicator: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
  return {
    report(m) {
      message = m;
      reporter?.report(m);
    },
    done() {
      if (ended) return;
      ended = true;
      reporter?.done();
    },
  };
}

/** Runs `fn` once the connection's pipe (stdio or Node IPC) has written what it holds, or after half a second. */
export function whenDrained(fn: () => void): void {
  let tries = 0;
  const pending = () => process.stdout.writableLength > 0 || ((process.channel as { writeQueueSize?: number } | undefined)?.writeQueueSize ?? 0) > 0;
  const check = () => (pending() && tries++ < 500 ? setTimeout(check, 1) : fn());
  check();
}

/**
 * Runs `fn` once the answer being handled now has gone out: the connection queues it from
 * an immediate (a timer, then two immediates, let it and any notification sent with it go
 * ahead), and the pipe then writes it while the event loop turns (0.7 MB of diagnostics at
 * 10,000 workloads), so `fn` also waits for the pipe to drain. For work that would
 * otherwise hold that answer back: preparing what the client will ask for next.
 */
export function afterAnswer(fn: () => void): void {
  setTimeout(() => setImmediate(() => setImmediate(() => whenDrained(fn))), 0);
}
