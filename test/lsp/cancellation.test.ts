// Cancellation and progress over the real connection (the bundled server on stdio).
//
// Each run opens a fresh 10,000-workload file and sends a long request with a work-done
// token, so the server says `begin` and then analyses the file inside the request
// (about a second). A cancelled run sends `$/cancelRequest` on `begin`: the cancellation
// waits in the pipe while the server analyses, and the request's loop must notice it at
// its next check. Proof that the work itself stopped, not just the answer: the server's
// own log line "<request> cancelled after N of M <units>" (written only by the loop's
// check, see server/src/slices.ts), N below M where the loop is long; the answer is
// RequestCancelled; the request's own work (from the progress report that starts the
// loop to the answer) takes less time than in an uncancelled run of the same request;
// and the server answers a hover afterwards.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { CancellationTokenSource, SymbolKind, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport, WorkDoneProgress } from 'vscode-languageserver-protocol';
import type * as P from 'vscode-languageserver-protocol';
import { generate } from '../../bench/generate';
import { APPS, FILES, HOSTS } from './fixtures';
import { at, capabilities, hoverText, positionAt, SERVER, TestClient, waitFor } from './helpers';

const BIG = 'big.workload.yaml';
const big = generate({ workloads: 10_000, seed: 11 });
const HOST_COUNT = big.hosts;

/** A pin in the big file (not the deliberate unknown one), for references and rename. */
const pinOffset = (() => {
  const re = /\n {4}host: ((?:hv|ch)-\d{4})\n/g;
  const m = re.exec(big.text);
  if (!m) throw new Error('the generated file has no pin');
  return m.index + '\n    host: '.length + 1;
})();
const pinnedHost = /^[\w-]+/.exec(big.text.slice(pinOffset - 1))![0];
const firstWorkload = big.text.indexOf('  - name: ', big.text.indexOf('\nworkloads:')) + '  - name: '.length + 2;

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

interface Run {
  result?: unknown;
  error?: { code?: number; message?: string };
  /** Progress values in arrival order, with the time they arrived (ms). */
  progress: { at: number; value: Progress }[];
  answeredAt: number;
  /** What the server logged during the run. */
  log: string;
}

let seq = 0;

/** Opens the big file afresh and sends one request with a work-done token. */
async function run(c: TestClient, method: string, params: object, cancel: boolean): Promise<Run> {
  await c.open(BIG, big.text);
  const token = `cancellation-test-${++seq}`;
  const progress: Run['progress'] = [];
  const source = new CancellationTokenSource();
  const sub = c.conn.onProgress(WorkDoneProgress.type, token, (value) => {
    progress.push({ at: performance.now(), value });
    if (cancel && value.kind === 'begin') source.cancel();
  });
  const logStart = c.stderr.length;
  let result: unknown;
  let error: Run['error'];
  try {
    result = await c.conn.sendRequest(method, { ...params, workDoneToken: token }, source.token);
  } catch (err) {
    error = err as Run['error'];
  }
  const answeredAt = performance.now();
  // The end of the progress and the answer are separate messages; wait for both.
  await waitFor(() => progress.some((p) => p.value.kind === 'end'), `the end of the ${method} progress`);
  sub.dispose();
  return { result, error, progress, answeredAt, log: c.stderr.slice(logStart) };
}

/** The report that opens the request's loop ("0 of M units") and M. */
function loopStart(r: Run, unit: string): { at: number; total: number } {
  const first = r.progress.find((p) => p.value.kind === 'report');
  assert.ok(first, `a progress report: ${JSON.stringify(r.progress)}`);
  const m = new RegExp(`^0 of ([\\d,]+) ${unit}$`).exec((first.value as WorkDoneProgressReport).message ?? '');
  assert.ok(m, `the first report starts the loop over ${unit}: ${JSON.stringify(first.value)}`);
  return { at: first.at, total: Number(m[1].replace(/,/g, '')) };
}

