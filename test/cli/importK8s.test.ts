// `workload-placement import k8s <paths…> --out DIR`, run as a child process: the files
// it writes, its summary, `check` on them giving the verdicts `check` gives on the
// manifests, --force, the configuration's `ignore`, escaping, and bad usage (exit 2).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cli, corpusFiles, fixture, json, ROOT, tempTree } from './helpers';

const CORPUS = path.join(ROOT, 'test', 'manifests', 'corpus');

const verdicts = (report: ReturnType<typeof json>['report']) => Object.fromEntries(report.workloads.map((w) => [w.name, w.verdict]));

describe('import k8s', () => {
  const files = { ...corpusFiles(CORPUS, 'manifests'), 'hosts.workload.yaml': fixture('hosts.workload.yaml') };

  it('writes descriptors on which check gives the verdicts it gives on the manifests', () => {
    const dir = tempTree(files);
    const r = cli(['import', 'k8s', 'manifests', 'hosts.workload.yaml', '--out', 'imported'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'imported')).sort(), ['gpu', 'list', 'node-agent', 'postgres', 'sandbox', 'vm', 'web'].map((n) => `${n}.workload.yaml`));
    const before = verdicts(json(['check', 'manifests', 'hosts.workload.yaml'], { cwd: dir }).report);
    const after = json(['check', 'imported', 'hosts.workload.yaml'], { cwd: dir }).report;
    assert.equal(Object.keys(before).length, 11);
    assert.deepEqual(verdicts(after), before);
    // The imported descriptors are clean: the only findings are the engine's, none about the format.
    const format = after.diagnostics.filter((d) => ['yaml-syntax', 'unknown-key', 'wrong-type', 'invalid-value', 'missing-field', 'bad-quantity'].includes(d.rule));
    assert.deepEqual(format, []);
  });

  it('prints what it imported and what it skipped, and why', () => {
    const dir = tempTree(files);
    const r = cli(['import', 'k8s', 'manifests', 'hosts.workload.yaml', '--out', 'imported'], { cwd: dir });
    const want = [
      /^Read 10 files of Kubernetes manifests and 1 descriptor \(3 hosts, read for the fleet, not written\)\.$/m,
      /^Wrote 7 files to imported:$/m,
      /^ {2}imported\/list\.workload\.yaml +4 workloads$/m,
      /^Imported 11 workloads: 1 CronJob, 1 DaemonSet, 4 Deployment, 1 Job, 1 Pod, 1 ReplicaSet, 1 StatefulSet, 1 VirtualMachine\.$/m,
      /^Joined into the workloads they serve: 1 HorizontalPodAutoscaler, 1 PersistentVolumeClaim\.$/m,
      /^ {2}1 template file .*helm template.*: manifests\/chart\/templates\/deployment\.yaml:\d+$/m,
      /^ {2}1 file with invalid YAML .*: manifests\/broken\.yaml:\d+$/m,
      /^ {2}3 documents of kinds that are not workloads: Service\/api \(manifests\/list\.yaml:\d+\), ConfigMap\/web-config \(manifests\/web\.yaml:\d+\), Service\/web/m,
      /^ {2}1 YAML file that is not Kubernetes manifests: manifests\/ci\.yaml$/m,
      /^Next: workload-placement check imported hosts\.workload\.yaml$/m,
    ];
    for (const re of want) assert.match(r.stdout, re);
  });

  it('never overwrites without --force, and writes nothing then', () => {
    const dir = tempTree({ ...files, 'imported/web.workload.yaml': 'mine\n' });
    const r = cli(['import', 'k8s', 'manifests', 'hosts.workload.yaml', '--out', 'imported'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /imported already holds web\.workload\.yaml; nothing written\. Use --force/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'imported')), ['web.workload.yaml']);
    assert.equal(fs.readFileSync(path.join(dir, 'imported/web.workload.yaml'), 'utf8'), 'mine\n');
    const f = cli(['import', 'k8s', 'manifests', 'hosts.workload.yaml', '--out', 'imported', '--force', '-q'], { cwd: dir });
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, '');
    assert.match(fs.readFileSync(path.join(dir, 'imported/web.workload.yaml'), 'utf8'), /- name: web/);
  });

  it('skips manifests the configuration ignores, as check does', () => {
    const dir = tempTree({ ...files, '.workload-placement.json': JSON.stringify({ ignore: ['manifests/list.yaml', 'manifests/vm.yaml'] }) });
    const r = cli(['import', 'k8s', 'manifests', 'hosts.workload.yaml', '--out', 'imported'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!fs.existsSync(path.join(dir, 'imported/list.workload.yaml')));
    assert.ok(!fs.existsSync(path.join(dir, 'imported/vm.workload.yaml')));
    assert.match(r.stdout, /^Imported 6 workloads/m);
    const checked = json(['check', 'manifests', 'hosts.workload.yaml'], { cwd: dir }).report;
    assert.equal(checked.workloads.length, 6);
  });

  it('escapes hostile text in its summary', () => {
    const dir = tempTree({
      'm/\u202eevil.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: "p\\u202ex" }\nspec: { containers: [{ name: c }] }\n---\napiVersion: v1\nkind: "Secret\\u001b[31m"\nmetadata: { name: "s\\u0007" }\n',
    });
    const r = cli(['import', 'k8s', 'm', '--out', 'o'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    assert.match(r.stdout, /\\u202e/i);
  });

  it('refuses bad usage and inputs without workloads (exit 2), never with a stack trace', () => {
    const dir = tempTree({ ...files, 'plain/values.yaml': 'replicas: 3\n' });
    const cases: [string[], RegExp][] = [
      [['import', 'k8s', 'manifests'], /import k8s needs --out DIR/],
      [['import', 'k8s', '--out', 'o'], /import k8s needs the manifests/],
      [['import', 'k8s', 'manifests', '--out', 'o', '--per-file', '3'], /import k8s does not take --per-file/],
      [['import', 'helm', 'manifests', '--out', 'o'], /Unknown import source 'helm' \(sources: rvtools, k8s, compose\)/],
      [['import', 'k8s', 'nowhere', '--out', 'o'], /nowhere: no such file or folder/],
      [['import', 'k8s', 'plain', '--out', 'o'], /No workloads in Kubernetes manifests found in plain; nothing written\.\n {2}1 YAML file that is not Kubernetes manifests: plain\/values\.yaml/],
      [['import', 'k8s', 'manifests/broken.yaml', '--out', 'o'], /No workloads .* nothing written\.\n {2}1 file with invalid YAML/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args, { cwd: dir });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.ok(!fs.existsSync(path.join(dir, 'o')));
  });

  it('is in the help', () => {
    assert.match(cli(['--help']).stdout, /import k8s\|compose <paths\.\.\.> --out DIR/);
    assert.match(cli(['import', '--help']).stdout, /workload-placement import k8s\|compose <paths\.\.\.> --out DIR/);
  });
});
