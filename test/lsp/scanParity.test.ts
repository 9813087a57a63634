// The editor and the command line build the same fleet from the same folder: one
// scanner (server/src/scan.ts) decides which files count. Over one tree with symbolic
// links (inside, outside, looping, duplicate), upper-case extensions, a FIFO, skipped
// folders and ignore globs, `check --format json` and the server's workspace
// diagnostics must list the same files with the same diagnostics.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type * as P from 'vscode-languageserver-protocol';
import { json } from '../cli/helpers';
import { TestClient } from './helpers';

const host = (name: string) => `version: 1
hosts:
  - name: ${name}
    role: container-host
    runtime: containerd
    os: linux
    cpu: 16
    memory: 64Gi
`;
const app = (name: string, hostName: string) => `version: 1
workloads:
  - name: ${name}
    kind: service
    deploy: container
    host: ${hostName}
    cpu: 1
    memory: 1Gi
`;

const FILES: Record<string, string> = {
  'hosts/main.workload.yaml': host('k8s-main'),
  'apps/UPPER.WORKLOAD.YAML': app('upper', 'k8s-main'),
  'apps/mixed.Workload.Yml': app('mixed', 'k8s-vendor'),
  'apps/out.workload.yaml': app('needs-outside', 'k8s-outside'),
  'apps/old.workload.yaml': app('needs-legacy', 'k8s-legacy'),
  'apps/loop.workload.yaml': app('needs-loop', 'k8s-main'),
  'legacy/old-hosts.workload.yaml': host('k8s-legacy'),
  'node_modules/pkg/vendor.workload.yaml': host('k8s-vendor'),
  '.git/x.workload.yaml': host('k8s-git'),
  '.workload-placement.json': JSON.stringify({ ignore: ['legacy/**', '*.draft.workload.yaml'] }),
  'drafts/a.draft.workload.yaml': host('k8s-draft'),
  'not-a-descriptor.yaml': host('k8s-other'),
  // Kubernetes manifests count; other YAML and ignored manifests do not.
  'k8s/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers: [{ name: web }]\n',
  'k8s/ci.yml': 'name: build\non: [push]\n',
  'legacy/deploy.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: old }\n',
};

function setup(dir: string): void {
  const outside = fs.mkdtempSync(path.join(path.dirname(dir), 'wp-outside-'));
  process.on('exit', () => fs.rmSync(outside, { recursive: true, force: true }));
  fs.writeFileSync(path.join(outside, 'outside.workload.yaml'), host('k8s-outside'));
  // Leaves the root: skipped.
  fs.symlinkSync(path.join(outside, 'outside.workload.yaml'), path.join(dir, 'outside-link.workload.yaml'));
  fs.symlinkSync(outside, path.join(dir, 'outside-dir'));
  // Stays inside: followed, even into node_modules (the link's path is what is scanned).
  fs.symlinkSync(path.join('node_modules', 'pkg', 'vendor.workload.yaml'), path.join(dir, 'vendor.workload.yaml'));
  // The same file twice and the same folder twice: taken once.
  fs.symlinkSync(path.join('..', 'hosts', 'main.workload.yaml'), path.join(dir, 'apps', 'again.workload.yaml'));
  fs.symlinkSync('hosts', path.join(dir, 'hosts-again'));
  // Loops and dangling links: skipped.
  fs.symlinkSync('..', path.join(dir, 'apps', 'up'));
  fs.symlinkSync('self.workload.yaml', path.join(dir, 'self.workload.yaml'));
  fs.symlinkSync('missing.workload.yaml', path.join(dir, 'dangling.workload.yaml'));
  // A link into an ignored folder is matched by its own path: taken.
  fs.symlinkSync(path.join('legacy', 'old-hosts.workload.yaml'), path.join(dir, 'legacy-link.workload.yaml'));
  // A FIFO with a descriptor's name: skipped (reading it would block).
  execFileSync('mkfifo', [path.join(dir, 'fifo.workload.yaml')]);
}