/** The server's trace that the loop stopped: N and M of "<name> cancelled after N of M <unit>". */
function stoppedAt(r: Run, name: string, unit: string): { done: number; total: number } {
  const m = new RegExp(`^${name} cancelled after ([\\d,]+) of ([\\d,]+) ${unit}$`, 'm').exec(r.log);
  assert.ok(m, `the server logged where ${name} stopped; its log:\n${r.log.slice(0, 2000)}`);
  return { done: Number(m[1].replace(/,/g, '')), total: Number(m[2].replace(/,/g, '')) };
}

function assertProgress(r: Run, title: string): void {
  const kinds = r.progress.map((p) => p.value.kind);
  assert.equal(kinds[0], 'begin', kinds.join(' '));
  assert.equal(kinds.at(-1), 'end', kinds.join(' '));
  assert.equal(kinds.filter((k) => k === 'begin').length, 1);
  assert.equal(kinds.filter((k) => k === 'end').length, 1);
  const begin = r.progress[0].value as WorkDoneProgressBegin;
  assert.equal(begin.title, title);
  assert.equal(begin.cancellable, true);
  const percentages = r.progress.map((p) => (p.value.kind === 'report' ? p.value.percentage : undefined)).filter((x): x is number => x !== undefined);
  assert.deepEqual(percentages, [...percentages].sort((a, b) => a - b), 'percentages never go back');
  assert.ok(percentages.every((p) => p >= 0 && p <= 100));
}

interface Case {
  name: string;
  method: string;
  params: (c: TestClient) => object;
  title: string;
  unit: string;
  /** The loop's length, known from the file. */
  total: number;
  /** The answer of an uncancelled run is right for the big file. */
  check: (result: unknown) => void;
  /** A loop this long is always stopped part-way, whatever the machine. */
  partWay: boolean;
}

const wholeFile = { start: { line: 0, character: 0 }, end: positionAt(big.text, big.text.length) };

// The requests whose answer is big: an uncancelled run sends megabytes.
const heavy: Case[] = [
  {
    name: 'document symbols',
    method: 'textDocument/documentSymbol',
    params: (c) => ({ textDocument: { uri: c.uri(BIG) } }),
    title: 'Outline',
    unit: 'hosts and workloads',
    total: HOST_COUNT + 10_000,
    check: (r) => {
      const groups = r as P.DocumentSymbol[];
      assert.deepEqual(
        groups.map((g) => [g.name, g.children?.length]),
        [
          ['hosts', HOST_COUNT],
          ['workloads', 10_000],
        ],
      );
    },
    partWay: true,
  },
  {
    name: 'workspace symbols',
    method: 'workspace/symbol',
    params: () => ({ query: '' }),
    title: 'Searching hosts and workloads',
    unit: 'hosts and workloads',
    // The workspace also holds the two small fixture files.
    total: HOST_COUNT + 10_000 + 2 + 4,
    check: (r) => assert.equal((r as P.SymbolInformation[]).length, HOST_COUNT + 10_000 + 2 + 4),
    partWay: false,
  },
  {
    name: 'code lens',
    method: 'textDocument/codeLens',
    params: (c) => ({ textDocument: { uri: c.uri(BIG) } }),
    title: 'Code lenses',
    unit: 'workloads',
    total: 10_000,
    check: (r) => assert.equal((r as P.CodeLens[]).length, 10_000),
    partWay: false,
  },
  {
    name: 'code actions',
    method: 'textDocument/codeAction',
    params: (c) => ({ textDocument: { uri: c.uri(BIG) }, range: wholeFile, context: { diagnostics: [] } }),
    title: 'Code actions',
    unit: 'diagnostics',
    total: -1, // As many as the file has; checked against the uncancelled run.
    check: (r) => assert.ok((r as P.CodeAction[]).length > 1000, `${(r as P.CodeAction[]).length} actions`),
    partWay: false,
  },
  {
    name: 'layout',
    method: 'workloadPlacement/layout',
    params: () => ({ failedHost: pinnedHost }),
    title: 'Host layout',
    unit: 'steps',
    // Building the layout, then simulating the failure.
    total: 2,
    check: (r) => {
      const res = r as { layout: { workloads: unknown[] }; failure?: unknown };
      assert.ok(res.layout.workloads.length >= 10_000);
      assert.ok(res.failure, 'the failure simulation');
    },
    // The check between the two steps always comes.
    partWay: true,
  },
];

