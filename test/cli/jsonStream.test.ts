// The streamed JSON report (cli/jsonStream.ts) in process: it waits for 'drain' when the
// stream asks, writes in chunks, gives what JSON.stringify of the same data gives, and
// stops writing when the stream closes.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ChunkWriter, type Sink, writeJsonReport } from '../../server/src/cli/jsonStream';
import { REPORT_VERSION, type ReportHead, type ReportWorkload } from '../../server/src/cli/report';

/** A stream that takes `room` writes, then asks to wait until the test drains it. */
class SlowSink extends EventEmitter implements Sink {
  chunks: string[] = [];
  waits = 0;
  constructor(private room: number) {
    super();
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (--this.room > 0) return true;
    this.waits++;
    // The reader catches up on the next turn of the event loop.
    setImmediate(() => {
      this.room = 2;
      this.emit('drain');
    });
    return false;
  }
}

function head(): ReportHead {
  return {
    version: REPORT_VERSION,
    tool: { name: 'workload-placement', version: 'x' },
    config: null,
    files: ['a.workload.yaml', 'b\u202e.workload.yaml'],
    diagnostics: [],
    summary: { errors: 0, warnings: 0, infos: 0, hints: 0, files: 2, workloads: 0, verdicts: { vm: 0, container: 0, 'container-in-vm': 0, none: 0 } },
  };
}

function workload(i: number): ReportWorkload {
  const range = { start: { line: i + 1, column: 11 }, end: { line: i + 1, column: 20 } };
  return { name: `w${i}-${'x'.repeat(200)}`, file: 'a.workload.yaml', range, verdict: 'vm', confidence: 0.9, confidenceLabel: 'high', scores: { vm: 3, container: 0, 'container-in-vm': 1 }, feasible: ['vm'], declared: null, givesUp: [] };
}

describe('streamed JSON report', () => {
  it('waits for drain, writes in chunks, and equals the whole report', async () => {
    const sink = new SlowSink(3);
    const h = head();
    // The summary is counted as the workloads go by, as reportWorkloads does.
    function* workloads() {
      for (let i = 0; i < 2000; i++) {
        h.summary.workloads++;
        h.summary.verdicts.vm++;
        yield workload(i);
      }
    }
    await writeJsonReport(sink, h, workloads(), { fixes: 1, files: [], rounds: 1 });
    assert.ok(sink.waits > 0, 'the stream asked to wait');
    assert.ok(sink.chunks.length > 3, 'written in chunks');
    const text = sink.chunks.join('');
    assert.doesNotMatch(text, /\u202e/, 'direction controls escaped');
    const parsed = JSON.parse(text);
    assert.deepEqual(parsed, { ...head(), workloads: Array.from({ length: 2000 }, (_, i) => workload(i)), summary: h.summary, fixed: { fixes: 1, files: [], rounds: 1 } });
    assert.equal(parsed.summary.workloads, 2000);
  });

  it('empty lists and no fixed field', async () => {
    const sink = new SlowSink(100);
    await writeJsonReport(sink, head(), [], undefined);
    assert.deepEqual(JSON.parse(sink.chunks.join('')), { ...head(), workloads: [] });
  });

  it('stops writing once the stream closes', async () => {
    const sink = new EventEmitter() as EventEmitter & Sink & { writes: number };
    sink.writes = 0;
    sink.write = () => {
      sink.writes++;
      setImmediate(() => sink.emit('close'));
      return false;
    };
    const out = new ChunkWriter(sink);
    await out.push('x'.repeat(1 << 16));
    assert.equal(out.closed, true);
    await out.push('y'.repeat(1 << 16));
    await out.flush();
    assert.equal(sink.writes, 1);
  });
});
