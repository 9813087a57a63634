// The streamed JSON report (cli/jsonStream.ts) in process: it waits for 'drain' when the
// stream asks, writes in chunks, gives what JSON.stringify of the same data gives, and
// stops writing when the stream closes.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ChunkWriter, type Sink, writeJsonReport, writeLines } from '../../server/src/cli/jsonStream';
import { REPORT_VERSION, type Report, type ReportHead, type ReportWorkload } from '../../server/src/cli/report';
import { painter } from '../../server/src/cli/style';
import { formatText, summaryLine, textLines, workloadLines } from '../../server/src/cli/text';

/** The text report as it was made before it was streamed (one array of lines, joined): the reference. */
function referenceText(report: Report, paint: ReturnType<typeof painter>, opts: { verdicts: boolean }): string {
  const lines: string[] = [];
  for (const d of report.diagnostics) lines.push(`${paint('bold', `${d.file}:${d.range.start.line}:${d.range.start.column}`)} ${paint('yellow', 'warning')} ${d.message} ${paint('dim', `[${d.rule}]`)}`);
  if (opts.verdicts && report.workloads.length) {
    if (lines.length) lines.push('');
    let file: string | undefined;
    for (const w of report.workloads) {
      if (w.file !== file) {
        if (file !== undefined) lines.push('');
        file = w.file;
        lines.push(paint('bold', w.file));
      }
      lines.push(...workloadLines(w, paint));
    }
  }
  if (report.fixed) {
    if (lines.length) lines.push('');
    const f = report.fixed;
    lines.push(`Fixed ${f.fixes} problems in ${f.files.length} file${f.files.length === 1 ? '' : 's'}: ${f.files.join(', ')}.`);
    for (const s of f.skipped ?? []) lines.push(`  Skipped "${s.fix}" (${s.rule}) at ${s.file}:${s.line}: ${s.reason.replace(/\.$/, '')}.`);
  }
  if (lines.length) lines.push('');
  lines.push(summaryLine(report.summary, paint));
  return `${lines.join('\n')}\n`;
}

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

describe('streamed text report', () => {
  const diagnostic = (file: string, line: number): Report['diagnostics'][number] => ({
    rule: 'no-volumes',
    severity: 'warning',
    message: 'a message',
    file,
    range: { start: { line, column: 3 }, end: { line, column: 9 } },
    docs: 'x',
    fixes: [],
  });
  /** Every shape the text takes: diagnostics or none, verdicts or none, a fix summary or none. */
  const cases: [string, Report][] = [];
  for (const diags of [0, 2]) {
    for (const loads of [0, 1, 1500]) {
      for (const fixed of [undefined, { fixes: 2, files: ['a.workload.yaml'], rounds: 1, skipped: [{ file: 'b', line: 3, rule: 'r', fix: 'f', reason: 'why.' }] }]) {
        const h = head();
        const workloads = Array.from({ length: loads }, (_, i) => ({ ...workload(i), file: i < 700 ? 'a.workload.yaml' : 'b.workload.yaml', declared: i % 3 ? null : ('container' as const), givesUp: ['x'] }));
        h.summary.workloads = loads;
        h.summary.verdicts.vm = loads;
        const diagnostics = Array.from({ length: diags }, (_, i) => diagnostic('a.workload.yaml', i + 1));
        cases.push([`${diags} diagnostics, ${loads} workloads, ${fixed ? 'fixed' : 'no fix'}`, { ...h, diagnostics, workloads, fixed }]);
      }
    }
  }
  for (const [name, report] of cases) {
    for (const verdicts of [true, false]) {
      it(`equals the whole text (${name}, verdicts ${verdicts ? 'shown' : 'not shown'})`, async () => {
        const paint = painter(verdicts);
        const sink = new SlowSink(2);
        // The workloads as a one-pass iterable, as check.ts streams them.
        const once = (function* () {
          yield* report.workloads;
        })();
        await writeLines(sink, textLines({ ...report, workloads: once }, paint, { verdicts }));
        const expected = referenceText(report, paint, { verdicts });
        assert.equal(sink.chunks.join(''), expected);
        assert.equal(formatText(report, paint, { verdicts }), expected);
      });
    }
  }
});