// Short loops over the workspace: a cancellation that came during the analysis still
// stops them before the answer is sent.
const light: Case[] = [
  {
    name: 'references',
    method: 'textDocument/references',
    params: (c) => ({ textDocument: { uri: c.uri(BIG) }, position: positionAt(big.text, pinOffset), context: { includeDeclaration: true } }),
    title: 'Finding references',
    unit: 'workloads',
    total: 10_004,
    check: () => undefined,
    partWay: false,
  },
  {
    name: 'rename',
    method: 'textDocument/rename',
    params: (c) => ({ textDocument: { uri: c.uri(BIG) }, position: positionAt(big.text, pinOffset), newName: 'renamed-host' }),
    title: 'Renaming host',
    unit: 'workloads',
    total: 10_004,
    check: () => undefined,
    partWay: false,
  },
];

/** A server past its first scan, with the small fixture files analysed. */
async function startReady(): Promise<TestClient> {
  const c = await TestClient.start({ files: FILES });
  await c.open('apps.workload.yaml', APPS);
  await c.diagnostics('apps.workload.yaml', (d) => d.length > 0);
  return c;
}

describe('cancellation of long requests on a 10,000-workload file', { timeout: 600_000 }, () => {
  let c: TestClient;
  before(async () => {
    c = await startReady();
  });
  after(async () => {
    if (c) assert.equal(await c.shutdown(), 0);
  });

  /** A cancelled run: the loop stopped (its own log line), the answer is RequestCancelled. */
  const cancelled = async (k: Case) => {
    const r = await run(c, k.method, k.params(c), true);
    try {
      assert.equal(r.error?.code, -32800, `RequestCancelled, got ${JSON.stringify(r.error ?? r.result)?.slice(0, 200)}`);
      assertProgress(r, k.title);
      const stop = stoppedAt(r, k.name, k.unit);
      const start = loopStart(r, k.unit);
      assert.equal(stop.total, start.total);
      if (k.total >= 0) assert.equal(stop.total, k.total);
      assert.ok(stop.done <= stop.total);
      if (k.partWay) assert.ok(stop.done > 0 && stop.done < stop.total, `stopped part-way: ${stop.done} of ${stop.total}`);
      // The server goes on: a hover on the big file is answered.
      const h = hoverText(await c.hover(BIG, positionAt(big.text, firstWorkload)));
      assert.match(h, /→/);
      return { run: r, stop, start };
    } finally {
      await c.close(BIG);
    }
  };

  for (const k of heavy) {
    it(`${k.name}: a cancelled request stops its loop and answers sooner than an uncancelled one`, async () => {
      const full = await run(c, k.method, k.params(c), false);
      try {
        assert.equal(full.error, undefined, JSON.stringify(full.error));
        k.check(full.result);
        assertProgress(full, k.title);
        assert.doesNotMatch(full.log, new RegExp(`${k.name} cancelled`));
      } finally {
        await c.close(BIG);
      }
      const fullStart = loopStart(full, k.unit);
      if (k.total >= 0) assert.equal(fullStart.total, k.total);

      const { run: cut, start } = await cancelled(k);
      assert.equal(start.total, fullStart.total, 'both runs loop over the same units');
      // The request's own work, from the report that starts its loop to the answer:
      // the cancelled run skips the rest of the loop and the serialising of the answer.
      const cutWork = cut.answeredAt - start.at;
      const fullWork = full.answeredAt - fullStart.at;
      assert.ok(cutWork < fullWork, `cancelled ${cutWork.toFixed(1)} ms < uncancelled ${fullWork.toFixed(1)} ms`);
    });
  }

  for (const k of light) {
    it(`${k.name}: a cancellation that arrives during the analysis stops the request before it answers`, async () => {
      await cancelled(k);
    });
  }

  it('document symbols: an edit analysed while the loop yields stops it with ContentModified', async () => {
    // An edit and a hover sent when the outline begins: the hover analyses the edit while
    // the outline's loop yields, and the loop must not read the reused declarations on.
    // The edit races the loop over the wire: on a fast machine the loop may end before the
    // edit arrives, and its answer (the whole outline of the older text) is then right.
    // Such a run is checked as a full answer and the test tries again, a few times at most.
    const osAt = big.osValues.find((o) => big.text.startsWith('linux\n', o))!;
    const edited = `${big.text.slice(0, osAt)}windows${big.text.slice(osAt + 'linux'.length)}`;
    const at = positionAt(edited, firstWorkload);
    const answered: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await c.open(BIG, big.text);
      try {
        const send = c.prepareChange(BIG, edited);
        const token = `cancellation-test-${++seq}`;
        let hover: Promise<P.Hover | null> | undefined;
        let ended = false;
        const sub = c.conn.onProgress(WorkDoneProgress.type, token, (value) => {
          if (value.kind === 'begin') hover = send().then(() => c.hover(BIG, at));
          if (value.kind === 'end') ended = true;
        });
        const logStart = c.stderr.length;
        const outcome = await c.conn.sendRequest<P.DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri(BIG) }, workDoneToken: token }).then(
          (r) => ({ result: r, error: undefined }),
          (err: { code?: number }) => ({ result: undefined, error: err }),
        );
        assert.ok(hover, 'the edit and the hover were sent');
        assert.match(hoverText(await hover), /→/);
        await waitFor(() => ended, 'the end of the progress');
        sub.dispose();
        if (outcome.result) {
          // The loop won the race: a complete outline of the text it was given.
          const symbols = outcome.result;
          const workloads = symbols.find((s) => s.name === 'workloads')?.children?.length ?? 0;
          assert.equal(workloads, 10_000, 'an answer that ended before the edit holds the whole outline');
          answered.push(attempt);
          continue;
        }
        assert.equal(outcome.error?.code, -32801, 'ContentModified');
        const m = /^document symbols stopped after ([\d,]+) of ([\d,]+) hosts and workloads: a newer analysis/m.exec(c.stderr.slice(logStart));
        assert.ok(m, c.stderr.slice(logStart, logStart + 2000));
        assert.ok(Number(m[1].replace(/,/g, '')) < Number(m[2].replace(/,/g, '')));
        return;
      } finally {
        await c.close(BIG);
      }
    }
    assert.fail(`the outline ended before the edit arrived in every attempt (${answered.length})`);
  });

  it('a request without a work-done token gets no progress, and an uncancelled one answers in full', async () => {
    let unrelated = 0;
    const sub = c.conn.onUnhandledProgress(() => unrelated++);
    try {
      await c.open(BIG, big.text);
      const refs = (await c.references(BIG, positionAt(big.text, pinOffset))) ?? [];
      const pins = big.text.split(`host: ${pinnedHost}\n`).length - 1;
      assert.equal(refs.length, pins + 1, 'every pin and the declaration');
      const edit = await c.rename(BIG, positionAt(big.text, pinOffset), 'renamed-host');
      const edits = (edit?.documentChanges as P.TextDocumentEdit[]).flatMap((d) => d.edits);
      assert.equal(edits.length, pins + 1);
      assert.equal(unrelated, 0, 'no $/progress for requests without a token');
    } finally {
      sub.dispose();
      await c.close(BIG);
    }
  });
});

