// The document store over the protocol: the fleet spans files on disk and open
// documents; edits in one file reach the other's diagnostics (pull: a refresh
// request; push: a new publication); settings and `.workload-placement.json` apply
// with settings on top; `ignore` keeps files out of the fleet.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import type * as P from 'vscode-languageserver-protocol';
import { analyzeTexts } from '../core/helpers';
import { APPS, FILES, HOSTS } from './fixtures';
import { positionAt, TestClient, waitFor } from './helpers';
import { props } from '../properties';

const A = 'apps.workload.yaml';
const H = 'hosts.workload.yaml';
const codes = (d: P.Diagnostic[]) => d.map((x) => String(x.code));
const EXTRA_HOST = `version: 1
hosts:
  - name: esx-02
    role: hypervisor
    hypervisor: kvm
    cpu: 16
    memory: 64Gi
`;

describe('workspace', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  afterEach(async () => {
    await c?.shutdown();
    c = undefined;
  });

  it('an edit in the hosts file changes the workloads file: the client is asked to refresh', async () => {
    c = await TestClient.start({ files: FILES });
    await c.open(A, APPS);
    await c.open(H, HOSTS);
    const before = await c.diagnostics(A, (d) => d.length > 0);
    assert.ok(!before.some((d) => d.code === 'unknown-host' && d.message.includes("'k8s-01'")));
    const refreshes = c.refreshes;
    await c.change(H, HOSTS.replace('name: k8s-01', 'name: k8s-09'));
    await waitFor(() => c!.refreshes > refreshes, 'a diagnostic refresh request');
    const after = await c.diagnostics(A, (d) => d.some((x) => x.code === 'unknown-host' && x.message.includes("'k8s-01'")), 'unknown-host for k8s-01');
    assert.match(after.find((x) => x.message.includes("'k8s-01'"))!.message, /Did you mean 'k8s-09'\?/);
  });

  it('follows descriptor files created, changed and deleted on disk', async () => {
    c = await TestClient.start({ files: FILES });
    await c.open(A, APPS);
    await c.diagnostics(A, (d) => d.some((x) => x.code === 'unknown-host' && x.message.includes("'esx-02'")), 'esx-02 unknown at first');
    await c.writeFile('more/extra.workload.yaml', EXTRA_HOST);
    await c.diagnostics(A, (d) => !d.some((x) => x.code === 'unknown-host'), 'esx-02 known once the file exists');
    await c.writeFile('more/extra.workload.yaml', EXTRA_HOST.replace('esx-02', 'esx-03'));
    await c.diagnostics(A, (d) => d.some((x) => x.code === 'unknown-host' && x.message.includes("'esx-02'")), 'esx-02 unknown after the change');
    await c.writeFile('more/extra.workload.yaml', EXTRA_HOST);
    await c.diagnostics(A, (d) => !d.some((x) => x.code === 'unknown-host'), 'known again');
    await c.writeFile('more/extra.workload.yaml', null);
    await c.diagnostics(A, (d) => d.some((x) => x.code === 'unknown-host'), 'unknown after the delete');
  });

  it('skips node_modules and .git when scanning', async () => {
    c = await TestClient.start({ files: { ...FILES, 'node_modules/x/h.workload.yaml': EXTRA_HOST, '.git/h.workload.yaml': EXTRA_HOST, 'deep/a/b/h.workload.yml': EXTRA_HOST.replace('esx-02', 'esx-77') } });
    await c.open(A, APPS.replace('hosts: [esx-02]', 'hosts: [esx-02, esx-77]'));
    const d = await c.diagnostics(A, (x) => x.length > 0);
    const unknown = d.filter((x) => x.code === 'unknown-host').map((x) => x.message);
    assert.equal(unknown.length, 1, unknown.join('\n'));
    assert.match(unknown[0], /'esx-02'/);
  });

  it('closing a document falls back to the file on disk', async () => {
    c = await TestClient.start({ files: FILES });
    await c.open(A, APPS);
    await c.open(H, HOSTS);
    await c.change(H, HOSTS.replace('name: k8s-01', 'name: k8s-09'));
    await c.diagnostics(A, (d) => d.some((x) => x.code === 'unknown-host' && x.message.includes("'k8s-01'")), 'k8s-01 unknown while the edit is open');
    await c.close(H);
    await c.diagnostics(A, (d) => !d.some((x) => x.message.includes("'k8s-01'")), 'the disk copy is back');
  });

  it('rule severities from settings apply, and follow a configuration change', async () => {
    c = await TestClient.start({ files: FILES, settings: { rules: { 'unknown-key': 'off', 'unknown-host': 'warning' } } });
    await c.open(A, APPS);
    const d = await c.diagnostics(A, (x) => x.length > 0);
    assert.ok(!codes(d).includes('unknown-key'));
    assert.equal(d.find((x) => x.code === 'unknown-host')!.severity, 2);
    c.settings = { rules: { 'unknown-key': 'error' } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const d2 = await c.diagnostics(A, (x) => codes(x).includes('unknown-key'), 'unknown-key back');
    assert.equal(d2.find((x) => x.code === 'unknown-key')!.severity, 1);
    assert.equal(d2.find((x) => x.code === 'unknown-host')!.severity, 1);
  });

  it('settings override .workload-placement.json, which applies where settings are silent', async () => {
    const file = JSON.stringify({ rules: { 'unknown-key': 'error', 'elastic-vm': 'off' } });
    c = await TestClient.start({
      files: { ...FILES, '.workload-placement.json': file },
      // Unset settings arrive as null and must not mask the file.
      settings: { rules: { 'unknown-key': 'hint', 'elastic-vm': null }, placement: { checkHostFailure: null }, codeLens: { enable: true } },
    });
    await c.open(A, APPS);
    const d = await c.diagnostics(A, (x) => x.length > 0);
    assert.equal(d.find((x) => x.code === 'unknown-key')!.severity, 4, 'the setting wins');
    assert.ok(!codes(d).includes('elastic-vm'), 'the file applies');
    // Editing the file on disk reloads it.
    await c.writeFile('.workload-placement.json', JSON.stringify({ rules: { 'elastic-vm': 'error' } }));
    await c.diagnostics(A, (x) => x.some((y) => y.code === 'elastic-vm' && y.severity === 1), 'the file change applies');
  });

  it('ignore patterns keep files out of the fleet', async () => {
    c = await TestClient.start({
      files: { ...FILES, 'legacy/old.workload.yaml': EXTRA_HOST, '.workload-placement.json': JSON.stringify({ ignore: ['legacy/**'] }) },
    });
    await c.open(A, APPS);
    await c.diagnostics(A, (d) => d.some((x) => x.code === 'unknown-host' && x.message.includes("'esx-02'")), 'the ignored file declares nothing');
    c.settings = {};
    await c.writeFile('.workload-placement.json', '{}');
    await c.diagnostics(A, (d) => !d.some((x) => x.code === 'unknown-host'), 'no longer ignored: esx-02 is known');
  });

  it('reports configuration problems once', async () => {
    c = await TestClient.start({ files: { ...FILES, '.workload-placement.json': '{ "rules": { "no-such-rule": "error" }, ' }, settings: { rules: { 'unknown-key': 'loud' } } });
    await c.open(A, APPS);
    await c.diagnostics(A, (d) => d.length > 0);
    const msg = await waitFor(() => c!.messages.find((m) => m.message.includes('configuration')), 'a configuration message');
    assert.equal(msg.type, 2);
    assert.match(msg.message, /\.workload-placement\.json: Not valid JSON/);
    assert.match(msg.message, /rules\.unknown-key. must be one of error/);
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // A second reload with the same problems stays quiet; a hover proves the server went on.
    await c.hover(A, { line: 3, character: 12 });
    await c.diagnostics(A, (d) => d.length > 0);
    assert.equal(c.messages.filter((m) => m.message.includes('configuration')).length, 1);
  });

  it('code lenses can be turned off in settings', async () => {
    c = await TestClient.start({ files: FILES, settings: { codeLens: { enable: false } } });
    await c.open(A, APPS);
    assert.deepEqual(await c.codeLens(A), []);
    c.settings = { codeLens: { enable: true } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor(async () => (await c!.codeLens(A)).length === 4, 'code lenses back');
  });
});

describe('workspace diagnostics (files that are not open)', { timeout: 120_000 }, () => {
  it('reports closed files, holds the request until one changes, and clears deleted files', async () => {
    const c = await TestClient.start({ files: { ...FILES, 'lab.workload.yaml': EXTRA_HOST.replace('esx-02', 'esx-01') } });
    try {
      await c.open(A, APPS);
      type Report = P.WorkspaceDiagnosticReport;
      const first = await c.conn.sendRequest<Report>('workspace/diagnostic', { previousResultIds: [] });
      const byUri = new Map(first.items.map((i) => [i.uri, i as P.WorkspaceFullDocumentDiagnosticReport]));
      assert.ok(!byUri.has(c.uri(A)), 'open documents are pulled one by one, not here');
      // Both closed files declare esx-01.
      for (const f of [H, 'lab.workload.yaml']) assert.ok(byUri.get(c.uri(f))!.items.some((d) => d.code === 'duplicate-name'), f);
      const previousResultIds = first.items.map((i) => ({ uri: i.uri, value: i.resultId! }));

      // Nothing changed: the request waits (a long poll) instead of answering at once.
      let settled = false;
      const held = c.conn.sendRequest<Report>('workspace/diagnostic', { previousResultIds }).then((r) => {
        settled = true;
        return r;
      });
      await c.hover(A, { line: 3, character: 12 });
      await c.pull(A);
      assert.equal(settled, false, 'no answer while nothing changed');

      // An edit in the open file changes a closed file's diagnostics: the answer comes.
      await c.change(A, APPS.replace('host: k8s-01', 'host: esx-01'));
      await c.pull(A);
      await c.writeFile('lab.workload.yaml', null);
      const second = await held;
      const uris = second.items.map((i) => i.uri);
      assert.ok(uris.length > 0 && uris.every((u) => u !== c.uri(A)), uris.join(', '));
      const next = [...previousResultIds];
      for (const i of second.items) next.splice(next.findIndex((p) => p.uri === i.uri), 1, { uri: i.uri, value: i.resultId! });
      // The deleted file gets an empty report (in this answer or the next).
      const lab = c.uri('lab.workload.yaml');
      const labReport = second.items.find((i) => i.uri === lab) ?? (await c.conn.sendRequest<Report>('workspace/diagnostic', { previousResultIds: next })).items.find((i) => i.uri === lab);
      assert.deepEqual((labReport as P.WorkspaceFullDocumentDiagnosticReport).items, []);
    } finally {
      await c.shutdown();
    }
  });
});

describe('workspace with a push-only client', { timeout: 120_000 }, () => {
  it('publishes diagnostics for open and disk files, and republishes the other file after an edit', async () => {
    const c = await TestClient.start({ files: FILES, pull: false });
    try {
      assert.equal(c.initializeResult.capabilities.diagnosticProvider, undefined);
      await c.open(A, APPS);
      const d = await c.diagnostics(A, (x) => x.length > 0);
      assert.ok(['elastic-vm', 'unknown-key', 'unknown-host'].every((k) => codes(d).includes(k)), codes(d).join(', '));
      assert.ok(d.every((x) => x.source === 'workload-placement' && x.codeDescription?.href));
      assert.equal(c.published.get(c.uri(A))!.version, 1);
      // The hosts file is on disk only: published too.
      await waitFor(() => c.published.get(c.uri(H)), 'hosts file published');
      await c.open(H, HOSTS);
      await c.change(H, HOSTS.replace('name: k8s-01', 'name: k8s-09'));
      await c.diagnostics(A, (x) => x.some((y) => y.code === 'unknown-host' && y.message.includes("'k8s-01'")), 'apps republished');
      // Fixing the typo in the open file republishes it.
      await c.change(A, APPS.replace('replicaz', 'replicas'));
      await c.diagnostics(A, (x) => !codes(x).includes('unknown-key'), 'unknown-key gone');
      assert.equal(c.published.get(c.uri(A))!.version, 2);
    } finally {
      await c.shutdown();
    }
  });
});

describe('incremental edits', { timeout: 120_000 }, () => {
  it('give the diagnostics a fresh analysis of the final text gives (property test)', async () => {
    const c = await TestClient.start({ files: FILES });
    try {
      await c.open(A, APPS);
      const pieces = ['\n', '  ', '- ', 'name: x', 'deploy: vm', 'host: k8s-01', 'os: windows', '#', ':', '[', '{', 'replicas: 3', '  - name: new\n    os: linux\n'];
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat(6), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 6 }), async (edits) => {
          let text = c.text(A);
          for (const [at, del, ins] of edits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + ins + text.slice(Math.min(text.length, p + del));
            // One didChange per edit: the server applies ranged changes to its copy.
            await c.change(A, text);
          }
          const r = await c.pull(A);
          const got = r.kind === 'full' ? r.items.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${d.message}`) : [];
          const { analysis } = analyzeTexts({ [A]: text, [H]: HOSTS });
          const want = (analysis.diagnostics.get(A) ?? []).map((d) => {
            const s = positionAt(text, d.span.start);
            const e = positionAt(text, d.span.end);
            const sev = { error: 1, warning: 2, information: 3, hint: 4 }[d.severity];
            return `${d.ruleId}@${s.line}:${s.character}-${e.line}:${e.character} ${sev} ${d.message}`;
          });
          assert.deepEqual(got, want);
        }),
        props(30, 7),
      );
    } finally {
      await c.shutdown();
    }
  });
});
