// `workload-placement check manifests/ hosts.workload.yaml`: Kubernetes manifests found in
// a folder are workloads with verdicts; hosts come from the descriptor; other YAML in the
// folder is not read as anything and gets no diagnostics.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, corpusFiles, fixture, json, ROOT, tempTree } from './helpers';

const CORPUS = path.join(ROOT, 'test', 'manifests', 'corpus');

const WORKLOADS = ['api', 'cache-warmer', 'inference', 'legacy-erp', 'legacy-frontend', 'nightly-report', 'node-agent', 'postgres', 'reindex', 'untrusted-build', 'web'];

describe('check: Kubernetes manifests', () => {
  const dir = tempTree({ ...corpusFiles(CORPUS, 'manifests'), 'hosts.workload.yaml': fixture('hosts.workload.yaml'), 'manifests/values.yaml': 'replicaCount: 3\nimage: { repository: shop/web }\n' });

  it('prints a verdict for every manifest workload', () => {
    const r = cli(['check', 'manifests/', 'hosts.workload.yaml'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr); // broken.yaml is a YAML error
    for (const name of WORKLOADS) assert.match(r.stdout, new RegExp(`^  ${name} \\(line \\d+\\): (vm|container|container-in-vm)`, 'm'), name);
    assert.match(r.stdout, /; 11 workloads: 4 vm, 7 container, 0 container-in-vm/);
  });

  it('in JSON: the workloads, HPA scaling joined from another file, diagnostics only on manifests', () => {
    const { report } = json(['check', 'manifests/', 'hosts.workload.yaml'], { cwd: dir });
    assert.deepEqual(report.workloads.map((w) => w.name).sort(), WORKLOADS);
    for (const w of report.workloads) assert.ok(w.verdict, w.name ?? undefined);
    const files = new Set(report.diagnostics.map((d) => d.file));
    assert.ok(!files.has('manifests/ci.yaml') && !files.has('manifests/values.yaml'), [...files].join(', '));
    assert.ok(!report.files.includes('manifests/ci.yaml'));
    assert.deepEqual(report.diagnostics.filter((d) => d.file === 'manifests/broken.yaml').map((d) => d.rule), ['yaml-syntax']);
    assert.deepEqual(report.diagnostics.filter((d) => d.file === 'manifests/chart/templates/deployment.yaml').map((d) => d.rule), ['manifest-template']);
  });

  it('a manifest named on the command line is read as one', () => {
    const { report } = json(['check', 'manifests/web.yaml', 'manifests/hpa.yaml', 'hosts.workload.yaml'], { cwd: dir });
    assert.deepEqual(report.workloads.map((w) => w.name), ['web']);
  });

  it('--fix leaves manifests alone', () => {
    const before = fs.readFileSync(path.join(dir, 'manifests/web.yaml'), 'utf8');
    cli(['check', 'manifests/', 'hosts.workload.yaml', '--fix'], { cwd: dir });
    assert.equal(fs.readFileSync(path.join(dir, 'manifests/web.yaml'), 'utf8'), before);
  });

  it('a folder with only YAML that is not a manifest has nothing to check', () => {
    const other = tempTree({ 'ci.yaml': 'name: build\non: [push]\n', 'values.yaml': 'kind: x\n' });
    const r = cli(['check', '.'], { cwd: other });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No descriptor files .*, Kubernetes manifests or Compose files found/);
  });

  it('layout reads the manifests as check does', () => {
    const checked = json(['check', 'manifests/', 'hosts.workload.yaml'], { cwd: dir }).report;
    const l = cli(['layout', 'manifests/', 'hosts.workload.yaml', '--format', 'json'], { cwd: dir });
    assert.equal(l.code, 0, l.stderr);
    const { layout } = JSON.parse(l.stdout) as { layout: { workloads: { name: string; verdict: string | null }[] } };
    assert.deepEqual(layout.workloads.map((w) => w.name).sort(), checked.workloads.map((w) => w.name ?? '').sort());
    assert.ok(layout.workloads.length > 5);
  });
});