describe('workspace symbols', { timeout: 60_000 }, () => {
  let c: TestClient;
  before(async () => {
    c = await startReady();
  });
  after(async () => {
    if (c) assert.equal(await c.shutdown(), 0);
  });

  const search = (query: string) => c.conn.sendRequest<P.SymbolInformation[]>('workspace/symbol', { query });

  const cases: { query: string; names: string[] }[] = [
    { query: '', names: ['esx-01', 'k8s-01', 'checkout-api', 'orders-db', 'legacy', 'reports'] },
    { query: 'ordb', names: ['orders-db'] },
    { query: 'ORDERS', names: ['orders-db'] },
    { query: 'k8s', names: ['k8s-01'] },
    { query: 'e', names: ['esx-01', 'checkout-api', 'orders-db', 'legacy', 'reports'] },
    { query: 'zzz', names: [] },
  ];
  for (const { query, names } of cases) {
    it(`'${query}' finds ${names.length ? names.join(', ') : 'nothing'}`, async () => {
      assert.deepEqual((await search(query)).map((s) => s.name).sort(), [...names].sort());
    });
  }

  it('points at the declaration, with the kind and group of the outline', async () => {
    const [db] = await search('orders-db');
    assert.equal(db.kind, SymbolKind.Object);
    assert.equal(db.containerName, 'workloads');
    assert.equal(db.location.uri, c.uri('apps.workload.yaml'));
    assert.deepEqual(db.location.range.start, at(APPS, 'name: |orders-db'));
    const [host] = await search('esx-01');
    assert.equal(host.kind, SymbolKind.Class);
    assert.equal(host.containerName, 'hosts');
    assert.equal(host.location.uri, c.uri('hosts.workload.yaml'));
  });
});