describe('the editor and the command line scan the same files', { skip: process.platform === 'win32', timeout: 120_000 }, () => {
  it('links, upper-case extensions, FIFOs, skipped folders and ignore globs: the same files, the same diagnostics', async () => {
    const c = await TestClient.start({ files: FILES, setup });
    try {
      const rel = (uri: string) => path.relative(c.dir, fileURLToPath(uri)).split(path.sep).join('/');
      const report = await c.conn.sendRequest<P.WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [] });
      const server = new Map<string, string[]>();
      for (const item of report.items) {
        const full = item as P.WorkspaceFullDocumentDiagnosticReport;
        server.set(rel(item.uri), full.items.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)} ${d.message}`).sort());
      }
      const { run, report: cliReport } = json(['check', '.'], { cwd: c.dir });
      assert.notEqual(run.code, 2, run.stderr);
      const cli = new Map<string, string[]>(cliReport.files.map((f) => [f, []]));
      for (const d of cliReport.diagnostics) cli.get(d.file)!.push(`${d.range.start.line}:${d.range.start.column} ${d.rule} ${d.message}`);
      for (const v of cli.values()) v.sort();

      assert.deepEqual([...server.keys()].sort(), [...cli.keys()].sort(), 'the same files');
      assert.deepEqual(Object.fromEntries([...server].sort()), Object.fromEntries([...cli].sort()), 'the same diagnostics');
      // And the policy itself.
      assert.deepEqual([...cli.keys()].sort(), [
        'apps/UPPER.WORKLOAD.YAML',
        'apps/loop.workload.yaml',
        'apps/mixed.Workload.Yml',
        'apps/old.workload.yaml',
        'apps/out.workload.yaml',
        'hosts/main.workload.yaml',
        'k8s/web.yaml',
        'legacy-link.workload.yaml',
        'vendor.workload.yaml',
      ]);
      const unknown = cliReport.diagnostics.filter((d) => d.rule === 'unknown-host').map((d) => d.file);
      assert.deepEqual(unknown, ['apps/out.workload.yaml'], 'only the host behind the outside link is unknown');
    } finally {
      await c.shutdown();
    }
  });

  it('files the watcher reports go through the same policy: new links to counted files or outside the root add nothing', async () => {
    const c = await TestClient.start({ files: { 'hosts/main.workload.yaml': host('k8s-main'), 'apps/a.workload.yaml': app('a', 'k8s-main') } });
    try {
      const all = async () => {
        const r = await c.conn.sendRequest<P.WorkspaceDiagnosticReport>('workspace/diagnostic', { previousResultIds: [] });
        return r.items.map((i) => [path.relative(c.dir, fileURLToPath(i.uri)), (i as P.WorkspaceFullDocumentDiagnosticReport).items.map((d) => String(d.code))] as const);
      };
      const before = await all();
      assert.ok(before.every(([, codes]) => !codes.includes('duplicate-name')), JSON.stringify(before));
      const outside = fs.mkdtempSync(path.join(path.dirname(c.dir), 'wp-outside-'));
      process.on('exit', () => fs.rmSync(outside, { recursive: true, force: true }));
      fs.writeFileSync(path.join(outside, 'o.workload.yaml'), host('k8s-outside'));
      fs.symlinkSync(path.join('hosts', 'main.workload.yaml'), path.join(c.dir, 'twin.workload.yaml'));
      fs.symlinkSync(path.join(outside, 'o.workload.yaml'), path.join(c.dir, 'out.workload.yaml'));
      execFileSync('mkfifo', [path.join(c.dir, 'fifo.workload.yaml')]);
      await c.conn.sendNotification('workspace/didChangeWatchedFiles', {
        changes: ['twin.workload.yaml', 'out.workload.yaml', 'fifo.workload.yaml'].map((n) => ({ uri: c.uri(n), type: 1 })),
      });
      // A hover answers after the notifications are handled; the fleet is unchanged.
      await c.hover('apps/a.workload.yaml', { line: 0, character: 0 });
      assert.deepEqual((await all()).sort(), before.sort());
      const { report } = json(['check', '.'], { cwd: c.dir });
      assert.deepEqual(report.files.sort(), before.map(([f]) => f.split(path.sep).join('/')).sort());
    } finally {
      await c.shutdown();
    }
  });
});
