// `workload-placement check` on a folder of Compose projects: every service gets a
// verdict, named `<project>/<service>`; `.env` and the override are read from disk, never
// the shell's environment; `--fix` leaves Compose files alone.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cleanEnv, cli, corpusFiles, fixture, json, ROOT, tempTree } from './helpers';

const CORPUS = path.join(ROOT, 'test', 'manifests', 'compose');

const SERVICES = ['legacy/erp', 'legacy/mongo', 'ml/inference', 'ml/reports', 'ml/sandbox', 'monitoring/falco', 'monitoring/node-exporter', 'monitoring/prometheus', 'shop/api', 'shop/cache', 'shop/db', 'shop/mailpit', 'shop/web', 'shop/worker'];

describe('check: Compose files', () => {
  const dir = tempTree({ ...corpusFiles(CORPUS, 'stacks'), 'hosts.workload.yaml': fixture('hosts.workload.yaml') });

  it('prints a verdict for every service of every project', () => {
    const r = cli(['check', 'stacks/', 'hosts.workload.yaml'], { cwd: dir });
    assert.notEqual(r.code, 2, r.stderr);
    for (const name of SERVICES) assert.match(r.stdout, new RegExp(`^  ${name} \\(line \\d+\\): (vm|container|container-in-vm)`, 'm'), name);
    assert.match(r.stdout, /; 14 workloads: /);
  });

  it('in JSON: .env and the override read from disk, diagnostics at the Compose fields', () => {
    const { report } = json(['check', 'stacks/', 'hosts.workload.yaml'], { cwd: dir, env: cleanEnv({ DB_PASSWORD: 'from-the-shell', TAG: 'x' }) });
    assert.deepEqual(report.workloads.map((w) => w.name).sort(), SERVICES);
    assert.equal(report.workloads.find((w) => w.name === 'shop/mailpit')!.file, 'stacks/shop/compose.override.yaml');
    const rules = (file: string) => report.diagnostics.filter((d) => d.file === file).map((d) => d.rule);
    assert.ok(rules('stacks/monitoring/docker-compose.yml').includes('host-kernel-access'));
    assert.ok(rules('stacks/legacy/docker-compose.yaml').includes('stateful-without-volumes'));
    assert.ok(!rules('stacks/shop/compose.yaml').includes('compose-variable'), 'DB_PASSWORD is in .env');
    assert.ok(!report.files.includes('stacks/ci.yaml') && !report.files.includes('stacks/shared/base.yml'));
  });

  it('a Compose file named on the command line is read as one, with its folder\'s .env and override', () => {
    const { report } = json(['check', 'stacks/shop/compose.yaml', 'hosts.workload.yaml'], { cwd: dir });
    assert.deepEqual(report.workloads.map((w) => w.name).sort(), ['shop/api', 'shop/cache', 'shop/db', 'shop/web', 'shop/worker']);
    assert.ok(!report.diagnostics.some((d) => d.rule === 'compose-variable'));
  });

  it('variables come from .env, never from the environment', () => {
    const other = tempTree({ 'app/compose.yaml': 'services:\n  api:\n    image: acme/api:${TAG}\n', 'hosts.workload.yaml': fixture('hosts.workload.yaml') });
    const { report } = json(['check', '.'], { cwd: other, env: cleanEnv({ TAG: '1.0' }) });
    assert.deepEqual(report.diagnostics.filter((d) => d.file === 'app/compose.yaml').map((d) => d.rule), ['compose-variable']);
  });

  it('--fix leaves Compose files alone', () => {
    const file = path.join(dir, 'stacks/ml/compose.yaml');
    const before = fs.readFileSync(file, 'utf8');
    cli(['check', 'stacks/', 'hosts.workload.yaml', '--fix'], { cwd: dir });
    assert.equal(fs.readFileSync(file, 'utf8'), before);
  });

  it('a compose.yaml that is not a Compose file is nothing to check', () => {
    const other = tempTree({ 'compose.yaml': 'just: text\n' });
    const r = cli(['check', '.'], { cwd: other });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Compose files found/);
  });

  it('layout and export read the Compose files as check does', () => {
    const checked = json(['check', 'stacks/', 'hosts.workload.yaml'], { cwd: dir }).report;
    const l = cli(['layout', 'stacks/', 'hosts.workload.yaml', '--format', 'json'], { cwd: dir });
    assert.equal(l.code, 0, l.stderr);
    const { layout } = JSON.parse(l.stdout) as { layout: { workloads: { name: string; verdict: string | null }[]; files: string[] } };
    assert.deepEqual(layout.workloads.map((w) => w.name).sort(), SERVICES);
    for (const w of layout.workloads) assert.equal(w.verdict, checked.workloads.find((x) => x.name === w.name)!.verdict, w.name);
    assert.ok(layout.files.includes('stacks/shop/compose.yaml'));

    const e = cli(['export', 'k8s', 'stacks/', 'hosts.workload.yaml', '--out', 'k8s-out'], { cwd: dir });
    assert.notEqual(e.code, 2, e.stderr);
    const written = fs.readdirSync(path.join(dir, 'k8s-out'));
    for (const name of SERVICES) assert.ok(written.includes(`${name.replace('/', '-')}.yaml`) || e.stdout.includes(`${name} at`), name);
    assert.match(fs.readFileSync(path.join(dir, 'k8s-out', 'shop-web.yaml'), 'utf8'), /name: shop-web/);
    // The documented renaming of `project/service` is not a note; only a clash would be.
    assert.doesNotMatch(e.stdout, /'shop\/web' is not a valid Kubernetes name/);
  });
});
