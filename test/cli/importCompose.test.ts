// `workload-placement import compose <paths…> --out DIR`, run as a child process: one
// descriptor per Compose file, named for its project, service names made DNS labels
// (`shop/web` → `shop-web`), volumes without a size left for the user, and `check` on
// the result giving the verdicts it gives on the Compose files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, corpusFiles, fixture, json, ROOT, tempTree } from './helpers';

const CORPUS = path.join(ROOT, 'test', 'manifests', 'compose');

type Report = ReturnType<typeof json>['report'];
const verdicts = (report: Report, rename: (n: string) => string = (n) => n) => Object.fromEntries(report.workloads.map((w) => [rename(w.name ?? ''), w.verdict]));

describe('import compose', () => {
  const files = { ...corpusFiles(CORPUS, 'stacks'), 'hosts.workload.yaml': fixture('hosts.workload.yaml') };

  it('writes a descriptor per Compose file, named for its project, with the verdicts check gives on the Compose files', () => {
    const dir = tempTree(files);
    const r = cli(['import', 'compose', 'stacks', 'hosts.workload.yaml', '--out', 'imported'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'imported')).sort(), ['legacy', 'ml', 'monitoring', 'shop-override', 'shop'].map((n) => `${n}.workload.yaml`));
    const shop = fs.readFileSync(path.join(dir, 'imported', 'shop.workload.yaml'), 'utf8');
    assert.match(shop, /# from stacks\/shop\/compose\.yaml:\d+, service web of the Compose project shop\n {2}- name: shop-web\n/);
    assert.match(shop, /- name: pgdata\n {8}# size: unknown \(a Compose volume has no size\); set it/);
    assert.match(r.stdout, /shop-db: the size of the volume pgdata is unknown \(Compose does not give one\): set `size`\./);

    const before = verdicts(json(['check', 'stacks', 'hosts.workload.yaml'], { cwd: dir }).report, (n) => n.replace('/', '-'));
    assert.equal(Object.keys(before).length, 14);
    // The user gives the volumes their sizes, as the notes ask; then the verdicts are the same.
    for (const f of fs.readdirSync(path.join(dir, 'imported'))) {
      const p = path.join(dir, 'imported', f);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/# size: unknown \(a Compose volume has no size\); set it/g, 'size: 10Gi'));
    }
    const after = json(['check', 'imported', 'hosts.workload.yaml'], { cwd: dir }).report;
    assert.deepEqual(verdicts(after), before);
    const format = after.diagnostics.filter((d) => ['yaml-syntax', 'unknown-key', 'wrong-type', 'invalid-value', 'missing-field', 'bad-quantity', 'name-not-dns-label'].includes(d.rule));
    assert.deepEqual(format, []);
  });

  it('reads only Compose files: a Kubernetes manifest is not one', () => {
    const dir = tempTree({ 'k8s/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers: [{ name: web, image: nginx }]\n' });
    const r = cli(['import', 'compose', 'k8s', '--out', 'imported'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No workloads in Compose files found in k8s; nothing written\./);
    assert.equal(fs.existsSync(path.join(dir, 'imported')), false);
  });

  it('is in the help', () => {
    assert.match(cli(['import', '--help']).stdout, /import k8s\|compose/);
  });
});