describe('progress of the first scan and analysis', { timeout: 120_000 }, () => {
  it('a client with window.workDoneProgress is shown the server\'s own progress while a workspace of 300 files is read and analysed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-progress-'));
    const N = 300;
    writeFileSync(join(dir, 'hosts.workload.yaml'), HOSTS);
    for (let i = 0; i < N; i++) writeFileSync(join(dir, `svc-${i}.workload.yaml`), `version: 1\nworkloads:\n  - name: svc-${i}\n    os: linux\n    replicaz: 2\n`);
    // The shared test client does not announce window.workDoneProgress: a plain connection does.
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const created: P.ProgressToken[] = [];
    const progress: { token: P.ProgressToken; value: Progress }[] = [];
    conn.onRequest('window/workDoneProgress/create', (p: P.WorkDoneProgressCreateParams) => {
      created.push(p.token);
      return null;
    });
    conn.onUnhandledProgress((p) => progress.push({ token: p.token, value: p.value as Progress }));
    conn.onRequest('workspace/configuration', (p: P.ConfigurationParams) => p.items.map(() => ({})));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
    try {
      const folder = pathToFileURL(dir).href;
      const caps = capabilities({});
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: folder, workspaceFolders: [{ uri: folder, name: 'ws' }], capabilities: { ...caps, window: { ...caps.window, workDoneProgress: true } } });
      await conn.sendNotification('initialized', {});
      await waitFor(() => progress.some((p) => p.value.kind === 'end'), 'the end of the first analysis\' progress', 60_000);
      assert.equal(created.length, 1, 'one progress, created by the server');
      const ours = progress.filter((p) => p.token === created[0]).map((p) => p.value);
      assert.equal(ours.length, progress.length, 'every report under the created token');
      const kinds = ours.map((v) => v.kind);
      assert.equal(kinds[0], 'begin', kinds.join(' '));
      assert.equal(kinds.at(-1), 'end', kinds.join(' '));
      assert.ok(kinds.slice(1, -1).every((k) => k === 'report'), kinds.join(' '));
      const begin = ours[0] as WorkDoneProgressBegin;
      assert.equal(begin.title, 'Workload Placement');
      assert.equal(begin.cancellable, false);
      const messages = ours.map((v) => (v.kind === 'end' ? undefined : v.message)).filter(Boolean);
      assert.ok(messages.includes(`Analysing ${N + 1} descriptor files…`), JSON.stringify(messages));
      // Once it ends, the analysis is there: a file that is not open has its diagnostics.
      const report = await conn.sendRequest<P.FullDocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri: pathToFileURL(join(dir, 'svc-7.workload.yaml')).href } });
      assert.ok(report.items.some((d) => d.code === 'unknown-key'), JSON.stringify(report.items));
    } finally {
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
      if (child.exitCode === null) child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
