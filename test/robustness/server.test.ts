// The bundled server (dist/server.js) over stdio, under the events that break editors:
// a branch switch that changes 500 descriptor files at once, and the server killed in
// the middle of a session (the client starts a new one and replays its documents).
import type { Socket } from 'node:net';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type * as P from 'vscode-languageserver-protocol';
import { LspClient, type ServerSpec } from '../../bench/lspClient';
import { exampleFleets } from '../incremental/support';

const SERVER = resolve(__dirname, '..', '..', '..', 'dist', 'server.js');

function spec(pull: boolean): ServerSpec {
  return { name: 'ours', script: SERVER, args: ['--stdio'], settings: { workloadPlacement: {} }, pull };
}

/** Polls `probe` until it holds, failing at the deadline or when the server exits. */
async function until<T>(client: LspClient, probe: () => T | undefined | false, what: string, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (client.exited) throw new Error(`the server exited while waiting for ${what}: ${client.stderr.slice(-500)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const HOSTS = 'version: 1\nhosts:\n  - name: k8s-01\n    role: container-host\n    runtime: containerd\n    os: linux\n    cpu: 512\n    memory: 4096Gi\n';
const branchA = (i: number) => `version: 1\nworkloads:\n  - name: svc-${i}\n    os: linux\n    resources: { cpu: 100m, memory: 64Mi }\n    deploy: contianer\n`;
const branchB = (i: number) => `version: 1\nworkloads:\n  - name: svc-${i}\n    os: linux\n    replicaz: 2\n    resources: { cpu: 100m, memory: 64Mi }\n`;

describe('the server under workspace-wide events', { timeout: 300_000 }, () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a branch switch of 500 descriptor files: every file ends up with its new diagnostics, in far fewer analyses than files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-branch-'));
    dirs.push(dir);
    const N = 500;
    const uri = (name: string) => pathToFileURL(join(dir, name)).href;
    writeFileSync(join(dir, 'hosts.workload.yaml'), HOSTS);
    for (let i = 0; i < N; i++) writeFileSync(join(dir, `svc-${i}.workload.yaml`), branchA(i));
    const client = new LspClient(spec(false));
    try {
      await client.initialize(pathToFileURL(dir).href);
      const has = (name: string, rule: RegExp) => client.published.get(uri(name))?.diagnostics.some((d) => rule.test(String(d.code)));
      await until(client, () => [...Array(N).keys()].every((i) => has(`svc-${i}.workload.yaml`, /^invalid-value$/)), 'branch A diagnostics on all 500 files');
      // One file is open in the editor; the rest change on disk.
      const open = 'svc-0.workload.yaml';
      await client.open(uri(open), branchA(0), 'workload-descriptor');
      const before = client.notifications.get('workloadPlacement/layoutChanged') ?? 0;

      // The switch: 450 files rewritten, 50 deleted, 50 new, announced in one batch.
      const events: P.FileEvent[] = [];
      for (let i = 0; i < N; i++) {
        const name = `svc-${i}.workload.yaml`;
        if (i >= N - 50) {
          unlinkSync(join(dir, name));
          events.push({ uri: uri(name), type: 3 });
        } else {
          writeFileSync(join(dir, name), branchB(i));
          events.push({ uri: uri(name), type: 2 });
        }
      }
      for (let i = N; i < N + 50; i++) {
        writeFileSync(join(dir, `svc-${i}.workload.yaml`), branchB(i));
        events.push({ uri: uri(`svc-${i}.workload.yaml`), type: 1 });
      }
      await client.replace(uri(open), 2, branchB(0));
      await client.watchedFiles(events);

      const settled = () =>
        [...Array(N - 50).keys()].every((i) => has(`svc-${i}.workload.yaml`, /^unknown-key$/) && !has(`svc-${i}.workload.yaml`, /^invalid-value$/)) &&
        [...Array(50).keys()].every((k) => client.published.get(uri(`svc-${N - 50 + k}.workload.yaml`))?.diagnostics.length === 0) &&
        [...Array(50).keys()].every((k) => has(`svc-${N + k}.workload.yaml`, /^unknown-key$/));
      await until(client, settled, 'branch B diagnostics on every file');
      const analyses = (client.notifications.get('workloadPlacement/layoutChanged') ?? 0) - before;
      assert.ok(analyses >= 1 && analyses < 100, `${analyses} analyses for 551 changed files`);
      assert.equal(client.exited, false);
    } finally {
      await client.stop();
    }
  });

  it('the server killed mid-session: a pending request fails instead of hanging, and a new server gives the same diagnostics', async () => {
    const [fleet] = exampleFleets();
    const dir = mkdtempSync(join(tmpdir(), 'wp-kill-'));
    dirs.push(dir);
    const files = Object.entries(fleet.files).map(([name, text]) => ({ uri: pathToFileURL(join(dir, name.replace('/', '-'))).href, text }));
    for (const f of files) writeFileSync(new URL(f.uri), f.text);
    // What the editor holds: the files, one of them edited and not saved.
    const edited = { ...files[0], text: files[0].text.replace(/\bname: /, 'name: renamed-') };

    const session = async (client: LspClient) => {
      await client.initialize(pathToFileURL(dir).href);
      for (const f of [edited, ...files.slice(1)]) await client.open(f.uri, f.text, 'workload-descriptor');
      const out: Record<string, string[]> = {};
      for (const f of files) out[f.uri] = (await client.pull(f.uri)).map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`);
      return out;
    };

    const first = new LspClient(spec(true));
    let firstDiagnostics: Record<string, string[]>;
    try {
      firstDiagnostics = await session(first);
      assert.ok(Object.values(firstDiagnostics).some((d) => d.length > 0), 'the example has diagnostics');
      const exited = new Promise((r) => first.child.once('exit', r));
      const stdin = first.child.stdin as Socket; // a pipe: a net.Socket
      const before = stdin.bytesWritten;
      // Stopped, the server cannot answer, so the request is surely pending when it dies.
      first.child.kill('SIGSTOP');
      const pending = first.pull(files[0].uri);
      // Kill only once the request is on the wire: vscode-jsonrpc turns a failed write into an
      // unhandled rejection.
      const body = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'textDocument/diagnostic', params: { textDocument: { uri: files[0].uri } } });
      const deadline = Date.now() + 30_000;
      while (stdin.bytesWritten - before < Buffer.byteLength(body) || stdin.writableLength > 0) {
        assert.ok(Date.now() < deadline, 'the request was written within 30 s');
        await new Promise((r) => setImmediate(r));
      }
      first.child.kill('SIGKILL');
      await assert.rejects(pending, 'a request pending when the server dies is rejected');
      await exited;
    } finally {
      await first.stop();
    }

    const second = new LspClient(spec(true));
    try {
      assert.deepEqual(await session(second), firstDiagnostics);
    } finally {
      await second.stop();
    }
  });
});
