// The JSON report written as it is made: a chunk at a time to stdout, waiting for the
// stream to drain when it is full, so that 100,000 workloads never become one string
// (the whole report at that size was 293 MB of JSON and 2.1 GiB of memory).

import type { ReportHead, ReportWorkload } from './report';
import { safeJson } from './style';

/** Bytes gathered before a write: few enough writes, and a small buffer. */
const CHUNK = 1 << 16;

/** A stream's write, its backpressure and its end (process.stdout, or a test's stream). */
export interface Sink {
  write(chunk: string): boolean;
  once(event: 'drain' | 'error' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'error' | 'close', listener: () => void): unknown;
}

/** Gathers text into chunks and writes them, awaiting 'drain' whenever the stream asks to wait. */
export class ChunkWriter {
  private parts: string[] = [];
  private size = 0;
  /** Set when the stream failed or closed (`| head` exited): the rest is dropped. */
  closed = false;

  constructor(private readonly sink: Sink) {}

  /** Adds text; resolves at once unless a full chunk had to wait for the stream. */
  push(text: string): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= CHUNK ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    if (!this.size) return undefined;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.closed) return undefined;
    if (this.sink.write(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.sink.removeListener('drain', done);
        this.sink.removeListener('error', failed);
        this.sink.removeListener('close', failed);
        resolve();
      };
      const failed = () => {
        this.closed = true;
        done();
      };
      this.sink.once('drain', done);
      this.sink.once('error', failed);
      this.sink.once('close', failed);
    });
  }
}

/** One value as JSON, with the controls JSON leaves raw escaped (see `safeJson`). */
const json = (v: unknown) => safeJson(JSON.stringify(v));

/**
 * Writes the report: the head's fields, then each workload on a line of its own as it
 * comes, then the summary (counted while the workloads went by) and `fixed`. Top-level
 * fields and array entries go on lines of their own; entries are compact JSON.
 */
export async function writeJsonReport(sink: Sink, head: ReportHead, workloads: Iterable<ReportWorkload>, fixed: unknown): Promise<void> {
  const out = new ChunkWriter(sink);
  const list = async (items: Iterable<unknown>) => {
    let first = true;
    for (const item of items) {
      const wait = out.push(`${first ? '\n' : ',\n'}    ${json(item)}`);
      first = false;
      if (wait) await wait;
      if (out.closed) return;
    }
    out.push(first ? ']' : '\n  ]');
  };
  out.push(`{\n  "version": ${json(head.version)},\n  "tool": ${json(head.tool)},\n  "config": ${json(head.config)},\n  "files": [`);
  await list(head.files);
  out.push(',\n  "diagnostics": [');
  await list(head.diagnostics);
  out.push(',\n  "workloads": [');
  await list(workloads);
  out.push(`,\n  "summary": ${json(head.summary)}`);
  if (fixed !== undefined) out.push(`,\n  "fixed": ${json(fixed)}`);
  out.push('\n}\n');
  await out.flush();
}

/** Writes each line and a line break, a chunk at a time (the text report, streamed like the JSON one). */
export async function writeLines(sink: Sink, lines: Iterable<string>): Promise<void> {
  const out = new ChunkWriter(sink);
  for (const line of lines) {
    const wait = out.push(`${line}\n`);
    if (wait) await wait;
    if (out.closed) return;
  }
  await out.flush();
}
