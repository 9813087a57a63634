// A file opened while the first scan still reads the workspace: its file-local
// diagnostics come at once, and the full analysis replaces them (never adds to them)
// when the scan ends. The first analysis is held by holding the client's answer to the
// server's registration of configuration changes, which it awaits after the scan reads. Only a scan of more files than
// one read batch answers early (a small workspace is analysed before anyone would see
// them): the workspace has twenty more files.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type * as P from 'vscode-languageserver-protocol';
import { TestClient, waitFor } from './helpers';

const H = 'hosts.workload.yaml';
const A = 'apps.workload.yaml';
const HOSTS = `version: 1
hosts:
  - name: hv-1
    role: hypervisor
    hypervisor: kvm
    cpu: 64
    memory: 512Gi
workloads:
  - name: shared
    os: linux
`;
const APPS = `version: 1
workloads:
  - name: shared
    os: linux
  - name: api
    os: linux
    deploy: contianer
`;
const MORE = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`more/f${i}.workload.yaml`, `version: 1\nworkloads:\n  - name: more-${i}\n    os: linux\n`]));
const codes = (d: readonly P.Diagnostic[]) => d.map((x) => String(x.code));
const count = (d: readonly P.Diagnostic[], code: string) => codes(d).filter((c) => c === code).length;
const key = (d: P.Diagnostic) => `${d.range.start.line}:${d.range.start.character}:${String(d.code)}:${d.message}`;

for (const pull of [true, false]) {
  describe(`file-local diagnostics during the first scan (${pull ? 'pull' : 'push'})`, { timeout: 120_000 }, () => {
    let c: TestClient | undefined;
    afterEach(async () => {
      await c?.shutdown();
      c = undefined;
    });

    it('come before the scan ends, and are replaced, not duplicated, by the full ones', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      c = await TestClient.start({ pull, files: { [H]: HOSTS, [A]: APPS, ...MORE }, holdRegistration: { method: 'workspace/didChangeConfiguration', until: held } });
      const client = c;
      await client.open(A, APPS);
      // The analysis is held: what comes is the file's own (a misspelt value), not what needs the other file (a duplicate name).
      const first = await client.diagnostics(A, (d) => d.some((x) => x.code === 'invalid-value'), 'the file-local diagnostics');
      assert.equal(count(first, 'duplicate-name'), 0, codes(first).join(', '));
      // An edit while the analysis is held: the file-local diagnostics follow it.
      await client.change(A, APPS.replace('deploy: contianer\n', 'deploy: contianer\n    replicaz: 2\n'));
      const early = await client.diagnostics(A, (d) => d.some((x) => x.code === 'unknown-key'), 'the file-local diagnostics after an edit');
      assert.equal(count(early, 'duplicate-name'), 0, codes(early).join(', '));
      assert.equal(count(early, 'invalid-value'), 1, codes(early).join(', '));
      if (pull) {
        const r = await client.pull(A);
        assert.equal(r.kind, 'full');
        assert.match((r as P.FullDocumentDiagnosticReport).resultId ?? '', /:early:/);
      }
      release();
      const full = await client.diagnostics(A, (d) => d.some((x) => x.code === 'duplicate-name'), 'the full diagnostics');
      assert.equal(count(full, 'invalid-value'), 1, codes(full).join(', '));
      assert.equal(count(full, 'unknown-key'), 1, codes(full).join(', '));
      assert.equal(new Set(full.map(key)).size, full.length, 'a diagnostic came twice');
      // Every early diagnostic is still there, once (nothing the scan changed touches it).
      for (const d of early) assert.equal(full.filter((x) => key(x) === key(d)).length, 1, key(d));
      if (pull) {
        // A pull client is asked to pull again, and its early result id no longer holds.
        await waitFor(() => client.refreshes > 0, 'a diagnostic refresh');
        const r = await client.pull(A);
        assert.equal(r.kind, 'full');
        assert.doesNotMatch((r as P.FullDocumentDiagnosticReport).resultId ?? '', /:early:/);
      }
    });
  });
}
